/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Timelines: every timestamp of file records, TSK bodyfile lines and event
 * records, sorted in bounded memory (external merge sort) and written as
 * Timesketch JSON Lines, mactime CSV, plaso L2T CSV, TSK bodyfile or CSV.
 */
#ifndef TRIAGE_TIMELINE_H
#define TRIAGE_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "triage/error.h"
#include "triage/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output formats. */
typedef enum tr_tl_format {
	TR_TL_JSONL = 0,	/* event records, Timesketch-importable */
	TR_TL_MACTIME,		/* what `mactime -d -y` prints with TZ=UTC */
	TR_TL_L2TCSV,		/* plaso's l2tcsv, 17 columns */
	TR_TL_BODYFILE,		/* TSK bodyfile 3, one line per file */
	TR_TL_CSV		/* plain CSV, one row per event */
} tr_tl_format;

/*
 * Parse a format name ("jsonl", "mactime", "l2tcsv", "bodyfile", "csv").
 * Returns TR_OK, or TR_EINVAL naming the word and the valid ones.
 */
TR_API int tr_tl_format_parse(const char *name, tr_tl_format *out,
    tr_error *err);

/* Options of a timeline; zero-initialise, then set what you need. */
typedef struct tr_tl_opts {
	tr_tl_format	format;
	int		macb;		/* one line per file and second */
	int		skip_bad;	/* bad input lines: warn, go on */
	int		unbuffered;	/* flush output after every line */
	uint64_t	memory;		/* sort buffer bytes; 0: 512 MiB */
	const char	*tmpdir;	/* spill files; NULL: $TMPDIR or /tmp */
	int		has_from, has_to;
	tr_time		from;		/* keep events at or after this */
	tr_time		to;		/* keep events at or before this */
	tr_warn_fn	warn;		/* skipped lines, summaries; may be NULL */
	void		*warn_arg;
} tr_tl_opts;

/* Counters of a timeline run. */
typedef struct tr_tl_stats {
	uint64_t	lines;		/* input lines read (all inputs) */
	uint64_t	records;	/* file/event/hit records and body lines */
	uint64_t	events;		/* events made, before duplicates */
	uint64_t	written;	/* output lines, header excluded */
	uint64_t	duplicates;	/* exact duplicates dropped */
	uint64_t	filtered;	/* events outside --from/--to */
	uint64_t	bad;		/* lines skipped with skip_bad */
	uint64_t	hits;		/* hit records used as tags */
	uint64_t	ignored;	/* records with no timestamps */
	uint64_t	runs;		/* sorted runs spilled to disk */
} tr_tl_stats;

typedef struct tr_timeline tr_timeline;

/*
 * New timeline.  Caller frees with tr_timeline_free().  Not thread-safe.
 * Errors: TR_EINVAL (bad options), TR_ENOMEM.
 */
TR_API int tr_timeline_new(tr_timeline **out, const tr_tl_opts *opts,
    tr_error *err);
TR_API void tr_timeline_free(tr_timeline *tl);	/* NULL is a no-op */

/*
 * Read every line of fp, named name in messages ("<stdin>", a path).  The
 * kind of input is found from its first line that is not blank or a '#'
 * comment: '{' or '[' starts JSON Lines (file, event and hit records; other kinds
 * are counted in stats.ignored), anything else must be a TSK bodyfile.
 * A bad line is TR_EFORMAT naming the input and line number, e.g.
 * "'x.body' line 7: not a bodyfile line: ...", unless opts.skip_bad: then
 * it goes to opts.warn, counts in stats.bad, and reading goes on.
 * TR_EIO for read errors and for temporary files that cannot be written.
 * fp is not closed.
 */
TR_API int tr_timeline_add_file(tr_timeline *tl, FILE *fp, const char *name,
    tr_error *err);

/*
 * Add one line (no newline) as if it were line lineno of input name, of the
 * kind given: 'j' JSON record, 'b' bodyfile line.  Same errors as above.
 */
TR_API int tr_timeline_add_line(tr_timeline *tl, int kind, const char *line,
    size_t len, const char *name, uint64_t lineno, tr_error *err);

/*
 * Sort what was added and write it to out in the chosen format, then
 * flush (no fclose).  Call once.  TR_EIO when out or a temporary file
 * cannot be written.  Temporary files are unlinked as soon as they are
 * created, so nothing is left behind even on a crash or a signal.
 */
TR_API int tr_timeline_write(tr_timeline *tl, FILE *out, tr_error *err);

/* Counters so far (borrowed; valid while tl lives). */
TR_API const tr_tl_stats *tr_timeline_stats(const tr_timeline *tl);

/* A span of bytes inside a line (not NUL-terminated). */
typedef struct tr_span {
	const char	*p;
	size_t		len;
} tr_span;

/*
 * One TSK bodyfile 3 line:
 * MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime.
 * The spans point into the line given.  A name may hold '|' (TSK does not
 * escape it): the fields are taken from both ends.  Times are integer
 * seconds, optionally with a fraction ("1598723379.643009424"), within
 * years 0000-9999 (a time outside is a bad field); 0 and -1 mean "not set"
 * (digits < 0).
 */
typedef struct tr_body_line {
	tr_span		md5, name, inode, mode, uid, gid, size;
	tr_time		atime, mtime, ctime, crtime;
} tr_body_line;

/*
 * Parse one bodyfile line (without its newline).  Returns TR_OK or
 * TR_EFORMAT with "'input' line N: not a bodyfile line: why".
 */
TR_API int tr_bodyfile_parse(const char *line, size_t len, const char *input,
    uint64_t lineno, tr_body_line *out, tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
