#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
load helpers

# The oracle of every lookup below is SQLite itself: which of the digests
# asked for are in the RDS database's FILE table.

# Known rows on top of the random ones: one digest triple in two packages
# (folded into one entry), and one row whose md5 is empty (left out).
KNOWN_SQL="
INSERT INTO FILE VALUES
 ('CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB',
  '86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8',
  '0CC175B9C0F1B6A831C399E269772661', 'E8B7BE43', 'a.txt', 1, 1),
 ('CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB',
  '86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8',
  '0CC175B9C0F1B6A831C399E269772661', 'E8B7BE43', 'a-copy.txt', 1, 2),
 ('3E23E8160039594A33894F6564E1B1348BBD7A0088D42C4ACB73EEAED59C009D',
  'E9D71F5EE7C92D6DC9E92FFDAD17B8BD49418F98', '', '71BEEFF9', 'b.txt',
  1, 1);
"

setup_file() {
	command -v sqlite3 >/dev/null || return 0
	command -v jq >/dev/null || return 0
	local d=$BATS_FILE_TMPDIR
	mkdir -p "$d/rds"
	printf '%s\n' "$KNOWN_SQL" >"$d/known.sql"
	"$DATA/mkrds.sh" "$d/rds/RDS.db" 1000000 "$d/known.sql"
	sha256sum "$d/rds/RDS.db" >"$d/rds.sum"
	triage-known -N "$d/rds/RDS.db" -o "$d/known.db" 2>"$d/import.err" ||
		{ cat "$d/import.err" >&2; return 1; }
}

# Change the byte at offset $2 of file $1 (to another value, always).
flip_byte() {
	local v
	v=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $(((v + 1) % 256)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

setup() {
	need_cmd sqlite3 jq
	D=$BATS_FILE_TMPDIR
}

# file records (one per digest on stdin) carrying only the digest ALG.
records() {
	jq -R -c --arg alg "$1" \
	    '{record: "file", source: "d.img", volume: 2, fs: "ntfs",
	      inode: (input_line_number | tostring),
	      path: ("/f" + (input_line_number | tostring)), type: "file",
	      ($alg): .}'
}

# Digests of ALG to ask for: 3000 from the database (lower case, as
# triage-walk writes them), 3000 random, 1000 one digit away from known ones.
queries() {
	local alg=$1 len
	case $alg in md5) len=16 ;; sha1) len=20 ;; sha256) len=32 ;; esac
	sqlite3 -readonly "$D/rds/RDS.db" "
	    SELECT lower($alg) FROM FILE WHERE $alg <> ''
	        ORDER BY random() LIMIT 3000;
	    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
	        WHERE x < 3000) SELECT lower(hex(randomblob($len))) FROM c;
	    SELECT lower(substr($alg, 1, length($alg) - 1) ||
	        CASE substr($alg, -1) WHEN '0' THEN '1' ELSE '0' END)
	        FROM FILE WHERE $alg <> '' ORDER BY random() LIMIT 1000;"
}

# The digests of the list on stdin that SQLite finds in FILE.$alg.
oracle() {
	local alg=$1
	{
		echo "CREATE TEMP TABLE q(h TEXT);"
		sed "s/.*/INSERT INTO q VALUES('&');/"
		echo "SELECT DISTINCT q.h FROM q JOIN FILE f ON f.$alg = upper(q.h);"
	} | sqlite3 -readonly "$D/rds/RDS.db" | sort
}

check_alg() {
	local alg=$1 s
	s=$(scratch)
	queries "$alg" >"$s/q"
	[ "$(wc -l <"$s/q")" -eq 7000 ]
	oracle "$alg" <"$s/q" >"$s/want"
	# Some known, not all: the check can fail both ways.
	[ "$(wc -l <"$s/want")" -ge 3000 ]
	[ "$(wc -l <"$s/want")" -lt 7000 ]
	records "$alg" <"$s/q" >"$s/in.jsonl"
	run -0 --separate-stderr triage-known -d "$D/known.db" "$s/in.jsonl"
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$s/out.jsonl"
	[ "$(wc -l <"$s/out.jsonl")" -eq 7000 ]
	jq -r --arg alg "$alg" 'select(.known == ["nsrl"]) | .[$alg]' \
	    "$s/out.jsonl" | sort >"$s/got"
	diff "$s/want" "$s/got"
	# Nothing else was flagged, nothing else changed.
	[ "$(jq -c 'select(.known) | del(.known)' "$s/out.jsonl" | wc -l)" -eq \
	    "$(wc -l <"$s/want")" ]
	[ "$(jq -c 'del(.known)' "$s/out.jsonl")" = "$(cat "$s/in.jsonl")" ]
}

