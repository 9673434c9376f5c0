FROM docker.io/ubuntu:24.04 AS base
RUN useradd -u 10001 app
USER root
FROM base AS dev
RUN echo dev tools
FROM base as release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
