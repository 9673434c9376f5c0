FROM ghcr.io/mirror/node:22.11-alpine@sha256:e7ebadd777f310cf0c07a23d77b2952f44e6322b713731b18b210bf37b4c79de AS deps
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
USER 65532:65532
CMD ["node", "dist/server.js"]
