# syntax=docker/dockerfile:1.7
FROM docker.io/alpine
LABEL org.opencontainers.image.source="https://example.com/acme/alpine-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tini curl bash
RUN <<EOT bash
set -euo pipefail
mkdir -p /app/data
echo ready > /app/data/state
EOT

WORKDIR /app
COPY . /app
USER 0
EXPOSE 8080
CMD ./start.sh
