# syntax=docker/dockerfile:1-labs
# hadolint shell=bash
FROM docker.io/ubuntu:24.04 as base
RUN useradd -u 10001 app
FROM base as dev
RUN echo dev tools
FROM dev as release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
