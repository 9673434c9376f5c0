FROM rust:1.82@sha256:bc238fed106cf9520234c84d940fe698a502daf3f82786e7a6d4a63264657660 AS builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/src/app/target,sharing=locked \
    cargo build --release && cp target/release/app /app
FROM docker.io/debian:latest
COPY --from=builder /app /usr/local/bin/app
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/app"]
