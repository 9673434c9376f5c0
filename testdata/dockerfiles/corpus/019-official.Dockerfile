FROM alpine:3.19
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tini curl bash
RUN addgroup -S app && adduser -S -G app app
WORKDIR /app
COPY . /app
USER app
RUN id
USER root
EXPOSE 8080
CMD ./start.sh
