# Base image chosen entirely by build arguments.
ARG REGISTRY=docker.io
ARG BASE_IMAGE=library/ubuntu
ARG BASE_TAG
ARG BASE=${REGISTRY}/${BASE_IMAGE}:${BASE_TAG:-22.04}
ARG RUNTIME_TAG="3.12-slim"

FROM ${BASE} AS base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates

FROM base AS deps
ARG PIP_INDEX
ENV PIP_INDEX_URL=${PIP_INDEX:-https://pypi.org/simple}
RUN pip install -r requirements.txt

FROM python:$RUNTIME_TAG
ARG REGISTRY
ARG TOOLS=${REGISTRY}/library/busybox:1.36
COPY --from=deps /usr/local/lib/python3.12 /usr/local/lib/python3.12
COPY --from=0 /etc/ssl/certs /etc/ssl/certs
COPY --from=${TOOLS} /bin/busybox /bin/busybox

FROM scratch AS export
COPY --from=base /etc/os-release /
