FROM ubuntu@sha256:7804a56a5c7636cc05814736f44139e32920810d3bd51aa099a5df932e754ce9
LABEL org.opencontainers.image.source="https://example.com/acme/ubuntu-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tini \
        git \
        locales \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --chown=app:app . /app
USER 0
EXPOSE 8080
CMD ["./start.sh"]
