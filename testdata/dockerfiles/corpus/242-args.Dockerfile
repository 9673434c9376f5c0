# syntax=docker/dockerfile:1.9
ARG BASE_IMAGE=docker.io/debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN echo building
USER root
RUN chown -R app:app /app
USER app
CMD ["sh"]
