# syntax=docker/dockerfile:1
FROM debian
COPY --from=busybox:1.36 /bin/busybox /usr/local/bin/busybox
COPY --from=tonistiigi/xx:1.5.0 / /
RUN --mount=type=bind,from=docker.io/golangci/golangci-lint:v1.61.0@sha256:2b4101e2a7b4f27e02c10e240933abfc28c17d86e31783fa80be18781e25eb96,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=node,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
USER nonroot:nonroot
