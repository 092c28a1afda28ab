/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YARA scanning: rules loaded from source files, folders or compiled
 * rules (with a compiled-rules cache), one scanner per thread, scans of
 * buffers, files and raw regions of a source, and the "hit" record.
 */
#ifndef TRIAGE_SCAN_H
#define TRIAGE_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "triage/error.h"
#include "triage/record.h"
#include "triage/source.h"
#include "triage/fs.h"
#include "triage/hash.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A compiled rule set.  Immutable once loaded: one tr_rules may be shared
 * by any number of threads, each with its own tr_scanner.
 */
typedef struct tr_rules tr_rules;

#define TR_RULES_NOCACHE	0x1u	/* neither read nor write the cache */

typedef struct tr_rules_opts {
	unsigned	flags;		/* TR_RULES_* */
	/*
	 * Folder of the compiled-rules cache; NULL for $XDG_CACHE_HOME/triage,
	 * else $HOME/.cache/triage.
	 */
	const char	*cache_dir;
	/*
	 * Compiler warnings ("rules.yar:12: warning: ...") and the errors
	 * after the first; problems writing the cache.  May be NULL.
	 */
	tr_warn_fn	warn;
	void		*warn_arg;
} tr_rules_opts;

/*
 * Load rules from npaths paths.  Each path is a rule source file (its own
 * namespace, the file name without extension), a folder (every *.yar and
 * *.yara below it, recursively, in name order; each file its own namespace,
 * its path under the folder without extension), or a file of compiled
 * rules (yarac, yr_rules_save), which must then be the only path.  The
 * external variables filename, filepath, extension (strings) and deleted
 * (boolean) are defined for every rule.
 *
 * Compiled source rules are cached under a name made of the SHA-256 of
 * each file's namespace and content and the libyara version, so a second
 * load of the same files reads the cache instead of compiling.  A file
 * using "include" is never cached (the included files are not hashed).
 * A cache that cannot be read or written is only a warning.
 *
 * Errors: TR_ENOTFOUND (no such path), TR_EIO, TR_EFORMAT for a rule that
 * does not compile with "file:line: message" (the first error; the others
 * go to warn), TR_EINVAL (no rule file in a folder, compiled rules mixed
 * with others), TR_ENOMEM.  Caller frees with tr_rules_free().
 */
TR_API int tr_rules_load(tr_rules **out, const char *const *paths,
    size_t npaths, const tr_rules_opts *opts, tr_error *err);
TR_API void tr_rules_free(tr_rules *rules);	/* NULL is a no-op */
/* Number of rules (private and global ones included). */
TR_API size_t tr_rules_count(const tr_rules *rules);
/* 1 when the rules came from the cache, else 0. */
TR_API int tr_rules_cached(const tr_rules *rules);
/* Save the compiled rules to path (the yarac format).  TR_OK or TR_EIO. */
TR_API int tr_rules_save(const tr_rules *rules, const char *path,
    tr_error *err);

/* What one scan target is, for the external variables. */
typedef struct tr_scan_target {
	const char	*filename;	/* base name; NULL: "" */
	const char	*filepath;	/* path; NULL: "" */
	int		deleted;	/* 1 for a deleted file */
} tr_scan_target;

/*
 * The extension rules see for a file name: the text after the last '.'
 * (not a leading one), lowercased, without the dot; "" when none.  Writes
 * at most len - 1 bytes.
 */
TR_API void tr_scan_extension(const char *filename, char *buf, size_t len);

/*
 * A scanner: mutable, for one thread at a time.  timeout is in seconds
 * per scan (0: none); max_string is the most bytes of matched data kept
 * per string match (0: none kept); max_matches is the most string matches
 * listed per hit (0: no limit).
 */
typedef struct tr_scanner tr_scanner;
typedef struct tr_scanner_opts {
	int		timeout;
	size_t		max_string;
	size_t		max_matches;
} tr_scanner_opts;
TR_API int tr_scanner_new(tr_scanner **out, const tr_rules *rules,
    const tr_scanner_opts *opts, tr_error *err);
TR_API void tr_scanner_free(tr_scanner *s);	/* NULL is a no-op */

/*
 * Scan len bytes at buf.  On success *matches is NULL when no rule
 * matched, else a new array (caller frees with tr_rec_free()) of match
 * objects, each {rule, namespace, tags, meta, strings: [{id, offset,
 * length, data}]} in rule order, with offsets from the start of buf.
 * data is the matched bytes (at most max_string of them), printable
 * ASCII as is, '\' as "\\" and any other byte as "\xNN".  Errors:
 * TR_EINTR when the scan timed out, TR_ENOMEM, TR_EFORMAT for any other
 * libyara error.  The messages do not name the target: callers add it.
 */
