FROM docker.io/library/python:3.12 as build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=ghcr.io/astral-sh/uv:0.5@sha256:5d8470a16d42fa6c2b9d18889a27381ec91d9a50409d67e02673ef85fe99b419 /uv /uvx /bin/
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    uv sync --frozen --no-install-project
WORKDIR /srv
COPY . .
ENTRYPOINT ["python", "-m", "app"]
