/* SPDX-License-Identifier: Apache-2.0 */
/* libtriage: the umbrella header. */
#ifndef TRIAGE_TRIAGE_H
#define TRIAGE_TRIAGE_H

#include "triage/error.h"
#include "triage/hash.h"
#include "triage/record.h"
#include "triage/source.h"
#include "triage/fs.h"
#include "triage/progress.h"
#include "triage/acquire.h"
#include "triage/artifacts.h"
#include "triage/collect.h"
#include "triage/custody.h"
#include "triage/extract.h"
#include "triage/report.h"
#include "triage/scan.h"
#include "triage/timeline.h"
#include "triage/parse.h"
#include "triage/known.h"

#endif
