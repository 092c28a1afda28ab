# downloads a report and saves it, runs nothing
(New-Object Net.WebClient).DownloadFile("https://example.org/r.csv", "r.csv")
