# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-known (library sources, program, man pages, tests).
# SQLite is only used to import NSRL RDSv3 databases.
DEP_CFLAGS += $(SQLITE_CFLAGS)
DEP_LIBS += $(SQLITE_LIBS)
libtriage_libtriage_la_SOURCES += libtriage/known.c \
	libtriage/known_import.c libtriage/known_int.h
triageinclude_HEADERS += libtriage/include/triage/known.h

bin_PROGRAMS += cmd/triage-known
cmd_triage_known_SOURCES = cmd/triage-known.c
cmd_triage_known_LDADD = $(CLI_LDADD)
dist_man_MANS += man/triage-known.1 man/triage-known.5

check_PROGRAMS += tests/unit/test-known
TESTS += tests/unit/test-known
tests_unit_test_known_SOURCES = tests/unit/test-known.c tests/unit/check.h
tests_unit_test_known_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_known_LDADD = $(UNIT_LDADD)

if HAVE_BATS
TESTS += tests/cli/triage-known.bats
endif
EXTRA_DIST += tests/cli/triage-known.bats tests/bench/known.sh
