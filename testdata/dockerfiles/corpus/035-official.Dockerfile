FROM ubuntu:jammy@sha256:d67604ac7945acc615428d1eb5f23b308df2db4fb33b9d64f3541393829f1641
LABEL org.opencontainers.image.source="https://example.com/acme/ubuntu-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tini \
        git \
        gnupg \
    && rm -rf /var/lib/apt/lists/*
RUN <<EOF
set -eux
apt-get update
apt-get install -y curl
EOF

WORKDIR /app
COPY --link . /app
ARG UID=10001
USER ${UID}
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
