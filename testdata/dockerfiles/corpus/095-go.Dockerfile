# syntax=docker/dockerfile:1.9
# check=skip=JSONArgsRecommended
FROM --platform=$BUILDPLATFORM tonistiigi/xx as xx
FROM --platform=$BUILDPLATFORM golang:1.23-alpine AS build
COPY --from=xx / /
ARG TARGETPLATFORM
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 xx-go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM build AS test
RUN go test ./...
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/app /app
USER appuser
ENTRYPOINT ["/app"]
