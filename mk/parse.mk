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

# Browser histories: SQLite linked; libmsiecf dlmopen()ed (headers only).
PARSE_SOURCES += libtriage/parse_sqlite.c libtriage/parse_sqlite.h \
	libtriage/parse_chrome.c libtriage/parse_firefox.c \
	libtriage/parse_safari.c libtriage/parse_msiecf.c
libtriage_libtriage_la_CFLAGS += $(SQLITE3_CFLAGS) $(LIBMSIECF_CFLAGS)
libtriage_libtriage_la_LIBADD += $(SQLITE3_LIBS)
check_PROGRAMS += tests/unit/test-parse-browser
TESTS += tests/unit/test-parse-browser
tests_unit_test_parse_browser_SOURCES = tests/unit/test-parse-browser.c \
	tests/unit/check.h
tests_unit_test_parse_browser_CFLAGS = $(UNIT_CFLAGS) $(SQLITE3_CFLAGS)
tests_unit_test_parse_browser_LDADD = $(UNIT_LDADD) $(SQLITE3_LIBS)
if HAVE_BATS
TESTS += tests/cli/triage-parse-browser.bats
endif
EXTRA_DIST += tests/cli/triage-parse-browser.bats
