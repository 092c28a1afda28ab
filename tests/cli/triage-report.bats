#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
load helpers

GOLDEN="$TRIAGE_SRCDIR/tests/golden/triage-report"

# Headless chromium, or skip.  Prints the DOM after layout.  Chromium is the oracle
# here, not what is tested, and a heavy one: on a loaded machine it can time out or
# crash on start.  So a failed run is tried once more (noted on the TAP stream), and a
# second failure shows chromium's own stderr instead of hiding it.
chromium_dom() {
	need_cmd chromium
	local prof try rc
	for try in 1 2; do
		prof=$(mktemp -d "$BATS_TEST_TMPDIR/chr.XXXXXX")
		rc=0
		timeout 120 chromium --headless --no-sandbox --disable-gpu \
			--disable-background-networking --disable-component-update \
			--disable-sync --no-first-run --user-data-dir="$prof" \
			"$@" </dev/null >"$prof.out" 2>"$prof.err" || rc=$?
		if [ "$rc" -eq 0 ]; then
			cat "$prof.out"
			return 0
		fi
		echo "# chromium try $try: exit $rc: $(tail -c 1000 "$prof.err" | tr '\n' ' ')" >&3
	done
	echo "chromium failed twice (exit $rc); its stderr:" >&2
	tail -c 4000 "$prof.err" >&2
	return "$rc"
}

@test "--help prints the man page synopsis and exits 0" {
	assert_help_matches_man triage-report
}

@test "--version names triage and every library" {
	run -0 --separate-stderr triage-report --version
	[[ "${lines[0]}" == "triage-report (triage) "* ]]
	[[ "$output" == *"libtsk "* ]]
}

@test "an unknown option exits 2 with the usage on stderr" {
	run -2 --separate-stderr triage-report --bogus "$GOLDEN/records.jsonl"
	[ -z "$output" ]
	[[ "$stderr" == *"usage: triage-report"* ]]
}

@test "no input and a bad format exit 2" {
	run -2 --separate-stderr triage-report
	[[ "$stderr" == *"no case folder or record file given"* ]]
	run -2 --separate-stderr triage-report -f pdf "$GOLDEN/records.jsonl"
	[[ "$stderr" == *"unknown format 'pdf'"* ]]
	run -2 --separate-stderr triage-report -c x "$GOLDEN/records.jsonl"
	[[ "$stderr" == *"invalid number of events 'x'"* ]]
}

@test "a missing input exits 2 naming it" {
	run -2 --separate-stderr triage-report /nonexistent/hits.jsonl
	[[ "$stderr" == *"'/nonexistent/hits.jsonl'"* ]]
}

@test "HTML golden: hand-written records give the same page byte for byte" {
	run -0 --separate-stderr triage-report -c 2 -o "$BATS_TEST_TMPDIR/r.html" "$GOLDEN/records.jsonl"
	diff -u "$GOLDEN/records.html" "$BATS_TEST_TMPDIR/r.html"
}

@test "Markdown golden" {
	run -0 --separate-stderr triage-report -c 2 -f md -o "$BATS_TEST_TMPDIR/r.md" "$GOLDEN/records.jsonl"
	diff -u "$GOLDEN/records.md" "$BATS_TEST_TMPDIR/r.md"
}

@test "the page holds the figures: hits, evidence hash, failed step, versions" {
	run -0 --separate-stderr triage-report "$GOLDEN/records.jsonl"
	[[ "$output" == *"<b>2</b><span>YARA hits</span>"* ]]
	[[ "$output" == *"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"* ]]
	[[ "$output" == *"<b>1</b><span>failed steps</span>"* ]]
	[[ "$output" == *"libyara"*"4.3.0"* ]]
	[[ "$output" == *"2026-0042"* ]]
	[[ "$output" == *"<svg "* ]]
	# Self-contained: no script, no external reference.
	! grep -Eiq '<script|<link|src="http|href="http|@import' <<<"$output"
}

@test "names from evidence are escaped: a crafted <script> path shows as text" {
	local d
	d=$(scratch)
	cat > "$d/evil.jsonl" <<-'EOF'
	{"record":"hit","source":"x.img","path":"/<script>alert(1)</script>","rule":"R\"><img src=x onerror=alert(3)>","sha256":"<b>","strings":[{"id":"$a</td>","offset":0}]}
	{"record":"event","datetime":"2023-01-01T00:00:00Z","timestamp":1672531200000000,"timestamp_desc":"<i>t</i>","path":"/<script>alert(1)</script>","tag":["yara:<svg onload=alert(4)>"]}
	{"record":"image","source":"'\"&<>","format":"raw","size":1}
	EOF
	run -0 --separate-stderr triage-report "$d/evil.jsonl"
	[[ "$output" == *"/&lt;script&gt;alert(1)&lt;/script&gt;"* ]]
	[[ "$output" == *"R&quot;&gt;&lt;img src=x onerror=alert(3)&gt;"* ]]
	[[ "$output" == *"&#39;&quot;&amp;&lt;&gt;"* ]]
	! grep -q '<script' <<<"$output"
	! grep -q '<img' <<<"$output"
	! grep -q '<svg onload' <<<"$output"
	! grep -q '<i>t' <<<"$output"
	run -0 --separate-stderr triage-report -f md "$d/evil.jsonl"
	! grep -q '<script' <<<"$output"
	[[ "$output" == *"&lt;script&gt;"* ]]
}

