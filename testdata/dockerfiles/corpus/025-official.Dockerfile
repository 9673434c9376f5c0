FROM localhost:5000/mirror/debian:bookworm-slim@sha256:69657934a0ad635204fc79d8d26ca0b733784e264720f1e3ebc9cd5901d8701d
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gnupg \
        curl \
        git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=app:app . /app
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
