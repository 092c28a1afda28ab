/* SPDX-License-Identifier: Apache-2.0 */
/* The test parsers of parse-testparsers.c. */
#ifndef TRIAGE_PARSE_TESTPARSERS_H
#define TRIAGE_PARSE_TESTPARSERS_H

#include "parse_internal.h"

extern const tri_parser tri_parser_testlines, tri_parser_testtext;
extern const tri_parser *const tri_test_parsers[];

#endif
