#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# contrib/slurm: the array and merge scripts as Slurm runs them (the array
# variables set), and submit.sh's job wiring against a stand-in sbatch.
load helpers

# Canonical (submit.sh names its own folder so): distcheck's source path
# is not.
SLURM=$(cd "$TRIAGE_SRCDIR/contrib/slurm" && pwd)

@test "slurm: array tasks collect one image each, the merge job equals a local triage timeline" {
	need_fixtures
	local d="$BATS_TEST_TMPDIR"
	cp "$DATA/sample.img" "$d/a.img"
	cp "$DATA/sample.img" "$d/b.img"
	printf '%s\n' "$d/a.img" "$d/b.img" > "$d/list"
	for i in 1 2; do
		SLURM_ARRAY_TASK_ID=$i "$SLURM/triage-collect.sbatch" "$d/list" "$d/root" -q -e ci
	done
	[ -f "$d/root/00001-a.img/custody.jsonl" ]
	[ -f "$d/root/00002-b.img/custody.jsonl" ]
	triage-verify --case "$d/root/00001-a.img"
	run "$SLURM/triage-merge.sbatch" "$d/root"
	[ "$status" -eq 0 ]
	triage-timeline "$d/root/00001-a.img/timeline.jsonl" "$d/root/00002-b.img/timeline.jsonl" > "$d/local"
	cmp "$d/root/merged.timeline.jsonl" "$d/local"
	[ ! -e "$d/root/.sort" ]
	# A task run again resumes its case: every step is already done.
	run --separate-stderr env SLURM_ARRAY_TASK_ID=1 "$SLURM/triage-collect.sbatch" "$d/list" "$d/root" -q
	[ "$status" -eq 0 ]
}

@test "slurm: bad lines and missing timelines are named, exit 2" {
	local d="$BATS_TEST_TMPDIR"
	printf '%s\n' /nonexistent/x.img > "$d/list"
	run env SLURM_ARRAY_TASK_ID=1 "$SLURM/triage-collect.sbatch" "$d/list" "$d/root"
	[ "$status" -eq 2 ]
	[[ "$output" == *"line 1: no such image '/nonexistent/x.img'"* ]]
	run env SLURM_ARRAY_TASK_ID=5 "$SLURM/triage-collect.sbatch" "$d/list" "$d/root"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no line 5"* ]]
	run "$SLURM/triage-collect.sbatch" "$d/list" "$d/root"
	[ "$status" -ne 0 ]
	mkdir -p "$d/root/00001-x.img"
	run "$SLURM/triage-merge.sbatch" "$d/root"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no timeline in $d/root/00001-x.img/"* ]]
}

@test "slurm: submit.sh makes one array over the list and a merge that waits for all of it" {
	local d="$BATS_TEST_TMPDIR"
	mkdir "$d/bin"
	cat > "$d/bin/sbatch" <<'SH'
#!/bin/sh
echo "$*" >> "$SBATCH_LOG"
n=$(wc -l < "$SBATCH_LOG")
echo "$((100 + n));cluster"
SH
	chmod +x "$d/bin/sbatch"
	printf '%s\n' /e/1.E01 /e/2.E01 /e/3.E01 > "$d/list"
	run env PATH="$d/bin:$PATH" SBATCH_LOG="$d/log" "$SLURM/submit.sh" -p 2 "$d/list" /cases -e ci
	[ "$status" -eq 0 ]
	[ "$output" = "array job 101 (3 images, 2 at a time), merge job 102" ]
	[ "$(sed -n 1p "$d/log")" = "--parsable --array=1-3%2 $SLURM/triage-collect.sbatch $d/list /cases -e ci" ]
	[ "$(sed -n 2p "$d/log")" = "--parsable --dependency=afterany:101 $SLURM/triage-merge.sbatch /cases" ]
}
