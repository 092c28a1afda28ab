#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-parse, browser histories: Chrome History, Firefox places.sqlite,
# Safari History.db (oracle: sqlite3 queries on a COPY in a temporary
# folder, times converted from each browser's epoch), IE index.dat (oracle:
# msiecfexport), plaso's published expectations (ORACLES.md section 3), the
# WAL applied in memory (committed frames only), damaged input, and the
# evidence never touched.

load helpers

BR=""

setup() {
	BR="$TRIAGE_TEST_DATA/artifacts/browser/plaso"
	[ -d "$BR" ] || skip "no browser fixtures at $BR"
	need_cmd jq sqlite3
	PY=/usr/bin/python3
}

# A copy of a fixture for the sqlite3 oracle (never the evidence itself:
# sqlite3 makes -wal/-shm beside a WAL database even when reading).
copy_of() {
	local d
	d=$(mktemp -d "$BATS_TEST_TMPDIR/copy.XXXXXX")
	cp "$1" "$d/db"
	echo "$d/db"
}

@test "--list-parsers names the four browser parsers and their data types" {
	run -0 --separate-stderr triage-parse --list-parsers
	assert_jsonl "$output"
	for p in chrome_history firefox_history safari_history msiecf; do
		printf '%s\n' "$output" | jq -s -e --arg p "$p" \
		    'map(select(.name == $p)) | length == 1' >/dev/null
	done
	printf '%s\n' "$output" | jq -s -e 'map(select(.name ==
	    "chrome_history")) | .[0].data_types ==
	    ["chrome:history:page_visited", "chrome:history:file_downloaded"]' \
	    >/dev/null
}

@test "chrome: visits equal sqlite3 on a copy (WebKit µs since 1601)" {
	db=$(copy_of "$BR/chrome/History")
	sqlite3 -readonly -separator $'\t' "$db" "SELECT v.id, u.url,
	    ifnull(u.title, ''), u.visit_count, u.typed_count,
	    v.transition & 255, v.visit_time - 11644473600000000,
	    ifnull((SELECT source FROM visit_source s WHERE s.id = v.id), '')
	    FROM visits v JOIN urls u ON u.id = v.url ORDER BY v.id" \
	    > "$BATS_TEST_TMPDIR/want"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -eq 69 ]
	run -0 --separate-stderr triage-parse "$BR/chrome/History"
	[ -z "$stderr" ]
	assert_jsonl "$output"
	printf '%s\n' "$output" | jq -r 'select(.data_type ==
	    "chrome:history:page_visited") | [.visit_id, .url, .title,
	    .visit_count, .typed_count, .page_transition_type, .timestamp,
	    (.visit_source // "")] | @tsv' | sort -n > "$BATS_TEST_TMPDIR/got"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "chrome: downloads equal sqlite3 (old schema: POSIX seconds)" {
	db=$(copy_of "$BR/chrome/History")
	sqlite3 -readonly -separator $'\t' "$db" "SELECT id, full_path, url,
	    received_bytes, total_bytes, state, start_time * 1000000
	    FROM downloads ORDER BY id" > "$BATS_TEST_TMPDIR/want"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -eq 2 ]
	run -0 --separate-stderr triage-parse "$BR/chrome/History"
	printf '%s\n' "$output" | jq -r 'select(.data_type ==
	    "chrome:history:file_downloaded") | [.download_id, .full_path,
	    .url, .received_bytes, .total_bytes, .state, .timestamp] | @tsv' \
	    > "$BATS_TEST_TMPDIR/got"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "chrome: plaso's expectations (71 = 69 + 2, idx0, funcats_scr.exe)" {
	run -0 --separate-stderr triage-parse "$BR/chrome/History"
	[ "${#lines[@]}" -eq 71 ]
	printf '%s\n' "${lines[0]}" | jq -e '.data_type ==
	    "chrome:history:page_visited" and .time ==
	    "2011-04-07T12:03:11.000000Z" and .title == "Ubuntu Start Page"
	    and .visit_count == 4 and .page_transition_type == 0 and
	    .timestamp_desc == "Last Visited Time" and
	    .parser == "chrome_history"' >/dev/null
	printf '%s\n' "$output" | jq -s -e 'map(select(.data_type ==
	    "chrome:history:file_downloaded" and (.full_path |
	    endswith("funcats_scr.exe")))) | length == 1 and (.[0] |
	    .time == "2011-05-23T08:35:30Z"
	    and .start_time == "2011-05-23T08:35:30Z" and
	    .received_bytes == 1132155 and .total_bytes == 1132155 and
	    .timestamp_desc == "Start Time")' >/dev/null
}

