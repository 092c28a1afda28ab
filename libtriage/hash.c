/* SPDX-License-Identifier: Apache-2.0 */
/* md5, sha1 and sha256 in one pass with OpenSSL EVP. */
#include "internal.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	unsigned	bit;
	const char	*name;
} algos[] = {
	{ TR_HASH_MD5, "md5" },
	{ TR_HASH_SHA1, "sha1" },
	{ TR_HASH_SHA256, "sha256" },
};
#define NALGOS (sizeof(algos) / sizeof(algos[0]))

/* Blocks in flight between the reader and the digest threads. */
#define NBLOCKS		3
#define BLOCK		((size_t)1 << 20)

struct tr_hash {
	unsigned	bits;
	EVP_MD_CTX	*ctx[NALGOS];
	unsigned char	*block[NBLOCKS];	/* allocated when used */
	tr_hash_progress_fn progress;
	void		*progress_arg;
};

/*
 * The reader fills block k % NBLOCKS, then every digest thread hashes it;
 * the block is free again when its last digest is done with it.
 */
struct ring {
	tr_hash		*h;
	pthread_mutex_t	mu;
	pthread_cond_t	filled, freed;
	size_t		len[NBLOCKS];
	unsigned	users[NBLOCKS];	/* digests yet to hash it */
	uint64_t	produced;	/* blocks filled so far */
	int		done;
};

struct worker {
	struct ring	*r;
	EVP_MD_CTX	*ctx;
	pthread_t	tid;
};

static const EVP_MD *
md_of(unsigned bit)
{
	switch (bit) {
	case TR_HASH_MD5:
		return EVP_md5();
	case TR_HASH_SHA1:
		return EVP_sha1();
	default:
		return EVP_sha256();
	}
}

const char *
tr_hash_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < NALGOS; i++)
		if (algos[i].bit == bit)
			return algos[i].name;
	return NULL;
}

int
tr_hash_parse(const char *list, unsigned *bits, tr_error *err)
{
	const char *p = list, *e;
	size_t i, n;

	*bits = 0;
	while (*p != '\0') {
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		for (i = 0; i < NALGOS; i++)
			if (strlen(algos[i].name) == n &&
			    strncasecmp(p, algos[i].name, n) == 0)
				break;
		if (i == NALGOS)
			return tri_error_set(err, TR_EINVAL,
			    "unknown hash '%.*s': use md5, sha1 or sha256",
			    (int)n, p);
		*bits |= algos[i].bit;
		p = *e == ',' ? e + 1 : e;
	}
	if (*bits == 0)
		return tri_error_set(err, TR_EINVAL, "no hash named");
	return TR_OK;
}

void
tr_hash_free(tr_hash *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < NALGOS; i++)
		EVP_MD_CTX_free(h->ctx[i]);
	for (i = 0; i < NBLOCKS; i++)
		free(h->block[i]);
	free(h);
}

int
tr_hash_new(tr_hash **out, unsigned bits, tr_error *err)
{
	tr_hash *h;
	size_t i;

	*out = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	h->bits = bits & TR_HASH_ALL;
	for (i = 0; i < NALGOS; i++) {
		if (!(h->bits & algos[i].bit))
			continue;
		if ((h->ctx[i] = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(h->ctx[i], md_of(algos[i].bit), NULL)
		    != 1) {
			tr_hash_free(h);
			return tri_error_set(err, TR_ENOMEM,
			    "cannot set up %s", algos[i].name);
		}
	}
	*out = h;
	return TR_OK;
}

void
tr_hash_reset(tr_hash *h)
{
	size_t i;

	for (i = 0; i < NALGOS; i++)
		if (h->ctx[i] != NULL)
			EVP_DigestInit_ex(h->ctx[i], md_of(algos[i].bit),
			    NULL);
}

void
tr_hash_update(tr_hash *h, const void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < NALGOS; i++)
		if (h->ctx[i] != NULL)
			EVP_DigestUpdate(h->ctx[i], buf, len);
}

unsigned
tr_hash_bits(const tr_hash *h)
{
	return h->bits;
}

