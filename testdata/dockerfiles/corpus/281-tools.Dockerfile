# syntax=docker/dockerfile:1.9
FROM debian:bookworm-slim
COPY --from=quay.io/aquasec/trivy:0.57.0@sha256:e481daa7bafad5ef192637108fea9f3933023254740455679e923c2c2e715e84 /usr/local/bin/trivy /usr/local/bin/trivy
COPY --from=gcr.io/docker/buildx-bin:0.18 /buildx /usr/libexec/docker/cli-plugins/docker-buildx
RUN --mount=type=bind,from=golangci/golangci-lint:v1.62,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=node,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
USER root
