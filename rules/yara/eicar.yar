/* SPDX-License-Identifier: Apache-2.0 */
/* The EICAR anti-virus test file (harmless by design). */

rule EICAR_Test_File : test
{
	meta:
		description = "EICAR anti-virus test file"
		author = "triage"
		reference = "https://www.eicar.org/download-anti-malware-testfile/"
		severity = 1
	strings:
		$eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
	condition:
		$eicar
}
