# syntax=docker/dockerfile:1.7
# hadolint shell=bash
from docker.io/library/python:3.12-slim as build
env PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
run python -m venv /opt/venv
env PATH=/opt/venv/bin:$PATH
copy requirements.txt .
run --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
workdir /srv
copy . .
user 1001:1001
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
