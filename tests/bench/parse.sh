#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# parse.sh -- triage-parse over the evtx corpus against `evtxexport -f xml`
# over the same files (libevtx's own export: what it costs to render every
# record's XML, which triage-parse also does, then parses and writes JSON).
#
# Usage: tests/bench/parse.sh [JOBS] [DIR]
#   JOBS  triage-parse -j (default 2)
#   DIR   folder of .evtx files (default $TRIAGE_TEST_DATA/evtx-corpus)
# Needs: evtxexport; triage-parse on PATH or in $TRIAGE_BUILDDIR/cmd.
# Each side runs once to warm the page cache, then is timed (wall and CPU).
# Prints seconds, events/s and the ratio triage/evtxexport (goal <= 1.0,
# target 0.5).
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${TRIAGE_TEST_DATA:=$here/../shared/fixtures}"
PATH="${TRIAGE_BUILDDIR:-$here}/cmd:$PATH"
jobs=${1:-2}
dir=${2:-$TRIAGE_TEST_DATA/evtx-corpus}
command -v evtxexport >/dev/null || { echo "parse.sh: no evtxexport" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/parse-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
find "$dir" -name '*.evtx' -print0 | sort -z > "$work/files"
nfiles=$(tr -cd '\0' < "$work/files" | wc -c)
bytes=$(xargs -0 cat < "$work/files" | wc -c)

run_triage() {
	triage-parse -q -j "$jobs" --parsers winevtx "$dir" > "$work/t.jsonl" 2>/dev/null || true
}
run_evtxexport() {
	xargs -0 -n 1 evtxexport -f xml < "$work/files" > "$work/e.xml" 2>/dev/null || true
}
# Seconds (wall, user+sys) of one call of $1.
timed() {
	local TIMEFORMAT='%R %U %S' r u s
	read -r r u s < <({ time "$1"; } 2>&1)
	echo "$r $(echo "$u + $s" | bc -l)"
}
run_triage
run_evtxexport
read -r tw tc < <(timed run_triage)
read -r ew ec < <(timed run_evtxexport)
events=$(wc -l < "$work/t.jsonl")
records=$(grep -c '^<Event ' "$work/e.xml" || true)
printf 'corpus: %d files, %d bytes\n' "$nfiles" "$bytes"
printf 'triage-parse -j %s: %d events, %.2f s wall, %.2f s CPU, %.0f events/s (wall)\n' \
    "$jobs" "$events" "$tw" "$tc" "$(echo "$events / $tw" | bc -l)"
printf 'evtxexport -f xml: %d records, %.2f s wall, %.2f s CPU, %.0f records/s (wall)\n' \
    "$records" "$ew" "$ec" "$(echo "$records / $ew" | bc -l)"
printf 'ratio triage/evtxexport: %.2f wall, %.2f CPU (goal <= 1.0, target 0.5)\n' \
    "$(echo "$tw / $ew" | bc -l)" "$(echo "$tc / $ec" | bc -l)"
