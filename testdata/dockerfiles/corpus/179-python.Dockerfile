FROM python@sha256:11a4a60b518bf24989d481468076e5d5982884626aed9faeb35b8576fcd223e1 AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
FROM python:3.13-slim
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /srv
COPY . .
RUN <<EOT bash
set -euo pipefail
mkdir -p /app/data
echo ready > /app/data/state
EOT

USER 999
CMD python -m app
