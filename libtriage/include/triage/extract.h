/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extraction: path globs, safe output names for names read from evidence,
 * and copying files out of a filesystem into an output folder with a
 * manifest (triage-extract(1)).
 */
#ifndef TRIAGE_EXTRACT_H
#define TRIAGE_EXTRACT_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"
#include "triage/fs.h"
#include "triage/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Path globs.  A pattern is matched against a whole path, one component
 * (between slashes) at a time; leading slashes of both are ignored.  In a
 * component, '*' matches any bytes, '?' one character (a whole UTF-8
 * sequence), "[abc]", "[a-z]" and "[!x]" one byte of a set.  A component
 * that is exactly "**" matches any number of components (none included);
 * "**N" at most N of them (the ForensicArtifacts form).  With
 * TR_GLOB_CASEFOLD, ASCII letters match either case.  Returns 1 on a match,
 * else 0.  Thread-safe; allocates nothing.
 */
#define TR_GLOB_CASEFOLD	0x1u
TR_API int tr_glob_match(const char *pattern, const char *path,
    unsigned flags);
/* True when pattern holds a glob character ('*', '?' or '['). */
TR_API int tr_glob_is_pattern(const char *pattern);

/*
 * Safe names.  tr_safename() turns one name read from evidence (len raw
 * bytes, may hold anything but NUL) into a single path component that can
 * be created inside an output folder: '/', '\\', '%', control bytes, DEL and
 * bytes that are not valid UTF-8 become "%XX"; "." and ".." become "%2E"
 * and "%2E%2E"; an empty name becomes "%".  A result longer than
 * TR_SAFENAME_MAX bytes is cut (never inside an escape or a UTF-8
 * sequence) and ends with "~h" and 16 hex digits of a hash of the whole
 * name, so it stays unique.  Returns a new string (caller frees with free())
 * or NULL when out of memory.
 */
#define TR_SAFENAME_MAX		200
TR_API char *tr_safename(const char *name, size_t len);
/*
 * The inverse for names that were not cut: percent-decode enc into a new
 * buffer of *len bytes (plus a NUL).  NULL when enc holds a bad escape or
 * was cut ("~h" form), or when out of memory.  Caller frees.
 */
TR_API char *tr_safename_decode(const char *enc, size_t *len);

/*
 * An output folder being filled.  Everything is created with mkdirat and
 * openat relative to a descriptor of the folder opened with O_NOFOLLOW,
 * files with O_CREAT|O_EXCL|O_NOFOLLOW: nothing is overwritten and no
 * symbolic link inside the folder is followed.  Not thread-safe.
 */
typedef struct tr_extract tr_extract;

#define TR_EXTRACT_FORCE	0x1u	/* accept a folder that is not empty */

/*
 * Open dir for output, creating it (not its parents) when missing.  An
 * existing folder that is not empty is refused with TR_EINVAL unless
 * TR_EXTRACT_FORCE; a symbolic link is refused.  Creates dir/manifest.jsonl
 * (appended to with TR_EXTRACT_FORCE).  TR_EIO for system errors.
 */
TR_API int tr_extract_open(tr_extract **out, const char *dir,
    unsigned flags, tr_error *err);
/*
 * Flush and close the manifest; TR_EIO when it could not be written.  NULL
 * is a no-op.  Frees x in every case.
 */
TR_API int tr_extract_close(tr_extract *x, tr_error *err);

/* Where a copy goes and what it is. */
typedef struct tr_extract_item {
	const char	*prefix;	/* "vol2" for a multi-volume source, or NULL */
	const char	*artifact;	/* definition name, or NULL */
} tr_extract_item;

/*
 * Copy the content of entry e of fs (from a tr_fs_walk callback) to
 * OUT/[prefix/]PATH, each component of e->path mapped by tr_safename();
 * a deleted entry's file is named NAME~deleted-INODE, a named stream
 * NAME~ads-STREAM.  When a name is taken (also once case-folded, or by
 * something that is not a folder), "~2", "~3"... is appended.  A path
 * longer than TR_EXTRACT_PATH_MAX goes to ~long/HASH/NAME.  The copy gets
 * the entry's modification and access times and mode 0644.
 *
 * On success *rec (when rec is not NULL) receives the "extracted" record
 * (caller frees), which is also appended to the manifest.  On failure
 * nothing is left behind for this entry: a partial copy is removed, and
 * the message names the source, inode, path and offset.
 */
#define TR_EXTRACT_PATH_MAX	3584
TR_API int tr_extract_entry(tr_extract *x, tr_fs *fs, const tr_entry *e,
    const tr_extract_item *item, tr_rec **rec, tr_error *err);

/* Files copied so far. */
TR_API uint64_t tr_extract_count(const tr_extract *x);

#ifdef __cplusplus
}
#endif
#endif