@test "--help prints the man page synopsis and exits 0" {
	assert_help_matches_man triage-known
}

@test "--version names triage and its libraries" {
	run -0 --separate-stderr triage-known --version
	[[ "${lines[0]}" == "triage-known (triage) "* ]]
	[[ "$output" == *"jansson "* ]]
}

@test "misuse exits 2 with the usage on stderr" {
	run -2 --separate-stderr triage-known --bogus
	[[ "$stderr" == *"usage: triage-known"* ]]
	run -2 --separate-stderr triage-known
	[[ "$stderr" == *"no --db, --import-nsrl or --import-list given"* ]]
	run -2 --separate-stderr triage-known -L list -o x.db
	[[ "$stderr" == *"--import-list needs --set"* ]]
	run -2 --separate-stderr triage-known -N a.db
	[[ "$stderr" == *"an import needs --output"* ]]
	run -2 --separate-stderr triage-known -d x.db -s name
	[[ "$stderr" == *"go with an import"* ]]
	run -2 --separate-stderr triage-known -N a.db -o x.db -m 10
	[[ "$stderr" == *"invalid memory size '10'"* ]]
	[ -z "$output" ]
}

@test "an NSRL RDSv3 import reads every digest once and writes nothing next to the database" {
	run -0 cat "$D/import.err"
	# 1,000,003 rows: the empty md5 is left out, the two copies folded.
	# DISTINCT_HASH folds the two rows of a.txt into one.
	[[ "$output" == *"from '$D/rds/RDS.db' DISTINCT_HASH: 1000001 md5, 1000002 sha1, 1000002 sha256 read"* ]]
	[[ "$output" == *"now holds 1000001 md5, 1000002 sha1, 1000002 sha256"* ]]
	[[ "$output" == *"1 empty or invalid digests left out"* ]]
	[ "$(ls "$D/rds")" = "RDS.db" ]
	sha256sum -c --quiet "$D/rds.sum"
	run -0 --separate-stderr triage-known -c -d "$D/known.db"
	[[ "$stderr" == *"'$D/known.db' is sound: 1 sets, 1000001 md5"* ]]
	[ -z "$output" ]
}

@test "SHA-256 records: exactly the digests SQLite finds are flagged nsrl" {
	check_alg sha256
}

@test "SHA-1 records: exactly the digests SQLite finds are flagged nsrl" {
	check_alg sha1
}

@test "MD5 records: exactly the digests SQLite finds are flagged nsrl" {
	check_alg md5
}

@test "an RDS without the DISTINCT_HASH view is read from FILE, with the same index" {
	local s
	s=$(scratch)
	printf '%s\nDROP VIEW DISTINCT_HASH;\n' "$KNOWN_SQL" >"$s/sql"
	"$DATA/mkrds.sh" "$s/rds.db" 20000 "$s/sql"
	run -0 --separate-stderr triage-known -N "$s/rds.db" -s legacy -o "$s/k.db"
	[[ "$stderr" == *"from '$s/rds.db' FILE:"* ]]
	[[ "$stderr" == *"now holds 20001 md5, 20002 sha1, 20002 sha256"* ]]
	sqlite3 -readonly "$s/rds.db" "SELECT lower(sha1) FROM FILE LIMIT 50" |
	    records sha1 >"$s/in.jsonl"
	run -0 --separate-stderr triage-known -d "$s/k.db" "$s/in.jsonl"
	[ "$(jq -c 'select(.known == ["legacy"])' <<<"$output" | wc -l)" -eq 50 ]
}

