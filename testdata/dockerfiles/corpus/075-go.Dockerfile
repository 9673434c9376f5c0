FROM --platform=$BUILDPLATFORM docker.io/tonistiigi/xx:1.4.0 AS xx
FROM --platform=$BUILDPLATFORM golang@sha256:d754ed9f64ac293b10268157f283ee23256fb32a4f8dedb25c8446ca5bcb0bb3 AS build
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
ENTRYPOINT ["/app"]
