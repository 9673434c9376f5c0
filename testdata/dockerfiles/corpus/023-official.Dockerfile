# check=skip=JSONArgsRecommended
FROM gcr.io/mirror/ubuntu:22.04@sha256:eea923999e68446ffebd6cc14a374eeb878066483b0b65fe0e6e838f99ef3ea3
LABEL org.opencontainers.image.source="https://example.com/acme/ubuntu-tools"
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
# keep the image small: no recommended packages
    && apt-get install -y --no-install-recommends \
        gnupg \
        tini \
        procps \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --link . /app
USER 0:0
EXPOSE 8080
CMD ./start.sh
