# check=skip=JSONArgsRecommended
FROM docker.io/golang:1.22-bookworm@sha256:7334203bf82c0b356a7581a909cca0553f1c6c0c9db92bbb6883d504702ef234 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
FROM build AS test
RUN go test ./...
FROM gcr.io/distroless/base-debian12:latest@sha256:1ab760fef42c3b174f07b4814845bd0ccfff665de2f1b908d8b69f7929b7a825
COPY --from=build /out/app /app
USER root:root
ENTRYPOINT ["/app"]
