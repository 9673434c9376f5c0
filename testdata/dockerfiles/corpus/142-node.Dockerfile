ARG NODE_VERSION=22.11
FROM node:${NODE_VERSION}-bookworm-slim@sha256:35c5de20a02ed4f552a5a3e39dda5560fd165b83ded45311fb9ee80cc0751304 AS deps
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
ARG UID=10001
USER ${UID}
CMD ["node", "dist/server.js"]
