# Maintained by the platform team
FROM debian:latest
LABEL org.opencontainers.image.source="https://example.com/acme/debian-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        procps \
        gnupg \
    && rm -rf /var/lib/apt/lists/*
RUN <<EOF
set -eux
apt-get update
apt-get install -y curl
EOF

WORKDIR /app
COPY --chown=app:app . /app
USER appuser
EXPOSE 8080
CMD ./start.sh
