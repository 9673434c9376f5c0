# syntax=docker/dockerfile:1.7
FROM docker.io/ubuntu:jammy@sha256:050e5838b870792e716ba7a1f7cdf6c174cc1348a1f8cf306f9308a99ebd090a
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        curl \
        locales \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
RUN <<EOT bash
set -euo pipefail
mkdir -p /app/data
echo ready > /app/data/state
EOT

WORKDIR /app
COPY --link . /app
USER 1000
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
EXPOSE 8080
CMD ./start.sh
