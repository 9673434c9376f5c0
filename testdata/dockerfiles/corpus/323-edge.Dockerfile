FROM docker.io/golang AS BUILDER
RUN go build -o /app .
FROM builder
COPY --from=Builder /app /app
RUN echo ok
USER root
RUN chown -R app:app /app
USER app
