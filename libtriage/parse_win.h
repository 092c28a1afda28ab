/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers shared by the Windows parsers (prefetch, lnk, jump lists,
 * recycle bin, tasks): little-endian reads and UTF-16LE text.
 */
#ifndef TRIAGE_PARSE_WIN_H
#define TRIAGE_PARSE_WIN_H

#include <stddef.h>
#include <stdint.h>
#include <libbfio.h>
#include "parse_internal.h"

static inline uint16_t
tri_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
tri_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
tri_le64(const uint8_t *p)
{
	return (uint64_t)tri_le32(p) | (uint64_t)tri_le32(p + 4) << 32;
}

/*
 * UTF-16LE text of at most n code units at p, up to the first NUL, as
 * UTF-8 (malloc'd; unpaired surrogates become U+FFFD).  *used (may be
 * NULL) gets the code units read including the NUL when one was found.
 * NULL on no memory.
 */
char	*tri_utf16le(const uint8_t *p, size_t n, size_t *used);

/* Set key to UTF-16LE text (tri_utf16le); TR_OK or TR_ENOMEM. */
int	tri_rec_set_utf16(tr_rec *r, const char *key, const uint8_t *p,
	    size_t n);

/* Append an unsigned integer to an array; TR_OK or TR_ENOMEM. */
int	tri_rec_append_uint(tr_rec *array, uint64_t v);

/*
 * A read-only libbfio handle over data (size bytes, borrowed), made with
 * init, the libbfio_handle_initialize of the library's own namespace;
 * free it with that namespace's libbfio_handle_free.  Used instead of
 * libbfio's memory range, which reads past the end of its range.  TR_OK or
 * TR_ENOMEM.
 */
typedef __typeof__(libbfio_handle_initialize) *tri_bfio_init_fn;
int	tri_bfio_memory(tri_bfio_init_fn init, libbfio_handle_t **h,
	    const uint8_t *data, size_t size);

/*
 * The LNK parser's body, for shell links found inside other artifacts
 * (jump lists): emits the link's events with extra fields from base
 * (copied into each event; may be NULL).  origin names where in the
 * artifact the link sits ("stream 1", "offset 0x200") for warnings.
 * TR_OK, or a negative status as a parser's parse().
 */
int	tri_lnk_parse(tri_parse_ctx *ctx, const uint8_t *data, size_t size,
	    uint64_t offset, const char *origin, const tr_rec *base);

/*
 * A windows:distributed_link_tracking:creation event (time and MAC address
 * of the version 1 UUID in the 16 GUID bytes g; nothing for other
 * versions), with base's fields (may be NULL).
 */
int	tri_droid_event(tri_parse_ctx *ctx, const uint8_t *g,
	    const char *origin, const tr_rec *base);

#endif
