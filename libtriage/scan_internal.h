/* SPDX-License-Identifier: Apache-2.0 */
/* What yara.c and scan.c share about a rule set; never installed. */
#ifndef TRIAGE_SCAN_INTERNAL_H
#define TRIAGE_SCAN_INTERNAL_H

#include <yara.h>
#include "triage/scan.h"

struct tr_rules {
	YR_RULES	*rules;
	size_t		count;
	int		cached;
};

#endif
