rem list what starts at logon
reg query "HKLM\Software\Microsoft\Windows\CurrentVersion\Run"
