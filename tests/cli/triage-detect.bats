#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-detect: Sigma rules over event records.  Oracles: SigmaHQ's own
# regression data (every rule must match its recorded events, exactly
# match_count times where info.yml gives it) and the shipped rules'
# positive and negative events below.

load helpers

RULES="$TRIAGE_SRCDIR/rules/sigma"
SIGMA="$TRIAGE_TEST_DATA/sigma"
TOJSON="$TRIAGE_SRCDIR/tests/cli/sigma-evtx-json.jq"

need_sigma() {
	[ -d "$SIGMA/rules" ] || skip "no SigmaHQ rules at $SIGMA"
	need_cmd jq
}

# A Windows event: channel, event id, event_data (JSON object).
win() {
	printf '{"record":"event","datetime":"2026-01-02T03:04:%02dZ","timestamp":%s,"data_type":"windows:evtx:record","source":"t.evtx","path":"t.evtx","record_number":%s,"channel":"%s","event_identifier":%s,"source_name":"%s","computer_name":"pc1","event_data":%s}\n' \
	    "${6:-0}" "$((1767323040000000 + ${6:-0} * 1000000))" "${6:-1}" "$1" "$2" "${4:-X}" "$3"
}

# A Linux event: data_type, reporter, message.
lnx() {
	printf '{"record":"event","datetime":"2026-01-02T03:04:%02dZ","timestamp":%s,"data_type":"%s","hostname":"web1","reporter":"%s","body":"%s","message":"%s"}\n' \
	    "${4:-0}" "$((1767323040000000 + ${4:-0} * 1000000))" "$1" "$2" "$3" "$3"
}

setup() {
	export -f win lnx
}

@test "--help first line is the man SYNOPSIS" {
	assert_help_matches_man triage-detect
}

@test "--version names the program" {
	run -0 triage-detect --version
	[[ "${lines[0]}" == "triage-detect (triage) "* ]]
}

@test "misuse: no rules, unknown option, bad level, missing rules: exit 2" {
	run -2 --separate-stderr triage-detect -
	[[ "$stderr" == *"no rules given"* ]]
	run -2 --separate-stderr triage-detect --bogus -r "$RULES" -
	run -2 --separate-stderr triage-detect -l severe -r "$RULES" /dev/null
	[[ "$stderr" == *"unknown level 'severe'"* ]]
	run -2 --separate-stderr triage-detect -r /nonexistent -
	[[ "$stderr" == *"'/nonexistent'"* ]]
	run -2 --separate-stderr triage-detect -L /nonexistent -r "$RULES" -
}

@test "a bad input line is reported with its line number: exit 2" {
	run -2 --separate-stderr bash -c "{ win Security 1102 '{}'; echo 'not json'; } |
	    triage-detect -n -r '$RULES' -"
	[[ "$stderr" == *"line 2"* ]]
	[ "$(echo "$output" | jq -r .rule_title)" = "Windows Event Log Cleared" ]
}

@test "writing to /dev/full: exit 2" {
	run -2 --separate-stderr bash -c "win Security 1102 '{}' |
	    triage-detect -r '$RULES' - > /dev/full"
}

@test "nothing detected: exit 1 and only the summary" {
	run -1 --separate-stderr bash -c "win Security 4624 '{\"LogonType\":\"2\"}' |
	    triage-detect -r '$RULES' -"
	[ "$(echo "$output" | jq -r .record)" = detect_summary ]
	[ "$(echo "$output" | jq .rules_refused)" = 0 ]
	[ "$(echo "$output" | jq .events)" = 1 ]
}

