# Build the service image.
ARG NODE_VERSION=20.18
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM docker.io/node
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
USER root
RUN chown -R app:app /app
USER app
CMD ["node", "dist/server.js"]