@test "firefox: visits, bookmarks, folders, annotations equal sqlite3" {
	db=$(copy_of "$BR/firefox/places.sqlite")
	sqlite3 -readonly -separator $'\t' "$db" "
	    SELECT 'v', h.id, p.url, ifnull(p.title, ''), p.visit_count,
	    h.visit_type, h.visit_date FROM moz_historyvisits h JOIN moz_places p
	    ON p.id = h.place_id;
	    SELECT 'b', b.id, p.url, ifnull(b.title, ''), p.visit_count,
	    b.type, b.dateAdded FROM moz_bookmarks b JOIN moz_places p ON
	    b.fk = p.id WHERE b.type <> 3;
	    SELECT 'f', b.id, '', ifnull(b.title, 'N/A'), '', 2, b.dateAdded
	    FROM moz_bookmarks b WHERE b.type = 2;
	    SELECT 'a', a.id, p.url, a.content, '', '', a.dateAdded FROM
	    moz_items_annos a JOIN moz_bookmarks b ON a.item_id = b.id JOIN
	    moz_places p ON b.fk = p.id" | sort > "$BATS_TEST_TMPDIR/want"
	run -0 --separate-stderr triage-parse "$BR/firefox/places.sqlite"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -r '
	    if .data_type == "firefox:places:page_visited" then
	    ["v", .visit_id, .url, .title, .visit_count, .visit_type, .timestamp]
	    elif .data_type == "firefox:places:bookmark" then
	    ["b", .bookmark_id, .url, (.title // ""), .visit_count, .type,
	    .timestamp]
	    elif .data_type == "firefox:places:bookmark_folder" then
	    ["f", .bookmark_id, "", .title, "", 2, .timestamp]
	    else ["a", .annotation_id, .url, .content, "", "", .timestamp] end
	    | @tsv' | sort > "$BATS_TEST_TMPDIR/got"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "firefox: plaso's expectations (103 = 1 + 91 + 3 + 8)" {
	run -0 --separate-stderr triage-parse "$BR/firefox/places.sqlite"
	[ "${#lines[@]}" -eq 103 ]
	counts=$(printf '%s\n' "$output" | jq -r .data_type | sort | uniq -c |
	    awk '{printf "%s=%s ", $2, $1}')
	[ "$counts" = "firefox:places:bookmark=91 firefox:places:bookmark_annotation=3 firefox:places:bookmark_folder=8 firefox:places:page_visited=1 " ]
	printf '%s\n' "${lines[0]}" | jq -e '.data_type ==
	    "firefox:places:page_visited" and .time ==
	    "2011-07-01T11:16:21.371935Z" and .url == "http://news.google.com/"
	    and .host == "news.google.com" and .visit_type == 2' >/dev/null
	printf '%s\n' "${lines[102]}" | jq -e '.data_type ==
	    "firefox:places:bookmark_folder" and .title ==
	    "Latest Headlines"' >/dev/null
}

@test "safari: visits equal sqlite3 (Cocoa seconds since 2001), plaso's 25" {
	db=$(copy_of "$BR/safari/History.db")
	sqlite3 -readonly -separator $'\t' "$db" "SELECT v.id, i.url,
	    ifnull(v.title, ''), i.visit_count,
	    CAST(round((v.visit_time + 978307200) * 1000000) AS INTEGER)
	    FROM history_visits v JOIN history_items i ON i.id =
	    v.history_item ORDER BY v.id" > "$BATS_TEST_TMPDIR/want"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -eq 25 ]
	run -0 --separate-stderr triage-parse "$BR/safari/History.db"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 25 ]
	printf '%s\n' "$output" | jq -r '[.visit_id, .url, .title,
	    .visit_count, .timestamp] | @tsv' > "$BATS_TEST_TMPDIR/got"
	# Equal but for the last µs (float rounding on either side).
	paste "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got" | awk -F'\t' '
	    { d = $5 - $10; if (d < 0) d = -d
	      if ($1 != $6 || $2 != $7 || $3 != $8 || $4 != $9 || d > 1) {
	        print "differs: " $0; bad = 1 } }
	    END { exit bad }'
	# plaso's idx1 (in visit-time order): the first facebook.com visit.
	printf '%s\n' "$output" | jq -s -e 'sort_by(.timestamp) | .[1] |
	    .url == "http://facebook.com/" and
	    .time == "2017-11-09T21:24:28.829571Z" and .visit_count == 2 and
	    .host == "facebook.com"' >/dev/null
}

