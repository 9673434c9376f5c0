# syntax=docker/dockerfile:1.7
from --platform=$BUILDPLATFORM docker.io/tonistiigi/xx:1.4.0 AS xx
from --platform=$BUILDPLATFORM ghcr.io/mirror/golang:1.22@sha256:3c7bfa94fa8123f0f07ad560a774d99df03d94f99e37ab826731a157cde95708 AS build
copy --from=xx / /
arg TARGETPLATFORM
workdir /src
copy go.mod go.sum ./
run --mount=type=cache,target=/go/pkg/mod go mod download
copy . .
run --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
from alpine:3.21
run apk add --no-cache ca-certificates
copy --from=build /out/app /app
arg UID=10001
user ${UID}
entrypoint ["/app"]
