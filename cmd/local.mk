# SPDX-License-Identifier: Apache-2.0
noinst_LTLIBRARIES += cmd/libcli.la
cmd_libcli_la_SOURCES = cmd/common.c cmd/common.h
cmd_libcli_la_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
CLI_LDADD = cmd/libcli.la libtriage/libtriage.la $(DEP_LIBS)

bin_PROGRAMS += cmd/triage cmd/triage-info
cmd_triage_SOURCES = cmd/triage.c
cmd_triage_LDADD = $(CLI_LDADD)
cmd_triage_info_SOURCES = cmd/triage-info.c
cmd_triage_info_LDADD = $(CLI_LDADD)