@test "msiecf: items equal msiecfexport -m all, plaso's 17 = 15 + 2" {
	need_cmd msiecfexport
	msiecfexport -m all "$BR/msiecf/History.IE5/index.dat" |
	    $PY -c '
import sys, datetime
rec = 0; off = loc = None
out = []
for line in sys.stdin:
    if line.startswith("Exporting recovered"): rec = 1
    k, _, v = line.partition(":")
    k = k.strip(); v = v.strip()
    if k == "Offset range": off = v.split()[0]
    elif k == "Location": loc = v
    elif k == "Primary time":
        d, frac = v.rsplit(".", 1)
        t = datetime.datetime.strptime(d, "%b %d, %Y %H:%M:%S")
        t = t.replace(tzinfo=datetime.timezone.utc)
        us = int(t.timestamp()) * 1000000 + int(frac[:6])
        out.append("%s\t%s\t%d\t%d" % (off, loc, us, rec))
print("\n".join(sorted(out)))' > "$BATS_TEST_TMPDIR/want"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -eq 17 ]
	run -0 --separate-stderr triage-parse "$BR/msiecf/History.IE5/index.dat"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -r '[.offset, .url, .timestamp,
	    (if .recovered then 1 else 0 end)] | @tsv' | sort \
	    > "$BATS_TEST_TMPDIR/got"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ "$(printf '%s\n' "$output" | jq -s 'map(select(.recovered)) |
	    length')" -eq 2 ]
	printf '%s\n' "${lines[0]}" | jq -e '.url ==
	    "Visited: gold_administrator@http://www.msn.com/?ocid=iehp" and
	    .time == "2015-08-25T11:05:18.5120000Z" and
	    .timestamp_desc == "Last Visited Time" and .data_type ==
	    "msiecf:url"' >/dev/null
}

@test "evidence untouched: same hashes, no file appears beside any" {
	before=$(cd "$BR" && find . -type f | sort | xargs sha256sum)
	listing=$(cd "$BR" && find . | sort)
	run -0 --separate-stderr triage-parse "$BR"
	[ "${#lines[@]}" -eq $((71 + 103 + 25 + 17)) ]
	for f in chrome/History firefox/places.sqlite safari/History.db \
	    msiecf/History.IE5/index.dat; do
		run -0 --separate-stderr triage-parse "$BR/$f"
	done
	[ "$(cd "$BR" && find . -type f | sort | xargs sha256sum)" = "$before" ]
	[ "$(cd "$BR" && find . | sort)" = "$listing" ]
}

