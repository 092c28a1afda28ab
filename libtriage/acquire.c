/* SPDX-License-Identifier: Apache-2.0 */
/* Imaging: the block pipeline, reading with retries, raw output, records. */
#include "acqint.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <libewf.h>
#include <limits.h>
#include <linux/fs.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define ACQ_BLOCK	(1024 * 1024)
#define DEFAULT_SEGMENT	(1500ULL * 1024 * 1024)

/* ---- the pipeline ---- */

/*
 * One mutex, and one condition per kind of waiter, so that a finished block
 * wakes only the threads that can use it: every block passes the reader,
 * each hasher, a worker and the writer, and waking all of them for each
 * step costs context switches that the slowest digest (MD5) pays for on a
 * small machine.
 */
struct pipe {
	const tri_pipe_cfg *cfg;
	const tri_pipe_ops *ops;
	pthread_mutex_t	mu;
	pthread_cond_t	cv_read;	/* reader: a slot came free */
	pthread_cond_t	cv_hash;	/* hashers: a block came in */
	pthread_cond_t	cv_comp;	/* workers: a block came in */
	pthread_cond_t	cv_write;	/* writer: next block ready */
	tri_blk		*slots;
	int		*compressed;
	size_t		nslots;
	uint64_t	nblocks;	/* total blocks */
	uint64_t	produced;	/* blocks read */
	uint64_t	hashed[TRI_NALGOS];
	uint64_t	comp_next;
	uint64_t	written;
	int		eof;		/* reader stopped producing */
	int		abort;
	int		algos[TRI_NALGOS];
	int		nalgos;
	tri_pipe_result	*res;
	tr_error	werr;
	int		wrc;
};

struct worker_arg {
	struct pipe	*p;
	int		i;		/* hasher: index into p->algos */
};

int
tri_hash_index(unsigned bit)
{
	return bit == TR_HASH_MD5 ? 0 : bit == TR_HASH_SHA1 ? 1 : 2;
}

/* With p->mu held. */
static void
wake_all(struct pipe *p)
{
	pthread_cond_broadcast(&p->cv_read);
	pthread_cond_broadcast(&p->cv_hash);
	pthread_cond_broadcast(&p->cv_comp);
	pthread_cond_broadcast(&p->cv_write);
}

static void
pipe_abort(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->abort = 1;
	wake_all(p);
	pthread_mutex_unlock(&p->mu);
}

static uint64_t
min_consumed(const struct pipe *p)
{
	uint64_t m = p->written;
	int i;

	for (i = 0; i < p->nalgos; i++)
		if (p->hashed[p->algos[i]] < m)
			m = p->hashed[p->algos[i]];
	return m;
}

static void *
hasher_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct pipe *p = wa->p;
	int a = p->algos[wa->i];
	unsigned bit = 1u << a;
	uint64_t win = p->cfg->hash_window, wpos = 0;
	char hex[TRI_NALGOS][TR_HASH_HEX_MAX];
	tr_hash *h = NULL, *wh = NULL;
	tri_blk *b;
	uint64_t seq;
	size_t off, n;

	if (tr_hash_new(&h, bit, NULL) != TR_OK ||
	    (win > 0 && tr_hash_new(&wh, bit, NULL) != TR_OK)) {
		pipe_abort(p);
		goto out;
	}
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->hashed[a] >= p->produced && !p->eof && !p->abort)
			pthread_cond_wait(&p->cv_hash, &p->mu);
		if (p->abort || p->hashed[a] >= p->produced) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		seq = p->hashed[a];
		b = &p->slots[seq % p->nslots];
		pthread_mutex_unlock(&p->mu);

		tr_hash_update(h, b->data, b->len);
		for (off = 0; wh != NULL && off < b->len; off += n) {
			n = b->len - off;
			if (n > win - wpos)
				n = (size_t)(win - wpos);
			tr_hash_update(wh, b->data + off, n);
			wpos += n;
			if (wpos == win || b->offset + off + n ==
			    p->cfg->size) {
				tr_hash_final(wh, hex[0], hex[1], hex[2]);
				tr_hash_reset(wh);
				memcpy(p->res->windows[(b->offset + off) /
				    win].hex[a], hex[a], TR_HASH_HEX_MAX);
				wpos = 0;
			}
		}
		pthread_mutex_lock(&p->mu);
		p->hashed[a]++;
		pthread_cond_signal(&p->cv_read);
		pthread_mutex_unlock(&p->mu);
	}
	tr_hash_final(h, hex[0], hex[1], hex[2]);
	memcpy(p->res->hex[a], hex[a], TR_HASH_HEX_MAX);
out:
	tr_hash_free(h);
	tr_hash_free(wh);
	return NULL;
}

static void *
compress_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct pipe *p = wa->p;
	uint64_t seq;
	tri_blk *b;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->comp_next >= p->produced && !p->eof && !p->abort)
			pthread_cond_wait(&p->cv_comp, &p->mu);
		if (p->abort || p->comp_next >= p->produced) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		seq = p->comp_next++;
		b = &p->slots[seq % p->nslots];
		pthread_mutex_unlock(&p->mu);

		if (!b->skip_write)
			p->ops->compress(p->ops->ctx, b, p->cfg->chunk,
			    wa->i);
		pthread_mutex_lock(&p->mu);
		p->compressed[seq % p->nslots] = 1;
		if (seq == p->written)
			pthread_cond_signal(&p->cv_write);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static void *
writer_main(void *arg)
{
	struct pipe *p = arg;
	uint64_t seq;
	tri_blk *b;
	int rc;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->abort && (p->written >= p->produced ||
		    (p->ops->compress != NULL &&
		    !p->compressed[p->written % p->nslots])) &&
		    !(p->eof && p->written >= p->produced))
			pthread_cond_wait(&p->cv_write, &p->mu);
		if (p->abort || p->written >= p->produced) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		seq = p->written;
		b = &p->slots[seq % p->nslots];
		pthread_mutex_unlock(&p->mu);

		rc = TR_OK;
		if (!b->skip_write)
			rc = p->ops->write(p->ops->ctx, b, &p->werr);
		pthread_mutex_lock(&p->mu);
		if (rc != TR_OK) {
			p->wrc = rc;
			p->abort = 1;
			wake_all(p);
		} else {
			p->written++;
			p->res->done = b->offset + b->len;
			pthread_cond_signal(&p->cv_read);
		}
		pthread_mutex_unlock(&p->mu);
		if (rc == TR_OK && p->cfg->progress != NULL)
			p->cfg->progress(p->cfg->progress_arg,
			    b->offset + b->len, p->cfg->size);
	}
	return NULL;
}

