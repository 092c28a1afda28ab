#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
load helpers

setup() {
	need_fixtures
	GOLDEN="$TRIAGE_SRCDIR/tests/golden/triage-walk"
}

# The NTFS sample, decompressed once (sparse) for the whole file.
ntfs_image() {
	need_shared
	local gz="$TRIAGE_TEST_DATA/images/compressed/ntfs-lastaccess.raw.gz"
	[ -f "$gz" ] || skip "no $gz"
	NTFS="$BATS_FILE_TMPDIR/ntfs.raw"
	if [ ! -f "$NTFS" ]; then
		gunzip -c "$gz" | cp --sparse=always /dev/stdin "$NTFS.tmp"
		mv "$NTFS.tmp" "$NTFS"
	fi
}

# For every filesystem triage-info finds in IMAGE, the bodyfile lines of
# `triage-walk -o bodyfile --volume N` must equal `fls -r -m / -o SECTOR`
# (as a sorted list, so duplicates count).  Prints one line per filesystem.
bodyfile_oracle() {
	local img=$1 fsl v off pb ours theirs n=0
	fsl=$(triage-info -q "$img" | jq -c 'select(.record=="filesystem") | [.volume // -1, .offset, .pool_block // 0]')
	[ -n "$fsl" ] || { echo "$img: no filesystem" >&2; return 1; }
	while IFS= read -r l; do
		v=$(jq -r '.[0]' <<<"$l") off=$(jq -r '.[1]' <<<"$l") pb=$(jq -r '.[2]' <<<"$l")
		local extra=() va=()
		[ "$pb" != 0 ] && extra=(-P apfs -B "$pb")
		[ "$v" != -1 ] && va=(--volume "$v")
		# </dev/null: nothing in the loop may read the list it walks.
		theirs=$("$ORACLE/fls-bodyfile.sh" "$img" "$off" "${extra[@]}" </dev/null) || return 1
		ours=$(triage-walk -q -o bodyfile "${va[@]}" "$img" </dev/null | LC_ALL=C sort) || return 1
		if [ "$ours" != "$theirs" ]; then
			echo "$img volume $v offset $off: bodyfile differs from fls" >&2
			diff <(echo "$ours") <(echo "$theirs") | head -20 >&2
			return 1
		fi
		[ -n "$ours" ] || { echo "$img: empty" >&2; return 1; }
		n=$((n + 1))
	done <<<"$fsl"
	echo "$img $n"
}

@test "--help prints the man page synopsis and exits 0" {
	assert_help_matches_man triage-walk
}

@test "--version names triage and its libraries" {
	run -0 --separate-stderr triage-walk --version
	[[ "${lines[0]}" == "triage-walk (triage) "* ]]
	[[ "$output" == *"libtsk 4."* ]]
}

@test "misuse exits 2 with the usage on stderr" {
	run -2 --separate-stderr triage-walk --bogus "$DATA/ext4.img"
	[ -z "$output" ]
	[[ "$stderr" == *"usage: triage-walk"* ]]
	run -2 --separate-stderr triage-walk
	[[ "$stderr" == *"no source given"* ]]
	run -2 --separate-stderr triage-walk -o xml "$DATA/ext4.img"
	[[ "$stderr" == *"invalid format 'xml'"* ]]
	run -2 --separate-stderr triage-walk -t file,bogus "$DATA/ext4.img"
	[[ "$stderr" == *"invalid type 'bogus'"* ]]
	run -2 --separate-stderr triage-walk -H md5,crc32 "$DATA/ext4.img"
	[[ "$stderr" == *"crc32"* ]]
	run -2 --separate-stderr triage-walk -m -1 "$DATA/ext4.img"
	run -2 --separate-stderr triage-walk -p relative "$DATA/ext4.img"
	run -2 --separate-stderr triage-walk -a -d "$DATA/ext4.img"
	[ -z "$output" ]
}

@test "'--' ends the options" {
	cd "$DATA"
	run -0 --separate-stderr triage-walk -- ext4.img
	[ "${#lines[@]}" -eq 25 ]
}

