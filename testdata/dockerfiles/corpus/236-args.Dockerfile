ARG BASE=alpine
FROM $BASE
RUN echo building
USER root
RUN chown -R app:app /app
USER app
CMD ["sh"]