@test "a truncated or foreign RDS database is refused with the reason" {
	local s size
	s=$(scratch)
	size=$(stat -c %s "$D/rds/RDS.db")
	head -c $((size / 2 / 4096 * 4096)) "$D/rds/RDS.db" >"$s/cut.db"
	run -2 --separate-stderr triage-known -N "$s/cut.db" -o "$s/k.db"
	[[ "$stderr" == *"NSRL database '$s/cut.db' is truncated: its header counts"* ]]
	head -c 1000 "$D/rds/RDS.db" >"$s/odd.db"
	run -2 --separate-stderr triage-known -N "$s/odd.db" -o "$s/k.db"
	[[ "$stderr" == *"NSRL database '$s/odd.db' is truncated"* ]]
	echo 'not sqlite' >"$s/text.db"
	run -2 --separate-stderr triage-known -N "$s/text.db" -o "$s/k.db"
	[[ "$stderr" == *"'$s/text.db' is not an SQLite database"* ]]
	sqlite3 "$s/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
	run -2 --separate-stderr triage-known -N "$s/other.db" -o "$s/k.db"
	[[ "$stderr" == *"is not an NSRL RDSv3 database: no FILE table"* ]]
	[ ! -e "$s/k.db" ]
	[ -z "$(ls -A "$s" | grep -v '\.db$')" ]
}

@test "a damaged or truncated index is refused with the reason" {
	local s size
	s=$(scratch)
	size=$(stat -c %s "$D/known.db")
	head -c $((size - 4096)) "$D/known.db" >"$s/cut.db"
	echo '{"record":"file","md5":"0cc175b9c0f1b6a831c399e269772661"}' >"$s/in"
	run -2 --separate-stderr triage-known -d "$s/cut.db" "$s/in"
	[[ "$stderr" == *"index '$s/cut.db' is truncated: its header says $size bytes"* ]]
	[ -z "$output" ]
	# One byte changed in the middle of the sha1 table.
	cp "$D/known.db" "$s/bad.db"
	flip_byte "$s/bad.db" $((size / 2))
	run -2 --separate-stderr triage-known -c -d "$s/bad.db"
	[[ "$stderr" == *"index '$s/bad.db' is damaged: block "*" of the sha1 table (offset "*") fails its checksum"* ]]
	flip_byte "$s/bad.db" 30
	run -2 --separate-stderr triage-known -d "$s/bad.db" "$s/in"
	[[ "$stderr" == *"index '$s/bad.db' is damaged: header checksum mismatch"* ]]
	run -2 --separate-stderr triage-known -d "$D/rds/RDS.db" "$s/in"
	[[ "$stderr" == *"is not a triage-known index"* ]]
}

@test "a lookup stops at a damaged block it reads" {
	local s size
	s=$(scratch)
	cp "$D/known.db" "$s/bad.db"
	# Every block of the md5 table (from 4096) read by 20000 lookups.
	flip_byte "$s/bad.db" 8200
	sqlite3 -readonly "$D/rds/RDS.db" \
	    "SELECT lower(md5) FROM FILE WHERE md5 <> '' ORDER BY md5 LIMIT 20000" |
	    records md5 >"$s/in.jsonl"
	run -2 --separate-stderr triage-known -d "$s/bad.db" "$s/in.jsonl"
	[[ "$stderr" == *"block 1 of the md5 table (offset 8192) fails its checksum"* ]]
}

