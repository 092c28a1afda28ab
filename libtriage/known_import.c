/* SPDX-License-Identifier: Apache-2.0 */
/* Building a known-file index: hash lists and NSRL RDSv3 databases in,
 * sorted runs spilled to disk, one merge out (triage-known(5)). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>
#include <sqlite3.h>

#include "known_int.h"

#define DEFAULT_MEM	((uint64_t)256 << 20)
#define READ_BUF	(64u << 10)

/* Sorted runs of one algorithm. */
struct alg {
	unsigned	hlen, esz;
	uint8_t		*buf;		/* entries being collected */
	size_t		n, cap;		/* entries */
	int		*runs;		/* unlinked temporary files */
	uint64_t	*runlen;	/* entries in each */
	size_t		nruns;
};

struct build {
	struct alg	a[KI_NALG];
	char		*dir;		/* temporary files go here */
	const char	*out;
	uint32_t	bit;
	tr_error	*err;
};

static int
cmp_md5(const void *x, const void *y)
{
	return memcmp(x, y, 16);
}

static int
cmp_sha1(const void *x, const void *y)
{
	return memcmp(x, y, 20);
}

static int
cmp_sha256(const void *x, const void *y)
{
	return memcmp(x, y, 32);
}

static int (*const cmp_alg[KI_NALG])(const void *, const void *) = {
	cmp_md5, cmp_sha1, cmp_sha256
};

/* Sort a's buffer and fold equal digests together; returns the count. */
static size_t
sort_fold(struct alg *a, int i)
{
	size_t r, w = 0;
	uint8_t *p = a->buf;

	if (a->n == 0)
		return 0;
	qsort(p, a->n, a->esz, cmp_alg[i]);
	for (r = 1; r < a->n; r++) {
		if (memcmp(p + r * a->esz, p + w * a->esz, a->hlen) == 0) {
			ki_put32(p + w * a->esz + a->hlen,
			    ki_get32(p + w * a->esz + a->hlen) |
			    ki_get32(p + r * a->esz + a->hlen));
			continue;
		}
		if (++w != r)
			memcpy(p + w * a->esz, p + r * a->esz, a->esz);
	}
	return w + 1;
}

