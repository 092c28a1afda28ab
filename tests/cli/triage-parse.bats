#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-parse's driver: sources (plain files, folders, images read in
# place, records on stdin), options, exit codes, bad input, -j.  The
# parsers here are the test parsers of tests/unit/parse-testparsers.c, in
# triage-parse-test (the same program with them in place of the registry);
# the real parsers have their own triage-parse-NAME.bats.  Oracle for
# in-place reading: the same files copied out by triage-extract and parsed
# as a folder give the same events.

load helpers

SAMPLE="$DATA/sample.img"
HOSTILE="$DATA/hostile.img"

tp() {
	"$TRIAGE_BUILDDIR/tests/unit/triage-parse-test" "$@"
}

need_sample() {
	[ -f "$SAMPLE" ] || skip "no tests/data/sample.img"
}

# A test-lines file: "#triage-test" then "SECONDS TEXT" lines.
lines_file() {
	local f=$1
	shift
	printf '#triage-test\n' >"$f"
	[ $# -eq 0 ] || printf '%s\n' "$@" >>"$f"
}

# Events without their address, sorted: what in-place and copies share.
unaddressed() {
	jq -S -c 'select(.record == "event") |
		del(.source, .volume, .inode, .path, .artifact)' | sort
}

@test "--help first line is the man SYNOPSIS" {
	assert_help_matches_man triage-parse
}

@test "--version exits 0" {
	run -0 --separate-stderr triage-parse --version
	[[ "$output" == "triage-parse (triage) "* ]]
	run -0 triage parse --version
}

@test "misuse: exit 2 with the usage line, nothing on stdout" {
	local d
	d=$(scratch)
	lines_file "$d/a" "1 x"
	run -2 --separate-stderr triage-parse --bogus "$d/a"
	[[ "$stderr" == *"usage: triage-parse"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr triage-parse
	[[ "$stderr" == *"no source given"* ]]
	run -2 --separate-stderr triage-parse -j 0 "$d/a"
	[[ "$stderr" == *"invalid job count '0'"* ]]
	run -2 --separate-stderr triage-parse --max-size 12X "$d/a"
	[[ "$stderr" == *"invalid size '12X'"* ]]
	run -2 --separate-stderr triage-parse --registry bogus "$d/a"
	[[ "$stderr" == *"invalid --registry 'bogus'"* ]]
	run -2 --separate-stderr triage-parse -p nosuch "$d/a"
	[[ "$stderr" == *"unknown parser 'nosuch'"* ]]
	run -2 --separate-stderr triage-parse -a NoSuchArtifact "$d/a"
	[[ "$stderr" == *"unknown artifact 'NoSuchArtifact'"* ]]
	run -2 --separate-stderr triage-parse --from 2023-04-06 --to 2023-04-05 "$d/a"
	[[ "$stderr" == *"--to is before --from"* ]]
	run -2 --separate-stderr triage-parse --from yesterday "$d/a"
	run -2 --separate-stderr triage-parse --list-parsers "$d/a"
	[[ "$stderr" == *"takes no source"* ]]
	run -2 --separate-stderr triage-parse - - </dev/null
	[[ "$stderr" == *"'-' given more than once"* ]]
	[ -z "$output" ]
}

@test "--list-parsers: one parser record each, with data types and artifacts" {
	run -0 --separate-stderr triage-parse --list-parsers
	assert_jsonl "$output"
	[ -z "$output" ] || printf '%s\n' "$output" |
		jq -e -s 'all(.record == "parser" and (.name | type) == "string" and
			(.data_types | type) == "array" and (.artifacts | type) == "array")'
	run -0 --separate-stderr tp --list-parsers
	[ "$(printf '%s\n' "$output" | jq -r .name | paste -sd,)" = "testlines,testtext" ]
	printf '%s\n' "$output" | jq -e -s '.[1].artifacts | index("TriageLinuxAuthLogs") != null'
	printf '%s\n' "$output" | jq -e -s '.[0].data_types == ["test:line", "test:sibling"]'
}

@test "a plain file: events with time, datetime, timestamp, parser and path" {
	local d
	d=$(scratch)
	lines_file "$d/a.log" "1680674828.1234567 first" "1680674829 second"
	run -0 --separate-stderr tp --label case7 "$d/a.log"
	[ -z "$stderr" ]
	assert_jsonl "$output"
	[ "${#lines[@]}" -eq 2 ]
	printf '%s\n' "${lines[0]}" | jq -e --arg p "$d/a.log" '
		.record == "event" and .time == "2023-04-05T06:07:08.123457Z" and
		.datetime == "2023-04-05T06:07:08.123457+00:00" and
		.timestamp == 1680674828123457 and .message == "first" and
		.data_type == "test:line" and .parser == "testlines" and
		.evidence == "case7" and .source == $p and .path == $p and
		(has("volume") | not) and (has("inode") | not)'
	# Key order: the event's own keys first, then the address.
	[ "$(printf '%s\n' "${lines[1]}" | jq -r 'keys_unsorted | join(",")')" = \
		"record,datetime,timestamp,timestamp_desc,time,message,data_type,parser,evidence,source,path,line_number,body" ]
}

@test "recognised by content, not by name" {
	local d
	d=$(scratch)
	lines_file "$d/Security.evtx" "1 renamed"
	printf 'MZ\0\0\0\0\1\2' >"$d/x.log"
	run -0 --separate-stderr tp -p testlines "$d/Security.evtx"
	[ "$(printf '%s\n' "$output" | jq -r .parser)" = testlines ]
	run -1 --separate-stderr tp "$d/x.log"
	[ -z "$output" ]
	[[ "$stderr" == *"$d/x.log': no parser recognises this file"* ]]
}

@test "garbage, empty and missing files: exit 1, 1 and 2 with a message naming each" {
	local d
	d=$(scratch)
	head -c 65536 /dev/urandom | tr -d '\n\t\r -~' >"$d/garbage"
	printf '\1' >>"$d/garbage"
	: >"$d/empty"
	run -1 --separate-stderr tp "$d/garbage"
	[[ "$stderr" == *"garbage': no parser recognises"* ]]
	run -1 --separate-stderr tp "$d/empty"
	[[ "$stderr" == *"empty': not a regular file with content"* ]]
	lines_file "$d/ok" "5 fine"
	run -2 --separate-stderr tp "$d/missing" "$d/ok"
	[[ "$stderr" == *"cannot open '$d/missing'"* ]]
	[[ "$output" == *'"message":"fine"'* ]]
}

@test "an unreadable file: exit 2, the others still read" {
	[ "$(id -u)" != 0 ] || skip "root reads every file"
	local d
	d=$(scratch)
	lines_file "$d/a" "1 x"
	lines_file "$d/b" "2 y"
	chmod 000 "$d/a"
	run -2 --separate-stderr tp "$d/a" "$d/b"
	[[ "$stderr" == *"cannot open '$d/a'"* ]]
	[ "${#lines[@]}" -eq 1 ]
}

@test "a damaged artifact: what can be read, a warning with the offset, exit 2; -q silences it" {
	local d
	d=$(scratch)
	lines_file "$d/bad" "1 one" "this is no line" "3 three"
	run -2 --separate-stderr tp "$d/bad"
	[ "${#lines[@]}" -eq 2 ]
	[[ "$stderr" == *"$d/bad: offset 19 (0x13): line 3: bad time 'this'"* ]]
	[[ "$stderr" == *"1 artifact not read completely"* ]]
	run -2 --separate-stderr tp -q "$d/bad"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "--from and --to: only the events inside; a bare --to date is its whole day" {
	local d
	d=$(scratch)
	# 2023-04-04T23:59:59, 2023-04-05T06:07:08, 2023-04-05T23:59:59.5, 2023-04-06T00:00:00
	lines_file "$d/a" "1680652799 a" "1680674828 b" "1680739199.5 c" "1680739200 d"
	run -0 --separate-stderr tp --from 2023-04-05 --to 2023-04-05 "$d/a"
	[ "$(printf '%s\n' "$output" | jq -r .message | paste -sd,)" = "b,c" ]
	run -0 --separate-stderr tp --from 2023-04-05T08:07:08+02:00 "$d/a"
	[ "$(printf '%s\n' "$output" | jq -r .message | paste -sd,)" = "b,c,d" ]
}

@test "-p: only the parsers named" {
	local d
	d=$(scratch)
	lines_file "$d/a" "1 x"
	printf 'plain text\n' >"$d/t.txt"
	run -0 --separate-stderr tp -p testtext "$d"
	[ "$(printf '%s\n' "$output" | jq -r .parser | sort -u | paste -sd,)" = testtext ]
	[ "${#lines[@]}" -eq 2 ]
	run -0 --separate-stderr tp -p testlines "$d"
	[ "${#lines[@]}" -eq 1 ]
	run -0 --separate-stderr tp -p testlines,testtext "$d"
	[ "$(printf '%s\n' "$output" | jq -r .parser | paste -sd,)" = testlines,testtext ]
}

@test "--max-size: a larger artifact is not read, exit 2" {
	local d
	d=$(scratch)
	lines_file "$d/a" "1 x" "2 y"
	run -2 --separate-stderr tp --max-size 10 "$d/a"
	[ -z "$output" ]
	[[ "$stderr" == *"over the limit of 10 (--max-size); not read"* ]]
	run -0 --separate-stderr tp --max-size 1K "$d/a"
}

@test "a folder: every file below it in name order, siblings beside them" {
	local d
	d=$(scratch)
	mkdir -p "$d/b/c"
	lines_file "$d/b/c/z" "3 z" "@sibling side"
	printf 'abcd' >"$d/b/c/side"
	lines_file "$d/a" "1 a"
	ln -s "$d/a" "$d/b/link"
	run -0 --separate-stderr tp -p testlines "$d"
	[ "$(printf '%s\n' "$output" | jq -r .message | paste -sd,)" = "a,z,sibling side: 4 bytes" ]
	printf '%s\n' "${lines[2]}" | jq -e --arg d "$d" '.source == $d and .path == "\($d)/b/c/z" and .sibling_size == 4'
}

@test "hostile names in a folder and in an image: parsed, names kept, no crash" {
	need_fixtures
	local d n
	d=$(scratch)
	n=$(printf 'new\nline \001\377.log')
	lines_file "$d/$n" "1 hostile"
	run -0 --separate-stderr tp "$d"
	[ "$(printf '%s\n' "$output" | jq -r .path)" = "$d/new"$'\n'"line "$'\001'"�.log" ]
	[ -f "$HOSTILE" ] || skip "no hostile.img"
	run -0 --separate-stderr bash -c "triage-walk '$HOSTILE' | '$TRIAGE_BUILDDIR/tests/unit/triage-parse-test' -p testtext '$HOSTILE' -"
	assert_jsonl "$output"
	printf '%s\n' "$output" | jq -e -s '[.[] | select(.record == "event")] | length > 0'
	printf '%s\n' "$output" | jq -e -s 'any(.record == "event" and (.path | startswith("/deep/")) and (.path | endswith("bottom.txt")))'
}

@test "an image: artifacts of the definitions read in place, only those a parser serves" {
	need_sample
	run -0 --separate-stderr tp "$SAMPLE"
	[ -z "$stderr" ]
	assert_jsonl "$output"
	# What the definitions served by testtext hold in sample.img.
	[ "$(printf '%s\n' "$output" | jq -r '"\(.volume) \(.inode) \(.path)"' | sort | paste -sd,)" = \
		"2 28 /home/alice/.bash_history,2 32 /home/alice/.local/share/fish/fish_history,2 39 /root/.bash_history,2 44 /srv/carol/.zsh_history,2 48 /var/log/auth.log,3 1255 /Users/Bob/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadline/ConsoleHost_history.txt" ]
	printf '%s\n' "$output" | jq -e -s --arg s "$SAMPLE" 'all(.source == $s)'
	printf '%s\n' "$output" | jq -e -s 'any(.path == "/var/log/auth.log" and .artifact == "TriageLinuxAuthLogs")'
	# Only testlines: it serves no definition, nothing is read.
	run -1 --separate-stderr tp -p testlines "$SAMPLE"
	[ -z "$output" ]
	# -a: exactly the definitions named.
	run -0 --separate-stderr tp -a TriageLinuxSyslog "$SAMPLE"
	[ "$(printf '%s\n' "$output" | jq -r .path)" = /var/log/syslog ]
	# The evidence is not touched.
	(cd "$DATA" && grep ' sample.img$' SHA256SUMS.artifacts | sha256sum -c --quiet)
}

@test "an image in place equals its files copied by triage-extract and parsed as a folder" {
	need_sample
	local d a=(-a TriageLinuxShellHistory -a TriageLinuxAuthLogs -a TriageWindowsPowerShellHistory)
	d=$(scratch)
	run -0 --separate-stderr triage-extract "${a[@]}" -o "$d/x" "$SAMPLE"
	tp "${a[@]}" "$SAMPLE" | unaddressed >"$d/inplace"
	tp "$d/x" | jq -c 'select(.path | endswith("/manifest.jsonl") | not)' | unaddressed >"$d/copies"
	[ "$(wc -l <"$d/inplace")" -eq 6 ]
	diff "$d/inplace" "$d/copies"
	# The addresses: image paths in place, the copies' paths from the folder.
	tp "${a[@]}" "$SAMPLE" | jq -e -s 'all(has("volume") and has("inode"))'
	tp "$d/x" | jq -e -s --arg d "$d/x" 'all(.source == $d and (has("inode") | not))'
}

@test "-j N: the same output, byte for byte, as one job (folder and image)" {
	need_sample
	local d i j
	d=$(scratch)
	for i in $(seq 1 40); do
		lines_file "$d/f$i"
		for j in $(seq 1 $((i % 7 * 20))); do echo "$((1600000000 + i * 1000 + j)) f$i $j"; done >>"$d/f$i"
	done
	tp "$d" >"$d.1"
	[ "$(wc -l <"$d.1")" -gt 300 ]
	for j in 2 3 8; do
		tp -j "$j" "$d" | cmp - "$d.1"
	done
	tp "$SAMPLE" -a linux-triage -a windows-triage >"$d.img1"
	tp -j 4 "$SAMPLE" -a linux-triage -a windows-triage | cmp - "$d.img1"
}

@test "'-': file records after an image, passed on with the events of their files" {
	need_sample
	local d
	d=$(scratch)
	triage-walk "$SAMPLE" >"$d/files"
	run -0 --separate-stderr bash -c "'$TRIAGE_BUILDDIR/tests/unit/triage-parse-test' -p testtext '$SAMPLE' - < '$d/files'"
	# Every record read is passed on, in order.
	diff <(printf '%s\n' "$output" | jq -c 'select(.record != "event")') <(jq -c . "$d/files")
	# An event follows the record of its file.
	printf '%s\n' "$output" | jq -r 'select(.record == "file" or .record == "event") |
		"\(.record) \(.path)"' | grep -A1 '^file /etc/passwd$' | tail -1 | grep -qx 'event /etc/passwd'
	# Without the image operand: each record's own source.
	run -0 --separate-stderr bash -c "'$TRIAGE_BUILDDIR/tests/unit/triage-parse-test' -j 2 -p testtext - < '$d/files'"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.record == "event")' | wc -l)" -gt 10 ]
	# triage-extract's records name the original too.
	triage-extract -a TriageLinuxAuthLogs -o "$d/x" "$SAMPLE" >"$d/ext"
	run -0 --separate-stderr bash -c "'$TRIAGE_BUILDDIR/tests/unit/triage-parse-test' - < '$d/ext'"
	printf '%s\n' "$output" | jq -e -s --arg s "$SAMPLE" 'any(.record == "event" and .path == "/var/log/auth.log" and .inode == "48" and .source == $s)'
}

@test "'-': bad records, garbage, an empty stdin and a huge line" {
	need_sample
	local d
	d=$(scratch)
	run -1 --separate-stderr tp - </dev/null
	[ -z "$output" ]
	printf '{"record":"file","source":"%s","volume":7,"inode":"1","path":"/x"}\nnot json\n{"record":"file","path":"/y"}\n' "$SAMPLE" >"$d/bad"
	run -2 --separate-stderr tp - <"$d/bad"
	[[ "$stderr" == *"line 1: no filesystem in volume 7 of '$SAMPLE'"* ]]
	[[ "$stderr" == *"'<stdin>' line 2"* ]]
	[[ "$stderr" == *"line 3: a file record without source and path"* ]]
	printf '{"record":"file","source":"%s/nope.img","volume":2,"inode":"1","path":"/x"}\n' "$d" >"$d/nosrc"
	run -2 --separate-stderr tp - <"$d/nosrc"
	[[ "$stderr" == *"nope.img"* ]]
	head -c 20000000 /dev/zero | tr '\0' x >"$d/huge"
	run -2 --separate-stderr tp - <"$d/huge"
	[[ "$stderr" == *"'<stdin>' line 1"* ]]
	head -c 100000 /dev/urandom >"$d/garbage"
	run -2 --separate-stderr tp - <"$d/garbage"
	# An image operand that is not one.
	run -2 --separate-stderr tp "$d/garbage" - </dev/null
	[[ "$stderr" == *"no filesystem found in '$d/garbage'"* ]]
}

@test "writing to /dev/full: exit 2" {
	local d
	d=$(scratch)
	lines_file "$d/a" "1 x"
	run -2 --separate-stderr bash -c "'$TRIAGE_BUILDDIR/tests/unit/triage-parse-test' '$d/a' > /dev/full"
	[ -n "$stderr" ]
	run -2 --separate-stderr bash -c "'$TRIAGE_BUILDDIR/tests/unit/triage-parse-test' -j 2 '$d/a' > /dev/full"
}

@test "SIGINT: stops, says after which artifact, exit 2, the records written stand" {
	need_sample
	local d pid rc=0
	d=$(scratch)
	mkfifo "$d/in"
	"$TRIAGE_BUILDDIR/tests/unit/triage-parse-test" "$SAMPLE" - <"$d/in" >"$d/out" 2>"$d/err" &
	pid=$!
	exec 7>"$d/in"
	printf '{"record":"file","source":"%s","volume":2,"inode":"48","path":"/var/log/auth.log","mtime":"2023-04-07T06:07:09Z"}\n' "$SAMPLE" >&7
	for _ in $(seq 50); do
		grep -q '"record":"event"' "$d/out" 2>/dev/null && break
		sleep 0.1
	done
	kill -INT "$pid"
	wait "$pid" || rc=$?
	exec 7>&-
	[ "$rc" -eq 2 ]
	grep -q "interrupted: stopped after $SAMPLE:vol 2:/var/log/auth.log" "$d/err"
	grep -q '"record":"event"' "$d/out"
}

@test "a progress line on a terminal, none with -q, the records unchanged" {
	need_cmd script
	need_sample
	local d x="$TRIAGE_BUILDDIR/tests/unit/triage-parse-test"
	d=$(scratch)
	run -0 script -qec "'$x' '$SAMPLE' > '$d/out'" /dev/null </dev/null
	[[ "$output" == *"artifacts"* ]]
	[[ "$output" == *$'\r'* ]]
	tp "$SAMPLE" | cmp - "$d/out"
	run -0 script -qec "'$x' -q '$SAMPLE' > /dev/null" /dev/null </dev/null
	[ -z "$output" ]
}

@test "the real parsers: sample.img read in place gives the events of its artifacts copied out and parsed as a folder" {
	need_sample
	local d
	d=$(scratch)
	triage-parse "$SAMPLE" >"$d/raw" || [ $? -eq 1 ]
	[ -s "$d/raw" ] || skip "no parser of this build reads sample.img's artifacts"
	assert_jsonl "$(cat "$d/raw")"
	unaddressed <"$d/raw" >"$d/inplace"
	triage-extract -a windows-triage -a linux-triage -o "$d/x" "$SAMPLE" >/dev/null
	triage-parse -q "$d/x" | unaddressed >"$d/copies" || true
	# Every event read in place is there, the same but for its address.
	[ -z "$(comm -23 "$d/inplace" "$d/copies")" ]
	# -j gives the same bytes.
	triage-parse -j 3 "$SAMPLE" | cmp - "$d/raw"
}
