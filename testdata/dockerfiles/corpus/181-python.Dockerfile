# syntax=docker/dockerfile:1
# hadolint shell=bash
from python:3.11-slim AS build
env PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
run python -m venv /opt/venv
env PATH=/opt/venv/bin:$PATH
copy requirements.txt .
run --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
from python:latest
copy --from=build /opt/venv /opt/venv
env PATH=/opt/venv/bin:$PATH
workdir /srv
copy . .
user app
run id
user root
CMD python -m app
