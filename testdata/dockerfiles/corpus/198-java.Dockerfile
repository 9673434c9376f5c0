from registry.example.com/mirror/maven:3.9.9-eclipse-temurin-17@sha256:8d1b6f6879667ee9bff2f7d5ed7de98a55bc6066c54d048c6c2101a052a9ccf5 as build
workdir /build
copy pom.xml .
run --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline
copy src ./src
run --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests
from docker.io/amazoncorretto:21-al2023-headless
copy --from=build /build/target/app.jar /app/app.jar
user app
run id
user root
entrypoint ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]
