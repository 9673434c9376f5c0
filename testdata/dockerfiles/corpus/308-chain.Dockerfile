# Maintained by the platform team
FROM ubuntu AS base
RUN useradd -u 10001 app
FROM base as dev
RUN echo dev tools
FROM base as release
COPY --from=dev /etc/hostname /tmp/
CMD ["bash"]