@test "detection records carry the rule's metadata and the event's address" {
	run -0 --separate-stderr bash -c "win Security 1102 '{}' ''  '' 7 |
	    triage-detect -n -r '$RULES/triage_win_log_cleared.yml' -"
	d=$output
	[ "$(jq -r .record <<<"$d")" = detection ]
	[ "$(jq -r .level <<<"$d")" = high ]
	[ "$(jq -r .status <<<"$d")" = stable ]
	[ "$(jq -r .author <<<"$d")" = "triage project" ]
	[ "$(jq -r '.tags[0]' <<<"$d")" = attack.defense-evasion ]
	[ "$(jq -r .rule_path <<<"$d")" = "$RULES/triage_win_log_cleared.yml" ]
	[ "$(jq -r .rule_id <<<"$d")" != null ]
	[ "$(jq -r .record_number <<<"$d")" = 7 ]
	[ "$(jq -r .source <<<"$d")" = t.evtx ]
	[ "$(jq -r .datetime <<<"$d")" = 2026-01-02T03:04:07Z ]
	[ "$(jq -r .matched.EventID <<<"$d")" = 1102 ]
}

@test "--pass writes the events on, in order, among the detections" {
	run -0 --separate-stderr bash -c "{ win Security 4624 '{}'; win Security 1102 '{}'; } |
	    triage-detect -n -p -r '$RULES' -"
	[ "$(echo "$output" | jq -r .record | tr '\n' ' ')" = "event event detection " ]
}

@test "--level and --tags select rules" {
	ev=$(win Security 1102 '{}'; win Security 4720 '{}')
	run -0 bash -c "echo '$ev' | triage-detect -n -l high -r '$RULES' - | jq -r .rule_title"
	[ "$output" = "Windows Event Log Cleared" ]
	run -0 bash -c "echo '$ev' | triage-detect -n -T attack.t1136 -r '$RULES' - | jq -r .rule_title"
	[ "$output" = "Windows User Account Created" ]
}

@test "a refused rule is listed with file, line and reason; --strict: exit 2" {
	d=$(scratch)
	printf 'title: bad\nlogsource:\n  product: windows\ndetection:\n  sel:\n    A|nosuch: 1\n  condition: sel\n' > "$d/bad.yml"
	run -1 --separate-stderr triage-detect -r "$d" /dev/null
	[[ "$stderr" == *"bad.yml' line 6"*"unknown modifier 'nosuch'"* ]]
	[ "$(echo "$output" | jq -r '.refused[0].reason')" = "unknown modifier 'nosuch'" ]
	[ "$(echo "$output" | jq -r '.refused[0].line')" = 6 ]
	run -2 --separate-stderr triage-detect --strict -r "$d" /dev/null
	[[ "$stderr" == *"1 rule(s) refused"* ]]
}

@test "shipped: log cleared (Security 1102, System 104), not 1100" {
	run -0 bash -c "{ win Security 1102 '{}'; win System 104 '{}' Microsoft-Windows-Eventlog; win Security 1100 '{}'; } | triage-detect -q -n -r '$RULES/triage_win_log_cleared.yml' - | wc -l"
	[ "$output" = 2 ]
}

@test "shipped: service installed (7045, 4697), not 7036" {
	run -0 bash -c "{ win System 7045 '{\"ServiceName\":\"x\"}'; win Security 4697 '{}'; win System 7036 '{}'; } | triage-detect -q -n -r '$RULES/triage_win_service_installed.yml' - | wc -l"
	[ "$output" = 2 ]
}

@test "shipped: account created (4720), not enabled (4722)" {
	run -0 bash -c "{ win Security 4720 '{}'; win Security 4722 '{}'; } | triage-detect -q -n -r '$RULES/triage_win_account_created.yml' - | wc -l"
	[ "$output" = 1 ]
}

@test "shipped: added to Administrators, not to Users" {
	run -0 bash -c "{ win Security 4732 '{\"TargetSid\":\"S-1-5-32-544\"}'; win Security 4732 '{\"TargetSid\":\"S-1-5-32-545\",\"TargetUserName\":\"Users\"}'; } | triage-detect -q -n -r '$RULES/triage_win_admin_group_add.yml' - | wc -l"
	[ "$output" = 1 ]
}

