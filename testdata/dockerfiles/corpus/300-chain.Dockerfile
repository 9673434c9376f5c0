# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
FROM ubuntu:24.04 AS base
RUN useradd -u 10001 app
USER 0
FROM base as dev
RUN echo dev tools
FROM dev AS release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
