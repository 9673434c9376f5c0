# syntax=docker/dockerfile:1
FROM debian:bookworm-slim
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tini \
        gnupg \
        git \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
RUN <<EOF
set -eux
apt-get update
apt-get install -y curl
EOF

WORKDIR /app
COPY . /app
EXPOSE 8080
CMD ./start.sh
