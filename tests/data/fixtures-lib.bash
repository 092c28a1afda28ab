# fixtures-lib.bash -- sourced by mkfixtures.sh and mkartifacts.sh: the frozen build environment
# and the e2fsprogs/mtools helpers both use.  Changing anything here must keep every image
# byte-identical to SHA256SUMS and SHA256SUMS.artifacts (rebuild both and `sha256sum -c`).

# fixture_setup NAME TOOL...: stop unless every TOOL is on PATH; freeze locale, zone and clock
# (mke2fs via E2FSPROGS_FAKE_TIME, the rest via faketime "$FROZEN"); make $work (removed on
# exit) with a private mke2fs.conf, so the host's /etc/mke2fs.conf cannot change the result.
fixture_setup() {
    local name=$1 tool
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$name: '$tool' not found" >&2; exit 2; }
    done
    export LC_ALL=C TZ=UTC
    export SOURCE_DATE_EPOCH=1680674828        # 2023-04-05T06:07:08Z
    export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
    export MTOOLS_SKIP_CHECK=1 MTOOLSRC=/dev/null
    export NO_FAKE_STAT=1                     # faketime must not shift the times stat() returns
    FROZEN='2023-04-05 06:07:08'               # faketime: absolute, clock does not advance
    umask 022
    work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
    # shellcheck disable=SC2064  # $work is meant to expand now
    trap "rm -rf '$work'" EXIT
    cat > "$work/mke2fs.conf" <<'EOF'
[defaults]
	blocksize = 1024
	inode_size = 256
	inode_ratio = 16384
[fs_types]
	floppy = {
		inode_ratio = 16384
	}
	small = {
		inode_ratio = 16384
	}
	ext2 = {
		features = ^has_journal
	}
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
EOF
    export MKE2FS_CONFIG=$work/mke2fs.conf
}

# shellcheck disable=SC2016,SC2034  # literal EICAR string, used by the sourcing scripts
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'

# mkext TYPE IMAGE SIZE_KIB STAGING UUID SEED LABEL INODES [extra mke2fs args]: mke2fs -d with
# every identifier fixed.
mkext() {
    local type=$1 img=$2 kib=$3 dir=$4 uuid=$5 seed=$6 label=$7 inodes=$8
    shift 8
    rm -f "$img"
    truncate -s "${kib}K" "$img"
    mke2fs -q -F -t "$type" -b 1024 -I 256 -N "$inodes" -m 0 -L "$label" -U "$uuid" \
        -E "hash_seed=$seed,root_owner=0:0,lazy_itable_init=0,nodiscard" \
        "$@" -d "$dir" "$img" "${kib}k"
}

# ext_set_times IMAGE BASE FIRST LAST [root]: give inode 2 (root) and inodes FIRST..LAST fixed
# times (with "root", also owner 0:0):
#   crtime = BASE + n*3600 + 0 s, nsec 100000000 + n
#   mtime  = BASE + n*3600 + 1 s, nsec 200000000 + n
#   ctime  = BASE + n*3600 + 2 s, nsec 300000000 + n
#   atime  = BASE + n*3600 + 3 s, nsec 400000000 + n
# (the *_extra fields hold nsec << 2; the two epoch bits stay 0 before 2038).
ext_set_times() {
    local img=$1 base=$2 first=$3 last=$4 owner=${5:-} n t
    for n in 2 $(seq "$first" "$last"); do
        t=$((base + n * 3600))
        printf 'sif <%d> crtime @%d\nsif <%d> crtime_extra %d\n' "$n" "$t" "$n" $(((100000000 + n) << 2))
        printf 'sif <%d> mtime @%d\nsif <%d> mtime_extra %d\n' "$n" $((t + 1)) "$n" $(((200000000 + n) << 2))
        printf 'sif <%d> ctime @%d\nsif <%d> ctime_extra %d\n' "$n" $((t + 2)) "$n" $(((300000000 + n) << 2))
        printf 'sif <%d> atime @%d\nsif <%d> atime_extra %d\n' "$n" $((t + 3)) "$n" $(((400000000 + n) << 2))
        [ "$owner" != root ] || printf 'sif <%d> uid 0\nsif <%d> gid 0\n' "$n" "$n"
    done > "$work/sif.cmds"
    faketime "$FROZEN" debugfs -w -f "$work/sif.cmds" "$img" >/dev/null 2>&1
}

# ext_last_inode IMAGE: highest inode in use right after mke2fs -d (allocation is sequential).
ext_last_inode() {
    local total free
    total=$(dumpe2fs -h "$1" 2>/dev/null | awk -F: '/^Inode count/ {print $2+0}')
    free=$(dumpe2fs -h "$1" 2>/dev/null | awk -F: '/^Free inodes/ {print $2+0}')
    echo $((total - free))
}

# ext_chown IMAGE UID GID WHAT...: set owners; WHAT is "<INODE>" or a path in the image (mke2fs
# -d copies the builder's uid/gid, so explicit owners let any user build identical images).
ext_chown() {
    local img=$1 uid=$2 gid=$3 w
    shift 3
    for w in "$@"; do
        case $w in '<'*) ;; *) w="\"$w\"" ;; esac
        printf 'sif %s uid %d\nsif %s gid %d\n' "$w" "$uid" "$w" "$gid"
    done > "$work/chown.cmds"
    faketime "$FROZEN" debugfs -w -f "$work/chown.cmds" "$img" >/dev/null 2>&1
}

# fat_put IMAGE DESTDIR FILE...: copy files in, keeping the (fixed) modification times.
fat_put() {
    local img=$1 dest=$2
    shift 2
    faketime "$FROZEN" mcopy -m -o -i "$img" "$@" "::$dest"
}

# hive_with_profiles BASE OUT SYSTEMROOT [SID=TYPE:PATH]...: a copy of the registry hive BASE with
# Microsoft\Windows NT\CurrentVersion added (SystemRoot = SYSTEMROOT, and a ProfileList key per
# SID whose ProfileImagePath is TYPE "string" or "expandstring"), written by hivexsh.  hivex
# writes no clock or random value (new keys take their parent's last-written time, the
# header's sequence numbers are counted up, its timestamp is left alone): the result depends on
# BASE and the arguments only.  Used by mkartifacts.sh and the ProfileList tests.
hive_with_profiles() {
    local base=$1 out=$2 root=$3 p sid
    shift 3
    cp "$base" "$out"
    chmod u+w "$out"
    {
        printf 'add Microsoft\ncd Microsoft\nadd Windows NT\ncd Windows NT\n'
        printf 'add CurrentVersion\ncd CurrentVersion\nsetval 1\nSystemRoot\nstring:%s\n' "$root"
        printf 'add ProfileList\ncd ProfileList\n'
        for p in "$@"; do
            sid=${p%%=*}
            printf 'add %s\ncd %s\nsetval 1\nProfileImagePath\n%s\ncd ..\n' "$sid" "$sid" "${p#*=}"
        done
        printf 'commit\n'
    } | hivexsh -w "$out"
}
