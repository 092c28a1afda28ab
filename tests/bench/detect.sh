#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# detect.sh -- the cost of triage-detect with every Windows Sigma rule.
#
# Usage: tests/bench/detect.sh [RULES_DIR...]
#   RULES_DIR  rule folders (default: SigmaHQ's rules/windows,
#              rules-emerging-threats and rules-threat-hunting in
#              $TRIAGE_TEST_DATA/sigma)
# When triage-parse reads EVTX: parses the EVTX corpus
# ($TRIAGE_TEST_DATA/evtx-corpus) once alone and once piped into
# triage-detect, and prints both times, the ratio (the issue's bound:
# detection adds <= 25%) and MB/s of EVTX.  Without an EVTX parser: times
# triage-detect alone over events made from SigmaHQ's regression_data JSON
# renderings (repeated to about 50 MB of JSON Lines) and prints events/s and
# MB/s of JSON.  Hayabusa's published figure is ~1.4 MB/s of EVTX per core.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${TRIAGE_TEST_DATA:=$here/../shared/fixtures}"
[ -n "${TRIAGE_BUILDDIR:-}" ] && PATH="$TRIAGE_BUILDDIR/cmd:$PATH"
S=$TRIAGE_TEST_DATA/sigma
rules=("$@")
if [ ${#rules[@]} -eq 0 ]; then
	rules=("$S/rules/windows" "$S/rules-emerging-threats" "$S/rules-threat-hunting")
fi
rargs=()
for r in "${rules[@]}"; do rargs+=(-r "$r"); done
work=$(mktemp -d "${TMPDIR:-/tmp}/detect-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
nrules=$(triage-detect -q "${rargs[@]}" /dev/null | jq '.rules_loaded - .rules_unmapped' || true)

secs() {	# secs CMD...: user+system seconds of CMD
	local t
	t=$( { /usr/bin/time -f '%U %S' "$@" >/dev/null; } 2>&1 | tail -1)
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.2f", a[1] + a[2] }'
}

parsers=$(triage-parse --list-parsers 2>/dev/null || true)
if grep -q 'windows:evtx:record' <<<"$parsers"; then
	mapfile -t files < <(find "$TRIAGE_TEST_DATA/evtx-corpus" -name '*.evtx' | sort)
	mb=$(du -cb "${files[@]}" | tail -1 | awk '{ printf "%.1f", $1 / 1e6 }')
	triage-parse "${files[@]}" > "$work/ev" || true
	p=$(secs triage-parse "${files[@]}")
	printf '#!/bin/sh\ntriage-parse "$@" | triage-detect -q -n %s - \n' \
	    "$(printf "'%s' " "${rargs[@]}")" > "$work/both"
	b=$(secs sh "$work/both" "${files[@]}")
	echo "evtx: $mb MB, ${#files[@]} files; $nrules rules with an event kind"
	echo "parse: ${p}s  parse+detect: ${b}s  ratio: $(awk -v a="$b" -v p="$p" 'BEGIN { printf "%.2f", a / p }')"
	echo "MB/s of EVTX (parse+detect, one core): $(awk -v m="$mb" -v b="$b" 'BEGIN { printf "%.1f", m / b }')"
else
	find "$S/regression_data" -name '*.json' | sort | while read -r j; do
		jq -c --arg src "${j%.json}.evtx" -f "$here/tests/cli/sigma-evtx-json.jq" "$j"
	done > "$work/one"
	reps=$(( 50000000 / $(stat -c %s "$work/one") + 1 ))
	for _ in $(seq "$reps"); do cat "$work/one"; done > "$work/ev"
	n=$(wc -l < "$work/ev")
	mb=$(stat -c %s "$work/ev" | awk '{ printf "%.1f", $1 / 1e6 }')
	base=$(secs triage-detect -q -n -r "$here/rules/sigma" "$work/ev")
	all=$(secs triage-detect -q -n "${rargs[@]}" "$work/ev")
	echo "no EVTX parser yet: $n events ($mb MB of JSON) from regression_data; $nrules rules with an event kind"
	echo "read only (shipped rules): ${base}s  all rules: ${all}s"
	echo "events/s: $(awk -v n="$n" -v a="$all" 'BEGIN { printf "%.0f", n / a }')  MB/s of JSON: $(awk -v m="$mb" -v a="$all" 'BEGIN { printf "%.1f", m / a }')"
fi
