# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2019@sha256:40efbcda3f8c62324433409337ad430934b6e50d3cc239c3886f2379fbee835c as build
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `
    Expand-Archive tool.zip -DestinationPath C:\tool; `
    Remove-Item tool.zip
FROM mcr.microsoft.com/windows/nanoserver:latest
COPY --from=build C:\tool C:\tool
USER ContainerUser
ENTRYPOINT ["C:\\tool\\tool.exe"]
