# syntax=docker/dockerfile:1
FROM ghcr.io/mirror/alpine:3.21
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tini curl tzdata
WORKDIR /app
COPY . /app
USER www-data
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
