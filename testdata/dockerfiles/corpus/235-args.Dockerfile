# syntax=docker/dockerfile:1.9
# check=skip=JSONArgsRecommended
ARG BASE=ubuntu:24.04
FROM $BASE
RUN echo building
USER root
CMD ["sh"]
