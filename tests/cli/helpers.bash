# SPDX-License-Identifier: Apache-2.0
# Loaded by every bats file: paths, fixtures and shared assertions.
bats_require_minimum_version 1.5.0

: "${TRIAGE_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${TRIAGE_BUILDDIR:=$TRIAGE_SRCDIR}"
PATH="$TRIAGE_BUILDDIR/cmd:$PATH"
DATA="$TRIAGE_SRCDIR/tests/data"
ORACLE="$TRIAGE_SRCDIR/tests/oracle"
# Third-party evidence (../shared/fixtures beside the project by default).
: "${TRIAGE_TEST_DATA:=$TRIAGE_SRCDIR/../shared/fixtures}"
export TRIAGE_SRCDIR TRIAGE_BUILDDIR TRIAGE_TEST_DATA DATA ORACLE
export LC_ALL=C TZ=UTC
# triage-scan caches compiled rules in $XDG_CACHE_HOME/triage (else ~/.cache/triage): one
# cache per test file, never the real home's, which parallel test files, other builds and
# earlier runs share (a stale or unreadable entry there is a warning on stderr, and many
# tests require an empty stderr).  triage-scan.bats sets one per test.
export XDG_CACHE_HOME="${BATS_FILE_TMPDIR:-$BATS_RUN_TMPDIR}/cache"

# With TRIAGE_VALGRIND=1 every tool runs under valgrind (memcheck).
if [ -n "${TRIAGE_VALGRIND:-}" ]; then
	for _t in "$TRIAGE_BUILDDIR"/cmd/triage*; do
		[ -x "$_t" ] || continue
		_n=$(basename "$_t")
		eval "$_n() { valgrind -q --error-exitcode=99 --leak-check=full \"$_t\" \"\$@\"; }"
	done
fi

need_shared() {
	[ -d "$TRIAGE_TEST_DATA/images" ] ||
		skip "no third-party fixtures at $TRIAGE_TEST_DATA"
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
}

need_fixtures() {
	[ -f "$DATA/ext4.img" ] || skip "fixtures not built (tests/data/mkfixtures.sh)"
}

# Every line of the text given is one JSON object.
assert_jsonl() {
	local text=$1
	[ -n "$text" ] || return 0
	if ! printf '%s\n' "$text" | jq -e -s 'length > 0 and all(type == "object")' >/dev/null; then
		echo "not JSON Lines: $text" | head -c 2000 >&2
		return 1
	fi
}

# The first line of `prog --help` equals the SYNOPSIS usage line of its man page.
assert_help_matches_man() {
	local prog=$1 section=${2:-1}
	run -0 --separate-stderr "$prog" --help
	[ "${lines[0]%% *}" = "usage:" ]
	local man="$TRIAGE_SRCDIR/man/$prog.$section"
	[ -f "$man" ]
	need_cmd mandoc
	local synopsis
	synopsis=$(mandoc -Tascii -O width=500 "$man" | col -b |
		awk '/^SYNOPSIS/{getline; sub(/^ +/, ""); gsub(/ +/, " "); print; exit}')
	local usage=${lines[0]#usage: }
	[ "$(echo "$usage" | tr -s ' ')" = "$synopsis" ] || {
		echo "help:  $usage" >&2
		echo "man:   $synopsis" >&2
		return 1
	}
}

# Scratch folder for one test, removed by bats.
scratch() {
	mktemp -d "$BATS_TEST_TMPDIR/s.XXXXXX"
}
