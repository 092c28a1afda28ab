# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-acquire and triage-verify (library sources,
# programs, man pages, tests, the fault-injection shim and the benchmark).
libtriage_libtriage_la_SOURCES += libtriage/acqint.h libtriage/acquire.c \
	libtriage/ewfwrite.c libtriage/verify.c
triageinclude_HEADERS += libtriage/include/triage/acquire.h

bin_PROGRAMS += cmd/triage-acquire cmd/triage-verify
cmd_triage_acquire_SOURCES = cmd/triage-acquire.c
cmd_triage_acquire_LDADD = $(CLI_LDADD)
cmd_triage_verify_SOURCES = cmd/triage-verify.c
cmd_triage_verify_LDADD = $(CLI_LDADD)
dist_man_MANS += man/triage-acquire.1 man/triage-verify.1

check_PROGRAMS += tests/unit/test-acquire
TESTS += tests/unit/test-acquire
tests_unit_test_acquire_SOURCES = tests/unit/test-acquire.c tests/unit/check.h
tests_unit_test_acquire_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_acquire_LDADD = $(UNIT_LDADD)

# LD_PRELOAD shim that fails reads of one file at given offsets (tests only).
# A plain shared object: libtool would only build it as a module with a
# .la wrapper, and the tests need the .so path.
check_DATA = tests/faultinject/faultinject.so
tests/faultinject/faultinject.so: tests/faultinject/faultinject.c
	$(AM_V_CC)$(MKDIR_P) tests/faultinject && \
	$(CC) -shared -fPIC -O2 -Wall -Wextra -o $@ \
	    $(srcdir)/tests/faultinject/faultinject.c -ldl
CLEANFILES += tests/faultinject/faultinject.so

if HAVE_BATS
TESTS += tests/cli/triage-acquire.bats tests/cli/triage-verify.bats
endif
EXTRA_DIST += tests/cli/triage-acquire.bats tests/cli/triage-verify.bats \
	tests/faultinject/faultinject.c tests/bench/acquire.sh
