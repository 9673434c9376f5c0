# check=skip=JSONArgsRecommended
FROM --platform=$BUILDPLATFORM docker.io/tonistiigi/xx:1.4.0 AS xx
FROM --platform=$BUILDPLATFORM golang:1.22-bookworm AS build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM alpine
RUN apk add --no-cache ca-certificates
COPY --from=build /out/app /app
USER root:root
ENTRYPOINT ["/app"]
