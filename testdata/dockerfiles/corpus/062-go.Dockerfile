FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4.0 AS xx
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
FROM build as test
RUN go test ./...
FROM gcr.io/distroless/base-debian12@sha256:56e49e0b483d23d7937a69925a67b11a8d08902f15ccd5581d8a3078d991970a
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
