#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
load helpers

GOLDEN="$TRIAGE_SRCDIR/tests/golden/triage-timeline"

# TSK's bodyfile of one filesystem, lines with a '|' in the name left out
# (mactime cannot read them; see the test of such names below).
body_of() {
	"$ORACLE/fls-bodyfile.sh" "$@" | awk -F'|' 'NF == 11'
}

# Compare triage-timeline -f mactime with mactime -d -y on every filesystem
# tsk-filesystems.sh finds in an image; prints one line per filesystem.
mactime_matches() {
	local img=$1 d fsl off blk opts n=0
	d=$(scratch)
	# The oracle's stderr says why it found nothing (it once printed nothing for apfs.raw
	# on a loaded machine); keep it for the failure message instead of dropping it.
	fsl=$("$ORACLE/tsk-filesystems.sh" "$img" </dev/null 2>"$d/oracle.err") || true
	[ -n "$fsl" ] || { echo "no filesystem in $img:" >&2; cat "$d/oracle.err" >&2; return 1; }
	while read -r l; do
		off=$(jq -r .offset <<<"$l")
		blk=$(jq -r '.apfs_block // empty' <<<"$l")
		opts=()
		[ -z "$blk" ] || opts=(-P apfs -B "$blk")
		# </dev/null: nothing in the loop may read the list it walks.
		body_of "$img" "$off" "${opts[@]}" </dev/null >"$d/body" || return 1
		mactime -b "$d/body" -d -y </dev/null >"$d/want"
		triage-timeline -q -f mactime "$d/body" </dev/null >"$d/got" || return 1
		if ! cmp -s "$d/want" "$d/got"; then
			echo "differs: $img at $off" >&2
			diff "$d/want" "$d/got" | head -20 >&2
			return 1
		fi
		[ "$(wc -l <"$d/want")" -gt 1 ] || { echo "empty: $img" >&2; return 1; }
		n=$((n + 1))
	done <<<"$fsl"
	echo "$n"
}

setup() {
	need_cmd jq
}

@test "--help prints the man page synopsis and exits 0" {
	assert_help_matches_man triage-timeline
}

@test "--version names triage and every library" {
	run -0 --separate-stderr triage-timeline --version
	[[ "${lines[0]}" == "triage-timeline (triage) "* ]]
	[[ "$output" == *"libtsk 4."* ]]
	[[ "$output" == *"jansson "* ]]
}

@test "an unknown option exits 2 with the usage on stderr" {
	run -2 --separate-stderr triage-timeline --bogus
	[ -z "$output" ]
	[[ "$stderr" == *"usage: triage-timeline"* ]]
}

@test "bad option values exit 2 naming the value" {
	run -2 --separate-stderr triage-timeline -f xml /dev/null
	[[ "$stderr" == *"unknown format 'xml'"* ]]
	run -2 --separate-stderr triage-timeline -m 12Q /dev/null
	[[ "$stderr" == *"invalid memory size '12Q'"* ]]
	run -2 --separate-stderr triage-timeline --from yesterday /dev/null
	[[ "$stderr" == *"'yesterday'"* ]]
	run -2 --separate-stderr triage-timeline --from 2023-04-06 --to 2023-04-05 /dev/null
	[[ "$stderr" == *"--to is before --from"* ]]
	run -2 --separate-stderr triage-timeline -f
	[[ "$stderr" == *"usage: triage-timeline"* ]]
}

@test "a missing input exits 2 naming it, nothing written" {
	run -2 --separate-stderr triage-timeline /nonexistent/files.jsonl
	[ -z "$output" ]
	[[ "$stderr" == *"'/nonexistent/files.jsonl'"* ]]
}

@test "-- ends the options: a file named -f is read" {
	d=$(scratch)
	printf '0|/a|2|r/r---------|0|0|1|0|1680000000|0|0\n' >"$d/-f"
	cd "$d"
	run -0 --separate-stderr triage-timeline -- -f
	[ "$(jq -r .message <<<"$output")" = /a ]
}

@test "garbage on stdin exits 2 naming <stdin> and line 1" {
	run -2 --separate-stderr triage-timeline < "$DATA/random.bin"
	[ -z "$output" ]
	[[ "$stderr" == *"'<stdin>' line 1: not a bodyfile line"* ]]
}

