#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark triage-acquire against ewfacquire (E01, same hashes, same
# deflate level) and raw output with three hashes against `openssl md5`
# alone.  Usage: tests/bench/acquire.sh [SIZE_MIB] [WORKDIR]
# Default 1024 MiB in a fresh folder under ${TMPDIR:-/tmp}.  The input is a
# mix per 1 MiB block: 40% zeros, 30% text (compressible), 30% random.
# Every run reads the input from the page cache (it is read once first).
set -eu
size=${1:-1024}
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/acqbench.XXXXXX")}
builddir=${TRIAGE_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
acquire=$builddir/cmd/triage-acquire
mkdir -p "$work"
in=$work/input.bin

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

if [ ! -f "$in" ] || [ "$(stat -c %s "$in")" -ne $((size * 1048576)) ]; then
	openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
		-iv 00000000000000000000000000000000 -in /dev/zero 2>/dev/null |
		head -c 1048576 >"$work/rand"
	head -c 1048576 /dev/zero >"$work/zero"
	cat /usr/include/*.h /usr/share/common-licenses/* 2>/dev/null |
		head -c 1048576 >"$work/text"
	: >"$in"
	i=0
	while [ $i -lt "$size" ]; do
		case $((i % 10)) in
		0|3|6|8) cat "$work/zero" ;;
		1|4|9) cat "$work/text" ;;
		*) openssl enc -aes-128-ctr -nosalt -K 0f0e0d0c0b0a09080706050403020100 \
			-iv "$(printf '%032x' $i)" -in "$work/rand" 2>/dev/null ;;
		esac
		i=$((i + 1))
	done >"$in"
fi
cat "$in" >/dev/null
echo "input: $in, $size MiB, $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"

run() {	# name command...
	name=$1
	shift
	rm -rf "$work/out" && mkdir "$work/out"
	t0=$(now)
	"$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
	t1=$(now)
	t=$(secs "$t0" "$t1")
	printf '%-40s %7.2f s  %7.1f MiB/s\n' "$name" "$t" "$(echo "$size / $t" | bc -l)"
	eval "T_$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_')=$t"
	LAST=$t
}

run "ewfacquire deflate:fast md5+sha1" ewfacquire -u -q -c deflate:fast -d sha1 \
	-t "$work/out/ewf" "$in"
t_ewf=$LAST
md5_ewf=$(ewfinfo "$work/out/ewf.E01" | awk '/MD5:/{print $2}')
run "triage-acquire e01 fast md5+sha1" "$acquire" -c fast -H md5,sha1 \
	-o "$work/out/tri" "$in"
t_tri=$LAST
md5_tri=$(ewfinfo "$work/out/tri.E01" | awk '/MD5:/{print $2}')
ewfverify -q "$work/out/tri.E01" >/dev/null
size_tri=$(cat "$work/out"/tri.E* | wc -c)
run "triage-acquire e01 fast md5+sha1 -j 1" "$acquire" -j 1 -c fast \
	-H md5,sha1 -o "$work/out/tri" "$in"
t_tri1=$LAST
run "openssl md5 alone" openssl md5 "$in"
t_md5=$LAST
run "triage-acquire raw md5+sha1+sha256" "$acquire" -f raw \
	-H md5,sha1,sha256 -o "$work/out/raw" "$in"
t_raw=$LAST
[ "$md5_ewf" = "$md5_tri" ] || { echo "MD5 differ: $md5_ewf $md5_tri" >&2; exit 1; }
echo "same MD5 in both E01 ($md5_tri); ours passes ewfverify; our E01 set $size_tri bytes"
printf 'E01: triage-acquire is %.2fx ewfacquire (goal >= 2)\n' "$(echo "$t_ewf / $t_tri" | bc -l)"
printf 'E01 with one compression thread: %.2fx ewfacquire\n' "$(echo "$t_ewf / $t_tri1" | bc -l)"
printf 'raw, 3 hashes: %.2fx the time of openssl md5 alone (goal <= 1.3)\n' "$(echo "$t_raw / $t_md5" | bc -l)"
[ -n "${2:-}" ] || rm -rf "$work"
