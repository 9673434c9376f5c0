FROM alpine:3.21
ENV LANG=C.UTF-8 TZ=UTC
RUN apk add --no-cache tzdata ca-certificates tini
RUN addgroup -S app && adduser -S -G app app
RUN <<EOT bash
set -euo pipefail
mkdir -p /app/data
echo ready > /app/data/state
EOT

WORKDIR /app
COPY --link . /app
ARG UID=10001
USER ${UID}
EXPOSE 8080
CMD ./start.sh
