/* SPDX-License-Identifier: Apache-2.0 */
/* Ransom notes: the text ransomware leaves beside the files it encrypted. */

rule Ransomware_Note_Generic : ransomware
{
	meta:
		description = "Ransom note: encrypted files, payment and a way to contact"
		author = "triage"
		severity = 9
	strings:
		$enc1 = "your files have been encrypted" nocase ascii wide
		$enc2 = "all your files are encrypted" nocase ascii wide
		$enc3 = "your network has been penetrated" nocase ascii wide
		$enc4 = "files on your computer have been encrypted" nocase ascii wide
		$pay1 = "bitcoin" nocase ascii wide
		$pay2 = "BTC wallet" nocase ascii wide
		$pay3 = "monero" nocase ascii wide
		$pay4 = "decryption key" nocase ascii wide
		$pay5 = "decryptor" nocase ascii wide
		$con1 = /[a-z2-7]{16,56}\.onion/ nocase ascii wide
		$con2 = "tor browser" nocase ascii wide
		$con3 = /@(protonmail|tutanota|onionmail)\.(com|org|ch)/ nocase ascii wide
		$con4 = "do not rename" nocase ascii wide
	condition:
		filesize < 200KB and 1 of ($enc*) and 1 of ($pay*) and 1 of ($con*)
}

rule Ransomware_Note_Filename_Marker : ransomware
{
	meta:
		description = "Ransom note text naming its own recovery instructions file"
		author = "triage"
		severity = 7
	strings:
		$n1 = "HOW_TO_DECRYPT" nocase ascii wide
		$n2 = "README_FOR_DECRYPT" nocase ascii wide
		$n3 = "RESTORE_FILES" nocase ascii wide
		$n4 = "DECRYPT_INSTRUCTIONS" nocase ascii wide
		$k = /(personal|unique) (id|key)\s*:/ nocase ascii wide
	condition:
		filesize < 200KB and 1 of ($n*) and $k
}
