# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-parse (driver, parser registry, parsers, program,
# man page, tests).  A parser adds its parse_NAME.c to PARSE_SOURCES.
PARSE_SOURCES = libtriage/parse.c libtriage/parse_internal.h \
	libtriage/parse_registry.c libtriage/yal.c libtriage/yal.h
libtriage_libtriage_la_SOURCES += $(PARSE_SOURCES)
triageinclude_HEADERS += libtriage/include/triage/parse.h

bin_PROGRAMS += cmd/triage-parse
cmd_triage_parse_SOURCES = cmd/triage-parse.c
cmd_triage_parse_LDADD = $(CLI_LDADD)
# Windows event logs (EVTX on libevtx, EVT on libevt; XML through libxml2).
PARSE_SOURCES += libtriage/parse_evtx.c libtriage/parse_evt.c \
	libtriage/parse_winevt.h
libtriage_libtriage_la_CFLAGS += $(LIBXML2_CFLAGS)
libtriage_libtriage_la_LIBADD += $(LIBXML2_LIBS) $(ZLIB_LIBS)
EXTRA_DIST += tests/oracle/evtx-records.py
check_PROGRAMS += tests/unit/test-parse-evtx
TESTS += tests/unit/test-parse-evtx
tests_unit_test_parse_evtx_SOURCES = tests/unit/test-parse-evtx.c \
	tests/unit/check.h
tests_unit_test_parse_evtx_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_parse_evtx_LDADD = $(UNIT_LDADD)
if HAVE_BATS
TESTS += tests/cli/triage-parse-evtx.bats
endif
EXTRA_DIST += tests/cli/triage-parse-evtx.bats tests/bench/parse.sh
