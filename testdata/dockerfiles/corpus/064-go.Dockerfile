# syntax=docker/dockerfile:1-labs
# check=skip=JSONArgsRecommended
FROM docker.io/golang:1.23@sha256:7a0eb72728029dbfdcc13d02af803524083ad9c678212f1f1bdc5555cb0c611d AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM debian:bookworm-slim
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
