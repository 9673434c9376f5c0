# syntax=docker/dockerfile:1.9
FROM ubuntu:22.04
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        tini \
        gnupg \
        procps \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --link . /app
USER root:root
EXPOSE 8080
CMD ./start.sh
