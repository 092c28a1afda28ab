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

const tri_parser *const tri_parsers[] = {
	&tri_parser_winevtx,
	&tri_parser_winevt,
	NULL
};
