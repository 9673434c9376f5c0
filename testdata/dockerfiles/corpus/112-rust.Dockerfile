FROM docker.io/rust:1.82 AS builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN cargo build --release --locked && cp target/release/app /app
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=builder /app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
