FROM docker.io/python:3.3
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
