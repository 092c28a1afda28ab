/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sigma rules over event records: load and compile a rule set once, then
 * evaluate events against it and write "detection" records (see
 * triage-detect(1) and triage-records(5)).
 */
#ifndef TRIAGE_DETECT_H
#define TRIAGE_DETECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "triage/error.h"
#include "triage/record.h"
#include "triage/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A compiled Sigma rule set with its logsource mapping.  Immutable once
 * loaded: one tr_sigma may be shared by threads, each with its own
 * tr_detect.
 */
typedef struct tr_sigma tr_sigma;

typedef struct tr_sigma_opts {
	/*
	 * Logsource mapping file (YAML, see rules/sigma-logsources.yml);
	 * NULL: tr_sigma_default_logsources().
	 */
	const char	*logsources;
	/* Placeholder file for the expand modifier (YAML name: [values]). */
	const char	*placeholders;
	/* Only rules of at least this level (informational .. critical). */
	const char	*min_level;
	/* Only rules with one of these statuses / tags (NULL, 0: all). */
	const char *const *status;
	size_t		nstatus;
	const char *const *tags;
	size_t		ntags;
	/* Each refused rule is reported here once ("file:line: reason"). */
	tr_warn_fn	warn;
	void		*warn_arg;
} tr_sigma_opts;

/*
 * Load every rule under paths (files, folders searched recursively for
 * *.yml and *.yaml, or glob patterns).  A rule that cannot be compiled is
 * refused: reported through o->warn with file, line and reason, counted,
 * and listed in tr_sigma_summary(); loading goes on.  Returns TR_OK, or an
 * error (unreadable path, bad logsource or placeholder file) with *out
 * NULL.  The caller frees *out with tr_sigma_free().
 */
TR_API int tr_sigma_load(tr_sigma **out, const char *const *paths,
    size_t npaths, const tr_sigma_opts *o, tr_error *err);
TR_API void tr_sigma_free(tr_sigma *s);		/* NULL is a no-op */

/* Rules loaded (detection, correlation and filter rules) and refused. */
TR_API size_t tr_sigma_count(const tr_sigma *s);
TR_API size_t tr_sigma_refused(const tr_sigma *s);

/*
 * The shipped mapping: $TRIAGE_SIGMA_LOGSOURCES, the source tree's copy
 * when run from the build tree, else pkgdatadir's.  Borrowed string.
 */
TR_API const char *tr_sigma_default_logsources(void);

/*
 * One evaluator over a rule set: holds scratch space and correlation
 * state.  Not thread-safe; use one per thread.
 */
typedef struct tr_detect tr_detect;

/* Called with each detection record (borrowed for the call). */
typedef int (*tr_detect_out_fn)(void *arg, const tr_rec *rec, tr_error *err);

TR_API int tr_detect_new(tr_detect **out, const tr_sigma *s, tr_error *err);
TR_API void tr_detect_free(tr_detect *d);		/* NULL is a no-op */

/*
 * Evaluate one event record; each match is passed to out.  Records that
 * are not "event" records are ignored.  Returns TR_OK or the first error
 * of out (or TR_ENOMEM).
 */
TR_API int tr_detect_event(tr_detect *d, const tr_rec *event,
    tr_detect_out_fn out, void *arg, tr_error *err);

/* Matches and events seen so far. */
TR_API uint64_t tr_detect_matches(const tr_detect *d);

/*
 * The "detect_summary" record: rules loaded, refused (path, line, id,
 * title, reason for each), loaded rules whose logsource maps to no event
 * kind, events read, detections written.  Caller frees with tr_rec_free().
 */
TR_API tr_rec *tr_detect_summary(const tr_detect *d, uint64_t events);

#define TR_DETECT_PASS		0x1u	/* write the events read on too */
#define TR_DETECT_SUMMARY	0x2u	/* write a detect_summary record last */
#define TR_DETECT_STRICT	0x4u	/* refused rules are an error */

typedef struct tr_detect_run_opts {
	unsigned	flags;
	/* Worker threads evaluating events (0 or 1: the calling thread). */
	int		jobs;
	tr_detect_out_fn out;		/* every record written */
	void		*out_arg;
	void		(*error)(void *arg, const char *msg);	/* bad input */
	void		*error_arg;
} tr_detect_run_opts;

typedef struct tr_detect_stats {
	uint64_t	events, records, detections, errors;
} tr_detect_stats;

/*
 * Read event records from each input (a path, or "-" for stdin) and write
 * detections (and, with TR_DETECT_PASS, every record read, in input
 * order).  Unreadable lines are reported through o->error and counted in
 * st->errors; reading goes on.  Returns TR_OK, or the first fatal error
 * (an unopenable input, a failed write).
 */
TR_API int tr_detect_run(const tr_sigma *s, const char *const *inputs,
    size_t ninputs, const tr_detect_run_opts *o, tr_detect_stats *st,
    tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
