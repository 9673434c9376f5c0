FROM ubuntu:latest
ENV LANG=C.UTF-8 TZ=UTC
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        procps \
        git \
        locales \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 app
RUN <<EOF
set -eux
apt-get update
apt-get install -y curl
EOF

WORKDIR /app
COPY --chown=app:app . /app
ARG UID=10001
USER ${UID}
EXPOSE 8080
CMD ./start.sh
