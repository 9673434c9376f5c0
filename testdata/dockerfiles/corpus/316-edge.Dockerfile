# Build the service image.
FROM quay.io/mirror/golang:1.23@sha256:ad4ab504ec08810ded0d06619276e5403dde2d8afbc3d3657d9fc66eb8aa2234 AS BUILDER
RUN go build -o /app .
FROM builder
COPY --from=Builder /app /app
RUN echo ok
