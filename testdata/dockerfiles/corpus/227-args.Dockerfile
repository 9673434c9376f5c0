# syntax=docker/dockerfile:1.9
ARG BASE_IMAGE=debian:bookworm-slim@sha256:a3c37979cce981e49d70ae1b709061adfa14de5dcddb969e3e9c56e969161bdc
FROM ${BASE_IMAGE}
RUN echo building
CMD ["sh"]
