FROM maven:3.9-eclipse-temurin-21@sha256:2d671cc1059a4d3471e363561f19786a4bc6aeadb712302289e46d89323cd5e5 AS build
WORKDIR /build
COPY pom.xml .
RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests
FROM registry.example.com/mirror/eclipse-temurin:21-jre
COPY --from=build /build/target/app.jar /app/app.jar
USER root
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
