# syntax=docker/dockerfile:1-labs
# check=skip=JSONArgsRecommended
FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx
FROM --platform=$BUILDPLATFORM docker.io/library/golang:1.22-bookworm as build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM gcr.io/distroless/cc-debian12:debug-nonroot
COPY --from=build /out/app /app
USER node
ENTRYPOINT ["/app"]
