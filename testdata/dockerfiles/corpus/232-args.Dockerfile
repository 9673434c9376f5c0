# check=skip=JSONArgsRecommended
ARG REGISTRY
FROM ${REGISTRY:-docker.io}/library/postgres:16
RUN echo building
ARG UID=10001
USER ${UID}
CMD ["sh"]
