/* SPDX-License-Identifier: Apache-2.0 */
/*
 * triage-parse: artifact files (event logs, registry hives, Prefetch, LNK,
 * logs, histories...) become `event` records.  Each artifact is recognised
 * by its content (signature), not by its name, and given to the parser of
 * its family; see triage-parse(1) and the parser seam in parse_internal.h.
 */
#ifndef TRIAGE_PARSE_H
#define TRIAGE_PARSE_H

#include <stdint.h>
#include "triage/error.h"
#include "triage/record.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TR_PARSE_REG_KEYS	0x1	/* one event per registry key */
#define TR_PARSE_REG_DECODED	0x2	/* decoded registry events */

typedef struct tr_parse_opts {
	/* Parser names to use (NULL-terminated), or NULL for all. */
	const char *const *parsers;
	/* Only events in [from, to] (each unset: no bound). */
	tr_time		from, to;
	const char	*timezone;	/* for local-time logs; NULL: UTC */
	unsigned	registry;	/* TR_PARSE_REG_*; 0: keys + decoded */
	const char	*label;		/* "evidence" of every event, or NULL */
	int		jobs;		/* artifacts parsed at once; < 1: 1 */
	/* Problems with one artifact ("SOURCE:PATH: offset N: ..."). */
	tr_warn_fn	warn;
	void		*warn_arg;
	/* Called after each artifact with its size; may be NULL. */
	void		(*progress)(void *arg, uint64_t artifacts,
			    uint64_t bytes);
	void		*progress_arg;
	/* Set to non-zero (e.g. by a signal handler) to stop. */
	volatile int	*stop;
} tr_parse_opts;

typedef struct tr_parse_stats {
	uint64_t	artifacts;	/* given to a parser */
	uint64_t	unknown;	/* recognised by no parser */
	uint64_t	events;		/* written */
	uint64_t	warnings;
	uint64_t	lost;		/* artifacts with something not read */
} tr_parse_stats;

/*
 * Parse every operand: a file (any parser that recognises it), a folder
 * (every file below it, recursively).  Events go to w.  Returns TR_OK
 * (see stats for what was found), or a negative status when the run
 * could not go on (output failed, stopped); a bad artifact is a warning
 * and a count in stats->lost, not a failure of the run.
 */
TR_API int tr_parse_run(const char *const *operands, size_t n,
    const tr_parse_opts *opts, tr_jsonl *w, tr_parse_stats *stats,
    tr_error *err);

/*
 * One `parser` record per parser (name, description, data_types), in
 * registry order.
 */
TR_API int tr_parse_list(tr_jsonl *w, tr_error *err);

/* 1 when name is a parser's name. */
TR_API int tr_parse_has_parser(const char *name);

#ifdef __cplusplus
}
#endif
#endif
