/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Forensic imaging (E01 or raw, one-pass hashing, bad-sector maps) and
 * verification of images against stored or given hashes.
 */
#ifndef TRIAGE_ACQUIRE_H
#define TRIAGE_ACQUIRE_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"
#include "triage/record.h"
#include "triage/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output formats and compression levels of tr_acquire_opts. */
#define TR_ACQ_RAW		0
#define TR_ACQ_E01		1
#define TR_ACQ_COMPRESS_NONE	0
#define TR_ACQ_COMPRESS_FAST	1
#define TR_ACQ_COMPRESS_BEST	2

/*
 * Called from the writer thread after each block is on disk: bytes done of
 * total.  Must be quick; must not call back into the library.
 */
typedef void (*tr_progress_fn)(void *arg, uint64_t done, uint64_t total);

typedef struct tr_acquire_opts {
	const char	*source;	/* device, file or image path */
	const char	*source_format;	/* NULL/"auto", or as tr_source_open */
	const char	*output;	/* PATH: PATH.E01..., PATH or PATH.001... */
	int		format;		/* TR_ACQ_E01 or TR_ACQ_RAW */
	int		compression;	/* TR_ACQ_COMPRESS_* (E01 only) */
	uint64_t	segment_size;	/* E01 segment size; 0: 1.4 GiB */
	uint64_t	split;		/* raw segment size; 0: one file */
	const char	*case_number;	/* case metadata: NULL when absent */
	const char	*evidence_number;
	const char	*examiner;
	const char	*description;
	const char	*notes;
	const char	*media_type;	/* fixed, removable, optical, memory */
	unsigned	hashes;		/* TR_HASH_* bits */
	uint64_t	hash_window;	/* per-window digests; 0: none */
	unsigned	retries;	/* re-reads of a failed block */
	int		resume;		/* continue an interrupted raw image */
	int		threads;	/* compression workers; 0: one per CPU */
	const char	*tool;		/* program name for the record */
	/* Polled between blocks: non-zero stops the acquisition cleanly. */
	const volatile int *stop;
	tr_progress_fn	progress;
	void		*progress_arg;
	/* Retries and unreadable ranges as they happen (may be NULL). */
	tr_warn_fn	warn;
	void		*warn_arg;
} tr_acquire_opts;

/* Defaults: E01, fast compression, md5, 2 retries. */
TR_API void tr_acquire_opts_init(tr_acquire_opts *o);

/*
 * Image o->source into o->output.  The source is opened read-only; an
 * output that exists already (without resume), or that would land on the
 * source itself, is refused with TR_EINVAL.  The "acquisition" record
 * (triage-records(5)) is written to PATH.json and returned in *record
 * (caller frees with tr_rec_free()) as soon as imaging has started,
 * whatever the outcome; *record is NULL when the run never started.
 *
 * Returns TR_OK when the image is complete (its record says "complete";
 * unreadable ranges were zero-filled and are listed in "read_errors"),
 * TR_EINTR when o->stop ended it ("interrupted"), or a negative status
 * ("failed" when imaging had started, e.g. a full disk).  Not
 * thread-safe with itself on the same output.
 */
TR_API int tr_acquire(const tr_acquire_opts *o, tr_rec **record,
    tr_error *err);

typedef struct tr_verify_opts {
	const char	*image;		/* the image to check */
	const char	*format;	/* NULL/"auto", or as tr_source_open */
	const char	*md5;		/* expected hashes (hex), or NULL */
	const char	*sha1;
	const char	*sha256;
	const char	*record;	/* acquisition record file (JSON), or NULL */
	const volatile int *stop;
	tr_progress_fn	progress;
	void		*progress_arg;
} tr_verify_opts;

TR_API void tr_verify_opts_init(tr_verify_opts *o);

/*
 * Recompute the hashes of the image's media data and compare them with
 * the expected ones: given in o, taken from o->record, or else stored in
 * the E01.  An E01 chunk whose checksum fails is a mismatch, reported by
 * offset in "bad_chunks"; with hash windows in the record, a window whose
 * digest differs is reported in "bad_windows".
 *
 * Returns TR_OK with *match set (1 all equal, 0 any difference) and the
 * "verification" record in *record (caller frees).  TR_ENOTFOUND,
 * TR_EIO, TR_EFORMAT when the image cannot be read; TR_EINVAL when there
 * is nothing to compare with (the record then holds the computed hashes);
 * TR_EINTR when stopped.
 */
TR_API int tr_verify(const tr_verify_opts *o, int *match, tr_rec **record,
    tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
