FROM node:latest AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM gcr.io/mirror/node:20.18-alpine@sha256:3ebc9ea41620d8d6f15e7428f7795ea8c6bd9f38067e3469f635e596c3b94052
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
USER www-data
CMD ["node", "dist/server.js"]
