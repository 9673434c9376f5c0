# syntax=docker/dockerfile:1.7
# hadolint shell=bash
from python:3.11-alpine AS build
env PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
run python -m venv /opt/venv
env PATH=/opt/venv/bin:$PATH
copy requirements.txt .
run --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
from python@sha256:11a4a60b518bf24989d481468076e5d5982884626aed9faeb35b8576fcd223e1
copy --from=build /opt/venv /opt/venv
env PATH=/opt/venv/bin:$PATH
workdir /srv
copy . .
run <<EOT bash
set -euo pipefail
mkdir -p /app/data
echo ready > /app/data/state
EOT

user nobody
CMD python -m app
