# syntax=docker/dockerfile:1-labs
FROM ubuntu:24.04
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        curl \
        git \
        tini \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY . /app
USER nonroot:nonroot
EXPOSE 8080
CMD ["./start.sh"]
