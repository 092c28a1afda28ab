/* SPDX-License-Identifier: Apache-2.0 */
/* Suspicious scripts and persistence: download cradles, reverse shells,
 * Run keys, cron and systemd entries that fetch and run code. */

rule Script_PowerShell_Download_Cradle : script powershell
{
	meta:
		description = "PowerShell that downloads and runs code in one go"
		author = "triage"
		severity = 7
	strings:
		$iex = /\b(IEX|Invoke-Expression)\b/ nocase ascii wide
		$d1 = "Net.WebClient" nocase ascii wide
		$d2 = "DownloadString(" nocase ascii wide
		$d3 = "Invoke-WebRequest" nocase ascii wide
		$d4 = "DownloadData(" nocase ascii wide
		$d5 = /\biwr\s+https?:/ nocase ascii wide
	condition:
		$iex and 1 of ($d*)
}

rule Script_PowerShell_Encoded_Hidden : script powershell
{
	meta:
		description = "powershell.exe started hidden with an encoded command"
		author = "triage"
		severity = 6
	strings:
		$ps = "powershell" nocase ascii wide
		$enc1 = " -enc " nocase ascii wide
		$enc2 = " -encodedcommand " nocase ascii wide
		$enc3 = " -e " nocase ascii wide
		$hid1 = " -w hidden" nocase ascii wide
		$hid2 = " -windowstyle hidden" nocase ascii wide
		$hid3 = " -win hidden" nocase ascii wide
		$nop1 = " -nop " nocase ascii wide
		$nop2 = " -noprofile " nocase ascii wide
	condition:
		$ps and 1 of ($enc*) and 1 of ($hid*, $nop*)
}

rule Script_Unix_Reverse_Shell : script linux
{
	meta:
		description = "Shell one-liners that connect a shell back to a remote host"
		author = "triage"
		severity = 8
	strings:
		$b1 = /bash\s+-i\s*>&\s*\/dev\/tcp\/[0-9a-zA-Z.\-]+\/[0-9]{1,5}/ ascii
		$b2 = /\/dev\/tcp\/[0-9a-zA-Z.\-]+\/[0-9]{1,5}\s*0>&1/ ascii
		$n1 = /\bnc(at)?\s+(-[a-z]*e\s+\/bin\/(ba)?sh|.*-e\s+\/bin\/(ba)?sh)/ ascii
		$m1 = /mkfifo\s+\/tmp\/[^;]{1,40};\s*(cat|nc)/ ascii
		$p1 = "pty.spawn(\"/bin/" ascii
		$p2 = "socket.socket(socket.AF_INET" ascii
	condition:
		any of ($b*, $n*, $m*) or ($p1 and $p2)
}

rule Persistence_Download_And_Execute_Cron : persistence linux
{
	meta:
		description = "cron or systemd entry that downloads code and pipes it to a shell"
		author = "triage"
		severity = 7
	strings:
		$dl = /(curl|wget)\s+[^|\n]{0,200}\|\s*(ba|da|z)?sh\b/ ascii
		$cron1 = "@reboot" ascii
		$cron2 = "* * * *" ascii
		$cron3 = "crontab" ascii
		$cron4 = "/etc/cron" ascii
		$unit = "ExecStart=" ascii
	condition:
		$dl and (1 of ($cron*) or $unit)
}

rule Persistence_Windows_Run_Key : persistence windows
{
	meta:
		description = "Script or .reg file adding a program to a Run/RunOnce key from a user-writable place"
		author = "triage"
		severity = 6
	strings:
		$k = /\\Microsoft\\Windows\\CurrentVersion\\Run(Once)?\b/ nocase ascii wide
		$add1 = "reg add" nocase ascii wide
		$add2 = "New-ItemProperty" nocase ascii wide
		$add3 = "Set-ItemProperty" nocase ascii wide
		$add4 = "Windows Registry Editor" ascii wide
		$loc = /(%APPDATA%|%TEMP%|\\AppData\\|\\Temp\\|\\Users\\Public\\|\$env:(APPDATA|TEMP))/ nocase ascii wide
	condition:
		$k and 1 of ($add*) and $loc
}
