#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
load helpers

setup() {
	need_fixtures
}

# Filesystems triage-info finds, as {offset, fs} lines sorted, for the oracle.
ours() {
	triage-info -q "$@" | jq -c 'select(.record == "filesystem") | {offset, fs}' | sort
}

# The oracle's answer; its stderr and exit status are kept in $BATS_TEST_TMPDIR/oracle.err so a
# mismatch can show why TSK's tools said what they said.
theirs() {
	local out rc
	out=$("$ORACLE/tsk-filesystems.sh" "$@" </dev/null 2>"$BATS_TEST_TMPDIR/oracle.err")
	rc=$?
	echo "exit $rc" >>"$BATS_TEST_TMPDIR/oracle.err"
	[ -z "$out" ] || printf '%s\n' "$out" | jq -c '{offset, fs}' | sort
}

# Compare ours with the oracle for one image; a mismatch, or an oracle that could not answer,
# fails with the oracle's stderr.  (CI once saw the oracle print nothing for apfs.raw:
# `printf | grep -q` under pipefail, since fixed in the oracle script; the stderr shown here is
# what tells such a failure apart from ours.)
same_as_oracle() {
	local img=$1 a b
	a=$(ours "$img" </dev/null)
	b=$(theirs "$img")
	# Exit 2 is the oracle itself failing (a tool missing, the image unopenable): no answer.
	if [ "$a" = "$b" ] && grep -qx 'exit [01]' "$BATS_TEST_TMPDIR/oracle.err"; then
		return 0
	fi
	echo "$img: ours=$a oracle=$b"
	cat "$BATS_TEST_TMPDIR/oracle.err"
	return 1
}

@test "--help prints the man page synopsis and exits 0" {
	assert_help_matches_man triage-info
}

@test "--version names triage and every library" {
	run -0 --separate-stderr triage-info --version
	[[ "${lines[0]}" == "triage-info (triage) "* ]]
	[[ "$output" == *"libtsk 4."* ]]
	[[ "$output" == *"libewf 2"* ]]
	[[ "$output" == *"libyara "* ]]
	[[ "$output" == *"jansson "* ]]
	[[ "$output" == *"libyaml 0."* ]]
	[[ "$output" == *"libdeflate 1."* ]]
	[[ "$output" == *"libregf 20"* ]]
}

@test "an unknown option exits 2 with the usage on stderr" {
	run -2 --separate-stderr triage-info --bogus "$DATA/ext4.img"
	[ -z "$output" ]
	[[ "$stderr" == *"usage: triage-info"* ]]
}

@test "no source exits 2" {
	run -2 --separate-stderr triage-info
	[[ "$stderr" == *"no source given"* ]]
}

@test "a missing file exits 2 naming it" {
	run -2 --separate-stderr triage-info /nonexistent/disk.E01
	[ -z "$output" ]
	[[ "$stderr" == *"'/nonexistent/disk.E01'"* ]]
}

@test "an empty file exits 2 naming it" {
	run -2 --separate-stderr triage-info "$DATA/empty.bin"
	[[ "$stderr" == *"empty.bin"*"empty"* ]]
}

@test "random bytes: an image with no volumes, and a warning saying so" {
	run -0 --separate-stderr triage-info "$DATA/random.bin"
	assert_jsonl "$output"
	[ "$(echo "$output" | jq -r .record)" = image ]
	[[ "$stderr" == *"random.bin"*"no partition table and no filesystem"* ]]
}

@test "a truncated E01 exits 2 naming it" {
	run -2 --separate-stderr triage-info "$DATA/truncated.E01"
	[ -z "$output" ]
	[[ "$stderr" == *"truncated.E01"*"truncated or corrupt"* ]]
}

@test "a corrupt partition table is reported, not a crash" {
	run -0 --separate-stderr triage-info "$DATA/corrupt-pt.img"
	assert_jsonl "$output"
	[[ "$stderr" == *"corrupt-pt.img"* ]]
}

@test "one bad source among good ones: records for the good, exit 2" {
	run -2 --separate-stderr triage-info "$DATA/ext4.img" /nonexistent.img "$DATA/gpt.img"
	assert_jsonl "$output"
	[ "$(echo "$output" | jq -r 'select(.record=="image") | .source' | wc -l)" -eq 2 ]
	[[ "$stderr" == *"'/nonexistent.img'"* ]]
}

@test "bare ext4: one filesystem with label, uuid and no volume" {
	run -0 --separate-stderr triage-info "$DATA/ext4.img"
	assert_jsonl "$output"
	fs=$(echo "$output" | jq -c 'select(.record=="filesystem")')
	[ "$(echo "$fs" | jq -r .fs)" = ext4 ]
	[ "$(echo "$fs" | jq -r .offset)" = 0 ]
	[ "$(echo "$fs" | jq -r 'has("volume")')" = false ]
	[ "$(echo "$fs" | jq -r .uuid)" = "$(dumpe2fs -h "$DATA/ext4.img" 2>/dev/null | awk '/UUID/ {print $3}')" ]
	[ "$(echo "$fs" | jq -r .label)" = "$(dumpe2fs -h "$DATA/ext4.img" 2>/dev/null | sed -n 's/^Filesystem volume name: *//p')" ]
}

