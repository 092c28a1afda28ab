/* SPDX-License-Identifier: Apache-2.0 */
/*
 * triage-parse-test: cmd/triage-parse.c linked with this file, which puts
 * the test parsers (parse-testparsers.c) in place of the registry before
 * main() runs.  Only for tests/cli/triage-parse.bats; never installed.
 */
#include "internal.h"
#include "parse_internal.h"
#include "parse-testparsers.h"

__attribute__((constructor)) static void
use_test_parsers(void)
{
	tri_parse_set_registry(tri_test_parsers);
}
