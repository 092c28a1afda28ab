/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A progress line for long work: counts, rates and elapsed time, redrawn
 * in place on a terminal, never written anywhere else.
 */
#ifndef TRIAGE_PROGRESS_H
#define TRIAGE_PROGRESS_H

#include <stdint.h>
#include <stdio.h>
#include "triage/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_progress tr_progress;

/*
 * A progress line on fp, such as
 * "triage-walk: 12034 entries, 840.2 MiB, 5012 entries/s, 351.6 MiB/s, 0:02"
 * (prefix, then noun for the items).  Returns NULL when fp is not a
 * terminal (or memory is short): every tr_progress call takes NULL as a
 * no-op, so a caller needs no test of its own.  prefix and noun are
 * borrowed and must outlive the tr_progress.  Not thread-safe: update it
 * from one thread.
 */
TR_API tr_progress *tr_progress_new(FILE *fp, const char *prefix,
    const char *noun);
/*
 * Count items and bytes more; draws the line at the first call, then at
 * most four times a second (the clock is read once per 64 calls that add
 * no bytes, so a call per entry stays cheap).
 */
TR_API void tr_progress_add(tr_progress *p, uint64_t items, uint64_t bytes);
/*
 * Erase the line, so that a message can take its place; a later update
 * draws it again.
 */
TR_API void tr_progress_clear(tr_progress *p);
/*
 * Progress through a known number of bytes (imaging, verifying): on fp,
 * "prefix: 412 of 1500 MiB (27%), 395.3 MiB/s, ETA 2.8 s" redrawn twice a
 * second, the rate and ETA once a second has passed ("ETA --" before), and
 * a last line with the time taken; with TR_PROGRESS_JSON one object a second
 * and one at the end, {"record":"progress","bytes","total","rate" (bytes a
 * second),"elapsed" (seconds)}.  Without TR_PROGRESS_FORCE, NULL when fp is
 * not a terminal.  Feed it with tr_progress_bytes, whose signature is that
 * of the progress callbacks of tr_acquire and tr_verify (tr_progress_fn).
 */
#define TR_PROGRESS_JSON	0x1u
#define TR_PROGRESS_FORCE	0x2u
TR_API tr_progress *tr_progress_new_total(FILE *fp, const char *prefix,
    unsigned flags);
TR_API void tr_progress_bytes(void *p, uint64_t done, uint64_t total);
/* Erase the line and free p.  NULL is a no-op. */
TR_API void tr_progress_free(tr_progress *p);

#ifdef __cplusplus
}
#endif
#endif
