/* SPDX-License-Identifier: Apache-2.0 */
/* Known-file index: open and check it, look digests up, flag file records. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

#include "known_int.h"
#include "triage/hash.h"
#include "triage/known.h"

int
tri_known_name_ok(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '.' || name[i] == '_' || name[i] == '-'))
			return -1;
	return i == 0 || i >= TR_KNOWN_NAME_MAX ? -1 : 0;
}

static int
damaged(tr_error *err, const char *path, const char *what)
{
	return tri_error_set(err, TR_EFORMAT, "index '%s' is damaged: %s",
	    path, what);
}

static int
check_block(const tr_known *k, const struct ki_table *t, uint64_t b,
    tr_error *err)
{
	uint64_t start = b * KI_BLOCK, tlen = t->count * t->esz;
	size_t n = (size_t)(tlen - start < KI_BLOCK ? tlen - start : KI_BLOCK);
	uint32_t want = ki_get32(t->crc + 4 * b);

	if (libdeflate_crc32(0, t->base + start, n) != want)
		return tri_error_set(err, TR_EFORMAT, "index '%s' is damaged: "
		    "block %llu of the %s table (offset %llu) fails its "
		    "checksum", k->path, (unsigned long long)b,
		    ki_name[t - k->t], (unsigned long long)(t->off + start));
	atomic_store_explicit(&t->ok[b], 1, memory_order_release);
	return TR_OK;
}

int
tri_known_check(const tr_known *k, const struct ki_table *t, uint64_t i,
    tr_error *err)
{
	uint64_t b = i * t->esz / KI_BLOCK, e = (i * t->esz + t->esz - 1) /
	    KI_BLOCK;
	int rc;

	for (; b <= e; b++)
		if (!atomic_load_explicit(&t->ok[b], memory_order_acquire) &&
		    (rc = check_block(k, t, b, err)) != TR_OK)
			return rc;
	return TR_OK;
}

/* Check the tables, set table and checksum table against the file. */
static int
parse_header(tr_known *k, tr_error *err)
{
	const uint8_t *h = k->map;
	uint64_t fsize, setoff, setlen, crcoff, crclen, crcn, prev, tlen;
	unsigned i, j, nsets;
	uint32_t v;

	if (k->size < 8 || memcmp(h, KI_MAGIC, 8) != 0)
		return tri_error_set(err, TR_EFORMAT,
		    "'%s' is not a triage-known index (no TRKNOWN magic)",
		    k->path);
	if (k->size < KI_HEADER_LEN)
		return tri_error_set(err, TR_EFORMAT, "index '%s' is "
		    "truncated: %zu bytes, shorter than its %u-byte header",
		    k->path, k->size, KI_HEADER_LEN);
	if ((v = ki_get32(h + KH_VERSION)) != KI_VERSION)
		return tri_error_set(err, TR_EFORMAT, "index '%s' has version "
		    "%u; this triage reads version %u", k->path, v,
		    KI_VERSION);
	if (libdeflate_crc32(0, h, KH_HDRCRC) != ki_get32(h + KH_HDRCRC))
		return damaged(err, k->path, "header checksum mismatch");
	fsize = ki_get64(h + KH_FSIZE);
	if (fsize != k->size)
		return tri_error_set(err, TR_EFORMAT, "index '%s' is %s: its "
		    "header says %llu bytes, the file has %zu", k->path,
		    fsize > k->size ? "truncated" : "damaged",
		    (unsigned long long)fsize, k->size);
	nsets = ki_get32(h + KH_NSETS);
	setoff = ki_get64(h + KH_SETOFF);
	setlen = ki_get64(h + KH_SETLEN);
	crcoff = ki_get64(h + KH_CRCOFF);
	crclen = ki_get64(h + KH_CRCLEN);
	if (ki_get32(h + KH_HLEN) != KI_HEADER_LEN ||
	    ki_get32(h + KH_BLOCK) != KI_BLOCK || nsets > TR_KNOWN_MAX_SETS ||
	    setlen != (uint64_t)nsets * KI_SET_LEN || crclen % 4 != 0 ||
	    setoff > fsize || setlen > fsize - setoff || crcoff > fsize ||
	    crclen > fsize - crcoff)
		return damaged(err, k->path, "bad header fields");
	if (libdeflate_crc32(libdeflate_crc32(0, h + setoff, setlen),
	    h + crcoff, crclen) != ki_get32(h + KH_TRAILCRC))
		return damaged(err, k->path, "set or checksum table checksum "
		    "mismatch");
	k->nsets = nsets;
	for (i = 0; i < nsets; i++) {
		const uint8_t *s = h + setoff + (uint64_t)i * KI_SET_LEN;

		if (memchr(s, 0, TR_KNOWN_NAME_MAX) == NULL)
			return damaged(err, k->path, "bad set name");
		memcpy(k->names[i], s, TR_KNOWN_NAME_MAX);
		if (tri_known_name_ok(k->names[i]) != 0 ||
		    (ki_get32(s + TR_KNOWN_NAME_MAX) & ~1u) != 0)
			return damaged(err, k->path, "bad set entry");
		for (j = 0; j < i; j++)
			if (strcmp(k->names[i], k->names[j]) == 0)
				return damaged(err, k->path,
				    "set named twice");
		if (ki_get32(s + TR_KNOWN_NAME_MAX) & 1u)
			k->bad |= 1u << i;
	}
	crcn = crclen / 4;
	prev = KI_HEADER_LEN;
	for (i = 0; i < KI_NALG; i++) {
		const uint8_t *d = h + KH_TABLES + i * KH_TDESC;
		struct ki_table *t = &k->t[i];
		uint64_t first = ki_get64(d + 24), doff, dlen;

		t->hlen = ki_hlen[i];
		t->esz = t->hlen + KI_MASK_LEN;
		t->count = ki_get64(d + 8);
		t->off = ki_get64(d + 16);
		if (ki_get32(d) != ki_bit[i] || ki_get32(d + 4) != t->esz ||
		    t->count > fsize / t->esz || t->off % KI_BLOCK != 0 ||
		    t->off < prev || t->off > fsize ||
		    (tlen = t->count * t->esz) > fsize - t->off)
			return damaged(err, k->path, "bad table descriptor");
		t->nblocks = (tlen + KI_BLOCK - 1) / KI_BLOCK;
		if (first > crcn || t->nblocks > crcn - first)
			return damaged(err, k->path, "bad table descriptor");
		t->base = h + t->off;
		t->crc = h + crcoff + 4 * first;
		t->dbits = ki_get32(d + 32);
		doff = ki_get64(d + 40);
		dlen = (((uint64_t)1 << t->dbits) + 1) * 8;
		if (t->dbits > KI_DIR_MAXBITS || doff % 8 != 0 ||
		    doff < t->off + tlen || doff > fsize ||
		    dlen > fsize - doff)
			return damaged(err, k->path, "bad table directory");
		t->dir = h + doff;
		if (libdeflate_crc32(0, t->dir, dlen) != ki_get32(d + 36))
			return tri_error_set(err, TR_EFORMAT, "index '%s' is "
			    "damaged: the directory of the %s table (offset "
			    "%llu) fails its checksum", k->path, ki_name[i],
			    (unsigned long long)doff);
		prev = doff + dlen;
		if (t->nblocks > 0 &&
		    (t->ok = calloc(t->nblocks, sizeof(*t->ok))) == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	return TR_OK;
}

int
tr_known_open(tr_known **out, const char *path, tr_error *err)
{
	tr_known *k;
	struct stat sb;
	void *m;
	int fd = -1, rc;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->path = strdup(path)) == NULL) {
		free(k);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		rc = tri_error_errno(err, TR_EIO, errno,
		    "cannot open index '%s'", path);
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = tri_error_set(err, TR_EFORMAT,
		    "index '%s' is not a regular file", path);
		goto fail;
	}
	if ((k->size = (size_t)sb.st_size) == 0) {
		rc = tri_error_set(err, TR_EFORMAT,
		    "index '%s' is empty", path);
		goto fail;
	}
	m = mmap(NULL, k->size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		rc = tri_error_errno(err, TR_EIO, errno,
		    "cannot map index '%s'", path);
		goto fail;
	}
	k->map = m;
	/* Lookups jump about: read-ahead would only fill memory. */
	(void)madvise(m, k->size, MADV_RANDOM);
	close(fd);
	fd = -1;
	if ((rc = parse_header(k, err)) != TR_OK)
		goto fail;
	*out = k;
	return TR_OK;
fail:
	if (fd != -1)
		close(fd);
	tr_known_close(k);
	return rc;
}

