# syntax=docker/dockerfile:1
# Every external image pinned by digest: provenance needs no registry to describe it.
ARG GO_IMAGE=golang:1.22-bookworm@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b
ARG RUNTIME=gcr.io/distroless/static-debian12:nonroot@sha256:4b7ce07002c69e8f3d704a9c5d6fd3053be500b7f1c69fc0d80990c2ad8dd412

FROM --platform=linux/amd64 ${GO_IMAGE} AS build
RUN --mount=type=bind,from=ghcr.io/acme/protoc@sha256:9b8f5a5a4e1d3a6f2c0b7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d5c4b3a291,source=/bin/protoc,target=/usr/bin/protoc \
    go build -o /out/app ./cmd/app

FROM ${RUNTIME}
COPY --from=build /out/app /app
COPY --from=ghcr.io/acme/protoc@sha256:9b8f5a5a4e1d3a6f2c0b7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d5c4b3a291 /LICENSE /licenses/protoc
ENTRYPOINT ["/app"]
