# hadolint shell=bash
FROM gradle AS build
WORKDIR /home/gradle/src
COPY --chown=gradle:gradle . .
RUN gradle bootJar --no-daemon
FROM docker.io/library/eclipse-temurin:latest
COPY --from=build /home/gradle/src/build/libs/app.jar /app/app.jar
USER 999
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
