# syntax=docker/dockerfile:1
FROM docker.io/library/alpine:3.20
RUN <<EOF
apk add --no-cache nginx
mkdir -p /run/nginx
EOF

COPY <<EOF /etc/nginx/http.d/default.conf
server { listen 8080; root /srv; }
EOF

CMD ["nginx", "-g", "daemon off;"]
