FROM ubuntu:latest
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gnupg \
        tini \
        procps \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
USER 10001
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
