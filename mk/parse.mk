# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-parse (driver, parser registry, parsers, program,
# man page, tests).  A parser adds its parse_NAME.c to PARSE_SOURCES.
PARSE_SOURCES = libtriage/parse.c libtriage/parse_internal.h \
	libtriage/parse_registry.c libtriage/yal.c libtriage/yal.h
PARSE_SOURCES += libtriage/parse_winreg.c libtriage/parse_winreg.h \
	libtriage/parse_winreg_decoded.c
libtriage_libtriage_la_SOURCES += $(PARSE_SOURCES)
triageinclude_HEADERS += libtriage/include/triage/parse.h

bin_PROGRAMS += cmd/triage-parse
cmd_triage_parse_SOURCES = cmd/triage-parse.c
cmd_triage_parse_LDADD = $(CLI_LDADD)

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
