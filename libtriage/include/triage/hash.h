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

#ifdef __cplusplus
}
#endif
#endif
