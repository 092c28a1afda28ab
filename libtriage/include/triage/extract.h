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
#include <stdio.h>
#include "triage/artifacts.h"
#include "triage/error.h"
#include "triage/fs.h"
#include "triage/record.h"
#include "triage/source.h"

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

/*
 * The definitions triage-extract selects with: every *.yaml file of dir,
 * then each of extra in order, a YAML file or a folder of them.  Notes go
 * to note as with tr_artifacts_load().  On success *out receives the set
 * (caller frees with tr_artifacts_free()); on failure *out is NULL and err
 * holds the error of the file or folder that failed.
 */
TR_API int tr_extract_load_definitions(tr_artifacts **out, const char *dir,
    const char *const *extra, size_t nextra, tr_warn_fn note,
    void *note_arg, tr_error *err);

/*
 * The whole extraction triage-extract runs.  Files are selected either by
 * artifact definitions, globs and inodes, over every filesystem of each
 * source, or (when none of those is given) by the "file" and "extracted"
 * records read from in, each of which names its own source.
 */
#define TR_EXTRACT_DELETED	0x2u	/* also deleted files whose content
					   is recoverable */

/*
 * Takes one "extracted" record to write; rec is borrowed.  Returns TR_OK,
 * or a negative status with err filled in.
 */
typedef int (*tr_extract_rec_fn)(void *arg, const tr_rec *rec,
    tr_error *err);

/* Zero it, then fill it in; everything is borrowed for the call. */
typedef struct tr_extract_opts {
	const char	*output;	/* OUT folder, as tr_extract_open() */
	unsigned	flags;		/* TR_EXTRACT_FORCE, _DELETED */
	const char	*format;	/* as tr_source_open(); NULL: detect */
	unsigned	sector_size;	/* as tr_source_open(); 0: default */
	int		volume;		/* TR_VOLUME_ALL or a volume number */
	const tr_artifacts *defs;	/* required with artifacts */
	const char *const *artifacts;	/* definition or group names */
	size_t		nartifacts;
	const char *const *globs;	/* tr_glob_match() patterns */
	size_t		nglobs;
	const char *const *inodes;	/* inode strings, "14", "35-128-1" */
	size_t		ninodes;
	FILE		*in;		/* records, when nothing is selected;
					   messages call it '<stdin>' */
	tr_extract_rec_fn out;		/* required */
	void		*out_arg;
	/*
	 * Problems that make the extraction fail: sources or filesystems
	 * that cannot be read, files that cannot be copied, bad or unmatched
	 * records from in, failed writes, and the error that stops the run.
	 * May be NULL.
	 */
	tr_warn_fn	error;
	void		*error_arg;
	/*
	 * Deleted files skipped, walk and layout problems, definition notes.
	 * May be NULL.
	 */
	tr_warn_fn	warn;
	void		*warn_arg;
	/*
	 * Called after each file copied and its record taken by out, with
	 * files 1 and the bytes copied, from the thread that called
	 * tr_extract_run() (the run starts no threads).  May be NULL.
	 */
	void		(*progress)(void *arg, uint64_t files, uint64_t bytes);
	void		*progress_arg;
} tr_extract_opts;

typedef struct tr_extract_stats {
	uint64_t	selected;	/* files that matched the selection */
	uint64_t	written;	/* records out took */
	unsigned long	errors;		/* > 0 when the extraction failed */
} tr_extract_stats;

/*
 * Copy the selected files of the n sources (images, devices or live
 * folders; none when reading records) into opts->output with
 * tr_extract_entry(), each source's filesystems in layout order (only
 * volume opts->volume unless TR_VOLUME_ALL), each copy under "volN/" when
 * its source holds more than one filesystem.  A file is selected when its
 * inode is one of opts->inodes, or its path matches one of opts->globs or
 * a path of opts->artifacts expanded for its filesystem (then its record
 * names the definition); globs match ASCII case-insensitively on a
 * case-insensitive filesystem.  Only regular files and named streams are
 * copied, deleted ones with TR_EXTRACT_DELETED when their content is
 * recoverable.  In record mode every record read names a file by its
 * source, volume, inode and path (path_hex when present) and that file is
 * copied once however often it is named, deleted or not (when its content
 * is recoverable); a record that names no file is an error.  Each copy's
 * record goes to out, as well as to the manifest.
 *
 * Everything is reported through opts->error and opts->warn as it happens
 * and the run goes on: an error counts in stats->errors, as do a folder
 * that could not be read (a warning) and a filesystem that could not be
 * opened.  A full disk or a failed write to out ends the current source.
 * *stats (when not NULL) counts what happened, also when the run stops.
 * Returns TR_OK when the extraction ran; or, with the message also handed
 * to opts->error first: TR_EINVAL (no out; no selection yet sources given,
 * or a selection and no source; artifacts without defs; opts->output
 * inside (or equal to) a source folder, with nothing created), an error of
 * tr_extract_open(), or TR_ENOMEM.  Not thread-safe; opens its own
 * handles.
 */
TR_API int tr_extract_run(const char *const *sources, size_t n,
    const tr_extract_opts *opts, tr_extract_stats *stats, tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
