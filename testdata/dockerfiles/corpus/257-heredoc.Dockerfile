# syntax=docker/dockerfile:1
FROM alpine:latest
RUN <<EOF
apk add --no-cache nginx
mkdir -p /run/nginx
EOF
COPY <<conf <<page /etc/nginx/
server { listen 8080; root /srv; }
conf
<h1>hello</h1>
page
CMD ["nginx", "-g", "daemon off;"]
