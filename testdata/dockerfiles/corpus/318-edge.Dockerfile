# check=skip=JSONArgsRecommended
FROM docker.io/library/golang:latest AS Builder
RUN go build -o /app .
FROM builder
COPY --from=BUILDER /app /app
RUN echo ok
