FROM debian:12
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        gnupg \
        locales \
        procps \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
RUN <<EOT bash
set -euo pipefail
mkdir -p /app/data
echo ready > /app/data/state
EOT

WORKDIR /app
COPY --chown=app:app . /app
USER 0:0
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
