@echo off
rem collect a dump of our own crashing service for support
procdump64.exe -accepteula -ma myservice.exe C:\dumps\svc.dmp
