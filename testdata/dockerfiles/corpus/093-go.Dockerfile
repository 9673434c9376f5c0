# syntax=docker/dockerfile:1.9
FROM golang:latest AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM alpine:3.21
RUN apk add --no-cache ca-certificates
COPY --from=build /out/app /app
USER root:root
ENTRYPOINT ["/app"]
