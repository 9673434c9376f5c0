# Maintained by the platform team
FROM docker.io/library/rust:1.83-slim AS builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/src/app/target,sharing=locked \
    cargo build --release && cp target/release/app /app
FROM alpine:3.21@sha256:eb5e7c87719422f6d32ceca6012e70de28429477f4c47f7345d2fa84c516547f
RUN apk add --no-cache ca-certificates
COPY --from=builder /app /usr/local/bin/app
USER root
RUN chown -R app:app /app
USER app
ENTRYPOINT ["/usr/local/bin/app"]
