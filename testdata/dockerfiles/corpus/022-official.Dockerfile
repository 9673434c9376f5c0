# syntax=docker/dockerfile:1
FROM ubuntu:22.04@sha256:07b1bfe28b6bacd7b16ec7bdf954e4b36c98f53cd92315d4e8587e41df191ece
LABEL org.opencontainers.image.source="https://example.com/acme/ubuntu-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gnupg \
        ca-certificates \
        git \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY --link . /app
USER node
EXPOSE 8080
CMD ["./start.sh"]