unsigned
tr_hash_final(tr_hash *h, char md5[TR_HASH_HEX_MAX],
    char sha1[TR_HASH_HEX_MAX], char sha256[TR_HASH_HEX_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len, j, done = 0;
	char *dst;
	size_t i;

	for (i = 0; i < NALGOS; i++) {
		if (h->ctx[i] == NULL)
			continue;
		dst = i == 0 ? md5 : i == 1 ? sha1 : sha256;
		if (EVP_DigestFinal_ex(h->ctx[i], md, &len) != 1 ||
		    dst == NULL)
			continue;
		for (j = 0; j < len; j++)
			snprintf(dst + 2 * j, 3, "%02x", md[j]);
		done |= algos[i].bit;
	}
	return done;
}

void
tr_hash_set_progress(tr_hash *h, tr_hash_progress_fn fn, void *arg)
{
	h->progress = fn;
	h->progress_arg = arg;
}

static void *
digest_blocks(void *arg)
{
	struct worker *wk = arg;
	struct ring *r = wk->r;
	uint64_t k;
	size_t b;

	for (k = 0;; k++) {
		pthread_mutex_lock(&r->mu);
		while (r->produced <= k && !r->done)
			pthread_cond_wait(&r->filled, &r->mu);
		if (r->produced <= k) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		pthread_mutex_unlock(&r->mu);
		b = (size_t)(k % NBLOCKS);
		EVP_DigestUpdate(wk->ctx, r->h->block[b], r->len[b]);
		pthread_mutex_lock(&r->mu);
		if (--r->users[b] == 0)
			pthread_cond_signal(&r->freed);
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

/* Read into the ring while the workers digest; they are joined here. */
static int
stream_threads(tr_hash *h, struct ring *r, struct worker *wk, unsigned nw,
    tr_read_fn read, void *arg, uint64_t *total, tr_error *err)
{
	uint64_t off = 0, k;
	unsigned i;
	size_t b;
	int64_t n;
	int rc = TR_OK;

	for (k = 0;; k++) {
		b = (size_t)(k % NBLOCKS);
		pthread_mutex_lock(&r->mu);
		while (r->users[b] > 0)
			pthread_cond_wait(&r->freed, &r->mu);
		pthread_mutex_unlock(&r->mu);
		if ((n = read(arg, off, h->block[b], BLOCK, err)) <= 0) {
			if (n < 0)
				rc = (int)n;
			break;
		}
		off += (uint64_t)n;
		pthread_mutex_lock(&r->mu);
		r->len[b] = (size_t)n;
		r->users[b] = nw;
		r->produced = k + 1;
		pthread_cond_broadcast(&r->filled);
		pthread_mutex_unlock(&r->mu);
		if (h->progress != NULL)
			h->progress(h->progress_arg, (uint64_t)n);
	}
	pthread_mutex_lock(&r->mu);
	r->done = 1;
	pthread_cond_broadcast(&r->filled);
	pthread_mutex_unlock(&r->mu);
	for (i = 0; i < nw; i++)
		pthread_join(wk[i].tid, NULL);
	*total = off;
	return rc;
}

static int
stream_serial(tr_hash *h, tr_read_fn read, void *arg, uint64_t *total,
    tr_error *err)
{
	uint64_t off = 0;
	int64_t n;

	while ((n = read(arg, off, h->block[0], BLOCK, err)) > 0) {
		tr_hash_update(h, h->block[0], (size_t)n);
		off += (uint64_t)n;
		if (h->progress != NULL)
			h->progress(h->progress_arg, (uint64_t)n);
	}
	*total = off;
	return n < 0 ? (int)n : TR_OK;
}

int
tr_hash_stream(tr_hash *h, uint64_t size, tr_read_fn read, void *arg,
    uint64_t *total, tr_error *err)
{
	struct worker wk[NALGOS];
	struct ring r = { .mu = PTHREAD_MUTEX_INITIALIZER,
	    .filled = PTHREAD_COND_INITIALIZER,
	    .freed = PTHREAD_COND_INITIALIZER };
	uint64_t got = 0;
	unsigned nw = 0, i;
	int rc, threads;

	tr_hash_reset(h);
	r.h = h;
	threads = size >= TR_HASH_THREAD_MIN && h->bits != 0;
	for (i = 0; i < (threads ? NBLOCKS : 1); i++)
		if (h->block[i] == NULL &&
		    (h->block[i] = malloc(BLOCK)) == NULL) {
			if (i == 0)
				return tri_error_set(err, TR_ENOMEM,
				    "out of memory");
			threads = 0;
			break;
		}
	if (!threads) {
		rc = stream_serial(h, read, arg, &got, err);
		goto out;
	}
	for (i = 0; i < NALGOS; i++) {
		if (h->ctx[i] == NULL)
			continue;
		wk[nw].r = &r;
		wk[nw].ctx = h->ctx[i];
		if (pthread_create(&wk[nw].tid, NULL, digest_blocks,
		    &wk[nw]) != 0)
			break;
		nw++;
	}
	if (i == NALGOS) {
		rc = stream_threads(h, &r, wk, nw, read, arg, &got, err);
	} else {
		/* A thread did not start: stop the others, then go serial. */
		pthread_mutex_lock(&r.mu);
		r.done = 1;
		pthread_cond_broadcast(&r.filled);
		pthread_mutex_unlock(&r.mu);
		for (i = 0; i < nw; i++)
			pthread_join(wk[i].tid, NULL);
		rc = stream_serial(h, read, arg, &got, err);
	}
out:
	pthread_cond_destroy(&r.filled);
	pthread_cond_destroy(&r.freed);
	pthread_mutex_destroy(&r.mu);
	if (total != NULL)
		*total = got;
	return rc;
}
