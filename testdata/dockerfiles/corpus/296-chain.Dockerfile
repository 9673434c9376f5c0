# syntax=docker/dockerfile:1.7
FROM ubuntu:24.04@sha256:a2801be96ab24dab4bcd4f3f73bb2791c3af7dfbc9bd95c8fe8b8be31b4276cb AS base
RUN useradd -u 10001 app
FROM base AS dev
RUN echo dev tools
FROM base AS release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
