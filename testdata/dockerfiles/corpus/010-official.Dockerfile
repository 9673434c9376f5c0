FROM docker.io/alpine:3.19
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tzdata tini ca-certificates
WORKDIR /app
COPY . /app
EXPOSE 8080
CMD ./start.sh
