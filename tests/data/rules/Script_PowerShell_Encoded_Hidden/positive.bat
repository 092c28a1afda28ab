rem test sample
powershell.exe -nop -w hidden -enc VwByAGkAdABlAC0ASABvAHMAdAAgAHQAZQBzAHQA
