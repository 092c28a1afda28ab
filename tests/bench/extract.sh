#!/usr/bin/env bash
# extract.sh -- benchmark: triage-extract -p '**' against tsk_recover -a on the same image.
#
# Usage: tests/bench/extract.sh [IMAGE [SIZE_MIB]]
#   Without IMAGE, builds a bare ext4 image of SIZE_MIB (default 128) holding ~2000 files of
#   mixed sizes (pseudo-random, deterministic) in a temp folder.  Prints wall times of both
#   tools (best of 3), the ratio, and checks that both copied the same bytes.
# Needs: triage-extract on PATH (or TRIAGE_BUILDDIR), tsk_recover, mke2fs, openssl.
set -euo pipefail
export LC_ALL=C
[ -n "${TRIAGE_BUILDDIR:-}" ] && PATH=$TRIAGE_BUILDDIR/cmd:$PATH
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-extract.XXXXXX")
trap 'rm -rf "$work"' EXIT

img=${1:-}
if [ -z "$img" ]; then
    mib=${2:-128}
    mkdir -p "$work/src"
    i=0
    while [ $i -lt 2000 ]; do
        d=$work/src/d$((i % 40))
        mkdir -p "$d"
        # sizes 1 KiB .. 64 KiB, a few of 1 MiB
        if [ $((i % 200)) -eq 0 ]; then n=1048576; else n=$(((i * 7919 % 64 + 1) * 1024)); fi
        head -c "$n" /dev/zero | openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff \
            -iv "$(printf '%032x' $i)" > "$d/f$i.bin"
        i=$((i + 1))
    done
    img=$work/bench.img
    truncate -s "${mib}M" "$img"
    mke2fs -q -F -t ext4 -d "$work/src" "$img"
fi

best() { # prints the best wall time of 3 runs of "$@" (seconds, 3 decimals)
    local b=999999 k s e
    for k in 1 2 3; do
        rm -rf "$work/out"
        s=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s.%N)
        b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s; printf "%.3f", (t < b) ? t : b }')
    done
    echo "$b"
}

t_tri=$(best triage-extract -q -p '**' -o "$work/out" "$img")
t_tsk=$(best tsk_recover -a "$img" "$work/out")
# Same bytes: compare sorted content hashes of both trees.
rm -rf "$work/out" "$work/out2"
triage-extract -q -p '**' -o "$work/out" "$img" >/dev/null
tsk_recover -a "$img" "$work/out2" >/dev/null
a=$(cd "$work/out" && find . -type f ! -name manifest.jsonl -exec sha256sum {} + | cut -d' ' -f1 | sort | sha256sum)
b=$(cd "$work/out2" && find . -type f -exec sha256sum {} + | cut -d' ' -f1 | sort | sha256sum)
files=$(find "$work/out" -type f ! -name manifest.jsonl | wc -l)
bytes=$(du -sb --exclude=manifest.jsonl "$work/out" | cut -f1)
echo "image: $img ($files files, $bytes bytes)"
echo "triage-extract -p '**': ${t_tri}s   (also md5+sha256 of every file, manifest)"
echo "tsk_recover -a:         ${t_tsk}s"
awk -v a="$t_tri" -v b="$t_tsk" 'BEGIN { if (b > 0) printf "ratio triage/tsk_recover: %.2f\n", a / b }'
[ "$a" = "$b" ] && echo "same content: yes" || { echo "same content: NO" >&2; exit 1; }
