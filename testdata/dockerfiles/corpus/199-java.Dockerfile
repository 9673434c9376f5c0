FROM gradle:8-jdk17-alpine AS build
WORKDIR /home/gradle/src
COPY --chown=gradle:gradle . .
RUN gradle bootJar --no-daemon
FROM gcr.io/distroless/java21-debian12@sha256:cc2694344447300889671c610a4509f8edbc7ba123895104460ea7524350e038
COPY --from=build /home/gradle/src/build/libs/app.jar /app/app.jar
ARG UID=10001
USER ${UID}
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
