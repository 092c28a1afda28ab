/* SPDX-License-Identifier: Apache-2.0 */
/* Credential dumpers: Mimikatz and its kin, LSASS dumping, LaZagne. */

rule Hacktool_Mimikatz_Strings : credential_dumper hacktool
{
	meta:
		description = "Mimikatz command names and banner strings"
		author = "triage"
		severity = 9
	strings:
		$c1 = "sekurlsa::logonpasswords" ascii wide nocase
		$c2 = "sekurlsa::pth" ascii wide nocase
		$c3 = "lsadump::sam" ascii wide nocase
		$c4 = "lsadump::dcsync" ascii wide nocase
		$c5 = "privilege::debug" ascii wide nocase
		$c6 = "kerberos::golden" ascii wide nocase
		$b1 = "gentilkiwi" ascii wide nocase
		$b2 = "mimikatz" ascii wide nocase
		$b3 = "A La Vie, A L'Amour" ascii wide
	condition:
		2 of ($c*) or (1 of ($c*) and 1 of ($b*)) or ($b1 and $b3)
}

rule Hacktool_LSASS_Dump_Command : credential_dumper
{
	meta:
		description = "Command lines that dump LSASS memory (procdump, comsvcs MiniDump)"
		author = "triage"
		severity = 8
	strings:
		$pd = /procdump(64)?(\.exe)?\s+(-[a-z]+\s+)*-ma\s+lsass/ nocase ascii wide
		$cs = /comsvcs(\.dll)?[,\s]+#?(MiniDump|24)\b/ nocase ascii wide
		$rd = "rundll32" nocase ascii wide
	condition:
		$pd or ($cs and $rd)
}

rule Hacktool_LaZagne : credential_dumper hacktool
{
	meta:
		description = "LaZagne password recovery tool"
		author = "triage"
		severity = 7
	strings:
		$a = "lazagne" nocase ascii wide
		$b = "softwares.browsers" ascii
		$c = "lazagne.config" ascii
		$d = "laZagne.exe" nocase ascii wide
		$e = "[+] Password found" ascii
	condition:
		$a and 2 of ($b, $c, $d, $e)
}

rule Hacktool_Impacket_Secretsdump : credential_dumper hacktool
{
	meta:
		description = "Impacket secretsdump (remote SAM/LSA/NTDS extraction)"
		author = "triage"
		severity = 7
	strings:
		$a = "secretsdump" ascii
		$b = "from impacket" ascii
		$c = "NTDSHashes" ascii
		$d = "LSASecrets" ascii
	condition:
		$b and 2 of ($a, $c, $d)
}
