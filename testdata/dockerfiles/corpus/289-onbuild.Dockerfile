FROM ruby:3.12@sha256:f2ab82c7f78caa5acdbb8cc96623f797ad5c84fc38455276dddd70a561276223
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
USER node
