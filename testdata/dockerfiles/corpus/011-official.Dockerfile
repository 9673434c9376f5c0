# syntax=docker/dockerfile:1-labs
FROM docker.io/ubuntu:24.04
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        locales \
        ca-certificates \
        tini \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
EXPOSE 8080
CMD ./start.sh
