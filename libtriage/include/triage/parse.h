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
#include <stdio.h>
#include "triage/artifacts.h"
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
	/*
	 * Called after each artifact given to a parser with 1 and its size
	 * (from any thread; calls may come at once); may be NULL.
	 */
	void		(*progress)(void *arg, uint64_t artifacts,
			    uint64_t bytes);
	void		*progress_arg;
	/* Set to non-zero (e.g. by a signal handler) to stop. */
	volatile int	*stop;
	/*
	 * Artifact definitions, to find artifacts in images (required for
	 * image operands), and the definitions or groups to read (NULL: the
	 * windows-triage and linux-triage groups, only the files of
	 * definitions some selected parser serves).  With names given, a
	 * folder operand is read as a live system through them too.
	 */
	const tr_artifacts *defs;
	const char *const *artifacts;
	size_t		nartifacts;
	/* Larger artifacts are not read (a warning); 0: TR_PARSE_MAX_SIZE. */
	uint64_t	max_size;
	/* Records for the operand "-" ('file' or 'extracted'); NULL: stdin. */
	FILE		*in;
} tr_parse_opts;

#define TR_PARSE_MAX_SIZE	((uint64_t)1 << 30)

typedef struct tr_parse_stats {
	uint64_t	artifacts;	/* given to a parser */
	uint64_t	unknown;	/* recognised by no parser */
	uint64_t	events;		/* written */
	uint64_t	warnings;
	uint64_t	lost;		/* artifacts with something not read */
	uint64_t	passed;		/* records of "-" written on */
	char		last[512];	/* address of the last artifact whose
					   events were written, or "" */
} tr_parse_stats;

/*
 * Parse every operand: an image (one tr_source_open() and
 * tr_source_layout() find a filesystem in: the files of the artifact
 * definitions in each of its filesystems, read in place), a plain file
 * (any parser that recognises it: a raw hive or an .evtx is one), a folder
 * (every file below it, recursively; through the definitions with
 * opts->artifacts), or "-": 'file' and 'extracted' records read from
 * opts->in, each naming its file by source, volume, inode and path (the
 * other operands are then only the sources they name; a record's own
 * source is opened when no operand is it).  Records read are written on
 * before the events of their file.  With opts->jobs > 1 artifacts are
 * parsed at once, each with its own filesystem handles, and the output is
 * the same as with one.  Events go to w.  Returns TR_OK (see stats for
 * what was found), or a negative status when the run could not go on
 * (output failed, stopped); a bad artifact is a warning and a count in
 * stats->lost, not a failure of the run.
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
