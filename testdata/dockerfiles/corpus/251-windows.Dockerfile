# escape=`
FROM mcr.microsoft.com/windows/servercore@sha256:bb1d9c97243b33a7b606a3722728a5e50025e62e84ac6cea9eb3a612d100f196 AS build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip
FROM mcr.microsoft.com/windows/nanoserver:1809@sha256:78c2efeb1c3d0dae8dd71b34e75790e3578c6bb0bdebb2c9f9e0d95cfbafbd3c
COPY --from=build C:\tool C:\tool
USER ContainerUser
ENTRYPOINT ["C:\\tool\\tool.exe"]
