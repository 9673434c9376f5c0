# syntax=docker/dockerfile:1
FROM docker.io/library/ubuntu:jammy@sha256:73f6141d305d0fb58eabd21d2b52699f70123020d719862e73cde0cf1a6f4e73
LABEL org.opencontainers.image.source="https://example.com/acme/ubuntu-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gnupg \
        procps \
        locales \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY --link . /app
EXPOSE 8080
CMD ["./start.sh"]
