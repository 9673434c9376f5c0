# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip
FROM mcr.microsoft.com/windows/nanoserver:1809@sha256:78c2efeb1c3d0dae8dd71b34e75790e3578c6bb0bdebb2c9f9e0d95cfbafbd3c
COPY --from=build C:\tool C:\tool
USER ContainerAdministrator
ENTRYPOINT ["C:\\tool\\tool.exe"]
