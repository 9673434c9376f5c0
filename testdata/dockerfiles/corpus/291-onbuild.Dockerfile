# syntax=docker/dockerfile:1.9
from docker.io/ruby:22
workdir /usr/src/app
onbuild COPY . /usr/src/app
onbuild RUN make install
user 0
