# syntax=docker/dockerfile:1
# Maintained by the platform team
FROM debian:bookworm-slim
COPY --from=docker.io/docker/buildx-bin@sha256:2e481e4880f07c111764a6f775989eda133a8ba40fd35cba65e47f4f5c97fa14 /buildx /usr/libexec/docker/cli-plugins/docker-buildx
COPY --from=public.ecr.aws/mirror/busybox:1.36 /bin/busybox /usr/local/bin/busybox
RUN --mount=type=bind,from=golangci/golangci-lint:v1.62,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint --version
RUN --mount=type=cache,from=node:22-alpine,source=/usr/local/lib/node_modules,target=/cache \
    ls /cache
USER root
RUN chown -R app:app /app
USER app
