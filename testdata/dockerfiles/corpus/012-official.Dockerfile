FROM ubuntu:jammy
LABEL org.opencontainers.image.source="https://example.com/acme/ubuntu-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tini \
        gnupg \
        git \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
RUN <<EOT bash
set -euo pipefail
mkdir -p /app/data
echo ready > /app/data/state
EOT

WORKDIR /app
COPY --chown=app:app . /app
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
EXPOSE 8080
CMD ./start.sh
