# syntax=docker/dockerfile:1
FROM golang:1.22-bookworm@sha256:7fdddfad63e79b30fef8036ebd3a8781fea389781aa937b24ee75cf7beeae62b AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM docker.io/library/debian:latest
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
