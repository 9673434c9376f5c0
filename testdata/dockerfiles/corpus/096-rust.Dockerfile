# hadolint shell=bash
FROM rust:1.81-bookworm as builder
WORKDIR /usr/src/app
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && cargo build --release
COPY src ./src
RUN cargo build --release --locked && cp target/release/app /app
FROM gcr.io/distroless/static-debian12@sha256:a03526fae47149460a4c115c97a650b359dfab8ea4f84945de21c7e463d194f9
COPY --from=builder /app /usr/local/bin/app
USER root
RUN chown -R app:app /app
USER app
ENTRYPOINT ["/usr/local/bin/app"]
