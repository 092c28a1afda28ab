# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-detect (library sources, program, man page, tests,
# shipped Sigma rules and logsource mapping).
DEP_CFLAGS += $(PCRE2_CFLAGS)
DEP_LIBS += $(PCRE2_LIBS)
libtriage_libtriage_la_SOURCES += libtriage/sigma_compile.c \
	libtriage/sigma_load.c libtriage/sigma_match.c \
	libtriage/sigma_internal.h libtriage/detect.c
triageinclude_HEADERS += libtriage/include/triage/detect.h

bin_PROGRAMS += cmd/triage-detect
cmd_triage_detect_SOURCES = cmd/triage-detect.c
cmd_triage_detect_LDADD = $(CLI_LDADD)
dist_man_MANS += man/triage-detect.1

check_PROGRAMS += tests/unit/test-sigma
TESTS += tests/unit/test-sigma
tests_unit_test_sigma_SOURCES = tests/unit/test-sigma.c tests/unit/check.h
tests_unit_test_sigma_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sigma_LDADD = $(UNIT_LDADD)

if HAVE_BATS
TESTS += tests/cli/triage-detect.bats
endif
EXTRA_DIST += tests/cli/triage-detect.bats tests/cli/sigma-evtx-json.jq
nobase_dist_pkgdata_DATA += rules/sigma/logsources.yml
