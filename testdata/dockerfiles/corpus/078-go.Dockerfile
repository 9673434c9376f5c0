FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0@sha256:34af1348b352b2bebebc7a62cdd24b3e956080514b2128a6444a095c38b2980d AS xx
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM scratch
COPY --from=build /out/app /app
USER 0
ENTRYPOINT ["/app"]
