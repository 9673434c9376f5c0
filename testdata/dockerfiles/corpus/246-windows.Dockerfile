# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022 as build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip
FROM mcr.microsoft.com/windows/nanoserver
COPY --from=build C:\tool C:\tool
USER ContainerAdministrator
ENTRYPOINT ["C:\\tool\\tool.exe"]
