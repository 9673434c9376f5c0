# Build the service image.
FROM debian:bookworm-slim
COPY --from=busybox:1.36 /bin/busybox /usr/local/bin/busybox
COPY --from=tonistiigi/xx:1.5.0 / /
RUN --mount=type=bind,from=golangci/golangci-lint:v1.62,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
USER root:root
