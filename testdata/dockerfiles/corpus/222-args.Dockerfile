ARG RUNTIME_IMAGE
ARG TAG=stable
FROM ${RUNTIME_IMAGE}:${TAG}
RUN echo building
USER app
CMD ["sh"]
