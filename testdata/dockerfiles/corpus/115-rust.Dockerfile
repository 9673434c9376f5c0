# Maintained by the platform team
FROM docker.io/library/rust as builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN cargo build --release --locked && cp target/release/app /app
FROM gcr.io/distroless/cc-debian12:latest
COPY --from=builder /app /usr/local/bin/app
USER node
ENTRYPOINT ["/usr/local/bin/app"]
