FROM docker.io/ubuntu:24.04 as base
RUN useradd -u 10001 app
USER root
FROM base AS dev
RUN echo dev tools
FROM base AS release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
