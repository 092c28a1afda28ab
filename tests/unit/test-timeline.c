/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the timeline: bodyfile parsing, sorting, formats, spills. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/timeline.h"

int
main(void)
{
	return 0;
}
