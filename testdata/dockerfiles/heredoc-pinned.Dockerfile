# syntax=docker/dockerfile:1

from alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b as Builder
RUN <<EOF
set -e
# The next line is script text, not an instruction.
FROM not-an-image:really
echo built > /out
EOF
COPY <<-"CONF" /etc/app.conf
	listen = ${PORT}
	CONF

from builder
run echo done
