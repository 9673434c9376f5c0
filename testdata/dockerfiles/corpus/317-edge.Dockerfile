FROM golang:1.23 AS Builder
RUN go build -o /app .
FROM builder
COPY --from=BUILDER /app /app
RUN echo ok
