FROM docker.io/library/golang:latest AS BUILDER
RUN go build -o /app .
FROM builder
COPY --from=Builder /app /app
RUN echo ok
USER root
