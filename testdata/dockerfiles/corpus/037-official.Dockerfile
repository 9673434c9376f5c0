FROM docker.io/library/alpine:3.21
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tini git curl
WORKDIR /app
COPY --link . /app
EXPOSE 8080
CMD ["./start.sh"]
