FROM docker.io/rust:1.82@sha256:9dc82969d489f51d22a9d32f9656cfa351bcf10211c398f1621b75591c756a20 AS builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN cargo build --release --locked && cp target/release/app /app
FROM gcr.io/distroless/static-debian12
COPY --from=builder /app /usr/local/bin/app
USER 0:0
ENTRYPOINT ["/usr/local/bin/app"]
