FROM docker.io/rust:1.82 AS builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN cargo build --release --locked && cp target/release/app /app
FROM debian:bookworm-slim
COPY --from=builder /app /usr/local/bin/app
USER app
ENTRYPOINT ["/usr/local/bin/app"]
