ARG REGISTRY
FROM ${REGISTRY:-docker.io}/library/alpine:3.20
RUN echo building
USER 999
CMD ["sh"]
