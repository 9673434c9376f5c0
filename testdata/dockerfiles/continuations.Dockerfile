FROM \
  # a comment in the middle of an instruction is dropped
  debian:bookworm-slim \

  AS \
  base
RUN set -eux; \
    apt-get update; \
# comments can also sit at the start of a continuation line
    apt-get install -y curl; \
    rm -rf /var/lib/apt/lists/*
LABEL org.opencontainers.image.source="https://example.com/repo" \
      org.opencontainers.image.description="multi \
line"
