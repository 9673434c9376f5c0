# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2019 AS build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip
FROM mcr.microsoft.com/windows/nanoserver:1809
COPY --from=build C:\tool C:\tool
USER ContainerAdministrator
ENTRYPOINT ["C:\\tool\\tool.exe"]
