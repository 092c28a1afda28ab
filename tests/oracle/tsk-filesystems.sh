#!/usr/bin/env bash
# tsk-filesystems.sh -- oracle: which filesystems does The Sleuth Kit find in an image?
#
# Usage: tests/oracle/tsk-filesystems.sh IMAGE [TSK image options, e.g. -i ewf -b 512]
#
# Prints one JSON object per line, sorted by offset:
#   {"offset":BYTES,"fs":"ext4"}
#   {"offset":BYTES,"fs":"apfs","apfs_block":N}     (one line per APFS volume, via pstat)
# BYTES counts from the start of the image, using the sector size mmls reports ("Units are in
# N-byte sectors"), or img_stat's sector size when there is no volume system.  "fs" is exactly
# what `fsstat -t` prints.  Partitions where fsstat fails are left out.
#
# With a volume system: fsstat -t on the start of every partition mmls lists (not Meta, not
# unallocated).  Without one (mmls fails): fsstat -t at offset 0.  Where fsstat fails, pstat is
# asked for an APFS container.
#
# Exit: 0 at least one filesystem found; 1 image opened but no filesystem found;
#       2 usage error, a TSK tool missing, or the image cannot be opened (img_stat fails:
#       QCOW, missing parent, unreadable file).
# Stderr: one line for every partition start where neither fsstat nor pstat found a
# filesystem, with what mmls, fsstat and pstat said, so a caller can show why.  Every tool
# reads /dev/null, never the caller's stdin (callers run this in `while read` loops).
#
# No `cmd | grep -q` here: under pipefail, grep -q exiting at its first match makes the
# writer die of SIGPIPE when it writes again, and the pipeline fails although it matched.
# Bash writes printf's output line by line (stdout is line-buffered), so that happened only
# when the scheduler ran grep between two of those writes: on a loaded machine, this script
# printed nothing for apfs.raw now and then.  Tests on captured text use [[ ]] instead.
set -uo pipefail
export LC_ALL=C

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    echo "usage: tsk-filesystems.sh IMAGE [TSK image options]" >&2
    exit 2
fi
img=$1
shift
opts=("$@")
for tool in mmls fsstat img_stat pstat jq; do
    command -v "$tool" >/dev/null || { echo "tsk-filesystems.sh: '$tool' not found" >&2; exit 2; }
done

err=$(mktemp "${TMPDIR:-/tmp}/tsk-filesystems.XXXXXX") || exit 2
trap 'rm -f "$err"' EXIT

# What a tool wrote on stderr ($err) and its exit status, on one line.
said() {
    local e
    e=$(head -c 300 "$err")
    printf '%s (exit %s)' "${e//$'\n'/ | }" "$1"
}

istat_out=$(img_stat "${opts[@]}" "$img" 2>&1 </dev/null) || {
    echo "tsk-filesystems.sh: img_stat cannot open '$img': $istat_out" >&2
    exit 2
}

starts=()
if mm=$(mmls "${opts[@]}" "$img" 2>"$err" </dev/null); then
    ssize=$(printf '%s\n' "$mm" | sed -n 's/^Units are in \([0-9]*\)-byte sectors.*/\1/p')
    # Partition rows: "NNN:  SLOT  START  END  LENGTH  DESC" where SLOT is "000:001" or "000"
    # (GPT); Meta and "-------" (unallocated) rows are skipped.
    mapfile -t starts < <(printf '%s\n' "$mm" |
        awk '$1 ~ /^[0-9]+:$/ && $2 ~ /^[0-9]+(:[0-9]+)?$/ {print $3 + 0}' | sort -n -u)
    mmls_said="mmls: ${#starts[@]} partition(s)"
else
    mmls_said="mmls: $(said $?), so offset 0 only"
    ssize=$(printf '%s\n' "$istat_out" | sed -n 's/^Sector size:[[:space:]]*\([0-9]*\).*/\1/p')
    starts=(0)
fi
ssize=${ssize:-512}

# starts are sorted and unique, so the output is sorted by offset.
found=0
for s in "${starts[@]}"; do
    off=$((s * ssize))
    fs=$(fsstat "${opts[@]}" -t -o "$s" "$img" 2>"$err" </dev/null)
    rc=$?
    if [ "$rc" = 0 ] && [ -n "$fs" ]; then
        jq -cn --argjson off "$off" --arg fs "$fs" '{offset: $off, fs: $fs}'
        found=1
        continue
    fi
    why="fsstat -t: $(said "$rc")"
    ps=$(pstat "${opts[@]}" -o "$s" "$img" 2>"$err" </dev/null)
    rc=$?
    if [ "$rc" != 0 ] || [[ $'\n'$ps != *$'\nType: APFS'* ]]; then
        echo "tsk-filesystems.sh: '$img' offset $off: no filesystem ($mmls_said); $why; pstat: $(said "$rc")" >&2
        continue
    fi
    blocks=()
    while IFS= read -r line; do
        [[ $line =~ APSB\ Block\ Number:\ ([0-9]+) ]] && blocks+=("${BASH_REMATCH[1]}")
    done <<<"$ps"
    [ "${#blocks[@]}" -gt 0 ] ||
        echo "tsk-filesystems.sh: '$img' offset $off: an APFS container, but no volume in pstat's output" >&2
    for b in "${blocks[@]}"; do
        fs=$(fsstat "${opts[@]}" -t -o "$s" -P apfs -B "$b" "$img" 2>"$err" </dev/null)
        rc=$?
        if [ "$rc" = 0 ] && [ -n "$fs" ]; then
            jq -cn --argjson off "$off" --arg fs "$fs" --argjson b "$b" \
                '{offset: $off, fs: $fs, apfs_block: $b}'
            found=1
        else
            echo "tsk-filesystems.sh: '$img' offset $off: APFS volume at block $b: fsstat -t: $(said "$rc")" >&2
        fi
    done
done
[ "$found" = 1 ] || exit 1
exit 0
