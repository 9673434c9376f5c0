# syntax=docker/dockerfile:1.9
FROM ghcr.io/mirror/alpine:3.19
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache ca-certificates curl bash
RUN addgroup -S app && adduser -S -G app app
WORKDIR /app
COPY --link . /app
ARG UID=10001
USER ${UID}
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
