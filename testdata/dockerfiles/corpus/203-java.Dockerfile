FROM ghcr.io/mirror/maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
COPY pom.xml .
RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests
FROM docker.io/library/amazoncorretto:17@sha256:0128d3fbc2c8149a553e4ac4947c1a657d28cdedf45ae96166e9595a1657b2b0
COPY --from=build /build/target/app.jar /app/app.jar
ARG UID=10001
USER ${UID}
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
