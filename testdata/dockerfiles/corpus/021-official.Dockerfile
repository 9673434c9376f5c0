FROM ubuntu:22.04
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        curl \
        ca-certificates \
        procps \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=app:app . /app
USER www-data
EXPOSE 8080
CMD ./start.sh