@test "known-bad sets: known_bad, a hashset hit, and timeline tags" {
	local s
	s=$(scratch)
	cp "$D/known.db" "$s/k.db"
	sqlite3 -readonly "$D/rds/RDS.db" \
	    "SELECT lower(sha256) || '  evil' || rowid FROM FILE LIMIT 3" >"$s/bad"
	echo "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  test" >>"$s/bad"
	run -0 --separate-stderr triage-known -L "$s/bad" -s evil -b -o "$s/k.db"
	[[ "$stderr" == *"set 'evil' (known-bad)"* ]]
	{ cut -c1-64 "$s/bad"; sqlite3 -readonly "$D/rds/RDS.db" \
	    "SELECT lower(sha256) FROM FILE LIMIT 10 OFFSET 100"; echo "$(printf 'ab%.0s' {1..32})"; } |
	    records sha256 | jq -c '. + {mtime: "2024-01-02T03:04:05Z"}' >"$s/in.jsonl"
	run -0 --separate-stderr triage-known -d "$s/k.db" "$s/in.jsonl"
	printf '%s\n' "$output" >"$s/out.jsonl"
	assert_jsonl "$output"
	# The first three are in nsrl and evil, the fourth in evil only.
	[ "$(jq -c 'select(.record == "file") | [.known, .known_bad]' "$s/out.jsonl" | head -5 | tr -d '\n')" = \
	    '[["nsrl"],["evil"]][["nsrl"],["evil"]][["nsrl"],["evil"]][null,["evil"]][["nsrl"],null]' ]
	[ "$(jq -c 'select(.record == "hit")' "$s/out.jsonl" | wc -l)" -eq 4 ]
	run -0 jq -c 'select(.record == "hit") | [.inode, .rule, .namespace, .meta.digest, .mtime]' "$s/out.jsonl"
	[ "${lines[3]}" = '["4","hashset:evil","hashset","sha256","2024-01-02T03:04:05Z"]' ]
	# Each hit follows its file record.
	[ "$(jq -r '.record' "$s/out.jsonl" | head -3 | tr '\n' ' ')" = "file hit file " ]
	run -0 --separate-stderr triage-timeline "$s/out.jsonl"
	[ "$(jq -r 'select(.tag == ["hashset:evil"]) | .inode' <<<"$output" | sort | tr '\n' ' ')" = "1 2 3 4 " ]
	[ "$(jq -c 'select(.tag)' <<<"$output" | wc -l)" -eq 4 ]
	# --drop-known: files only in nsrl go; --only-unknown: file records only.
	run -0 --separate-stderr triage-known -k -d "$s/k.db" "$s/in.jsonl"
	[ "$(jq -c 'select(.record == "file")' <<<"$output" | wc -l)" -eq 5 ]
	[ "$(jq -c 'select(.record == "hit")' <<<"$output" | wc -l)" -eq 4 ]
	run -0 --separate-stderr triage-known -U -d "$s/k.db" "$s/in.jsonl"
	[ "$(jq -r '.inode' <<<"$output" | tr '\n' ' ')" = "1 2 3 4 15 " ]
}

# Files with known content, hashed by the coreutils and hashdeep.
make_tree() {
	local t=$1/tree
	mkdir -p "$t/in" "$t/out"
	printf 'known one\n' >"$t/in/one"
	printf 'known two\n' >"$t/in/two"
	printf 'not listed\n' >"$t/out/three"
}

walk_flags() {
	triage-walk -q -H md5,sha1,sha256 "$1" | triage-known -d "$2" |
	    jq -r 'select(.record == "file" and .type == "file") | "\(.path) \(.known // [] | join(","))"' | sort
}

@test "md5sum, sha1sum, sha256sum, BSD, hashdeep and plain lists: listed files flagged, others not" {
	need_cmd md5sum sha1sum sha256sum
	local s f want
	s=$(scratch)
	make_tree "$s"
	(cd "$s/tree/in" && md5sum one two) >"$s/l.md5sum"
	(cd "$s/tree/in" && sha1sum -b one two) >"$s/l.sha1sum"
	(cd "$s/tree/in" && sha256sum one two) >"$s/l.sha256sum"
	(cd "$s/tree/in" && sha256sum --tag one two) >"$s/l.bsd"
	(cd "$s/tree/in" && sha1sum one two | cut -c1-40) >"$s/l.plain"
	if command -v hashdeep >/dev/null; then
		(cd "$s/tree/in" && hashdeep -c md5,sha256 one two) >"$s/l.hashdeep"
	fi
	want=$(printf '/in/one %s\n/in/two %s\n/out/three \n' set set)
	for f in "$s"/l.*; do
		rm -f "$s/k.db"
		run -0 --separate-stderr triage-known -q -L "$f" -s set -o "$s/k.db"
		[ "$(walk_flags "$s/tree" "$s/k.db")" = "$want" ] || {
			echo "list $f:" >&2; walk_flags "$s/tree" "$s/k.db" >&2; return 1; }
	done
	command -v hashdeep >/dev/null || skip "hashdeep is not installed (the other lists passed)"
}

@test "a list with a line that is no hash is refused, naming the line" {
	local s
	s=$(scratch)
	printf '%s  a\n%s\n' 0cc175b9c0f1b6a831c399e269772661 'garbage here' >"$s/l"
	run -2 --separate-stderr triage-known -L "$s/l" -s x -o "$s/k.db"
	[[ "$stderr" == *"'$s/l' line 2: not a hash (md5sum, sha1sum, sha256sum, hashdeep or one hash per line)"* ]]
	printf '%%%%%%%% size,md5,filename\n1,nothex,/a\n' >"$s/h"
	run -2 --separate-stderr triage-known -L "$s/h" -s x -o "$s/k.db"
	[[ "$stderr" == *"'$s/h' line 2: not a hashdeep line"* ]]
	printf '# nothing\n' | { run -2 --separate-stderr triage-known -L - -s x -o "$s/k.db"
	    [[ "$stderr" == *"no hash in '(stdin)'"* ]]; }
	[ ! -e "$s/k.db" ]
	[ -z "$(ls -A "$s" | grep -v '^[lh]$')" ]
}