@test "a missing source exits 2 naming it; the others are still walked" {
	run -2 --separate-stderr triage-walk /nonexistent/disk.E01
	[ -z "$output" ]
	[[ "$stderr" == *"'/nonexistent/disk.E01'"* ]]
	run -2 --separate-stderr triage-walk "$DATA/gpt.img" /nonexistent.img "$DATA/ext4.img"
	assert_jsonl "$output"
	[ "$(echo "$output" | jq -r .source | sort -u | wc -l)" -eq 2 ]
}

@test "sources with no filesystem, truncated or empty: exit 2 with a clear message" {
	run -2 --separate-stderr triage-walk "$DATA/random.bin"
	[ -z "$output" ]
	[[ "$stderr" == *"no filesystem to walk in '$DATA/random.bin'"* ]]
	run -2 --separate-stderr triage-walk "$DATA/truncated.E01"
	[ -z "$output" ]
	[[ "$stderr" == *"truncated.E01"* ]]
	run -2 --separate-stderr triage-walk "$DATA/empty.bin"
	[[ "$stderr" == *"empty.bin"* ]]
	run -2 --separate-stderr triage-walk --volume 5 "$DATA/mbr.img"
	[[ "$stderr" == *"no filesystem in volume 5"*"2, 3, 7"* ]]
}

@test "stdout to /dev/full exits 2" {
	run -2 --separate-stderr sh -c 'triage-walk "$DATA/ext4.img" > /dev/full'
	[[ "$stderr" == *"write"* ]]
	run -2 --separate-stderr sh -c 'triage-walk -o bodyfile "$DATA/ext4.img" > /dev/full'
}

@test "golden: ext4.img with every hash, byte for byte" {
	cd "$DATA"
	run -0 --separate-stderr triage-walk -H md5,sha1,sha256 ext4.img
	[ -z "$stderr" ]
	diff <(printf '%s\n' "$output") "$GOLDEN/ext4-hash.jsonl"
}

@test "oracle: every hash equals icat | md5sum, sha1sum, sha256sum (ext4, FAT16, ext2, E01)" {
	for spec in "ext4.img -" "mbr.img 2:128" "mbr.E01 3:2176" "mbr.img 7:6464"; do
		img=${spec% *} vs=${spec#* } va=() oa=()
		[ "$vs" != - ] && va=(--volume "${vs%:*}") oa=(-o "${vs#*:}")
		n=0
		while IFS=' ' read -r ino md5 sha1 sha256; do
			[ "$(icat "${oa[@]}" "$DATA/$img" "$ino" </dev/null | md5sum | cut -d' ' -f1)" = "$md5" ]
			[ "$(icat "${oa[@]}" "$DATA/$img" "$ino" </dev/null | sha1sum | cut -d' ' -f1)" = "$sha1" ]
			[ "$(icat "${oa[@]}" "$DATA/$img" "$ino" </dev/null | sha256sum | cut -d' ' -f1)" = "$sha256" ]
			n=$((n + 1))
		done < <(triage-walk -H md5,sha1,sha256 "${va[@]}" "$DATA/$img" |
			jq -r 'select(.md5) | "\(.inode) \(.md5) \(.sha1) \(.sha256)"')
		[ "$n" -ge 2 ] || { echo "$img: only $n hashed"; return 1; }
	done
}

@test "deleted but recoverable: hashed, marked recovered, equal to icat" {
	run -0 --separate-stderr triage-walk -d -H md5 "$DATA/ext4.img"
	assert_jsonl "$output"
	r=$(echo "$output" | jq -c 'select(.inode == "33")')
	[ "$(echo "$r" | jq -r '[.deleted, .recoverable, .recovered] | @csv')" = 'true,true,true' ]
	[ "$(echo "$r" | jq -r .md5)" = "$(icat "$DATA/ext4.img" 33 | md5sum | cut -d' ' -f1)" ]
	[ "$(echo "$r" | jq -r .path)" = /home/alice/docs/deleted-secret.txt ]
	# the FAT16 deleted file of mbr.img p1 too
	run -0 --separate-stderr triage-walk -d -t file -H md5 --volume 2 "$DATA/mbr.img"
	[ "$(echo "$output" | jq -r 'select(.name=="deleted.txt") | .md5')" = "$(icat -o 128 "$DATA/mbr.img" 17 | md5sum | cut -d' ' -f1)" ]
}

@test "every stdout line is JSON, on every committed fixture" {
	for img in ext4.img fat32.img mbr.img gpt.img mbr.raw.000 mbr.E01 hostile.img sample.img; do
		run -0 --separate-stderr triage-walk -H md5 "$DATA/$img"
		[ "${#lines[@]}" -ge 5 ]
		assert_jsonl "$output"
		[ "$(echo "$output" | jq -r .record | sort -u)" = file ]
	done
}

@test "oracle: bodyfile equals fls -r -m on every filesystem of every committed fixture" {
	for img in ext4.img fat32.img mbr.img gpt.img mbr.raw.000 mbr.E01 hostile.img sample.img; do
		bodyfile_oracle "$DATA/$img"
	done
}

@test "oracle: bodyfile equals fls -r -m on every third-party image TSK opens" {
	need_shared
	n=0
	while IFS= read -r img; do
		case $img in *.E02|*.001|*.gz|*.qcow2|*differential*) continue ;; esac
		# Images TSK finds no filesystem in are left out, visibly: a silent skip once
		# hid a flaky oracle (and n is exactly 14 with today's fixtures).
		if ! "$ORACLE/tsk-filesystems.sh" "$img" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/oracle.err"; then
			echo "# left out $img: $(tr '\n' ' ' <"$BATS_TEST_TMPDIR/oracle.err")" >&3
			continue
		fi
		bodyfile_oracle "$img"
		n=$((n + 1))
	done < <(find "$TRIAGE_TEST_DATA/images" -type f | sort)
	[ "$n" -ge 14 ] || { echo "only $n third-party images compared"; return 1; }
}

