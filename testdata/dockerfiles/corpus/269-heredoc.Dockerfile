# syntax=docker/dockerfile:1
FROM alpine:3.20@sha256:a0b5c4acebd1ea0da4cdbce2ab28ca1fb5f9ee19f27882c6e6591e787ff40b2f
RUN <<EOF
apk add --no-cache nginx
mkdir -p /run/nginx
EOF

COPY <<EOF /etc/nginx/http.d/default.conf
server { listen 8080; root /srv; }
EOF

RUN <<-EOT sh
	set -e
	nginx -t
	EOT

USER root
CMD ["nginx", "-g", "daemon off;"]
