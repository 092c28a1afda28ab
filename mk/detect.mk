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
nobase_dist_pkgdata_DATA += rules/sigma-logsources.yml \
	$(SIGMA_RULES)
SIGMA_RULES = rules/sigma/triage_lnx_cron_systemd_persistence.yml \
	rules/sigma/triage_lnx_ssh_brute_force.yml \
	rules/sigma/triage_lnx_sudo_root_shell.yml \
	rules/sigma/triage_win_account_created.yml \
	rules/sigma/triage_win_admin_group_add.yml \
	rules/sigma/triage_win_brute_force.yml \
	rules/sigma/triage_win_log_cleared.yml \
	rules/sigma/triage_win_office_susp_child.yml \
	rules/sigma/triage_win_powershell_download_cradle.yml \
	rules/sigma/triage_win_powershell_encoded_command.yml \
	rules/sigma/triage_win_rdp_logon_external.yml \
	rules/sigma/triage_win_scheduled_task_created.yml \
	rules/sigma/triage_win_service_installed.yml