@test "NTFS: bodyfile equals fls -r -m, streams and \$FILE_NAME lines included" {
	ntfs_image
	out=$(bodyfile_oracle "$NTFS")
	[ "$out" = "$NTFS 1" ]
	body=$(triage-walk -o bodyfile "$NTFS")
	n=$(grep -c ' (\$FILE_NAME)|' <<<"$body")
	[ "$n" -ge 30 ]
	[ "$n" -eq "$(fls -r -m / -o 128 "$NTFS" | grep -c ' (\$FILE_NAME)|')" ]
	grep -qF '0|/$BadClus:$Bad|8-128-1|' <<<"$body"
	grep -qF '0|/$Secure:$SDH|9-144-11|' <<<"$body"
}

@test "NTFS: \$FILE_NAME times beside \$STANDARD_INFORMATION ones, at 100 ns, as istat shows" {
	ntfs_image
	cd "$BATS_FILE_TMPDIR"
	run -0 --separate-stderr triage-walk -H sha256 -p /test ntfs.raw
	diff <(printf '%s\n' "$output") "$GOLDEN/ntfs-test.jsonl"
	r=$(echo "$output" | jq -c 'select(.path == "/test/1.txt")')
	ist=$(TZ=UTC istat -o 128 ntfs.raw 43)
	si_a=$(echo "$ist" | awk -F'\t' '/^Accessed:/ {print $2; exit}')
	fn_a=$(echo "$ist" | awk -F'\t' '/^Accessed:/ {n++} n == 2 && /^Accessed:/ {print $2; exit}')
	# istat: "2019-03-03 12:37:55.293673800 (UTC)"; ours: 7 digits
	[ "$(echo "$r" | jq -r .atime)" = "$(echo "$si_a" | sed 's/ /T/; s/00 (UTC)/Z/')" ]
	[ "$(echo "$r" | jq -r .fn_atime)" = "$(echo "$fn_a" | sed 's/ /T/; s/00 (UTC)/Z/')" ]
	[ "$(echo "$r" | jq -r .atime)" != "$(echo "$r" | jq -r .fn_atime)" ]
	[ "$(echo "$r" | jq -r .sha256)" = "$(icat -o 128 ntfs.raw 43 | sha256sum | cut -d' ' -f1)" ]
}

