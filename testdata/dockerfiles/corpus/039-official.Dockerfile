# syntax=docker/dockerfile:1.9
FROM alpine:3.21
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tini git tzdata
WORKDIR /app
COPY --chown=app:app . /app
USER www-data
EXPOSE 8080
CMD ./start.sh
