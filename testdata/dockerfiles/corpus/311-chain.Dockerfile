# syntax=docker/dockerfile:1.9
FROM ubuntu:24.04 AS base
RUN useradd -u 10001 app
USER 0
FROM base AS dev
RUN echo dev tools
FROM base as release
COPY --from=dev /etc/hostname /tmp/
ARG UID=10001
USER ${UID}
CMD ["bash"]