@test "MBR with extended partition: volumes as mmls lists them" {
	run -0 --separate-stderr triage-info "$DATA/mbr.img"
	assert_jsonl "$output"
	ours=$(echo "$output" | jq -r 'select(.record=="volume") | "\(.volume) \(.start / 512) \(.length / 512) \(.description)"')
	theirs=$(mmls "$DATA/mbr.img" | awk '/^[0-9]+:/ {sub(":", "", $1); d=""; for (i = 6; i <= NF; i++) d = d (i > 6 ? " " : "") $i; printf "%d %d %d %s\n", $1, $3, $5, d}')
	[ "$ours" = "$theirs" ]
	[ "$(echo "$output" | jq -r 'select(.record=="volume") | .scheme' | sort -u)" = mbr ]
	[ "$(echo "$output" | jq -c 'select(.record=="filesystem") | [.volume, .fs]' | paste -sd' ')" = '[2,"ext4"] [3,"fat16"] [7,"ext2"]' ]
}

@test "E01: case metadata and stored hashes as ewfinfo shows them" {
	need_cmd ewfinfo
	run -0 --separate-stderr triage-info "$DATA/mbr.E01"
	img=$(echo "$output" | jq -c 'select(.record=="image")')
	[ "$(echo "$img" | jq -r .format)" = ewf ]
	[ "$(echo "$img" | jq -r '.segments | length')" = 2 ]
	info=$(ewfinfo "$DATA/mbr.E01")
	for k in case_number:"Case number" evidence_number:"Evidence number" examiner:"Examiner name" description:Description notes:Notes; do
		want=$(echo "$info" | sed -n "s/^[[:space:]]*${k#*:}:[[:space:]]*//p")
		[ "$(echo "$img" | jq -r ".${k%%:*}")" = "$want" ]
	done
	[ "$(echo "$img" | jq -r .md5)" = "$(md5sum < "$DATA/mbr.img" | cut -d' ' -f1)" ]
	[ "$(echo "$img" | jq -r .size)" = "$(stat -c %s "$DATA/mbr.img")" ]
}

@test "E01 acquisition date is UTC whatever the examiner's time zone" {
	[ -e /usr/share/zoneinfo/Europe/Berlin ] || skip "no tzdata"
	utc=$(TZ=UTC triage-info "$DATA/mbr.E01" | jq -r 'select(.record=="image") | .acquired')
	[ "$utc" = 2023-04-05T06:07:08Z ]
	[ "$(TZ=Europe/Berlin triage-info "$DATA/mbr.E01" | jq -r 'select(.record=="image") | .acquired')" = "$utc" ]
	[ "$(TZ=America/New_York triage-info "$DATA/mbr.E01" | jq -r 'select(.record=="image") | .acquired')" = "$utc" ]
	# ewfinfo prints it in local time: 08:07:08 in Berlin (CEST).
	need_cmd ewfinfo
	TZ=Europe/Berlin ewfinfo "$DATA/mbr.E01" | grep -q 'Acquisition date:.*08:07:08 2023'
}

@test "split raw: every segment listed, same filesystems as the whole image" {
	run -0 --separate-stderr triage-info "$DATA/mbr.raw.000"
	[ "$(echo "$output" | jq -r 'select(.record=="image") | .segments | length')" = 4 ]
	[ "$(ours "$DATA/mbr.raw.000")" = "$(ours "$DATA/mbr.img")" ]
}

@test "oracle: filesystems equal mmls + fsstat on every committed fixture" {
	for img in ext4.img fat32.img mbr.img gpt.img mbr.raw.000 mbr.E01; do
		[ -n "$(ours "$DATA/$img")" ]
		same_as_oracle "$DATA/$img"
	done
}

@test "oracle: filesystems equal mmls + fsstat on every third-party image" {
	need_shared
	n=0
	while IFS= read -r img; do
		case $img in *.E02|*.001|*.gz|*.qcow2|*differential*) continue ;; esac
		same_as_oracle "$img"
		n=$((n + 1))
	done < <(find "$TRIAGE_TEST_DATA/images" -type f | sort)
	[ "$n" -ge 10 ]
}

@test "APFS: the volume inside the container is found" {
	need_shared
	run -0 --separate-stderr triage-info "$TRIAGE_TEST_DATA/images/dfvfs/apfs.raw"
	fs=$(echo "$output" | jq -c 'select(.record=="filesystem")')
	[ "$(echo "$fs" | jq -r .fs)" = apfs ]
	[ "$(echo "$fs" | jq -r .pool_block)" = "$("$ORACLE/tsk-filesystems.sh" "$TRIAGE_TEST_DATA/images/dfvfs/apfs.raw" | jq -r .apfs_block)" ]
}

