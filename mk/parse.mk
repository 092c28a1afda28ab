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
# Linux parsers (issue 13).
PARSE_SOURCES += libtriage/parse_linux.h libtriage/parse_linux_util.c \
	libtriage/parse_syslog.c libtriage/parse_syslog_auth.c \
	libtriage/parse_syslog_auth.h libtriage/parse_utmp.c \
	libtriage/parse_journal.c libtriage/parse_shell.c \
	libtriage/parse_linux_pkg.c libtriage/parse_linux_audit.c \
	libtriage/parse_linux_persist.c
check_PROGRAMS += tests/unit/test-parse-linux
TESTS += tests/unit/test-parse-linux
tests_unit_test_parse_linux_SOURCES = tests/unit/test-parse-linux.c \
	tests/unit/check.h
tests_unit_test_parse_linux_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_parse_linux_LDADD = $(UNIT_LDADD)
if HAVE_BATS
TESTS += tests/cli/triage-parse-linux.bats
endif
EXTRA_DIST += tests/cli/triage-parse-linux.bats

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
