#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Byte-for-byte goldens of info, scan and extract on the committed fixtures
# (walk, timeline and report keep theirs in their own bats files).  Each
# tests/golden/<tool>/README.md says how to regenerate them.
load helpers

setup() {
	need_fixtures
	GOLDEN="$TRIAGE_SRCDIR/tests/golden"
	cd "$DATA"	# relative source paths, so the goldens do not depend on where the tree is
}

@test "triage-info golden: E01, bare ext4, GPT, FAT32" {
	run -0 --separate-stderr triage-info mbr.E01 ext4.img gpt.img fat32.img
	diff -u "$GOLDEN/triage-info/fixtures.jsonl" <(printf '%s\n' "$output")
}

@test "triage-scan golden: shipped rules on ext4, MBR and the sample disk (-j 1)" {
	run -0 --separate-stderr triage-scan -j 1 -N -r ../../rules/yara ext4.img mbr.img sample.img
	diff -u "$GOLDEN/triage-scan/fixtures.jsonl" <(printf '%s\n' "$output")
	# With two workers the order may change, never the records.
	run -0 --separate-stderr triage-scan -j 2 -N -r ../../rules/yara ext4.img mbr.img sample.img
	diff -u <(sort "$GOLDEN/triage-scan/fixtures.jsonl") <(printf '%s\n' "$output" | sort)
}

@test "triage-extract golden: Linux and Windows triage sets of the sample disk" {
	out="$BATS_TEST_TMPDIR/x"
	run -0 --separate-stderr triage-extract -a linux-triage -a windows-triage -o "$out" sample.img
	diff -u "$GOLDEN/triage-extract/sample-triage.jsonl" <(printf '%s\n' "$output")
	cmp "$GOLDEN/triage-extract/sample-triage.jsonl" "$out/manifest.jsonl"
}
