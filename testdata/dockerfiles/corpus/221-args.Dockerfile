# hadolint shell=bash
ARG REGISTRY
FROM ${REGISTRY:-docker.io}/library/redis:7.4
RUN echo building
USER app
CMD ["sh"]
