FROM ghcr.io/mirror/node:20.18-alpine as deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM node:20.18-alpine@sha256:e47607d98f37294eb69892684ca35718d66abd914fcb0b76c8c8bfb4fd5e3d36
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
CMD ["node", "dist/server.js"]
