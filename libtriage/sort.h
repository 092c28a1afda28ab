/* SPDX-License-Identifier: Apache-2.0 */
/*
 * External merge sort of variable-length byte records in bounded memory
 * (private to libtriage; used by the timeline).
 */
#ifndef TRIAGE_SORT_H
#define TRIAGE_SORT_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"

/*
 * A total order on records: 0 only for records that are the same bytes, so
 * that tri_sorter_next() can drop exact duplicates.
 */
typedef int (*tri_cmp_fn)(const unsigned char *a, size_t alen,
    const unsigned char *b, size_t blen);

typedef struct tri_sorter tri_sorter;

/*
 * New sorter keeping at most about memory bytes of records (and their
 * index) in memory; past that, sorted runs go to temporary files in tmpdir,
 * unlinked as soon as they are made.  Records are at least 12 bytes and
 * start with an int64_t and a uint32_t (native order) that cmp compares
 * first, as numbers, in that order; the sort compares them inline (the
 * uint32_t only when use_k2) before calling cmp.
 */
int	tri_sorter_new(tri_sorter **out, uint64_t memory, const char *tmpdir,
	    tri_cmp_fn cmp, int use_k2, tr_error *err);
void	tri_sorter_free(tri_sorter *s);
/* Copy one record in.  TR_EIO when a run cannot be written. */
int	tri_sorter_add(tri_sorter *s, const void *rec, size_t len,
	    tr_error *err);
/* No more records: sort what is in memory and start the merge. */
int	tri_sorter_finish(tri_sorter *s, tr_error *err);
/*
 * Next record in order, exact duplicates left out (counted).  Returns 1
 * with *rec (valid until the next call) and *len set, 0 at the end, or a
 * negative status.
 */
int	tri_sorter_next(tri_sorter *s, const unsigned char **rec,
	    size_t *len, tr_error *err);
uint64_t tri_sorter_runs(const tri_sorter *s);
uint64_t tri_sorter_dups(const tri_sorter *s);

#endif
