#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark triage-acquire against ewfacquire (E01, same hashes, "fast"
# compression: zlib level 1 there, libdeflate level 1 here; the sizes of
# both sets are printed) and raw output with three hashes against
# `openssl md5` alone.  Usage: tests/bench/acquire.sh [SIZE_MIB] [WORKDIR]
# Default 1024 MiB in a fresh folder under ${TMPDIR:-/tmp}.  The input is a
# mix per 1 MiB block: 40% zeros, 30% text (compressible), 30% random.
# Every run reads the input from the page cache (it is read once first).
# Each command runs ROUNDS times (default 2); the ratios use the fastest
# run of each, since other work on a shared machine only adds time.  The
# load average is printed before each run.
set -eu
size=${1:-1024}
rounds=${ROUNDS:-2}
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
	LAST=
	r=0
	while [ $r -lt "$rounds" ]; do
		rm -rf "$work/out" && mkdir "$work/out"
		load=$(cut -d' ' -f1 /proc/loadavg)
		t0=$(now)
		"$@" >/dev/null 2>"$work/err" ||
		    { cat "$work/err" >&2; exit 1; }
		t1=$(now)
		t=$(secs "$t0" "$t1")
		printf '%-40s %7.2f s  %7.1f MiB/s  (load %s)\n' "$name" "$t" \
		    "$(echo "$size / $t" | bc -l)" "$load"
		if [ -z "$LAST" ] || [ "$(echo "$t < $LAST" | bc)" -eq 1 ]; then
			LAST=$t
		fi
		r=$((r + 1))
	done
}

run "ewfacquire deflate:fast md5+sha1" ewfacquire -u -q -c deflate:fast -d sha1 \
	-t "$work/out/ewf" "$in"
t_ewf=$LAST
md5_ewf=$(ewfinfo "$work/out/ewf.E01" | awk '/MD5:/{print $2}')
size_ewf=$(cat "$work/out"/ewf.E* | wc -c)
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
echo "same MD5 in both E01 ($md5_tri); ours passes ewfverify"
echo "E01 set: ewfacquire $size_ewf bytes, triage-acquire $size_tri bytes"
printf 'E01: triage-acquire is %.2fx ewfacquire (goal >= 2)\n' "$(echo "$t_ewf / $t_tri" | bc -l)"
printf 'E01 with one compression thread: %.2fx ewfacquire\n' "$(echo "$t_ewf / $t_tri1" | bc -l)"
printf 'raw, 3 hashes: %.2fx the time of openssl md5 alone (goal <= 1.3)\n' "$(echo "$t_raw / $t_md5" | bc -l)"
[ -n "${2:-}" ] || rm -rf "$work"
