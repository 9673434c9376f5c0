# syntax=docker/dockerfile:1
FROM alpine@sha256:54c5b3dd459d5ef778bb2fa1e23a5fb0e1b62ae66970bcb436e8f81a1a1a8e41
RUN <<EOF
apk add --no-cache nginx
mkdir -p /run/nginx
EOF
COPY <<EOF /etc/nginx/http.d/default.conf
server { listen 8080; root /srv; }
EOF
ARG UID=10001
USER ${UID}
CMD ["nginx", "-g", "daemon off;"]
