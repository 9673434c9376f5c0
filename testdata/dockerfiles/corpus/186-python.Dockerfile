FROM docker.io/python:3.12-alpine@sha256:96a4ee1dba9214ffbdfba2d713c1bd6361bc0f83e8d128b73c9930d3ce88a312 AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
FROM python
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /srv
COPY . .
USER app
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
