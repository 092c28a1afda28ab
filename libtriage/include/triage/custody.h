/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The custody log of a case folder: CASE/custody.jsonl, one "custody" entry
 * per step of a collection, each carrying the SHA-256 of the entry before it
 * (a hash chain) and the SHA-256 of every file the step wrote.  See
 * triage-collect(1) and triage-records(5).
 */
#ifndef TRIAGE_CUSTODY_H
#define TRIAGE_CUSTODY_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"
#include "triage/hash.h"
#include "triage/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Name of the log inside a case folder. */
#define TR_CUSTODY_LOG	"custody.jsonl"

/*
 * The "step" of the entry that closes a collection.  A finished log ends
 * with one (a resumed collection appends its steps and a new seal), so a
 * log cut after any entry but a seal is caught; see
 * tr_custody_verify_record().
 */
#define TR_CUSTODY_SEAL	"seal"

/*
 * Append one entry to CASE/custody.jsonl (created when absent).  The line
 * written is {"record":"custody","seq":N,"prev":H, then the keys of entry in
 * their order}: seq counts entries from 1 and prev is the SHA-256 (hex) of
 * the exact bytes of the previous line without its newline (left out on the
 * first entry).  Keys "record", "seq" and "prev" of entry are ignored.  The
 * log is opened once, with O_NOFOLLOW, to read the chain and append to it,
 * and locked with flock(LOCK_EX | LOCK_NB) meanwhile: while another process
 * (or another open of it) holds that lock, this fails at once with TR_EIO
 * "another process is writing 'CASE/custody.jsonl' ...", rather than wait
 * or fork the chain.  The line goes out in one write(2) (continued when
 * short) followed by fsync(2); when it cannot be written and synced whole
 * (a full disk, the file size limit, an I/O error), the log is cut back to
 * its size before, so a failed append leaves no partial line, and the error
 * is TR_EIO "cannot write 'CASE/custody.jsonl': <why>" with sys_errno set
 * (ENOSPC, EFBIG, EIO...).  When head is not NULL it receives the SHA-256
 * of the new line, the new head of the chain.  Errors: TR_EIO (cannot read,
 * lock or write the log), TR_EFORMAT (the log is a symbolic link,
 * "'CASE/custody.jsonl' is a symbolic link, not a regular file", which is
 * never followed nor written through, or a FIFO or other special file; its
 * last line is unfinished), TR_EINVAL (entry is not an object), TR_ENOMEM.
 * Not thread-safe.
 */
TR_API int tr_custody_append(const char *case_dir, const tr_rec *entry,
    char head[TR_HASH_HEX_MAX], tr_error *err);

/*
 * Append to entry's "outputs" array (created when absent) one object
 * {"path", "size", "sha256"} for the file CASE/relpath, or, when relpath is
 * a directory, one per regular file beneath it in byte order of their
 * paths.  relpath must be relative, without "." or ".." components.
 * Errors: TR_EINVAL (bad relpath), TR_ENOTFOUND, TR_EFORMAT (relpath is a
 * symbolic link or a special file), TR_EIO, TR_ENOMEM.
 */
TR_API int tr_custody_add_output(tr_rec *entry, const char *case_dir,
    const char *relpath, tr_error *err);

/*
 * SHA-256 and size of one file, as the custody log records them.  A
 * symbolic link as the last component of path is never followed, so a file
 * replaced by a link (even to an identical copy) does not check out.
 * Errors: TR_ENOTFOUND, TR_EFORMAT ("'path' is a symbolic link, not a
 * regular file"; likewise "is a FIFO", "is a folder"...), TR_EIO.
 */
TR_API int tr_custody_hash_file(const char *path, char sha256[TR_HASH_HEX_MAX],
    uint64_t *size, tr_error *err);

/*
 * Called once per problem found by tr_custody_verify(), with a message such
 * as "custody.jsonl line 4: hash chain broken: ..." or "'hits.jsonl' (line
 * 6, step scan): changed: ...".  msg is borrowed for the call only.
 */
typedef void (*tr_custody_problem_fn)(void *arg, const char *msg);

/*
 * Re-check the case folder at case_dir against its custody log:
 *   - every line is a custody entry, seq runs 1, 2, 3... and each prev is
 *     the SHA-256 of the line before (changed, removed, inserted or
 *     reordered entries);
 *   - replaying the entries in order ("outputs" set a file's expected size
 *     and SHA-256, "removed" forgets it), every file the log expects exists
 *     with that size and SHA-256 (changed or deleted files);
 *   - every regular file or symbolic link in the folder other than the log
 *     itself is expected by the log (added files).
 * Each problem goes to fn (when not NULL) and is counted in *problems.
 * *entries gets the number of entries and head the SHA-256 of the last line
 * (either may be NULL).  Returns TR_OK once the check ran, whatever it
 * found; TR_ENOTFOUND when there is no log, TR_EFORMAT when it is a
 * symbolic link (never followed) or not a regular file, TR_EIO when it
 * cannot be read, TR_ENOMEM.  Removing the last entries of a log keeps its
 * chain valid and is not a problem here (an unfinished collection looks the
 * same): tr_custody_verify_record() also requires the seal and checks the
 * head.
 */
TR_API int tr_custody_verify(const char *case_dir, tr_custody_problem_fn fn,
    void *arg, size_t *problems, size_t *entries, char head[TR_HASH_HEX_MAX],
    tr_error *err);

/*
 * The whole check of a finished case, as a "verification" record
 * (triage-records(5)): {"record":"verification","case":case_dir,
 * "entries":N,"head":H,"match":true|false,"problems":[messages]}
 * ("problems" left out when none).  Beyond tr_custody_verify(), the log
 * must end with a TR_CUSTODY_SEAL entry, and when head is not NULL its
 * last line must have that SHA-256 (hex, the head written down when the
 * collection ended): this catches entries cut from the end together with
 * their files, and a log rewritten with a new chain.  *match is 1 when
 * nothing was found.  Each problem also goes to fn when not NULL.  The
 * caller frees *out with tr_rec_free().  Errors as tr_custody_verify().
 */
TR_API int tr_custody_verify_record(const char *case_dir, const char *head,
    tr_custody_problem_fn fn, void *arg, tr_rec **out, int *match,
    tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
