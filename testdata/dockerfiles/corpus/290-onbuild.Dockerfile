FROM ghcr.io/mirror/python:3.12
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
USER www-data
