# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-parse (driver, parser registry, parsers, program,
# man page, tests).  A parser adds its parse_NAME.c to PARSE_SOURCES.
PARSE_SOURCES = libtriage/parse.c libtriage/parse_internal.h \
	libtriage/parse_registry.c libtriage/yal.c libtriage/yal.h
libtriage_libtriage_la_SOURCES += $(PARSE_SOURCES)
triageinclude_HEADERS += libtriage/include/triage/parse.h

bin_PROGRAMS += cmd/triage-parse
cmd_triage_parse_SOURCES = cmd/triage-parse.c
cmd_triage_parse_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTRIAGE_ARTIFACTS_DIR='"$(pkgdatadir)/rules/artifacts"' \
	-DTRIAGE_ARTIFACTS_SRCDIR='"$(abs_top_srcdir)/rules/artifacts"'
cmd_triage_parse_LDADD = $(CLI_LDADD)
dist_man_MANS += man/triage-parse.1

# The driver's tests run on two test-only parsers (tests/unit/
# parse-testparsers.c): tests/unit/test-parse through the library, and
# tests/cli/triage-parse.bats through triage-parse-test, the program with
# those parsers in place of the registry.
PARSE_TEST_PARSERS = tests/unit/parse-testparsers.c \
	tests/unit/parse-testparsers.h
check_PROGRAMS += tests/unit/test-parse tests/unit/triage-parse-test
TESTS += tests/unit/test-parse
tests_unit_test_parse_SOURCES = tests/unit/test-parse.c tests/unit/check.h \
	$(PARSE_TEST_PARSERS)
tests_unit_test_parse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_parse_LDADD = $(UNIT_LDADD)
tests_unit_triage_parse_test_SOURCES = cmd/triage-parse.c \
	tests/unit/parse-testmain.c $(PARSE_TEST_PARSERS)
tests_unit_triage_parse_test_CPPFLAGS = $(cmd_triage_parse_CPPFLAGS)
tests_unit_triage_parse_test_CFLAGS = $(UNIT_CFLAGS)
tests_unit_triage_parse_test_LDADD = $(CLI_LDADD)

if HAVE_BATS
TESTS += tests/cli/triage-parse.bats
endif
EXTRA_DIST += tests/cli/triage-parse.bats
# Windows event logs (EVTX on libevtx, EVT on libevt; XML through libxml2).
PARSE_SOURCES += libtriage/parse_evtx.c libtriage/parse_evt.c \
	libtriage/parse_winevt.h
libtriage_libtriage_la_CFLAGS += $(LIBXML2_CFLAGS)
libtriage_libtriage_la_LIBADD += $(LIBXML2_LIBS) $(ZLIB_LIBS)
EXTRA_DIST += tests/oracle/evtx-records.py
