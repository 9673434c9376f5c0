# syntax=docker/dockerfile:1.7
FROM alpine:3.21
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache git tini tzdata
RUN addgroup -S app && adduser -S -G app app
WORKDIR /app
COPY --link . /app
USER nobody
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
