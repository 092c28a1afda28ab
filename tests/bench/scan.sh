#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scan.sh -- triage-scan -j 2 inside an ext4 image against yara -r -p 2 over
# the same files on disk.
#
# Usage: tests/bench/scan.sh [FILES] [RULES_DIR...]
#   FILES      number of files in the generated tree (default 100000)
#   RULES_DIR  rule folders (default: the reversinglabs and bartblaze sets in
#              $TRIAGE_TEST_DATA/yara-rules plus rules/yara)
# Needs: mke2fs (-d), yara, yarac; triage-scan on PATH or in $TRIAGE_BUILDDIR/cmd.
# The tree is built first and the image made from it with mke2fs -d, so the
# tree is the extracted copy.  Both tools get the same compiled rules (yarac
# output, so neither pays for compiling), run once to warm the page cache,
# then timed.  Prints seconds for each and the ratio triage/yara.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")/../.." && pwd)
: "${TRIAGE_TEST_DATA:=$here/../shared/fixtures}"
[ -n "${TRIAGE_BUILDDIR:-}" ] && PATH="$TRIAGE_BUILDDIR/cmd:$PATH"
n=${1:-100000}
shift || true
rules=("$@")
if [ ${#rules[@]} -eq 0 ]; then
	rules=("$TRIAGE_TEST_DATA/yara-rules/reversinglabs-yara-rules"
	    "$TRIAGE_TEST_DATA/yara-rules/bartblaze_Yara-rules/rules"
	    "$here/rules/yara")
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/scan-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Rules: every file in its own namespace, compiled once with yarac.
args=()
i=0
while IFS= read -r f; do
	i=$((i + 1))
	args+=("n$i:$f")
done < <(find "${rules[@]}" -name '*.yar' -o -name '*.yara' | sort)
yarac -w -d filename= -d filepath= -d extension= -d deleted=false \
    "${args[@]}" "$work/rules.yarc"
nrules=$(grep -rhoE '^\s*(private\s+|global\s+)*rule\s+\w+' "${rules[@]}" --include='*.yar' --include='*.yara' | wc -l)

# Tree: n files of 200 B to 8 KiB of text and bytes, 100 per folder, with
# an EICAR every 10000 files so both tools have hits to report.
mkdir "$work/tree"
awk -v n="$n" -v w="$work" 'BEGIN {
	srand(42);
	for (i = 0; i < n; i++) {
		d = sprintf("%s/tree/d%04d", w, int(i / 100));
		if (i % 100 == 0) system("mkdir -p " d);
		f = sprintf("%s/f%06d.txt", d, i);
		len = 200 + int(rand() * 8000);
		s = "";
		while (length(s) < len)
			s = s sprintf("line %d of file %d: %08x lorem ipsum dolor sit amet\n", length(s), i, int(rand() * 4294967295));
		if (i % 10000 == 0)
			s = s "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\n";
		printf "%s", s > f;
		close(f);
	}
}' </dev/null
size_kb=$(du -sk "$work/tree" | cut -f1)
mke2fs -q -F -t ext4 -b 4096 -N $((n + 1000)) -d "$work/tree" "$work/disk.img" \
    "$((size_kb * 2 + 65536))k"

echo "files: $n, tree: ${size_kb} KiB, rules: $nrules (in $i files)"
# Wall and CPU (user+sys) seconds of one run; stdout to $work/out.
t() {
	/usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || true
	awk '{ printf "%s %.2f", $1, $2 + $3 }' "$work/time"
}
t yara -r -p 2 -C "$work/rules.yarc" "$work/tree" >/dev/null
read -r yara_s yara_cpu <<<"$(t yara -r -p 2 -C "$work/rules.yarc" "$work/tree")"
yara_hits=$(wc -l <"$work/out")
export XDG_CACHE_HOME=$work/cache
t triage-scan -j 2 -r "$work/rules.yarc" "$work/disk.img" >/dev/null
read -r tri_s tri_cpu <<<"$(t triage-scan -j 2 -r "$work/rules.yarc" "$work/disk.img")"
tri_hits=$(wc -l <"$work/out")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "yara -r -p 2 on the tree:   ${yara_s}s wall, ${yara_cpu}s cpu, $yara_hits hits"
echo "triage-scan -j 2 in image:  ${tri_s}s wall, ${tri_cpu}s cpu, $tri_hits hits"
echo "ratio triage/yara: wall $(echo "scale=3; $tri_s / $yara_s" | bc)," \
    "cpu $(echo "scale=3; $tri_cpu / $yara_cpu" | bc)"
