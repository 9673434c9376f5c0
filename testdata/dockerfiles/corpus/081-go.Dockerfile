# syntax=docker/dockerfile:1
from golang:1.23-alpine@sha256:b822aaae5cbccedb8d5262bd337824c07c770eff5290edbd661be4102f1bb6fd AS build
workdir /src
copy go.mod go.sum ./
run --mount=type=cache,target=/go/pkg/mod go mod download
copy . .
run --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
from scratch
copy --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
copy --from=build /out/app /app
arg UID=10001
user ${UID}
entrypoint ["/app"]
