# syntax=docker/dockerfile:1.7
FROM ubuntu:24.04 as base
RUN useradd -u 10001 app
USER app
FROM base AS dev
RUN echo dev tools
FROM base as release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
