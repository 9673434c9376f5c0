# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2019 AS build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022@sha256:c7e9de6f2df0829fe617ae0b49d4fbd03487665ddb0efb2171b8c7dbd921cf45
COPY --from=build C:\tool C:\tool
USER ContainerAdministrator
ENTRYPOINT ["C:\\tool\\tool.exe"]
