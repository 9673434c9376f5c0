FROM localhost:5000/base
RUN echo ok
ARG UID=10001
USER ${UID}
