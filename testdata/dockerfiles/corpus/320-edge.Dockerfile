# check=skip=JSONArgsRecommended
FROM localhost/base:1
RUN echo ok
USER root
