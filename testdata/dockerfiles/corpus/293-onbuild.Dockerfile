# check=skip=JSONArgsRecommended
FROM docker.io/python:22@sha256:02233c4e0cf45292ebc611f8edfe521fe0fda1218a71df7dcf9647bd683fd9ba
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
USER 1001:1001
