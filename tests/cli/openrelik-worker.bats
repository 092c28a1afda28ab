#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# contrib/openrelik-worker-triage: the tasks called directly, then through a
# real broker (redis-server on 127.0.0.1) and Celery worker, and the Slurm
# templates' shell logic.
load helpers

WORKER="$TRIAGE_SRCDIR/contrib/openrelik-worker-triage"
PY=/usr/bin/python3

need_celery() {
	[ -x "$PY" ] || skip "no $PY"
	"$PY" -c 'import celery, redis' 2>/dev/null ||
		skip "python3-celery or python3-redis is not installed"
}

@test "openrelik worker: the tasks called directly (result format, names, custody, merge)" {
	need_fixtures
	need_celery
	cd "$WORKER"
	run env TRIAGE_BINDIR="$TRIAGE_BUILDDIR/cmd" TRIAGE_SAMPLE="$DATA/sample.img" \
	    "$PY" -m unittest -v tests.test_tasks
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Ran 11 tests"* ]]
}

# A free TCP port on 127.0.0.1.
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

stop_services() {
	# The worker was started with setsid: its pool children share its group.
	if [ -n "${WORKER_PID:-}" ]; then
		kill -TERM -- "-$WORKER_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$WORKER_PID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL -- "-$WORKER_PID" 2>/dev/null
	fi
	[ -n "${REDIS_PID:-}" ] && kill -TERM "$REDIS_PID" 2>/dev/null
	wait 2>/dev/null || true
}

teardown() {
	stop_services
}

@test "openrelik worker: collect on two images and a chord into merge through redis and celery equal a local timeline" {
	need_fixtures
	need_celery
	command -v redis-server >/dev/null || skip "no redis-server"
	local d="$BATS_TEST_TMPDIR" port
	port=$(free_port)
	redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
	    --dir "$d" >"$d/redis.log" 2>&1 &
	REDIS_PID=$!
	export REDIS_URL="redis://127.0.0.1:$port/0"
	for _ in $(seq 50); do
		"$PY" -c "import redis,sys; redis.Redis(port=$port).ping()" 2>/dev/null && break
		sleep 0.2
	done
	cp "$DATA/sample.img" "$d/laptop.img"
	cp "$DATA/sample.img" "$d/server.img"
	mkdir "$d/out"
	cd "$WORKER"
	# As OpenRelik starts its workers (EVENTS.md, scale-out).
	TRIAGE_BINDIR="$TRIAGE_BUILDDIR/cmd" setsid "$PY" -m celery --app=src.app worker \
	    --task-events --concurrency=2 --loglevel=INFO -Q openrelik-worker-triage \
	    --without-gossip --without-mingle --without-heartbeat \
	    >"$d/worker.log" 2>&1 &
	WORKER_PID=$!
	run timeout 600 "$PY" -m tests.dispatch "$d/out" "$d/laptop.img" "$d/server.img"
	echo "$output"
	tail -n 20 "$d/worker.log"
	[ "$status" -eq 0 ]
	local merged one two
	merged=$(sed -n 1p <<<"$output") one=$(sed -n 2p <<<"$output") two=$(sed -n 3p <<<"$output")
	triage-timeline "$one" "$two" > "$d/local.jsonl"
	cmp "$merged" "$d/local.jsonl"
	[ "$(jq -r .source "$merged" | sort -u | tr '\n' ' ')" = "laptop.img server.img " ]
	# Both items ran in the worker, not here.
	grep -q "openrelik-worker-triage.tasks.collect" "$d/worker.log"
	grep -q "openrelik-worker-triage.tasks.merge" "$d/worker.log"
}

@test "timesketch: a case timeline keeps Timesketch's JSONL rules (required keys, offsets, one type per field, limits)" {
	need_fixtures
	local d="$BATS_TEST_TMPDIR"
	triage-collect -q -e ci -o "$d/case" "$DATA/sample.img"
	run "$ORACLE/timesketch-jsonl.py" "$d/case/timeline.jsonl"
	echo "$output"
	[ "$status" -eq 0 ]
	# The check itself fails where Timesketch would.
	jq -c 'if .timestamp_desc == "Creation Time" then .size = "big" else . end' \
	    "$d/case/timeline.jsonl" > "$d/bad.jsonl"
	run "$ORACLE/timesketch-jsonl.py" "$d/bad.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"'size' of fs:stat is "* ]]
	jq -c '.datetime |= sub("\\+00:00$"; "")' "$d/case/timeline.jsonl" > "$d/bad2.jsonl"
	run "$ORACLE/timesketch-jsonl.py" "$d/bad2.jsonl"
	[ "$status" -eq 1 ]
	[[ "$output" == *"datetime without offset"* ]]
}
