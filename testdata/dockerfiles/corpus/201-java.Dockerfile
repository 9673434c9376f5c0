# syntax=docker/dockerfile:1.9
FROM maven:latest AS build
WORKDIR /build
COPY pom.xml .
RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests
FROM gcr.io/distroless/java21-debian12
COPY --from=build /build/target/app.jar /app/app.jar
USER node
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
