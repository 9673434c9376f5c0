# hadolint shell=bash
FROM python:latest
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
ONBUILD USER root
ARG UID=10001
USER ${UID}
