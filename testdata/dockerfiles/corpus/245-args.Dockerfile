# check=skip=JSONArgsRecommended
ARG BASE_IMAGE=docker.io/debian:bookworm-slim@sha256:375b8909f4d827136983991203cf2da557262e5a1cfc08de28a30c20fbe7d1db
FROM ${BASE_IMAGE}
RUN echo building
USER app
RUN id
USER root
CMD ["sh"]
