@echo off
rem test sample
procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\l.dmp
