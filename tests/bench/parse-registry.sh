#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark triage-parse's winreg parser: the SYSTEM hive's full key
# timeline (`triage-parse --registry keys`: one event per key, with its
# values) against `hivexml` (the whole tree with values as XML) on the same
# hive.  Usage: tests/bench/parse-registry.sh [HIVE]
# Default: $TRIAGE_TEST_DATA/artifacts/registry/regipy/SYSTEM (11 MiB,
# 30756 keys, 73456 values).  Each command runs ROUNDS times (default 3);
# the ratio uses the fastest run of each (other work on a shared machine
# only adds time).  Wall-clock seconds; CPU seconds (user+sys) beside them.
set -eu
rounds=${ROUNDS:-3}
builddir=${TRIAGE_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
srcdir=${TRIAGE_SRCDIR:-$builddir}
data=${TRIAGE_TEST_DATA:-$srcdir/../shared/fixtures}
hive=${1:-$data/artifacts/registry/regipy/SYSTEM}
parse=$builddir/cmd/triage-parse
command -v hivexml >/dev/null || { echo "hivexml is not installed" >&2; exit 77; }
[ -f "$hive" ] || { echo "no hive at $hive" >&2; exit 77; }
cat "$hive" >/dev/null		# page cache

# best "wall cpu" of $rounds runs of the command given
best() {
	b=""
	i=0
	while [ $i -lt "$rounds" ]; do
		/usr/bin/time -f "%e %U %S" -o /tmp/prbench.$$ "$@" >/dev/null
		set -- "$@"
		r=$(awk '{ printf "%.2f %.2f", $1, $2 + $3 }' /tmp/prbench.$$)
		if [ -z "$b" ] || [ "$(echo "$r $b" | awk '{ print ($1 < $3) }')" = 1 ]; then
			b=$r
		fi
		i=$((i + 1))
	done
	rm -f /tmp/prbench.$$
	echo "$b"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
events=$("$parse" --registry keys "$hive" | wc -l)
t=$(best "$parse" --registry keys "$hive")
h=$(best hivexml "$hive")
set -- $t $h
echo "triage-parse --registry keys: $1 s wall, $2 s cpu, $events events ($(echo "$events $1" | awk '{ printf "%d", $1 / ($2 > 0 ? $2 : 0.01) }') events/s)"
echo "hivexml:                      $3 s wall, $4 s cpu"
echo "ratio (triage/hivexml): wall $(echo "$1 $3" | awk '{ printf "%.2f", $1 / ($2 > 0 ? $2 : 0.01) }'), cpu $(echo "$2 $4" | awk '{ printf "%.2f", $1 / ($2 > 0 ? $2 : 0.01) }')"