static void
pipe_free(struct pipe *p)
{
	size_t i;

	for (i = 0; p->slots != NULL && i < p->nslots; i++) {
		free(p->slots[i].data);
		free(p->slots[i].z);
		free(p->slots[i].zlen);
		free(p->slots[i].zck);
	}
	free(p->slots);
	free(p->compressed);
}

static int
pipe_alloc(struct pipe *p, int workers)
{
	const tri_pipe_cfg *c = p->cfg;
	size_t i, nch = c->block / c->chunk;
	void *mem;

	/*
	 * Enough blocks in flight that a hasher or the writer can fall a few
	 * blocks behind (descheduled, or waiting for the disk) without
	 * stalling the reader and the other digests.
	 */
	p->nslots = (size_t)(workers + 2) * 2;
	if (p->nslots < TRI_MIN_SLOTS)
		p->nslots = TRI_MIN_SLOTS;
	if ((p->slots = calloc(p->nslots, sizeof(*p->slots))) == NULL ||
	    (p->compressed = calloc(p->nslots, sizeof(int))) == NULL)
		return -1;
	for (i = 0; i < p->nslots; i++) {
		/* Page-aligned, for an O_DIRECT writer. */
		if (posix_memalign(&mem, TRI_BUF_ALIGN, c->block) != 0)
			return -1;
		p->slots[i].data = mem;
		if (p->ops->compress == NULL)
			continue;
		if ((p->slots[i].z = malloc(nch * (c->chunk +
		    TRI_ZSLACK))) == NULL ||
		    (p->slots[i].zlen = calloc(nch, sizeof(uint32_t))) ==
		    NULL ||
		    (p->slots[i].zck = calloc(nch, sizeof(uint32_t))) == NULL)
			return -1;
	}
	return 0;
}

