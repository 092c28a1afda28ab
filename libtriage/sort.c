/* SPDX-License-Identifier: Apache-2.0 */
/* External merge sort: sorted runs in temporary files, k-way heap merge. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sort.h"

#define CHUNK		(1u << 20)	/* arena block */
#define MAX_RUNS	64		/* merge fan-in */
#define RUN_BUF		(64u << 10)	/* read buffer per run */
#define WBUF		(1u << 20)	/* write buffer of a run */

struct run {
	FILE		*fp;
	char		*iobuf;
	unsigned char	*rec;		/* current record */
	size_t		len, cap;
};

/* A record in memory, with its leading keys copied for a cache-friendly sort. */
struct ent {
	int64_t		k1;
	uint32_t	k2;
	uint32_t	len;
	unsigned char	*p;
};

struct tri_sorter {
	uint64_t	memory;
	int		use_k2;
	char		*tmpdir;
	tri_cmp_fn	cmp;
	/* In memory: record bytes in arena blocks, indexed by recs. */
	unsigned char	**blocks;
	size_t		nblocks, cblocks, cur, used;
	unsigned char	**big;		/* records larger than a block */
	size_t		nbig, cbig;
	uint64_t	bytes;
	struct ent	*recs;
	size_t		n, cap;
	/* On disk. */
	struct run	*runs;
	size_t		nruns, cruns;
	uint64_t	spilled;
	/* Output. */
	int		finished;
	size_t		pos;
	size_t		*heap;
	size_t		nheap;
	unsigned char	*prev;
	size_t		prevlen, prevcap;
	int		has_prev;
	uint64_t	dups;
	/* Writing a run. */
	unsigned char	*wbuf;
	size_t		wlen;
	int		wfd;
};

static int
cmp_ent(const void *a, const void *b, void *arg)
{
	const struct ent *x = a, *y = b;
	tri_sorter *s = arg;

	if (x->k1 != y->k1)
		return x->k1 < y->k1 ? -1 : 1;
	if (x->k2 != y->k2)
		return x->k2 < y->k2 ? -1 : 1;
	return s->cmp(x->p, x->len, y->p, y->len);
}

