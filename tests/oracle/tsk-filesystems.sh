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

istat_out=$(img_stat "${opts[@]}" "$img" 2>&1) || {
    echo "tsk-filesystems.sh: img_stat cannot open '$img': $istat_out" >&2
    exit 2
}

starts=()
if mm=$(mmls "${opts[@]}" "$img" 2>/dev/null); then
    ssize=$(printf '%s\n' "$mm" | sed -n 's/^Units are in \([0-9]*\)-byte sectors.*/\1/p')
    # Partition rows: "NNN:  SLOT  START  END  LENGTH  DESC" where SLOT is "000:001" or "000"
    # (GPT); Meta and "-------" (unallocated) rows are skipped.
    mapfile -t starts < <(printf '%s\n' "$mm" |
        awk '$1 ~ /^[0-9]+:$/ && $2 ~ /^[0-9]+(:[0-9]+)?$/ {print $3 + 0}' | sort -n -u)
else
    ssize=$(printf '%s\n' "$istat_out" | sed -n 's/^Sector size:[[:space:]]*\([0-9]*\).*/\1/p')
    starts=(0)
fi
ssize=${ssize:-512}

# starts are sorted and unique, so the output is sorted by offset.
found=0
for s in "${starts[@]}"; do
    off=$((s * ssize))
    if fs=$(fsstat "${opts[@]}" -t -o "$s" "$img" 2>/dev/null) && [ -n "$fs" ]; then
        jq -cn --argjson off "$off" --arg fs "$fs" '{offset: $off, fs: $fs}'
        found=1
    elif ps=$(pstat "${opts[@]}" -o "$s" "$img" 2>/dev/null) && printf '%s\n' "$ps" | grep -q '^Type: APFS'; then
        for b in $(printf '%s\n' "$ps" | sed -n 's/.*APSB Block Number: \([0-9]*\).*/\1/p'); do
            if fs=$(fsstat "${opts[@]}" -t -o "$s" -P apfs -B "$b" "$img" 2>/dev/null) && [ -n "$fs" ]; then
                jq -cn --argjson off "$off" --arg fs "$fs" --argjson b "$b" \
                    '{offset: $off, fs: $fs, apfs_block: $b}'
                found=1
            fi
        done
    fi
done
[ "$found" = 1 ] || exit 1
exit 0
