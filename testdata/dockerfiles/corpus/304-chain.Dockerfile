FROM ubuntu AS base
RUN useradd -u 10001 app
USER 10001
FROM base as dev
RUN echo dev tools
FROM dev AS release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
