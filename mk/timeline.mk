# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-timeline (library sources, program, man page, tests).
libtriage_libtriage_la_SOURCES += libtriage/timeline.c libtriage/sort.c \
	libtriage/sort.h libtriage/bodyfile_read.c
triageinclude_HEADERS += libtriage/include/triage/timeline.h

bin_PROGRAMS += cmd/triage-timeline
cmd_triage_timeline_SOURCES = cmd/triage-timeline.c
cmd_triage_timeline_LDADD = $(CLI_LDADD)
dist_man_MANS += man/triage-timeline.1

check_PROGRAMS += tests/unit/test-timeline
TESTS += tests/unit/test-timeline
tests_unit_test_timeline_SOURCES = tests/unit/test-timeline.c tests/unit/check.h
tests_unit_test_timeline_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_timeline_LDADD = $(UNIT_LDADD)

if HAVE_BATS
TESTS += tests/cli/triage-timeline.bats
endif
EXTRA_DIST += tests/cli/triage-timeline.bats tests/golden/triage-timeline \
	tests/bench/timeline.sh
