FROM python@sha256:11a4a60b518bf24989d481468076e5d5982884626aed9faeb35b8576fcd223e1 AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
COPY --from=ghcr.io/astral-sh/uv:latest /uv /uvx /bin/
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    uv sync --frozen --no-install-project
WORKDIR /srv
COPY . .
ENTRYPOINT ["python", "-m", "app"]
