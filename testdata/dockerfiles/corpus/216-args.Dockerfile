arg GO_VERSION=1.23
arg ALPINE_VERSION=3.21
from golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build
run go version
from alpine:${ALPINE_VERSION}
arg ALPINE_VERSION
run echo "alpine ${ALPINE_VERSION}"
copy --from=build /usr/local/go/bin/go /usr/local/bin/go
run echo building
user root
run chown -R app:app /app
user app
cmd ["sh"]
