rem run the build script
powershell.exe -ExecutionPolicy Bypass -File build.ps1