void
tr_known_close(tr_known *k)
{
	int i;

	if (k == NULL)
		return;
	if (k->map != NULL)
		munmap((void *)k->map, k->size);
	for (i = 0; i < KI_NALG; i++)
		free(k->t[i].ok);
	free(k->path);
	free(k);
}

int
tr_known_verify(tr_known *k, tr_error *err)
{
	uint64_t b;
	int i, rc;

	for (i = 0; i < KI_NALG; i++)
		for (b = 0; b < k->t[i].nblocks; b++)
			if ((rc = check_block(k, &k->t[i], b, err)) != TR_OK)
				return rc;
	return TR_OK;
}

const char *
tr_known_path(const tr_known *k)
{
	return k->path;
}

unsigned
tr_known_nsets(const tr_known *k)
{
	return k->nsets;
}

const char *
tr_known_set_name(const tr_known *k, unsigned i)
{
	return i < k->nsets ? k->names[i] : NULL;
}

int
tr_known_set_bad(const tr_known *k, unsigned i)
{
	return i < k->nsets && (k->bad >> i & 1u);
}

uint32_t
tr_known_bad_mask(const tr_known *k)
{
	return k->bad;
}

uint64_t
tr_known_count(const tr_known *k, unsigned algorithm)
{
	int i;

	for (i = 0; i < KI_NALG; i++)
		if (ki_bit[i] == algorithm)
			return k->t[i].count;
	return 0;
}

