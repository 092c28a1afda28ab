/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seam between triage-parse's driver (parse.c: sources, artifact
 * selection, threads, output) and its parsers (parse_*.c, one file per
 * artifact family).  A parser sees one artifact at a time, whole, in
 * memory, with its address; it builds events with tri_event_new() and hands
 * each to tri_parse_emit().  It never opens files, writes output or knows
 * where the artifact came from beyond tr_artifact.
 *
 * Adding a parser: one parse_NAME.c defining a `const tri_parser
 * tri_parser_NAME`, one line in tri_parsers[] (parse_registry.c), its
 * sources in mk/parse.mk.  HACKING.md has the checklist.
 */
#ifndef TRIAGE_PARSE_INTERNAL_H
#define TRIAGE_PARSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "triage/record.h"

/*
 * One artifact, whole.  data stays valid for the whole parse call (mmap of
 * a plain file, or a heap copy of a file read through libtsk).  The address
 * strings are borrowed for the call too.
 */
typedef struct tr_artifact {
	const uint8_t	*data;
	size_t		size;
	const char	*source;	/* evidence path as given */
	int		volume;		/* -1: none (plain file, bare fs) */
	const char	*inode;		/* NULL for plain files */
	const char	*path;		/* in the fs ("/Windows/..."), or the
					 * plain file's path as given */
	const char	*name;		/* last component of path */
	tr_time		mtime;		/* the file's modification time, or
					 * unset: syslog years, bash history */
	const char	*artifact;	/* ForensicArtifacts definition that
					 * selected it, or NULL */
	/*
	 * A file beside this one ("History-wal", "SYSTEM.LOG1",
	 * "Security.evtx" is never needed): sibling(ctx, name, &data,
	 * &size) gives its whole content (free() it) and returns 0, or
	 * returns -1 when there is none.  May be NULL (stdin streams).
	 */
	int		(*sibling)(void *arg, const char *name, uint8_t **data,
			    size_t *size);
	void		*sibling_arg;
} tr_artifact;

typedef struct tri_parse_ctx tri_parse_ctx;

/*
 * A parser.  name is plaso's parser name where plaso has one ("winevtx",
 * "winreg", "prefetch", "lnk", "syslog", "utmp", "chrome_history"...).
 */
typedef struct tri_parser {
	const char		*name;
	const char		*description;
	const char *const	*data_types;	/* NULL-terminated */
	/*
	 * ForensicArtifacts definitions (names in the shipped or public
	 * definitions) whose files this parser reads: the driver uses them
	 * to choose what to read from an image.  NULL-terminated, may be
	 * empty.
	 */
	const char *const	*artifacts;
	/*
	 * How sure the parser is that this content is its format: 0 no,
	 * 100 by signature (magic bytes), 1..99 by weaker evidence (name,
	 * text shape).  head holds the first min(size, 4096) bytes; name is
	 * the file's last path component (may be NULL).  Must be cheap and
	 * never fail.  The highest score above 0 wins.
	 */
	int			(*match)(const uint8_t *head, size_t len,
				    uint64_t size, const char *name);
	/*
	 * Parse a, emitting events.  Returns TR_OK when everything was
	 * read (warnings allowed), or a negative status when something was
	 * lost (after having emitted what could be read and said what was
	 * lost with tri_parse_warn()).  Must not crash, loop or allocate
	 * without bound on any input.  Thread-safe: the driver runs
	 * parsers on several artifacts at once.
	 */
	int			(*parse)(tri_parse_ctx *ctx,
				    const tr_artifact *a);
} tri_parser;

/* Every parser, in the order --list-parsers prints them; NULL-terminated. */
extern const tri_parser *const tri_parsers[];

/* Options every parser may read (from triage-parse's command line). */
typedef struct tri_parse_conf {
	const char	*timezone;	/* -z: zone for local-time logs; NULL UTC */
	int		registry;	/* TRI_REG_* */
	int		jobs;		/* -j: threads a parser may use */
} tri_parse_conf;

#define TRI_REG_KEYS	0x1	/* one event per key's last-written time */
#define TRI_REG_DECODED	0x2	/* decoded events (run keys, services...) */

const tri_parse_conf *tri_parse_conf_of(const tri_parse_ctx *ctx);

/*
 * A new event of data_type at t, in record order: record, datetime
 * ("2023-04-05T06:07:08.123456+00:00", as triage-timeline writes it),
 * timestamp (µs), timestamp_desc, time (t at its full precision, "Z"),
 * message (empty until tri_event_message()), data_type, parser, then the
 * artifact's address (evidence label, source, volume, inode, path).  The
 * parser appends its own fields after these with the tr_rec setters.
 * NULL on no memory or when t is unset (an event needs a time; a parser
 * with an artifact entry that has none says so with tri_parse_warn or
 * leaves it out).
 */
tr_rec *tri_event_new(tri_parse_ctx *ctx, const char *data_type,
    const tr_time *t, const char *timestamp_desc);
/* Set the message (printf); invalid UTF-8 becomes U+FFFD.  TR_OK or ENOMEM. */
int	tri_event_message(tr_rec *ev, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Write ev (takes ownership, even on failure) unless --from/--to leave it
 * out.  Returns TR_OK, or a negative status when the output failed or the
 * run was stopped (SIGINT): the parser should return that status at once.
 */
int	tri_parse_emit(tri_parse_ctx *ctx, tr_rec *ev);

/*
 * A problem in the artifact: "parse: SOURCE[:vol N]:PATH: offset 0x1200:
 * chunk 3: bad checksum, 87 records read, the rest skipped" - the driver
 * prefixes the artifact's address; the parser gives the offset (or
 * UINT64_MAX for none) and what happened.  Counted; the run exits 2 when
 * tri_parse_lost() was called for any artifact.
 */
void	tri_parse_warn(tri_parse_ctx *ctx, uint64_t offset, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));
/* Something readable in principle was not read: exit status 2. */
void	tri_parse_lost(tri_parse_ctx *ctx);
/* 1 when the run should stop (SIGINT, output closed). */
int	tri_parse_stopped(const tri_parse_ctx *ctx);

/*
 * Time helpers for parsers.  FILETIME (100 ns since 1601) to tr_time with
 * 7 digits; 0 gives unset.  POSIX seconds/µs/ns likewise.
 */
tr_time	tri_filetime(uint64_t ft);
tr_time	tri_posix_usec(int64_t usec);	/* 6 digits */

#endif
