# syntax=docker/dockerfile:1.7
FROM alpine:3.20
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache bash ca-certificates git
RUN addgroup -S app && adduser -S -G app app
WORKDIR /app
COPY --chown=app:app . /app
ARG UID=10001
USER ${UID}
EXPOSE 8080
CMD ["./start.sh"]
