/* SPDX-License-Identifier: Apache-2.0 */
/* Offensive tooling: PowerSploit, Rubeus, BloodHound collectors, Cobalt Strike. */

rule Hacktool_PowerSploit_Functions : offensive powershell
{
	meta:
		description = "PowerSploit / Empire PowerShell attack functions"
		author = "triage"
		severity = 7
	strings:
		$f1 = "Invoke-Mimikatz" nocase ascii wide
		$f2 = "Invoke-Shellcode" nocase ascii wide
		$f3 = "Invoke-ReflectivePEInjection" nocase ascii wide
		$f4 = "Invoke-TokenManipulation" nocase ascii wide
		$f5 = "Get-GPPPassword" nocase ascii wide
		$f6 = "Invoke-Kerberoast" nocase ascii wide
		$f7 = "PowerView" ascii wide
	condition:
		2 of them
}

rule Hacktool_Rubeus : offensive kerberos
{
	meta:
		description = "Rubeus Kerberos abuse tool"
		author = "triage"
		severity = 8
	strings:
		$n = "Rubeus" ascii wide
		$a1 = "asktgt" ascii wide
		$a2 = "kerberoast" ascii wide
		$a3 = "asreproast" ascii wide
		$a4 = "s4u" ascii wide
		$a5 = "/ticket:" ascii wide
	condition:
		$n and 2 of ($a*)
}

rule Hacktool_BloodHound_Collector : offensive recon
{
	meta:
		description = "SharpHound / BloodHound.py collectors"
		author = "triage"
		severity = 6
	strings:
		$a = "SharpHound" ascii wide
		$b = "CollectionMethod" ascii wide
		$c = "bloodhound" nocase ascii wide
		$d = "--zipfilename" ascii wide
		$e = "_BloodHound.zip" nocase ascii wide
	condition:
		($a and ($b or $e)) or ($c and $d)
}

rule Hacktool_CobaltStrike_Strings : offensive c2
{
	meta:
		description = "Cobalt Strike beacon and stager strings"
		author = "triage"
		severity = 9
	strings:
		$s1 = "%s as %s\\%s: %d" ascii
		$s2 = "beacon.dll" ascii
		$s3 = "beacon.x64.dll" ascii
		$s4 = "ReflectiveLoader" ascii
		$s5 = "%%IMPORT%%" ascii
		$s6 = "IEX (New-Object Net.Webclient).DownloadString('http://127.0.0.1:" ascii
	condition:
		2 of them
}
