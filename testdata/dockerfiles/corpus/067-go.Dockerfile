FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM debian@sha256:81d93757457f988523814ae0009837ae893f38d3fe123f2c37896f118b4c7804
COPY --from=build /out/app /app
USER root
RUN chown -R app:app /app
USER app
ENTRYPOINT ["/app"]
