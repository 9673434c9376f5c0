FROM debian:bookworm-slim
COPY --from=gcr.io/aquasec/trivy:0.57.0 /usr/local/bin/trivy /usr/local/bin/trivy
COPY --from=docker.io/hadolint/hadolint:2.12.0 /bin/hadolint /usr/local/bin/
RUN --mount=type=bind,from=registry.example.com/golangci/golangci-lint:v1.62@sha256:fdc8eabe4a12a9f882dc32fd5002e7ec20347bc8e768c2e5c34c7ce7df60e8d2,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=node:22-alpine@sha256:39e0730d639d90ce3ac6ab4df20ea2a66569a09929c5458d92ef5dc3ab29be37,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
USER root
RUN chown -R app:app /app
USER app
