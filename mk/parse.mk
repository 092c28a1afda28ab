# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-parse (driver, parser registry, parsers, program,
# man page, tests).  A parser adds its parse_NAME.c to libtriage's sources here.
libtriage_libtriage_la_SOURCES += libtriage/parse.c \
	libtriage/parse_internal.h libtriage/parse_registry.c \
	libtriage/yal.c libtriage/yal.h
libtriage_libtriage_la_SOURCES += libtriage/parse_winreg.c libtriage/parse_winreg.h \
	libtriage/parse_winreg_decoded.c
libtriage_libtriage_la_SOURCES += libtriage/parse_win.c libtriage/parse_win.h \
	libtriage/parse_prefetch.c libtriage/parse_lnk.c \
	libtriage/parse_recycle.c libtriage/parse_jumplist.c \
	libtriage/parse_psreadline.c libtriage/parse_task.c
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
libtriage_libtriage_la_SOURCES += libtriage/parse_evtx.c libtriage/parse_evt.c \
	libtriage/parse_winevt.h
libtriage_libtriage_la_CFLAGS += $(LIBXML2_CFLAGS)
libtriage_libtriage_la_LIBADD += $(LIBXML2_LIBS) $(ZLIB_LIBS)
EXTRA_DIST += tests/oracle/evtx-records.py
# Linux parsers (issue 13).
libtriage_libtriage_la_SOURCES += libtriage/parse_linux.h libtriage/parse_linux_util.c \
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
libtriage_libtriage_la_SOURCES += libtriage/parse_sqlite.c libtriage/parse_sqlite.h \
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

check_PROGRAMS += tests/unit/test-parse-winreg
TESTS += tests/unit/test-parse-winreg
tests_unit_test_parse_winreg_SOURCES = tests/unit/test-parse-winreg.c \
	tests/unit/check.h
tests_unit_test_parse_winreg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_parse_winreg_LDADD = $(UNIT_LDADD)
if HAVE_BATS
TESTS += tests/cli/triage-parse-winreg.bats
endif
EXTRA_DIST += tests/cli/triage-parse-winreg.bats tests/oracle/winreg.py \
	tests/bench/parse-registry.sh
# The Windows parsers of issue 12 (prefetch, lnk, recycle_bin, jump lists,
# powershell_history).
if HAVE_BATS
TESTS += tests/cli/triage-parse-winmisc.bats
endif
EXTRA_DIST += tests/cli/triage-parse-winmisc.bats
check_PROGRAMS += tests/unit/test-parse-winmisc
TESTS += tests/unit/test-parse-winmisc
tests_unit_test_parse_winmisc_SOURCES = tests/unit/test-parse-winmisc.c \
	tests/unit/check.h
tests_unit_test_parse_winmisc_CFLAGS = $(UNIT_CFLAGS) -I$(srcdir)/libtriage
tests_unit_test_parse_winmisc_LDADD = $(UNIT_LDADD)
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