@test "a malformed bodyfile line exits 2 naming the input and line" {
	d=$(scratch)
	{
		echo '# a comment'
		echo '0|/a|2|r/r---------|0|0|1|0|1680000000|0|0'
		echo '0|/b|3|r/r---------|0|0|1|0|notatime|0|0'
		echo '0|/c|4|r/r---------|0|0|1|0|1680000001|0|0'
	} >"$d/x.body"
	run -2 --separate-stderr triage-timeline "$d/x.body"
	[ -z "$output" ]
	[[ "$stderr" == *"'$d/x.body' line 3: not a bodyfile line: bad mtime field 'notatime'"* ]]
	run -2 --separate-stderr triage-timeline "$d/x.body" < /dev/null
	echo '0|/d|5|r/r' >"$d/short.body"
	run -2 --separate-stderr triage-timeline "$d/short.body"
	[[ "$stderr" == *"line 1: not a bodyfile line: expected 11 '|'-separated fields"*"found 4"* ]]
}

@test "--skip-bad warns about each bad line, writes the rest and exits 2" {
	d=$(scratch)
	{
		echo '0|/a|2|r/r---------|0|0|1|0|1680000000|0|0'
		echo '0|/b|3|r/r---------|0|0|1|0|notatime|0|0'
		echo '0|/c|4|r/r---------|0|0|x|0|1680000001|0|0'
		echo '0|/d|5|r/r---------|0|0|1|0|1680000002|0|0'
	} >"$d/x.body"
	run -2 --separate-stderr triage-timeline --skip-bad "$d/x.body"
	assert_jsonl "$output"
	[ "$(jq -r .message <<<"$output" | tr '\n' ' ')" = "/a /d " ]
	[[ "$stderr" == *"line 2: not a bodyfile line"* ]]
	[[ "$stderr" == *"line 3: not a bodyfile line: bad size field 'x'"* ]]
	[[ "$stderr" == *"skipped 2 bad lines"* ]]
}

@test "bad JSON records exit 2 naming the input and line" {
	d=$(scratch)
	printf '%s\n' '{"record":"hit","source":"a","inode":"1","rule":"r"}' \
	    '{"record":"file", "path":' >"$d/bad.jsonl"
	run -2 --separate-stderr triage-timeline "$d/bad.jsonl"
	[ -z "$output" ]
	[[ "$stderr" == *"'$d/bad.jsonl' line 2: not valid JSON"* ]]
	printf '%s\n' '{"record":"file","path":"/a","mtime":"2023-13-01T00:00:00Z"}' >"$d/t.jsonl"
	run -2 --separate-stderr triage-timeline "$d/t.jsonl"
	[[ "$stderr" == *"line 1: bad 'mtime' in file record"* ]]
	printf '%s\n' '{"record":"event","message":"m","timestamp_desc":"d"}' >"$d/e.jsonl"
	run -2 --separate-stderr triage-timeline "$d/e.jsonl"
	[[ "$stderr" == *"line 1: event record without 'datetime'"* ]]
	printf '%s\n' '[1,2]' >"$d/a.jsonl"
	run -2 --separate-stderr triage-timeline "$d/a.jsonl"
	[[ "$stderr" == *"'$d/a.jsonl' line 1: not a JSON object"* ]]
	printf '%s\n' '{"path":"/x"}' >"$d/n.jsonl"
	run -2 --separate-stderr triage-timeline "$d/n.jsonl"
	[[ "$stderr" == *"line 1: not a triage record"* ]]
}

@test "writing to /dev/full exits 2" {
	run -2 --separate-stderr triage-timeline "$GOLDEN/records.in.jsonl" '>' /dev/full
	run -2 --separate-stderr bash -c 'triage-timeline "$1" > /dev/full' _ "$GOLDEN/records.in.jsonl"
	[[ "$stderr" == *"cannot write output"* ]]
}

