# SPDX-License-Identifier: Apache-2.0
# Unit tests are plain programs (exit 0 pass, 1 fail, 77 skip); CLI tests are
# bats files run through the TAP driver, so each @test counts on its own.
TEST_EXTENSIONS = .bats
BATS_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
BATS_LOG_COMPILER = $(BATS)
AM_BATS_LOG_FLAGS = --tap
AM_TESTS_ENVIRONMENT = \
	TRIAGE_BUILDDIR='$(abs_top_builddir)'; TRIAGE_SRCDIR='$(abs_top_srcdir)'; \
	PATH='$(abs_top_builddir)/cmd':"$$PATH"; \
	LSAN_OPTIONS="suppressions=$(abs_top_srcdir)/tests/lsan.supp:print_suppressions=0"; \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"; \
	export TRIAGE_BUILDDIR TRIAGE_SRCDIR PATH LSAN_OPTIONS UBSAN_OPTIONS;

UNIT_LDADD = libtriage/libtriage.la $(DEP_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
check_PROGRAMS += tests/unit/test-error tests/unit/test-record \
	tests/unit/test-hash tests/unit/test-source
TESTS += tests/unit/test-error tests/unit/test-record \
	tests/unit/test-hash tests/unit/test-source
tests_unit_test_error_SOURCES = tests/unit/test-error.c tests/unit/check.h
tests_unit_test_error_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_error_LDADD = $(UNIT_LDADD)
tests_unit_test_record_SOURCES = tests/unit/test-record.c tests/unit/check.h
tests_unit_test_record_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_record_LDADD = $(UNIT_LDADD)
tests_unit_test_hash_SOURCES = tests/unit/test-hash.c tests/unit/check.h
tests_unit_test_hash_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_hash_LDADD = $(UNIT_LDADD)
tests_unit_test_source_SOURCES = tests/unit/test-source.c tests/unit/check.h
tests_unit_test_source_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_source_LDADD = $(UNIT_LDADD)

if HAVE_BATS
TESTS += tests/cli/triage.bats tests/cli/triage-info.bats tests/cli/goldens.bats
endif
EXTRA_DIST += tests/cli/helpers.bash tests/cli/triage.bats \
	tests/cli/triage-info.bats tests/cli/goldens.bats tests/golden

# Check that every shipped man page is clean mdoc.
if HAVE_MANDOC
check-local: check-man
check-man:
	$(AM_V_GEN)cd $(srcdir) && $(MANDOC) -Tlint -Wwarning $(dist_man_MANS)
endif
