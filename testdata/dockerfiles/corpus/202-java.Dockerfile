FROM maven:3.9-eclipse-temurin-21@sha256:2d671cc1059a4d3471e363561f19786a4bc6aeadb712302289e46d89323cd5e5 as build
WORKDIR /build
COPY pom.xml .
RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests
FROM eclipse-temurin:21-jre-jammy@sha256:c3f0ddd99da1d177af912a798a74c043c1057a773913033bdcac105a7febe5ab
COPY --from=build /build/target/app.jar /app/app.jar
USER root
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
