/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Known-file hash sets (NSRL RDSv3, hash lists): a sorted index mapped into
 * memory, looked up without SQLite, and the flags it puts on file records.
 * The index format is described in triage-known(5).
 */
#ifndef TRIAGE_KNOWN_H
#define TRIAGE_KNOWN_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"
#include "triage/record.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TR_KNOWN_MAX_SETS	32	/* sets in one index */
#define TR_KNOWN_NAME_MAX	56	/* set name bytes, NUL included */

/*
 * An open index.  Immutable once open: lookups from several threads at once
 * on one handle are safe (blocks are checked on first use with atomics).
 */
typedef struct tr_known tr_known;

/*
 * Open the index at path read-only and map it.  The header, the set table
 * and the checksum table are checked now (TR_EFORMAT "index 'x' is
 * truncated...", "...is damaged: header checksum mismatch", "...is not a
 * triage-known index", "...version N is not supported"); each 4 KiB block of
 * the hash tables is checked against its CRC-32 the first time a lookup
 * reads it.  TR_EIO when the file cannot be opened or mapped.  On success
 * the caller closes *out with tr_known_close().
 */
TR_API int tr_known_open(tr_known **out, const char *path, tr_error *err);
TR_API void tr_known_close(tr_known *k);		/* NULL is a no-op */

/* Check every block now: TR_OK, or TR_EFORMAT naming table and offset. */
TR_API int tr_known_verify(tr_known *k, tr_error *err);

/* The path given to tr_known_open() (borrowed). */
TR_API const char *tr_known_path(const tr_known *k);
/* Number of sets; name (borrowed) and badness of set i (0-based). */
TR_API unsigned tr_known_nsets(const tr_known *k);
TR_API const char *tr_known_set_name(const tr_known *k, unsigned i);
TR_API int tr_known_set_bad(const tr_known *k, unsigned i);
/* Bit i set for each known-bad set i. */
TR_API uint32_t tr_known_bad_mask(const tr_known *k);
/* Distinct digests held for one algorithm (TR_HASH_MD5, _SHA1, _SHA256). */
TR_API uint64_t tr_known_count(const tr_known *k, unsigned algorithm);
/* TR_HASH_* bits of the algorithms with at least one digest. */
TR_API unsigned tr_known_algorithms(const tr_known *k);

/*
 * Look up one digest given as hex (either case), its algorithm told by its
 * length (32 md5, 40 sha1, 64 sha256).  *sets gets bit i for each set i
 * holding it, 0 when none does.  Returns TR_OK, TR_EINVAL when hex is not
 * such a digest, TR_EFORMAT when a block read is damaged.
 */
TR_API int tr_known_lookup(const tr_known *k, const char *hex, size_t len,
    uint32_t *sets, tr_error *err);

/*
 * What tr_known_line() and tr_known_flag_record() found: whether the
 * record is a "file" record, which of its digests were looked up
 * (TR_HASH_* bits) and the sets they are in (the union over digests).
 */
typedef struct tr_known_result {
	int		is_file;
	unsigned	looked_up;
	uint32_t	sets;
} tr_known_result;

/* tr_known_line() flags. */
#define TR_KNOWN_NO_HITS	0x1u	/* no hit records for known-bad sets */

/*
 * Flag one JSON Lines record (line, len bytes, with or without its "\n").
 * A "file" record with digests the index holds comes out with
 * ,"known":[good set names] and/or ,"known_bad":[bad set names] added at
 * its end (keys already there are replaced), then, unless TR_KNOWN_NO_HITS,
 * one "hit" record per known-bad set (tr_known_hit_record()).  Any other
 * line comes out as it is.  The output, "\n"-terminated lines, is written
 * to *out (grown with realloc as needed, *cap its size) and *olen set to
 * its length.  Returns TR_OK, TR_EFORMAT for a line that is not a JSON
 * object or a damaged index block, TR_ENOMEM.  Thread-safe on one k with
 * separate buffers.
 */
TR_API int tr_known_line(const tr_known *k, const char *line, size_t len,
    unsigned flags, char **out, size_t *cap, size_t *olen,
    tr_known_result *res, tr_error *err);

/*
 * The same on a parsed record: when file is a "file" record, look up its
 * "md5", "sha1" and "sha256" and set (or replace) "known" and "known_bad"
 * (each only when not empty).  res may be NULL.  Returns TR_OK,
 * TR_EFORMAT (damaged index), TR_ENOMEM.
 */
TR_API int tr_known_flag_record(const tr_known *k, tr_rec *file,
    tr_known_result *res, tr_error *err);

/*
 * The "hit" record for file record file matching known-bad set set:
 * rule "hashset:NAME", namespace "hashset", meta {"set", "digest"} and the
 * file's address, size, times and sha256 as triage-scan's hits carry them.
 * NULL on no memory.  Caller frees with tr_rec_free().
 */
TR_API tr_rec *tr_known_hit_record(const tr_known *k, const tr_rec *file,
    unsigned set);

/*
 * Building an index.  Hashes are sorted in runs of at most mem_limit bytes
 * in all (0: 256 MiB) spilled to unlinked temporary files in the output's
 * folder, then merged, so memory stays bounded whatever the input size.
 * The new index is written to a temporary file next to out_path and
 * renamed over it at the end; when out_path already is an index, its sets
 * are kept and a set of the same name is replaced.
 */
typedef struct tr_known_import {
	const char	*set;		/* set name: [A-Za-z0-9._-]{1,55} */
	int		bad;		/* known-bad set */
	uint64_t	mem_limit;	/* bytes; 0: default */
} tr_known_import;

typedef struct tr_known_stats {
	uint64_t	rows;		/* rows or lines read */
	uint64_t	added[3];	/* md5, sha1, sha256 digests read */
	uint64_t	skipped;	/* empty or invalid digests left out */
	uint64_t	total[3];	/* distinct digests in the new index */
	const char	*from;		/* NSRL: "DISTINCT_HASH" or "FILE" */
} tr_known_stats;

/*
 * Import an NSRL RDSv3 SQLite database (its FILE table, or the
 * DISTINCT_HASH view when SQLite can read it in order): every sha256, sha1
 * and md5 column present.  The database is opened read-only and immutable:
 * nothing is written next to it.  TR_EFORMAT for a file that is not SQLite,
 * is truncated or damaged, or has no FILE table with a hash column.
 */
TR_API int tr_known_import_nsrl(const char *out_path, const char *rds_path,
    const tr_known_import *opt, tr_known_stats *st, tr_error *err);

/*
 * Import a hash list ("-" is stdin): md5sum/sha1sum/sha256sum output (also
 * BSD "SHA256 (name) = hex"), hashdeep CSV (its "%%%% size,md5,..." header
 * names the columns), or one hash per line; blank lines and lines starting
 * with '#' are skipped.  TR_EFORMAT "'list' line N: ..." for any other line
 * or a list with no hash.
 */
TR_API int tr_known_import_list(const char *out_path, const char *list_path,
    const tr_known_import *opt, tr_known_stats *st, tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
