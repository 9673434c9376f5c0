# syntax=docker/dockerfile:1
FROM python:3.12 AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
WORKDIR /srv
COPY . .
RUN <<EOF
set -eux
apt-get update
apt-get install -y curl
EOF

ARG UID=10001
USER ${UID}
CMD python -m app
