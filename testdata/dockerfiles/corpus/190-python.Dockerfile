# syntax=docker/dockerfile:1-labs
FROM docker.io/python AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
FROM python:3.12@sha256:42f2b28d8258c41a63374ac4365007738900f66a9b62a7eb1a2041a2e091d41b
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /srv
COPY . .
USER root
RUN chown -R app:app /app
USER app
ENTRYPOINT ["python", "-m", "app"]
