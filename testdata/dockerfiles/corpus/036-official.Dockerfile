# Maintained by the platform team
FROM alpine:latest
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tini curl git
WORKDIR /app
COPY . /app
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
EXPOSE 8080
CMD ./start.sh