# A Chrome-shaped History whose WAL holds one committed transaction (10
# urls/visits) and, spilled from a still-open one, uncommitted frames.
make_wal() {
	local d=$1
	mkdir -p "$d"
	$PY - "$d" <<'EOF'
import sqlite3, shutil, sys, os
d = sys.argv[1]
db = os.path.join(d, "work.db")
c = sqlite3.connect(db, isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA wal_autocheckpoint=0")
c.executescript("""
CREATE TABLE urls(id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR,
 visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,
 last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL,
 visit_time INTEGER NOT NULL, from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL);
CREATE TABLE visit_source(id INTEGER PRIMARY KEY, source INTEGER NOT NULL);
CREATE TABLE keyword_search_terms(keyword_id INTEGER NOT NULL, url_id INTEGER NOT NULL,
 lower_term LONGVARCHAR NOT NULL, term LONGVARCHAR NOT NULL);
INSERT INTO urls VALUES(1, 'https://checkpointed.example/', 'main file', 1, 0, 13300000000000000, 0);
INSERT INTO visits VALUES(1, 1, 13300000000000000, 0, 1);
""")
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
c.execute("BEGIN")
for i in range(2, 12):
    c.execute("INSERT INTO urls VALUES(?, ?, 'committed', 1, 0, ?, 0)",
              (i, "https://committed.example/%d" % i, 13300000000000000 + i * 1000000))
    c.execute("INSERT INTO visits VALUES(?, ?, ?, 0, 0)", (i, i, 13300000000000000 + i * 1000000))
c.execute("COMMIT")
c.execute("PRAGMA cache_size=2")
c.execute("BEGIN")
for i in range(100, 3000):
    c.execute("INSERT INTO urls VALUES(?, ?, 'uncommitted', 1, 0, ?, 0)",
              (i, "https://uncommitted.example/%d/" % i + "x" * 200, 13300000000000000 + i * 1000000))
    c.execute("INSERT INTO visits VALUES(?, ?, ?, 0, 0)", (i, i, 13300000000000000 + i * 1000000))
out = os.path.join(d, "ev")
os.makedirs(out)
shutil.copyfile(db, os.path.join(out, "History"))
shutil.copyfile(db + "-wal", os.path.join(out, "History-wal"))
c.execute("ROLLBACK")
c.close()
EOF
}

@test "WAL: committed frames applied in memory, uncommitted ones not" {
	make_wal "$BATS_TEST_TMPDIR/w"
	ev="$BATS_TEST_TMPDIR/w/ev"
	# The WAL really holds uncommitted frames after its last commit.
	$PY - "$ev/History-wal" <<'EOF'
import struct, sys
w = open(sys.argv[1], "rb").read()
ps = struct.unpack(">I", w[8:12])[0]
n = (len(w) - 32) // (24 + ps)
commits = [i for i in range(n)
           if struct.unpack(">I", w[32 + i * (24 + ps) + 4:][:4])[0]]
assert commits and commits[-1] < n - 10, (n, commits)
EOF
	before=$(cd "$ev" && sha256sum History History-wal)
	run -0 --separate-stderr triage-parse "$ev/History"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -r .url | sort > "$BATS_TEST_TMPDIR/got"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/got")" -eq 11 ]
	! grep -q uncommitted "$BATS_TEST_TMPDIR/got"
	[ "$(printf '%s\n' "$output" | jq -s 'all(.wal_applied == true)')" = true ]
	# sqlite3 applies the WAL of a copy itself: the same rows.
	mkdir "$BATS_TEST_TMPDIR/c" && cp "$ev/History" "$ev/History-wal" \
	    "$BATS_TEST_TMPDIR/c/"
	sqlite3 "$BATS_TEST_TMPDIR/c/History" "SELECT u.url FROM visits v JOIN
	    urls u ON u.id = v.url" | sort > "$BATS_TEST_TMPDIR/want"
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ "$(cd "$ev" && sha256sum History History-wal)" = "$before" ]
	[ "$(ls "$ev")" = "$(printf 'History\nHistory-wal')" ]
	# Without the WAL: the checkpointed row only, no wal_applied.
	mkdir "$BATS_TEST_TMPDIR/n" && cp "$ev/History" "$BATS_TEST_TMPDIR/n/"
	run -0 --separate-stderr triage-parse "$BATS_TEST_TMPDIR/n/History"
	[ "${#lines[@]}" -eq 1 ]
	printf '%s\n' "${lines[0]}" | jq -e '.url ==
	    "https://checkpointed.example/" and (has("wal_applied") | not)' \
	    >/dev/null
}

