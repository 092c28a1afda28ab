# administrators: block Invoke-Mimikatz with AMSI
Get-Process | Where-Object { $_.CPU -gt 100 }
