/* SPDX-License-Identifier: Apache-2.0 */
/* Several digests (md5, sha1, sha256) over one stream of bytes, one pass. */
#ifndef TRIAGE_HASH_H
#define TRIAGE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of a hash set. */
#define TR_HASH_MD5	0x1u
#define TR_HASH_SHA1	0x2u
#define TR_HASH_SHA256	0x4u
#define TR_HASH_ALL	0x7u
#define TR_HASH_HEX_MAX	65		/* sha256 hex + NUL */

typedef struct tr_hash tr_hash;

/*
 * Parse "md5,sha1,sha256" (any order, case-insensitive) into bits.  Returns
 * TR_OK, or TR_EINVAL naming the unknown word.
 */
TR_API int tr_hash_parse(const char *list, unsigned *bits, tr_error *err);

/* Name of one bit ("md5"...), NULL for anything else. */
TR_API const char *tr_hash_name(unsigned bit);

/* New hasher over the given bits.  Caller frees with tr_hash_free(). */
TR_API int tr_hash_new(tr_hash **out, unsigned bits, tr_error *err);
TR_API void tr_hash_free(tr_hash *h);		/* NULL is a no-op */
TR_API void tr_hash_reset(tr_hash *h);
TR_API void tr_hash_update(tr_hash *h, const void *buf, size_t len);
/*
 * Finish and write lowercase hex into hex[bit] for each bit asked for;
 * returns the bits written.  The hasher must be reset before reuse.
 */
TR_API unsigned tr_hash_final(tr_hash *h, char md5[TR_HASH_HEX_MAX],
    char sha1[TR_HASH_HEX_MAX], char sha256[TR_HASH_HEX_MAX]);
TR_API unsigned tr_hash_bits(const tr_hash *h);

/*
 * Where tr_hash_stream() gets its bytes: read up to len bytes at offset
 * into buf.  Returns the count (0 at the end) or a negative status with
 * err filled.  Always called from the thread that called tr_hash_stream().
 */
typedef int64_t (*tr_read_fn)(void *arg, uint64_t offset, void *buf,
    size_t len, tr_error *err);
/* Told, from the calling thread, of each further n bytes read. */
typedef void (*tr_hash_progress_fn)(void *arg, uint64_t n);

/* Streams of at least this many bytes are digested in threads. */
#define TR_HASH_THREAD_MIN	((uint64_t)4 << 20)

/*
 * Report the progress of later tr_hash_stream() calls on h to fn (NULL
 * for none).
 */
TR_API void tr_hash_set_progress(tr_hash *h, tr_hash_progress_fn fn,
    void *arg);
/*
 * Reset h, then digest every byte read() gives from offset 0 until it
 * returns 0; on TR_OK, call tr_hash_final() for the hex.  size is the
 * expected length (a hint only).  From TR_HASH_THREAD_MIN on, reading
 * overlaps digesting: read() goes on in the calling thread while one
 * thread per digest hashes the blocks already read, so a large file
 * hashes at the pace of the slower side instead of the sum of both.
 * Smaller streams (or when no thread can start) run in the calling thread
 * alone.  *total, when not NULL, gets the bytes digested.  Returns TR_OK,
 * read()'s negative status (the digests are then meaningless), or
 * TR_ENOMEM.  Like every tr_hash call, not thread-safe on one h.
 */
TR_API int tr_hash_stream(tr_hash *h, uint64_t size, tr_read_fn read,
    void *arg, uint64_t *total, tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
