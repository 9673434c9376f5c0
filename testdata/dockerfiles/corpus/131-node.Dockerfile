# syntax=docker/dockerfile:1-labs
FROM docker.io/node:20-bookworm-slim@sha256:c995b9c37291429364b84d339588e6420992db4b519f250d8ba64f2eb2e86c84 as deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
USER app
CMD ["node", "dist/server.js"]
