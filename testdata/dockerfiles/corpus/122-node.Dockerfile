# Build the service image.
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-alpine as deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM gcr.io/distroless/nodejs22-debian12:latest@sha256:392c26e46097c1cc124afe0d691e1280c79187ff4cd73ddd8df08e59f821cf9f
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
ARG UID=10001
USER ${UID}
CMD ["node", "dist/server.js"]
