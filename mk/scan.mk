# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-scan (library sources, program, man page, tests).
libtriage_libtriage_la_SOURCES += libtriage/yara.c libtriage/scan.c \
	libtriage/scanrun.c libtriage/scan_internal.h
triageinclude_HEADERS += libtriage/include/triage/scan.h

bin_PROGRAMS += cmd/triage-scan
cmd_triage_scan_SOURCES = cmd/triage-scan.c
cmd_triage_scan_LDADD = $(CLI_LDADD)
dist_man_MANS += man/triage-scan.1

check_PROGRAMS += tests/unit/test-scan
TESTS += tests/unit/test-scan
tests_unit_test_scan_SOURCES = tests/unit/test-scan.c tests/unit/check.h
tests_unit_test_scan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_scan_LDADD = $(UNIT_LDADD)

if HAVE_BATS
TESTS += tests/cli/triage-scan.bats
endif
EXTRA_DIST += tests/cli/triage-scan.bats
nobase_dist_pkgdata_DATA += rules/yara/credential_dumpers.yar \
	rules/yara/eicar.yar rules/yara/offensive_tools.yar \
	rules/yara/ransomware_notes.yar rules/yara/suspicious_scripts.yar \
	rules/yara/webshells.yar
