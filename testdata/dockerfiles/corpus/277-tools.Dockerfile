# syntax=docker/dockerfile:1
FROM docker.io/debian
COPY --from=tonistiigi/xx:1.5.0 / /
COPY --from=aquasec/trivy:0.57.0 /usr/local/bin/trivy /usr/local/bin/trivy
RUN --mount=type=bind,from=golangci/golangci-lint:v1.61.0,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
