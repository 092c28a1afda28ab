#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-scan: YARA over files in images, live folders, stdin records and
# unallocated space; oracle: yara -r over the files icat takes out.

load helpers

RULES="$TRIAGE_SRCDIR/rules/yara"
SAMPLES="$TRIAGE_SRCDIR/tests/data/rules"
EICAR_SHA=275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f

setup() {
	export XDG_CACHE_HOME="$BATS_TEST_TMPDIR/cache"
}

@test "--help first line is the man SYNOPSIS" {
	assert_help_matches_man triage-scan
}

@test "--version exits 0 and names libyara" {
	run -0 --separate-stderr triage-scan --version
	[[ "$output" == "triage-scan (triage) "* ]]
	[[ "$output" == *yara* ]]
}

@test "unknown option, missing rules, missing source: exit 2 with usage" {
	run -2 --separate-stderr triage-scan --bogus -r "$RULES" "$DATA/ext4.img"
	[[ "$stderr" == *"usage: triage-scan"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr triage-scan "$DATA/ext4.img"
	[[ "$stderr" == *"no rules given"* ]]
	run -2 --separate-stderr triage-scan -r "$RULES"
	[[ "$stderr" == *"no source given"* ]]
	run -2 --separate-stderr triage-scan -j 0 -r "$RULES" "$DATA/ext4.img"
	[[ "$stderr" == *"invalid jobs '0'"* ]]
	run -2 --separate-stderr triage-scan -m 12X -r "$RULES" "$DATA/ext4.img"
	[[ "$stderr" == *"invalid size '12X'"* ]]
}

@test "a missing image: exit 2 naming it" {
	run -2 --separate-stderr triage-scan -r "$RULES" "$BATS_TEST_TMPDIR/nope.img"
	[[ "$stderr" == *"'$BATS_TEST_TMPDIR/nope.img'"* ]]
	[ -z "$output" ]
}

@test "-- ends the options" {
	need_fixtures
	run -0 --separate-stderr triage-scan -r "$RULES" -- "$DATA/ext4.img"
	assert_jsonl "$output"
}

@test "writing to /dev/full: exit 2" {
	need_fixtures
	run -2 --separate-stderr bash -c "triage-scan -r '$RULES' '$DATA/ext4.img' > /dev/full"
	[[ "$stderr" == *"triage-scan: "* ]]
}

@test "every shipped rule compiles (yarac and triage-scan) and has samples" {
	need_cmd yarac
	local f r n=0
	for f in "$RULES"/*.yar; do
		yarac -d filename= -d filepath= -d extension= -d deleted=false \
			"$f" "$BATS_TEST_TMPDIR/x.yarc"
	done
	run -1 --separate-stderr triage-scan -N -r "$RULES" "$DATA/empty.bin"
	[ -z "$stderr" ]
	# Every rule has a folder of samples, and every folder a rule.
	for r in $(grep -hoE '^rule [A-Za-z0-9_]+' "$RULES"/*.yar | cut -d' ' -f2); do
		[ -f "$SAMPLES/$r"/positive.* ] || { echo "no positive sample for $r"; return 1; }
		[ -f "$SAMPLES/$r"/negative.* ] || { echo "no negative sample for $r"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 20 ]
}

@test "each shipped rule matches its positive sample and not its negative one" {
	need_cmd yara
	local d r f
	for d in "$SAMPLES"/*/; do
		r=$(basename "$d")
		for f in "$d"positive.* "$d"negative.*; do
			run --separate-stderr triage-scan -j 1 -r "$RULES" "$f"
			[ -z "$stderr" ] || { echo "$f: $stderr"; return 1; }
			got=$(printf '%s\n' "$output" | jq -r 'select(.rule) | .rule' | grep -cx "$r" || true)
			want=$(yara -w -d filename= -d filepath= -d extension= -d deleted=false \
				"$RULES"/*.yar "$f" | cut -d' ' -f1 | grep -cx "$r" || true)
			[ "$got" = "$want" ] || { echo "$f: triage-scan $got, yara $want"; return 1; }
			case $f in
			*positive.*) [ "$got" = 1 ] || { echo "$r misses $f"; return 1; } ;;
			*) [ "$got" = 0 ] || { echo "$r matches $f"; return 1; } ;;
			esac
		done
	done
}

@test "EICAR in ext4.img: one hit with address, times, sha256 and strings" {
	need_fixtures
	run -0 --separate-stderr triage-scan -j 1 -r "$RULES/eicar.yar" "$DATA/ext4.img"
	assert_jsonl "$output"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r '[.record,.source,.fs,.inode,.path,.size,.deleted,.sha256,.rule,.namespace,(.tags|join(",")),.meta.severity]|@tsv' <<<"$output")" = \
	  "$(printf 'hit\t%s\text4\t19\t/home/alice/Downloads/eicar.com\t68\tfalse\t%s\tEICAR_Test_File\teicar\ttest\t1' "$DATA/ext4.img" "$EICAR_SHA")" ]
	[ "$(jq -r '.mtime' <<<"$output")" = 2023-04-06T01:07:09.200000019Z ]
	[ "$(jq -r '.strings[0] | [.id,.offset,.length] | @tsv' <<<"$output")" = "$(printf '$eicar\t0\t68')" ]
	[ "$(jq -r '.strings[0].data' <<<"$output")" = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$' ]
	# Key order (triage-records(5)).
	[ "$(jq -c 'keys_unsorted' <<<"$output")" = '["record","source","fs","inode","path","size","deleted","mtime","atime","ctime","btime","sha256","rule","namespace","tags","meta","strings"]' ]
	# sha256 equals that of what icat takes out.
	[ "$(icat "$DATA/ext4.img" 19 | sha256sum | cut -d' ' -f1)" = "$EICAR_SHA" ]
}

@test "EICAR in mbr.img, its split raw set and its E01: volume 3, FAT16" {
	need_fixtures
	local img
	for img in mbr.img mbr.raw.000 mbr.E01; do
		run -0 --separate-stderr triage-scan -r "$RULES/eicar.yar" "$DATA/$img"
		[ "$(jq -r '[.volume,.fs,.inode,.path,.sha256]|@tsv' <<<"$output")" = \
		  "$(printf '3\tfat16\t517\t/Download/EICAR.COM\t%s' "$EICAR_SHA")" ]
	done
	run -0 --separate-stderr triage-scan -v 3 -r "$RULES/eicar.yar" "$DATA/mbr.img"
	[ "${#lines[@]}" -eq 1 ]
	run -1 --separate-stderr triage-scan -v 2 -r "$RULES/eicar.yar" "$DATA/mbr.img"
	[ -z "$output" ]
	run -1 --separate-stderr triage-scan -v 7 -r "$RULES/eicar.yar" "$DATA/mbr.img"
	[ -z "$output" ]
	run -2 --separate-stderr triage-scan -v 5 -r "$RULES/eicar.yar" "$DATA/mbr.img"
	[[ "$stderr" == *"no filesystem in volume 5"* ]]
}

@test "no match: exit 1 and no output" {
	need_fixtures
	run -1 --separate-stderr triage-scan -r "$RULES/eicar.yar" "$DATA/gpt.img"
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "rules that do not compile: exit 2 naming file:line" {
	need_fixtures
	local s
	s=$(scratch)
	printf 'rule ok { condition: true }\n\nrule bad {\n  strings: $a = "x"\n  condition: $a and\n}\n' >"$s/bad.yar"
	run -2 --separate-stderr triage-scan -r "$s/bad.yar" "$DATA/ext4.img"
	[[ "$stderr" == *"$s/bad.yar:6: error: syntax error"* ]]
	[ -z "$output" ]
	printf 'rule w { strings: $a = "x" condition: $a }\n' >"$s/warn.yar"
	run -1 --separate-stderr triage-scan -N -r "$s/warn.yar" "$DATA/gpt.img"
	[[ "$stderr" == *"$s/warn.yar:1: warning:"*"slow down"* ]]
	printf 'not yara at all \x01\x02\n' >"$s/garbage.yar"
	run -2 --separate-stderr triage-scan -r "$s/garbage.yar" "$DATA/ext4.img"
	[[ "$stderr" == *"$s/garbage.yar:1: error:"* ]]
}

@test "a folder of rules: one namespace per file; compiled rules; the cache" {
	need_fixtures
	local s
	s=$(scratch)
	mkdir -p "$s/r/sub"
	printf 'rule dup { strings: $a = "EICAR" condition: $a }\n' >"$s/r/one.yar"
	printf 'rule dup { strings: $a = "EICAR" condition: $a }\n' >"$s/r/sub/two.yara"
	echo 'not rules' >"$s/r/README"
	run -0 --separate-stderr triage-scan -r "$s/r" "$DATA/ext4.img"
	[ "$(jq -r .namespace <<<"$output" | sort | tr '\n' ' ')" = "one sub/two " ]
	# The cache was written, keyed by content; a second run reads it.
	[ "$(ls "$XDG_CACHE_HOME/triage" | grep -c '^rules-.*\.yarc$')" = 1 ]
	run -0 --separate-stderr triage-scan -r "$s/r" "$DATA/ext4.img"
	[ "$(ls "$XDG_CACHE_HOME/triage" | grep -c '^rules-.*\.yarc$')" = 1 ]
	printf 'rule dup2 { strings: $a = "EICAR" condition: $a }\n' >"$s/r/one.yar"
	run -0 --separate-stderr triage-scan -r "$s/r" "$DATA/ext4.img"
	[ "$(ls "$XDG_CACHE_HOME/triage" | grep -c '^rules-.*\.yarc$')" = 2 ]
	[[ "$output" == *'"rule":"dup2"'* ]]
	# --no-cache writes nothing.
	rm -rf "$XDG_CACHE_HOME"
	run -0 --separate-stderr triage-scan -N -r "$s/r" "$DATA/ext4.img"
	[ ! -e "$XDG_CACHE_HOME/triage" ] || [ -z "$(ls "$XDG_CACHE_HOME/triage")" ]
	# Compiled rules (yarac) are accepted alone, refused with others.
	need_cmd yarac
	yarac "$RULES/eicar.yar" "$s/eicar.yarc"
	run -0 --separate-stderr triage-scan -r "$s/eicar.yarc" "$DATA/ext4.img"
	[ "$(jq -r .rule <<<"$output")" = EICAR_Test_File ]
	run -2 --separate-stderr triage-scan -r "$s/eicar.yarc" -r "$RULES" "$DATA/ext4.img"
	[[ "$stderr" == *"cannot be combined"* ]]
	run -2 --separate-stderr triage-scan -r "$s/nothing" "$DATA/ext4.img"
	[[ "$stderr" == *"'$s/nothing'"* ]]
}

@test "external variables: filename, filepath, extension, deleted" {
	need_fixtures
	local s
	s=$(scratch)
	cat >"$s/ext.yar" <<-'EOF'
	rule by_ext { condition: extension == "com" }
	rule by_name { condition: filename == "report.txt" }
	rule by_path { condition: filepath startswith "/home/alice/docs/" }
	rule is_deleted { condition: deleted }
	EOF
	run -0 --separate-stderr triage-scan -j 1 -d -r "$s/ext.yar" "$DATA/ext4.img"
	assert_jsonl "$output"
	[ "$(jq -r 'select(.rule=="by_ext") | .path' <<<"$output")" = /home/alice/Downloads/eicar.com ]
	[ "$(jq -r 'select(.rule=="by_name") | .path' <<<"$output")" = /home/alice/docs/report.txt ]
	[ "$(jq -r 'select(.rule=="by_path") | .path' <<<"$output" | sort | tr '\n' ' ')" = \
	  "/home/alice/docs/deleted-secret.txt /home/alice/docs/report-hardlink.txt /home/alice/docs/report.txt " ]
	[ "$(jq -r 'select(.rule=="is_deleted") | [.inode,.path,.deleted] | @tsv' <<<"$output")" = \
	  "$(printf '33\t/home/alice/docs/deleted-secret.txt\ttrue')" ]
	# Without -d the deleted file is not scanned.
	run -0 --separate-stderr triage-scan -r "$s/ext.yar" "$DATA/ext4.img"
	[ "$(jq -r 'select(.deleted) | .path' <<<"$output")" = "" ]
	# The deleted file's content is what icat recovers.
	printf 'rule secret { strings: $a = "%s" condition: $a }\n' \
		"$(icat "$DATA/ext4.img" 33 | head -c 20)" >"$s/secret.yar"
	run -0 --separate-stderr triage-scan -d -r "$s/secret.yar" "$DATA/ext4.img"
	[ "$(jq -r '.inode' <<<"$output")" = 33 ]
}

@test "--include and --exclude globs on paths" {
	need_fixtures
	local s
	s=$(scratch)
	printf 'rule any_file { condition: true }\n' >"$s/all.yar"
	run -0 --separate-stderr triage-scan -j 1 -i '/etc/*' -r "$s/all.yar" "$DATA/ext4.img"
	[ "$(jq -r .path <<<"$output" | tr '\n' ' ')" = "/etc/hostname /etc/passwd " ]
	run -0 --separate-stderr triage-scan -j 1 -i '/etc/*' -e '*/passwd' -r "$s/all.yar" "$DATA/ext4.img"
	[ "$(jq -r .path <<<"$output")" = /etc/hostname ]
	run -1 --separate-stderr triage-scan -e '*' -r "$s/all.yar" "$DATA/ext4.img"
	[ -z "$output" ]
}

@test "--max-size skips larger files with a warning; --timeout is an error" {
	need_fixtures
	local s
	s=$(scratch)
	printf 'rule any_file { condition: true }\n' >"$s/all.yar"
	run -0 --separate-stderr triage-scan -j 1 -m 100 -i '/var/*' -r "$s/all.yar" "$DATA/ext4.img"
	[[ "$stderr" == *"skipped '/var/log/syslog' in '$DATA/ext4.img': 18900 bytes, over --max-size 100"* ]]
	[ "$(jq -r .path <<<"$output")" = /var/log/empty.log ]
	run -0 --separate-stderr triage-scan -q -j 1 -m 100 -i '/var/*' -r "$s/all.yar" "$DATA/ext4.img"
	[ -z "$stderr" ]
	printf 'rule slow { condition: for all i in (0..100000000000) : (i >= 0) }\n' >"$s/slow.yar"
	printf 'rule eicar { strings: $a = "EICAR" condition: $a }\n' >"$s/eicar.yar"
	run -2 --separate-stderr triage-scan -j 2 -t 1 -i '/home/alice/Downloads/*' -i '/etc/hostname' \
		-r "$s/slow.yar" -r "$s/eicar.yar" "$DATA/ext4.img"
	[[ "$stderr" == *"cannot scan '/etc/hostname' (inode 13) in '$DATA/ext4.img': scan timed out after 1 s"* ]]
}

@test "file records on stdin: only those files, matched by volume and inode" {
	need_fixtures
	local s recs
	s=$(scratch)
	printf 'rule any_file { condition: true }\n' >"$s/all.yar"
	recs='{"record":"file","source":"x","volume":2,"inode":"16","path":"/home/bob/notes.txt","type":"file"}
{"record":"file","source":"x","volume":3,"inode":"517","path":"/Download/EICAR.COM","type":"file"}
{"record":"file","source":"x","volume":3,"inode":"5","path":"/Download","type":"dir"}'
	run -0 --separate-stderr triage-scan -j 1 -H -r "$s/all.yar" "$DATA/mbr.img" - <<<"$recs"
	[ "$(jq -r '[.volume,.inode,.path]|@tsv' <<<"$output" | tr '\n' ' ')" = \
	  "$(printf '2\t16\t/home/bob/notes.txt 3\t517\t/Download/EICAR.COM ')" ]
	[ "$(jq -r 'select(.inode=="517") | .sha256' <<<"$output")" = "$EICAR_SHA" ]
	# Garbage, a wrong record and a missing inode: errors naming the line, the rest goes on.
	run -2 --separate-stderr triage-scan -j 1 -H -r "$s/all.yar" "$DATA/mbr.img" - <<-EOF
	this is not json
	{"record":"volume","volume":1}
	{"record":"file","volume":2,"inode":"99999","path":"/nope","type":"file"}
	{"record":"file","volume":9,"inode":"16","path":"/x","type":"file"}
	{"record":"file","volume":2,"inode":"16","path":"/home/bob/notes.txt","type":"file"}
	EOF
	[[ "$stderr" == *"'stdin' line 1"* ]]
	[[ "$stderr" == *"'stdin' line 2: not a file record"* ]]
	[[ "$stderr" == *"cannot scan '/nope' (inode 99999) in '$DATA/mbr.img': no inode 99999"* ]]
	[[ "$stderr" == *"'stdin' line 4: no filesystem in '$DATA/mbr.img' for volume 9"* ]]
	[ "$(jq -r .path <<<"$output")" = /home/bob/notes.txt ]
}

@test "stdin records pass through, so walk | scan | timeline tags matched files" {
	need_fixtures
	local s
	s=$(scratch)
	triage-walk "$DATA/mbr.img" >"$s/files.jsonl"
	run -0 --separate-stderr bash -c "triage-walk '$DATA/mbr.img' | triage-scan -j 2 -r '$TRIAGE_SRCDIR/rules/yara' '$DATA/mbr.img' -"
	assert_jsonl "$output"
	# Every record read comes out unchanged, plus the hits.
	diff <(jq -c 'select(.record == "file")' <<<"$output" | sort) <(sort "$s/files.jsonl")
	[ "$(jq -r 'select(.record == "hit") | .path' <<<"$output")" = /Download/EICAR.COM ]
	# Other kinds pass through too, and are not an error.
	run -0 --separate-stderr bash -c "{ triage-info '$DATA/mbr.img'; cat '$s/files.jsonl'; } | triage-scan -j 1 -r '$TRIAGE_SRCDIR/rules/yara' '$DATA/mbr.img' -"
	[ "$(jq -r 'select(.record == "volume") | .volume' <<<"$output" | wc -l)" -eq 8 ]
	[ -z "$stderr" ]
	# The timeline gets both and tags the matched file's events.
	tagged=$(triage-walk "$DATA/mbr.img" | triage-scan -j 1 -r "$TRIAGE_SRCDIR/rules/yara" "$DATA/mbr.img" - |
		triage-timeline | jq -r 'select(.tag) | "\(.path) \(.tag | join(","))"' | sort -u)
	[ "$tagged" = "/Download/EICAR.COM yara:EICAR_Test_File" ]
}

@test "a live folder and plain files" {
	local s
	s=$(scratch)
	mkdir -p "$s/www/up" "$s/empty"
	cp "$SAMPLES/Webshell_PHP_Request_Exec/positive.php" "$s/www/up/x.php"
	cp "$SAMPLES/Webshell_PHP_Request_Exec/negative.php" "$s/www/index.php"
	run -0 --separate-stderr triage-scan -j 1 -r "$RULES" "$s/www"
	[ "$(jq -r '[.source,.path,.rule]|@tsv' <<<"$output")" = \
	  "$(printf '%s\t/up/x.php\tWebshell_PHP_Request_Exec' "$s/www")" ]
	run -0 --separate-stderr triage-scan -r "$RULES" "$s/www/up/x.php"
	[ "$(jq -r '[.source,.path,.size]|@tsv' <<<"$output")" = "$(printf '%s\t/x.php\t%s' "$s/www/up" "$(stat -c %s "$s/www/up/x.php")")" ]
	run -1 --separate-stderr triage-scan -r "$RULES" "$s/empty"
	[ -z "$output" ]
}

@test "stdin records on a live folder: no '..', no symbolic link, no FIFO is opened" {
	local s
	s=$(scratch)
	mkdir -p "$s/live/sub"
	printf 'rule any_file { condition: true }\n' >"$s/all.yar"
	echo secret >"$s/outside.txt"
	echo inside >"$s/live/sub/in.txt"
	ln -s "$s" "$s/live/sub/up"
	ln -s "$s/outside.txt" "$s/live/link.txt"
	mkfifo "$s/live/fifo"
	# The timeout only turns a hang on the FIFO into a failure: generous, for ASan on a
	# loaded machine.
	run -2 --separate-stderr timeout 120 triage-scan -j 1 -H -r "$s/all.yar" "$s/live" - <<-EOF
	{"record":"file","source":"$s/live","path":"/../outside.txt","type":"file"}
	{"record":"file","source":"$s/live","path":"/sub/up/outside.txt","type":"file"}
	{"record":"file","source":"$s/live","path":"/link.txt","type":"file"}
	{"record":"file","source":"$s/live","path":"/fifo","type":"file"}
	{"record":"file","source":"$s/live","path":"/sub/in.txt","type":"file"}
	EOF
	[ "$(jq -r .path <<<"$output")" = /sub/in.txt ]
	[[ "$stderr" == *"'/../outside.txt' in '$s/live': '..' is not followed"* ]]
	[[ "$stderr" == *"'/sub/up/outside.txt' in '$s/live': a symbolic link is not followed"* ]]
	[[ "$stderr" == *"'/link.txt' in '$s/live': a symbolic link is not followed"* ]]
	[[ "$stderr" == *"cannot read '/fifo': not a regular file"* ]]
}

@test "bad images: truncated E01, corrupt table, random bytes" {
	need_fixtures
	run -2 --separate-stderr triage-scan -r "$RULES" "$DATA/truncated.E01"
	[[ "$stderr" == *"truncated.E01"* ]]
	# A raw file with neither table nor filesystem is scanned as a file.
	run -1 --separate-stderr triage-scan -r "$RULES" "$DATA/random.bin"
	[ -z "$stderr" ]
	run -1 --separate-stderr triage-scan -r "$RULES" "$DATA/corrupt-pt.img"
	[ -z "$stderr" ]
	run -1 --separate-stderr triage-scan -r "$RULES" "$DATA/empty.bin"
	[ -z "$stderr" ]
}

# Deleted file over EICAR, then --unallocated: the hit names region,
# offset and block; an MBR gap with EICAR: "unpartitioned".
@test "--unallocated: hits in free blocks and in unpartitioned space" {
	need_cmd mke2fs debugfs sfdisk blkls
	local s off blk
	s=$(scratch)
	mkdir "$s/tree"
	{ head -c 3000 /dev/zero | tr '\0' 'a'; cat "$SAMPLES/EICAR_Test_File/positive.txt"; } >"$s/tree/gone.txt"
	echo keep >"$s/tree/keep.txt"
	mke2fs -q -F -t ext4 -b 1024 -N 32 -O ^has_journal -d "$s/tree" "$s/fs.img" 1M
	debugfs -w -R 'rm /gone.txt' "$s/fs.img" 2>/dev/null
	run -1 --separate-stderr triage-scan -r "$RULES/eicar.yar" "$s/fs.img"
	run -0 --separate-stderr triage-scan -j 1 -a -r "$RULES/eicar.yar" "$s/fs.img"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r '[.region,.fs,.rule]|@tsv' <<<"$output")" = "$(printf 'unallocated\text4\tEICAR_Test_File')" ]
	off=$(jq -r .offset <<<"$output")
	blk=$(jq -r .block <<<"$output")
	[ "$blk" -eq $((off / 1024)) ]
	[ "$(jq -r .strings[0].offset <<<"$output")" = "$off" ]
	# The bytes at that offset of the image are EICAR, and blkls says the block is free.
	[ "$(dd if="$s/fs.img" bs=1 skip="$off" count=68 status=none)" = "$(cat "$SAMPLES/EICAR_Test_File/positive.txt")" ]
	blkls -a "$s/fs.img" | cmp -s - /dev/null && return 1
	[ "$(blkls "$s/fs.img" "$blk" 2>/dev/null | wc -c)" -gt 0 ] || blkls -l "$s/fs.img" | grep -q "^$blk|f"
	# Unpartitioned: EICAR in the gap before the first partition.
	truncate -s 4M "$s/disk.img"
	printf 'label: dos\nstart=4096, size=2048, type=83\n' | sfdisk -q "$s/disk.img"
	dd if="$SAMPLES/EICAR_Test_File/positive.txt" of="$s/disk.img" bs=1 seek=100000 conv=notrunc status=none
	run -0 --separate-stderr triage-scan -a -r "$RULES/eicar.yar" "$s/disk.img"
	[ "$(jq -r '[.region,.offset]|@tsv' <<<"$output")" = "$(printf 'unpartitioned\t100000')" ]
}

# A hit in blocks a deleted file still claims names it as TSK does:
# owner_inode as 'ifind -d BLOCK', owner_path as 'ffind INODE' (deleted
# name); a free block no inode claims gets neither key.
owner_compare() {
	local img=$1 rule=$2 blk ino want
	run -0 --separate-stderr triage-scan -j 1 -a -r "$s/r.yar" "$img"
	[ -z "$stderr" ]
	blk=$(jq -r "select(.rule == \"$rule\") | .block" <<<"$output")
	[ -n "$blk" ]
	ino=$(ifind -d "$blk" "$img")
	if [ "$ino" = "Inode not found" ]; then
		[ "$(jq -r "select(.rule == \"$rule\") | has(\"owner_inode\"), has(\"owner_path\")" <<<"$output")" = "$(printf 'false\nfalse')" ]
		return
	fi
	[ "$(jq -r "select(.rule == \"$rule\") | .owner_inode" <<<"$output")" = "$ino" ]
	want=$(ffind "$img" "$ino")
	[[ "$want" == "* /"* ]]
	[ "$(jq -r "select(.rule == \"$rule\") | .owner_path" <<<"$output")" = "${want#\* }" ]
}

@test "--unallocated: owner_inode and owner_path as ifind -d and ffind say (ext2, FAT)" {
	need_cmd mke2fs debugfs ifind ffind mkfs.fat mmd mcopy mdel
	local s
	s=$(scratch)
	printf 'rule Gone { strings: $a = "GONE-MARKER-7f3a" condition: $a }\nrule Never { strings: $a = "NEVER-OWNED-9c1e" condition: $a }\n' >"$s/r.yar"
	mkdir -p "$s/tree/sub"
	{ head -c 5000 /dev/zero | tr '\0' 'a'; echo GONE-MARKER-7f3a; } >"$s/tree/sub/gone.txt"
	echo keep >"$s/tree/keep.txt"
	# ext2 keeps a deleted inode's block pointers.
	mke2fs -q -F -t ext2 -b 1024 -N 32 -d "$s/tree" "$s/e2.img" 1M
	debugfs -w -R 'rm /sub/gone.txt' "$s/e2.img" 2>/dev/null
	printf 'NEVER-OWNED-9c1e' | dd of="$s/e2.img" bs=1024 seek=1000 conv=notrunc status=none
	owner_compare "$s/e2.img" Gone
	[ "$(jq -r 'select(.rule == "Gone") | .owner_path' <<<"$output")" = /sub/gone.txt ]
	owner_compare "$s/e2.img" Never
	[ "$(jq -r 'select(.rule == "Never") | has("owner_inode")' <<<"$output")" = false ]
	# FAT keeps the first cluster in the deleted entry.
	mkfs.fat -C -n OWN "$s/fat.img" 2048 >/dev/null
	mmd -i "$s/fat.img" ::/sub
	mcopy -i "$s/fat.img" "$s/tree/sub/gone.txt" ::/sub/gone.txt
	mcopy -i "$s/fat.img" "$s/tree/keep.txt" ::/keep.txt
	mdel -i "$s/fat.img" ::/sub/gone.txt
	printf 'NEVER-OWNED-9c1e' | dd of="$s/fat.img" bs=512 seek=3900 conv=notrunc status=none
	owner_compare "$s/fat.img" Gone
	[[ "$(jq -r 'select(.rule == "Gone") | .owner_path' <<<"$output")" == /sub/* ]]
	owner_compare "$s/fat.img" Never
}

# The oracle: for each filesystem, every allocated regular file taken out
# with icat and scanned with yara -r; the (filesystem, path, rule) set must
# equal what triage-scan reports inside the image.
oracle_compare() {
	local img=$1 rules=$2 s fs off sec inode path i=0 offs rc
	s=$(scratch)
	mkdir "$s/x"
	: >"$s/map"
	# The oracle's status and stderr are kept: an oracle that failed would otherwise
	# look like an image without files (and the comparison pass on nothing).
	rc=0
	offs=$("$ORACLE/tsk-filesystems.sh" "$img" </dev/null 2>"$s/oracle.err") || rc=$?
	[ "$rc" -le 1 ] || { echo "tsk-filesystems.sh $img: exit $rc" >&2; cat "$s/oracle.err" >&2; return 1; }
	while read -r off; do
		[ -n "$off" ] || continue
		sec=$((off / 512))
		mkdir -p "$s/x/$off"
		fls -r -p -F -u -o "$sec" "$img" </dev/null | grep -a '^r/r ' |
		while IFS= read -r line; do
			inode=${line#r/r }
			inode=${inode%%:*}
			path=/${line#*:	}
			i=$((i + 1))
			# A file icat cannot read (partial image) is left out: triage-scan
			# reports it as an error instead.
			if icat -o "$sec" "$img" "$inode" </dev/null >"$s/x/$off/$i" 2>/dev/null; then
				printf '%s/%s\t%s\t%s\n' "$off" "$i" "$off" "$path" >>"$s/map"
			else
				rm -f "$s/x/$off/$i"
			fi
		done
	done < <([ -z "$offs" ] || jq -r '.offset' <<<"$offs")
	[ -s "$s/map" ] || return 0
	yara -w -r -C "$rules" "$s/x" | while read -r rule file; do
		printf '%s\t%s\n' "${file#"$s/x/"}" "$rule"
	done | sort >"$s/yara.hits"
	# fls writes control bytes as ^X and triage-scan writes U+FFFD for
	# invalid UTF-8: compare names on their plain characters only.
	# NTFS $BadClus:$Bad is left out by triage-scan (all sparse).
	join -t "$(printf '\t')" <(sort "$s/map") "$s/yara.hits" | cut -f2- |
		grep -av '/\$BadClus:\$Bad	' | norm | sort -u >"$s/want"
	triage-info "$img" | jq -r 'select(.record=="filesystem") | [(.volume // -1), .offset] | @tsv' >"$s/vol"
	triage-scan -j 2 -r "$rules" "$img" |
		jq -r '[(.volume // -1), (.path + (if .stream then ":" + .stream else "" end) | gsub("[\u0000-\u001f\u007f]"; "")), .rule] | @tsv' |
		sort -k1,1 | join -t "$(printf '\t')" <(sort -k1,1 "$s/vol") - | cut -f2- |
		norm | sort -u >"$s/got" || true
	if ! diff "$s/want" "$s/got" >"$s/diff"; then
		echo "oracle mismatch on $img with $rules:" >&2
		head -40 "$s/diff" >&2
		return 1
	fi
	echo "$img: $(wc -l <"$s/want") (filesystem, path, rule) pairs agree" >&3
}

norm() {
	LC_ALL=C tr -cd 'A-Za-z0-9./_ :$\t\n-'
}

compile_rules() {
	local out=$1
	shift
	yarac -w -d filename= -d filepath= -d extension= -d deleted=false "$@" "$out"
}

@test "oracle: yara -r on icat-extracted files equals triage-scan, committed fixtures" {
	need_fixtures
	need_cmd yara yarac fls icat
	local s img
	s=$(scratch)
	compile_rules "$s/ours.yarc" "$RULES"/*.yar "$SAMPLES/oracle.yar"
	for img in ext4.img mbr.img gpt.img fat32.img sample.img hostile.img; do
		[ -f "$DATA/$img" ] || continue
		oracle_compare "$DATA/$img" "$s/ours.yarc"
	done
}

@test "oracle: third-party images and rule sets (bartblaze, reversinglabs, plaso)" {
	need_shared
	need_cmd yara yarac fls icat gzip
	local s img set f args
	s=$(scratch)
	compile_rules "$s/ours.yarc" "$RULES"/*.yar "$SAMPLES/oracle.yar" \
		"$TRIAGE_TEST_DATA/yara-rules/plaso-test-rules/rules.yara"
	for set in bartblaze_Yara-rules reversinglabs-yara-rules; do
		args=()
		while IFS= read -r f; do
			args+=("$(basename "${f%.*}")_$RANDOM:$f")
		done < <(find "$TRIAGE_TEST_DATA/yara-rules/$set" -name '*.yar*' | sort)
		compile_rules "$s/$set.yarc" "${args[@]}"
	done
	gzip -dc "$TRIAGE_TEST_DATA/images/compressed/ntfs-lastaccess.raw.gz" >"$s/ntfs.raw"
	for img in "$TRIAGE_TEST_DATA"/images/dfvfs/ext2.raw \
	    "$TRIAGE_TEST_DATA"/images/plaso/image.E01 \
	    "$TRIAGE_TEST_DATA"/images/plaso/syslog_image.dd \
	    "$TRIAGE_TEST_DATA"/images/plaso/tsk_volume_system.raw \
	    "$TRIAGE_TEST_DATA"/images/dfvfs/hfsplus.raw \
	    "$TRIAGE_TEST_DATA"/images/dfvfs/bdetogo.raw "$s/ntfs.raw"; do
		[ -f "$img" ] || continue
		for set in ours bartblaze_Yara-rules reversinglabs-yara-rules; do
			oracle_compare "$img" "$s/$set.yarc"
		done
	done
}

@test "rules with an include across a 64 KiB boundary are never served stale from the cache" {
	local s
	s=$(scratch)
	export XDG_CACHE_HOME="$s/cache"
	printf 'rule inc_rule { strings: $a = "first-needle" condition: $a }\n' >"$s/inc.yar"
	# A comment line that puts the word "include" across the 65536-byte mark.
	{ printf '//'; head -c $((65536 - 2 - 1 - 3)) /dev/zero | tr '\0' x; printf '\n'
	  printf 'include "%s"\n' "$s/inc.yar"; } >"$s/main.yar"
	[ "$(head -c 65536 "$s/main.yar" | tail -c 3)" = inc ]
	mkdir "$s/t"
	echo "second-needle" >"$s/t/f.txt"
	run -1 --separate-stderr triage-scan -r "$s/main.yar" "$s/t"
	printf 'rule inc_rule { strings: $a = "second-needle" condition: $a }\n' >"$s/inc.yar"
	run -0 --separate-stderr triage-scan -r "$s/main.yar" "$s/t"
	[ "$(jq -r .rule <<<"$output")" = inc_rule ]
}

@test "progress on a terminal: a line blanked out at the end, never in the records; none with -q" {
	need_cmd script
	local d scan="$TRIAGE_BUILDDIR/cmd/triage-scan"
	d=$(scratch)
	# script copies its stdin to the terminal it makes: give it nothing.
	run -0 script -qec "'$scan' -j 2 -r '$RULES' '$DATA/sample.img' > '$d/out'" /dev/null </dev/null
	[[ "$output" == *$'\r'"triage-scan: "*" files, "*" MiB, "* ]]
	[[ "$output" == *$'\r' ]]
	assert_jsonl "$(cat "$d/out")"
	[ "$(jq -S -c . "$d/out" | sort)" = "$(triage-scan -j 2 -r "$RULES" "$DATA/sample.img" | jq -S -c . | sort)" ]
	run -0 script -qec "'$scan' -q -r '$RULES' '$DATA/sample.img' > /dev/null" /dev/null </dev/null
	[ -z "$output" ]
}
