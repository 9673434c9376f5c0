# syntax=docker/dockerfile:1
FROM node:3.3@sha256:580b124fa217a5011a791497147dc4e585ef384e43e95f5cc1d1e9a530a673eb
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
ONBUILD USER root
USER 0