@test "walk --known on sample.img flags the files of lists made from its own hashes" {
	local s
	s=$(scratch)
	triage-walk -q -H md5,sha1,sha256 "$DATA/sample.img" >"$s/walk.jsonl"
	jq -r 'select(.md5 and (.path | startswith("/etc/"))) | "\(.md5)  \(.path)"' \
	    "$s/walk.jsonl" >"$s/good.md5"
	jq -r 'select(.sha256 and (.path | startswith("/home/alice/Downloads/"))) | "\(.sha256)  \(.path)"' \
	    "$s/walk.jsonl" >"$s/bad.sha256"
	[ "$(wc -l <"$s/good.md5")" -ge 5 ]
	[ "$(wc -l <"$s/bad.sha256")" -eq 2 ]
	triage-known -q -L "$s/good.md5" -s base -o "$s/k.db"
	triage-known -q -L "$s/bad.sha256" -s evil -b -o "$s/k.db"
	run -0 --separate-stderr triage-walk --known "$s/k.db" "$DATA/sample.img"
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$s/out.jsonl"
	# Expected from the plain walk: every file whose md5 is in the /etc
	# list (the same content elsewhere too), every one whose sha256 is in
	# the Downloads list.
	jq -r --rawfile g "$s/good.md5" 'select(.md5 as $m | $m and ($g | contains($m))) | .path' \
	    "$s/walk.jsonl" | sort >"$s/want.good"
	jq -r 'select(.known == ["base"]) | .path' "$s/out.jsonl" | sort >"$s/got.good"
	diff "$s/want.good" "$s/got.good"
	[ "$(jq -r 'select(.known_bad == ["evil"]) | .path' "$s/out.jsonl" | sort | tr '\n' ' ')" = \
	    "/home/alice/Downloads/dropper.sh /home/alice/Downloads/invoice.pdf.exe " ]
	[ "$(jq -r 'select(.record == "hit") | .rule + " " + .path' "$s/out.jsonl" | sort | tr '\n' ' ')" = \
	    "hashset:evil /home/alice/Downloads/dropper.sh hashset:evil /home/alice/Downloads/invoice.pdf.exe " ]
	# The index holds md5 and sha256: the walk hashed with those, and its
	# records are those of walk | triage-known.
	[ "$(jq -r 'select(.sha1)' "$s/out.jsonl")" = "" ]
	triage-walk -q -H md5,sha256 "$DATA/sample.img" | triage-known -d "$s/k.db" >"$s/pipe.jsonl"
	cmp "$s/out.jsonl" "$s/pipe.jsonl"
	run -2 --separate-stderr triage-walk --known "$s/k.db" -o bodyfile "$DATA/sample.img"
	[[ "$stderr" == *"--known writes records, not a bodyfile"* ]]
	run -2 --separate-stderr triage-walk --known "$s/none.db" "$DATA/sample.img"
	[[ "$stderr" == *"cannot open index '$s/none.db'"* ]]
}

@test "a line that is not JSON is an error; the other lines are still written" {
	local s
	s=$(scratch)
	printf '{"record":"file","md5":"0cc175b9c0f1b6a831c399e269772661"}\nnot json\n{"record":"x"}\n' >"$s/in"
	run -2 --separate-stderr triage-known -d "$D/known.db" "$s/in"
	[[ "$stderr" == *"'$s/in' line 2: not a JSON object"* ]]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = '{"record":"file","md5":"0cc175b9c0f1b6a831c399e269772661","known":["nsrl"]}' ]
	[ "${lines[1]}" = '{"record":"x"}' ]
	run -2 --separate-stderr triage-known -d "$D/known.db" "$s/missing"
	[[ "$stderr" == *"cannot open '$s/missing'"* ]]
}

@test "a full stdout exits 2" {
	run -2 --separate-stderr bash -c "echo '{\"record\":\"x\"}' | triage-known -d '$D/known.db' > /dev/full"
	[[ "$stderr" == *"cannot write to standard output"* || "$stderr" == *"No space left"* ]]
}
