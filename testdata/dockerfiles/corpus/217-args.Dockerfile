# syntax=docker/dockerfile:1.9
ARG REGISTRY
FROM ${REGISTRY:-docker.io}/library/postgres:16
RUN echo building
CMD ["sh"]