@test "NTFS: a sparse, uninitialised stream hashes as zeros" {
	ntfs_image
	run -0 --separate-stderr triage-walk -H md5 -p '/$BadClus' "$NTFS"
	r=$(echo "$output" | jq -c 'select(.stream == "$Bad")')
	[ "$(echo "$r" | jq -r .inode)" = 8-128-1 ]
	size=$(echo "$r" | jq -r .size)
	[ "$(echo "$r" | jq -r .md5)" = "$(head -c "$size" /dev/zero | md5sum | cut -d' ' -f1)" ]
}

@test "split raw and E01 give the records of the raw image" {
	a=$(triage-walk -H md5 "$DATA/mbr.img" | jq -c 'del(.source)')
	[ "$(triage-walk -H md5 "$DATA/mbr.raw.000" | jq -c 'del(.source)')" = "$a" ]
	[ "$(triage-walk -H md5 "$DATA/mbr.E01" | jq -c 'del(.source)')" = "$a" ]
}

@test "filters agree with jq over the full listing; --volume with fls -o" {
	all=$(triage-walk "$DATA/mbr.img")
	[ "$(triage-walk -d "$DATA/mbr.img")" = "$(echo "$all" | jq -c 'select(.deleted)')" ]
	[ "$(triage-walk -a "$DATA/mbr.img")" = "$(echo "$all" | jq -c 'select(.deleted | not)')" ]
	[ "$(triage-walk -t dir,link "$DATA/mbr.img")" = "$(echo "$all" | jq -c 'select(.type == "dir" or .type == "link")')" ]
	[ "$(triage-walk -m 0 "$DATA/mbr.img")" = "$(echo "$all" | jq -c 'select(.path | test("^/[^/]*$"))')" ]
	[ "$(triage-walk -p /home/bob "$DATA/mbr.img")" = "$(echo "$all" | jq -c 'select(.path == "/home/bob" or (.path | startswith("/home/bob/")))')" ]
	# a path prefix matches whole components only
	[ -z "$(triage-walk -p /home/bo "$DATA/mbr.img")" ]
	[ "$(triage-walk --volume 3 "$DATA/mbr.img" | wc -l)" -eq "$(fls -r -o 2176 "$DATA/mbr.img" | wc -l)" ]
	[ "$(triage-walk -d "$DATA/ext4.img" | wc -l)" -eq "$(fls -r -d "$DATA/ext4.img" | wc -l)" ]
}

@test "hostile names: U+FFFD with path_hex, control bytes escaped in JSON, '^' in the bodyfile" {
	run -0 --separate-stderr triage-walk "$DATA/ext4.img"
	r=$(echo "$output" | jq -c 'select(.inode == "20")')
	[ "$(echo "$r" | jq -r .path_hex)" = "$(printf '/home/alice/bad\xff\xfename.txt' | od -An -tx1 | tr -d ' \n')" ]
	[ "$(echo "$r" | jq -r .name)" = "bad"$'\xef\xbf\xbd\xef\xbf\xbd'"name.txt" ]
	[ "$(echo "$output" | jq -r 'select(.inode == "23") | .name')" = $'esc\e[31mred.txt' ]
	run -0 --separate-stderr triage-walk "$DATA/hostile.img"
	assert_jsonl "$output"
	[ "$(echo "$output" | jq -r 'select(.inode == "21") | .name')" = $'new\nline.txt' ]
	[ "$(echo "$output" | jq -r 'select(.inode == "20") | .name')" = a/b ]
	# the 1636-byte path of inode 44, as long as fls prints it (^ for 0x01)
	[ "$(echo "$output" | jq -r 'select(.inode == "44") | .path | length')" -eq "$(fls -r -p "$DATA/hostile.img" | awk -F'\t' '/ 44:/ {print length($2) + 1}')" ]
	run -0 --separate-stderr triage-walk -o bodyfile "$DATA/hostile.img"
	grep -qF '0|/new^line.txt|21|' <<<"$output"
	grep -qF '0|/ctl^x.txt|17|' <<<"$output"
	run -0 --separate-stderr triage-walk -o bodyfile "$DATA/ext4.img"
	grep -qF '0|/home/alice/notes with spaces | pipe.txt|25|' <<<"$output"
	grep -qF '0|/home/alice/link-to-report -> docs/report.txt|24|l/lrwxrwxrwx|' <<<"$output"
}

