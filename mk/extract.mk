# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-extract (library sources, program, man page, tests).
libtriage_libtriage_la_SOURCES += libtriage/extract.c libtriage/extractrun.c \
	libtriage/artifacts.c libtriage/safepath.c libtriage/glob.c \
	libtriage/profiles.c
# The registry's ProfileList (profiles.c): libregf reading from memory via
# libbfio, loaded with dlmopen() at run time (see profiles.c), never linked.
libtriage_libtriage_la_CFLAGS += $(LIBREGF_CFLAGS) $(LIBBFIO_CFLAGS)
triageinclude_HEADERS += libtriage/include/triage/extract.h \
	libtriage/include/triage/artifacts.h

bin_PROGRAMS += cmd/triage-extract
cmd_triage_extract_SOURCES = cmd/triage-extract.c
cmd_triage_extract_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTRIAGE_ARTIFACTS_DIR='"$(pkgdatadir)/rules/artifacts"' \
	-DTRIAGE_ARTIFACTS_SRCDIR='"$(abs_top_srcdir)/rules/artifacts"'
cmd_triage_extract_LDADD = $(CLI_LDADD)
dist_man_MANS += man/triage-extract.1
nobase_dist_pkgdata_DATA += rules/artifacts/windows.yaml \
	rules/artifacts/linux.yaml rules/artifacts/macos.yaml

check_PROGRAMS += tests/unit/test-extract tests/unit/test-extractrun \
	tests/unit/test-artifacts
TESTS += tests/unit/test-extract tests/unit/test-extractrun \
	tests/unit/test-artifacts
tests_unit_test_extract_SOURCES = tests/unit/test-extract.c tests/unit/check.h
tests_unit_test_extract_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_extract_LDADD = $(UNIT_LDADD)
tests_unit_test_extractrun_SOURCES = tests/unit/test-extractrun.c \
	tests/unit/check.h
tests_unit_test_extractrun_CFLAGS = $(UNIT_CFLAGS) \
	-DTRIAGE_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_extractrun_LDADD = $(UNIT_LDADD)
tests_unit_test_artifacts_SOURCES = tests/unit/test-artifacts.c \
	tests/unit/check.h
tests_unit_test_artifacts_CFLAGS = $(UNIT_CFLAGS) \
	-DTRIAGE_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_artifacts_LDADD = $(UNIT_LDADD)

if HAVE_BATS
TESTS += tests/cli/triage-extract.bats
endif
EXTRA_DIST += tests/cli/triage-extract.bats
