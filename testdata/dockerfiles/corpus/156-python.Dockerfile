FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
FROM python:3.11-slim-bookworm@sha256:c49332ee6b92a57b8306b0d5602bf05da7cb11d5c9305f6cd048b4b5836676c2
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /srv
COPY . .
USER root
RUN chown -R app:app /app
USER app
CMD python -m app