unsigned
tr_known_algorithms(const tr_known *k)
{
	unsigned bits = 0;
	int i;

	for (i = 0; i < KI_NALG; i++)
		if (k->t[i].count > 0)
			bits |= ki_bit[i];
	return bits;
}

/* Entry i of t, checked; NULL with err set when its block is damaged. */
static inline const uint8_t *
entry(const tr_known *k, const struct ki_table *t, uint64_t i, tr_error *err)
{
	if (tri_known_check(k, t, i, err) != TR_OK)
		return NULL;
	return t->base + i * t->esz;
}

/*
 * The directory gives the bucket of entries sharing the digest's top
 * dbits bits; digests are uniform, so interpolating inside the bucket
 * finds the entry in a probe or two (binary search takes over after 4
 * guesses, so crafted data cannot make it slow).
 */
static int
table_find(const tr_known *k, const struct ki_table *t, const uint8_t *key,
    uint32_t *sets, tr_error *err)
{
	uint64_t want = ki_key64(key), b, lo, hi, pos, ek;
	double klo, khi, span;
	const uint8_t *e;
	int c, guesses = 0;

	*sets = 0;
	b = t->dbits == 0 ? 0 : want >> (64 - t->dbits);
	lo = ki_get64(t->dir + 8 * b);
	hi = ki_get64(t->dir + 8 * b + 8);
	if (lo > hi || hi > t->count)
		return tri_error_set(err, TR_EFORMAT, "index '%s' is damaged: "
		    "bad directory slot %llu of the %s table", k->path,
		    (unsigned long long)b, ki_name[t - k->t]);
	span = 18446744073709551616.0 / (double)((uint64_t)1 << t->dbits);
	klo = (double)b * span;
	khi = klo + span;
	while (lo < hi) {
		if (guesses < 4 && hi - lo > 4 && khi > klo) {
			double f = ((double)want - klo) / (khi - klo);

			guesses++;
			if (!(f >= 0.0))
				f = 0.0;
			if (f > 1.0)
				f = 1.0;
			pos = lo + (uint64_t)(f * (double)(hi - lo));
			if (pos >= hi)
				pos = hi - 1;
		} else {
			pos = lo + (hi - lo) / 2;
		}
		if ((e = entry(k, t, pos, err)) == NULL)
			return TR_EFORMAT;
		ek = ki_key64(e);
		if (ek != want)
			c = ek < want ? -1 : 1;
		else if ((c = memcmp(e + 8, key + 8, t->hlen - 8)) == 0) {
			*sets = ki_get32(e + t->hlen);
			return TR_OK;
		}
		if (c < 0) {
			lo = pos + 1;
			klo = (double)ek;
		} else {
			hi = pos;
			khi = (double)ek;
		}
	}
	return TR_OK;
}