TR_API int tr_scanner_scan_mem(tr_scanner *s, const void *buf, size_t len,
    const tr_scan_target *t, tr_rec **matches, tr_error *err);

/*
 * Read the whole of f into the scanner's buffer and scan it, as
 * tr_scanner_scan_mem().  When something matched and sha256 is not NULL,
 * the SHA-256 of the content is written there.  Read errors are TR_EIO
 * naming the file and offset.  The caller checks the size limit first
 * (tr_file_size()).
 */
TR_API int tr_scanner_scan_file(tr_scanner *s, tr_file *f,
    const tr_scan_target *t, tr_rec **matches,
    char sha256[TR_HASH_HEX_MAX], tr_error *err);

/* A byte range of the media (offsets from the start of the source). */
typedef struct tr_extent {
	uint64_t	offset;
	uint64_t	length;
} tr_extent;

/*
 * The unallocated blocks of fs as byte ranges of the source, contiguous
 * blocks joined, in block order.  *out is a new array (caller frees with
 * free()), *n its length; an fs with no free block gives n 0.
 * TR_EUNSUPPORTED for a live folder or a filesystem inside a volume pool
 * (APFS), TR_EFORMAT when TSK cannot walk the blocks.
 */
TR_API int tr_fs_unalloc_extents(tr_fs *fs, tr_extent **out, size_t *n,
    tr_error *err);

/*
 * Which deleted file a free block was last part of, as "ifind -d BLOCK"
 * tells it: the lowest unallocated inode with a data run (any attribute,
 * slack included, sparse runs not) over the block.  inode is "N", or
 * "N-TYPE-ID" for a named NTFS stream (as triage-walk names them), ""
 * when no unallocated inode claims the block.  path is a deleted name
 * ("/dir/name", raw bytes, may be invalid UTF-8) that still points to that
 * inode, the first in the order "ffind" finds it ($OrphanFiles left out),
 * or NULL.
 */
typedef struct tr_block_owner {
	uint64_t	block;			/* in: filesystem block */
	char		inode[64];		/* out */
	char		*path;			/* out: NULL or malloc'd */
} tr_block_owner;

/*
 * Fill in the owners of n blocks of fs (any order, repeats allowed; the
 * array is sorted by block on return).  It walks every unallocated inode,
 * then, only when some block has an owner, every deleted name: call it once
 * per filesystem with all the blocks at hand.  Unreadable inodes and
 * folders are skipped.  TR_EUNSUPPORTED for a live folder, TR_EFORMAT when
 * TSK cannot walk the inodes, TR_ENOMEM; owners found before a failure are
 * kept.  Not thread-safe on one fs.  Release the paths with
 * tr_block_owners_release().
 */
TR_API int tr_fs_block_owners(tr_fs *fs, tr_block_owner *owners, size_t n,
    tr_error *err);
/* Free the paths of n owners (the array itself is the caller's). */
TR_API void tr_block_owners_release(tr_block_owner *owners, size_t n);

/*
 * The space of src no partition covers (the "Unallocated" rows of mmls),
 * as extents in order.  n 0 when the source has no partition table.
 */
TR_API int tr_source_unpartitioned(tr_source *src, const tr_layout *layout,
    tr_extent **out, size_t *n, tr_error *err);

/*
 * Scan the bytes of n extents of src, read as one stream (as blkls lays
 * unallocated blocks end to end), in windows of window bytes where each
 * window after the first starts with the last overlap bytes of the one
 * before, so a match no longer than overlap is never cut in two.  String
 * matches wholly inside an overlap already scanned are dropped, and a hit
 * left with none is not reported again (a rule without strings is
 * reported for the first window only).  fn gets each hit as a match object
 * (see tr_scanner_scan_mem) with string offsets translated to offsets of
 * the source, and takes ownership of it; it returns TR_OK to go on or a
 * negative status that stops the scan and is returned.  overlap must be
 * below window.  Read errors are TR_EIO naming the source and offset.
 */
typedef int (*tr_match_fn)(void *arg, tr_rec *match);
TR_API int tr_scanner_scan_extents(tr_scanner *s, tr_source *src,
    const tr_extent *ext, size_t n, size_t window, size_t overlap,
    const tr_scan_target *t, tr_match_fn fn, void *arg, tr_error *err);

/*
 * Where a hit is: the fields a "hit" record carries before the match.
 * NULL strings, unset times, negative volume and has_* 0 are left out.
 */