static int
temp_file(struct build *b, const char *what, char **name)
{
	char *t;
	int fd;

	if ((t = malloc(strlen(b->dir) + 32)) == NULL)
		return -1;
	sprintf(t, "%s/.triage-known.XXXXXX", b->dir);
	if ((fd = mkstemp(t)) == -1) {
		tri_error_errno(b->err, TR_EIO, errno,
		    "cannot create a %s file in '%s'", what, b->dir);
		free(t);
		return -1;
	}
	if (name != NULL)
		*name = t;
	else {
		unlink(t);	/* gone when closed, even after a crash */
		free(t);
	}
	return fd;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
spill(struct build *b, int i)
{
	struct alg *a = &b->a[i];
	size_t n = sort_fold(a, i);
	int fd, *nr;
	uint64_t *nl;

	if ((nr = realloc(a->runs, (a->nruns + 1) * sizeof(*nr))) == NULL)
		return tri_error_set(b->err, TR_ENOMEM, "out of memory");
	a->runs = nr;
	if ((nl = realloc(a->runlen, (a->nruns + 1) * sizeof(*nl))) == NULL)
		return tri_error_set(b->err, TR_ENOMEM, "out of memory");
	a->runlen = nl;
	if ((fd = temp_file(b, "temporary", NULL)) == -1)
		return b->err != NULL ? b->err->code : TR_EIO;
	if (write_all(fd, a->buf, n * a->esz) != 0) {
		close(fd);
		return tri_error_errno(b->err, TR_EIO, errno,
		    "cannot write a temporary file in '%s'", b->dir);
	}
	a->runs[a->nruns] = fd;
	a->runlen[a->nruns++] = n;
	a->n = 0;
	return TR_OK;
}

static int
build_add(struct build *b, int i, const uint8_t *digest)
{
	struct alg *a = &b->a[i];
	uint8_t *e;

	if (a->n == a->cap) {
		int rc = spill(b, i);

		if (rc != TR_OK)
			return rc;
	}
	e = a->buf + a->n++ * a->esz;
	memcpy(e, digest, a->hlen);
	ki_put32(e + a->hlen, b->bit);
	return TR_OK;
}

static int
build_init(struct build *b, const char *out, uint64_t mem, tr_error *err)
{
	const char *slash = strrchr(out, '/');
	int i;

	memset(b, 0, sizeof(*b));
	b->out = out;
	b->err = err;
	if (slash == NULL)
		b->dir = strdup(".");
	else if (slash == out)
		b->dir = strdup("/");
	else
		b->dir = strndup(out, (size_t)(slash - out));
	if (b->dir == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	if (mem == 0)
		mem = DEFAULT_MEM;
	for (i = 0; i < KI_NALG; i++) {
		struct alg *a = &b->a[i];

		a->hlen = ki_hlen[i];
		a->esz = a->hlen + KI_MASK_LEN;
		/* The sha256 table is the largest: give it half. */
		a->cap = (size_t)((i == 2 ? mem / 2 : mem / 4) / a->esz);
		if (a->cap < 64)
			a->cap = 64;
		if ((a->buf = malloc(a->cap * a->esz)) == NULL)
			return tri_error_set(err, TR_ENOMEM,
			    "out of memory for %llu bytes of sort buffers",
			    (unsigned long long)mem);
	}
	return TR_OK;
}

static void
build_free(struct build *b)
{
	size_t j;
	int i;

	for (i = 0; i < KI_NALG; i++) {
		for (j = 0; j < b->a[i].nruns; j++)
			close(b->a[i].runs[j]);
		free(b->a[i].runs);
		free(b->a[i].runlen);
		free(b->a[i].buf);
	}
	free(b->dir);
}

/* One sorted source of entries for the merge. */
struct cursor {
	const uint8_t	*cur;		/* current entry, NULL at the end */
	/* a run file */
	int		fd;
	uint8_t		*buf;
	size_t		have, pos, bufcap;
	uint64_t	left;		/* entries not yet in buf */
	/* an old index table, or the in-memory run */
	const tr_known	*k;
	const struct ki_table *t;
	const uint8_t	*mem;
	uint64_t	i, n;
	uint32_t	drop;		/* set bit to clear (replaced set) */
	uint8_t		tmp[36];
	unsigned	esz, hlen;
};

static int
cursor_next(struct cursor *c, tr_error *err)
{
	ssize_t r;
	size_t want;

	for (;;) {
		if (c->fd >= 0) {
			if (c->pos == c->have) {
				if (c->left == 0) {
					c->cur = NULL;
					return TR_OK;
				}
				want = c->bufcap / c->esz;
				if (want > c->left)
					want = (size_t)c->left;
				want *= c->esz;
				c->have = 0;
				while (c->have < want) {
					r = read(c->fd, c->buf + c->have,
					    want - c->have);
					if (r < 0 && errno == EINTR)
						continue;
					if (r <= 0)
						return tri_error_errno(err,
						    TR_EIO, r < 0 ? errno : EIO,
						    "cannot read a temporary "
						    "file back");
					c->have += (size_t)r;
				}
				c->left -= want / c->esz;
				c->pos = 0;
			}
			c->cur = c->buf + c->pos;
			c->pos += c->esz;
			return TR_OK;
		}
		if (c->i == c->n) {
			c->cur = NULL;
			return TR_OK;
		}
		if (c->mem != NULL) {
			c->cur = c->mem + c->i++ * c->esz;
			return TR_OK;
		}
		if (tri_known_check(c->k, c->t, c->i, err) != TR_OK)
			return TR_EFORMAT;
		memcpy(c->tmp, c->t->base + c->i++ * c->esz, c->esz);
		ki_put32(c->tmp + c->hlen, ki_get32(c->tmp + c->hlen) &
		    ~c->drop);
		if (ki_get32(c->tmp + c->hlen) == 0)
			continue;	/* only in the replaced set */
		c->cur = c->tmp;
		return TR_OK;
	}
}

/* Output file being written, with the CRC of each 4 KiB table block. */
#define OUT_BUF	(256u << 10)
struct out {
	int		fd;
	uint64_t	pos;		/* bytes written out */
	uint8_t		*buf;
	size_t		fill;
	uint32_t	bcrc;		/* the block being checksummed */
	size_t		blen;
	uint32_t	*crc;
	uint64_t	ncrc, crccap;
	const char	*name;
	tr_error	*err;
	int		failed;
};

static void
out_flush(struct out *o)
{
	if (o->fill == 0 || o->failed)
		return;
	if (write_all(o->fd, o->buf, o->fill) != 0) {
		o->failed = 1;
		tri_error_errno(o->err, TR_EIO, errno,
		    "cannot write index '%s'", o->name);
		return;
	}
	o->pos += o->fill;
	o->fill = 0;
}

/* End the block being checksummed (full, or the end of a table). */
static void
out_block(struct out *o)
{
	uint32_t *n;

	if (o->blen == 0 || o->failed)
		return;
	if (o->ncrc == o->crccap) {
		o->crccap = o->crccap ? 2 * o->crccap : 1024;
		if ((n = realloc(o->crc, o->crccap * sizeof(*n))) == NULL) {
			o->failed = 1;
			tri_error_set(o->err, TR_ENOMEM, "out of memory");
			return;
		}
		o->crc = n;
	}
	o->crc[o->ncrc++] = o->bcrc;
	o->bcrc = 0;
	o->blen = 0;
}

static void
out_put(struct out *o, const void *p, size_t n, int checksum)
{
	const uint8_t *s = p;
	size_t take;

	while (n > 0 && !o->failed) {
		take = OUT_BUF - o->fill;
		if (checksum && take > KI_BLOCK - o->blen)
			take = KI_BLOCK - o->blen;
		if (take > n)
			take = n;
		memcpy(o->buf + o->fill, s, take);
		if (checksum) {
			o->bcrc = libdeflate_crc32(o->bcrc, s, take);
			if ((o->blen += take) == KI_BLOCK)
				out_block(o);
		}
		o->fill += take;
		s += take;
		n -= take;
		if (o->fill == OUT_BUF)
			out_flush(o);
	}
}

/* Zeros up to the next block boundary (outside any checksum). */
static void
out_align(struct out *o)
{
	static const uint8_t zero[KI_BLOCK];
	uint64_t at = o->pos + o->fill;

	out_block(o);
	if (at % KI_BLOCK != 0)
		out_put(o, zero, KI_BLOCK - at % KI_BLOCK, 0);
}

/* Heap of cursors ordered by digest. */
static int
cur_less(const struct cursor *x, const struct cursor *y)
{
	return memcmp(x->cur, y->cur, x->hlen) < 0;
}

static void
sift_down(struct cursor **h, size_t n, size_t i)
{
	size_t l, m;
	struct cursor *t;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < n && cur_less(h[l], h[m]))
			m = l;
		if (l + 1 < n && cur_less(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* The bucket directory of a table being written. */
struct dir {
	unsigned	bits;
	uint64_t	*start;		/* 2^bits + 1 */
	uint64_t	next;		/* first bucket not yet started */
};

static void
put_entry(struct out *o, const uint8_t *e, unsigned esz, uint64_t *count,
    struct dir *d)
{
	uint64_t top = d->bits == 0 ? 0 : ki_key64(e) >> (64 - d->bits);

	while (d->next <= top)
		d->start[d->next++] = *count;
	out_put(o, e, esz, 1);
	(*count)++;
}

/* Merge the runs of algorithm i (and the old table) into the output. */
static int
merge_alg(struct build *b, int i, const tr_known *old, uint32_t drop,
    struct out *o, uint64_t *count, struct dir *dir)
{
	struct alg *a = &b->a[i];
	struct cursor *cs = NULL, **h = NULL;
	size_t nc = 0, j, n, nh = 0, bufcap;
	uint64_t upper;
	uint8_t last[36];
	int have = 0, rc = TR_OK;

	*count = 0;
	n = sort_fold(a, i);
	upper = n + (old != NULL ? old->t[i].count : 0);
	for (j = 0; j < a->nruns; j++)
		upper += a->runlen[j];
	dir->bits = ki_dir_bits(upper);
	dir->next = 0;
	if ((dir->start = calloc(((size_t)1 << dir->bits) + 1,
	    sizeof(*dir->start))) == NULL)
		return tri_error_set(b->err, TR_ENOMEM, "out of memory");
	if ((cs = calloc(a->nruns + 2, sizeof(*cs))) == NULL ||
	    (h = calloc(a->nruns + 2, sizeof(*h))) == NULL) {
		rc = tri_error_set(b->err, TR_ENOMEM, "out of memory");
		goto out;
	}
	/* The collecting buffer is free now: share it among the runs. */
	bufcap = a->nruns ? a->cap * a->esz / (a->nruns + 1) : 0;
	if (bufcap > (4u << 20))
		bufcap = 4u << 20;
	if (bufcap < (size_t)a->esz * 64)
		bufcap = (size_t)a->esz * 64;
	for (j = 0; j < a->nruns; j++) {
		struct cursor *c = &cs[nc++];

		c->fd = a->runs[j];
		c->esz = a->esz;
		c->hlen = a->hlen;
		c->left = a->runlen[j];
		c->bufcap = bufcap;
		if (lseek(c->fd, 0, SEEK_SET) != 0 ||
		    (c->buf = malloc(bufcap)) == NULL) {
			rc = tri_error_set(b->err, TR_ENOMEM,
			    "out of memory");
			goto out;
		}
	}
	/* The last run, never spilled, is read where it is. */
	cs[nc].fd = -1;
	cs[nc].mem = a->buf;
	cs[nc].n = n;
	cs[nc].esz = a->esz;
	cs[nc++].hlen = a->hlen;
	if (old != NULL && old->t[i].count > 0) {
		cs[nc].fd = -1;
		cs[nc].k = old;
		cs[nc].t = &old->t[i];
		cs[nc].n = old->t[i].count;
		cs[nc].drop = drop;
		cs[nc].esz = a->esz;
		cs[nc++].hlen = a->hlen;
	}
	for (j = 0; j < nc; j++) {
		if ((rc = cursor_next(&cs[j], b->err)) != TR_OK)
			goto out;
		if (cs[j].cur != NULL)
			h[nh++] = &cs[j];
	}
	for (j = nh; j-- > 0;)
		sift_down(h, nh, j);
	while (nh > 0) {
		struct cursor *c = h[0];

		if (have && memcmp(last, c->cur, a->hlen) == 0) {
			ki_put32(last + a->hlen, ki_get32(last + a->hlen) |
			    ki_get32(c->cur + a->hlen));
		} else {
			if (have)
				put_entry(o, last, a->esz, count, dir);
			memcpy(last, c->cur, a->esz);
			have = 1;
		}
		if ((rc = cursor_next(c, b->err)) != TR_OK)
			goto out;
		if (c->cur == NULL)
			h[0] = h[--nh];
		sift_down(h, nh, 0);
	}
	if (have)
		put_entry(o, last, a->esz, count, dir);
	while (dir->next <= ((uint64_t)1 << dir->bits))
		dir->start[dir->next++] = *count;
	out_block(o);
	if (o->failed)
		rc = b->err != NULL ? b->err->code : TR_EIO;
out:
	for (j = 0; cs != NULL && j < nc; j++)
		free(cs[j].buf);
	free(cs);
	free(h);
	return rc;
}

/*
 * Write the new index: the old one's sets (set `set` replaced) plus the
 * digests collected, into a temporary file renamed over b->out.
 */
static int
build_finish(struct build *b, const tr_known *old, const char *set, int bad,
    tr_known_stats *st)
{
	uint8_t hdr[KI_HEADER_LEN], *sets = NULL;
	struct out o;
	char *tmp = NULL;
	uint64_t off[KI_NALG], first[KI_NALG], count[KI_NALG], setoff, crcoff;
	uint64_t doff[KI_NALG], nd, x;
	uint32_t dcrc[KI_NALG];
	unsigned dbits[KI_NALG];
	struct dir dir = { 0, NULL, 0 };
	uint32_t drop = 0, trail;
	unsigned nsets = 0, slot, i, j;
	int rc = TR_OK;

	memset(&o, 0, sizeof(o));
	o.fd = -1;
	o.name = b->out;
	o.err = b->err;
	if ((sets = calloc(TR_KNOWN_MAX_SETS, KI_SET_LEN)) == NULL ||
	    (o.buf = malloc(OUT_BUF)) == NULL) {
		rc = tri_error_set(b->err, TR_ENOMEM, "out of memory");
		goto out;
	}
	if (old != NULL)
		for (i = 0; i < old->nsets; i++) {
			memcpy(sets + i * KI_SET_LEN, old->names[i],
			    strlen(old->names[i]));
			ki_put32(sets + i * KI_SET_LEN + TR_KNOWN_NAME_MAX,
			    old->bad >> i & 1u);
		}
	nsets = old != NULL ? old->nsets : 0;
	for (slot = 0; slot < nsets; slot++)
		if (strcmp((char *)sets + slot * KI_SET_LEN, set) == 0)
			break;
	if (slot == nsets) {
		if (nsets == TR_KNOWN_MAX_SETS) {
			rc = tri_error_set(b->err, TR_EINVAL, "index '%s' "
			    "already holds %d sets, the most one can",
			    b->out, TR_KNOWN_MAX_SETS);
			goto out;
		}
		nsets++;
	} else {
		drop = 1u << slot;
	}
	memset(sets + slot * KI_SET_LEN, 0, KI_SET_LEN);
	memcpy(sets + slot * KI_SET_LEN, set, strlen(set));
	ki_put32(sets + slot * KI_SET_LEN + TR_KNOWN_NAME_MAX, bad ? 1 : 0);
	/* Entries were collected under bit b->bit: that is slot. */
	if (b->bit != 1u << slot) {
		rc = tri_error_set(b->err, TR_EINVAL, "internal error: set "
		    "slot");
		goto out;
	}
	if ((o.fd = temp_file(b, "new index", &tmp)) == -1) {
		rc = b->err != NULL ? b->err->code : TR_EIO;
		goto out;
	}
	memset(hdr, 0, sizeof(hdr));
	out_put(&o, hdr, sizeof(hdr), 0);
	out_align(&o);
	for (i = 0; i < KI_NALG && rc == TR_OK; i++) {
		out_align(&o);
		off[i] = o.pos + o.fill;
		first[i] = o.ncrc;
		rc = merge_alg(b, i, old, drop, &o, &count[i], &dir);
		if (st != NULL)
			st->total[i] = count[i];
		if (rc != TR_OK)
			break;
		out_align(&o);
		doff[i] = o.pos + o.fill;
		dbits[i] = dir.bits;
		dcrc[i] = 0;
		nd = ((uint64_t)1 << dir.bits) + 1;
		for (x = 0; x < nd; x++) {
			uint8_t v8[8];

			ki_put64(v8, dir.start[x]);
			dcrc[i] = libdeflate_crc32(dcrc[i], v8, 8);
			out_put(&o, v8, 8, 0);
		}
		free(dir.start);
		dir.start = NULL;
	}
	if (rc != TR_OK)
		goto out;
	setoff = o.pos + o.fill;
	out_put(&o, sets, (size_t)nsets * KI_SET_LEN, 0);
	crcoff = o.pos + o.fill;
	for (j = 0; j < o.ncrc; j++) {
		uint8_t c4[4];

		ki_put32(c4, o.crc[j]);
		out_put(&o, c4, 4, 0);
	}
	out_flush(&o);
	if (o.failed) {
		rc = b->err != NULL ? b->err->code : TR_EIO;
		goto out;
	}
	trail = libdeflate_crc32(0, sets, (size_t)nsets * KI_SET_LEN);
	for (j = 0; j < o.ncrc; j++) {
		uint8_t c4[4];

		ki_put32(c4, o.crc[j]);
		trail = libdeflate_crc32(trail, c4, 4);
	}
	memcpy(hdr, KI_MAGIC, 8);
	ki_put32(hdr + KH_VERSION, KI_VERSION);
	ki_put32(hdr + KH_HLEN, KI_HEADER_LEN);
	ki_put64(hdr + KH_FSIZE, o.pos);
	ki_put32(hdr + KH_NSETS, nsets);
	ki_put32(hdr + KH_BLOCK, KI_BLOCK);
	ki_put64(hdr + KH_SETOFF, setoff);
	ki_put64(hdr + KH_SETLEN, (uint64_t)nsets * KI_SET_LEN);
	ki_put64(hdr + KH_CRCOFF, crcoff);
	ki_put64(hdr + KH_CRCLEN, o.ncrc * 4);
	ki_put32(hdr + KH_TRAILCRC, trail);
	for (i = 0; i < KI_NALG; i++) {
		uint8_t *d = hdr + KH_TABLES + i * KH_TDESC;

		ki_put32(d, ki_bit[i]);
		ki_put32(d + 4, ki_hlen[i] + KI_MASK_LEN);
		ki_put64(d + 8, count[i]);
		ki_put64(d + 16, off[i]);
		ki_put64(d + 24, first[i]);
		ki_put32(d + 32, dbits[i]);
		ki_put32(d + 36, dcrc[i]);
		ki_put64(d + 40, doff[i]);
	}
	ki_put32(hdr + KH_HDRCRC, libdeflate_crc32(0, hdr, KH_HDRCRC));
	if (pwrite(o.fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    fsync(o.fd) != 0) {
		rc = tri_error_errno(b->err, TR_EIO, errno,
		    "cannot write index '%s'", b->out);
		goto out;
	}
	if (fchmod(o.fd, 0644) != 0 || rename(tmp, b->out) != 0) {
		rc = tri_error_errno(b->err, TR_EIO, errno,
		    "cannot write index '%s'", b->out);
		goto out;
	}
	free(tmp);
	tmp = NULL;
out:
	if (o.fd != -1)
		close(o.fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(dir.start);
	free(o.buf);
	free(o.crc);
	free(sets);
	return rc;
}

/*
 * Open the index already at out (if any) and choose the bit of the set
 * being imported.
 */
static int
open_old(const char *out, const tr_known_import *opt, tr_known **old,
    uint32_t *bit, tr_error *err)
{
	unsigned i;
	int rc;

	*old = NULL;
	if (opt == NULL || opt->set == NULL || tri_known_name_ok(opt->set))
		return tri_error_set(err, TR_EINVAL, "invalid set name '%s': "
		    "1 to %d letters, digits, '.', '_' or '-'",
		    opt != NULL && opt->set != NULL ? opt->set : "",
		    TR_KNOWN_NAME_MAX - 1);
	if (access(out, F_OK) == 0) {
		if ((rc = tr_known_open(old, out, err)) != TR_OK)
			return rc;
		for (i = 0; i < (*old)->nsets; i++)
			if (strcmp((*old)->names[i], opt->set) == 0)
				break;
		if (i == TR_KNOWN_MAX_SETS) {
			tr_known_close(*old);
			*old = NULL;
			return tri_error_set(err, TR_EINVAL, "index '%s' "
			    "already holds %d sets, the most one can", out,
			    TR_KNOWN_MAX_SETS);
		}
		*bit = 1u << i;
	} else {
		*bit = 1u;
	}
	return TR_OK;
}

/* One line of a hash list. */
struct list {
	const char	*name;
	uint64_t	line;
	int		cols[KI_NALG];	/* hashdeep: column of each, or -1 */
	int		ncols;
	int		hashdeep;
};

static int
list_error(struct list *l, tr_error *err, const char *what)
{
	return tri_error_set(err, TR_EFORMAT, "'%s' line %llu: %s", l->name,
	    (unsigned long long)l->line, what);
}

static int
hexlen(const char *p)
{
	int n = 0;

	while (tri_hexval((unsigned char)p[n]) >= 0 && n < 130)
		n++;
	return n;
}

static int
alg_of_len(int n)
{
	return n == 32 ? 0 : n == 40 ? 1 : n == 64 ? 2 : -1;
}

/* hashdeep's "%%%% size,md5,sha256,filename": find the columns. */
static int
hashdeep_header(struct list *l, char *s, tr_error *err)
{
	char *tok, *save = NULL;
	int c = 0, i, any = 0;

	for (i = 0; i < KI_NALG; i++)
		l->cols[i] = -1;
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save), c++)
		for (i = 0; i < KI_NALG; i++)
			if (strcmp(tok, ki_name[i]) == 0) {
				l->cols[i] = c;
				any = 1;
			}
	l->ncols = c;
	l->hashdeep = 1;
	if (!any)
		return list_error(l, err, "hashdeep header names no md5, "
		    "sha1 or sha256 column");
	return TR_OK;
}

static int
list_line(struct build *b, struct list *l, char *s, tr_known_stats *st,
    tr_error *err)
{
	uint8_t d[32];
	char *p, *eq;
	int n, a, c, rc, got = 0;

	s[strcspn(s, "\r\n")] = '\0';
	if (strncmp(s, "%%%%", 4) == 0) {
		p = s + 4;
		while (*p == ' ')
			p++;
		if (strncmp(p, "HASHDEEP", 8) == 0)
			return TR_OK;
		return hashdeep_header(l, p, err);
	}
	p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return TR_OK;
	st->rows++;
	if (l->hashdeep) {
		/* size,hash,...,filename: the name may hold commas. */
		for (c = 0; c < l->ncols - 1 && p != NULL; c++) {
			for (a = 0; a < KI_NALG; a++) {
				if (l->cols[a] != c)
					continue;
				n = hexlen(p);
				if (alg_of_len(n) != a || (p[n] != ',' &&
				    p[n] != '\0'))
					return list_error(l, err, "not a "
					    "hashdeep line (bad digest)");
				tri_unhex(p, (size_t)n, d);
				if ((rc = build_add(b, a, d)) != TR_OK)
					return rc;
				st->added[a]++;
				got = 1;
			}
			if ((p = strchr(p, ',')) != NULL)
				p++;
		}
		if (!got || c < l->ncols - 1)
			return list_error(l, err, "not a hashdeep line (too "
			    "few columns)");
		return TR_OK;
	}
	/* BSD style: "SHA256 (name) = hex". */
	if ((eq = strstr(p, ") = ")) != NULL && (strncmp(p, "MD5 (", 5) == 0 ||
	    strncmp(p, "SHA1 (", 6) == 0 || strncmp(p, "SHA256 (", 8) == 0)) {
		while ((s = strstr(eq + 1, ") = ")) != NULL)
			eq = s;
		p = eq + 4;
		n = hexlen(p);
		if ((a = alg_of_len(n)) < 0 || p[n] != '\0')
			return list_error(l, err, "not a hash (bad digest)");
	} else {
		if (*p == '\\')		/* md5sum: escaped file name */
			p++;
		n = hexlen(p);
		if ((a = alg_of_len(n)) < 0 || (p[n] != '\0' && p[n] != ' ' &&
		    p[n] != '\t' && p[n] != '*'))
			return list_error(l, err, "not a hash (md5sum, "
			    "sha1sum, sha256sum, hashdeep or one hash per "
			    "line)");
	}
	tri_unhex(p, (size_t)n, d);
	if ((rc = build_add(b, a, d)) != TR_OK)
		return rc;
	st->added[a]++;
	return TR_OK;
}

int
tr_known_import_list(const char *out_path, const char *list_path,
    const tr_known_import *opt, tr_known_stats *st, tr_error *err)
{
	struct build b;
	struct list l;
	tr_known_stats dummy;
	tr_known *old = NULL;
	FILE *fp = NULL;
	char *line = NULL;
	size_t cap = 0;
	int rc;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	memset(&l, 0, sizeof(l));
	l.name = strcmp(list_path, "-") == 0 ? "(stdin)" : list_path;
	if ((rc = build_init(&b, out_path, opt ? opt->mem_limit : 0, err)) !=
	    TR_OK)
		goto out;
	if ((rc = open_old(out_path, opt, &old, &b.bit, err)) != TR_OK)
		goto out;
	if (strcmp(list_path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(list_path, "r")) == NULL) {
		rc = tri_error_errno(err, TR_EIO, errno,
		    "cannot open hash list '%s'", list_path);
		goto out;
	}
	while (getline(&line, &cap, fp) != -1) {
		l.line++;
		if ((rc = list_line(&b, &l, line, st, err)) != TR_OK)
			goto out;
	}
	if (ferror(fp)) {
		rc = tri_error_errno(err, TR_EIO, errno,
		    "cannot read hash list '%s'", l.name);
		goto out;
	}
	if (st->added[0] + st->added[1] + st->added[2] == 0) {
		rc = tri_error_set(err, TR_EFORMAT, "no hash in '%s'",
		    l.name);
		goto out;
	}
	rc = build_finish(&b, old, opt->set, opt->bad, st);
out:
	if (fp != NULL && fp != stdin)
		fclose(fp);
	free(line);
	tr_known_close(old);
	build_free(&b);
	return rc;
}

/*
 * Before SQLite reads it: the file is an SQLite database and holds every
 * page its header counts (a truncated copy otherwise reads as an empty or
 * short table, or fails late with a vague message).
 */
static int
rds_precheck(const char *path, tr_error *err)
{
	uint8_t h[100];
	struct stat sb;
	uint64_t psize, pages;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return tri_error_errno(err, TR_EIO, errno,
		    "cannot open NSRL database '%s'", path);
	n = read(fd, h, sizeof(h));
	if (fstat(fd, &sb) != 0)
		n = -1;
	close(fd);
	if (n < 0)
		return tri_error_errno(err, TR_EIO, errno,
		    "cannot read NSRL database '%s'", path);
	if (n < (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0)
		return tri_error_set(err, TR_EFORMAT, "'%s' is not an SQLite "
		    "database (NSRL RDSv3 is one)", path);
	psize = (uint64_t)h[16] << 8 | h[17];
	if (psize == 1)
		psize = 65536;
	pages = (uint64_t)h[28] << 24 | (uint64_t)h[29] << 16 |
	    (uint64_t)h[30] << 8 | h[31];
	if (psize < 512 || (psize & (psize - 1)) != 0)
		return tri_error_set(err, TR_EFORMAT, "NSRL database '%s' is "
		    "damaged: page size %llu", path, (unsigned long long)psize);
	/* The page count is valid when the two counters agree. */
	if (memcmp(h + 24, h + 92, 4) == 0 && pages > 0 &&
	    (uint64_t)sb.st_size < pages * psize)
		return tri_error_set(err, TR_EFORMAT, "NSRL database '%s' is "
		    "truncated: its header counts %llu pages of %llu bytes "
		    "(%llu bytes), the file has %llu", path,
		    (unsigned long long)pages, (unsigned long long)psize,
		    (unsigned long long)(pages * psize),
		    (unsigned long long)sb.st_size);
	if (sb.st_size % (off_t)psize != 0)
		return tri_error_set(err, TR_EFORMAT, "NSRL database '%s' is "
		    "truncated: %llu bytes is not a whole number of %llu-byte "
		    "pages", path, (unsigned long long)sb.st_size,
		    (unsigned long long)psize);
	return TR_OK;
}

/* "file:PATH?immutable=1" with PATH percent-encoded where URIs need it. */
static char *
rds_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *u, *p;
	size_t i;

	if ((u = malloc(strlen(path) * 3 + 32)) == NULL)
		return NULL;
	p = u + sprintf(u, "file:");
	for (i = 0; path[i] != '\0'; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c == '%' || c == '?' || c == '#' || c <= 0x20 ||
		    c >= 0x7f) {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	strcpy(p, "?immutable=1");
	return u;
}

static int
sql_error(sqlite3 *db, const char *path, tr_error *err)
{
	int code = sqlite3_errcode(db);

	return tri_error_set(err, code == SQLITE_NOMEM ? TR_ENOMEM :
	    code == SQLITE_IOERR ? TR_EIO : TR_EFORMAT,
	    "cannot read NSRL database '%s': %s", path, sqlite3_errmsg(db));
}

/* Which of sha256, sha1, md5 relation rel has: bits of KI order. */
static int
rds_columns(sqlite3 *db, const char *path, const char *rel, unsigned *cols,
    tr_error *err)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	const char *name;
	int i, rc;

	*cols = 0;
	snprintf(sql, sizeof(sql), "PRAGMA table_info(\"%s\")", rel);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_error(db, path, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((name = (const char *)sqlite3_column_text(st, 1)) != NULL)
			for (i = 0; i < KI_NALG; i++)
				if (sqlite3_stricmp(name, ki_name[i]) == 0)
					*cols |= 1u << i;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_error(db, path, err);
	return TR_OK;
}

/* DISTINCT_HASH is worth reading only when SQLite needs no temporary
 * b-tree for its DISTINCT (the FILE primary key gives the order);
 * otherwise FILE is read and the merge folds duplicates. */
static int
distinct_cheap(sqlite3 *db, const char *select)
{
	sqlite3_stmt *st = NULL;
	char sql[256];
	const char *d;
	int cheap = 1;

	snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", select);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		if ((d = (const char *)sqlite3_column_text(st, 3)) != NULL &&
		    strstr(d, "TEMP B-TREE") != NULL)
			cheap = 0;
	sqlite3_finalize(st);
	return cheap;
}

int
tr_known_import_nsrl(const char *out_path, const char *rds_path,
    const tr_known_import *opt, tr_known_stats *st, tr_error *err)
{
	struct build b;
	tr_known_stats dummy;
	tr_known *old = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	char *uri = NULL, sql[160];
	unsigned cols = 0, vcols = 0;
	const char *rel = "FILE", *hex;
	uint8_t d[32];
	int rc, i, n, step, col[KI_NALG], nc = 0;

	if (st == NULL)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	if ((rc = build_init(&b, out_path, opt ? opt->mem_limit : 0, err)) !=
	    TR_OK)
		goto out;
	if ((rc = open_old(out_path, opt, &old, &b.bit, err)) != TR_OK)
		goto out;
	if ((rc = rds_precheck(rds_path, err)) != TR_OK)
		goto out;
	if ((uri = rds_uri(rds_path)) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL) != SQLITE_OK) {
		rc = db != NULL ? sql_error(db, rds_path, err) :
		    tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = rds_columns(db, rds_path, "FILE", &cols, err)) != TR_OK)
		goto out;
	if (cols == 0) {
		rc = tri_error_set(err, TR_EFORMAT, "'%s' is not an NSRL "
		    "RDSv3 database: no FILE table with a sha256, sha1 or md5 "
		    "column", rds_path);
		goto out;
	}
	if ((rc = rds_columns(db, rds_path, "DISTINCT_HASH", &vcols, err)) !=
	    TR_OK)
		goto out;
	n = snprintf(sql, sizeof(sql), "SELECT ");
	for (i = KI_NALG - 1; i >= 0; i--)
		if (cols >> i & 1u) {
			n += snprintf(sql + n, sizeof(sql) - (size_t)n, "%s%s",
			    nc ? ", " : "", ki_name[i]);
			col[nc++] = i;
		}
	snprintf(sql + n, sizeof(sql) - (size_t)n, " FROM DISTINCT_HASH");
	if ((vcols & cols) == cols && distinct_cheap(db, sql))
		rel = "DISTINCT_HASH";
	else
		snprintf(sql + n, sizeof(sql) - (size_t)n, " FROM FILE");
	st->from = rel;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		rc = sql_error(db, rds_path, err);
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		st->rows++;
		for (i = 0; i < nc; i++) {
			int a = col[i];

			hex = (const char *)sqlite3_column_text(q, i);
			n = sqlite3_column_bytes(q, i);
			if (hex == NULL || n != (int)ki_hlen[a] * 2 ||
			    tri_unhex(hex, (size_t)n, d) != 0) {
				st->skipped++;
				continue;
			}
			if ((rc = build_add(&b, a, d)) != TR_OK)
				goto out;
			st->added[a]++;
		}
	}
	if (step != SQLITE_DONE) {
		rc = sql_error(db, rds_path, err);
		goto out;
	}
	if (st->added[0] + st->added[1] + st->added[2] == 0) {
		rc = tri_error_set(err, TR_EFORMAT, "no hash in the %s of NSRL "
		    "database '%s'", rel, rds_path);
		goto out;
	}
	sqlite3_finalize(q);
	q = NULL;
	sqlite3_close(db);
	db = NULL;
	rc = build_finish(&b, old, opt->set, opt->bad, st);
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	free(uri);
	tr_known_close(old);
	build_free(&b);
	return rc;
}
