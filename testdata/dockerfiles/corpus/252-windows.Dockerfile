# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022@sha256:fc1c73df37074afe333be04f33f94cf308f74ac73261cd2c2446bfc2ffe8d913 AS build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip
FROM mcr.microsoft.com/windows/nanoserver:1809
COPY --from=build C:\tool C:\tool
USER ContainerUser
ENTRYPOINT ["C:\\tool\\tool.exe"]
