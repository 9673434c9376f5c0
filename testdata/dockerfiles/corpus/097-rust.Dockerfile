FROM rust:latest AS builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN cargo build --release --locked && cp target/release/app /app
FROM debian
COPY --from=builder /app /usr/local/bin/app
ARG UID=10001
USER ${UID}
ENTRYPOINT ["/usr/local/bin/app"]