@test "golden: records (file, event, hit, image) in every format" {
	local f
	for f in jsonl macb.jsonl mactime l2tcsv csv bodyfile; do
		case $f in
		jsonl) opts=() ;;
		macb.jsonl) opts=(--macb) ;;
		*) opts=(-f "$f") ;;
		esac
		run -0 --separate-stderr triage-timeline "${opts[@]}" "$GOLDEN/records.in.jsonl"
		diff <(printf '%s\n' "$output") "$GOLDEN/records.$f"
		[[ "$stderr" == *"left out 1 record with no timestamps (kinds: 'image')"* ]]
	done
}

@test "jsonl events are Timesketch-ready: mandatory keys, explicit offset, timestamp = datetime" {
	run -0 --separate-stderr triage-timeline "$GOLDEN/records.in.jsonl"
	assert_jsonl "$output"
	# Every line has message, datetime with +00:00 and 6 digits, timestamp_desc,
	# and timestamp equals the datetime in microseconds (checked by jq's own
	# date parser on the seconds part).
	jq -e -s 'all(.[]; (.message | type == "string") and
	    (.timestamp_desc | type == "string") and
	    (.datetime | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}\\+00:00$")) and
	    ((.datetime[0:19] + "Z" | fromdateiso8601) * 1000000 +
	     (.datetime[20:26] | tonumber) == .timestamp))' <<<"$output"
	# Sorted by time, and the ns time kept.
	jq -e -s '[.[].timestamp] as $t | $t == ($t | sort)' <<<"$output"
	[ "$(jq -r 'select(.inode == "22" and .timestamp_desc == "Content Modification Time") | .time' <<<"$output")" = 2023-04-06T04:07:09.200000022Z ]
}

@test "hits tag the events of their file only, whatever their place in the input" {
	d=$(scratch)
	grep '"hit"' "$GOLDEN/records.in.jsonl" >"$d/hits.jsonl"
	grep -v '"hit"' "$GOLDEN/records.in.jsonl" >"$d/files.jsonl"
	run -0 --separate-stderr triage-timeline -q "$d/hits.jsonl" "$d/files.jsonl"
	[ "$(jq -c 'select(.inode == "22") | .tag' <<<"$output" | sort -u)" = '["yara:attack","yara:confidential"]' ]
	[ "$(jq -c 'select(.inode == "43-128-1") | .tag' <<<"$output" | sort -u)" = '["yara:eicar"]' ]
	[ "$(jq -c 'select(.inode == "33" or .inode == "24" or .inode == "44-128-4") | has("tag")' <<<"$output" | sort -u)" = false ]
	# Same output with the hits last: tagging waits for all input.
	run -0 --separate-stderr triage-timeline -q "$d/files.jsonl" "$d/hits.jsonl"
	diff <(printf '%s\n' "$output") "$GOLDEN/records.jsonl"
}

@test "mactime: same output as mactime -d -y on every committed fixture filesystem" {
	need_fixtures
	need_cmd mactime fls
	local img n total=0
	for img in ext4.img fat32.img mbr.img gpt.img mbr.E01; do
		n=$(mactime_matches "$DATA/$img")
		total=$((total + n))
	done
	[ "$total" -eq 9 ]
}

@test "mactime: same output as mactime -d -y on the shared fixture images" {
	need_shared
	need_cmd mactime fls
	local img total=0 n
	for img in dfvfs/ext2.E01 dfvfs/hfsplus.raw dfvfs/apfs.raw dfvfs/iso9660.raw \
	    dfvfs/bdetogo.raw plaso/image.E01 plaso/syslog_image.dd \
	    plaso/tsk_volume_system.raw; do
		[ -f "$TRIAGE_TEST_DATA/images/$img" ] || continue
		n=$(mactime_matches "$TRIAGE_TEST_DATA/images/$img")
		total=$((total + n))
	done
	[ "$total" -ge 8 ]
}

