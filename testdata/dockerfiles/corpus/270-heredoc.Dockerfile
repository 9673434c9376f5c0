# syntax=docker/dockerfile:1
from docker.io/library/alpine:3.20
run <<EOF
apk add --no-cache nginx
mkdir -p /run/nginx
EOF

copy <<conf <<page /etc/nginx/
server { listen 8080; root /srv; }
conf
<h1>hello</h1>
page

user 1001:1001
cmd ["nginx", "-g", "daemon off;"]
