# syntax=docker/dockerfile:1
FROM debian@sha256:81d93757457f988523814ae0009837ae893f38d3fe123f2c37896f118b4c7804
LABEL org.opencontainers.image.source="https://example.com/acme/debian-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tini \
        curl \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY --link . /app
USER 10001
EXPOSE 8080
CMD ./start.sh
