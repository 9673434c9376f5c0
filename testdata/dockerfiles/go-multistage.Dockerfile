# syntax=docker/dockerfile:1.7
# check=error=true

# A Go service built for the target platform on the build platform, cross-compiled
# with xx, tested in its own stage and shipped on distroless.
ARG GO_VERSION=1.22
ARG ALPINE_VERSION=3.19
ARG XX_IMAGE=tonistiigi/xx:1.4.0

FROM --platform=$BUILDPLATFORM ${XX_IMAGE} AS xx

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
ENV CGO_ENABLED=0 \
    GOFLAGS="-trimpath -mod=readonly"
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download -x
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    xx-go build -ldflags="-s -w" -o /out/server ./cmd/server && \
    xx-verify /out/server

FROM build AS test
RUN --mount=type=bind,from=docker.io/golangci/golangci-lint:v1.57.2,source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \
    golangci-lint run ./...

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /server
COPY --link --from=ghcr.io/grpc-ecosystem/grpc-health-probe:v0.4.25 /ko-app/grpc-health-probe /bin/grpc_health_probe
USER nonroot:nonroot
ENTRYPOINT ["/server"]
