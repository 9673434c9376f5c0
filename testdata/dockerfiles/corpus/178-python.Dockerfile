# syntax=docker/dockerfile:1-labs
FROM docker.io/library/python:3.12 as build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
WORKDIR /srv
COPY . .
ARG UID=10001
USER ${UID}
CMD python -m app
