FROM rust:1.81-bookworm@sha256:51991ab5cfc56e5ea1efc884d21a26643d98e44f86be0f5567298197aeee9f9e AS builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/src/app/target,sharing=locked \
    cargo build --release && cp target/release/app /app
FROM scratch
COPY --from=builder /app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
