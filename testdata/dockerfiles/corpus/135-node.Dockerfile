ARG NODE_VERSION=20.18
FROM node:${NODE_VERSION}@sha256:efd95843c6820f7fa5eb845c86086590dcb4c76d8dac088bc32de229d3852759 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM node:20.18-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
USER 65532:65532
CMD ["node", "dist/server.js"]
