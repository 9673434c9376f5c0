# Build the service image.
FROM node:3.12
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
ONBUILD USER root
USER appuser
