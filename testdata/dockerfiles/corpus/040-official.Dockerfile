# syntax=docker/dockerfile:1.7
# check=skip=JSONArgsRecommended
FROM docker.io/debian:12
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        curl \
        procps \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY --chown=app:app . /app
USER 0:0
EXPOSE 8080
CMD ./start.sh
