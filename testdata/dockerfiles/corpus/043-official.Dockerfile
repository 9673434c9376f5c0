FROM ubuntu:jammy
LABEL org.opencontainers.image.source="https://example.com/acme/ubuntu-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        procps \
        ca-certificates \
        locales \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY . /app
EXPOSE 8080
CMD ["./start.sh"]
