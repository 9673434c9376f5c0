# Maintained by the platform team
FROM debian
COPY --from=public.ecr.aws/aquasec/trivy:0.57.0 /usr/local/bin/trivy /usr/local/bin/trivy
COPY --from=quay.io/docker/buildx-bin:0.18 /buildx /usr/libexec/docker/cli-plugins/docker-buildx
RUN --mount=type=bind,from=ghcr.io/golangci/golangci-lint:v1.62,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=docker.io/node:22-alpine,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
USER root
