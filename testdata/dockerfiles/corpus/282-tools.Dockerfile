# syntax=docker/dockerfile:1-labs
# Build the service image.
FROM docker.io/debian:bookworm-slim
COPY --from=docker/buildx-bin /buildx /usr/libexec/docker/cli-plugins/docker-buildx
COPY --from=docker.io/library/busybox:1.36@sha256:f4cb9aa99bcae4a43d43f7be7092e33b60fb60ec29537b97f74c7bd9d4196476 /bin/busybox /usr/local/bin/busybox
RUN --mount=type=bind,from=ghcr.io/golangci/golangci-lint:v1.62,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=docker.io/node:22-alpine,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
USER root
RUN chown -R app:app /app
USER app
