		# exit 2 only with a warning that says what was lost
		st=0
		triage-parse "$f" > "$o" 2> "$o.err" || st=$?
		[ "$st" -eq 0 ] || { [ "$st" -eq 2 ] && [ -s "$o.err" ]; }
#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-parse's Windows event log parsers (winevtx, winevt).  Oracles, at
# test time: python3-libevtx (the reference: record number, event id,
# provider, TimeCreated to 100 ns), python-evtx (independent code, times
# within its +-5 us rounding), `evtexport -m all` (EVT); plaso's published
# counts.  tests/oracle/evtx-records.py does the comparing.

load helpers

PY=/usr/bin/python3
EVTX_ORACLE="$ORACLE/evtx-records.py"

setup() {
	EVTX="$TRIAGE_TEST_DATA/artifacts/evtx"
	CORPUS="$TRIAGE_TEST_DATA/evtx-corpus"
}

need_evtx() {
	[ -f "$EVTX/plaso/System.evtx" ] ||
		skip "no third-party fixtures at $TRIAGE_TEST_DATA"
}

need_py() {
	"$PY" -c "import $1" 2>/dev/null || skip "python3 module $1 missing"
}

@test "--list-parsers names winevtx and winevt with plaso's data types" {
	run -0 --separate-stderr triage-parse --list-parsers
	[[ "$output" == *'"name":"winevtx"'*'"data_types":["windows:evtx:record"]'* ]]
	[[ "$output" == *'"name":"winevt"'*'"data_types":["windows:evt:record"]'* ]]
}

@test "System.evtx: plaso's 5009 records, idx0's values, exit 0, nothing on stderr" {
	need_evtx
	run -0 --separate-stderr triage-parse "$EVTX/plaso/System.evtx"
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 5009 ]
	first=$(printf '%s\n' "$output" | head -1 | jq -c '[.record_number,
	    .event_identifier, .message_identifier, .event_level,
	    .source_name, .provider_identifier, .computer_name, .hostname,
	    .channel, .time, .written_time, .timestamp, .strings,
	    .event_data.param2, .parser, .data_type, .timestamp_desc]')
	[ "$first" = '[1,7036,1073748860,4,"Service Control Manager","{555908d1-a6d7-4695-8e1e-26931d2012f4}","37L4247F27-26","37L4247F27-26","System","2010-11-21T03:55:59.6264271Z","2010-11-21T03:55:59.6264271Z",1290311759626427,["Windows Event Log","stopped","6500760065006E0074006C006F0067002F0031000000"],"stopped","winevtx","windows:evtx:record","Creation Time"]' ]
}

@test "System2.evtx (cut): plaso's 194 plus 89 of the cut chunk, one warning with the chunk offset, exit 2" {
	need_evtx
	run -2 --separate-stderr triage-parse "$EVTX/plaso/System2.evtx"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 283 ]
	[ "$(printf '%s\n' "$output" | jq -c 'select(.record_number == 179) |
	    [.event_identifier, .time]')" = '[4624,"2015-08-09T09:15:48.4341250Z"]' ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'offset')" -eq 1 ]
	[[ "$stderr" == *"offset 135168 (0x21000): chunk 2: cut short by the end of the file"*"89 of 90 records read"* ]]
}

@test "every .evtx fixture: record sets equal python3-libevtx's and python-evtx's" {
	need_evtx
	need_py pyevtx
	need_py Evtx.Evtx
	: > "$BATS_TEST_TMPDIR/list"
	while IFS= read -r -d '' f; do
		o="$BATS_TEST_TMPDIR/$(basename "$f").jsonl"
		triage-parse "$f" > "$o" 2>/dev/null || true
		printf '%s\t%s\n' "$f" "$o" >> "$BATS_TEST_TMPDIR/list"
	done < <(find "$EVTX" -name '*.evtx' ! -name System2.evtx -print0 | sort -z)
	run -0 "$PY" "$EVTX_ORACLE" compare-all libevtx < "$BATS_TEST_TMPDIR/list"
	echo "# $output" >&3
	[[ "$output" == *"(0 with differences)"* ]]
	run -0 "$PY" "$EVTX_ORACLE" compare-all pyevtx < "$BATS_TEST_TMPDIR/list"
	echo "# $output" >&3
	# The cut System2.evtx: the oracles see the 194 records of its whole
	# chunks, all equal; ours has 89 more, from the cut one.
	triage-parse "$EVTX/plaso/System2.evtx" > "$BATS_TEST_TMPDIR/s2" 2>/dev/null || true
	run -1 "$PY" "$EVTX_ORACLE" compare libevtx "$EVTX/plaso/System2.evtx" "$BATS_TEST_TMPDIR/s2"
	[[ "$output" == *"194 equal, 0 differ, 0 missing, 89 extra"* ]]
	run -1 "$PY" "$EVTX_ORACLE" compare pyevtx "$EVTX/plaso/System2.evtx" "$BATS_TEST_TMPDIR/s2"
	[[ "$output" == *"194 equal, 0 differ, 0 missing, 89 extra"* ]]
}

