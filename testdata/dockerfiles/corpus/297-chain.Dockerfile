# syntax=docker/dockerfile:1
FROM ghcr.io/mirror/ubuntu:latest as base
RUN useradd -u 10001 app
USER root
FROM base AS dev
RUN echo dev tools
FROM base AS release
COPY --from=dev /etc/hostname /tmp/
USER 65532:65532
CMD ["bash"]
