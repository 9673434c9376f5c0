ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM docker.io/library/node@sha256:20f06c392ecf049913178cf26b6c0a242ba672528ce7557544f7a5f29765b6e2
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
USER nobody
CMD ["node", "dist/server.js"]