@test "bodyfile with -H md5: the md5 column equals icat | md5sum" {
	run -0 --separate-stderr triage-walk -o bodyfile -H md5 -t file "$DATA/ext4.img"
	n=0
	# inode is the 9th field from the end: names may hold '|'
	while read -r md5 ino; do
		[ "$md5" = "$(icat "$DATA/ext4.img" "$ino" </dev/null | md5sum | cut -d' ' -f1)" ]
		n=$((n + 1))
	done < <(echo "$output" | awk -F'|' '{print $1, $(NF - 8)}')
	[ "$n" -eq 13 ]
}

@test "a damaged folder: warning with inode and path, the walk goes on, exit 2" {
	img="$BATS_TEST_TMPDIR/bad.img"
	cp "$DATA/ext4.img" "$img"
	# overwrite the directory block of /home/alice/docs (inode 21)
	blk=$(istat "$img" 21 | awk '/^Direct Blocks:/ {getline; print $1}')
	[ -n "$blk" ]
	head -c 1024 /dev/urandom | dd of="$img" bs=1024 seek="$blk" conv=notrunc status=none
	run -2 --separate-stderr triage-walk "$img"
	assert_jsonl "$output"
	[[ "$stderr" == *"cannot read folder inode 21 ('/home/alice/docs') in '$img'"* ]]
	[ "$(echo "$output" | jq -r 'select(.path == "/var/log/syslog") | .inode')" = 32 ]
	[ -z "$(echo "$output" | jq -r 'select(.path | startswith("/home/alice/docs/"))')" ]
	# the root folder itself
	cp "$DATA/ext4.img" "$img"
	blk=$(istat "$img" 2 | awk '/^Direct Blocks:/ {getline; print $1}')
	dd if=/dev/zero of="$img" bs=1024 seek="$blk" count=1 conv=notrunc status=none
	run -2 --separate-stderr triage-walk "$img"
	assert_jsonl "$output"
	[[ "$stderr" == *"cannot read folder inode 2 ('/')"* ]]
	run -2 --separate-stderr triage-walk -q "$img"
	[ -z "$stderr" ]
}

@test "live folder: the same records as an ext4 image of it (mke2fs -d)" {
	need_cmd mke2fs
	d=$(scratch)
	mkdir -p "$d/tree/a/b/c" "$d/tree/empty"
	printf 'hello\n' > "$d/tree/a/hello.txt"
	head -c 100000 /dev/urandom > "$d/tree/a/b/blob.bin"
	printf 'x' > "$d/tree/a/b/c/"$'we\xffird'
	ln -s ../hello.txt "$d/tree/a/b/link"
	mkfifo "$d/tree/fifo"
	chmod 0751 "$d/tree/a/b"
	touch -d '2021-02-03 04:05:06.123456789' "$d/tree/a/hello.txt"
	mke2fs -q -t ext4 -I 256 -d "$d/tree" "$d/tree.img" 4M
	# mke2fs -d keeps whole seconds only: compare mtime to the second
	keys='[.path, .path_hex, .type, (if .type == "dir" then null else .size end), .mode, .uid, .mtime[0:19], .link_target, .sha256] | @json'
	live=$(triage-walk -H sha256 "$d/tree" | jq -r "$keys" | sort)
	img=$(triage-walk -H sha256 "$d/tree.img" | jq -r "select(.path != \"/lost+found\" and .type != \"virtual_dir\") | $keys" | sort)
	[ "$live" = "$img" ] || { diff <(echo "$live") <(echo "$img"); return 1; }
	[ "$(echo "$live" | wc -l)" -eq 9 ]
	[[ "$live" == *'"2021-02-03T04:05:06"'* ]]
	[ "$(triage-walk "$d/tree" | jq -r 'select(.name == "hello.txt") | .mtime')" = 2021-02-03T04:05:06.123456789Z ]
}