@test "a bad line: exit 2 naming the line, the report still written and listing it" {
	local d
	d=$(scratch)
	{ head -n 5 "$GOLDEN/records.jsonl"; echo 'not json'; } > "$d/bad.jsonl"
	run -2 --separate-stderr triage-report -o "$d/r.html" "$d/bad.jsonl"
	[[ "$stderr" == *"bad.jsonl"*"line 6"* ]]
	grep -q "Records that could not be read" "$d/r.html"
	grep -q "line 6" "$d/r.html"
}

@test "stdin, and an unwritable output" {
	run -0 --separate-stderr bash -c "triage-report -f md - < '$GOLDEN/records.jsonl'"
	[[ "$output" == *"| YARA hits | 2 |"* ]]
	run -2 --separate-stderr triage-report -o /nonexistent/r.html "$GOLDEN/records.jsonl"
	[[ "$stderr" == *"'/nonexistent/r.html'"* ]]
	run -2 --separate-stderr bash -c "triage-report '$GOLDEN/records.jsonl' > /dev/full"
	[[ "$stderr" == *"cannot write"* ]]
}

@test "a folder that is not a case exits 2" {
	run -2 --separate-stderr triage-report "$(scratch)"
	[[ "$stderr" == *"is not a case folder"* ]]
}

@test "real evidence: an ext2 image with a hostile file name, walked, scanned, reported" {
	need_cmd mke2fs
	local d name='<img src=x onerror=alert(1)>.com'
	d=$(scratch)
	mkdir "$d/root"
	printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$d/root/$name"
	E2FSPROGS_FAKE_TIME=1680674828 mke2fs -q -F -t ext2 -d "$d/root" "$d/evil.img" 1M
	triage-walk -H sha256 "$d/evil.img" > "$d/files.jsonl"
	run -0 --separate-stderr triage-scan -r "$TRIAGE_SRCDIR/rules/yara/eicar.yar" "$d/evil.img"
	printf '%s\n' "$output" > "$d/hits.jsonl"
	triage-timeline "$d/files.jsonl" "$d/hits.jsonl" > "$d/timeline.jsonl"
	run -0 --separate-stderr triage-report -o "$d/r.html" "$d/files.jsonl" "$d/hits.jsonl" "$d/timeline.jsonl"
	grep -q '/&lt;img src=x onerror=alert(1)&gt;.com' "$d/r.html"
	! grep -q '<img' "$d/r.html"
	grep -q 'EICAR_Test_File' "$d/r.html"
}

