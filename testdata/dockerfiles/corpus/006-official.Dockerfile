# check=skip=JSONArgsRecommended
FROM docker.io/library/alpine:3.21
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache ca-certificates tini curl
RUN addgroup -S app && adduser -S -G app app
WORKDIR /app
COPY --link . /app
USER 10001
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
EXPOSE 8080
CMD ./start.sh