@test "live folder: symlinks are not followed, -m and -p prune, --one-file-system" {
	d=$(scratch)
	mkdir -p "$d/x/y/z"
	ln -s / "$d/x/root"
	run -0 --separate-stderr triage-walk "$d"
	[ "$(echo "$output" | jq -r .path | paste -sd' ')" = "/x /x/root /x/y /x/y/z" ]
	[ "$(echo "$output" | jq -r 'select(.type=="link") | .link_target')" = / ]
	[ "$(triage-walk -m 1 "$d" | jq -r .path | paste -sd' ')" = "/x /x/root /x/y" ]
	[ "$(triage-walk -p /x/y "$d" | jq -r .path | paste -sd' ')" = "/x/y /x/y/z" ]
	[ "$(triage-walk -d "$d" | wc -l)" -eq 0 ]
	# /dev is a mount point on another filesystem than /
	[ "$(stat -c %d /dev)" != "$(stat -c %d /)" ] || skip "/dev is not a separate mount"
	[ "$(triage-walk -m 1 -p /dev -t dir / | wc -l)" -gt 1 ] || skip "nothing mounted below /dev"
	run -0 --separate-stderr triage-walk -x -m 1 -p /dev -t dir /
	[ "$(echo "$output" | jq -r .path)" = /dev ]
}

@test "live folder: hashing does not change access times" {
	d=$(scratch)
	printf 'content\n' > "$d/f"
	want=$(sha256sum < "$d/f" | cut -d' ' -f1)
	touch -a -d '2001-01-01 00:00:00' "$d/f"
	before=$(stat -c %X "$d/f")
	run -0 --separate-stderr triage-walk -H sha256 "$d"
	[ "$(stat -c %X "$d/f")" = "$before" ]
	[ "$(echo "$output" | jq -r .sha256)" = "$want" ]
	# Folders too: listing one does not set its access time.
	mkdir "$d/sub"
	touch "$d/sub/g"
	touch -a -d '2001-01-01 00:00:00' "$d/sub"
	before=$(stat -c %X "$d/sub")
	run -0 --separate-stderr triage-walk "$d"
	[ "$(stat -c %X "$d/sub")" = "$before" ]
}

@test "APFS (through the pool) and HFS+: records with ns times" {
	need_shared
	run -0 --separate-stderr triage-walk "$TRIAGE_TEST_DATA/images/dfvfs/apfs.raw"
	assert_jsonl "$output"
	[ "$(echo "$output" | jq -r '.fs' | sort -u)" = apfs ]
	[ "$(echo "$output" | jq -r 'select(.path == "/a_directory/a_file") | .mtime | test("\\.[0-9]{9}Z$")')" = true ]
	run -0 --separate-stderr triage-walk "$TRIAGE_TEST_DATA/images/dfvfs/hfsplus.raw"
	[ "$(echo "$output" | jq -r '.fs' | sort -u)" = hfsp ]
	[ "$(echo "$output" | jq -r 'select(.path == "/a_directory/a_file") | .size')" -gt 0 ]
}

@test "the evidence is not modified" {
	before=$(sha256sum "$DATA/mbr.E01" "$DATA/mbr.E02" "$DATA/ext4.img")
	triage-walk -H md5 "$DATA/mbr.E01" "$DATA/ext4.img" >/dev/null
	[ "$(sha256sum "$DATA/mbr.E01" "$DATA/mbr.E02" "$DATA/ext4.img")" = "$before" ]
}

