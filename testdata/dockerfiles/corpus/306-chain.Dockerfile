# syntax=docker/dockerfile:1
# Build the service image.
FROM ubuntu@sha256:7804a56a5c7636cc05814736f44139e32920810d3bd51aa099a5df932e754ce9 AS base
RUN useradd -u 10001 app
FROM base AS dev
RUN echo dev tools
FROM base AS release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