@test "WAL: a bogus WAL is not applied, warned, exit 2" {
	make_wal "$BATS_TEST_TMPDIR/w"
	ev="$BATS_TEST_TMPDIR/w/ev"
	for how in magic checksum; do
		d="$BATS_TEST_TMPDIR/$how"
		mkdir "$d" && cp "$ev/History" "$d/"
		$PY - "$ev/History-wal" "$d/History-wal" "$how" <<'EOF'
import sys
w = bytearray(open(sys.argv[1], "rb").read())
if sys.argv[3] == "magic":
    w[0] ^= 0xff
else:
    w[32 + 24 + 100] ^= 0xff   # page data of frame 1, before the commit
open(sys.argv[2], "wb").write(w)
EOF
		run -2 --separate-stderr triage-parse "$d/History"
		[[ "$stderr" == *"$d/History"*"History-wal"* ]]
		[ "${#lines[@]}" -eq 1 ]
		printf '%s\n' "${lines[0]}" | jq -e '.url ==
		    "https://checkpointed.example/"' >/dev/null
	done
	[[ "$stderr" == *"offset 0x20: frame 1: bad salt or checksum"* ]]
}

@test "damaged: truncated databases and index.dat, never a crash" {
	for f in chrome/History firefox/places.sqlite safari/History.db \
	    msiecf/History.IE5/index.dat; do
		n=$(basename "$f")
		size=$(stat -c %s "$BR/$f")
		for cut in 200 4100 $((size / 2)) $((size - 700)); do
			d="$BATS_TEST_TMPDIR/t/$cut"
			mkdir -p "$d"
			head -c "$cut" "$BR/$f" > "$d/$n"
			run -2 --separate-stderr triage-parse "$d/$n"
			[[ "$stderr" == *"$d/$n: offset "* ]]
			[[ "$stderr" == *"not read completely"* ]]
			assert_jsonl "$output"
			rm -r "$d"
		done
	done
}

@test "damaged: a corrupt page is named with its offset, rows before it kept" {
	d="$BATS_TEST_TMPDIR/p"
	mkdir "$d" && cp "$BR/chrome/History" "$d/History" && chmod u+w "$d/History"
	# Which leaf pages hold the visits table (sqlite3's dbstat on a copy).
	db=$(copy_of "$BR/chrome/History")
	last=$(sqlite3 "$db" "SELECT max(pageno) FROM dbstat WHERE name =
	    'visits' AND pagetype = 'leaf'")
	[ -n "$last" ]
	ps=$(sqlite3 "$db" "PRAGMA page_size")
	printf '\r\377\377\377\377\377\377\377' | dd of="$d/History" bs=1 \
	    seek=$(( (last - 1) * ps )) conv=notrunc status=none
	run -2 --separate-stderr triage-parse "$d/History"
	off=$(printf '0x%x' $(( (last - 1) * ps )))
	[[ "$stderr" == *"$d/History: offset $(( (last - 1) * ps )) ($off): visits:"* ]]
	[[ "$stderr" == *"damaged: page $last (offset $off)"* ]]
	# The visits stored before that page still come out (in rowid order:
	# ids 1..k), and the downloads too.
	visits=$(printf '%s\n' "$output" | jq -s 'map(select(.data_type ==
	    "chrome:history:page_visited")) | length')
	[ "$visits" -gt 0 ] && [ "$visits" -lt 69 ]
	printf '%s\n' "$output" | jq -s -e 'map(select(.data_type ==
	    "chrome:history:page_visited") | .visit_id) as $ids |
	    $ids == [range(1; ($ids | length) + 1)]' >/dev/null
	[ "$(printf '%s\n' "$output" | jq -s 'map(select(.data_type ==
	    "chrome:history:file_downloaded")) | length')" -eq 2 ]
}

@test "damaged: random bytes in every fixture, never a crash or hang" {
	for f in chrome/History firefox/places.sqlite safari/History.db \
	    msiecf/History.IE5/index.dat; do
		n=$(basename "$f")
		for seed in 1 2 3 4 5 6; do
			d="$BATS_TEST_TMPDIR/r/$seed"
			mkdir -p "$d"
			$PY - "$BR/$f" "$d/$n" "$seed" <<'EOF'
import random, sys
random.seed(int(sys.argv[3]))
b = bytearray(open(sys.argv[1], "rb").read())
for _ in range(random.randrange(1, 60)):
    b[random.randrange(len(b))] = random.randrange(256)
open(sys.argv[2], "wb").write(b)
EOF
			run timeout 60 triage-parse "$d/$n"
			[ "$status" -le 2 ]
			[[ "$output" != *Sanitizer* ]]
			[[ "$output" != *"runtime error"* ]]
			rm -r "$d"
		done
	done
}