@test "mactime: NTFS with \$FILE_NAME times, streams and deleted files, as mactime" {
	need_shared
	need_cmd mactime fls
	local gz="$TRIAGE_TEST_DATA/images/compressed/ntfs-lastaccess.raw.gz"
	[ -f "$gz" ] || skip "no $gz"
	d=$(scratch)
	gunzip -c "$gz" >"$d/ntfs.raw"
	body_of "$d/ntfs.raw" 65536 >"$d/body"
	rm -f "$d/ntfs.raw"
	grep -q 'FILE_NAME' "$d/body"
	mactime -b "$d/body" -d -y >"$d/want"
	run -0 --separate-stderr triage-timeline -f mactime "$d/body"
	diff "$d/want" <(printf '%s\n' "$output")
	# jsonl: $FILE_NAME descriptions, and as many events as non-zero times.
	run -0 --separate-stderr triage-timeline "$d/body"
	assert_jsonl "$output"
	[ "$(wc -l <<<"$output")" -eq "$(awk -F'|' '{for (i = 8; i <= 11; i++) if ($i != 0) n++} END {print n}' "$d/body")" ]
	jq -e -s 'any(.[]; .timestamp_desc == "Last Access Time ($FILE_NAME)" and .path == "/test/1.txt")' <<<"$output"
}

