# Maintained by the platform team
FROM docker.io/rust@sha256:8092f37639e5ddd7c28fba7a3b2c8fd12b27556cd6e411efb3387764b0835b87 as builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN cargo build --release --locked && cp target/release/app /app
FROM scratch
COPY --from=builder /app /usr/local/bin/app
USER root
ENTRYPOINT ["/usr/local/bin/app"]
