# syntax=docker/dockerfile:1.9
# Build the service image.
FROM node:22.11 as deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM node:22.11-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
USER app
RUN id
USER root
CMD ["node", "dist/server.js"]
