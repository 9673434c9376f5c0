# hadolint shell=bash
FROM ubuntu AS base
RUN useradd -u 10001 app
USER root
FROM base AS dev
RUN echo dev tools
FROM dev as release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
