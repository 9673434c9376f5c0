FROM python AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
WORKDIR /srv
COPY . .
RUN <<EOF
set -eux
apt-get update
apt-get install -y curl
EOF

USER 65532:65532
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