@test "large files hash in threads as sha256sum does, sparse runs as zeros (image and live)" {
	need_cmd mke2fs
	d=$(scratch)
	mkdir "$d/tree"
	# above and below the 4 MiB from which reads overlap hashing
	head -c $((9 * 1048576 + 12345)) /dev/urandom > "$d/tree/big.bin"
	head -c $((4 * 1048576 - 1)) /dev/urandom > "$d/tree/under.bin"
	truncate -s 12M "$d/tree/sparse.bin"
	printf 'middle' | dd of="$d/tree/sparse.bin" bs=1 seek=$((6 * 1048576)) conv=notrunc status=none
	mke2fs -q -t ext4 -d "$d/tree" "$d/tree.img" 48M
	for src in "$d/tree.img" "$d/tree"; do
		run -0 --separate-stderr triage-walk -H md5,sha1,sha256 -t file "$src"
		[ -z "$stderr" ]
		for f in big.bin under.bin sparse.bin; do
			r=$(echo "$output" | jq -c "select(.name == \"$f\")")
			[ "$(jq -r .md5 <<<"$r")" = "$(md5sum < "$d/tree/$f" | cut -d' ' -f1)" ]
			[ "$(jq -r .sha1 <<<"$r")" = "$(sha1sum < "$d/tree/$f" | cut -d' ' -f1)" ]
			[ "$(jq -r .sha256 <<<"$r")" = "$(sha256sum < "$d/tree/$f" | cut -d' ' -f1)" ]
		done
	done
}

@test "progress: on stderr when it is a terminal, never on stdout, nothing when stderr is a file or -q" {
	need_cmd script
	d=$(scratch)
	walk="$TRIAGE_BUILDDIR/cmd/triage-walk"
	# script copies its stdin to the terminal it makes: give it nothing (make -j and CI
	# give tests an odd or closed stdin; with input, the tty would echo it into $output).
	run -0 script -qec "'$walk' -H sha256 '$DATA/ext4.img' > '$d/out'" /dev/null </dev/null
	[[ "$output" == *$'\r'"triage-walk: "*" entries"* ]]
	# the line is blanked out at the end
	[[ "$output" == *$'\r' ]]
	assert_jsonl "$(cat "$d/out")"
	[ "$(cat "$d/out")" = "$(triage-walk -H sha256 "$DATA/ext4.img")" ]
	# stdout a terminal, stderr a file: nothing on either but records
	run -0 script -qec "'$walk' -H sha256 '$DATA/ext4.img' 2> '$d/err'" /dev/null </dev/null
	[ ! -s "$d/err" ]
	[[ "$output" != *"entries"* ]]
	run -0 script -qec "'$walk' -q '$DATA/ext4.img' > /dev/null" /dev/null </dev/null
	[ -z "$output" ]
}

@test "--path-prefix of a folder walks from it: the same records as the whole walk, filtered" {
	imgs=("$DATA/ext4.img" "$DATA/hostile.img" "$DATA/fat32.img" "$DATA/mbr.img")
	if [ -d "$TRIAGE_TEST_DATA/images" ] && [ -f "$TRIAGE_TEST_DATA/images/compressed/ntfs-lastaccess.raw.gz" ]; then
		ntfs_image
		imgs+=("$NTFS")
	fi
	n=0
	for img in "${imgs[@]}"; do
		all=$(triage-walk -H md5 "$img" | jq -c .)
		# folders with plain names (control bytes and bad UTF-8 apart)
		dirs=$(echo "$all" | jq -r 'select(.type == "dir" and .path_hex == null and (.path | explode | all(. >= 32))) | .path' | sort -u)
		while IFS= read -r p; do
			[ -n "$p" ] || continue
			want=$(echo "$all" | jq -c --arg p "$p" 'select(.path == $p or (.path | startswith($p + "/")))')
			[ "$(triage-walk -H md5 -p "$p" "$img" </dev/null | jq -c .)" = "$want" ] || { echo "differs: $img -p $p" >&2; return 1; }
			want=$(echo "$all" | jq -c --arg p "$p" 'select(.path | startswith($p + "/"))')
			[ "$(triage-walk -H md5 -p "$p/" "$img" </dev/null | jq -c .)" = "$want" ]
			want=$(triage-walk -H md5 -m 1 "$img" </dev/null | jq -c --arg p "$p" 'select(.path == $p or (.path | startswith($p + "/")))')
			[ "$(triage-walk -H md5 -m 1 -p "$p" "$img" </dev/null | jq -c .)" = "$want" ]
			n=$((n + 1))
		done <<<"$dirs"
	done
	[ "$n" -ge 10 ]
}

