# syntax=docker/dockerfile:1-labs
FROM docker.io/library/alpine
LABEL org.opencontainers.image.source="https://example.com/acme/alpine-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache git tini ca-certificates
RUN <<EOF
set -eux
apt-get update
apt-get install -y curl
EOF

WORKDIR /app
COPY --link . /app
USER 0
EXPOSE 8080
CMD ["./start.sh"]
