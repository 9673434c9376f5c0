# syntax=docker/dockerfile:1.9
FROM docker.io/library/gradle:latest AS build
WORKDIR /home/gradle/src
COPY --chown=gradle:gradle . .
RUN gradle bootJar --no-daemon
FROM eclipse-temurin:17-jre-alpine
COPY --from=build /home/gradle/src/build/libs/app.jar /app/app.jar
USER root:root
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
