FROM docker.io/library/python:3.13-alpine AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
WORKDIR /srv
COPY . .
USER 1000
ENTRYPOINT ["python", "-m", "app"]
