# syntax=docker/dockerfile:1
FROM docker.io/library/alpine:3.20@sha256:ae62a4d7bd7dbee18c31c7f9d906a88b8d658e14d6c6ff8840378bd7c4bad1e9
RUN <<EOF
apk add --no-cache nginx
mkdir -p /run/nginx
EOF
COPY <<conf <<page /etc/nginx/
server { listen 8080; root /srv; }
conf
<h1>hello</h1>
page
USER root
RUN chown -R app:app /app
USER app
CMD ["nginx", "-g", "daemon off;"]
