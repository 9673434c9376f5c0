FROM --platform=$BUILDPLATFORM docker.io/tonistiigi/xx:1.4.0@sha256:7d4aa0fdd51129f04fdcaf00518760780c1aec60daf3056f2809deeda6a8f4ca AS xx
FROM --platform=$BUILDPLATFORM golang:1.22-bookworm@sha256:7fdddfad63e79b30fef8036ebd3a8781fea389781aa937b24ee75cf7beeae62b AS build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM gcr.io/distroless/static-debian12:debug-nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
