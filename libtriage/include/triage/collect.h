/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One-shot collection of a case: run the triage tools one after the other
 * as separate programs over one source into a case folder, logging every
 * step in the folder's custody log (triage/custody.h).  See
 * triage-collect(1).
 */
#ifndef TRIAGE_COLLECT_H
#define TRIAGE_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"
#include "triage/hash.h"
#include "triage/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a message handed to a tr_collect_msg_fn is. */
typedef enum tr_collect_level {
	TR_COLLECT_PROGRESS = 0,	/* a step starts or ends, resuming... */
	TR_COLLECT_WARN = 1,		/* a problem the collection goes past */
	TR_COLLECT_ERROR = 2		/* a step failed, or a log problem */
} tr_collect_level;

/*
 * Called with each message of a collection, in order, such as
 * "[walk] triage-walk --hash sha256 -- disk.img > case/files.jsonl",
 * "[scan] done, nothing found" or "[info] failed (exit 2): ...".  msg is
 * borrowed for the call only and has no trailing newline.
 */
typedef void (*tr_collect_msg_fn)(void *arg, tr_collect_level level,
    const char *msg);

/*
 * What to collect.  Zero it, then fill it in; the strings are borrowed for
 * the time of tr_collect_run().
 */
typedef struct tr_collect_opts {
	const char	*source;	/* image, device or folder */
	const char	*case_dir;	/* CASE: new or empty, unless resume */
	const char	*examiner;	/* NULL: from the resumed log, else the
					   login name */
	const char	*case_number;	/* NULL: from the resumed log, or none */
	const char	*rules;		/* YARA rules for the scan step; NULL:
					   $TRIAGE_RULES, the source tree's
					   rules/yara when run from the build
					   tree, else PKGDATADIR/rules/yara */
	int		acquire;	/* also image source to CASE/image.E01
					   and analyse the image */
	int		resume;		/* go on after the last completed step */
	unsigned	step_timeout;	/* seconds, 0 none: SIGTERM to the
					   step's process group, SIGKILL
					   10 s later */
	tr_collect_msg_fn msg;		/* may be NULL */
	void		*msg_arg;
	const char	*known;		/* known-file index (triage-known
					   --db) for a known step, or NULL */
} tr_collect_opts;

/* How a collection went; filled in by tr_collect_run(). */
typedef struct tr_collect_result {
	unsigned	failed;		/* steps that failed */
	int		already_done;	/* resumed with every step done: only
					   a missing seal was added */
	int		verified;	/* the log was checked after the seal */
	size_t		problems;	/* what that check found */
	char		head[TR_HASH_HEX_MAX];	/* the log's head then */
} tr_collect_result;

/*
 * Collect opts->source into opts->case_dir: hash (SHA-256 and MD5 of the
 * media, by running "triage-collect --hash-only") -> info -> acquire (with
 * opts->acquire) -> walk with SHA-256 -> known (with opts->known, when
 * triage-known is installed: known.jsonl, the walk's records flagged) ->
 * extract of the artifacts of the systems found -> parse (the artifacts
 * read in place: parsed.jsonl) -> detect (when triage-detect and the
 * shipped Sigma rules are installed: detections.jsonl) -> scan ->
 * timeline (of the walk's or known's records, the hits and the parsed
 * events) -> report, then a seal entry.  The
 * tools are looked for beside the running program, else on PATH; each
 * step's stdout goes to its file in CASE, and its entry in
 * CASE/custody.jsonl records command, versions, examiner, host, UTC times,
 * exit status, stderr tail and the SHA-256 of every output.  A failed step
 * is logged, counted in res->failed and reported through opts->msg, and
 * the steps that do not need its output still run: that is TR_OK.  After
 * the seal the log is checked (res->verified, res->problems, res->head).
 * CASE is flock()ed for the whole run.  Errors that stop the collection:
 * TR_ENOTFOUND (no source), TR_EINVAL (another collection holds CASE, CASE
 * not empty without resume, CASE inside a folder source, a resumed
 * log of another source or that does not check out, its problems reported
 * through opts->msg first), TR_EIO (cannot create CASE or write the log),
 * TR_EFORMAT, TR_ENOMEM.
 *
 * Each step runs in a process group of its own, with stdin from /dev/null
 * and no descriptor but 0, 1 and 2 (those the caller left open without
 * FD_CLOEXEC are not passed on), no signal blocked, the default action for
 * every signal the caller catches and for SIGCHLD (signals the caller
 * ignores stay ignored), and, on Linux, SIGKILL as its parent-death signal,
 * so that it dies with the calling thread (the program's children do not);
 * a timeout stops the whole group (SIGTERM and SIGCONT, then SIGKILL), and
 * when the step's program ends, whatever it left running in its group is
 * killed, so that nothing goes on writing in CASE after its outputs were
 * hashed.  While a step runs, SIGCHLD is set to its default and blocked, as
 * system(3) does, so that a caller ignoring it or reaping with waitpid(-1)
 * in a handler cannot take the step from us; the caller's action is put
 * back after the step is reaped, and a SIGCHLD that came meanwhile then
 * goes to its handler.  While a step runs,
 * SIGHUP, SIGINT, SIGQUIT and SIGTERM (those not ignored) are caught: the
 * step's group gets SIGTERM, SIGKILL 10 s later or at a second signal, it
 * is reaped, the caller's handling of the signal is put back and the signal
 * raised again.  By default that ends the process, with no entry for the
 * step and no seal (resume goes on from it); if a handler of the caller
 * returns, the collection stops with TR_EIO ("collection interrupted by
 * SIGINT during step scan...").  Forks, waits for its children and changes
 * signal actions and the signal mask for the time of a step; not
 * thread-safe.
 */
TR_API int tr_collect_run(const tr_collect_opts *opts, tr_collect_result *res,
    tr_error *err);

/*
 * The hash step: a "hash" record {"source", "format", "size", "md5",
 * "sha256", "started", "finished"} of the media data of source.  The
 * caller frees *out with tr_rec_free().  Errors: those of
 * tr_source_open(), TR_EINVAL (source is a folder), TR_EIO, TR_ENOMEM.
 */
TR_API int tr_collect_hash(const char *source, tr_rec **out, tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
