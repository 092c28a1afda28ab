#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# parse-syslog.sh -- triage-parse on a generated syslog file against wc -l
# on the same file (the I/O floor).
#
# Usage: tests/bench/parse-syslog.sh [MB]
#   MB  size of the generated file in MiB (default 1024)
# The file (in $TMPDIR, removed at the end) mixes the line kinds of a real
# auth.log/syslog: BSD lines from cron, sshd (accepted, failed, invalid
# user, connections), sudo, kernel, systemd, with a roll-over into a new
# year.  Both commands run once to warm the page cache, then are timed;
# triage-parse writes to /dev/null with one job (one core).  Prints lines,
# seconds and lines/s for each and the ratio triage/wc.
set -euo pipefail
export LC_ALL=C
[ -n "${TRIAGE_BUILDDIR:-}" ] && PATH="$TRIAGE_BUILDDIR/cmd:$PATH"
mb=${1:-1024}
work=$(mktemp -d "${TMPDIR:-/tmp}/parse-syslog-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
f="$work/auth.log"

# One block of 4096 varied lines, repeated to the size asked for.
awk 'BEGIN {
	srand(13)
	split("Dec Jan", mon, " ")
	for (i = 0; i < 4096; i++) {
		m = mon[1 + (i >= 2048)]
		d = 1 + int(i / 160) % 28
		t = sprintf("%s %2d %02d:%02d:%02d", m, d, i % 24, i % 60, (i * 7) % 60)
		ip = sprintf("%d.%d.%d.%d", 10 + i % 200, i % 256, (i * 3) % 256, (i * 7) % 256)
		k = i % 8
		if (k == 0)
			printf "%s web01 sshd[%d]: Accepted publickey for deploy from %s port %d ssh2: RSA SHA256:9xyQ+PG1Z3CIiShclJ2iNya5TOdKDgE\n", t, 1000 + i, ip, 30000 + i
		else if (k == 1)
			printf "%s web01 sshd[%d]: Failed password for invalid user admin%d from %s port %d ssh2\n", t, 1000 + i, i, ip, 40000 + i
		else if (k == 2)
			printf "%s web01 CRON[%d]: (root) CMD (cd / && run-parts --report /etc/cron.hourly)\n", t, 2000 + i
		else if (k == 3)
			printf "%s web01 sudo:    alice : TTY=pts/%d ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx\n", t, i % 9
		else if (k == 4)
			printf "%s web01 kernel: [%d.%06d] EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro\n", t, i, i * 37
		else if (k == 5)
			printf "%s web01 systemd[1]: Started Session %d of user alice.\n", t, i
		else if (k == 6)
			printf "%s web01 sshd[%d]: Connection from %s port %d on 10.0.0.1 port 22\n", t, 1000 + i, ip, 50000 + i
		else
			printf "%s web01 nginx[%d]: 10.0.0.%d - - \"GET /index.html HTTP/1.1\" 200 612 \"-\" \"curl/7.88\"\n", t, 3000 + i, i % 255
	}
}' > "$work/block"
bs=$(stat -c %s "$work/block")
reps=$(( (mb * 1048576 + bs - 1) / bs ))
# doubling copies: fast, and the roll-overs stay within each block
cp "$work/block" "$f"
have=1
while [ $((have * 2)) -le "$reps" ]; do
	cat "$f" "$f" > "$f.2"
	mv "$f.2" "$f"
	have=$((have * 2))
done
while [ "$have" -lt "$reps" ]; do
	cat "$work/block" >> "$f"
	have=$((have + 1))
done
touch -d '2024-02-01Z' "$f"

wc -l < "$f" > /dev/null
triage-parse -q -p syslog "$f" > /dev/null || true

t0=$(date +%s.%N)
lines=$(wc -l < "$f")
t1=$(date +%s.%N)
triage-parse -q -p syslog "$f" > /dev/null || true
t2=$(date +%s.%N)

awk -v l="$lines" -v a="$t0" -v b="$t1" -v c="$t2" -v mb="$(( $(stat -c %s "$f") / 1048576 ))" 'BEGIN {
	wc = b - a; tp = c - b
	printf "file: %d MiB, %d lines\n", mb, l
	printf "wc -l:        %8.2f s  %12.0f lines/s\n", wc, l / wc
	printf "triage-parse: %8.2f s  %12.0f lines/s (one job, events to /dev/null)\n", tp, l / tp
	printf "ratio triage/wc: %.1f\n", tp / wc
}'
