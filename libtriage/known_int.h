/* SPDX-License-Identifier: Apache-2.0 */
/* The triage-known index layout (triage-known(5)), shared by its reader
 * (known.c) and its builder (known_import.c); never installed. */
#ifndef TRIAGE_KNOWN_INT_H
#define TRIAGE_KNOWN_INT_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include "triage/known.h"

#define KI_MAGIC	"TRKNOWN\0"
#define KI_VERSION	1u
#define KI_HEADER_LEN	256u
#define KI_BLOCK	4096u
#define KI_SET_LEN	64u
#define KI_NALG		3		/* md5, sha1, sha256, in that order */
#define KI_MASK_LEN	4u		/* set mask after each digest */

/* Header offsets. */
#define KH_VERSION	8
#define KH_HLEN		12
#define KH_FSIZE	16
#define KH_NSETS	24
#define KH_BLOCK	28
#define KH_SETOFF	32
#define KH_SETLEN	40
#define KH_CRCOFF	48
#define KH_CRCLEN	56
#define KH_TRAILCRC	64
#define KH_TABLES	72		/* KI_NALG descriptors of 48 bytes */
#define KH_TDESC	48
#define KI_DIR_MAXBITS	28
#define KH_HDRCRC	252

/* Algorithm i: TR_HASH_* bit, digest bytes, name. */
static const unsigned ki_bit[KI_NALG] = { 0x1u, 0x2u, 0x4u };
static const unsigned ki_hlen[KI_NALG] = { 16, 20, 32 };
static const char *const ki_name[KI_NALG] = { "md5", "sha1", "sha256" };

static inline uint32_t
ki_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
ki_get64(const uint8_t *p)
{
	return (uint64_t)ki_get32(p) | (uint64_t)ki_get32(p + 4) << 32;
}

static inline void
ki_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void
ki_put64(uint8_t *p, uint64_t v)
{
	ki_put32(p, (uint32_t)v);
	ki_put32(p + 4, (uint32_t)(v >> 32));
}

/* The first 8 digest bytes as a big-endian number (sort order). */
static inline uint64_t
ki_key64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

/* One hash table of an open index. */
struct ki_table {
	const uint8_t	*base;		/* first entry */
	uint64_t	count;
	uint64_t	off;		/* in the file */
	unsigned	hlen, esz;
	uint64_t	nblocks;
	const uint8_t	*crc;		/* nblocks CRC-32s, little-endian */
	_Atomic uint8_t	*ok;		/* block checked */
	unsigned	dbits;		/* directory: top bits of the digest */
	const uint8_t	*dir;		/* 2^dbits + 1 entry indexes (u64) */
};

struct tr_known {
	char		*path;
	const uint8_t	*map;
	size_t		size;
	unsigned	nsets;
	char		names[TR_KNOWN_MAX_SETS][TR_KNOWN_NAME_MAX];
	uint32_t	bad;
	struct ki_table	t[KI_NALG];
};

/*
 * Directory size for a table of about n entries: buckets of 32 to 64
 * entries on average, so a lookup reads one directory slot and a bucket.
 */
static inline unsigned
ki_dir_bits(uint64_t n)
{
	unsigned b = 0;

	while (b < KI_DIR_MAXBITS && (n >> (b + 6)) != 0)
		b++;
	return b;
}

/* 0 when name is a valid set name. */
int	tri_known_name_ok(const char *name);
/*
 * Make sure entry i of table t lies in checked blocks; TR_OK or TR_EFORMAT
 * naming the block.
 */
int	tri_known_check(const tr_known *k, const struct ki_table *t,
	    uint64_t i, tr_error *err);

#endif
