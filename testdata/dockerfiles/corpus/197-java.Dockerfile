# Maintained by the platform team
FROM docker.io/gradle@sha256:b26b8b25a331d707614e9c3750cfadd432c5273ae9fe185be5412db1c8ef2c3d AS build
WORKDIR /home/gradle/src
COPY --chown=gradle:gradle . .
RUN gradle bootJar --no-daemon
FROM eclipse-temurin
COPY --from=build /home/gradle/src/build/libs/app.jar /app/app.jar
ARG UID=10001
USER ${UID}
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