@test "shipped: scheduled task created (4698, TaskScheduler 106), not deleted (4699)" {
	run -0 bash -c "{ win Security 4698 '{}'; win Microsoft-Windows-TaskScheduler/Operational 106 '{}'; win Security 4699 '{}'; } | triage-detect -q -n -r '$RULES/triage_win_scheduled_task_created.yml' - | wc -l"
	[ "$output" = 2 ]
}

@test "shipped: PowerShell download cradle (Sysmon 1 and Security 4688), not Get-Process" {
	run -0 bash -c "{ win Microsoft-Windows-Sysmon/Operational 1 '{\"Image\":\"C:\\\\\\\\Windows\\\\\\\\powershell.exe\",\"CommandLine\":\"powershell IEX (New-Object Net.WebClient).DownloadString(1)\"}'
	    win Security 4688 '{\"NewProcessName\":\"C:\\\\\\\\Windows\\\\\\\\PowerShell.exe\",\"CommandLine\":\"powershell iwr http://x\"}'
	    win Microsoft-Windows-Sysmon/Operational 1 '{\"Image\":\"C:\\\\\\\\Windows\\\\\\\\powershell.exe\",\"CommandLine\":\"powershell Get-Process\"}'; } |
	    triage-detect -q -n -r '$RULES/triage_win_powershell_download_cradle.yml' - | jq -r .record_number | wc -l"
	[ "$output" = 2 ]
}

@test "shipped: PowerShell encoded command (any dash), not -ExecutionPolicy" {
	run -0 bash -c "{ win Microsoft-Windows-Sysmon/Operational 1 '{\"Image\":\"C:\\\\\\\\x\\\\\\\\powershell.exe\",\"CommandLine\":\"powershell /enc SQBFAFgA\"}'
	    win Microsoft-Windows-Sysmon/Operational 1 '{\"Image\":\"C:\\\\\\\\x\\\\\\\\powershell.exe\",\"CommandLine\":\"powershell -ExecutionPolicy Bypass -File a.ps1\"}'; } |
	    triage-detect -q -n -r '$RULES/triage_win_powershell_encoded_command.yml' - | wc -l"
	[ "$output" = 1 ]
}

@test "shipped: RDP logon from an external address, not from 10.0.0.5" {
	run -0 bash -c "{ win Security 4624 '{\"LogonType\":\"10\",\"IpAddress\":\"203.0.113.7\"}'; win Security 4624 '{\"LogonType\":\"10\",\"IpAddress\":\"10.0.0.5\"}'; win Security 4624 '{\"LogonType\":\"3\",\"IpAddress\":\"203.0.113.7\"}'; } | triage-detect -q -n -r '$RULES/triage_win_rdp_logon_external.yml' - | wc -l"
	[ "$output" = 1 ]
}

@test "shipped: brute force and password spraying correlations, not below threshold" {
	d=$(scratch)
	for i in $(seq 1 10); do win Security 4625 "{\"TargetUserName\":\"admin\",\"IpAddress\":\"198.51.100.9\"}" '' '' "$i"; done > "$d/brute"
	for i in $(seq 1 10); do win Security 4625 "{\"TargetUserName\":\"user$i\",\"IpAddress\":\"198.51.100.8\"}" '' '' "$i"; done > "$d/spray"
	head -9 "$d/brute" > "$d/few"
	run -0 bash -c "triage-detect -q -n -r '$RULES/triage_win_brute_force.yml' '$d/brute' | jq -r '[.rule_title, .count, (.events|length)] | @tsv'"
	[ "$output" = "$(printf 'Windows Logon Brute Force\t10\t10')" ]
	run -0 bash -c "triage-detect -q -n -r '$RULES/triage_win_brute_force.yml' '$d/spray' | jq -r '[.rule_title, .group.IpAddress] | @tsv'"
	[ "$output" = "$(printf 'Windows Password Spraying\t198.51.100.8')" ]
	run -1 triage-detect -q -n -r "$RULES/triage_win_brute_force.yml" "$d/few"
}

