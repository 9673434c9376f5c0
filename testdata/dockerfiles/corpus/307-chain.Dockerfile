FROM ubuntu:24.04 AS base
RUN useradd -u 10001 app
USER 10001
FROM base AS dev
RUN echo dev tools
FROM base AS release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
