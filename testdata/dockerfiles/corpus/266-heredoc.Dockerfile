# syntax=docker/dockerfile:1
from gcr.io/mirror/alpine:3.20
run <<EOF
apk add --no-cache nginx
mkdir -p /run/nginx
EOF

copy <<conf <<page /etc/nginx/
server { listen 8080; root /srv; }
conf
<h1>hello</h1>
page

user root
run chown -R app:app /app
user app
cmd ["nginx", "-g", "daemon off;"]
