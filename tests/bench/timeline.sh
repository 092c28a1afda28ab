#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# timeline.sh -- benchmark triage-timeline against TSK's mactime.
#
# Usage: tests/bench/timeline.sh [ENTRIES [BIG_ENTRIES [MEMORY]]]
#   defaults: 1000000 4000000 128M
#
# 1. Generates a bodyfile of ENTRIES lines (fls -m style: nested paths, some
#    deleted names, four distinct times per entry), times
#    `mactime -b F -d -y` against `triage-timeline -f mactime F` (TZ=UTC),
#    checks the outputs are byte-identical and prints the speed ratio.
# 2. Generates BIG_ENTRIES lines and runs `triage-timeline --memory MEMORY`
#    (jsonl and mactime) under /usr/bin/time -v: prints peak RSS, the number
#    of lines and checks the output is complete (one event per time) and
#    ordered.
# Needs: mactime, awk, jq-free (plain sort/awk checks), GNU time.
# Uses $TMPDIR (default /tmp) for about 1 GiB per million big entries.
set -euo pipefail
export LC_ALL=C TZ=UTC

n=${1:-1000000}
big=${2:-4000000}
mem=${3:-128M}
tl=${TRIAGE_TIMELINE:-triage-timeline}
command -v "$tl" >/dev/null || tl=$(dirname "$0")/../../cmd/triage-timeline
work=$(mktemp -d "${TMPDIR:-/tmp}/tl-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

gen() {
	awk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed);
		for (i = 1; i <= n; i++) {
			d1 = int(rand() * 50); d2 = int(rand() * 200);
			b = 1500000000 + int(rand() * 200000000);
			name = sprintf("/home/user%d/dir%d/file-%d.txt", d1, d2, i);
			if (i % 17 == 0) name = name " (deleted)";
			printf "0|%s|%d|r/rrw-r--r--|%d|%d|%d|%d|%d|%d|%d\n", name, i + 10,
			    1000 + d1, 1000, int(rand() * 100000),
			    b + int(rand() * 9000000), b + int(rand() * 5000000),
			    b + int(rand() * 7000000), b;
		}
	}'
}

secs() { awk -v s="$1" -v e="$2" 'BEGIN {printf "%.2f", e - s}'; }
now() { date +%s.%N; }

echo "== $n entries: mactime vs triage-timeline -f mactime"
gen "$n" 1 >"$work/body"
t0=$(now)
mactime -b "$work/body" -d -y >"$work/want"
t1=$(now)
"$tl" -f mactime "$work/body" >"$work/got"
t2=$(now)
m=$(secs "$t0" "$t1")
o=$(secs "$t1" "$t2")
cmp "$work/want" "$work/got" && echo "outputs identical ($(wc -l <"$work/got") lines)"
echo "mactime:         ${m} s"
echo "triage-timeline: ${o} s"
awk -v m="$m" -v o="$o" 'BEGIN {printf "speed-up:        %.1fx\n", m / o}'
t3=$(now)
"$tl" "$work/body" >"$work/got.jsonl"
t4=$(now)
echo "triage-timeline jsonl: $(secs "$t3" "$t4") s, $(wc -l <"$work/got.jsonl") events"
rm -f "$work/want" "$work/got" "$work/got.jsonl" "$work/body"

echo "== $big entries, --memory $mem"
gen "$big" 2 >"$work/big"
want=$((big * 4))
for fmt in mactime jsonl; do
	/usr/bin/time -v "$tl" -f "$fmt" --memory "$mem" -T "$work" "$work/big" \
	    >"$work/out" 2>"$work/time"
	rss=$(awk '/Maximum resident set size/ {print $NF}' "$work/time")
	el=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$work/time")
	lines=$(wc -l <"$work/out")
	if [ "$fmt" = mactime ]; then
		# One line per file and second: count the letters instead.
		lines=$(tail -n +2 "$work/out" | cut -d, -f3 | tr -d '.\n' | wc -c)
		# Sorted as mactime sorts: the date column never goes back.
		tail -n +2 "$work/out" | cut -d, -f1 | sort -c
	else
		# timestamp never goes back.
		cut -d, -f3 "$work/out" | cut -d: -f2 | sort -n -c
	fi
	echo "$fmt: $lines events (want $want), peak RSS $((rss / 1024)) MiB, wall $el"
	[ "$lines" -eq "$want" ] || { echo "INCOMPLETE" >&2; exit 1; }
	[ -z "$(find "$work" -name 'triage-timeline.*')" ] || { echo "temp files left" >&2; exit 1; }
done
