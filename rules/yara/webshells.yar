/* SPDX-License-Identifier: Apache-2.0 */
/* Web shells: server-side scripts that run what a request tells them to. */

rule Webshell_PHP_Request_Exec : webshell php
{
	meta:
		description = "PHP script passing request data to a code or command executor"
		author = "triage"
		severity = 8
	strings:
		$php = "<?php" nocase
		$exec = /\b(eval|assert|system|shell_exec|passthru|exec|popen|proc_open)\s*\(\s*(base64_decode\s*\(\s*)?\$_(GET|POST|REQUEST|COOKIE|SERVER)\s*\[/ nocase
	condition:
		$php and $exec
}

rule Webshell_PHP_Obfuscated_Eval : webshell php
{
	meta:
		description = "PHP eval of decoded or inflated data, the usual web shell wrapper"
		author = "triage"
		severity = 6
	strings:
		$php = "<?php" nocase
		$e1 = /eval\s*\(\s*(gzinflate|gzuncompress|str_rot13|base64_decode)\s*\(\s*(gzinflate|str_rot13|base64_decode)?/ nocase
		$e2 = /preg_replace\s*\(\s*["'].{1,32}\/e["']/ nocase
	condition:
		$php and any of ($e*)
}

rule Webshell_JSP_Runtime_Exec : webshell jsp
{
	meta:
		description = "JSP page running a command taken from the request"
		author = "triage"
		severity = 8
	strings:
		$rt = "Runtime.getRuntime().exec(" ascii
		$pb = "new ProcessBuilder(" ascii
		$req = "request.getParameter(" ascii
		$jsp = "<%" ascii
	condition:
		$jsp and $req and ($rt or $pb)
}

rule Webshell_ASPX_Eval_Request : webshell aspx
{
	meta:
		description = "ASP/ASPX page evaluating or running request data"
		author = "triage"
		severity = 8
	strings:
		$page = /<%@\s*Page\s+Language\s*=\s*["']?(Jscript|C#|VB)/ nocase
		$eval = /eval\s*\(\s*Request(\.Item)?\s*[\[\(]/ nocase
		$proc = "System.Diagnostics.Process" nocase
		$req = "Request.Form[" nocase
	condition:
		$page and ($eval or ($proc and $req))
}
