# syntax=docker/dockerfile:1
from docker.io/library/maven:3.9.9-eclipse-temurin-17 AS build
workdir /build
copy pom.xml .
run --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline
copy src ./src
run --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests
from amazoncorretto:21-al2023-headless
copy --from=build /build/target/app.jar /app/app.jar
entrypoint ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