static const int8_t hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Algorithm index of a hex digest of len digits, its bytes in out; -1. */
static int
digest(const char *hex, size_t len, uint8_t out[32])
{
	size_t i;
	int a, hi, lo;

	switch (len) {
	case 32: a = 0; break;
	case 40: a = 1; break;
	case 64: a = 2; break;
	default: return -1;
	}
	for (i = 0; i < len; i += 2) {
		hi = hexv[(unsigned char)hex[i]];
		lo = hexv[(unsigned char)hex[i + 1]];
		if (hi == 0 || lo == 0)
			return -1;
		out[i / 2] = (uint8_t)((hi - 1) << 4 | (lo - 1));
	}
	return a;
}

int
tr_known_lookup(const tr_known *k, const char *hex, size_t len,
    uint32_t *sets, tr_error *err)
{
	uint8_t key[32];
	int a;

	*sets = 0;
	if ((a = digest(hex, len, key)) < 0)
		return tri_error_set(err, TR_EINVAL, "'%.*s' is not an md5, "
		    "sha1 or sha256 digest", (int)(len > 80 ? 80 : len), hex);
	if (k->t[a].count == 0)
		return TR_OK;
	return table_find(k, &k->t[a], key, sets, err);
}

/* Look up the digest held in a record under algorithm a (-1: not one). */
static int
lookup_alg(const tr_known *k, int a, const char *hex, size_t len,
    tr_known_result *res, tr_error *err)
{
	uint8_t key[32];
	uint32_t s;
	int rc;

	if (digest(hex, len, key) != a)
		return TR_OK;		/* not a digest: nothing to flag */
	res->looked_up |= ki_bit[a];
	if (k->t[a].count == 0)
		return TR_OK;
	if ((rc = table_find(k, &k->t[a], key, &s, err)) != TR_OK)
		return rc;
	res->sets |= s;
	return TR_OK;
}

/* The growing output of tr_known_line(). */
struct obuf {
	char	**buf;
	size_t	*cap, len;
	int	nomem;
};

static void
oput(struct obuf *o, const char *s, size_t n)
{
	size_t want = o->len + n + 1, cap;
	char *p;

	if (o->nomem)
		return;
	if (want > *o->cap) {
		cap = *o->cap ? *o->cap : 1024;
		while (cap < want)
			cap *= 2;
		if ((p = realloc(*o->buf, cap)) == NULL) {
			o->nomem = 1;
			return;
		}
		*o->buf = p;
		*o->cap = cap;
	}
	memcpy(*o->buf + o->len, s, n);
	o->len += n;
	(*o->buf)[o->len] = '\0';
}

#define OLIT(o, s)	oput((o), (s), sizeof(s) - 1)