@test "a name holding '|' is kept whole (mactime drops that line)" {
	need_fixtures
	d=$(scratch)
	"$ORACLE/fls-bodyfile.sh" "$DATA/ext4.img" 0 >"$d/body"
	run -0 --separate-stderr triage-timeline -f mactime "$d/body"
	[ "$(grep -c 'notes with spaces | pipe.txt"$' <<<"$output")" -eq 4 ]
	run -0 --separate-stderr triage-timeline "$d/body"
	[ "$(jq -r 'select(.inode == "25") | .path' <<<"$output" | sort -u)" = "/home/alice/notes with spaces | pipe.txt" ]
}

@test "jsonl from a bodyfile: one event per non-zero time, invalid UTF-8 kept in path_hex" {
	need_fixtures
	d=$(scratch)
	"$ORACLE/fls-bodyfile.sh" "$DATA/ext4.img" 0 >"$d/body"
	run -0 --separate-stderr triage-timeline "$d/body"
	assert_jsonl "$output"
	[ "$(wc -l <<<"$output")" -eq "$(awk -F'|' '{for (i = NF - 3; i <= NF; i++) if ($i != 0) n++} END {print n}' "$d/body")" ]
	[ "$(jq -r 'select(.inode == "20") | .path_hex' <<<"$output" | sort -u)" = "$(printf '/home/alice/bad\xff\xfename.txt' | od -An -tx1 | tr -d ' \n')" ]
	[ "$(jq -r 'select(.inode == "33") | "\(.deleted) \(.path)"' <<<"$output" | sort -u)" = "true /home/alice/docs/deleted-secret.txt" ]
	[[ "$stderr" == *"left out 1 record with no timestamps"* ]]
}

@test "--from/--to select as mactime's date range does, with any offset" {
	need_fixtures
	need_cmd mactime
	d=$(scratch)
	body_of "$DATA/ext4.img" 0 >"$d/body"
	# mactime's range is [from, to) in whole seconds; ours is inclusive.
	mactime -b "$d/body" -d -y 2023-04-05T20:00:00..2023-04-06T02:00:00 >"$d/want"
	run -0 --separate-stderr triage-timeline -f mactime \
	    --from 2023-04-05T22:00:00+02:00 --to 2023-04-06T01:59:59Z "$d/body"
	diff "$d/want" <(printf '%s\n' "$output")
	[ "$(wc -l <"$d/want")" -gt 10 ]
	# A bare --to date keeps that whole day.
	run -0 --separate-stderr triage-timeline --to 2023-04-05 "$d/body"
	[ "$(jq -r '.datetime[0:10]' <<<"$output" | sort -u)" = 2023-04-05 ]
}

@test "exact duplicates are written once; input order does not matter" {
	need_fixtures
	d=$(scratch)
	"$ORACLE/fls-bodyfile.sh" "$DATA/mbr.img" 65536 >"$d/body"
	triage-timeline -q "$d/body" >"$d/once"
	tac "$d/body" >"$d/rev"
	run -0 --separate-stderr triage-timeline -q "$d/rev" "$d/body" - <"$d/body"
	diff "$d/once" <(printf '%s\n' "$output")
}

@test "a sort past --memory spills to disk and gives the same output, temp files gone" {
	need_fixtures
	d=$(scratch)
	mkdir "$d/tmp"
	for img in ext4.img fat32.img gpt.img; do
		"$ORACLE/fls-bodyfile.sh" "$DATA/$img" 0 2>/dev/null || true
	done >"$d/body"
	# Many distinct entries: the same lines under 300 inode numbers.
	awk -F'|' 'BEGIN {OFS = "|"} {for (i = 0; i < 300; i++) {$3 = i * 1000 + NR; print}}' "$d/body" >"$d/big"
	for f in jsonl mactime l2tcsv bodyfile csv; do
		triage-timeline -q -f "$f" "$d/big" >"$d/mem.$f"
		run -0 --separate-stderr triage-timeline -q -f "$f" -m 4K -T "$d/tmp" "$d/big"
		diff "$d/mem.$f" <(printf '%s\n' "$output")
	done
	[ "$(wc -l <"$d/mem.jsonl")" -gt 20000 ]
	[ -z "$(ls -A "$d/tmp")" ]
	# More than 64 runs: intermediate merges, still identical.
	TMPDIR="$d/tmp" run -0 --separate-stderr triage-timeline -q --macb -m 4K "$d/big"
	triage-timeline -q --macb "$d/big" | diff - <(printf '%s\n' "$output")
}

@test "an unwritable --tmpdir exits 2 naming it when the sort spills" {
	need_fixtures
	d=$(scratch)
	"$ORACLE/fls-bodyfile.sh" "$DATA/ext4.img" 0 >"$d/body"
	awk -F'|' 'BEGIN {OFS = "|"} {for (i = 0; i < 100; i++) {$3 = i * 1000 + NR; print}}' "$d/body" >"$d/big"
	run -2 --separate-stderr triage-timeline -m 4K -T /nonexistent/tmp "$d/big"
	[ -z "$output" ]
	[[ "$stderr" == *"cannot create a temporary file in '/nonexistent/tmp'"* ]]
}

@test "bodyfile output reads back through mactime as our mactime output" {
	need_fixtures
	need_cmd mactime
	d=$(scratch)
	body_of "$DATA/mbr.img" 65536 >"$d/body"
	triage-timeline -q -f bodyfile "$d/body" >"$d/out.body"
	[ "$(sort "$d/out.body")" = "$(grep -v '|0|0|0|0$' "$d/body" | sort)" ]
	mactime -b "$d/out.body" -d -y | diff - <(triage-timeline -q -f mactime "$d/body")
}

@test "l2tcsv has plaso's 17 columns; csv parses with one row per event" {
	need_fixtures
	d=$(scratch)
	"$ORACLE/fls-bodyfile.sh" "$DATA/fat32.img" 0 >"$d/body"
	run -0 --separate-stderr triage-timeline -f l2tcsv "$d/body"
	[ "${lines[0]}" = "date,time,timezone,MACB,source,sourcetype,type,user,host,short,desc,version,filename,inode,notes,format,extra" ]
	[ "$(printf '%s\n' "$output" | awk -F, '{print NF}' | sort -u)" = 17 ]
	n=$(triage-timeline -q "$d/body" | wc -l)
	[ "${#lines[@]}" -eq $((n + 1)) ]
	run -0 --separate-stderr triage-timeline -f csv "$d/body"
	[ "${#lines[@]}" -eq $((n + 1)) ]
	python3 -c 'import csv, sys; r = list(csv.reader(sys.stdin)); assert all(len(x) == 11 for x in r), r' <<<"$output"
}

@test "--macb lines match mactime's lines one for one" {
	need_fixtures
	need_cmd mactime
	d=$(scratch)
	body_of "$DATA/ext4.img" 0 >"$d/body"
	run -0 --separate-stderr triage-timeline --macb "$d/body"
	assert_jsonl "$output"
	diff <(mactime -b "$d/body" -d -y | tail -n +2 | cut -d, -f1,3,7) \
	    <(jq -r '"\(.datetime[0:19])Z,\(.macb),\(.inode)"' <<<"$output")
}

@test "no input at all: an empty timeline, exit 0 (no qsort_r of NULL under UBSan)" {
	for f in jsonl mactime l2tcsv bodyfile csv; do
		run --separate-stderr triage-timeline -f "$f" </dev/null
		[ "$status" -eq 0 ]
	done
}