@test "chrome: newer schema downloads (WebKit µs, last URL of the chain)" {
	d="$BATS_TEST_TMPDIR/new"
	mkdir "$d"
	sqlite3 "$d/History" "
	CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR,
	 title LONGVARCHAR, visit_count INTEGER DEFAULT 0 NOT NULL,
	 typed_count INTEGER DEFAULT 0 NOT NULL, last_visit_time INTEGER NOT NULL,
	 hidden INTEGER DEFAULT 0 NOT NULL);
	CREATE TABLE visits(id INTEGER PRIMARY KEY, url INTEGER NOT NULL,
	 visit_time INTEGER NOT NULL, from_visit INTEGER,
	 transition INTEGER DEFAULT 0 NOT NULL, segment_id INTEGER,
	 visit_duration INTEGER DEFAULT 0 NOT NULL);
	CREATE TABLE downloads (id INTEGER PRIMARY KEY, guid VARCHAR NOT NULL,
	 current_path LONGVARCHAR NOT NULL, target_path LONGVARCHAR NOT NULL,
	 start_time INTEGER NOT NULL, received_bytes INTEGER NOT NULL,
	 total_bytes INTEGER NOT NULL, state INTEGER NOT NULL,
	 danger_type INTEGER NOT NULL, interrupt_reason INTEGER NOT NULL,
	 hash BLOB NOT NULL, end_time INTEGER NOT NULL, opened INTEGER NOT NULL,
	 referrer VARCHAR NOT NULL, tab_url VARCHAR NOT NULL,
	 mime_type VARCHAR(255) NOT NULL);
	CREATE TABLE downloads_url_chains (id INTEGER NOT NULL,
	 chain_index INTEGER NOT NULL, url LONGVARCHAR NOT NULL,
	 PRIMARY KEY (id, chain_index));
	INSERT INTO urls VALUES (1, 'https://a.example/', 'A', 2, 1,
	 13300000000000000, 0), (2, 'https://b.example/', 'B', 1, 0,
	 13300000001000000, 0);
	INSERT INTO visits VALUES (1, 1, 13300000000123456, 0,
	 805306369, 0, 0), (2, 2, 13300000001000000, 1, 0, 0, 0);
	INSERT INTO downloads VALUES (7, 'g', '/tmp/x.crdownload',
	 '/home/u/Downloads/x.exe', 13300000002500000, 10, 20, 1, 3, 0, x'',
	 13300000003000000, 0, 'https://b.example/', 'https://b.example/',
	 'application/x-msdownload');
	INSERT INTO downloads_url_chains VALUES (7, 0, 'https://b.example/go'),
	 (7, 1, 'https://cdn.example/x.exe');"
	run -0 --separate-stderr triage-parse "$d/History"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' "$output" | jq -s -e '
	    (.[0] | .time == "2022-06-18T04:26:40.123456Z" and
	     .page_transition == "TYPED" and .page_transition_type == 1 and
	     .page_transition_qualifiers == ["CHAIN_START", "CHAIN_END"] and
	     .typed_count == 1) and
	    (.[1] | .from_visit == "https://a.example/") and
	    (.[2] | .data_type == "chrome:history:file_downloaded" and
	     .time == "2022-06-18T04:26:42.500000Z" and
	     .end_time == "2022-06-18T04:26:43.000000Z" and
	     .url == "https://cdn.example/x.exe" and
	     .full_path == "/home/u/Downloads/x.exe" and .danger_type == 3 and
	     .received_bytes == 10 and .total_bytes == 20 and
	     .mime_type == "application/x-msdownload")' >/dev/null
	# The same instants from sqlite3's own date functions.
	[ "$(sqlite3 "$d/History" "SELECT strftime('%Y-%m-%dT%H:%M:%S',
	    start_time / 1000000 - 11644473600, 'unixepoch') FROM downloads")" \
	    = "2022-06-18T04:26:42" ]
	[ "$(ls "$d")" = History ]
}