@test "evtx corpus (281 logs): record sets equal python3-libevtx's (and python-evtx's with TRIAGE_SLOW_TESTS=1)" {
	[ -d "$CORPUS" ] || skip "no evtx corpus at $CORPUS"
	need_py pyevtx
	: > "$BATS_TEST_TMPDIR/list"
	n=0
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		o="$BATS_TEST_TMPDIR/$n.jsonl"
		# exit 2 only with a warning that says what was lost
		st=0
		triage-parse "$f" > "$o" 2> "$o.err" </dev/null || st=$?
		[ "$st" -eq 0 ] || { [ "$st" -eq 2 ] && [ -s "$o.err" ]; }
		printf '%s\t%s\n' "$f" "$o" >> "$BATS_TEST_TMPDIR/list"
	done < <(find "$CORPUS" -name '*.evtx' -print0 | sort -z)
	[ "$n" -eq 281 ]
	run -0 "$PY" "$EVTX_ORACLE" compare-all libevtx < "$BATS_TEST_TMPDIR/list"
	echo "# ${lines[-1]}" >&3
	# python-evtx takes over 20 minutes on the corpus: only on request.
	[ -n "${TRIAGE_SLOW_TESTS:-}" ] || return 0
	need_py Evtx.Evtx
	run "$PY" "$EVTX_ORACLE" compare-all pyevtx < "$BATS_TEST_TMPDIR/list"
	echo "# ${lines[-1]}" >&3
	[[ "${lines[-1]}" == *" 0 differ, "* ]]
}

@test "-j 3 splits a log by record ranges: the same events as -j 1" {
	need_evtx
	triage-parse -j 1 "$EVTX/python-evtx/security.evtx" | jq -c 'del(.path)' | sort > "$BATS_TEST_TMPDIR/j1"
	triage-parse -j 3 "$EVTX/python-evtx/security.evtx" | jq -c 'del(.path)' | sort > "$BATS_TEST_TMPDIR/j3"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/j1")" -eq 2261 ]
	cmp "$BATS_TEST_TMPDIR/j1" "$BATS_TEST_TMPDIR/j3"
}

@test "SysEvent.Evt: evtexport -m all's 6501 records (6063 + 438 recovered), plaso's idx0" {
	need_evtx
	need_cmd evtexport
	run -0 --separate-stderr triage-parse "$EVTX/plaso/SysEvent.Evt"
	[ -z "$stderr" ]
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/evt"
	[ "$(jq -c 'select(.recovered == true)' "$BATS_TEST_TMPDIR/evt" | wc -l)" -eq 438 ]
	[ "$(head -1 "$BATS_TEST_TMPDIR/evt" | jq -c '[.record_number,
	    .event_identifier, .event_type, .event_category, .computer_name,
	    .source_name, .time, (.strings | length), .data_type, .parser]')" = '[1392,40961,2,3,"WKS-WINXP32BIT","LSASRV","2011-07-27T06:41:47Z",2,"windows:evt:record","winevt"]' ]
	run -0 "$PY" "$EVTX_ORACLE" evt "$EVTX/plaso/SysEvent.Evt" "$BATS_TEST_TMPDIR/evt"
	echo "# $output" >&3
}

@test "damaged logs: cut or flipped copies never crash; exit 2 with the offset when records were lost" {
	need_evtx
	src="$EVTX/plaso/System.evtx"
	# Cut in the zeroed slots past the log's 27 chunks: nothing lost.
	head -c 2166000 "$src" > "$BATS_TEST_TMPDIR/cut.evtx"
	run -0 --separate-stderr triage-parse "$BATS_TEST_TMPDIR/cut.evtx"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 5009 ]
	for cut in 100 4096 70000 200000 1000000 $((4096 + 26 * 65536 + 9000)); do
		head -c "$cut" "$src" > "$BATS_TEST_TMPDIR/cut.evtx"
		run --separate-stderr triage-parse "$BATS_TEST_TMPDIR/cut.evtx"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"cut.evtx: offset "* ]]
	done
	for off in 4200 70000 300000 1500000 1700000; do
		cp "$src" "$BATS_TEST_TMPDIR/flip.evtx"
		printf '\377\377\377\377\377\377\377\377' |
			dd of="$BATS_TEST_TMPDIR/flip.evtx" bs=1 seek="$off" conv=notrunc 2>/dev/null
		run --separate-stderr triage-parse "$BATS_TEST_TMPDIR/flip.evtx"
		[ "$status" -eq 0 ] || [ "$status" -eq 2 ]
		[[ "$stderr" == *"flip.evtx: offset "* ]]
	done
	head -c 300000 "$EVTX/plaso/SysEvent.Evt" > "$BATS_TEST_TMPDIR/cut.Evt"
	run --separate-stderr triage-parse "$BATS_TEST_TMPDIR/cut.Evt"
	[ "$status" -eq 0 ] || [ "$status" -eq 2 ]
}
