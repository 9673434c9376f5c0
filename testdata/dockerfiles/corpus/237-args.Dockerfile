ARG GO_VERSION=1.23
ARG ALPINE_VERSION=3.21
FROM golang:${GO_VERSION}-alpine${ALPINE_VERSION} AS build
RUN go version
FROM alpine:${ALPINE_VERSION}
ARG ALPINE_VERSION
RUN echo "alpine ${ALPINE_VERSION}"
COPY --from=build /usr/local/go/bin/go /usr/local/bin/go
RUN echo building
USER 1000
CMD ["sh"]
