# check=skip=JSONArgsRecommended
from golang:1.23-alpine AS build
workdir /src
copy go.mod go.sum ./
run --mount=type=cache,target=/go/pkg/mod go mod download
copy . .
run --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=cache,target=/go/pkg/mod \
    CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/app ./cmd/app
from gcr.io/distroless/base-debian12:nonroot
copy --from=build /out/app /app
arg UID=10001
user ${UID}
entrypoint ["/app"]
