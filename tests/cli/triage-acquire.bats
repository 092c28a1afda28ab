#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-acquire against ewfverify, ewfinfo, fls, md5sum/sha256sum and cmp;
# read errors through the fault-injection shim; interrupts, resume, full disk.
bats_require_minimum_version 1.5.0
load helpers

SHIM="$TRIAGE_BUILDDIR/tests/faultinject/faultinject.so"
# An ASan build wants its runtime first; the shim goes before it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

setup() {
	need_fixtures
	OUT=$(scratch)
}

teardown() {
	if [ -n "${MNT:-}" ]; then
		umount "$MNT" 2>/dev/null || true
	fi
}

need_shim() {
	[ -f "$SHIM" ] || skip "fault-injection shim not built (make check)"
}

# A pseudo-random file of $2 MiB (fixed key, as mkfixtures.sh does).
random_file() {
	openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
		-iv 00000000000000000000000000000000 -in /dev/zero 2>/dev/null |
		head -c $(($2 * 1048576)) >"$1"
}

# Flip (xor 0xff) the byte at offset $2 of file $1, as triage-verify.bats does.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# Wait until file $1 holds at least $2 bytes, while process $3 runs; at most 120 s.
wait_size() {
	local i
	for ((i = 0; i < 1200; i++)); do
		[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
		kill -0 "$3" 2>/dev/null || { echo "process $3 ended before $1 had $2 bytes" >&2; return 1; }
		sleep 0.1
	done
	echo "$1 still under $2 bytes after 120 s" >&2
	return 1
}

@test "--help: usage equals the man page SYNOPSIS" {
	assert_help_matches_man triage-acquire
}

@test "--version, unknown option, missing arguments" {
	run -0 --separate-stderr triage-acquire --version
	[[ "${lines[0]}" == "triage-acquire (triage) "* ]]
	[[ "$output" == *libewf* ]]
	run -2 --separate-stderr triage-acquire --bogus -o x "$DATA/mbr.img"
	[[ "$stderr" == *"usage: triage-acquire"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr triage-acquire "$DATA/mbr.img"
	[[ "$stderr" == *"no output given"* ]]
	run -2 --separate-stderr triage-acquire -o "$OUT/x"
	[[ "$stderr" == *"no source given"* ]]
	run -2 --separate-stderr triage-acquire -c turbo -o "$OUT/x" "$DATA/mbr.img"
	[[ "$stderr" == *"invalid compression 'turbo'"* ]]
	run -2 --separate-stderr triage-acquire -H md5,crc -o "$OUT/x" "$DATA/mbr.img"
	[[ "$stderr" == *"crc"* ]]
	run -2 --separate-stderr triage-acquire -f e01 --split 1M -o "$OUT/x" "$DATA/mbr.img"
	[[ "$stderr" == *"--split is for raw"* ]]
	run -2 --separate-stderr triage-acquire -S 10X -o "$OUT/x" "$DATA/mbr.img"
	[[ "$stderr" == *"invalid segment size '10X'"* ]]
	run -2 --separate-stderr triage-acquire -o "$OUT/x" -- --no-such-file
	[[ "$stderr" == *"'--no-such-file'"* ]]
	[ ! -e "$OUT/x.E01" ]
	[ ! -e "$OUT/x.json" ]
}

@test "E01: ewfverify accepts it, ewfinfo shows the case metadata, hashes equal md5sum/sha256sum" {
	need_cmd ewfverify ewfinfo
	run -0 --separate-stderr triage-acquire -H md5,sha1,sha256 -C "case 7" \
		-E ev-9 -e "Jane Examiner" -D "test disk" -N "handle with care" \
		-m removable -c best -o "$OUT/disk" "$DATA/mbr.img"
	assert_jsonl "$output"
	[ "${#lines[@]}" -eq 1 ]
	rec=$output
	[ "$(jq -r .status <<<"$rec")" = complete ]
	[ "$(jq -r .bytes <<<"$rec")" = "$(stat -c %s "$DATA/mbr.img")" ]
	[ "$(jq -r .md5 <<<"$rec")" = "$(md5sum <"$DATA/mbr.img" | cut -d' ' -f1)" ]
	[ "$(jq -r .sha1 <<<"$rec")" = "$(sha1sum <"$DATA/mbr.img" | cut -d' ' -f1)" ]
	[ "$(jq -r .sha256 <<<"$rec")" = "$(sha256sum <"$DATA/mbr.img" | cut -d' ' -f1)" ]
	[ "$(jq -c .read_errors <<<"$rec")" = "[]" ]
	# The record on stdout is the one in PATH.json.
	[ "$(cat "$OUT/disk.json")" = "$rec" ]
	# Each output's own size and SHA-256.
	[ "$(jq -r '.outputs[0].path' <<<"$rec")" = "$OUT/disk.E01" ]
	[ "$(jq -r '.outputs[0].sha256' <<<"$rec")" = "$(sha256sum <"$OUT/disk.E01" | cut -d' ' -f1)" ]
	[ "$(jq -r '.outputs[0].size' <<<"$rec")" = "$(stat -c %s "$OUT/disk.E01")" ]
	jq -e '.versions.libewf and .versions.openssl and .started and .finished' <<<"$rec" >/dev/null
	run -0 ewfverify -q "$OUT/disk.E01"
	[[ "$output" == *"ewfverify: SUCCESS"* ]]
	run -0 ewfinfo "$OUT/disk.E01"
	[[ "$output" == *"Case number:"*"case 7"* ]]
	[[ "$output" == *"Evidence number:"*"ev-9"* ]]
	[[ "$output" == *"Examiner name:"*"Jane Examiner"* ]]
	[[ "$output" == *"Description:"*"test disk"* ]]
	[[ "$output" == *"Notes:"*"handle with care"* ]]
	[[ "$output" == *"Media type:"*"removable disk"* ]]
	[[ "$output" == *"best compression"* ]]
	[[ "$output" == *"MD5:"*"$(jq -r .md5 <<<"$rec")"* ]]
}

@test "E01: fls on our E01 equals fls on the source, every partition" {
	need_cmd fls
	run -0 --separate-stderr triage-acquire -j 2 -o "$OUT/disk" "$DATA/mbr.img"
	for o in 128 2176 6464; do
		fls -r -o $o "$DATA/mbr.img" >"$OUT/want"
		fls -r -o $o "$OUT/disk.E01" >"$OUT/got"
		[ -s "$OUT/want" ]
		diff "$OUT/want" "$OUT/got"
	done
}

@test "E01 segments: --segment-size 1M gives a set ewfverify accepts" {
	need_cmd ewfverify
	random_file "$OUT/rand.bin" 3
	run -0 --separate-stderr triage-acquire -S 1M -o "$OUT/seg" "$OUT/rand.bin"
	[ -f "$OUT/seg.E02" ]
	[ -f "$OUT/seg.E03" ]
	[ "$(jq '.outputs | length' <<<"$output")" -ge 3 ]
	run -0 ewfverify -q "$OUT/seg.E01"
	[[ "$output" == *"$(md5sum <"$OUT/rand.bin" | cut -d' ' -f1)"* ]]
}

@test "E01 to raw: byte-identical; --split pieces concatenate to the source" {
	run -0 --separate-stderr triage-acquire -f raw -o "$OUT/one" "$DATA/mbr.E01"
	cmp "$OUT/one" "$DATA/mbr.img"
	[ "$(jq -r .source_format <<<"$output")" = ewf ]
	run -0 --separate-stderr triage-acquire -f raw --split 1M -H sha256 \
		-o "$OUT/split" "$DATA/mbr.E01"
	[ "$(jq -r '[.outputs[].path] | join(" ")' <<<"$output")" = \
		"$OUT/split.001 $OUT/split.002 $OUT/split.003 $OUT/split.004" ]
	[ "$(stat -c %s "$OUT/split.001")" -eq 1048576 ]
	cat "$OUT"/split.00? | cmp - "$DATA/mbr.img"
	for i in 0 1 2 3; do
		p=$(jq -r ".outputs[$i].path" <<<"$output")
		[ "$(jq -r ".outputs[$i].sha256" <<<"$output")" = "$(sha256sum <"$p" | cut -d' ' -f1)" ]
	done
	[ "$(jq -r .sha256 <<<"$output")" = "$(sha256sum <"$DATA/mbr.img" | cut -d' ' -f1)" ]
}

@test "E01 source: undamaged gives no read errors; a damaged chunk is a zero-filled bad range" {
	need_cmd ewfinfo ewfverify
	run -0 --separate-stderr triage-acquire -f raw -H md5 -o "$OUT/good" "$DATA/mbr.E01"
	[ "$(jq -c .read_errors <<<"$output")" = "[]" ]
	[ "$(jq -r .md5 <<<"$output")" = "$(md5sum <"$DATA/mbr.img" | cut -d' ' -f1)" ]
	run -0 --separate-stderr triage-acquire -H md5 -o "$OUT/good-e01" "$DATA/mbr.E01"
	[ "$(jq -c .read_errors <<<"$output")" = "[]" ]
	[ "$(jq -r .md5 <<<"$output")" = "$(md5sum <"$DATA/mbr.img" | cut -d' ' -f1)" ]
	# One flipped byte in compressed chunk data (the chunk at 1409024).
	cp "$DATA/mbr.E01" "$DATA/mbr.E02" "$OUT/"
	flip "$OUT/mbr.E01" 300000
	run -1 --separate-stderr triage-verify "$OUT/mbr.E01"
	bad=$(jq -c .bad_chunks <<<"$output")
	[ "$bad" = '[{"offset":1409024,"length":32768}]' ]
	cp "$DATA/mbr.img" "$OUT/want"
	dd if=/dev/zero of="$OUT/want" bs=512 seek=2752 count=64 conv=notrunc 2>/dev/null
	want_md5=$(md5sum <"$OUT/want" | cut -d' ' -f1)
	run -2 --separate-stderr triage-acquire -f raw -H md5,sha256 -o "$OUT/raw" "$OUT/mbr.E01"
	assert_jsonl "$output"
	[ "$(jq -r .status <<<"$output")" = complete ]
	[ "$(jq -c .read_errors <<<"$output")" = "$bad" ]
	[ "$(jq -c .read_errors "$OUT/raw.json")" = "$bad" ]
	[[ "$stderr" == *"checksum error in '$OUT/mbr.E01' at offset 1409024 length 32768"* ]]
	[[ "$stderr" == *"1 unreadable range(s) zero-filled"* ]]
	cmp "$OUT/raw" "$OUT/want"
	[ "$(jq -r .md5 <<<"$output")" = "$want_md5" ]
	[ "$(jq -r .sha256 <<<"$output")" = "$(sha256sum <"$OUT/want" | cut -d' ' -f1)" ]
	run -2 --separate-stderr triage-acquire -H md5 -o "$OUT/e01" "$OUT/mbr.E01"
	[ "$(jq -r .status <<<"$output")" = complete ]
	[ "$(jq -c .read_errors <<<"$output")" = "$bad" ]
	[ "$(jq -r .md5 <<<"$output")" = "$want_md5" ]
	[[ "$stderr" == *"'$OUT/mbr.E01' at offset 1409024"* ]]
	run -0 ewfverify -q "$OUT/e01.E01"
	run -0 ewfinfo "$OUT/e01.E01"
	[[ "$output" == *"Read errors during acquiry"*"2752 - 2815"* ]]
}

@test "refuses an existing output and an output on the source" {
	cp "$DATA/mbr.img" "$OUT/src.img"
	run -2 --separate-stderr triage-acquire -f raw -o "$OUT/src.img" "$OUT/src.img"
	[[ "$stderr" == *"is the source itself"* ]]
	cmp "$OUT/src.img" "$DATA/mbr.img"
	run -0 --separate-stderr triage-acquire -f raw -o "$OUT/copy" "$OUT/src.img"
	run -2 --separate-stderr triage-acquire -f raw -o "$OUT/copy" "$OUT/src.img"
	[[ "$stderr" == *"'$OUT/copy' exists"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr triage-acquire -o "$OUT/nodir/x" "$OUT/src.img"
	[[ "$stderr" == *"'$OUT/nodir'"* ]]
}

@test "read errors: retried, then zero-filled sector by sector, exact map, hashes over the zeros" {
	need_shim
	random_file "$OUT/src.bin" 4
	# Two bad spots: 1024 bytes at 1 MiB + 512, and 100 bytes inside sector 5859.
	run -2 --separate-stderr env TRIAGE_FAULT_FILE="$OUT/src.bin" \
		TRIAGE_FAULT_RANGES=1049088+1024,3000000+100 LD_PRELOAD="$SHIM" \
		triage-acquire -f raw -r 1 -H md5,sha256 -o "$OUT/img" "$OUT/src.bin"
	assert_jsonl "$output"
	[ "$(jq -c .read_errors <<<"$output")" = \
		'[{"offset":1049088,"length":1024},{"offset":2999808,"length":512}]' ]
	[ "$(jq -r .status <<<"$output")" = complete ]
	[[ "$stderr" == *"read error in '$OUT/src.bin' at offset 1048576"*"retrying"* ]]
	[[ "$stderr" == *"2 unreadable range(s)"* ]]
	# The expected image: the source with exactly those bytes zeroed.
	cp "$OUT/src.bin" "$OUT/want"
	dd if=/dev/zero of="$OUT/want" bs=512 seek=2049 count=2 conv=notrunc 2>/dev/null
	dd if=/dev/zero of="$OUT/want" bs=512 seek=5859 count=1 conv=notrunc 2>/dev/null
	cmp "$OUT/img" "$OUT/want"
	[ "$(jq -r .md5 <<<"$output")" = "$(md5sum <"$OUT/want" | cut -d' ' -f1)" ]
	[ "$(jq -r .sha256 <<<"$output")" = "$(sha256sum <"$OUT/want" | cut -d' ' -f1)" ]
}

@test "read errors in E01 output: zero-filled, listed, in the acquiry error table" {
	need_shim
	need_cmd ewfinfo ewfverify
	random_file "$OUT/src.bin" 2
	run -2 --separate-stderr env TRIAGE_FAULT_FILE="$OUT/src.bin" \
		TRIAGE_FAULT_RANGES=4096+512 LD_PRELOAD="$SHIM" \
		triage-acquire -r 0 -o "$OUT/img" "$OUT/src.bin"
	[ "$(jq -c .read_errors <<<"$output")" = '[{"offset":4096,"length":512}]' ]
	cp "$OUT/src.bin" "$OUT/want"
	dd if=/dev/zero of="$OUT/want" bs=512 seek=8 count=1 conv=notrunc 2>/dev/null
	[ "$(jq -r .md5 <<<"$output")" = "$(md5sum <"$OUT/want" | cut -d' ' -f1)" ]
	run -0 ewfverify -q "$OUT/img.E01"
	run -0 ewfinfo "$OUT/img.E01"
	[[ "$output" == *"Read errors during acquiry"*"8 - 8"* ]]
}

@test "transient read errors are healed by --retries" {
	need_shim
	random_file "$OUT/src.bin" 2
	run -0 --separate-stderr env TRIAGE_FAULT_FILE="$OUT/src.bin" \
		TRIAGE_FAULT_RANGES=1048576+512 TRIAGE_FAULT_TRANSIENT=2 \
		LD_PRELOAD="$SHIM" triage-acquire -f raw -r 2 -o "$OUT/img" "$OUT/src.bin"
	[ "$(jq -c .read_errors <<<"$output")" = "[]" ]
	[[ "$stderr" == *"retrying"* ]]
	cmp "$OUT/img" "$OUT/src.bin"
}

@test "SIGINT: status interrupted with the bytes done, no hash; --resume completes it" {
	need_shim
	random_file "$OUT/src.bin" 16
	# A slow source: 0.15 s per read (a 1 MiB chunk, or one of the few small reads that
	# find the format), so the whole copy takes over 3 s.  SIGINT goes once the first
	# chunk is in the output, not after a fixed sleep: early, it would find no handler
	# yet (exit 130) or no bytes done, and on a loaded machine a fixed sleep is either.
	env TRIAGE_FAULT_FILE="$OUT/src.bin" TRIAGE_FAULT_DELAY_US=150000 \
		LD_PRELOAD="$SHIM" triage-acquire -f raw --split 3M -H md5,sha1 \
		-o "$OUT/img" "$OUT/src.bin" </dev/null >"$OUT/rec" 2>"$OUT/err" &
	pid=$!
	wait_size "$OUT/img.001" 1048576 "$pid"
	kill -INT $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 2 ] || { echo "exit $rc; stderr:"; cat "$OUT/err"; return 1; }
	assert_jsonl "$(cat "$OUT/rec")"
	[ "$(jq -r .status "$OUT/rec")" = interrupted ] || { cat "$OUT/rec" "$OUT/err"; return 1; }
	bytes=$(jq -r .bytes "$OUT/rec")
	[ "$bytes" -ge 1048576 ]
	[ "$bytes" -lt 16777216 ]
	[ $((bytes % 1048576)) -eq 0 ]
	[ "$(jq 'has("md5")' "$OUT/rec")" = false ]
	[ "$(cat "$OUT"/img.0* | wc -c)" -eq "$bytes" ]
	[ "$(jq -r .status "$OUT/img.json")" = interrupted ]
	run -0 --separate-stderr triage-acquire -f raw --split 3M -H md5,sha1 --resume \
		-o "$OUT/img" "$OUT/src.bin"
	[ "$(jq -r .status <<<"$output")" = complete ]
	[ "$(jq -r .md5 <<<"$output")" = "$(md5sum <"$OUT/src.bin" | cut -d' ' -f1)" ]
	[ "$(jq -r .sha1 <<<"$output")" = "$(sha1sum <"$OUT/src.bin" | cut -d' ' -f1)" ]
	cat "$OUT"/img.00? | cmp - "$OUT/src.bin"
	run -2 --separate-stderr triage-acquire -f raw --split 3M --resume -o "$OUT/img" "$OUT/src.bin"
	[[ "$stderr" == *"complete"* ]]
}

@test "full disk: status failed, exit 2, no hash claimed (raw and E01)" {
	MNT=$(scratch)
	mount -t tmpfs -o size=2m tmpfs "$MNT" 2>/dev/null || { MNT=; skip "cannot mount a tmpfs"; }
	random_file "$OUT/src.bin" 4
	run -2 --separate-stderr triage-acquire -f raw -H md5 -o "$MNT/img" "$OUT/src.bin"
	assert_jsonl "$output"
	[ "$(jq -r .status <<<"$output")" = failed ]
	[ "$(jq 'has("md5")' <<<"$output")" = false ]
	[[ "$(jq -r .error <<<"$output")" == *"No space left on device"* ]]
	[[ "$stderr" == *"'$MNT/img'"* ]]
	rm -f "$MNT"/img*
	run -2 --separate-stderr triage-acquire -c none -o "$MNT/img" "$OUT/src.bin"
	[ "$(jq -r .status <<<"$output")" = failed ]
	[ "$(jq 'has("md5")' <<<"$output")" = false ]
}

@test "a truncated E01 source or garbage: clear error naming the file, nothing written" {
	run -2 --separate-stderr triage-acquire -f raw -o "$OUT/t" "$DATA/truncated.E01"
	[ -z "$output" ]
	[[ "$stderr" == *"'$DATA/truncated.E01'"*"truncated or corrupt"* ]]
	[ ! -e "$OUT/t" ]
	[ ! -e "$OUT/t.json" ]
	run -2 --separate-stderr triage-acquire -f raw -o "$OUT/e" "$DATA/empty.bin"
	[[ "$stderr" == *"'$DATA/empty.bin'"*"empty"* ]]
	# Garbage on stdin is not a source.
	run -2 --separate-stderr bash -c 'head -c 4096 /dev/urandom | triage-acquire -o "$1/s" /dev/stdin' _ "$OUT"
	[ -z "$output" ]
}

@test "--progress=json writes progress objects on stderr, stdout stays records" {
	run -0 --separate-stderr triage-acquire --progress=json -f raw -o "$OUT/p" "$DATA/mbr.img"
	assert_jsonl "$output"
	last=$(grep '^{' <<<"$stderr" | tail -1)
	[ "$(jq -r .record <<<"$last")" = progress ]
	[ "$(jq -r .bytes <<<"$last")" = "$(jq -r .total <<<"$last")" ]
	jq -e '.rate > 0 and .elapsed >= 0' <<<"$last"
	run -2 --separate-stderr triage-acquire --progress=xml -f raw -o "$OUT/q" "$DATA/mbr.img"
}

@test "progress on a terminal: percentages, then a last line with the time it took" {
	need_cmd script
	local acq="$TRIAGE_BUILDDIR/cmd/triage-acquire"
	run -0 script -qec "'$acq' -f raw -o '$OUT/t' '$DATA/mbr.img' > '$OUT/t.rec'" /dev/null </dev/null
	[[ "$output" == *$'\r'"triage-acquire: "[0-9]" of 3 MiB ("*"%), ETA --"* ]]
	[[ "$output" == *$'\r'"triage-acquire: 3 of 3 MiB (100%), "*" MiB/s, took "*" s"* ]]
	[[ "$output" != *"ETA 0"* ]]
	jq -e '.status == "complete"' "$OUT/t.rec"
	cmp "$OUT/t" "$DATA/mbr.img"
}

@test "stdout on /dev/full: exit 2" {
	run -2 --separate-stderr bash -c 'triage-acquire -f raw -o "$1/full" "$DATA/mbr.img" >/dev/full' _ "$OUT"
	# The image itself is complete and its record is in PATH.json.
	cmp "$OUT/full" "$DATA/mbr.img"
	[ "$(jq -r .status "$OUT/full.json")" = complete ]
}
