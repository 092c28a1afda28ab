/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parsers of triage-parse, in the order --list-parsers prints them.
 * Adding a parser: its parse_NAME.c, one extern and one line here, its
 * source in mk/parse.mk.
 */
#include "internal.h"
#include "parse_internal.h"

extern const tri_parser tri_parser_prefetch;
extern const tri_parser tri_parser_lnk;
extern const tri_parser tri_parser_recycle_bin;
extern const tri_parser tri_parser_automatic_destinations;
extern const tri_parser tri_parser_custom_destinations;
extern const tri_parser tri_parser_powershell_history;
extern const tri_parser tri_parser_windows_task_xml;

const tri_parser *const tri_parsers[] = {
	&tri_parser_prefetch,
	&tri_parser_lnk,
	&tri_parser_recycle_bin,
	&tri_parser_automatic_destinations,
	&tri_parser_custom_destinations,
	&tri_parser_powershell_history,
	&tri_parser_windows_task_xml,
	NULL
};
