#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
load helpers

setup_file() {
	# One collection of the sample disk, shared by the read-only tests.
	export CASE0="$BATS_FILE_TMPDIR/case0"
	triage-collect -q -e 'Jane Doe' -c 2026-0042 -o "$CASE0" \
		"$TRIAGE_SRCDIR/tests/data/sample.img" 2>"$BATS_FILE_TMPDIR/case0.err" ||
		echo "status $?" >> "$BATS_FILE_TMPDIR/case0.err"
}

# A failed test shows what its last `run` printed: `run -N` alone hides it.
teardown() {
	local p
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${status+set}" ]; then
		printf 'last run: exit %s\nstdout:\n%s\nstderr:\n%s\n' \
			"$status" "$(head -c 4000 <<<"${output:-}")" \
			"$(tail -c 4000 <<<"${stderr:-}")"
	fi
	# Whatever a test left running in the background (its own pids only).
	if [ -f "$BATS_TEST_TMPDIR/pids" ]; then
		while read -r p; do
			case $(ps -o args= -p "$p" 2>/dev/null) in
			*triage-*|*"sleep 1000"*) kill -KILL "$p" 2>/dev/null || true ;;
			esac
		done < "$BATS_TEST_TMPDIR/pids"
	fi
}

# The steps of a collection run from the build tree, in order: detect only
# when triage-detect and the shipped Sigma rules are there.
build_steps() {
	local s=(hash info walk extract parse)
	[ -x "$TRIAGE_BUILDDIR/cmd/triage-detect" ] && [ -d "$TRIAGE_SRCDIR/rules/sigma" ] && s+=(detect)
	s+=(scan timeline report seal)
	printf '%s\n' "${s[@]}"
}

# The line of step $1 in CASE0's custody log.
step_line() {
	jq -r .step "$CASE0/custody.jsonl" | grep -nx "$1" | cut -d: -f1
}

# CASE0 exists: else show why its collection failed.
case0() {
	[ ! -s "$BATS_FILE_TMPDIR/case0.err" ] || {
		echo "collecting case0 failed:" >&2
		cat "$BATS_FILE_TMPDIR/case0.err" >&2
		return 1
	}
	[ "$(tail -n 1 "$CASE0/custody.jsonl" | jq -r .step)" = seal ]
}

# Every custody entry (or record) the filter selects passes it, and there is
# one; else show what the filter saw.
jq_all() {
	jq -n -e "[inputs | $1] | length > 0 and all" "$2" >/dev/null && return 0
	echo "jq_all failed: $1 on $2:" >&2
	head -c 8000 "$2" >&2
	return 1
}

# A copy of the shared case to tamper with.
case_copy() {
	local d
	case0 || return 1
	d=$(scratch)
	cp -a "$CASE0" "$d/case"
	echo "$d/case"
}

# The chain, checked independently of libtriage: each prev is the
# sha256sum of the line before.
chain_ok() {
	local log=$1 n i prev want
	n=$(wc -l < "$log")
	[ "$(sed -n 1p "$log" | jq -r '.prev // "none"')" = none ]
	for ((i = 2; i <= n; i++)); do
		want=$(sed -n "$((i - 1))p" "$log" | tr -d '\n' | sha256sum | cut -d' ' -f1)
		prev=$(sed -n "${i}p" "$log" | jq -r .prev)
		[ "$prev" = "$want" ] || { echo "line $i: $prev != $want" >&2; return 1; }
		[ "$(sed -n "${i}p" "$log" | jq .seq)" -eq "$i" ]
	done
}

# A folder with triage-collect and the tools beside it, one of them fake:
# it fails reading its source, or runs the shell script given.
fake_tools() {
	local bin=$1 fake=$2 script=$3 t
	# Outside the build tree the shipped rules are found through this.
	export TRIAGE_RULES="$TRIAGE_SRCDIR/rules/yara"
	mkdir -p "$bin"
	cp "$TRIAGE_BUILDDIR/cmd/triage-collect" "$bin/"
	for t in "$TRIAGE_BUILDDIR"/cmd/triage-*; do
		[ -x "$t" ] && [ ! -e "$bin/$(basename "$t")" ] && ln -s "$t" "$bin/"
	done
	if [ -n "$fake" ]; then
		rm -f "$bin/$fake"
		if [ -n "$script" ]; then
			printf '#!/bin/sh\n%s\n' "$script" > "$bin/$fake"
		else
			printf '#!/bin/sh\n[ "$1" = --version ] && exit 0\necho "%s: cannot read <broken> at offset 42" >&2\nexit 2\n' "$fake" > "$bin/$fake"
		fi
		chmod +x "$bin/$fake"
	fi
}

