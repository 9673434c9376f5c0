# hadolint shell=bash
FROM golang:1.23@sha256:b3b155bdc929f8a848c8ad3178631fea12057cc2a114019cd719ce978065eca0 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM gcr.io/distroless/base-debian12:latest
COPY --from=build /out/app /app
USER root
ENTRYPOINT ["/app"]