/* ,"known":[...] (bad == 0) or ,"known_bad":[...] for the sets in mask. */
static void
put_sets(struct obuf *o, const tr_known *k, uint32_t mask, int bad)
{
	unsigned i;
	int first = 1;

	mask &= bad ? k->bad : ~k->bad;
	if (mask == 0)
		return;
	if (bad)
		OLIT(o, ",\"known_bad\":[");
	else
		OLIT(o, ",\"known\":[");
	for (i = 0; i < k->nsets; i++) {
		if (!(mask >> i & 1u))
			continue;
		if (!first)
			OLIT(o, ",");
		first = 0;
		OLIT(o, "\"");
		oput(o, k->names[i], strlen(k->names[i]));
		OLIT(o, "\"");
	}
	OLIT(o, "]");
}

/* One top-level string member the fast scanner keeps. */
struct span {
	const char	*p;
	size_t		len;
	int		escaped;
};

enum { F_RECORD, F_MD5, F_SHA1, F_SHA256, F_NFIELD };

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/* p at '"': the end of the string (after its closing quote), or NULL. */
static const char *
skip_string(const char *p, const char *end, int *escaped)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			*escaped = 1;
			if (++p == end)
				return NULL;
		} else if (*p == '"') {
			return p + 1;
		} else if ((unsigned char)*p < 0x20) {
			return NULL;
		}
	}
	return NULL;
}

/* Any value: the end of it, or NULL (a loose check; jansson has the
 * final word on lines this cannot read). */
static const char *
skip_value(const char *p, const char *end)
{
	int depth = 0, esc = 0;

	do {
		if (p >= end)
			return NULL;
		if (*p == '"') {
			if ((p = skip_string(p, end, &esc)) == NULL)
				return NULL;
		} else if (*p == '{' || *p == '[') {
			depth++;
			p++;
		} else if (*p == '}' || *p == ']') {
			if (--depth < 0)
				return NULL;
			p++;
		} else if (depth == 0) {
			const char *s = p;

			while (p < end && *p != ',' && *p != '}' &&
			    *p != ']' && *p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != '\n')
				p++;
			if (p == s)
				return NULL;
		} else {
			p++;
		}
	} while (depth > 0);
	return p;
}

/*
 * Scan a one-object line, keeping the "record", "md5", "sha1" and
 * "sha256" members.  Returns the position of the closing '}', or NULL when
 * the line is not a plain object this scanner reads (escaped keys, keys
 * already flagged...): the caller then goes the jansson way.
 */
static const char *
scan_line(const char *p, const char *end, struct span f[F_NFIELD])
{
	static const char *const names[F_NFIELD] = { "record", "md5", "sha1",
	    "sha256" };
	static const size_t nlen[F_NFIELD] = { 6, 3, 4, 6 };
	const char *k, *v, *close;
	size_t klen;
	int esc, i;

	memset(f, 0, F_NFIELD * sizeof(*f));
	p = skip_ws(p, end);
	if (p == end || *p != '{')
		return NULL;
	p = skip_ws(p + 1, end);
	if (p < end && *p == '}') {
		close = p;
		goto tail;
	}
	for (;;) {
		if (p == end || *p != '"')
			return NULL;
		k = p + 1;
		esc = 0;
		if ((p = skip_string(p, end, &esc)) == NULL || esc)
			return NULL;
		klen = (size_t)(p - 1 - k);
		p = skip_ws(p, end);
		if (p == end || *p != ':')
			return NULL;
		v = p = skip_ws(p + 1, end);
		if ((p = skip_value(p, end)) == NULL)
			return NULL;
		if ((klen == 5 && memcmp(k, "known", 5) == 0) ||
		    (klen == 9 && memcmp(k, "known_bad", 9) == 0))
			return NULL;
		for (i = 0; i < F_NFIELD; i++) {
			if (nlen[i] != klen ||
			    memcmp(names[i], k, klen) != 0)
				continue;
			if (f[i].p != NULL)
				return NULL;	/* twice: jansson decides */
			if (*v == '"') {
				f[i].p = v + 1;
				f[i].len = (size_t)(p - v - 2);
				esc = 0;
				(void)skip_string(v, end, &esc);
				f[i].escaped = esc;
			} else {
				f[i].p = v;	/* not a string */
				f[i].len = 0;
				f[i].escaped = 1;
			}
		}
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}') {
			close = p;
			break;
		}
		return NULL;
	}
