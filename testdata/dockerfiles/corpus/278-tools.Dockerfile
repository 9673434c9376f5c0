FROM ghcr.io/mirror/debian:bookworm-slim@sha256:f60d82060c1344251bf3851a249b6f4957138aa4c8c5c51d83200e712a8b8725
COPY --from=ghcr.io/aquasec/trivy:0.57.0 /usr/local/bin/trivy /usr/local/bin/trivy
COPY --from=docker.io/busybox:1.36 /bin/busybox /usr/local/bin/busybox
RUN --mount=type=bind,from=docker.io/golangci/golangci-lint:latest,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
USER root
