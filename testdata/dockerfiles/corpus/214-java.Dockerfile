# syntax=docker/dockerfile:1
# hadolint shell=bash
FROM gradle:8-jdk17-alpine AS build
WORKDIR /home/gradle/src
COPY --chown=gradle:gradle . .
RUN gradle bootJar --no-daemon
FROM eclipse-temurin:21-jre
COPY --from=build /home/gradle/src/build/libs/app.jar /app/app.jar
USER 0
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
