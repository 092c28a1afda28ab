#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# walk.sh -- benchmark triage-walk against fls and openssl.
#
# Usage: tests/bench/walk.sh [NFILES] [BUILDDIR]     (default 100000, ./ or $TRIAGE_BUILDDIR)
#
# Builds, in a temporary folder, an ext4 image (mke2fs -d) of a generated tree of NFILES small
# files (and one 256 MiB image holding one large file for hashing), then prints wall times and
# ratios:
#   fls -r -m /                     vs  triage-walk (JSON)  and  triage-walk -o bodyfile
#   cat of every file | openssl sha256   vs  triage-walk -H sha256 (same bytes)
#   openssl sha256 of a 200 MiB file     vs  triage-walk -H sha256 of an image holding it
# and the peak RSS of triage-walk for NFILES and 2 x NFILES (memory must stay flat).
# Goals (issue 3): walk <= 1.2 x fls; hashing >= 80 % of openssl's throughput.
set -euo pipefail
export LC_ALL=C

n=${1:-100000}
build=${2:-${TRIAGE_BUILDDIR:-.}}
walk="$build/cmd/triage-walk"
[ -x "$walk" ] || { echo "walk.sh: no $walk (give the build folder)" >&2; exit 2; }
for t in fls mke2fs openssl /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "walk.sh: $t not found" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/walk-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A tree of n files: 100 folders of 10 subfolders, files of 0-4 KiB.
mktree() {
	local root=$1 count=$2
	python3 - "$root" "$count" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
per = max(1, n // 1000)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // per // 10 % 100), "s%d" % (i // per % 10))
    if i % per == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "file-%07d.txt" % i), "wb") as f:
        f.write((b"%d\n" % i) * (i % 1024))
EOF
}

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
# best of 3 wall times of a command, output discarded
best() {
	local b= t s
	for _ in 1 2 3; do
		s=$(now)
		"$@" >/dev/null
		t=$(elapsed "$s")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
ratio() { echo "scale=2; $1 / $2" | bc; }
peak_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }

echo "building a $n-file ext4 image in $tmp ..." >&2
mktree "$tmp/tree" "$n"
mb=$(( $(du -sm "$tmp/tree" | cut -f1) * 2 + 64 ))
mke2fs -q -t ext4 -N $((n + 5000)) -d "$tmp/tree" "$tmp/small.img" "${mb}M"

t_fls=$(best fls -r -m / "$tmp/small.img")
t_json=$(best "$walk" "$tmp/small.img")
t_body=$(best "$walk" -o bodyfile "$tmp/small.img")
echo "files: $n; fls -r -m: ${t_fls}s; triage-walk: ${t_json}s ($(ratio "$t_json" "$t_fls") x fls); -o bodyfile: ${t_body}s ($(ratio "$t_body" "$t_fls") x fls)"

# Same bytes: every regular file's content, through openssl, vs the walk's hashing.
bytes=$(du -sb --apparent-size "$tmp/tree" | cut -f1)
t_cat=$(best sh -c "find '$tmp/tree' -type f -print0 | xargs -0 cat | openssl sha256")
t_hash=$(best "$walk" -H sha256 "$tmp/small.img")
echo "small files: $bytes bytes; cat | openssl sha256: ${t_cat}s; triage-walk -H sha256: ${t_hash}s ($(ratio "$t_cat" "$t_hash") of openssl's speed)"

# One large file: raw hashing throughput.
head -c $((200 << 20)) /dev/urandom > "$tmp/big.bin"
mkdir "$tmp/bigtree" && mv "$tmp/big.bin" "$tmp/bigtree/"
mke2fs -q -t ext4 -d "$tmp/bigtree" "$tmp/big.img" 256M
t_ossl=$(best openssl sha256 "$tmp/bigtree/big.bin")
t_whash=$(best "$walk" -H sha256 -t file "$tmp/big.img")
t_wlive=$(best "$walk" -H sha256 -t file "$tmp/bigtree")
echo "200 MiB file: openssl sha256: ${t_ossl}s; triage-walk -H sha256 (image): ${t_whash}s ($(ratio "$t_ossl" "$t_whash") of openssl's speed); (live folder): ${t_wlive}s ($(ratio "$t_ossl" "$t_wlive"))"

# Flat memory: peak RSS at n and 2n files.
rss1=$(peak_kb "$walk" -H sha256 "$tmp/small.img")
rm -rf "$tmp/tree" "$tmp/small.img"
mktree "$tmp/tree2" $((2 * n))
mke2fs -q -t ext4 -N $((2 * n + 5000)) -d "$tmp/tree2" "$tmp/small2.img" "$((mb * 2))M"
rss2=$(peak_kb "$walk" -H sha256 "$tmp/small2.img")
echo "peak RSS: $rss1 KiB at $n files, $rss2 KiB at $((2 * n)) files"
