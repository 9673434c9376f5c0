FROM docker.io/library/debian:latest
COPY --from=quay.io/docker/buildx-bin:0.18 /buildx /usr/libexec/docker/cli-plugins/docker-buildx
COPY --from=ghcr.io/mirror/busybox:1.36@sha256:edf4d2d296783981a5df9eed069d406a4892531c49b5c1f9648a01c9d3741d27 /bin/busybox /usr/local/bin/busybox
RUN --mount=type=bind,from=registry.example.com:5000/golangci/golangci-lint,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=docker.io/library/node:22-alpine,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
USER app
RUN id
USER root
