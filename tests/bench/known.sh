#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# known.sh -- triage-known on a 10-million-hash NSRL RDSv3 database: import
# time and peak memory, lookups per second over 1 million file records, and
# TSK's hfind (RDSv2 text, -i nsrl-md5) on the same digests.
#
# Usage: tests/bench/known.sh [ROWS] [RECORDS]
#   ROWS     FILE rows of the generated RDSv3 database (default 10000000)
#   RECORDS  file records looked up (default 1000000, half of them known)
# Needs: sqlite3, /usr/bin/time (GNU), hfind (sleuthkit); triage-known on
# PATH or in $TRIAGE_BUILDDIR/cmd.  Work files go to $TMPDIR (about 8 GB at
# 10M rows).  Each timed run follows an untimed one that warms the page
# cache.  Lookups per second count the time above a run over the same
# records without digests (reading and writing the records); "per core"
# divides by user + system CPU seconds, not by wall time, since the machine
# may be shared.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "${TRIAGE_BUILDDIR:-}" ] && PATH="$TRIAGE_BUILDDIR/cmd:$PATH"
PATH="$here/cmd:$PATH"
rows=${1:-10000000}
nrec=${2:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/known-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# run LABEL CMD...: time one run; sets T_wall, T_cpu (user+sys), T_rss (KiB).
run() {
	local label=$1
	shift
	/usr/bin/time -v -o "$work/time" "$@"
	T_wall=$(awk -F': ' '/Elapsed/ { n = split($2, p, ":"); s = 0;
	    for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time")
	T_cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$work/time")
	T_rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$work/time")
	printf '%-44s %8.2f s wall %8.2f s cpu %8d KiB peak\n' "$label" \
	    "$T_wall" "$T_cpu" "$T_rss"
}

echo "known.sh: $rows RDS rows, $nrec records, in $work"
t0=$(date +%s)
"$here/tests/data/mkrds.sh" "$work/RDS.db" "$rows"
echo "RDSv3 database: $(du -h "$work/RDS.db" | cut -f1), made in $(( $(date +%s) - t0 )) s"
cat "$work/RDS.db" >/dev/null

run "import (-N, default 256M sort memory)" \
    triage-known -q -N "$work/RDS.db" -o "$work/known.db"
imp_wall=$T_wall imp_rss=$T_rss
echo "index: $(du -h "$work/known.db" | cut -f1)"

# Records: every 2*rows/nrec-th row of the database (known), the rest random.
sqlite3 -readonly "$work/RDS.db" "
    SELECT lower(md5) || ' ' || lower(sha256) FROM FILE
        WHERE rowid % $((2 * rows / nrec)) = 0 LIMIT $((nrec / 2));
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
        WHERE x < $((nrec / 2)))
        SELECT lower(hex(randomblob(16))) || ' ' ||
            lower(hex(randomblob(32))) FROM c;" >"$work/digests"
awk '{ printf "{\"record\":\"file\",\"source\":\"disk.E01\",\"volume\":2,\"fs\":\"ntfs\",\"inode\":\"%d-128-1\",\"path\":\"/Windows/System32/f%d.dll\",\"name\":\"f%d.dll\",\"type\":\"file\",\"deleted\":false,\"size\":%d,\"mtime\":\"2023-04-05T06:07:08.1234567Z\",\"md5\":\"%s\",\"sha256\":\"%s\"}\n", NR, NR, NR, NR * 7, $1, $2 }' \
    "$work/digests" >"$work/both.jsonl"
sed 's/,"sha256":"[0-9a-f]*"//' "$work/both.jsonl" >"$work/md5.jsonl"
sed 's/,"md5":"[0-9a-f]*"//' "$work/both.jsonl" >"$work/sha256.jsonl"
sed 's/,"md5":"[0-9a-f]*"//; s/,"sha256":"[0-9a-f]*"//' "$work/both.jsonl" >"$work/none.jsonl"
cut -d' ' -f1 "$work/digests" >"$work/md5.txt"

triage-known -d "$work/known.db" "$work/none.jsonl" >/dev/null
run "records, no digest (read + write only)" \
    sh -c 'triage-known -d "$1" "$2" >/dev/null' sh "$work/known.db" "$work/none.jsonl"
base_cpu=$T_cpu base_wall=$T_wall
for kind in sha256 md5 both; do
	sh -c 'triage-known -d "$1" "$2" >/dev/null' sh "$work/known.db" "$work/$kind.jsonl"
	run "records with $kind" sh -c 'triage-known -d "$1" "$2" >"$3"' sh \
	    "$work/known.db" "$work/$kind.jsonl" "$work/out.jsonl"
	n=$(grep -c '"known"' "$work/out.jsonl")
	[ "$n" -eq $((nrec / 2)) ] || { echo "known.sh: $n known, want $((nrec / 2))" >&2; exit 1; }
	lk=$nrec
	[ "$kind" = both ] && lk=$((2 * nrec))
	awk -v n="$nrec" -v lk="$lk" -v c="$T_cpu" -v w="$T_wall" -v bc="$base_cpu" \
	    -v r="$T_rss" -v k="$kind" 'BEGIN {
		printf "  %s: %.2f M records/s per core; %.2f M lookups/s per core (cpu above the no-digest run); peak %d MiB\n",
		    k, n / c / 1e6, (c > bc ? lk / (c - bc) / 1e6 : 0), r / 1024 }'
	[ "$kind" = md5 ] && md5_cpu=$T_cpu md5_wall=$T_wall
done

if command -v hfind >/dev/null; then
	# hfind reads NSRL's old RDSv2 text; the same rows in that form.
	{
		echo '"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode"'
		sqlite3 -readonly "$work/RDS.db" "SELECT '\"' || sha1 || '\",\"' ||
		    md5 || '\",\"' || crc32 || '\",\"' || file_name || '\",' ||
		    file_size || ',' || package_id || ',\"WIN\",\"\"' FROM FILE"
	} >"$work/NSRLFile.txt"
	run "hfind -i nsrl-md5 (RDSv2 text)" sh -c 'hfind -i nsrl-md5 "$1" >/dev/null' \
	    sh "$work/NSRLFile.txt"
	hidx_wall=$T_wall hidx_rss=$T_rss
	hfind -f "$work/md5.txt" "$work/NSRLFile.txt" >/dev/null
	run "hfind -f (same md5s)" sh -c 'hfind -f "$1" "$2" >"$3"' sh \
	    "$work/md5.txt" "$work/NSRLFile.txt" "$work/hfind.out"
	hf=$(grep -v 'Hash Not Found' "$work/hfind.out" | cut -f1 | sort -u | wc -l)
	echo "  hfind found $hf of $nrec md5s (triage-known: $((nrec / 2)))"
	awk -v iw="$imp_wall" -v hw="$hidx_wall" -v ir="$imp_rss" -v hr="$hidx_rss" \
	    -v mw="$md5_wall" -v mc="$md5_cpu" -v fw="$T_wall" -v fc="$T_cpu" 'BEGIN {
		printf "ratio import/hfind -i: %.2f (wall), %.2f (peak memory)\n", iw / hw, ir / hr
		printf "ratio lookup hfind/triage-known (md5 records): %.1fx (wall), %.1fx (cpu)\n",
		    fw / mw, fc / mc }'
else
	echo "hfind not installed: no comparison"
fi