typedef struct tr_hit_addr {
	const char	*source;
	int		volume;		/* -1: none */
	const char	*fs;		/* "ext4"... */
	const char	*region;	/* "unallocated", "unpartitioned" */
	int		has_offset;
	uint64_t	offset;		/* media offset of the first match */
	int		has_block;
	uint64_t	block;		/* filesystem block of offset */
	const char	*owner_inode;	/* deleted file that held block */
	const char	*owner_path;	/* its deleted name, raw bytes */
	const char	*inode;
	const char	*path;		/* raw bytes, may be invalid UTF-8 */
	const char	*stream;
	int		has_size;
	uint64_t	size;
	int		deleted;	/* -1: unknown, left out */
	tr_time		mtime, atime, ctime, btime;
	const char	*sha256;
} tr_hit_addr;

/*
 * The "hit" record: record, source, volume, fs, region, offset, block,
 * owner_inode, owner_path, inode, path, stream, size, deleted, mtime, atime, ctime, btime, sha256,
 * then the match's rule, namespace, tags, meta, strings (triage-records(5)).
 * match is copied, not taken.  NULL on no memory.
 */
TR_API tr_rec *tr_hit_record(const tr_hit_addr *addr, const tr_rec *match);


/*
 * The whole scan triage-scan runs: open each source, walk its filesystems
 * and scan their files (and free space) with rules on opts->jobs threads.
 */
#define TR_SCAN_UNALLOC		0x1u	/* also unallocated, unpartitioned */
#define TR_SCAN_DELETED		0x2u	/* also recoverable deleted files */
#define TR_SCAN_HITS_ONLY	0x4u	/* records read: not passed on */

/*
 * Takes one record to write (a hit, or a record passed on from in); rec is
 * borrowed.  Returns TR_OK, or a negative status with err filled in.
 */
typedef int (*tr_scan_rec_fn)(void *arg, const tr_rec *rec, tr_error *err);

typedef struct tr_scan_run_opts {
	unsigned	flags;		/* TR_SCAN_* */
	int		volume;		/* TR_VOLUME_ALL or a volume number */
	int		jobs;		/* threads; 0: one a core, up to 64 */
	int		timeout;	/* seconds a file or window; 0: none */
	uint64_t	max_size;	/* larger files are skipped, warning */
	size_t		max_string;	/* as tr_scanner_opts */
	/*
	 * fnmatch(3) globs on the path: a file is scanned when it matches
	 * no exclude and (when ninclude > 0) some include.
	 */
	const char *const *include;
	size_t		ninclude;
	const char *const *exclude;
	size_t		nexclude;
	FILE		*in;		/* records read for the operand "-" */
	tr_scan_rec_fn	out;		/* required */
	void		*out_arg;
	/*
	 * Problems that make the scan fail ("cannot scan 'x' ...", read
	 * errors, bad input records, failed writes).  May be NULL.
	 */
	tr_warn_fn	error;
	void		*error_arg;
	/*
	 * Files skipped as too large, walk problems, unknown owners of free
	 * blocks.  May be NULL.
	 */
	tr_warn_fn	warn;
	void		*warn_arg;
	/*
	 * Called after each file (files 1) or raw region (files 0) with the
	 * bytes scanned, from the scanning threads.  May be NULL.
	 */
	void		(*progress)(void *arg, uint64_t files, uint64_t bytes);
	void		*progress_arg;
} tr_scan_run_opts;

typedef struct tr_scan_stats {
	unsigned long	hits;		/* hit records written */
	unsigned long	errors;		/* problems, > 0 when the scan failed */
} tr_scan_stats;

/*
 * Scan n operands with rules.  An operand is an image, a device or a live
 * folder (every allocated regular file of every filesystem, or of volume
 * opts->volume only), a plain file (the file itself), or "-": then files
 * are not walked; each "file" record read from opts->in names a file of
 * the other operands to scan (by its source, volume, inode and path), and
 * every record read is passed on to out unless TR_SCAN_HITS_ONLY.  Each
 * hit goes to out as a "hit" record (tr_hit_record()); hits in free blocks
 * carry the deleted file that owned the block (tr_fs_block_owners()), and
 * are written after their region is scanned.  Sources are opened in order
 * and the first that cannot be opened stops the opening of the rest.
 *
 * out, error, warn and progress are called from the scanning threads,
 * several at a time: they must be thread-safe.  A walk warning also counts as an error.
 * Returns TR_OK when the scan ran, with its hits and errors in *stats (each
 * error already went to opts->error); TR_EINVAL when "-" is the only
 * operand, TR_ENOMEM, or a tr_scanner_new() error, with nothing scanned.
 * rules are only read: they may be shared with other threads.
 */
TR_API int tr_scan_run(const tr_rules *rules, const char *const *operands,
    size_t n, const tr_scan_run_opts *opts, tr_scan_stats *stats,
    tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
