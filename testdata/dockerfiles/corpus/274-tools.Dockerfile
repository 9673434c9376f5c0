# hadolint shell=bash
FROM docker.io/debian
COPY --from=aquasec/trivy:0.57.0@sha256:794adae7072a777faba093a0c07b3da4cf999dd3594b668cb55b0a9ea27e1e9c /usr/local/bin/trivy /usr/local/bin/trivy
COPY --from=quay.io/hadolint/hadolint:latest /bin/hadolint /usr/local/bin/
RUN --mount=type=bind,from=docker.io/golangci/golangci-lint:v1.61.0,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=node,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
