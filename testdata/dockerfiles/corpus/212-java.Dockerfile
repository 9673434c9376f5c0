# syntax=docker/dockerfile:1.9
# check=skip=JSONArgsRecommended
FROM maven:latest as build
WORKDIR /build
COPY pom.xml .
RUN --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests
FROM eclipse-temurin:latest
COPY --from=build /build/target/app.jar /app/app.jar
USER root
RUN chown -R app:app /app
USER app
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
