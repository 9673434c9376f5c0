FROM gcr.io/mirror/alpine@sha256:6e0bcc063549a5370afea5e605c29191e7a36ffdb2244146205584d81b699e30
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache bash ca-certificates git
RUN addgroup -S app && adduser -S -G app app
WORKDIR /app
COPY --link . /app
USER 0:0
EXPOSE 8080
CMD ./start.sh
