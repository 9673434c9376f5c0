FROM docker.io/library/ubuntu AS base
RUN useradd -u 10001 app
FROM base AS dev
RUN echo dev tools
FROM dev AS release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
