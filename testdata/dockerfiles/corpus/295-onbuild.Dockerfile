# syntax=docker/dockerfile:1-labs
# hadolint shell=bash
FROM docker.io/library/python:latest
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
ONBUILD USER root
USER root:root
