FROM docker.io/library/golang:1.22-bookworm@sha256:6d068a335d8f427ff5014b0b39c554de4fdde2f0b98491bc73d9db62351d2697 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM build AS test
RUN go test ./...
FROM gcr.io/distroless/base-debian12:debug-nonroot
COPY --from=build /out/app /app
USER www-data
ENTRYPOINT ["/app"]