@test "chromium renders the page: figures in the DOM, a screenshot written" {
	local shot="$TRIAGE_BUILDDIR/tests/cli/triage-report.png"
	triage-report -c 2 -o "$BATS_TEST_TMPDIR/r.html" "$GOLDEN/records.jsonl"
	run -0 chromium_dom --dump-dom "file://$BATS_TEST_TMPDIR/r.html"
	[[ "$output" == *"<b>2</b><span>YARA hits</span>"* ]]
	[[ "$output" == *"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"* ]]
	# The crafted name stayed text: no element was made from it.
	[[ "$output" == *"/tmp/&lt;script&gt;alert(1)&lt;/script&gt;"* ]]
	[ "$(grep -o '<script' <<<"$output" | wc -l)" -eq 0 ]
	[ "$(grep -o '<rect class="bar' <<<"$output" | wc -l)" -eq 5 ]
	mkdir -p "$(dirname "$shot")"
	rm -f "$shot"
	chromium_dom --screenshot="$shot" --window-size=1280,2000 \
		"file://$BATS_TEST_TMPDIR/r.html" >/dev/null
	[ -s "$shot" ]
	[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

@test "Notable events: logons by type and source address, services, processes, cleared logs, execution, downloads; each with its time and artifact" {
	local d
	d=$(scratch)
	ev() {	# datetime data_type path extra-json
		jq -nc --arg t "$1" --arg dt "$2" --arg p "$3" --argjson x "$4" \
			'{record:"event", datetime:"\($t)+00:00", timestamp_desc:"Creation Time",
			message:"m", data_type:$dt, parser:"x", source:"disk.E01", volume:2,
			inode:"5", path:$p} + $x'
	}
	{
		for i in 0 1 2; do
			ev "2023-04-05T06:0$i:00.000000" windows:evtx:record /Security.evtx \
				'{"event_identifier":4625,"event_data":{"TargetUserName":"admin","TargetDomainName":"CORP","LogonType":"3","IpAddress":"203.0.113.7"}}'
		done
		ev 2023-04-05T06:10:00.000000 windows:evtx:record /Security.evtx \
			'{"event_identifier":4624,"event_data":{"TargetUserName":"admin","LogonType":"10","IpAddress":"203.0.113.7"}}'
		ev 2023-04-05T06:11:00.000000 windows:evtx:record /System.evtx \
			'{"event_identifier":"7045","event_data":{"ServiceName":"PSEXESVC","ImagePath":"C:\\PSEXESVC.exe"}}'
		ev 2023-04-05T06:12:00.000000 windows:evtx:record /Sysmon.evtx \
			'{"event_identifier":1,"source_name":"Microsoft-Windows-Sysmon","event_data":{"Image":"C:\\x.exe","CommandLine":"x -y"}}'
		ev 2023-04-05T06:13:00.000000 windows:evtx:record /Security.evtx '{"event_identifier":1102}'
		ev 2023-04-05T06:14:00.000000 windows:evtx:record /Security.evtx '{"event_identifier":4634}'
		ev 2023-04-05T06:15:00.000000 windows:prefetch:execution /CMD.EXE-087B4001.pf '{"executable":"CMD.EXE","run_count":3}'
		ev 2023-04-05T06:16:00.000000 syslog:ssh:failed_connection /var/log/auth.log '{"username":"root","address":"198.51.100.9"}'
		ev 2023-04-05T06:17:00.000000 chrome:history:file_downloaded /History '{"full_path":"C:\\d\\a.pdf.exe","url":"http://x/a.pdf.exe"}'
		ev 2023-04-05T06:18:00.000000 chrome:history:file_downloaded /History '{"full_path":"C:\\d\\a.pdf","url":"http://x/a.pdf"}'
	} >"$d/events.jsonl"
	run -0 --separate-stderr triage-report -f md "$d/events.jsonl"
	[[ "$output" == *"## Notable events"* ]]
	[[ "$output" == *"| Failed logon (4625) | 3 |"* ]]
	[[ "$output" == *"| 203.0.113.7 | 3 | admin | 2023-04-05T06:00:00.000000+00:00 | 2023-04-05T06:02:00.000000+00:00 |"* ]]
	[[ "$output" == *"| 198.51.100.9 | 1 | root |"* ]]
	[[ "$output" == *"**RDP logon (4624 type 10)** | type 10; account admin; from 203.0.113.7 | disk.E01:vol 2:/Security.evtx (windows:evtx:record) |"* ]]
	[[ "$output" == *"**Service installed (7045)** | PSEXESVC; image C:\\\\PSEXESVC.exe |"* ]]
	[[ "$output" == *"**Process created (Sysmon 1)** | C:\\\\x.exe; command line x -y |"* ]]
	[[ "$output" == *"**Security log cleared (1102)**"* ]]
	[[ "$output" == *"**Program execution (Prefetch)** | CMD.EXE; run 3 times |"* ]]
	[[ "$output" == *"**Download of an executable** | C:\\\\d\\\\a.pdf.exe; from http://x/a.pdf.exe |"* ]]
	# A logoff and the download of a document are not notable.
	[[ "$output" != *"4634"* ]]
	[[ "$output" != *"a.pdf;"* ]]
	run -0 --separate-stderr triage-report "$d/events.jsonl"
	[[ "$output" == *'<section id="notable"><h2>Notable events</h2>'* ]]
	# Without parsed events the section says nothing was looked at, not
	# that nothing was found.
	printf '{"record":"file","source":"x","path":"/a","type":"file"}\n' >"$d/f.jsonl"
	run -0 --separate-stderr triage-report -f md "$d/f.jsonl"
	[[ "$output" == *"No artifact was parsed"* ]]
	[[ "$output" != *"No notable event among"* ]]
	# Parsed events, none notable: a real negative.
	printf '%s\n' '{"record":"event","datetime":"2020-01-01T00:00:00.000000+00:00","timestamp":1577836800000000,"timestamp_desc":"Creation Time","message":"m","data_type":"windows:evtx:record","parser":"winevtx","source":"x","event_identifier":4634}' >"$d/p.jsonl"
	run -0 --separate-stderr triage-report -f md "$d/p.jsonl"
	[[ "$output" == *"No notable event among the parsed artifacts"* ]]
}