@test "shipped: Office starting a shell (Sysmon 1, 4688 renamed), not splwow64" {
	run -0 bash -c "{ win Microsoft-Windows-Sysmon/Operational 1 '{\"ParentImage\":\"C:\\\\\\\\o\\\\\\\\WINWORD.EXE\",\"Image\":\"C:\\\\\\\\w\\\\\\\\cmd.exe\"}'
	    win Security 4688 '{\"ParentProcessName\":\"C:\\\\\\\\o\\\\\\\\excel.exe\",\"NewProcessName\":\"C:\\\\\\\\w\\\\\\\\mshta.exe\"}'
	    win Microsoft-Windows-Sysmon/Operational 1 '{\"ParentImage\":\"C:\\\\\\\\o\\\\\\\\WINWORD.EXE\",\"Image\":\"C:\\\\\\\\w\\\\\\\\splwow64.exe\"}'; } |
	    triage-detect -q -n -r '$RULES/triage_win_office_susp_child.yml' - | wc -l"
	[ "$output" = 2 ]
}

@test "shipped: SSH brute force (10 failures), not 9" {
	d=$(scratch)
	for i in $(seq 1 10); do lnx syslog:line sshd "Failed password for root from 192.0.2.1 port 22 ssh2" "$i"; done > "$d/ten"
	head -9 "$d/ten" > "$d/nine"
	run -0 bash -c "triage-detect -q -n -r '$RULES/triage_lnx_ssh_brute_force.yml' '$d/ten' | jq -r .rule_title"
	[ "$output" = "SSH Brute Force" ]
	run -1 triage-detect -q -n -r "$RULES/triage_lnx_ssh_brute_force.yml" "$d/nine"
}

@test "shipped: sudo to a root shell, not sudo apt" {
	run -0 bash -c "{ lnx syslog:line sudo 'bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash'; lnx syslog:line sudo 'bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/apt update'; lnx syslog:line sshd 'COMMAND=/bin/bash'; } | triage-detect -q -n -r '$RULES/triage_lnx_sudo_root_shell.yml' - | wc -l"
	[ "$output" = 1 ]
}

@test "shipped: new crontab or systemd unit, not a cron run" {
	run -0 bash -c "{ lnx syslog:line crontab '(root) REPLACE (root)'; lnx syslog:line systemd 'Created symlink /etc/systemd/system/multi-user.target.wants/evil.service'; lnx syslog:line CRON '(root) CMD (run-parts /etc/cron.hourly)'; } | triage-detect -q -n -r '$RULES/triage_lnx_cron_systemd_persistence.yml' - | wc -l"
	[ "$output" = 2 ]
}

@test "SigmaHQ: all rules load; only placeholder rules refused without -P" {
	need_sigma
	d=$(scratch)
	set -- -r "$SIGMA/rules" -r "$SIGMA/rules-emerging-threats" \
	    -r "$SIGMA/rules-threat-hunting" -r "$SIGMA/rules-compliance" \
	    -r "$SIGMA/rules-placeholder"
	run -1 --separate-stderr triage-detect -q "$@" /dev/null
	sum=$output
	files=$(find "$SIGMA"/rules "$SIGMA"/rules-emerging-threats "$SIGMA"/rules-threat-hunting \
	    "$SIGMA"/rules-compliance "$SIGMA"/rules-placeholder -name '*.yml' | wc -l)
	loaded=$(jq .rules_loaded <<<"$sum")
	refused=$(jq .rules_refused <<<"$sum")
	echo "# $files files: $loaded loaded, $refused refused, $(jq .rules_unmapped <<<"$sum") with no event kind" >&3
	[ "$((loaded + refused))" = "$files" ]
	[ "$(jq -r '.refused[].reason' <<<"$sum" | grep -vc 'needs --placeholders')" = 0 ]
	# With a value for every placeholder, nothing is refused.
	grep -rhoE '%[A-Za-z0-9_-]+%' "$SIGMA"/rules* | tr -d % | sort -u |
	    sed "s/.*/&: ['x']/" > "$d/ph.yml"
	run -1 --separate-stderr triage-detect -q -P "$d/ph.yml" "$@" /dev/null
	[ "$(jq .rules_refused <<<"$output")" = 0 ]
	[ "$(jq .rules_loaded <<<"$output")" = "$files" ]
}

