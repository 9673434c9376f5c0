# escape=`

# Windows paths keep their backslashes; the backtick continues lines.
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS download
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest https://example.com/tool.zip -OutFile C:\tool.zip ; `
    Expand-Archive C:\tool.zip -DestinationPath C:\tool

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY --from=download C:\tool C:\tool
ENV PATH="C:\tool;C:\Windows\system32"
CMD ["C:\\tool\\tool.exe"]
