# hadolint shell=bash
FROM debian:bookworm-slim
COPY --from=public.ecr.aws/aquasec/trivy:0.57.0 /usr/local/bin/trivy /usr/local/bin/trivy
COPY --from=docker/buildx-bin@sha256:4d2cb985bb62b3adc8c47a601c19b19d821e21478d1e4e081cde1b790cb6474a /buildx /usr/libexec/docker/cli-plugins/docker-buildx
RUN --mount=type=bind,from=golangci/golangci-lint:v1.61.0,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=node:latest,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
