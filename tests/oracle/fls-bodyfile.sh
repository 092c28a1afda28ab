#!/usr/bin/env bash
# fls-bodyfile.sh -- oracle: TSK's bodyfile for one filesystem of an image, sorted.
#
# Usage: tests/oracle/fls-bodyfile.sh IMAGE OFFSET_BYTES [more fls options]
#   e.g. fls-bodyfile.sh tests/data/mbr.img 1114112
#        fls-bodyfile.sh apfs.raw 0 -P apfs -B 107
#
# Runs `fls -r -m / -o SECTOR [options] IMAGE`, SECTOR = OFFSET_BYTES / sector size (img_stat's
# "Sector size", or the -b option if given), and prints its lines (bodyfile 3: MD5|name|inode|
# mode|uid|gid|size|atime|mtime|ctime|crtime, MD5 is 0, times in whole seconds) sorted with
# LC_ALL=C sort.  Names may hold any byte except newline; they are passed through unchanged.
#
# Exit: 0 done; 2 usage error, OFFSET not a multiple of the sector size, img_stat or fls failed.
set -uo pipefail
export LC_ALL=C

if [ $# -lt 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
    echo "usage: fls-bodyfile.sh IMAGE OFFSET_BYTES [more fls options]" >&2
    exit 2
fi
img=$1 off=$2
shift 2
opts=("$@")

ssize=
for ((i = 0; i < ${#opts[@]}; i++)); do
    [ "${opts[i]}" = -b ] && ssize=${opts[i + 1]:-}
done
if [ -z "$ssize" ]; then
    imgopts=()
    for ((i = 0; i < ${#opts[@]}; i++)); do   # pass only image options (-i TYPE) to img_stat
        [ "${opts[i]}" = -i ] && imgopts+=(-i "${opts[i + 1]:-}")
    done
    # img_stat's own message on failure: a wrong sector size would be a silent wrong answer.
    istat_out=$(img_stat "${imgopts[@]}" "$img" 2>&1 </dev/null) || {
        echo "fls-bodyfile.sh: img_stat cannot open '$img': $istat_out" >&2
        exit 2
    }
    ssize=$(printf '%s\n' "$istat_out" | sed -n 's/^Sector size:[[:space:]]*\([0-9]*\).*/\1/p')
    ssize=${ssize:-512}
fi
if [ $((off % ssize)) -ne 0 ]; then
    echo "fls-bodyfile.sh: offset $off is not a multiple of the sector size $ssize" >&2
    exit 2
fi

body=$(fls -r -m / -o $((off / ssize)) "${opts[@]}" "$img" </dev/null) || {
    echo "fls-bodyfile.sh: fls failed (exit $?) on '$img' at offset $off" >&2
    exit 2
}
printf '%s\n' "$body" | sort
