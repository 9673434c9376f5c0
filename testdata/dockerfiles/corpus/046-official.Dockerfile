# syntax=docker/dockerfile:1
FROM ubuntu:24.04
LABEL org.opencontainers.image.source="https://example.com/acme/ubuntu-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        curl \
        gnupg \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=app:app . /app
ARG UID=10001
USER ${UID}
EXPOSE 8080
CMD ./start.sh