int
tri_sorter_new(tri_sorter **out, uint64_t memory, const char *tmpdir,
    tri_cmp_fn cmp, int use_k2, tr_error *err)
{
	tri_sorter *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	s->memory = memory;
	s->cmp = cmp;
	s->use_k2 = use_k2;
	s->wfd = -1;
	if (tmpdir == NULL && (tmpdir = getenv("TMPDIR")) == NULL)
		tmpdir = "/tmp";
	if (*tmpdir == '\0')
		tmpdir = "/tmp";
	if ((s->tmpdir = strdup(tmpdir)) == NULL) {
		free(s);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	*out = s;
	return TR_OK;
}

static void
free_memory_recs(tri_sorter *s)
{
	size_t i;

	for (i = 0; i < s->nbig; i++)
		free(s->big[i]);
	s->nbig = 0;
	s->n = 0;
	s->cur = 0;
	s->used = 0;
	s->bytes = 0;
}

void
tri_sorter_free(tri_sorter *s)
{
	size_t i;

	if (s == NULL)
		return;
	free_memory_recs(s);
	for (i = 0; i < s->nblocks; i++)
		free(s->blocks[i]);
	for (i = 0; i < s->nruns; i++) {
		if (s->runs[i].fp != NULL)
			fclose(s->runs[i].fp);
		free(s->runs[i].iobuf);
		free(s->runs[i].rec);
	}
	if (s->wfd >= 0)
		close(s->wfd);
	free(s->blocks);
	free(s->big);
	free(s->recs);
	free(s->runs);
	free(s->heap);
	free(s->prev);
	free(s->wbuf);
	free(s->tmpdir);
	free(s);
}

/* A temporary file, already unlinked: only the descriptor holds it. */
static int
tmp_open(tri_sorter *s, tr_error *err)
{
	char *path;
	size_t n = strlen(s->tmpdir) + 32;
	int fd, e;

	if ((path = malloc(n)) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	snprintf(path, n, "%s/triage-timeline.XXXXXX", s->tmpdir);
	if ((fd = mkstemp(path)) < 0) {
		e = errno;
		free(path);
		return tri_error_errno(err, TR_EIO, e,
		    "cannot create a temporary file in '%s'", s->tmpdir);
	}
	unlink(path);
	free(path);
	return fd;
}

static int
write_all(tri_sorter *s, const unsigned char *p, size_t len, tr_error *err)
{
	size_t off = 0;
	ssize_t w;

	while (off < len) {
		w = write(s->wfd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return tri_error_errno(err, TR_EIO, w < 0 ? errno :
			    ENOSPC, "cannot write a temporary file in '%s'",
			    s->tmpdir);
		off += (size_t)w;
	}
	return TR_OK;
}

static int
wflush(tri_sorter *s, tr_error *err)
{
	int rc = write_all(s, s->wbuf, s->wlen, err);

	s->wlen = 0;
	return rc;
}

static int
wput(tri_sorter *s, const unsigned char *rec, size_t len, tr_error *err)
{
	uint32_t n = (uint32_t)len;
	int rc;

	if (s->wlen + len + 4 > WBUF && (rc = wflush(s, err)) != TR_OK)
		return rc;
	memcpy(s->wbuf + s->wlen, &n, 4);
	s->wlen += 4;
	if (len + 4 > WBUF) {
		if ((rc = wflush(s, err)) != TR_OK)
			return rc;
		return write_all(s, rec, len, err);
	}
	memcpy(s->wbuf + s->wlen, rec, len);
	s->wlen += len;
	return TR_OK;
}

/* Start writing a new run; wend() makes it readable. */
static int
wbegin(tri_sorter *s, tr_error *err)
{
	if (s->wbuf == NULL && (s->wbuf = malloc(WBUF)) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	if ((s->wfd = tmp_open(s, err)) < 0)
		return s->wfd;
	s->wlen = 0;
	return TR_OK;
}

static int
wend(tri_sorter *s, struct run *r, tr_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = wflush(s, err)) != TR_OK)
		return rc;
	if (lseek(s->wfd, 0, SEEK_SET) != 0)
		return tri_error_errno(err, TR_EIO, errno,
		    "cannot rewind a temporary file in '%s'", s->tmpdir);
	if ((r->fp = fdopen(s->wfd, "r")) == NULL)
		return tri_error_errno(err, TR_EIO, errno,
		    "cannot read a temporary file in '%s'", s->tmpdir);
	s->wfd = -1;
	if ((r->iobuf = malloc(RUN_BUF)) != NULL)
		setvbuf(r->fp, r->iobuf, _IOFBF, RUN_BUF);
	return TR_OK;
}

static int
add_run(tri_sorter *s, tr_error *err)
{
	struct run *nr;

	if (s->nruns == s->cruns) {
		size_t c = s->cruns ? s->cruns * 2 : 16;

		if ((nr = realloc(s->runs, c * sizeof(*nr))) == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		s->runs = nr;
		s->cruns = c;
	}
	return TR_OK;
}

/* Load the next record of r: 1, 0 at its end, or an error. */
static int
run_next(tri_sorter *s, struct run *r, tr_error *err)
{
	uint32_t n;
	size_t got;

	got = fread(&n, 1, 4, r->fp);
	if (got == 0 && !ferror(r->fp))
		return 0;
	if (got != 4)
		goto bad;
	if (n > r->cap) {
		unsigned char *nb = realloc(r->rec, n);

		if (nb == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		r->rec = nb;
		r->cap = n;
	}
	if (fread(r->rec, 1, n, r->fp) != n)
		goto bad;
	r->len = n;
	return 1;
bad:
	return tri_error_errno(err, TR_EIO, ferror(r->fp) ? errno : EIO,
	    "cannot read back a temporary file in '%s'", s->tmpdir);
}

static int
heap_less(tri_sorter *s, size_t a, size_t b)
{
	struct run *x = &s->runs[a], *y = &s->runs[b];
	int c = s->cmp(x->rec, x->len, y->rec, y->len);

	return c < 0 || (c == 0 && a < b);
}

static void
heap_down(tri_sorter *s, size_t i)
{
	size_t *h = s->heap, n = s->nheap, l, m, t;

	for (;;) {
		l = 2 * i + 1;
		if (l >= n)
			break;
		m = l + 1 < n && heap_less(s, h[l + 1], h[l]) ? l + 1 : l;
		if (!heap_less(s, h[m], h[i]))
			break;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Put runs [0, nruns) on the heap, each at its first record. */
static int
heap_start(tri_sorter *s, tr_error *err)
{
	size_t i;
	int rc;

	free(s->heap);
	if ((s->heap = malloc((s->nruns + 1) * sizeof(*s->heap))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	s->nheap = 0;
	for (i = 0; i < s->nruns; i++) {
		if ((rc = run_next(s, &s->runs[i], err)) < 0)
			return rc;
		if (rc == 1)
			s->heap[s->nheap++] = i;
	}
	for (i = s->nheap; i-- > 0; )
		heap_down(s, i);
	return TR_OK;
}

/* Pop the smallest record into s->prev (duplicates skipped). */
static int
heap_pop(tri_sorter *s, tr_error *err)
{
	struct run *r;
	size_t top;
	int rc;

	while (s->nheap > 0) {
		top = s->heap[0];
		r = &s->runs[top];
		rc = s->has_prev ? s->cmp(r->rec, r->len, s->prev,
		    s->prevlen) : 1;
		if (rc != 0) {
			if (r->len > s->prevcap) {
				unsigned char *nb = realloc(s->prev, r->len);

				if (nb == NULL)
					return tri_error_set(err, TR_ENOMEM,
					    "out of memory");
				s->prev = nb;
				s->prevcap = r->len;
			}
			memcpy(s->prev, r->rec, r->len);
			s->prevlen = r->len;
			s->has_prev = 1;
		} else {
			s->dups++;
		}
		if ((rc = run_next(s, r, err)) < 0)
			return rc;
		if (rc == 0)
			s->heap[0] = s->heap[--s->nheap];
		heap_down(s, 0);
		return 1;
	}
	return 0;
}

static void
close_runs(tri_sorter *s)
{
	size_t i;

	for (i = 0; i < s->nruns; i++) {
		fclose(s->runs[i].fp);
		free(s->runs[i].iobuf);
		free(s->runs[i].rec);
	}
	s->nruns = 0;
}

/* Merge every run into one, so that fan-in stays bounded. */
static int
merge_all(tri_sorter *s, tr_error *err)
{
	struct run merged;
	int rc, got;

	if ((rc = heap_start(s, err)) != TR_OK || (rc = wbegin(s, err)) !=
	    TR_OK)
		return rc;
	s->has_prev = 0;
	for (;;) {
		uint64_t before = s->dups;

		if ((got = heap_pop(s, err)) < 0)
			return got;
		if (got == 0)
			break;
		if (s->dups != before)
			continue;
		if ((rc = wput(s, s->prev, s->prevlen, err)) != TR_OK)
			return rc;
	}
	s->has_prev = 0;
	close_runs(s);
	if ((rc = wend(s, &merged, err)) != TR_OK)
		return rc;
	s->runs[0] = merged;
	s->nruns = 1;
	return TR_OK;
}

/* Sort what is in memory and write it as a run. */
static int
spill(tri_sorter *s, tr_error *err)
{
	struct run r;
	size_t i;
	int rc;

	if (s->n == 0)
		return TR_OK;
	if (s->nruns >= MAX_RUNS && (rc = merge_all(s, err)) != TR_OK)
		return rc;
	if ((rc = add_run(s, err)) != TR_OK)
		return rc;
	if (s->n > 1)
		qsort_r(s->recs, s->n, sizeof(*s->recs), cmp_ent, s);
	if ((rc = wbegin(s, err)) != TR_OK)
		return rc;
	for (i = 0; i < s->n; i++) {
		if (i > 0 && cmp_ent(&s->recs[i - 1], &s->recs[i], s) == 0) {
			s->dups++;
			continue;
		}
		if ((rc = wput(s, s->recs[i].p, s->recs[i].len, err)) !=
		    TR_OK)
			return rc;
	}
	if ((rc = wend(s, &r, err)) != TR_OK)
		return rc;
	s->runs[s->nruns++] = r;
	s->spilled++;
	free_memory_recs(s);
	return TR_OK;
}

int
tri_sorter_add(tri_sorter *s, const void *rec, size_t len, tr_error *err)
{
	unsigned char *dst;
	struct ent *e;
	int rc;

	if (len > UINT32_MAX || len < 12)
		return tri_error_set(err, TR_EINVAL, "bad record length");
	/* The index and qsort's scratch copy count as memory too. */
	if (s->n > 0 && s->bytes + len + (s->n + 1) * 2 * sizeof(*s->recs) >
	    s->memory && (rc = spill(s, err)) != TR_OK)
		return rc;
	if (s->n == s->cap) {
		size_t c = s->cap ? s->cap * 2 : 4096;
		struct ent *nr = realloc(s->recs, c * sizeof(*nr));

		if (nr == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		s->recs = nr;
		s->cap = c;
	}
	if (len > CHUNK / 4) {
		if (s->nbig == s->cbig) {
			size_t c = s->cbig ? s->cbig * 2 : 16;
			unsigned char **nb = realloc(s->big, c * sizeof(*nb));

			if (nb == NULL)
				return tri_error_set(err, TR_ENOMEM,
				    "out of memory");
			s->big = nb;
			s->cbig = c;
		}
		if ((dst = malloc(len)) == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		s->big[s->nbig++] = dst;
	} else {
		if (s->cur < s->nblocks && s->used + len > CHUNK) {
			s->cur++;
			s->used = 0;
		}
		if (s->cur == s->nblocks) {
			if (s->nblocks == s->cblocks) {
				size_t c = s->cblocks ? s->cblocks * 2 : 16;
				unsigned char **nb = realloc(s->blocks,
				    c * sizeof(*nb));

				if (nb == NULL)
					return tri_error_set(err, TR_ENOMEM,
					    "out of memory");
				s->blocks = nb;
				s->cblocks = c;
			}
			if ((s->blocks[s->nblocks] = malloc(CHUNK)) == NULL)
				return tri_error_set(err, TR_ENOMEM,
				    "out of memory");
			s->nblocks++;
			s->used = 0;
		}
		dst = s->blocks[s->cur] + s->used;
		s->used += len;
	}
	memcpy(dst, rec, len);
	e = &s->recs[s->n++];
	memcpy(&e->k1, dst, 8);
	e->k2 = 0;
	if (s->use_k2)
		memcpy(&e->k2, dst + 8, 4);
	e->len = (uint32_t)len;
	e->p = dst;
	s->bytes += len;
	return TR_OK;
}

int
tri_sorter_finish(tri_sorter *s, tr_error *err)
{
	int rc;

	s->finished = 1;
	s->pos = 0;
	s->has_prev = 0;
	if (s->nruns == 0) {
		/* Nothing to sort: recs may be NULL, which qsort_r may not get. */
		if (s->n > 1)
			qsort_r(s->recs, s->n, sizeof(*s->recs), cmp_ent, s);
		return TR_OK;
	}
	if ((rc = spill(s, err)) != TR_OK)
		return rc;
	/* The arena is no longer needed while merging. */
	while (s->nblocks > 0)
		free(s->blocks[--s->nblocks]);
	free(s->recs);
	s->recs = NULL;
	s->cap = 0;
	return heap_start(s, err);
}

int
tri_sorter_next(tri_sorter *s, const unsigned char **rec, size_t *len,
    tr_error *err)
{
	int got;

	if (s->nruns == 0) {
		while (s->pos < s->n) {
			size_t i = s->pos++;

			if (i > 0 && cmp_ent(&s->recs[i - 1], &s->recs[i],
			    s) == 0) {
				s->dups++;
				continue;
			}
			*rec = s->recs[i].p;
			*len = s->recs[i].len;
			return 1;
		}
		return 0;
	}
	for (;;) {
		uint64_t before = s->dups;

		if ((got = heap_pop(s, err)) <= 0)
			return got;
		if (s->dups == before)
			break;
	}
	*rec = s->prev;
	*len = s->prevlen;
	return 1;
}

uint64_t
tri_sorter_runs(const tri_sorter *s)
{
	return s->spilled;
}

uint64_t
tri_sorter_dups(const tri_sorter *s)
{
	return s->dups;
}