# A folder with triage-collect and stubs of the tools it runs: each prints
# its version and exits 0 at once.  --step-timeout applies to every step, so
# a timeout test must not depend on how fast real tools run (ASan, load).
stub_tools() {
	local bin=$1 t
	export TRIAGE_RULES="$TRIAGE_SRCDIR/rules/yara"
	mkdir -p "$bin"
	cp "$TRIAGE_BUILDDIR/cmd/triage-collect" "$bin/"
	for t in triage-info triage-acquire triage-walk triage-extract \
		triage-parse triage-scan triage-timeline triage-report; do
		printf '#!/bin/sh\n[ "$1" = --version ] && echo "%s (triage) 0.0.0"\nexit 0\n' \
			"$t" > "$bin/$t"
		chmod +x "$bin/$t"
	done
}

# Make tool $1 a step that hangs in a child of its own: it writes its pid
# and the child's to $2/leader.pid and $2/grandchild.pid, then waits.  The
# teardown kills both whatever happens, so that a failure cannot leave bats
# waiting for them.
hang_tool() {
	local tool=$1 dir=$2
	cat > "$tool" <<-EOF
	#!/bin/sh
	[ "\$1" = --version ] && exit 0
	echo \$\$ >> '$BATS_TEST_TMPDIR/pids'
	echo \$\$ > '$dir/leader.tmp' && mv '$dir/leader.tmp' '$dir/leader.pid'
	sleep 1000 &
	echo \$! >> '$BATS_TEST_TMPDIR/pids'
	echo \$! > '$dir/grandchild.tmp' && mv '$dir/grandchild.tmp' '$dir/grandchild.pid'
	echo "$(basename "$tool"): stuck" >&2
	wait
	EOF
	chmod +x "$tool"
}

# Wait up to 60 s for file $1 to exist (a step started in the background).
wait_file() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	echo "no $1 after 60 s" >&2
	return 1
}

# Wait up to 30 s until process $1 (whose command line holds $2) is gone.  A
# killed process stays a zombie until its new parent reaps it, and kill -0
# still finds a zombie: that counts as gone, as does a pid now reused.
# Without ps nothing can be checked: that fails (callers need_cmd ps).
wait_gone() {
	local pid=$1 what=$2 i st
	command -v ps >/dev/null 2>&1 || { echo "wait_gone: no ps to check $pid" >&2; return 1; }
	for ((i = 0; i < 300; i++)); do
		st=$(ps -o stat=,args= -p "$pid" 2>/dev/null) || return 0
		[[ "$st" != Z* && "$st" == *"$what"* ]] || return 0
		sleep 0.1
	done
	echo "process $pid ($what) still running: $st" >&2
	return 1
}

# Process $1 is not there at all, not even as a zombie: its parent, which
# just returned, reaped it.  (Once a parent exits, its zombies go to init,
# which reaps them soon, so this is checked at once.)
reaped() {
	local st
	command -v ps >/dev/null 2>&1 || { echo "reaped: no ps to check $1" >&2; return 1; }
	st=$(ps -o stat=,args= -p "$1" 2>/dev/null) || return 0
	echo "process $1 not reaped: $st" >&2
	return 1
}

@test "--help prints the man page synopsis and exits 0" {
	assert_help_matches_man triage-collect
}

@test "--version names triage and every library" {
	run -0 --separate-stderr triage-collect --version
	[[ "${lines[0]}" == "triage-collect (triage) "* ]]
	[[ "$output" == *"libyara "* ]]
}

@test "misuse exits 2 with the usage: unknown option, no source, no case" {
	run -2 --separate-stderr triage-collect --bogus x
	[[ "$stderr" == *"usage: triage-collect"* ]]
	run -2 --separate-stderr triage-collect -o "$(scratch)/c"
	[[ "$stderr" == *"no source given"* ]]
	run -2 --separate-stderr triage-collect "$DATA/ext4.img"
	[[ "$stderr" == *"no case folder given"* ]]
}

@test "a missing source exits 2 naming it, and makes no case folder" {
	local d
	d=$(scratch)
	run -2 --separate-stderr triage-collect -o "$d/c" /nonexistent/disk.img
	[[ "$stderr" == *"'/nonexistent/disk.img'"* ]]
	[ ! -e "$d/c" ]
}

@test "--hash-only: SHA-256 and MD5 equal sha256sum and md5sum" {
	run -0 --separate-stderr triage-collect --hash-only "$DATA/sample.img"
	assert_jsonl "$output"
	[ "$(jq -r .record <<<"$output")" = hash ]
	[ "$(jq -r .sha256 <<<"$output")" = "$(sha256sum < "$DATA/sample.img" | cut -d' ' -f1)" ]
	[ "$(jq -r .md5 <<<"$output")" = "$(md5sum < "$DATA/sample.img" | cut -d' ' -f1)" ]
	[ "$(jq .size <<<"$output")" -eq 15728640 ]
	run -2 --separate-stderr bash -c "triage-collect -H '$DATA/ext4.img' > /dev/full"
}

