FROM index.docker.io/library/nginx:1.27
RUN echo ok
USER app
