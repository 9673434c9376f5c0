from ubuntu:24.04
env LANG=C.UTF-8 TZ=UTC
run apt-get update \
    && apt-get install -y --no-install-recommends \
        locales \
        git \
        tini \
    && rm -rf /var/lib/apt/lists/*
run useradd --system --create-home --uid 10001 app
workdir /app
copy --link . /app
user 1000
healthcheck --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
expose 8080
entrypoint ["/usr/bin/tini", "--"]
