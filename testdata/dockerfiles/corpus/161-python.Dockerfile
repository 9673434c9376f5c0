# syntax=docker/dockerfile:1-labs
FROM python AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
WORKDIR /srv
COPY . .
USER 999
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
