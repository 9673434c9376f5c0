# syntax=docker/dockerfile:1.7
FROM maven@sha256:2b2045546c3bdfa340ee8335fcd25e12bf6fc96e292477de1cb8bf9fa2c4b365 AS build
WORKDIR /build
COPY pom.xml .
RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests
FROM gcr.io/distroless/java21-debian12:nonroot
COPY --from=build /build/target/app.jar /app/app.jar
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
