/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parsers of triage-parse, in the order --list-parsers prints them.
 * Adding a parser: its parse_NAME.c, one extern and one line here, its
 * source in mk/parse.mk.
 */
#include "internal.h"
#include "parse_internal.h"

extern const tri_parser tri_parser_winevtx;
extern const tri_parser tri_parser_winevt;
extern const tri_parser tri_parser_syslog;
extern const tri_parser tri_parser_utmp;
extern const tri_parser tri_parser_lastlog;
extern const tri_parser tri_parser_systemd_journal;
extern const tri_parser tri_parser_bash_history;
extern const tri_parser tri_parser_zsh_extended_history;
extern const tri_parser tri_parser_fish_history;
extern const tri_parser tri_parser_dpkg;
extern const tri_parser tri_parser_apt_history;
extern const tri_parser tri_parser_selinux;
extern const tri_parser tri_parser_crontab;
extern const tri_parser tri_parser_systemd_unit;
extern const tri_parser tri_parser_authorized_keys;
extern const tri_parser tri_parser_passwd;
extern const tri_parser tri_parser_shadow;
extern const tri_parser tri_parser_chrome_history;
extern const tri_parser tri_parser_firefox_history;
extern const tri_parser tri_parser_safari_history;
extern const tri_parser tri_parser_msiecf;

const tri_parser *const tri_parsers[] = {
	&tri_parser_winevtx,
	&tri_parser_winevt,
	&tri_parser_syslog,
	&tri_parser_utmp,
	&tri_parser_lastlog,
	&tri_parser_systemd_journal,
	&tri_parser_bash_history,
	&tri_parser_zsh_extended_history,
	&tri_parser_fish_history,
	&tri_parser_dpkg,
	&tri_parser_apt_history,
	&tri_parser_selinux,
	&tri_parser_crontab,
	&tri_parser_systemd_unit,
	&tri_parser_authorized_keys,
	&tri_parser_passwd,
	&tri_parser_shadow,
	&tri_parser_chrome_history,
	&tri_parser_firefox_history,
	&tri_parser_safari_history,
	&tri_parser_msiecf,
	NULL
};
