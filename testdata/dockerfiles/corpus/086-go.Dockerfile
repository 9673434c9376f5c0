FROM --platform=$BUILDPLATFORM tonistiigi/xx:latest as xx
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/mirror/golang:1.22-bookworm@sha256:16060af5082876e0452fd87747cbcdef80674e14797eebb641bbe76347164fc1 as build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM gcr.io/distroless/static-debian12:nonroot@sha256:720abfaba353db79df943ef1e3386afee5dfd09a94be41324f1fe7b91c4da5a4
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