tail:
	if (skip_ws(close + 1, end) != end)
		return NULL;
	return close;
}

/* Hit records for the known-bad sets of mask, after the file line. */
static int
put_hits(struct obuf *o, const tr_known *k, const tr_rec *file,
    uint32_t mask)
{
	unsigned i;
	tr_rec *hit;
	char *s;

	for (i = 0; i < k->nsets; i++) {
		if (!(mask & k->bad & (1u << i)))
			continue;
		if ((hit = tr_known_hit_record(k, file, i)) == NULL ||
		    (s = tr_rec_dump(hit)) == NULL) {
			tr_rec_free(hit);
			return TR_ENOMEM;
		}
		oput(o, s, strlen(s));
		OLIT(o, "\n");
		free(s);
		tr_rec_free(hit);
	}
	return TR_OK;
}

/* The slow way: through jansson (odd lines, lines flagged before). */
static int
line_json(const tr_known *k, const char *line, size_t len, unsigned flags,
    struct obuf *o, tr_known_result *res, tr_error *err)
{
	json_error_t je;
	json_t *j;
	char *s;
	int rc;

	if ((j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je)) == NULL ||
	    !json_is_object(j)) {
		json_decref(j);
		return tri_error_set(err, TR_EFORMAT, "not a JSON object: %s",
		    j == NULL ? je.text : "another JSON value");
	}
	if ((rc = tr_known_flag_record(k, TRI_REC(j), res, err)) != TR_OK) {
		json_decref(j);
		return rc;
	}
	if ((s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	oput(o, s, strlen(s));
	OLIT(o, "\n");
	free(s);
	rc = TR_OK;
	if (!(flags & TR_KNOWN_NO_HITS) && (res->sets & k->bad))
		rc = put_hits(o, k, TRI_REC(j), res->sets);
	json_decref(j);
	return rc;
}

int
tr_known_line(const tr_known *k, const char *line, size_t len,
    unsigned flags, char **out, size_t *cap, size_t *olen,
    tr_known_result *res, tr_error *err)
{
	struct obuf o = { out, cap, 0, 0 };
	struct span f[F_NFIELD];
	const char *end = line + len, *close;
	json_t *j;
	int a, rc = TR_OK;

	memset(res, 0, sizeof(*res));
	*olen = 0;
	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if ((close = scan_line(line, end, f)) == NULL ||
	    (f[F_RECORD].p != NULL && f[F_RECORD].escaped)) {
		rc = line_json(k, line, (size_t)(end - line), flags, &o, res,
		    err);
		goto out;
	}
	res->is_file = f[F_RECORD].p != NULL && f[F_RECORD].len == 4 &&
	    memcmp(f[F_RECORD].p, "file", 4) == 0;
	if (res->is_file)
		for (a = 0; a < KI_NALG && rc == TR_OK; a++)
			if (f[F_MD5 + a].p != NULL && !f[F_MD5 + a].escaped)
				rc = lookup_alg(k, a, f[F_MD5 + a].p,
				    f[F_MD5 + a].len, res, err);
	if (rc != TR_OK)
		goto out;
	if (res->sets == 0) {
		oput(&o, line, (size_t)(end - line));
		OLIT(&o, "\n");
		goto out;
	}
	oput(&o, line, (size_t)(close - line));
	put_sets(&o, k, res->sets, 0);
	put_sets(&o, k, res->sets, 1);
	OLIT(&o, "}\n");
	if (!(flags & TR_KNOWN_NO_HITS) && (res->sets & k->bad)) {
		if ((j = json_loadb(line, (size_t)(end - line), 0, NULL)) ==
		    NULL) {
			rc = tri_error_set(err, TR_EFORMAT,
			    "not a JSON object");
			goto out;
		}
		rc = put_hits(&o, k, TRI_REC(j), res->sets);
		json_decref(j);
	}
out:
	if (o.nomem && rc == TR_OK)
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
	*olen = rc == TR_OK ? o.len : 0;
	return rc;
}

int
tr_known_flag_record(const tr_known *k, tr_rec *file, tr_known_result *res,
    tr_error *err)
{
	tr_known_result r;
	const char *kind, *hex;
	tr_rec *arr;
	unsigned i, bad;
	int a, rc;

	memset(&r, 0, sizeof(r));
	if (res != NULL)
		memset(res, 0, sizeof(*res));
	kind = tr_rec_kind(file);
	if (kind == NULL || strcmp(kind, "file") != 0)
		return TR_OK;
	r.is_file = 1;
	for (a = 0; a < KI_NALG; a++)
		if ((hex = tr_rec_get_str(file, ki_name[a])) != NULL &&
		    (rc = lookup_alg(k, a, hex, strlen(hex), &r, err)) !=
		    TR_OK)
			return rc;
	tr_rec_del(file, "known");
	tr_rec_del(file, "known_bad");
	for (bad = 0; bad < 2; bad++) {
		uint32_t m = r.sets & (bad ? k->bad : ~k->bad);

		if (m == 0)
			continue;
		if ((arr = tr_rec_new_array()) == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		for (i = 0; i < k->nsets; i++)
			if ((m >> i & 1u) &&
			    tr_rec_append_str(arr, k->names[i]) != TR_OK) {
				tr_rec_free(arr);
				return tri_error_set(err, TR_ENOMEM,
				    "out of memory");
			}
		if (tr_rec_set_rec(file, bad ? "known_bad" : "known", arr) !=
		    TR_OK)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	if (res != NULL)
		*res = r;
	return TR_OK;
}

tr_rec *
tr_known_hit_record(const tr_known *k, const tr_rec *file, unsigned set)
{
	static const char *const keep[] = { "source", "source_hex", "volume",
	    "fs", "inode", "path", "path_hex", "stream", "stream_hex", "size",
	    "deleted", "mtime", "atime", "ctime", "btime", "sha256" };
	char rule[TR_KNOWN_NAME_MAX + 8];
	const char *hex, *dig = NULL;
	tr_rec *r, *meta;
	json_t *v;
	uint32_t s;
	size_t i;
	int a, ok = 1;

	if (set >= k->nsets || (r = tr_rec_new("hit")) == NULL)
		return NULL;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if ((v = json_object_get(TRI_JSON(file), keep[i])) != NULL &&
		    json_object_set(TRI_JSON(r), keep[i], v) != 0)
			ok = 0;
	/* The strongest digest that put the file in the set. */
	for (a = KI_NALG - 1; a >= 0 && dig == NULL; a--)
		if ((hex = tr_rec_get_str(file, ki_name[a])) != NULL &&
		    tr_known_lookup(k, hex, strlen(hex), &s, NULL) == TR_OK &&
		    (s >> set & 1u))
			dig = ki_name[a];
	snprintf(rule, sizeof(rule), "hashset:%s", k->names[set]);
	if (tr_rec_set_str(r, "rule", rule) != TR_OK ||
	    tr_rec_set_str(r, "namespace", "hashset") != TR_OK ||
	    (meta = tr_rec_new_object()) == NULL)
		ok = 0;
	else if (tr_rec_set_str(meta, "set", k->names[set]) != TR_OK ||
	    tr_rec_set_str(meta, "digest", dig) != TR_OK ||
	    tr_rec_set_rec(r, "meta", meta) != TR_OK)
		ok = 0;
	if (!ok) {
		tr_rec_free(r);
		return NULL;
	}
	return r;
}
