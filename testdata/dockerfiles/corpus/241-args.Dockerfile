# syntax=docker/dockerfile:1
# Maintained by the platform team
ARG BASE_IMAGE=debian:latest
FROM ${BASE_IMAGE}
RUN echo building
CMD ["sh"]
