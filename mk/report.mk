# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-report and triage-collect (library sources,
# programs, man pages, tests) and the `make demo` target.
libtriage_libtriage_la_SOURCES += libtriage/custody.c
triageinclude_HEADERS += libtriage/include/triage/custody.h

check_PROGRAMS += tests/unit/test-custody
TESTS += tests/unit/test-custody
tests_unit_test_custody_SOURCES = tests/unit/test-custody.c tests/unit/check.h
tests_unit_test_custody_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_custody_LDADD = $(UNIT_LDADD)

check_PROGRAMS += tests/unit/test-collect
TESTS += tests/unit/test-collect
tests_unit_test_collect_SOURCES = tests/unit/test-collect.c tests/unit/check.h
tests_unit_test_collect_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_collect_LDADD = $(UNIT_LDADD)

libtriage_libtriage_la_SOURCES += libtriage/report.c
triageinclude_HEADERS += libtriage/include/triage/report.h

# collect.c finds the shipped YARA rules in the source tree when run from
# the build tree, else in pkgdatadir.
libtriage_libtriage_la_SOURCES += libtriage/collect.c
triageinclude_HEADERS += libtriage/include/triage/collect.h
libtriage_libtriage_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DTR_PKGDATADIR='"$(pkgdatadir)"' \
	-DTR_ABS_SRCDIR='"$(abs_top_srcdir)"' \
	-DTR_ABS_BUILDDIR='"$(abs_top_builddir)"'

bin_PROGRAMS += cmd/triage-report
cmd_triage_report_SOURCES = cmd/triage-report.c
cmd_triage_report_LDADD = $(CLI_LDADD)

bin_PROGRAMS += cmd/triage-collect
cmd_triage_collect_SOURCES = cmd/triage-collect.c
cmd_triage_collect_LDADD = $(CLI_LDADD)

dist_man_MANS += man/triage-report.1 man/triage-collect.1

if HAVE_BATS
TESTS += tests/cli/triage-report.bats tests/cli/triage-collect.bats
endif
EXTRA_DIST += tests/cli/triage-report.bats tests/cli/triage-collect.bats \
	tests/golden/triage-report/records.jsonl \
	tests/golden/triage-report/records.html \
	tests/golden/triage-report/records.md \
	tests/golden/triage-report/README.md

# The README's first command: collect the bundled sample evidence into
# demo-case/ and print where its report is.  A failing step is recorded in
# demo-case/custody.jsonl and shown in the report; the exit status says so.
.PHONY: demo
demo: all
	@rm -rf '$(abs_top_builddir)/demo-case'
	@status=0; \
	'$(abs_top_builddir)/cmd/triage-collect' --examiner 'Demo Examiner' \
	    --case-number DEMO-0001 -o '$(abs_top_builddir)/demo-case' \
	    '$(abs_top_srcdir)/tests/data/sample.img' || status=$$?; \
	echo; \
	echo "Report: $(abs_top_builddir)/demo-case/report.html"; \
	echo "Custody log: $(abs_top_builddir)/demo-case/custody.jsonl (check it with: $(abs_top_builddir)/cmd/triage-verify --case $(abs_top_builddir)/demo-case)"; \
	exit $$status

# The browser test's screenshot and the demo case are build products.
CLEANFILES += tests/cli/triage-report.png
clean-local: clean-demo
clean-demo:
	-rm -rf '$(abs_top_builddir)/demo-case'