int
tri_pipe_run(const tri_pipe_cfg *cfg, const tri_pipe_ops *ops,
    tri_pipe_result *res, tr_error *err)
{
	struct pipe p;
	struct worker_arg wa[TRI_NALGOS + TRI_MAX_WORKERS];
	pthread_t th[TRI_NALGOS + TRI_MAX_WORKERS + 1];
	int nth = 0, workers, i, rc = TR_OK;
	uint64_t seq;
	tri_blk *b;

	memset(&p, 0, sizeof(p));
	memset(res, 0, sizeof(*res));
	p.cfg = cfg;
	p.ops = ops;
	p.res = res;
	workers = ops->compress == NULL ? 0 : cfg->workers < 1 ? 1 :
	    cfg->workers > TRI_MAX_WORKERS ? TRI_MAX_WORKERS : cfg->workers;
	for (i = 0; i < TRI_NALGOS; i++)
		if (cfg->hashes & (1u << i))
			p.algos[p.nalgos++] = i;
	p.nblocks = (cfg->size + cfg->block - 1) / cfg->block;
	if (cfg->hash_window > 0 && cfg->size > 0) {
		res->nwindows = (size_t)((cfg->size + cfg->hash_window - 1) /
		    cfg->hash_window);
		if ((res->windows = calloc(res->nwindows,
		    sizeof(tri_window))) == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	if (pipe_alloc(&p, workers) != 0) {
		pipe_free(&p);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv_read, NULL);
	pthread_cond_init(&p.cv_hash, NULL);
	pthread_cond_init(&p.cv_comp, NULL);
	pthread_cond_init(&p.cv_write, NULL);
	for (i = 0; i < p.nalgos + workers; i++) {
		wa[i].p = &p;
		wa[i].i = i < p.nalgos ? i : i - p.nalgos;
		if (pthread_create(&th[nth], NULL, i < p.nalgos ?
		    hasher_main : compress_main, &wa[i]) == 0)
			nth++;
		else
			p.abort = 1;
	}
	if (ops->write != NULL) {
		if (pthread_create(&th[nth], NULL, writer_main, &p) == 0)
			nth++;
		else
			p.abort = 1;
	}
	for (seq = 0; seq < p.nblocks; seq++) {
		if (cfg->stop != NULL && *cfg->stop) {
			res->stopped = 1;
			break;
		}
		pthread_mutex_lock(&p.mu);
		while (!p.abort && seq >= min_consumed(&p) + p.nslots)
			pthread_cond_wait(&p.cv_read, &p.mu);
		/* Without a writer, a block is done once hashed. */
		if (ops->write == NULL)
			p.written = seq;
		pthread_mutex_unlock(&p.mu);
		if (p.abort)
			break;
		b = &p.slots[seq % p.nslots];
		b->offset = seq * cfg->block;
		b->len = cfg->size - b->offset < cfg->block ?
		    (size_t)(cfg->size - b->offset) : cfg->block;
		b->skip_write = 0;
		if ((rc = ops->read(ops->ctx, b, err)) != TR_OK) {
			pipe_abort(&p);
			break;
		}
		pthread_mutex_lock(&p.mu);
		p.compressed[seq % p.nslots] = 0;
		p.produced++;
		pthread_cond_broadcast(&p.cv_hash);
		if (workers > 0)
			pthread_cond_signal(&p.cv_comp);
		else if (seq == p.written)
			pthread_cond_signal(&p.cv_write);
		pthread_mutex_unlock(&p.mu);
		if (ops->write == NULL && cfg->progress != NULL)
			cfg->progress(cfg->progress_arg, b->offset + b->len,
			    cfg->size);
	}
	pthread_mutex_lock(&p.mu);
	p.eof = 1;
	wake_all(&p);
	pthread_mutex_unlock(&p.mu);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	if (ops->write == NULL && !p.abort)
		res->done = p.produced == p.nblocks ? cfg->size :
		    p.produced * cfg->block;
	if (rc == TR_OK && p.wrc != TR_OK) {
		rc = p.wrc;
		if (err != NULL)
			*err = p.werr;
	}
	if (rc == TR_OK && p.abort)
		rc = tri_error_set(err, TR_ENOMEM, "cannot start threads");
	pthread_cond_destroy(&p.cv_write);
	pthread_cond_destroy(&p.cv_comp);
	pthread_cond_destroy(&p.cv_hash);
	pthread_cond_destroy(&p.cv_read);
	pthread_mutex_destroy(&p.mu);
	pipe_free(&p);
	return rc;
}

/* ---- acquisition ---- */

struct range {
	uint64_t	offset, length;
};

struct acq {
	const tr_acquire_opts *o;
	tr_source	*src;		/* images that are not a plain file */
	int		fd;		/* plain file or device, else -1 */
	libewf_handle_t	*ewf_in;	/* an E01 source, read directly */
	uint32_t	ewf_bps;
	size_t		ewf_chunk;
	uint32_t	ck_from;	/* first checksum error still to check */
	uint64_t	size;
	unsigned	sector;
	char		model[128], serial[128], vendor[128];
	int		is_device;
	/* bad ranges */
	struct range	*bad;
	size_t		nbad;
	uint64_t	retried;
	/* raw output */
	int		out_fd;
	int		out_direct;	/* out_fd has O_DIRECT */
	unsigned	out_seg;
	char		**outs;
	size_t		nouts;
	tri_ewf		*ewf;
	uint64_t	resume_at;	/* bytes already in the output */
	int		in_fds[2];	/* resume: output segments to hash */
};

void
tr_acquire_opts_init(tr_acquire_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = TR_ACQ_E01;
	o->compression = TR_ACQ_COMPRESS_FAST;
	o->hashes = TR_HASH_MD5;
	o->retries = 2;
	o->tool = "triage-acquire";
}

static void
warnf(const struct acq *a, const char *fmt, ...) TRI_PRINTF(2, 3);

static void
warnf(const struct acq *a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (a->o->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	a->o->warn(a->o->warn_arg, buf);
}

static int
add_bad(struct acq *a, uint64_t off, uint64_t len)
{
	struct range *r;

	if (a->nbad > 0 && a->bad[a->nbad - 1].offset +
	    a->bad[a->nbad - 1].length == off) {
		a->bad[a->nbad - 1].length += len;
		return 0;
	}
	if ((r = realloc(a->bad, (a->nbad + 1) * sizeof(*r))) == NULL)
		return -1;
	a->bad = r;
	a->bad[a->nbad].offset = off;
	a->bad[a->nbad].length = len;
	a->nbad++;
	return 0;
}

/* pread all of len; -1 with errno on failure, else bytes (short at EOF). */
static ssize_t
pread_full(int fd, unsigned char *buf, size_t len, uint64_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * Read a block from a file or device: the whole block up to 1 + retries
 * times, then sector by sector (each up to 1 + retries times), zero-filling
 * what stays unreadable and recording it.
 */
static int
read_fd_block(struct acq *a, tri_blk *b, tr_error *err)
{
	unsigned try, ss = a->sector;
	size_t off, n;
	ssize_t got;
	int e = 0;

	for (try = 0; try <= a->o->retries; try++) {
		got = pread_full(a->fd, b->data, b->len, b->offset);
		if (got == (ssize_t)b->len)
			return TR_OK;
		e = got < 0 ? errno : 0;
		if (got >= 0)
			return tri_error_set(err, TR_EIO, "cannot read '%s' at "
			    "offset %llu: the source shrank to %llu bytes",
			    a->o->source, (unsigned long long)b->offset,
			    (unsigned long long)(b->offset + (uint64_t)got));
		if (try < a->o->retries) {
			a->retried++;
			warnf(a, "read error in '%s' at offset %llu (%s): "
			    "retrying", a->o->source,
			    (unsigned long long)b->offset, strerror(e));
		}
	}
	warnf(a, "read error in '%s' at offset %llu length %zu (%s): reading "
	    "sector by sector", a->o->source, (unsigned long long)b->offset,
	    b->len, strerror(e));
	for (off = 0; off < b->len; off += n) {
		n = b->len - off < ss ? b->len - off : ss;
		for (try = 0; try <= a->o->retries; try++) {
			got = pread_full(a->fd, b->data + off, n,
			    b->offset + off);
			if (got == (ssize_t)n)
				break;
		}
		if (got == (ssize_t)n)
			continue;
		memset(b->data + off, 0, n);
		if (add_bad(a, b->offset + off, n) != 0)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	return TR_OK;
}

/*
 * An E01 source goes through libewf itself, not libtsk, to see its checksum
 * errors: libewf zero-fills a damaged chunk and lists it, and that list is
 * reread for each block (its ranges may merge as reading goes on).  A read
 * that fails outright is redone chunk by chunk.
 */
static int
open_ewf_source(struct acq *a, tr_error *err)
{
	libewf_error_t *e = NULL;
	size_t i, n = tr_source_segments(a->src);
	char **names;
	size32_t chunk;
	int rc = TR_OK;

	if ((names = calloc(n + 1, sizeof(*names))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		names[i] = (char *)tr_source_segment(a->src, i);
	if (libewf_handle_initialize(&a->ewf_in, &e) != 1 ||
	    libewf_handle_open(a->ewf_in, names, (int)n, LIBEWF_OPEN_READ,
	    &e) != 1 ||
	    libewf_handle_set_read_zero_chunk_on_error(a->ewf_in, 1,
	    &e) != 1 ||
	    libewf_handle_get_bytes_per_sector(a->ewf_in, &a->ewf_bps,
	    &e) != 1 ||
	    libewf_handle_get_chunk_size(a->ewf_in, &chunk, &e) != 1) {
		char lib[256];

		tri_ewf_strerror(e, lib, sizeof(lib));
		rc = tri_error_set(err, TR_EFORMAT, "cannot open '%s'%s%s",
		    a->o->source, lib[0] ? ": " : "", lib);
	} else {
		if (a->ewf_bps == 0)
			a->ewf_bps = a->sector;
		a->ewf_chunk = chunk > 0 && chunk <= ACQ_BLOCK ? chunk :
		    a->ewf_bps;
	}
	free(names);
	return rc;
}

/* Record the listed checksum errors in [off, off + len), read in order. */
static int
ewf_bad_chunks(struct acq *a, uint64_t off, uint64_t len)
{
	uint64_t start, count, lo, hi, end = off + len;
	uint32_t i, n = 0;

	if (libewf_handle_get_number_of_checksum_errors(a->ewf_in, &n,
	    NULL) != 1)
		return 0;
	for (i = a->ck_from; i < n; i++) {
		if (libewf_handle_get_checksum_error(a->ewf_in, i, &start,
		    &count, NULL) != 1)
			continue;
		lo = start * a->ewf_bps;
		hi = lo + count * a->ewf_bps;
		/* A range that ends before this one cannot grow. */
		if (hi < off && i == a->ck_from)
			a->ck_from++;
		if (lo < off)
			lo = off;
		if (hi > end)
			hi = end;
		if (lo >= hi)
			continue;
		warnf(a, "checksum error in '%s' at offset %llu length %llu: "
		    "zero-filled", a->o->source, (unsigned long long)lo,
		    (unsigned long long)(hi - lo));
		if (add_bad(a, lo, hi - lo) != 0)
			return -1;
	}
	return 0;
}

static int
read_ewf_block(struct acq *a, tri_blk *b, tr_error *err)
{
	libewf_error_t *e = NULL;
	char lib[256];
	size_t off, n;
	ssize_t got;

	got = libewf_handle_read_random(a->ewf_in, b->data, b->len,
	    (off64_t)b->offset, &e);
	if (got == (ssize_t)b->len)
		return ewf_bad_chunks(a, b->offset, b->len) == 0 ? TR_OK :
		    tri_error_set(err, TR_ENOMEM, "out of memory");
	tri_ewf_strerror(e, lib, sizeof(lib));
	e = NULL;
	warnf(a, "cannot read '%s' at offset %llu length %zu%s%s: reading "
	    "chunk by chunk", a->o->source, (unsigned long long)b->offset,
	    b->len, lib[0] ? ": " : "", lib);
	for (off = 0; off < b->len; off += n) {
		n = a->ewf_chunk - (b->offset + off) % a->ewf_chunk;
		if (n > b->len - off)
			n = b->len - off;
		got = libewf_handle_read_random(a->ewf_in, b->data + off, n,
		    (off64_t)(b->offset + off), &e);
		libewf_error_free(&e);
		if (got != (ssize_t)n) {
			memset(b->data + off, 0, n);
			warnf(a, "cannot read '%s' at offset %llu length %zu: "
			    "zero-filled", a->o->source,
			    (unsigned long long)(b->offset + off), n);
			if (add_bad(a, b->offset + off, n) != 0)
				return tri_error_set(err, TR_ENOMEM,
				    "out of memory");
		} else if (ewf_bad_chunks(a, b->offset + off, n) != 0) {
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		}
	}
	return TR_OK;
}

static int
read_block(void *ctx, tri_blk *b, tr_error *err)
{
	struct acq *a = ctx;
	int64_t got;
	size_t i, k;
	uint64_t segsz, off;
	ssize_t n;

	if (b->offset + b->len <= a->resume_at) {
		/* Resumed: hash what the output already holds. */
		b->skip_write = 1;
		segsz = a->o->split;
		for (off = 0; off < b->len; off += (size_t)n) {
			i = segsz ? (size_t)((b->offset + off) / segsz) : 0;
			k = b->len - off;
			if (segsz && k > segsz - (b->offset + off) % segsz)
				k = (size_t)(segsz - (b->offset + off) % segsz);
			int fd = open(a->outs[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return tri_error_errno(err, TR_EIO, errno,
				    "cannot resume from '%s'", a->outs[i]);
			n = pread_full(fd, b->data + off, k, segsz ?
			    (b->offset + off) % segsz : b->offset + off);
			close(fd);
			if (n != (ssize_t)k)
				return tri_error_set(err, TR_EIO, "cannot "
				    "resume from '%s': short read",
				    a->outs[i]);
		}
		return TR_OK;
	}
	if (a->fd >= 0)
		return read_fd_block(a, b, err);
	if (a->ewf_in != NULL)
		return read_ewf_block(a, b, err);
	got = tr_source_read(a->src, b->offset, b->data, b->len, err);
	if (got < 0) {
		/* An image reports damage per read; zero-fill and go on. */
		warnf(a, "%s: zero-filled", err != NULL ? err->msg : "");
		memset(b->data, 0, b->len);
		return add_bad(a, b->offset, b->len) == 0 ? TR_OK :
		    tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	if ((size_t)got != b->len)
		return tri_error_set(err, TR_EFORMAT, "cannot read '%s' at "
		    "offset %llu: short read", a->o->source,
		    (unsigned long long)(b->offset + (uint64_t)got));
	return TR_OK;
}

static void
ewf_compress(void *ctx, tri_blk *b, size_t chunk, int worker)
{
	tri_ewf_compress(((struct acq *)ctx)->ewf, b, chunk, worker);
}

static int
ewf_write(void *ctx, tri_blk *b, tr_error *err)
{
	return tri_ewf_write(((struct acq *)ctx)->ewf, b, err);
}

static char *
raw_segment_name(const char *base, uint64_t split, unsigned i)
{
	char *s;
	size_t n = strlen(base) + 16;

	if ((s = malloc(n)) == NULL)
		return NULL;
	if (split == 0)
		snprintf(s, n, "%s", base);
	else
		snprintf(s, n, "%s.%03u", base, i + 1);
	return s;
}

static int
add_out(struct acq *a, char *path)
{
	char **o;

	if (path == NULL || (o = realloc(a->outs, (a->nouts + 1) *
	    sizeof(*o))) == NULL) {
		free(path);
		return -1;
	}
	a->outs = o;
	a->outs[a->nouts++] = path;
	return 0;
}

/*
 * Write the output with O_DIRECT where the file system takes it: no copy
 * into the page cache (a sixth of the CPU time of a raw acquisition with
 * three digests) and no dirty pages to throttle on.  A write it cannot take
 * (the unaligned tail, a split size not a multiple of the page) turns
 * O_DIRECT off for the rest of that file.
 */
static int
drop_direct(struct acq *a)
{
	int fl;

	if ((fl = fcntl(a->out_fd, F_GETFL)) == -1 ||
	    fcntl(a->out_fd, F_SETFL, fl & ~O_DIRECT) == -1)
		return -1;
	a->out_direct = 0;
	return 0;
}

static ssize_t
raw_pwrite(struct acq *a, const unsigned char *buf, size_t n, uint64_t off)
{
	ssize_t got;

	if (a->out_direct && ((off | n | (uintptr_t)buf) &
	    (TRI_BUF_ALIGN - 1)) != 0 && drop_direct(a) != 0)
		return -1;
	for (;;) {
		errno = 0;
		got = pwrite(a->out_fd, buf, n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EINVAL && a->out_direct) {
			if (drop_direct(a) != 0)
				return -1;
			continue;
		}
		return got;
	}
}

/* fsync and close the output; -1 with errno on failure. */
static int
raw_close(struct acq *a)
{
	int rc = 0;

	if (a->out_fd < 0)
		return 0;
	if (fsync(a->out_fd) != 0 && errno != EINVAL)
		rc = -1;
	if (close(a->out_fd) != 0)
		rc = -1;
	a->out_fd = -1;
	return rc;
}

static int
raw_write(void *ctx, tri_blk *b, tr_error *err)
{
	struct acq *a = ctx;
	uint64_t split = a->o->split, pos;
	size_t off = 0, n;
	unsigned seg;
	char *name;
	int fl;

	while (off < b->len) {
		pos = b->offset + off;
		seg = split ? (unsigned)(pos / split) : 0;
		n = b->len - off;
		if (split && n > split - pos % split)
			n = (size_t)(split - pos % split);
		if (a->out_fd < 0 || seg != a->out_seg) {
			if (raw_close(a) != 0)
				return tri_error_errno(err, TR_EIO, errno,
				    "cannot write '%s'", a->outs[a->out_seg]);
			if (seg >= a->nouts) {
				name = raw_segment_name(a->o->output, split,
				    seg);
				if (add_out(a, name) != 0)
					return tri_error_set(err, TR_ENOMEM,
					    "out of memory");
			}
			fl = O_WRONLY | O_CREAT | O_CLOEXEC |
			    (a->resume_at > 0 ? 0 : O_EXCL);
			a->out_direct = 1;
			a->out_fd = open(a->outs[seg], fl | O_DIRECT, 0644);
			if (a->out_fd < 0 && errno == EINVAL) {
				a->out_direct = 0;
				a->out_fd = open(a->outs[seg], fl, 0644);
			}
			if (a->out_fd < 0)
				return tri_error_errno(err, TR_EIO, errno,
				    "cannot create '%s'", a->outs[seg]);
			a->out_seg = seg;
		}
		if (raw_pwrite(a, b->data + off, n, split ? pos % split :
		    pos) != (ssize_t)n) {
			if (errno == 0)
				errno = ENOSPC;
			return tri_error_errno(err, TR_EIO, errno,
			    "cannot write '%s' at offset %llu",
			    a->outs[seg], (unsigned long long)(split ?
			    pos % split : pos));
		}
		off += n;
	}
	return TR_OK;
}

static void
read_sysfs(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *fp;
	size_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	n = fread(buf, 1, len - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	for (n = 0; buf[n] == ' '; n++)
		;
	memmove(buf, buf + n, strlen(buf + n) + 1);
}

/* The whole disk a block device number belongs to (itself if none). */
static dev_t
whole_disk(dev_t d)
{
	char dir[96], val[32];
	unsigned ma, mi;

	snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u", major(d),
	    minor(d));
	read_sysfs(dir, "partition", val, sizeof(val));
	if (val[0] == '\0')
		return d;
	snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u/..", major(d),
	    minor(d));
	read_sysfs(dir, "dev", val, sizeof(val));
	if (sscanf(val, "%u:%u", &ma, &mi) != 2)
		return d;
	return makedev(ma, mi);
}

static int
same_file(const char *path, const struct stat *st)
{
	struct stat o;

	return stat(path, &o) == 0 && o.st_dev == st->st_dev &&
	    o.st_ino == st->st_ino;
}

/* Refuse an output on the source (its file, or its disk's filesystems). */
static int
check_output(struct acq *a, const struct stat *sst, tr_error *err)
{
	const tr_acquire_opts *o = a->o;
	char dir[PATH_MAX], *slash;
	struct stat dst;
	size_t i;

	snprintf(dir, sizeof(dir), "%s", o->output);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &dst) != 0)
		return tri_error_errno(err, TR_ENOTFOUND, errno,
		    "cannot write to '%s'", dir);
	if (!S_ISDIR(dst.st_mode))
		return tri_error_set(err, TR_EINVAL, "cannot write to '%s': "
		    "not a directory", dir);
	if (S_ISBLK(sst->st_mode) && (dst.st_dev == sst->st_rdev ||
	    whole_disk(dst.st_dev) == whole_disk(sst->st_rdev)))
		return tri_error_set(err, TR_EINVAL, "output '%s' is on the "
		    "source device '%s'", o->output, o->source);
	for (i = 0; i < tr_source_segments(a->src); i++) {
		struct stat seg;

		if (stat(tr_source_segment(a->src, i), &seg) != 0)
			continue;
		if (same_file(o->output, &seg))
			return tri_error_set(err, TR_EINVAL, "output '%s' is "
			    "the source itself", o->output);
	}
	if (same_file(o->output, sst))
		return tri_error_set(err, TR_EINVAL, "output '%s' is the "
		    "source itself", o->output);
	return TR_OK;
}

static void
source_identity(struct acq *a, const struct stat *st)
{
	char dir[96];

	if (!S_ISBLK(st->st_mode))
		return;
	a->is_device = 1;
	snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u/device",
	    major(whole_disk(st->st_rdev)), minor(whole_disk(st->st_rdev)));
	read_sysfs(dir, "model", a->model, sizeof(a->model));
	read_sysfs(dir, "vendor", a->vendor, sizeof(a->vendor));
	read_sysfs(dir, "serial", a->serial, sizeof(a->serial));
	if (a->serial[0] == '\0') {
		snprintf(dir, sizeof(dir), "/sys/dev/block/%u:%u",
		    major(whole_disk(st->st_rdev)),
		    minor(whole_disk(st->st_rdev)));
		read_sysfs(dir, "serial", a->serial, sizeof(a->serial));
	}
}

static void
now_utc(tr_time *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t->sec = ts.tv_sec;
	t->nsec = 0;
	t->digits = 0;
}

static const char *
sha256_file(const char *path, char hex[TR_HASH_HEX_MAX], uint64_t *size)
{
	unsigned char *buf;
	tr_hash *h = NULL;
	ssize_t n;
	int fd;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if ((buf = malloc(ACQ_BLOCK)) == NULL ||
	    tr_hash_new(&h, TR_HASH_SHA256, NULL) != TR_OK) {
		free(buf);
		close(fd);
		return NULL;
	}
	while ((n = read(fd, buf, ACQ_BLOCK)) > 0) {
		tr_hash_update(h, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	close(fd);
	free(buf);
	if (n < 0) {
		tr_hash_free(h);
		return NULL;
	}
	tr_hash_final(h, NULL, NULL, hex);
	tr_hash_free(h);
	return hex;
}

static const char *
compression_name(int c)
{
	return c == TR_ACQ_COMPRESS_NONE ? "none" :
	    c == TR_ACQ_COMPRESS_BEST ? "best" : "fast";
}

static tr_rec *
build_record(struct acq *a, const tri_pipe_result *res, const tr_time *t0,
    const tr_time *t1, const char *status, const char *error)
{
	const tr_acquire_opts *o = a->o;
	tr_rec *r, *arr, *x, *v;
	char hex[TR_HASH_HEX_MAX];
	struct stat st;
	uint64_t sz;
	size_t i;
	int k, reuse;

	if ((r = tr_rec_new("acquisition")) == NULL)
		return NULL;
	tr_rec_set_text(r, "source", o->source, strlen(o->source));
	tr_rec_set_str(r, "source_format", a->is_device ? "device" :
	    tr_source_format(a->src));
	tr_rec_set_uint(r, "size", a->size);
	tr_rec_set_uint(r, "sector_size", a->sector);
	if (a->vendor[0] != '\0')
		tr_rec_set_text(r, "vendor", a->vendor, strlen(a->vendor));
	if (a->model[0] != '\0')
		tr_rec_set_text(r, "model", a->model, strlen(a->model));
	if (a->serial[0] != '\0')
		tr_rec_set_text(r, "serial", a->serial, strlen(a->serial));
	tr_rec_set_str(r, "format", o->format == TR_ACQ_E01 ? "e01" : "raw");
	if (o->format == TR_ACQ_E01)
		tr_rec_set_str(r, "compression",
		    compression_name(o->compression));
	tr_rec_set_time(r, "started", t0);
	tr_rec_set_time(r, "finished", t1);
	tr_rec_set_uint(r, "bytes", res->done);
	tr_rec_set_str(r, "status", status);
	tr_rec_set_str(r, "error", error);
	if (strcmp(status, "complete") == 0) {
		for (k = 0; k < TRI_NALGOS; k++)
			if (o->hashes & (1u << k))
				tr_rec_set_str(r, tr_hash_name(1u << k),
				    res->hex[k]);
		if (res->nwindows > 0 && (arr = tr_rec_new_array()) != NULL) {
			tr_rec_set_uint(r, "hash_window", o->hash_window);
			for (i = 0; i < res->nwindows; i++) {
				if ((x = tr_rec_new_object()) == NULL)
					break;
				tr_rec_set_uint(x, "offset",
				    i * o->hash_window);
				sz = a->size - i * o->hash_window;
				tr_rec_set_uint(x, "length",
				    sz < o->hash_window ? sz :
				    o->hash_window);
				for (k = 0; k < TRI_NALGOS; k++)
					if (o->hashes & (1u << k))
						tr_rec_set_str(x,
						    tr_hash_name(1u << k),
						    res->windows[i].hex[k]);
				tr_rec_append(arr, x);
			}
			tr_rec_set_rec(r, "hash_windows", arr);
		}
	}
	if ((arr = tr_rec_new_array()) != NULL) {
		for (i = 0; i < a->nbad; i++) {
			if ((x = tr_rec_new_object()) == NULL)
				break;
			tr_rec_set_uint(x, "offset", a->bad[i].offset);
			tr_rec_set_uint(x, "length", a->bad[i].length);
			tr_rec_append(arr, x);
		}
		tr_rec_set_rec(r, "read_errors", arr);
	}
	reuse = o->format == TR_ACQ_RAW && o->split == 0 && a->nouts == 1 &&
	    (o->hashes & TR_HASH_SHA256) && strcmp(status, "complete") == 0;
	if ((arr = tr_rec_new_array()) != NULL) {
		for (i = 0; i < a->nouts; i++) {
			if ((x = tr_rec_new_object()) == NULL)
				break;
			tr_rec_set_text(x, "path", a->outs[i],
			    strlen(a->outs[i]));
			/* A single raw file holds exactly the media bytes:
			 * its SHA-256 is the media's, when computed. */
			if (reuse && stat(a->outs[i], &st) == 0 &&
			    (uint64_t)st.st_size == a->size) {
				tr_rec_set_uint(x, "size", a->size);
				tr_rec_set_str(x, "sha256", res->hex[2]);
			} else if (sha256_file(a->outs[i], hex, &sz) != NULL) {
				tr_rec_set_uint(x, "size", sz);
				tr_rec_set_str(x, "sha256", hex);
			}
			tr_rec_append(arr, x);
		}
		tr_rec_set_rec(r, "outputs", arr);
	}
	if (o->format == TR_ACQ_E01) {
		tr_rec_set_uint(r, "segment_size", o->segment_size ?
		    o->segment_size : DEFAULT_SEGMENT);
	} else if (o->split > 0) {
		tr_rec_set_uint(r, "split", o->split);
	}
	tr_rec_set_str(r, "case_number", o->case_number);
	tr_rec_set_str(r, "evidence_number", o->evidence_number);
	tr_rec_set_str(r, "examiner", o->examiner);
	tr_rec_set_str(r, "description", o->description);
	tr_rec_set_str(r, "notes", o->notes);
	tr_rec_set_str(r, "media_type", o->media_type);
	tr_rec_set_str(r, "tool", o->tool);
	if ((v = tr_rec_new_object()) != NULL) {
		tr_rec_set_str(v, "triage", tr_version());
		tr_rec_set_str(v, "libtsk", tr_version_tsk());
		tr_rec_set_str(v, "libewf", tr_version_ewf());
		tr_rec_set_str(v, "openssl", tr_version_openssl());
		tr_rec_set_str(v, "zlib", zlibVersion());
		tr_rec_set_str(v, "libdeflate", LIBDEFLATE_VERSION_STRING);
		tr_rec_set_rec(r, "versions", v);
	}
	return r;
}

static int
write_json(const char *output, const tr_rec *r, tr_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], *s;
	FILE *fp;
	int rc = TR_OK;

	snprintf(path, sizeof(path), "%s.json", output);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((s = tr_rec_dump(r)) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	if ((fp = fopen(tmp, "w")) == NULL) {
		free(s);
		return tri_error_errno(err, TR_EIO, errno, "cannot create "
		    "'%s'", tmp);
	}
	if (fputs(s, fp) == EOF || fputc('\n', fp) == EOF)
		rc = TR_EIO;
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		rc = TR_EIO;
	if (fclose(fp) != 0)
		rc = TR_EIO;
	free(s);
	if (rc != TR_OK) {
		rc = tri_error_errno(err, TR_EIO, errno, "cannot write '%s'",
		    tmp);
		unlink(tmp);
		return rc;
	}
	if (rename(tmp, path) != 0)
		return tri_error_errno(err, TR_EIO, errno, "cannot rename "
		    "'%s'", tmp);
	return TR_OK;
}

/* Read PATH.json of an interrupted raw run and check its outputs. */
static int
prepare_resume(struct acq *a, tr_error *err)
{
	const tr_acquire_opts *o = a->o;
	char path[PATH_MAX];
	tr_jsonl_reader *rd = NULL;
	tr_rec *r = NULL, *arr, *x;
	int64_t bytes, v;
	uint64_t have = 0;
	const char *s;
	struct stat st;
	size_t i;
	int rc;

	if (o->format != TR_ACQ_RAW)
		return tri_error_set(err, TR_EUNSUPPORTED, "cannot resume "
		    "'%s': only raw images can be resumed", o->output);
	snprintf(path, sizeof(path), "%s.json", o->output);
	if ((rc = tr_jsonl_reader_open(&rd, path, err)) != TR_OK)
		return rc;
	rc = tr_jsonl_read(rd, &r, err);
	tr_jsonl_reader_close(rd);
	if (rc == 0)
		return tri_error_set(err, TR_EFORMAT, "cannot resume: '%s' "
		    "is empty", path);
	if (rc < 0)
		return rc;
	rc = TR_EFORMAT;
	if (tr_rec_kind(r) == NULL || strcmp(tr_rec_kind(r),
	    "acquisition") != 0 || tr_rec_get_int(r, "bytes", &bytes) != 1 ||
	    bytes < 0 || (s = tr_rec_get_str(r, "status")) == NULL) {
		rc = tri_error_set(err, TR_EFORMAT, "cannot resume: '%s' is "
		    "not an acquisition record", path);
		goto out;
	}
	if (strcmp(s, "complete") == 0) {
		rc = tri_error_set(err, TR_EINVAL, "cannot resume: '%s' says "
		    "the acquisition is complete", path);
		goto out;
	}
	if (!tr_rec_get_int(r, "size", &v) || (uint64_t)v != a->size ||
	    (s = tr_rec_get_str(r, "format")) == NULL ||
	    strcmp(s, "raw") != 0 ||
	    (tr_rec_get_int(r, "split", &v) ? (uint64_t)v : 0) != o->split) {
		rc = tri_error_set(err, TR_EINVAL, "cannot resume: '%s' was "
		    "made from another source size, format or split", path);
		goto out;
	}
	/* Resume at a block boundary the outputs really hold. */
	for (i = 0;; i++) {
		char *name = raw_segment_name(o->output, o->split, (unsigned)i);

		if (name == NULL || stat(name, &st) != 0) {
			free(name);
			break;
		}
		have += (uint64_t)st.st_size;
		if (add_out(a, name) != 0) {
			rc = tri_error_set(err, TR_ENOMEM, "out of memory");
			goto out;
		}
		if (o->split == 0 || (uint64_t)st.st_size < o->split)
			break;
	}
	if ((uint64_t)bytes > have)
		bytes = (int64_t)have;
	a->resume_at = (uint64_t)bytes / ACQ_BLOCK * ACQ_BLOCK;
	if ((arr = tr_rec_get_rec(r, "read_errors")) != NULL)
		for (i = 0; i < tr_rec_array_size(arr); i++) {
			int64_t off, len;

			x = tr_rec_array_get(arr, i);
			if (tr_rec_get_int(x, "offset", &off) &&
			    tr_rec_get_int(x, "length", &len) && off >= 0 &&
			    len > 0 && (uint64_t)off < a->resume_at)
				add_bad(a, (uint64_t)off, (uint64_t)len);
		}
	rc = TR_OK;
out:
	tr_rec_free(r);
	return rc;
}

static int
refuse_existing(struct acq *a, tr_error *err)
{
	const tr_acquire_opts *o = a->o;
	char *name, json[PATH_MAX];
	struct stat st;
	int exists;

	name = o->format == TR_ACQ_E01 ? tri_ewf_segment_name(o->output, 0) :
	    raw_segment_name(o->output, o->split, 0);
	if (name == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	exists = lstat(name, &st) == 0;
	if (exists) {
		tri_error_set(err, TR_EINVAL, "output '%s' exists: remove it "
		    "or use --resume", name);
		free(name);
		return TR_EINVAL;
	}
	free(name);
	snprintf(json, sizeof(json), "%s.json", o->output);
	if (lstat(json, &st) == 0)
		return tri_error_set(err, TR_EINVAL, "output '%s' exists: "
		    "remove it or use --resume", json);
	return TR_OK;
}

static void
acq_release(struct acq *a)
{
	size_t i;

	if (a->fd >= 0)
		close(a->fd);
	if (a->out_fd >= 0)
		close(a->out_fd);
	tri_ewf_abort(a->ewf);
	if (a->ewf_in != NULL) {
		libewf_handle_close(a->ewf_in, NULL);
		libewf_handle_free(&a->ewf_in, NULL);
	}
	tr_source_close(a->src);
	for (i = 0; i < a->nouts; i++)
		free(a->outs[i]);
	free(a->outs);
	free(a->bad);
}

int
tr_acquire(const tr_acquire_opts *o, tr_rec **record, tr_error *err)
{
	struct acq a;
	struct stat st;
	tri_pipe_cfg cfg;
	tri_pipe_ops ops;
	tri_pipe_result res;
	tr_error perr, jerr;
	tr_time t0, t1;
	const char *fmt, *status;
	tr_rec *r;
	long ncpu;
	size_t i;
	int rc;

	*record = NULL;
	memset(&a, 0, sizeof(a));
	memset(&res, 0, sizeof(res));
	a.o = o;
	a.fd = a.out_fd = -1;
	if (o->source == NULL || o->output == NULL || *o->output == '\0')
		return tri_error_set(err, TR_EINVAL, "no source or output");
	if (o->format == TR_ACQ_RAW && o->split > 0 && o->split % 512 != 0)
		return tri_error_set(err, TR_EINVAL, "split size %llu is not "
		    "a multiple of 512", (unsigned long long)o->split);
	if (stat(o->source, &st) != 0)
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot open '%s'", o->source);
	if (S_ISDIR(st.st_mode))
		return tri_error_set(err, TR_EINVAL, "cannot acquire '%s': "
		    "it is a directory", o->source);
	if ((rc = tr_source_open(&a.src, o->source, o->source_format, 0,
	    err)) != TR_OK)
		return rc;
	a.size = tr_source_size(a.src);
	a.sector = tr_source_sector_size(a.src);
	if (a.sector == 0)
		a.sector = 512;
	fmt = tr_source_format(a.src);
	if ((rc = check_output(&a, &st, err)) != TR_OK)
		goto out;
	source_identity(&a, &st);
	/* A single plain file or device: read it ourselves, to retry. */
	if (strcmp(fmt, "device") == 0 || (strcmp(fmt, "raw") == 0 &&
	    tr_source_segments(a.src) == 1)) {
		a.fd = open(o->source, O_RDONLY | O_CLOEXEC | O_NOATIME);
		if (a.fd < 0)
			a.fd = open(o->source, O_RDONLY | O_CLOEXEC);
		if (a.fd < 0) {
			rc = tri_error_errno(err, TR_EIO, errno,
			    "cannot open '%s'", o->source);
			goto out;
		}
		/* Read once, in order: a larger readahead. */
		(void)posix_fadvise(a.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		if (S_ISBLK(st.st_mode)) {
			uint64_t bytes;
			int ss;

			if (ioctl(a.fd, BLKGETSIZE64, &bytes) == 0)
				a.size = bytes;
			if (ioctl(a.fd, BLKSSZGET, &ss) == 0 && ss >= 512)
				a.sector = (unsigned)ss;
		}
	} else if (strcmp(fmt, "ewf") == 0 &&
	    (rc = open_ewf_source(&a, err)) != TR_OK) {
		goto out;
	}
	if (o->resume)
		rc = prepare_resume(&a, err);
	else
		rc = refuse_existing(&a, err);
	if (rc != TR_OK)
		goto out;

	memset(&cfg, 0, sizeof(cfg));
	memset(&ops, 0, sizeof(ops));
	if (o->format == TR_ACQ_E01) {
		if ((rc = tri_ewf_open(&a.ewf, o, a.size, a.sector,
		    a.model[0] ? a.model : NULL,
		    a.serial[0] ? a.serial : NULL, err)) != TR_OK)
			goto out;
		cfg.chunk = tri_ewf_chunk(a.ewf);
		ops.compress = ewf_compress;
		ops.write = ewf_write;
	} else {
		cfg.chunk = ACQ_BLOCK;
		ops.write = raw_write;
	}
	ops.ctx = &a;
	ops.read = read_block;
	cfg.size = a.size;
	cfg.block = ACQ_BLOCK;
	cfg.hashes = o->hashes;
	cfg.hash_window = o->hash_window;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.workers = o->threads > 0 ? o->threads : ncpu > 0 ? (int)ncpu : 1;
	cfg.stop = o->stop;
	cfg.progress = o->progress;
	cfg.progress_arg = o->progress_arg;

	now_utc(&t0);
	rc = tri_pipe_run(&cfg, &ops, &res, &perr);
	status = rc != TR_OK ? "failed" : res.stopped ? "interrupted" :
	    "complete";
	for (i = 0; rc == TR_OK && a.ewf != NULL && i < a.nbad; i++)
		rc = tri_ewf_add_error(a.ewf, a.bad[i].offset,
		    a.bad[i].length, &perr);
	if (a.ewf != NULL) {
		int frc = tri_ewf_finish(a.ewf, strcmp(status, "complete") ==
		    0 && (o->hashes & TR_HASH_MD5) ? res.hex[0] : NULL,
		    strcmp(status, "complete") == 0 &&
		    (o->hashes & TR_HASH_SHA1) ? res.hex[1] : NULL, &perr);

		a.ewf = NULL;
		if (frc != TR_OK && rc == TR_OK) {
			rc = frc;
			status = "failed";
		}
		for (i = 0;; i++) {
			char *name = tri_ewf_segment_name(o->output,
			    (unsigned)i);

			if (name == NULL || access(name, F_OK) != 0) {
				free(name);
				break;
			}
			add_out(&a, name);
		}
	} else if (a.out_fd >= 0) {
		if (raw_close(&a) != 0) {
			if (rc == TR_OK)
				rc = tri_error_errno(&perr, TR_EIO, errno,
				    "cannot write '%s'", a.outs[a.out_seg]);
			status = "failed";
		}
		a.out_fd = -1;
	}
	now_utc(&t1);
	r = build_record(&a, &res, &t0, &t1, status, rc != TR_OK ?
	    perr.msg : NULL);
	if (r == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	*record = r;
	if (write_json(o->output, r, &jerr) != TR_OK && rc == TR_OK) {
		perr = jerr;
		rc = jerr.code;
	}
	if (rc != TR_OK) {
		if (err != NULL)
			*err = perr;
	} else if (res.stopped) {
		rc = tri_error_set(err, TR_EINTR, "acquisition of '%s' "
		    "interrupted after %llu bytes", o->source,
		    (unsigned long long)res.done);
	}
out:
	free(res.windows);
	acq_release(&a);
	return rc;
}
