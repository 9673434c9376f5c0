# syntax=docker/dockerfile:1
FROM python:3.12-alpine as build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /bin/
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    uv sync --frozen --no-install-project
FROM python@sha256:11a4a60b518bf24989d481468076e5d5982884626aed9faeb35b8576fcd223e1
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /srv
COPY . .
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
