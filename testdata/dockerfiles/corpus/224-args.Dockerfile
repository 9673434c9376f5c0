# syntax=docker/dockerfile:1-labs
# hadolint shell=bash
ARG BASE=alpine:latest
FROM $BASE
RUN echo building
CMD ["sh"]
