# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-parse (driver, parser registry, parsers, program,
# man page, tests).  A parser adds its parse_NAME.c to PARSE_SOURCES.
PARSE_SOURCES = libtriage/parse.c libtriage/parse_internal.h \
	libtriage/parse_registry.c libtriage/yal.c libtriage/yal.h
PARSE_SOURCES += libtriage/parse_win.c libtriage/parse_win.h \
	libtriage/parse_prefetch.c libtriage/parse_lnk.c \
	libtriage/parse_recycle.c libtriage/parse_jumplist.c \
	libtriage/parse_psreadline.c libtriage/parse_task.c
libtriage_libtriage_la_CFLAGS += $(LIBXML2_CFLAGS)
libtriage_libtriage_la_LIBADD += $(LIBXML2_LIBS)
libtriage_libtriage_la_SOURCES += $(PARSE_SOURCES)
triageinclude_HEADERS += libtriage/include/triage/parse.h

bin_PROGRAMS += cmd/triage-parse
cmd_triage_parse_SOURCES = cmd/triage-parse.c
cmd_triage_parse_LDADD = $(CLI_LDADD)
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
