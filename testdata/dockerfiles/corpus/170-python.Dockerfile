FROM docker.io/library/python:3.13-slim@sha256:6b7ec73b6770a961f12fb02474b8e24a40166d0a1d56c492fefc911b5ef4a53b AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
FROM docker.io/library/python:3.13-slim
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /srv
COPY . .
USER 999
ENTRYPOINT ["python", "-m", "app"]
