#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-verify: stored E01 hashes (ewfverify as the oracle), given hashes,
# acquisition records with hash windows; flipped bytes are caught.
bats_require_minimum_version 1.5.0
load helpers

MBR_MD5=a2da1c6d0b4f261de10ed788c110f5f2

setup() {
	need_fixtures
	OUT=$(scratch)
}

# Flip (xor 0xff) the byte at offset $2 of file $1.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

@test "--help: usage equals the man page SYNOPSIS" {
	assert_help_matches_man triage-verify
}

@test "--version, unknown option, missing image, bad hash" {
	run -0 --separate-stderr triage-verify --version
	[[ "${lines[0]}" == "triage-verify (triage) "* ]]
	run -2 --separate-stderr triage-verify --bogus "$DATA/mbr.E01"
	[[ "$stderr" == *"usage: triage-verify"* ]]
	run -2 --separate-stderr triage-verify
	[[ "$stderr" == *"no image given"* ]]
	run -2 --separate-stderr triage-verify "$OUT/missing.E01"
	[[ "$stderr" == *"'$OUT/missing.E01'"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr triage-verify --md5 1234 "$DATA/mbr.img"
	[[ "$stderr" == *"invalid md5 '1234'"* ]]
	run -2 --separate-stderr triage-verify --record "$DATA/mbr.img" "$DATA/mbr.img"
	[[ "$stderr" == *"mbr.img"* ]]
}

@test "the fixture E01 matches its stored hashes, as ewfverify says" {
	need_cmd ewfverify
	run -0 ewfverify -q "$DATA/mbr.E01"
	run -0 --separate-stderr triage-verify "$DATA/mbr.E01"
	assert_jsonl "$output"
	[ "$(jq -r .record <<<"$output")" = verification ]
	[ "$(jq -r .expected_from <<<"$output")" = image ]
	[ "$(jq -r .computed.md5 <<<"$output")" = "$MBR_MD5" ]
	[ "$(jq -r .computed.sha1 <<<"$output")" = "$(sha1sum <"$DATA/mbr.img" | cut -d' ' -f1)" ]
	[ "$(jq -r .match <<<"$output")" = true ]
}

@test "one flipped byte in an E01 segment: exit 1, the bad chunk by offset; ewfverify agrees" {
	need_cmd ewfverify
	cp "$DATA/mbr.E01" "$DATA/mbr.E02" "$OUT/"
	flip "$OUT/mbr.E01" 300000
	run -1 --separate-stderr triage-verify "$OUT/mbr.E01"
	assert_jsonl "$output"
	[ "$(jq -r .match <<<"$output")" = false ]
	[ "$(jq -c .bad_chunks <<<"$output")" = '[{"offset":1409024,"length":32768}]' ]
	[ "$(jq -c .mismatched <<<"$output")" = '["md5","sha1"]' ]
	[[ "$stderr" == *"does not match"* ]]
	run -1 ewfverify -q "$OUT/mbr.E01"
	[[ "$output" == *"FAILURE"* ]]
	# A damaged checksum alone (the data still hashes right) is a mismatch too.
	cp "$DATA/mbr.E01" "$OUT/mbr.E01"
	flip "$OUT/mbr.E01" 6000
	run -1 --separate-stderr triage-verify "$OUT/mbr.E01"
	[ "$(jq -c .bad_chunks <<<"$output")" = '[{"offset":557056,"length":32768}]' ]
}

@test "raw image with --md5/--sha256: match, then one changed byte is a mismatch" {
	cp "$DATA/mbr.img" "$OUT/disk.img"
	sha=$(sha256sum <"$DATA/mbr.img" | cut -d' ' -f1)
	run -0 --separate-stderr triage-verify --md5 "$MBR_MD5" --sha256 "$sha" "$OUT/disk.img"
	[ "$(jq -r .expected_from <<<"$output")" = options ]
	[ "$(jq -r .match <<<"$output")" = true ]
	# Upper-case hex is accepted.
	run -0 --separate-stderr triage-verify --md5 "${MBR_MD5^^}" "$OUT/disk.img"
	flip "$OUT/disk.img" 2500000
	run -1 --separate-stderr triage-verify --md5 "$MBR_MD5" --sha256 "$sha" "$OUT/disk.img"
	[ "$(jq -c .mismatched <<<"$output")" = '["md5","sha256"]' ]
	[ "$(jq -r .computed.md5 <<<"$output")" = "$(md5sum <"$OUT/disk.img" | cut -d' ' -f1)" ]
}

@test "--record with hash windows: the changed window is reported by offset" {
	run -0 --separate-stderr triage-acquire -f raw -H md5,sha256 --hash-window 256K \
		-o "$OUT/disk" "$DATA/mbr.img"
	run -0 --separate-stderr triage-verify --record "$OUT/disk.json" "$OUT/disk"
	[ "$(jq -r .expected_from <<<"$output")" = record ]
	[ "$(jq -r .match <<<"$output")" = true ]
	flip "$OUT/disk" 2500000
	run -1 --separate-stderr triage-verify --record "$OUT/disk.json" "$OUT/disk"
	[ "$(jq -c .bad_windows <<<"$output")" = '[{"offset":2359296,"length":262144}]' ]
	[ "$(jq -r .match <<<"$output")" = false ]
}

@test "our E01 verifies against its own record and the hashes it stores" {
	run -0 --separate-stderr triage-acquire -H md5,sha1,sha256 -o "$OUT/e" "$DATA/mbr.img"
	run -0 --separate-stderr triage-verify --record "$OUT/e.json" "$OUT/e.E01"
	[ "$(jq -r .computed.sha256 <<<"$output")" = "$(sha256sum <"$DATA/mbr.img" | cut -d' ' -f1)" ]
	run -0 --separate-stderr triage-verify "$OUT/e.E01"
}

@test "nothing to compare with: exit 2, computed hashes still reported" {
	run -2 --separate-stderr triage-verify "$DATA/mbr.img"
	[[ "$stderr" == *"stores no hash"* ]]
	[ "$(jq -r .computed.md5 <<<"$output")" = "$MBR_MD5" ]
	[ "$(jq 'has("match")' <<<"$output")" = false ]
}

@test "truncated E01: exit 2 naming the file" {
	run -2 --separate-stderr triage-verify "$DATA/truncated.E01"
	[[ "$stderr" == *"truncated.E01"* ]]
}

@test "stdout on /dev/full: exit 2" {
	run -2 --separate-stderr bash -c 'triage-verify "$DATA/mbr.E01" >/dev/full'
}

@test "--progress: a redrawn line on a terminal, JSON objects with =json; stdout stays the record" {
	run -0 --separate-stderr triage-verify --progress=json "$DATA/mbr.E01"
	assert_jsonl "$output"
	[ "$(jq -r .match <<<"$output")" = true ]
	last=$(grep '^{' <<<"$stderr" | tail -1)
	jq -e '.record == "progress" and .bytes == .total and .rate > 0 and .elapsed >= 0' <<<"$last"
	[ "$(jq -r .total <<<"$last")" = "$(stat -c %s "$DATA/mbr.img")" ]
	run -2 --separate-stderr triage-verify --progress=xml "$DATA/mbr.E01"
	need_cmd script
	local v="$TRIAGE_BUILDDIR/cmd/triage-verify"
	run -0 script -qec "'$v' '$DATA/mbr.E01' > '$BATS_TEST_TMPDIR/rec'" /dev/null </dev/null
	[[ "$output" == *$'\r'"triage-verify: 3 of 3 MiB (100%), "*" MiB/s, took "*" s"* ]]
	[ "$(jq -r .match "$BATS_TEST_TMPDIR/rec")" = true ]
}