# The shared hostile images (issue: hostile-input campaign), decompressed.
hostile() {
	need_shared
	local gz="$TRIAGE_TEST_DATA/hostile/$1.gz"
	[ -f "$gz" ] || skip "no $gz"
	HOSTILE="$BATS_TEST_TMPDIR/$1"
	gunzip -c "$gz" > "$HOSTILE"
}

@test "a name with terminal escapes is quoted with \\xHH in warnings, never raw" {
	hostile ext2-escape-seq-name.img
	run --separate-stderr triage-walk "$HOSTILE"
	[ "$status" -eq 2 ]
	# The records keep the name (JSON-escaped); stderr has no control byte.
	[[ "$stderr" == *'\x1b]0;PWNED\x07\x1b[2J'* ]]
	! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$stderr"
	jq -e -s 'map(select(.path == "/a/\u001b]0;PWNED\u0007\u001b[2J")) | length == 1' <<<"$output"
}

@test "folder loops are named as loops, not as unreadable folders" {
	for img in ext2-dirloop.img fat16-dirloop.img; do
		hostile "$img"
		run --separate-stderr timeout 60 triage-walk "$HOSTILE"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"folder loop: folder inode"*"is one of its own parent folders"* ]]
		[[ "$stderr" != *"not even '.'"* ]]
	done
}

@test "--label names the evidence in every record (jsonl fast path and hashed), and the timeline keeps it" {
	run --separate-stderr triage-walk --label 'laptop 17' -H sha256 "$DATA/sample.img"
	[ "$status" -eq 0 ]
	jq -e -s 'length > 10 and all(.evidence == "laptop 17") and all(keys_unsorted[2] == "evidence")' <<<"$output"
	run --separate-stderr triage-walk "$DATA/sample.img"
	jq -e -s 'all(has("evidence") | not)' <<<"$output"
	triage-walk --label L1 "$DATA/sample.img" | triage-timeline | jq -e -s 'length > 10 and all(.evidence == "L1")'
}

@test "FAT times do not follow the examiner's TZ; -z reads them in a zone, as fls -z does" {
	local tz a b
	a=$(TZ=UTC triage-walk --volume 3 "$DATA/sample.img" | sha256sum)
	for tz in America/New_York Asia/Tokyo; do
		b=$(TZ=$tz triage-walk --volume 3 "$DATA/sample.img" | sha256sum)
		[ "$a" = "$b" ]
	done
	triage-walk --volume 3 "$DATA/sample.img" | jq -e -s 'all(.timezone == "UTC") and any(.atime_precision == "day")'
	# 2023-04-05 06:07:08 local is 10:07:08Z in New York (EDT) and 21:07:08Z the day before in Tokyo.
	triage-walk -z America/New_York --volume 3 "$DATA/sample.img" |
	    jq -e -s 'map(select(.path == "/Users")) | .[0] | .mtime == "2023-04-05T10:07:08Z" and .timezone == "America/New_York" and .atime == "2023-04-05T04:00:00Z"'
	triage-walk -z Asia/Tokyo --volume 3 "$DATA/sample.img" |
	    jq -e -s 'map(select(.path == "/Users")) | .[0].mtime == "2023-04-04T21:07:08Z"'
	# fls with the same zone agrees, line for line.
	for tz in UTC America/New_York Asia/Tokyo; do
		want=$("$ORACLE/fls-bodyfile.sh" "$DATA/sample.img" 7340032 -z "$tz" </dev/null)
		got=$(triage-walk -q -o bodyfile -z "$tz" --volume 3 "$DATA/sample.img" | LC_ALL=C sort)
		[ "$got" = "$want" ]
	done
	run -2 --separate-stderr triage-walk -z Nowhere/Land "$DATA/sample.img"
	[[ "$stderr" == *"unknown time zone 'Nowhere/Land'"* ]]
	run -2 --separate-stderr triage-walk -z ../../etc/passwd "$DATA/sample.img"
	[[ "$stderr" == *"invalid time zone"* ]]
}
