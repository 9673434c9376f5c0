FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx
FROM --platform=$BUILDPLATFORM gcr.io/mirror/golang:1.23@sha256:cbb1a0ee16739af8cecae1b0ee5ddff12871d4e1379e4de2d97af23ef0a9c5dc AS build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM debian:bookworm-slim
COPY --from=build /out/app /app
USER app
ENTRYPOINT ["/app"]
