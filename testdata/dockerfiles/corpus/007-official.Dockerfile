# syntax=docker/dockerfile:1.7
from gcr.io/mirror/debian
label org.opencontainers.image.source="https://example.com/acme/debian-tools"
env LANG=C.UTF-8 TZ=UTC
run apt-get update \
    && apt-get install -y --no-install-recommends \
        git \
        ca-certificates \
        tini \
    && rm -rf /var/lib/apt/lists/*
run useradd --system --create-home --uid 10001 app
workdir /app
copy --chown=app:app . /app
arg UID=10001
user ${UID}
healthcheck --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
expose 8080
cmd ["./start.sh"]
