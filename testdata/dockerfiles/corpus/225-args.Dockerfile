ARG BASE=ubuntu:24.04
FROM $BASE
RUN echo building
USER app
RUN id
USER root
CMD ["sh"]
