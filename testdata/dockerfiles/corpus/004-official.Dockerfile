# syntax=docker/dockerfile:1-labs
FROM docker.io/library/alpine:3.20@sha256:ae62a4d7bd7dbee18c31c7f9d906a88b8d658e14d6c6ff8840378bd7c4bad1e9
LABEL org.opencontainers.image.source="https://example.com/acme/alpine-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tzdata tini bash
RUN addgroup -S app && adduser -S -G app app
WORKDIR /app
COPY . /app
USER www-data
EXPOSE 8080
CMD ["./start.sh"]
