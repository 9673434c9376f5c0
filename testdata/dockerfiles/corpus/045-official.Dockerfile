# Build the service image.
FROM debian:bookworm-slim
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gnupg \
        locales \
        procps \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
WORKDIR /app
COPY --chown=app:app . /app
USER app
RUN id
USER root
EXPOSE 8080
CMD ./start.sh
