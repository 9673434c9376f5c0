# hadolint shell=bash
FROM debian
COPY --from=gcr.io/aquasec/trivy:0.57.0 /usr/local/bin/trivy /usr/local/bin/trivy
COPY --from=hadolint/hadolint:2.12.0 /bin/hadolint /usr/local/bin/
RUN --mount=type=bind,from=golangci/golangci-lint:v1.61.0,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=docker.io/node:22-alpine,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
USER root
