# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/mirror/alpine:3.20@sha256:d817e0407681d9826b9e7d311f09ab8f61854595a8674f759c699c08283689af
RUN <<EOF
apk add --no-cache nginx
mkdir -p /run/nginx
EOF
COPY <<conf <<page /etc/nginx/
server { listen 8080; root /srv; }
conf
<h1>hello</h1>
page
RUN <<-EOT sh
	set -e
	nginx -t
	EOT

USER root
CMD ["nginx", "-g", "daemon off;"]
