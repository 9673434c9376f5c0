# Build the service image.
ARG BASE=alpine
FROM $BASE
RUN echo building
USER appuser
CMD ["sh"]
