# hadolint shell=bash
FROM docker.io/gradle:latest AS build
WORKDIR /home/gradle/src
COPY --chown=gradle:gradle . .
RUN gradle bootJar --no-daemon
FROM eclipse-temurin
COPY --from=build /home/gradle/src/build/libs/app.jar /app/app.jar
USER root
RUN chown -R app:app /app
USER app
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
