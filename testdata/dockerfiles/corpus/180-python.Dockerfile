FROM python:3.13-slim-bookworm@sha256:1b9e3cb58b054026dc0c91ec5c138f6bb9ecde72d8b5375c6201b1ddf8bb500c AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
WORKDIR /srv
COPY . .
USER app
RUN id
USER root
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
