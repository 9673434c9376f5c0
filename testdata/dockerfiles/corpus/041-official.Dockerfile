# syntax=docker/dockerfile:1-labs
FROM ubuntu:24.04@sha256:a2801be96ab24dab4bcd4f3f73bb2791c3af7dfbc9bd95c8fe8b8be31b4276cb
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        locales \
        curl \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
RUN <<EOT bash
set -euo pipefail
mkdir -p /app/data
echo ready > /app/data/state
EOT

WORKDIR /app
COPY . /app
EXPOSE 8080
CMD ["./start.sh"]
