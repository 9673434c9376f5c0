# hadolint shell=bash
FROM registry.example.com/mirror/rust:1.81-bookworm AS builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN cargo build --release --locked && cp target/release/app /app
FROM alpine@sha256:54c5b3dd459d5ef778bb2fa1e23a5fb0e1b62ae66970bcb436e8f81a1a1a8e41
RUN apk add --no-cache ca-certificates
COPY --from=builder /app /usr/local/bin/app
USER 10001
ENTRYPOINT ["/usr/local/bin/app"]
