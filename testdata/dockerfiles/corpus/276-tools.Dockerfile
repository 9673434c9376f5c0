# syntax=docker/dockerfile:1.9
FROM quay.io/mirror/debian:bookworm-slim
COPY --from=ghcr.io/hadolint/hadolint:latest /bin/hadolint /usr/local/bin/
COPY --from=tonistiigi/xx:1.5.0 / /
RUN --mount=type=bind,from=golangci/golangci-lint:v1.62,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=node:22-alpine,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
ARG UID=10001
USER ${UID}
