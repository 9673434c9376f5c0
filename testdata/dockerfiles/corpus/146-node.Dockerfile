FROM node:22-alpine@sha256:39e0730d639d90ce3ac6ab4df20ea2a66569a09929c5458d92ef5dc3ab29be37 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
FROM deps AS build
COPY . .
RUN npm run build
FROM deps
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
USER root
RUN chown -R app:app /app
USER app
CMD ["node", "dist/server.js"]
