FROM docker.io/alpine:3.20
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache curl bash git
RUN addgroup -S app && adduser -S -G app app
WORKDIR /app
COPY . /app
USER appuser
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
