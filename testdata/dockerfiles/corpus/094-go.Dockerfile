FROM --platform=$BUILDPLATFORM docker.io/tonistiigi/xx:1.4.0 AS xx
FROM --platform=$BUILDPLATFORM docker.io/golang:1.22-bookworm@sha256:7334203bf82c0b356a7581a909cca0553f1c6c0c9db92bbb6883d504702ef234 AS build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM debian@sha256:81d93757457f988523814ae0009837ae893f38d3fe123f2c37896f118b4c7804
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
