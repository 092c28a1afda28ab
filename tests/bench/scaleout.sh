#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scaleout.sh -- the cost of the OpenRelik (Celery + Redis) path per image.
#
# Usage: tests/bench/scaleout.sh [COPIES [WORKERS]]   (defaults: 8 2)
#
# COPIES copies of the sample disk through a plain shell loop of
# triage-collect (WORKERS at a time, xargs -P), then through the worker's
# `collect` tasks and a chord into `merge` on a redis-server on 127.0.0.1 and
# a Celery worker with --concurrency=WORKERS.  Prints both wall times, the
# engine's overhead per image, and checks both merged timelines are equal.
# Needs redis-server, python3-celery, python3-redis; loopback only.
set -euo pipefail
export LC_ALL=C TZ=UTC
copies=${1:-8}
workers=${2:-2}
top=$(cd "$(dirname "$0")/../.." && pwd)
bindir=${TRIAGE_BINDIR:-$top/cmd}
py=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/scaleout-bench.XXXXXX")
redis_pid= worker_pid=
cleanup() {
	[ -n "$worker_pid" ] && kill -TERM -- "-$worker_pid" 2>/dev/null || true
	[ -n "$redis_pid" ] && kill -TERM "$redis_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

for i in $(seq "$copies"); do cp "$top/tests/data/sample.img" "$work/disk$i.img"; done
now() { date +%s.%N; }

# 1. The shell loop.
mkdir "$work/loop"
t0=$(now)
seq "$copies" | xargs -P "$workers" -I{} "$bindir/triage-collect" -q -e bench \
    -o "$work/loop/case{}" "$work/disk{}.img"
"$bindir/triage-timeline" "$work"/loop/case*/timeline.jsonl > "$work/loop.jsonl"
t1=$(now)

# 2. The Celery path.
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$work" \
    > "$work/redis.log" 2>&1 &
redis_pid=$!
export REDIS_URL="redis://127.0.0.1:$port/0"
until $py -c "import redis; redis.Redis(port=$port).ping()" 2>/dev/null; do sleep 0.1; done
mkdir "$work/out"
cd "$top/contrib/openrelik-worker-triage"
TRIAGE_BINDIR=$bindir setsid $py -m celery --app=src.app worker --concurrency="$workers" \
    --loglevel=WARNING -Q openrelik-worker-triage --without-gossip --without-mingle \
    --without-heartbeat > "$work/worker.log" 2>&1 &
worker_pid=$!
sleep 3		# worker start-up, not counted
t2=$(now)
out=$($py -m tests.dispatch "$work/out" "$work"/disk*.img)
t3=$(now)
merged=$(sed -n 1p <<<"$out")

loop=$(echo "$t1 - $t0" | bc -l)
engine=$(echo "$t3 - $t2" | bc -l)
printf 'images: %d, workers: %d\n' "$copies" "$workers"
printf 'shell loop (xargs -P %d) + timeline: %.2f s\n' "$workers" "$loop"
printf 'celery + redis, collect chord + merge: %.2f s\n' "$engine"
printf 'engine overhead per image: %.3f s (ratio %.2f)\n' \
    "$(echo "($engine - $loop) / $copies" | bc -l)" "$(echo "$engine / $loop" | bc -l)"
# Same events either way (sources differ: display names vs paths).
a=$(jq -c 'del(.source)' "$work/loop.jsonl" | sort | sha256sum)
b=$(jq -c 'del(.source)' "$merged" | sort | sha256sum)
[ "$a" = "$b" ] && echo "merged timelines: same events" || { echo "merged timelines DIFFER"; exit 1; }