@test "sample.img: every step done, the case folder complete" {
	case0
	for f in custody.jsonl hash.jsonl info.jsonl files.jsonl hits.jsonl \
		timeline.jsonl report.html artifacts/manifest.jsonl; do
		[ -s "$CASE0/$f" ] || { echo "missing $f" >&2; false; }
	done
	for f in "$CASE0"/*.jsonl "$CASE0/artifacts/manifest.jsonl"; do
		assert_jsonl "$(cat "$f")"
	done
	run -0 jq -r '[.seq, .step] | @tsv' "$CASE0/custody.jsonl"
	[ "$output" = "$(build_steps | nl -w1 -s$'\t')" ]
	# parse: "none" until a parser recognises something of sample.img.
	jq_all 'select(.step != "parse" and .step != "detect") | .status == "ok"' "$CASE0/custody.jsonl"
	jq_all 'select(.step == "parse") | (.status == "ok" or .status == "none") and .stdout == "parsed.jsonl"' "$CASE0/custody.jsonl"
	# The timeline merges the parsed events.
	jq_all 'select(.step == "timeline") | .argv | index("'"$CASE0"'/parsed.jsonl")' "$CASE0/custody.jsonl"
	# Both systems found: both artifact groups asked for.
	jq_all 'select(.step == "extract") | .argv | index("--artifact=linux-triage") and index("--artifact=windows-triage")' "$CASE0/custody.jsonl"
	jq_all 'select(.path == "/etc/passwd")' "$CASE0/artifacts/manifest.jsonl"
	# The planted EICAR file is a hit, tagged in the timeline.
	jq_all 'select(.rule == "EICAR_Test_File" and .path == "/home/alice/Downloads/invoice.pdf.exe")' "$CASE0/hits.jsonl"
	grep -q '"yara:EICAR_Test_File"' "$CASE0/timeline.jsonl"
	[ "$(jq -r .sha256 "$CASE0/hash.jsonl")" = "$(sha256sum < "$DATA/sample.img" | cut -d' ' -f1)" ]
}

@test "custody entries: examiner, case, host, versions, times, outputs with their SHA-256" {
	case0
	local n
	n=$(wc -l < "$CASE0/custody.jsonl")
	[ "$(jq -r 'select(.examiner == "Jane Doe" and .case_number == "2026-0042" and (.host | length > 0)) | .seq' "$CASE0/custody.jsonl" | wc -l)" -eq "$n" ]
	jq_all 'select(.step == "walk") | .versions["triage-walk"] and .versions.libtsk' "$CASE0/custody.jsonl"
	jq_all 'select(.step == "walk") | (.started | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")) and .finished >= .started and .exit == 0' "$CASE0/custody.jsonl"
	# Every listed output is there with that SHA-256 (an oracle outside libtriage).
	jq -r '.outputs[]? | "\(.sha256)  \(.path)"' "$CASE0/custody.jsonl" > "$BATS_TEST_TMPDIR/sums"
	(cd "$CASE0" && sha256sum --quiet -c "$BATS_TEST_TMPDIR/sums")
	grep -q ' artifacts/manifest.jsonl$' "$BATS_TEST_TMPDIR/sums"
	chain_ok "$CASE0/custody.jsonl"
}

@test "the versions of triage-collect itself have the same names as every tool's" {
	case0
	[ "$(jq -c 'select(.step == "hash") | .versions | keys | map(select(. != "triage-collect"))' "$CASE0/custody.jsonl")" = \
	  "$(jq -c 'select(.step == "walk") | .versions | keys | map(select(. != "triage-walk"))' "$CASE0/custody.jsonl")" ]
	[ "$(grep -c '<td>openssl</td>\|<td>OpenSSL</td>' "$CASE0/report.html")" -eq 1 ]
}

@test "the report says its custody head is not the final one, and which entry it is" {
	case0
	local n t
	n=$(wc -l < "$CASE0/custody.jsonl")
	t=$((n - 2))	# the entry before the report's
	grep -q 'Head of the chain when this report was made (SHA-256 of entry '"$t"'): <span class="mono">'"$(sed -n "${t}p" "$CASE0/custody.jsonl" | tr -d '\n' | sha256sum | cut -d' ' -f1)"'</span><br><small>Not the final head' "$CASE0/report.html"
	# Made again from the finished case, it shows the sealed head as is.
	run -0 --separate-stderr triage-report -f md "$CASE0"
	[[ "$output" == *"(SHA-256 of entry $n): \`$(tail -n 1 "$CASE0/custody.jsonl" | tr -d '\n' | sha256sum | cut -d' ' -f1)\`"$'\n'* ]]
}

@test "the report names the case, the evidence hash and the hits" {
	case0
	local sha
	sha=$(sha256sum < "$DATA/sample.img" | cut -d' ' -f1)
	grep -q "$sha" "$CASE0/report.html"
	grep -q '2026-0042' "$CASE0/report.html"
	grep -q 'EICAR_Test_File' "$CASE0/report.html"
	grep -q "<b>$(wc -l < "$CASE0/hits.jsonl")</b><span>YARA hits</span>" "$CASE0/report.html"
}

@test "triage-verify --case: an intact case matches" {
	case0
	run -0 --separate-stderr triage-verify --case "$CASE0"
	assert_jsonl "$output"
	[ "$(jq .match <<<"$output")" = true ]
	[ "$(jq .entries <<<"$output")" -eq "$(wc -l < "$CASE0/custody.jsonl")" ]
	[ "$(jq -r .head <<<"$output")" = "$(tail -n 1 "$CASE0/custody.jsonl" | tr -d '\n' | sha256sum | cut -d' ' -f1)" ]
}

@test "triage-verify --case: a changed, a deleted and an added file exit 1 naming them" {
	local c
	c=$(case_copy)
	sed -i 's/EICAR_Test_File/EICAR_Renamed___/' "$c/hits.jsonl"
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"'hits.jsonl' (line $(step_line scan), step scan): changed"* ]]
	[ "$(jq .match <<<"$output")" = false ]
	c=$(case_copy)
	rm "$c/artifacts/manifest.jsonl"
	echo planted > "$c/artifacts/extra.txt"
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"'artifacts/manifest.jsonl' (line 4, step extract): deleted"* ]]
	[[ "$stderr" == *"'artifacts/extra.txt': added"* ]]
}

@test "triage-verify --case: an output replaced by a symbolic link to an identical copy exits 1" {
	local c
	c=$(case_copy)
	mv "$c/hits.jsonl" "$c/../hits.jsonl"
	ln -s ../hits.jsonl "$c/hits.jsonl"
	cmp "$c/hits.jsonl" "$CASE0/hits.jsonl"
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"'hits.jsonl' (line $(step_line scan), step scan): '$c/hits.jsonl' is a symbolic link, not a regular file"* ]]
	[ "$(jq .match <<<"$output")" = false ]
	# Nor is a symbolic link inside an output folder followed.
	c=$(case_copy)
	mv "$c/artifacts/manifest.jsonl" "$c/../manifest.jsonl"
	ln -s "$c/../manifest.jsonl" "$c/artifacts/manifest.jsonl"
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"'artifacts/manifest.jsonl' (line 4, step extract): "*"is a symbolic link, not a regular file"* ]]
}

@test "triage-verify --case: edited, deleted and reordered entries exit 1 naming the line" {
	local c
	c=$(case_copy)
	sed -i '2s/"status":"ok"/"status":"OK"/' "$c/custody.jsonl"
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"custody.jsonl line 3: hash chain broken"* ]]
	c=$(case_copy)
	sed -i 3d "$c/custody.jsonl"
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"custody.jsonl line 3: entry number 4 where 3 was expected"* ]]
	[[ "$stderr" == *"'files.jsonl': added"* ]]
	c=$(case_copy)
	{ sed -n 1p "$c/custody.jsonl"; sed -n 3p "$c/custody.jsonl"; sed -n 2p "$c/custody.jsonl"; sed -n '4,$p' "$c/custody.jsonl"; } > "$c/log"
	mv "$c/log" "$c/custody.jsonl"
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"line 2: entry number 3 where 2 was expected"* ]]
	run -2 --separate-stderr triage-verify --case "$(scratch)"
	[[ "$stderr" == *"custody.jsonl"* ]]
}

@test "triage-verify --case: the last entries cut together with their files, or a rewritten log, exit 1" {
	case0
	local c head
	head=$(tail -n 1 "$CASE0/custody.jsonl" | tr -d '\n' | sha256sum | cut -d' ' -f1)
	run -0 --separate-stderr triage-verify --head "$head" --case "$CASE0"
	# Cut the seal and the report step, and delete the report: the chain
	# itself is still valid.
	c=$(case_copy)
	head -n "$(($(wc -l < "$CASE0/custody.jsonl") - 2))" "$CASE0/custody.jsonl" > "$c/custody.jsonl"
	rm "$c/report.html"
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"custody.jsonl: not sealed: its last entry is not a seal"* ]]
	[ "$(jq .match <<<"$output")" = false ]
	# An empty log is not a sealed one either.
	c=$(case_copy)
	: > "$c/custody.jsonl"
	find "$c" -type f ! -name custody.jsonl -delete
	run -1 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"not sealed: the log is empty"* ]]
	# Cut back to an earlier head: --head names how many entries follow it.
	c=$(case_copy)
	local r
	r=$(step_line report)
	run -1 --separate-stderr triage-verify --head "$(sed -n "${r}p" "$CASE0/custody.jsonl" | tr -d '\n' | sha256sum | cut -d' ' -f1)" --case "$c"
	[[ "$stderr" == *"the head given is the SHA-256 of line $r: the log goes on for 1 more entry"* ]]
	run -1 --separate-stderr triage-verify --head "$(printf '%064d' 0)" --case "$c"
	[[ "$stderr" == *"no entry has the SHA-256 0000"* ]]
	run -2 --separate-stderr triage-verify --head abc --case "$c"
	[[ "$stderr" == *"invalid head 'abc'"* ]]
	run -2 --separate-stderr triage-verify --head "$head" "$DATA/sample.img"
	[[ "$stderr" == *"--head needs --case"* ]]
}

@test "a non-empty case folder is refused without --resume" {
	local d
	d=$(scratch)
	echo x > "$d/notes.txt"
	run -2 --separate-stderr triage-collect -o "$d" "$DATA/ext4.img"
	[[ "$stderr" == *"'$d' is not empty: use --resume"* ]]
	[ "$(ls "$d")" = notes.txt ]
	run -2 --separate-stderr triage-collect -r -o "$d" "$DATA/ext4.img"
	[[ "$stderr" == *"has no custody.jsonl"* ]]
}

@test "--resume after an interruption: the first entries kept, the rest done again" {
	local c
	c=$(case_copy)
	head -n 3 "$CASE0/custody.jsonl" > "$c/custody.jsonl"
	echo partial > "$c/hits.jsonl"
	run -2 --separate-stderr triage-collect -q -o "$c" "$DATA/sample.img"
	run -0 --separate-stderr triage-collect -q -r -o "$c" "$DATA/sample.img"
	[ "$(head -n 3 "$c/custody.jsonl")" = "$(head -n 3 "$CASE0/custody.jsonl")" ]
	run -0 jq -r .step "$c/custody.jsonl"
	[ "$output" = "$(build_steps)" ]
	# The examiner and case number came from the log.
	[ "$(jq -r 'select(.seq == 7) | .examiner' "$c/custody.jsonl")" = 'Jane Doe' ]
	jq_all 'select(.step == "extract") | .removed | index("artifacts/manifest.jsonl")' "$c/custody.jsonl"
	chain_ok "$c/custody.jsonl"
	run -0 --separate-stderr triage-verify --case "$c"
	run -0 --separate-stderr triage-collect -r -o "$c" "$DATA/sample.img"
	[[ "$stderr" == *"every step is already done"* ]]
	run -2 --separate-stderr triage-collect -r -o "$c" "$DATA/ext4.img"
	[[ "$stderr" == *"it was collected from"* ]]
}

@test "one collection at a time in a case folder: a second run, --resume too, is refused and changes nothing" {
	need_cmd flock
	local c d before
	c=$(case_copy)
	head -n 3 "$CASE0/custody.jsonl" > "$c/custody.jsonl"
	before=$(cd "$c" && find . -type f -exec sha256sum {} + | sort)
	# flock(1) holds the lock a running triage-collect would hold on CASE.
	run -2 --separate-stderr flock "$c" triage-collect -q -r -o "$c" "$DATA/sample.img"
	[[ "$stderr" == *"case folder '$c': another triage-collect is working in it"* ]]
	[ "$(cd "$c" && find . -type f -exec sha256sum {} + | sort)" = "$before" ]
	d=$(scratch)
	run -2 --separate-stderr flock "$d" triage-collect -q -o "$d" "$DATA/ext4.img"
	[[ "$stderr" == *"another triage-collect is working in it"* ]]
	[ -z "$(ls -A "$d")" ]
	# Once the lock is gone, the resume goes through.
	run -0 --separate-stderr triage-collect -q -r -o "$c" "$DATA/sample.img"
	chain_ok "$c/custody.jsonl"
}

@test "--resume refuses a case whose log does not check out" {
	local c
	c=$(case_copy)
	head -n 4 "$CASE0/custody.jsonl" > "$c/custody.jsonl"
	echo changed >> "$c/info.jsonl"
	run -2 --separate-stderr triage-collect -r -o "$c" "$DATA/sample.img"
	[[ "$stderr" == *"'info.jsonl' (line 2, step info): changed"* ]]
	[[ "$stderr" == *"cannot resume"* ]]
}

@test "a failing step is recorded, later steps run, exit 2; --resume redoes it" {
	local d bin
	d=$(scratch)
	bin="$d/bin"
	fake_tools "$bin" triage-scan
	run -2 --separate-stderr "$bin/triage-collect" -o "$d/c" "$DATA/sample.img"
	[[ "$stderr" == *"[scan] failed (exit 2): triage-scan: cannot read <broken> at offset 42"* ]]
	[[ "$stderr" == *"1 step failed"* ]]
	jq_all 'select(.step == "scan") | .status == "failed" and .exit == 2 and (.stderr_tail | contains("offset 42"))' "$d/c/custody.jsonl"
	# The timeline still ran, on the files alone; the report shows the failure.
	jq_all 'select(.step == "timeline") | .status == "ok" and (.argv | length == 4) and (.argv | index("'"$d"'/c/hits.jsonl") | not)' "$d/c/custody.jsonl"
	grep -q 'cannot read &lt;broken&gt; at offset 42' "$d/c/report.html"
	grep -q '<b>1</b><span>failed steps</span>' "$d/c/report.html"
	run -0 --separate-stderr triage-verify --case "$d/c"
	# Put the real scanner back and go on from the failed step.
	fake_tools "$d/bin2" ""
	run -0 --separate-stderr "$d/bin2/triage-collect" -r -o "$d/c" "$DATA/sample.img"
	run -0 jq -r .step "$d/c/custody.jsonl"
	[ "$output" = "$(printf 'hash\ninfo\nwalk\nextract\nparse\nscan\ntimeline\nreport\nseal\nscan\ntimeline\nreport\nseal')" ]
	jq_all 'select(.seq == 10) | .step == "scan" and .status == "ok" and (.removed | index("hits.jsonl"))' "$d/c/custody.jsonl"
	run -0 --separate-stderr triage-verify --case "$d/c"
}

@test "a missing tool is a failed step, not a crash" {
	local d
	d=$(scratch)
	fake_tools "$d/bin" ""
	rm "$d/bin/triage-info"
	run -2 --separate-stderr env PATH=/usr/bin:/bin "$d/bin/triage-collect" -o "$d/c" "$DATA/ext4.img"
	jq_all 'select(.step == "info") | .status == "failed" and .exit == 127 and (.stderr_tail | contains("cannot run"))' "$d/c/custody.jsonl"
	jq_all 'select(.step == "walk") | .status == "ok"' "$d/c/custody.jsonl"
}

@test "a tool writing 1 MiB to stderr (also for --version) completes; the last 2 KiB are kept" {
	local d
	d=$(scratch)
	fake_tools "$d/bin" triage-info 'head -c 1048576 /dev/zero | tr "\0" x >&2
echo >&2
echo "the last line of triage-info" >&2
[ "$1" = --version ] && echo "triage-info (triage) 0.0.0"
exit 0'
	# Before poll(), this blocked for ever: guard it with a timeout.
	run -0 --separate-stderr timeout 120 "$d/bin/triage-collect" -q -o "$d/c" "$DATA/ext4.img"
	jq_all 'select(.step == "info") | .status == "ok" and .versions["triage-info"] == "0.0.0" and (.stderr_tail | length == 2048 and endswith("x\nthe last line of triage-info\n"))' "$d/c/custody.jsonl"
	run -0 --separate-stderr triage-verify --case "$d/c"
}

@test "--step-timeout: a hanging step is killed and recorded as failed, later steps run, exit 2" {
	local d
	d=$(scratch)
	mkdir "$d/live"
	stub_tools "$d/bin"
	hang_tool "$d/bin/triage-scan" "$d"
	# Every other step is a stub taking milliseconds, so 5 s is ample even
	# under ASan on a loaded machine; the outer timeout only guards a hang.
	run -2 --separate-stderr timeout 300 "$d/bin/triage-collect" --step-timeout 5 -o "$d/c" "$d/live"
	[[ "$stderr" == *"[scan] failed: timed out after 5 s (--step-timeout): killed with SIGTERM"* ]]
	[[ "$stderr" == *"1 step failed"* ]]
	jq_all 'select(.step == "scan") | .status == "failed" and .signal == 15 and (has("exit") | not) and (.note | startswith("timed out after 5 s")) and (.stderr_tail | contains("triage-scan: stuck"))' "$d/c/custody.jsonl"
	jq_all 'select(.step == "timeline") | .status == "ok" and (.argv | length == 4)' "$d/c/custody.jsonl"
	jq_all 'select(.step == "report") | .status == "ok"' "$d/c/custody.jsonl"
	jq_all 'select(.step == "seal") | .failed_steps == 1' "$d/c/custody.jsonl"
	run -0 --separate-stderr triage-verify --case "$d/c"
	run -2 --separate-stderr triage-collect --step-timeout 0 -o "$d/x" "$DATA/ext4.img"
	[[ "$stderr" == *"invalid step timeout '0'"* ]]
}

@test "--step-timeout kills the step's whole process group: nothing it started survives" {
	local d
	need_cmd ps
	d=$(scratch)
	mkdir "$d/live"
	stub_tools "$d/bin"
	hang_tool "$d/bin/triage-walk" "$d"
	run -2 --separate-stderr timeout 300 "$d/bin/triage-collect" -q --step-timeout 5 -o "$d/c" "$d/live"
	reaped "$(cat "$d/leader.pid")"
	[[ "$stderr" == *"[walk] failed: timed out after 5 s"* ]]
	[ -s "$d/grandchild.pid" ]
	[ -s "$d/leader.pid" ]
	wait_gone "$(cat "$d/grandchild.pid")" "sleep 1000"
	wait_gone "$(cat "$d/leader.pid")" triage-walk
	jq_all 'select(.step == "walk") | .status == "failed" and .signal == 15' "$d/c/custody.jsonl"
}

@test "SIGTERM or SIGINT to triage-collect during a step: the step's process group is killed and reaped first" {
	local d sig pid st
	need_cmd ps
	env --default-signal=INT true 2>/dev/null || skip "env has no --default-signal"
	for sig in TERM INT; do
		d=$(scratch)
		mkdir "$d/live"
		stub_tools "$d/bin"
		hang_tool "$d/bin/triage-scan" "$d"
		# A background job of a non-interactive shell ignores SIGINT:
		# give it the default back, as a terminal's foreground job has.
		env --default-signal=INT "$d/bin/triage-collect" -q -o "$d/c" "$d/live" \
			</dev/null >"$d/out" 2>"$d/err" 3>&- &
		pid=$!
		echo "$pid" >> "$BATS_TEST_TMPDIR/pids"
		wait_file "$d/grandchild.pid"
		kill -s "$sig" "$pid"
		st=0
		wait "$pid" || st=$?
		reaped "$(cat "$d/leader.pid")"
		# Killed by the signal itself once the step is gone (128 + n).
		[ "$st" -eq "$((128 + $(kill -l "$sig")))" ] || { echo "$sig: exit $st" >&2; cat "$d/err" >&2; false; }
		wait_gone "$(cat "$d/grandchild.pid")" "sleep 1000"
		wait_gone "$(cat "$d/leader.pid")" triage-scan
		# The interrupted step has no entry and there is no seal: --resume
		# runs it again and replaces what it left.
		run -0 jq -r .step "$d/c/custody.jsonl"
		[ "$output" = "$(printf 'hash\ninfo\nwalk\nextract\nparse')" ]
		[ -e "$d/c/hits.jsonl" ]
		stub_tools "$d/bin"
		run -0 --separate-stderr "$d/bin/triage-collect" -q -r -o "$d/c" "$d/live"
		jq_all 'select(.step == "scan") | .status == "ok" and (.removed | index("hits.jsonl"))' "$d/c/custody.jsonl"
		run -0 --separate-stderr triage-verify --case "$d/c"
	done
}

@test "triage-collect killed with SIGKILL during a step: the step's program is killed too" {
	local d pid
	need_cmd ps
	d=$(scratch)
	mkdir "$d/live"
	stub_tools "$d/bin"
	hang_tool "$d/bin/triage-scan" "$d"
	"$d/bin/triage-collect" -q -o "$d/c" "$d/live" </dev/null >"$d/out" 2>"$d/err" 3>&- &
	pid=$!
	echo "$pid" >> "$BATS_TEST_TMPDIR/pids"
	wait_file "$d/grandchild.pid"
	kill -KILL "$pid"
	wait "$pid" || true
	wait_gone "$(cat "$d/leader.pid")" triage-scan
}

@test "a step inherits only stdin, stdout and stderr: no pipe, file or caller's descriptor leaks into it" {
	local d
	[ -d /proc/self/fd ] || skip "no /proc/self/fd"
	d=$(scratch)
	mkdir "$d/live"
	stub_tools "$d/bin"
	# ls lists its own descriptors: 0-2, and 3 for the listing itself.
	cat > "$d/bin/triage-info" <<-EOF
	#!/bin/sh
	if [ "\$1" = --version ]; then
		ls /proc/self/fd > '$d/fds.version'
		echo 'triage-info (triage) 0.0.0'
		exit 0
	fi
	ls /proc/self/fd
	EOF
	# Descriptors of the caller, not close-on-exec, are not passed on either.
	run -0 --separate-stderr "$d/bin/triage-collect" -q -o "$d/c" "$d/live" 7>"$d/extra" 8<"$d/bin/triage-info"
	[ "$(tr '\n' ' ' < "$d/c/info.jsonl")" = "0 1 2 3 " ]
	[ "$(tr '\n' ' ' < "$d/fds.version")" = "0 1 2 3 " ]
}

@test "a symbolic link planted at CASE/custody.jsonl is refused, and nothing is written through it" {
	local d c
	d=$(scratch)
	# A link that does not resolve yet: following it would create the file.
	mkdir "$d/c"
	ln -s "$d/elsewhere.jsonl" "$d/c/custody.jsonl"
	run -2 --separate-stderr triage-collect -r -o "$d/c" "$DATA/ext4.img"
	[[ "$stderr" == *"'$d/c/custody.jsonl' is a symbolic link, not a regular file"* ]]
	[ ! -e "$d/elsewhere.jsonl" ]
	# Swapped in by a step while the collection runs: the next entry is
	# refused and the collection stops; the file linked to is unchanged.
	mkdir "$d/live"
	stub_tools "$d/bin"
	printf '#!/bin/sh\n[ "$1" = --version ] && exit 0\nmv %s %s && ln -s %s %s && cp %s %s\n' \
		"'$d/l/custody.jsonl'" "'$d/real.jsonl'" "'$d/real.jsonl'" \
		"'$d/l/custody.jsonl'" "'$d/real.jsonl'" "'$d/before.jsonl'" > "$d/bin/triage-walk"
	run -2 --separate-stderr "$d/bin/triage-collect" -q -o "$d/l" "$d/live"
	[[ "$stderr" == *"'$d/l/custody.jsonl' is a symbolic link, not a regular file"* ]]
	[ -L "$d/l/custody.jsonl" ]
	cmp "$d/real.jsonl" "$d/before.jsonl"
	[ "$(jq -r .step "$d/real.jsonl" | tr '\n' ' ')" = "hash info " ]
	# Neither resume nor verify reads through it.
	run -2 --separate-stderr "$d/bin/triage-collect" -q -r -o "$d/l" "$d/live"
	[[ "$stderr" == *"'$d/l/custody.jsonl' is a symbolic link, not a regular file"* ]]
	cmp "$d/real.jsonl" "$d/before.jsonl"
	c=$(case_copy)
	mv "$c/custody.jsonl" "$d/case0.jsonl"
	ln -s "$d/case0.jsonl" "$c/custody.jsonl"
	run -2 --separate-stderr triage-verify --case "$c"
	[[ "$stderr" == *"'$c/custody.jsonl' is a symbolic link, not a regular file"* ]]
}

@test "ext4.img: a bare Linux filesystem; gpt.img: no system, no hit" {
	local d
	d=$(scratch)
	run -0 --separate-stderr triage-collect -o "$d/c" "$DATA/ext4.img"
	jq_all 'select(.step == "extract") | (.argv | index("--artifact=linux-triage")) and (.argv | index("--artifact=windows-triage") | not)' "$d/c/custody.jsonl"
	jq_all 'select(.path == "/etc/passwd")' "$d/c/artifacts/manifest.jsonl"
	jq_all 'select(.rule == "EICAR_Test_File") | .path == "/home/alice/Downloads/eicar.com"' "$d/c/hits.jsonl"
	run -0 --separate-stderr triage-verify --case "$d/c"
	run -0 --separate-stderr triage-collect -o "$d/g" "$DATA/gpt.img"
	jq_all 'select(.step == "extract") | .status == "skipped" and (.note | contains("no Linux"))' "$d/g/custody.jsonl"
	jq_all 'select(.step == "scan") | .status == "none" and .exit == 1' "$d/g/custody.jsonl"
	[ -s "$d/g/files.jsonl" ]
	[ -s "$d/g/timeline.jsonl" ]
	[ -s "$d/g/report.html" ]
	grep -q 'No YARA rule matched' "$d/g/report.html"
	run -0 --separate-stderr triage-verify --case "$d/g"
}

@test "a live folder: no hash step, and a case inside the source is refused" {
	local d
	d=$(scratch)
	mkdir -p "$d/live/etc" && echo 'root:x:0:0::/root:/bin/sh' > "$d/live/etc/passwd"
	run -2 --separate-stderr triage-collect -o "$d/live/case" "$d/live"
	[[ "$stderr" == *"is inside the source"* ]]
	[ ! -e "$d/live/case" ]
	run -0 --separate-stderr triage-collect -o "$d/c" "$d/live"
	jq_all 'select(.step == "hash") | .status == "skipped"' "$d/c/custody.jsonl"
	jq_all 'select(.path == "/etc/passwd")' "$d/c/files.jsonl"
}

@test "--acquire: the image is made, hashed, and analysed instead of the source" {
	local d
	d=$(scratch)
	run -0 --separate-stderr triage-collect -A -c C-1 -e Examiner -o "$d/c" "$DATA/sample.img"
	[ -s "$d/c/image.E01" ]
	jq_all 'select(.step == "acquire") | .status == "ok" and (.outputs | map(.path) | index("image.E01"))' "$d/c/custody.jsonl"
	jq_all 'select(.step == "walk") | .argv[-1] | endswith("/image.E01")' "$d/c/custody.jsonl"
	jq_all 'select(.rule == "EICAR_Test_File")' "$d/c/hits.jsonl"
	run -0 --separate-stderr triage-verify --case "$d/c"
}

@test "--known and detect: run only when triage-known / triage-detect are installed" {
	local d
	d=$(scratch)
	stub_tools "$d/bin"
	mkdir "$d/live"
	# Only the stubs beside triage-collect: the build's own triage-known and
	# triage-detect are left off PATH.
	# Neither installed: no entry for either, no message.
	run -0 --separate-stderr env PATH=/usr/bin:/bin "$d/bin/triage-collect" --known "$d/k.db" -o "$d/c1" "$d/live"
	[[ "$stderr" != *known* ]]
	! jq -r .step "$d/c1/custody.jsonl" | grep -qx known
	! jq -r .step "$d/c1/custody.jsonl" | grep -qx detect
	# triage-known installed: it reads files.jsonl, the timeline reads its output.
	printf '#!/bin/sh\n[ "$1" = --version ] && echo "triage-known (triage) 0.0.0" && exit 0\ncat "$4"\n' >"$d/bin/triage-known"
	chmod +x "$d/bin/triage-known"
	run -0 --separate-stderr env PATH=/usr/bin:/bin "$d/bin/triage-collect" --known "$d/k.db" -o "$d/c2" "$d/live"
	jq_all 'select(.step == "known") | .status == "ok" and .argv == ["triage-known", "--db", "'"$d"'/k.db", "--", "'"$d"'/c2/files.jsonl"] and .stdout == "known.jsonl"' "$d/c2/custody.jsonl"
	jq_all 'select(.step == "timeline") | .argv | index("'"$d"'/c2/known.jsonl")' "$d/c2/custody.jsonl"
	[ "$(jq -r .step "$d/c2/custody.jsonl" | grep -n known | cut -d: -f1)" -lt "$(jq -r .step "$d/c2/custody.jsonl" | grep -n extract | cut -d: -f1)" ]
	# Without --known, no known step.
	run -0 --separate-stderr env PATH=/usr/bin:/bin "$d/bin/triage-collect" -o "$d/c3" "$d/live"
	! jq -r .step "$d/c3/custody.jsonl" | grep -qx known
	run -0 --separate-stderr triage-verify --case "$d/c2"
}
