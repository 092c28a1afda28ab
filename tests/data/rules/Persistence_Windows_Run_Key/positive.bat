rem test sample
reg add "HKCU\Software\Microsoft\Windows\CurrentVersion\Run" /v Updater /d "%APPDATA%\upd.exe" /f
