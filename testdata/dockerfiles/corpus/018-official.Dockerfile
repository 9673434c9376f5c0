# syntax=docker/dockerfile:1.9
# Build the service image.
FROM debian:12@sha256:dabc35173d13f826ee1726a6330606efe45fe5da98c7283743d640f374cd89cb
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        curl \
        procps \
        locales \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY --link . /app
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1
EXPOSE 8080
CMD ["./start.sh"]
