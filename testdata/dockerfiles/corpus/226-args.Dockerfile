ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN echo building
ARG UID=10001
USER ${UID}
CMD ["sh"]
