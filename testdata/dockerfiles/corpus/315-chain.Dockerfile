# syntax=docker/dockerfile:1
FROM docker.io/library/ubuntu AS base
RUN useradd -u 10001 app
USER app
FROM base AS dev
RUN echo dev tools
FROM base AS release
COPY --from=dev /etc/hostname /tmp/
USER root
RUN chown -R app:app /app
USER app
CMD ["bash"]
