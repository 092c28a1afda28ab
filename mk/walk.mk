# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-walk (library sources, program, man page, tests).
libtriage_libtriage_la_SOURCES += libtriage/bodyfile.c

bin_PROGRAMS += cmd/triage-walk
cmd_triage_walk_SOURCES = cmd/triage-walk.c
cmd_triage_walk_LDADD = $(CLI_LDADD)
dist_man_MANS += man/triage-walk.1

check_PROGRAMS += tests/unit/test-walk
TESTS += tests/unit/test-walk
tests_unit_test_walk_SOURCES = tests/unit/test-walk.c tests/unit/check.h
tests_unit_test_walk_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_walk_LDADD = $(UNIT_LDADD)

if HAVE_BATS
TESTS += tests/cli/triage-walk.bats
endif
EXTRA_DIST += tests/cli/triage-walk.bats tests/golden/triage-walk \
	tests/bench/walk.sh
