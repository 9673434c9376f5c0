# syntax=docker/dockerfile:1.9
FROM --platform=$BUILDPLATFORM tonistiigi/xx@sha256:2bbb109e4d3d6720d549af5abebaf5ba02952e967ab363e6005c1c651367c3e5 AS xx
FROM --platform=$BUILDPLATFORM golang:latest AS build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM gcr.io/mirror/alpine:3.20
RUN apk add --no-cache ca-certificates
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