@test "QCOW: a clear unsupported-format error" {
	need_shared
	run -2 --separate-stderr triage-info "$TRIAGE_TEST_DATA/images/dfvfs/ext2.qcow2"
	[ -z "$output" ]
	[[ "$stderr" == *"ext2.qcow2"*"QCOW images are not supported"* ]]
}

@test "a differencing VHD without its parent: a clear error" {
	need_shared
	run -2 --separate-stderr triage-info "$TRIAGE_TEST_DATA/images/dfvfs/image-differential.vhd"
	[[ "$stderr" == *"image-differential.vhd"*"parent"* ]]
}

@test "4096-byte sectors: found as mmls -b 4096 finds them, with -b 4096 or from the GPT" {
	need_cmd losetup sfdisk mke2fs mmls
	img="$BATS_TEST_TMPDIR/4k.img"
	truncate -s 8M "$img"
	loop=$(losetup -b 4096 -f --show "$img" 2>/dev/null) || skip "no loop devices here"
	# sfdisk may fail to make the kernel re-read the table (no partition scan on this loop
	# device): that is not an error here, but whether the table was written is checked
	# below with mmls, and sfdisk's output shown if it was not.
	printf 'label: gpt\nstart=256, size=1024, type=linux\n' | sfdisk -q "$loop" >"$BATS_TEST_TMPDIR/sfdisk.out" 2>&1 || true
	losetup -d "$loop"
	[ "$(mmls -b 4096 "$img" | awk '$2 == "000" {print $3 * 4096}')" = 1048576 ] ||
		{ echo "no GPT partition at 1 MiB; sfdisk said:"; cat "$BATS_TEST_TMPDIR/sfdisk.out"; return 1; }
	mke2fs -q -t ext4 -E offset=$((256 * 4096)) "$img" 4096
	run -0 --separate-stderr triage-info -b 4096 "$img"
	[ "$(echo "$output" | jq -r 'select(.record=="image") | .sector_size')" = 4096 ]
	[ "$(echo "$output" | jq -c 'select(.record=="filesystem") | [.offset, .fs]')" = '[1048576,"ext4"]' ]
	[ "$(mmls -b 4096 "$img" | awk '$2 == "000" {print $3 * 4096}')" = 1048576 ]
	# Without -b: the GPT header at byte 4096 says the disk has 4 KiB sectors.
	run -0 --separate-stderr triage-info "$img"
	[ "$(echo "$output" | jq -r 'select(.record=="image") | .sector_size')" = 4096 ]
	[ "$(echo "$output" | jq -c 'select(.record=="filesystem") | [.offset, .fs]')" = '[1048576,"ext4"]' ]
	run -2 --separate-stderr triage-info -b 1000 "$img"
}

@test "a live folder is a source with one 'dir' filesystem" {
	d=$(scratch)
	run -0 --separate-stderr triage-info "$d"
	[ "$(echo "$output" | jq -r 'select(.record=="image") | .format')" = dir ]
	[ "$(echo "$output" | jq -r 'select(.record=="filesystem") | .fs')" = dir ]
}

@test "-f forces a format; a wrong one fails cleanly" {
	run -0 --separate-stderr triage-info -f raw "$DATA/ext4.img"
	run -2 --separate-stderr triage-info -f ewf "$DATA/ext4.img"
	[[ "$stderr" == *"ext4.img"* ]]
	run -2 --separate-stderr triage-info -f qcow "$DATA/ext4.img"
	[[ "$stderr" == *"unknown image format 'qcow'"* ]]
}

@test "the evidence is not modified" {
	before=$(sha256sum "$DATA/mbr.E01" "$DATA/mbr.E02" "$DATA/ext4.img")
	triage-info "$DATA/mbr.E01" "$DATA/ext4.img" >/dev/null
	[ "$(sha256sum "$DATA/mbr.E01" "$DATA/mbr.E02" "$DATA/ext4.img")" = "$before" ]
}

@test "stdout to /dev/full exits 2" {
	run -2 --separate-stderr bash -c 'triage-info "$DATA/mbr.img" > /dev/full'
	[[ "$stderr" == *"cannot write"* ]]
}

@test "same input, byte-identical output" {
	a=$(triage-info "$DATA/mbr.E01" "$DATA/fat32.img")
	b=$(triage-info "$DATA/mbr.E01" "$DATA/fat32.img")
	[ "$a" = "$b" ]
}

@test "key order is stable: record first, then identity keys" {
	run -0 --separate-stderr triage-info "$DATA/mbr.img"
	[ "$(echo "$output" | jq -r 'keys_unsorted[0:2] | join(",")' | sort -u)" = "record,source" ]
	[ "$(echo "$output" | jq -c 'select(.record=="filesystem") | keys_unsorted' | head -1)" = '["record","source","volume","offset","fs","block_size","blocks","label","uuid"]' ]
}
