# syntax=docker/dockerfile:1.9
FROM docker.io/debian:12
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        gnupg \
        curl \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY --link . /app
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
