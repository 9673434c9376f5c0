FROM ubuntu:24.04@sha256:a2801be96ab24dab4bcd4f3f73bb2791c3af7dfbc9bd95c8fe8b8be31b4276cb
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        procps \
        git \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY . /app
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
