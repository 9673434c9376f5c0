# syntax=docker/dockerfile:1.9
FROM docker.io/debian:bookworm@sha256:54b9c18f4479c74890e0037b43fda2e1ce67ea38aeae41972bc046cdf8b4f774
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        procps \
        ca-certificates \
        locales \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY --link . /app
USER node
EXPOSE 8080
CMD ./start.sh