# The events of a regression_data folder: its .evtx through triage-parse
# (as the issue asks: triage parse X.evtx | triage detect --rules RULE -),
# or its .json renderings in event shape when no EVTX parser is built.
regression_events() {
	local j
	if triage-parse --list-parsers 2>/dev/null | grep -q 'windows:evtx:record'; then
		for j in "$1"/*.evtx; do
			triage-parse "$j"
		done
		return
	fi
	for j in "$1"/*.json; do
		jq -c --arg src "${j%.json}.evtx" -f "$TOJSON" "$j"
	done
}

@test "SigmaHQ regression data: every rule matches its events (match_count)" {
	need_sigma
	[ -d "$SIGMA/regression_data" ] || skip "no regression_data"
	local pass=0 fail=0 total=0 info dir rel rule want got
	while read -r info; do
		grep -q '^ *- name:' "$info" || continue	# no evtx test
		dir=${info%/info.yml}
		rel=${dir#"$SIGMA"/regression_data/}
		rule=$SIGMA/$rel.yml
		want=$(awk '/^ *match_count:/{print $2; exit}' "$info")
		total=$((total + 1))
		got=$(regression_events "$dir" | triage-detect -q -n -r "$rule" - |
		    jq -c 'select(.record == "detection")' | wc -l)
		case $rel in
		# info.yml says 1, but 3 of the records in the log match the
		# rule as written (jq below counts them on its own): the rule
		# lists procdump.exe, procdump64.exe, procdump64a.exe and the
		# log holds all three; user.conf appears in 3 AnyDesk records.
		*file_event_win_cred_dump_tools_dropped_files)
			want=$(regression_events "$dir" | jq -s '[.[] | (.event_data.TargetFilename // "") | ascii_downcase |
			    select(test("\\\\(procdump|procdump64|procdump64a)\\.exe$"))] | length');;
		*file_event_win_anydesk_artefact)
			want=$(regression_events "$dir" | jq -s '[.[] | (.event_data.TargetFilename // "") | ascii_downcase |
			    select(contains("\\appdata\\roaming\\anydesk\\user.conf") or contains("\\appdata\\roaming\\anydesk\\system.conf"))] | length');;
		esac
		if [ "$got" -ge 1 ] && { [ -z "$want" ] || [ "$got" = "$want" ]; }; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "# FAIL $rel: $got detections, want ${want:-at least 1}" >&3
		fi
	done < <(find "$SIGMA/regression_data" -name info.yml | sort)
	echo "# regression: $pass of $total rules pass" >&3
	[ "$total" -gt 0 ]
	[ "$fail" = 0 ]
}

@test "--pass | triage-timeline tags exactly the matched events sigma:TITLE" {
	need_sigma
	[ -d "$SIGMA/regression_data" ] || skip "no regression_data"
	d=$(scratch)
	for dir in "$SIGMA"/regression_data/rules/windows/file/file_event/*/; do
		regression_events "$dir"
	done > "$d/ev"
	triage-detect -q -n -p -r "$SIGMA/rules/windows/file/file_event" "$d/ev" > "$d/out" || true
	jq -r 'select(.record == "detection") | "\(.record_number) sigma:\(.rule_title)"' "$d/out" | sort > "$d/want"
	[ -s "$d/want" ]
	triage-timeline -f jsonl "$d/out" |
	    jq -r 'select(.tag) | .record_number as $n | .tag[] | "\($n) \(.)"' | sort > "$d/got"
	diff "$d/want" "$d/got"
}
