FROM debian:bookworm-slim
COPY --from=registry.example.com:5000/hadolint/hadolint /bin/hadolint /usr/local/bin/
COPY --from=busybox:1.36 /bin/busybox /usr/local/bin/busybox
RUN --mount=type=bind,from=golangci/golangci-lint:v1.61.0@sha256:67ce270ef2ef9e8664bb25d0afa12cb629ac5142129a4acb2d3c53ee586f31a2,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
USER root:root
