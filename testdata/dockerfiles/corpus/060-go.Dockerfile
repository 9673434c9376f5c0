FROM --platform=$BUILDPLATFORM docker.io/tonistiigi/xx:1.4.0 as xx
FROM --platform=$BUILDPLATFORM docker.io/library/golang:1.23 as build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM debian:latest
COPY --from=build /out/app /app
ARG UID=10001
USER ${UID}
ENTRYPOINT ["/app"]
