# hadolint shell=bash
FROM debian:12@sha256:dabc35173d13f826ee1726a6330606efe45fe5da98c7283743d640f374cd89cb
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        tini \
        curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
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
