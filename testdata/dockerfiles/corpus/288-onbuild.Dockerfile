FROM ruby:22@sha256:adc91ecf10f22d0df261999c0cac76aae670614fdd005d9ac8a66c23c66cdac0
WORKDIR /usr/src/app
ONBUILD COPY . /usr/src/app
ONBUILD RUN make install
USER root
RUN chown -R app:app /app
USER app
