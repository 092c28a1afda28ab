/* SPDX-License-Identifier: Apache-2.0 */
/* The scan engine: sources and stdin records queued to scanning threads. */
#include "internal.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW		(1u << 20)
#define OVERLAP		(64u << 10)
#define MAX_MATCHES	256
#define QUEUE_MAX	4096
#define MSG_MAX		2048

/* One source operand, open until the end. */
struct src {
	const char	*arg;		/* as given */
	const char	*label;		/* "source" in records */
	tr_source	*src;
	tr_layout	*layout;
	int		live;		/* a folder, or a plain file's folder */
};

enum { ITEM_FILE, ITEM_REGION };

struct item {
	struct item	*next;
	int		kind;
	struct src	*sc;
	int		fsi;		/* layout->fs index; -1: none */
	char		*inode, *path, *stream;
	int		has_size, deleted;
	uint64_t	size;
	tr_time		mtime, atime, ctime, btime;
	tr_extent	*ext;		/* regions */
	size_t		next_ext;
	const char	*region;
};

struct job {
	const tr_scan_run_opts	*o;
	const tr_rules		*rules;
	pthread_mutex_t		mu;
	pthread_cond_t		can_put, can_get;
	struct item		*head, *tail;
	size_t			n;
	int			closed;
	pthread_mutex_t		count_mu;
	unsigned long		nhits, nerrors;
};

static void TRI_PRINTF(3, 4)
say(const struct job *j, int error, const char *fmt, ...)
{
	tr_warn_fn fn = error ? j->o->error : j->o->warn;
	char buf[MSG_MAX];
	va_list ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fn(error ? j->o->error_arg : j->o->warn_arg, buf);
}

#define ERR(j, ...)	say((j), 1, __VA_ARGS__)
#define WARN(j, ...)	say((j), 0, __VA_ARGS__)

static void
count(struct job *j, unsigned long *c)
{
	pthread_mutex_lock(&j->count_mu);
	(*c)++;
	pthread_mutex_unlock(&j->count_mu);
}

static void
item_free(struct item *it)
{
	if (it == NULL)
		return;
	free(it->inode);
	free(it->path);
	free(it->stream);
	free(it->ext);
	free(it);
}

static void
put(struct job *j, struct item *it)
{
	pthread_mutex_lock(&j->mu);
	while (j->n >= QUEUE_MAX)
		pthread_cond_wait(&j->can_put, &j->mu);
	if (j->tail != NULL)
		j->tail->next = it;
	else
		j->head = it;
	j->tail = it;
	j->n++;
	pthread_cond_signal(&j->can_get);
	pthread_mutex_unlock(&j->mu);
}

static struct item *
get(struct job *j)
{
	struct item *it;

	pthread_mutex_lock(&j->mu);
	while (j->head == NULL && !j->closed)
		pthread_cond_wait(&j->can_get, &j->mu);
	if ((it = j->head) != NULL) {
		j->head = it->next;
		if (j->head == NULL)
			j->tail = NULL;
		j->n--;
		pthread_cond_signal(&j->can_put);
	}
	pthread_mutex_unlock(&j->mu);
	return it;
}

static void
close_queue(struct job *j)
{
	pthread_mutex_lock(&j->mu);
	j->closed = 1;
	pthread_cond_broadcast(&j->can_get);
	pthread_mutex_unlock(&j->mu);
}

static int
selected(const struct job *j, const char *path)
{
	const tr_scan_run_opts *o = j->o;
	size_t i;

	for (i = 0; i < o->nexclude; i++)
		if (fnmatch(o->exclude[i], path, 0) == 0)
			return 0;
	for (i = 0; i < o->ninclude; i++)
		if (fnmatch(o->include[i], path, 0) == 0)
			return 1;
	return o->ninclude == 0;
}

/* A hit in free blocks, written once the blocks' owners are known. */
struct pend {
	tr_hit_addr	a;
	tr_rec		*match;
};

/* A worker's filesystems, opened on first use (a tr_fs is per thread). */
struct fs_slot {
	struct src	*sc;
	int		fsi;
	tr_fs		*fs;
};

struct worker {
	struct job	*job;
	pthread_t	tid;
	tr_scanner	*scanner;
	struct fs_slot	*fs;
	size_t		nfs;
	/* The region being scanned, and its hits held for their owners. */
	struct item	*it;
	struct pend	*pend;
	size_t		npend, cap;
};

static tr_fs *
worker_fs(struct worker *w, struct src *sc, int fsi)
{
	struct fs_slot *ns;
	tr_error err;
	tr_fs *fs;
	size_t i;

	for (i = 0; i < w->nfs; i++)
		if (w->fs[i].sc == sc && w->fs[i].fsi == fsi)
			return w->fs[i].fs;
	if (tr_fs_open(&fs, sc->src, &sc->layout->fs[fsi], &err) != TR_OK) {
		ERR(w->job, "%s", err.msg);
		fs = NULL;
	}
	if ((ns = realloc(w->fs, (w->nfs + 1) * sizeof(*ns))) == NULL) {
		tr_fs_close(fs);
		return NULL;
	}
	w->fs = ns;
	w->fs[w->nfs].sc = sc;
	w->fs[w->nfs].fsi = fsi;
	w->fs[w->nfs].fs = fs;
	w->nfs++;
	return fs;
}

static int
emit(struct job *j, const tr_hit_addr *a, const tr_rec *match)
{
	tr_error err;
	tr_rec *r;
	int rc;

	if ((r = tr_hit_record(a, match)) == NULL) {
		ERR(j, "out of memory");
		count(j, &j->nerrors);
		return TR_ENOMEM;
	}
	rc = j->o->out(j->o->out_arg, r, &err);
	tr_rec_free(r);
	if (rc != TR_OK) {
		ERR(j, "%s", err.msg);
		count(j, &j->nerrors);
		return rc;
	}
	count(j, &j->nhits);
	return TR_OK;
}

static void
scan_error(struct job *j, const struct item *it, const tr_error *err)
{
	if (err->code == TR_EIO)
		ERR(j, "%s", err->msg);	/* names inode, source, offset */
	else if (it->sc->live == 2)
		ERR(j, "cannot scan '%s': %s", it->sc->arg, err->msg);
	else if (it->inode != NULL && !it->sc->live)
		ERR(j, "cannot scan '%s' (inode %s) in '%s': %s", it->path,
		    it->inode, it->sc->label, err->msg);
	else
		ERR(j, "cannot scan '%s' in '%s': %s", it->path,
		    it->sc->label, err->msg);
	count(j, &j->nerrors);
}

/* Scan one file; returns the bytes scanned (0 when it was not). */
static uint64_t
scan_file(struct worker *w, struct item *it)
{
	struct job *j = w->job;
	const tr_fs_info *fi = NULL;
	char sha[TR_HASH_HEX_MAX];
	const char *name;
	tr_scan_target t;
	tr_rec *m = NULL;
	tr_hit_addr a;
	tr_file *f = NULL;
	tr_error err;
	tr_fs *fs;
	uint64_t size;
	size_t i;
	int rc;

	if ((fs = worker_fs(w, it->sc, it->fsi)) == NULL) {
		count(j, &j->nerrors);
		return 0;
	}
	fi = tr_fs_get_info(fs);
	rc = tr_file_open(&f, fs, it->sc->live ? NULL : it->inode,
	    it->sc->live || it->inode == NULL ? it->path : NULL, &err);
	if (rc != TR_OK) {
		scan_error(j, it, &err);
		return 0;
	}
	if (tr_file_size(f) > j->o->max_size) {
		if (it->sc->live == 2)
			WARN(j, "skipped '%s': %" PRIu64 " bytes, over "
			    "--max-size %" PRIu64, it->sc->arg,
			    tr_file_size(f), j->o->max_size);
		else
			WARN(j, "skipped '%s' in '%s': %" PRIu64 " bytes, "
			    "over --max-size %" PRIu64, it->path,
			    it->sc->label, tr_file_size(f), j->o->max_size);
		tr_file_close(f);
		return 0;
	}
	name = strrchr(it->path, '/');
	t.filename = name != NULL ? name + 1 : it->path;
	t.filepath = it->path;
	t.deleted = it->deleted;
	rc = tr_scanner_scan_file(w->scanner, f, &t, &m, sha, &err);
	if (rc != TR_OK) {
		scan_error(j, it, &err);
		tr_file_close(f);
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.source = it->sc->label;
	a.volume = fi->volume;
	a.fs = it->sc->live ? NULL : fi->fs;
	a.inode = it->inode;
	a.path = it->path;
	a.stream = it->stream;
	a.has_size = 1;
	a.size = tr_file_size(f);
	a.deleted = it->deleted;
	a.mtime = it->mtime;
	a.atime = it->atime;
	a.ctime = it->ctime;
	a.btime = it->btime;
	a.sha256 = sha;
	for (i = 0; m != NULL && i < tr_rec_array_size(m); i++)
		if (emit(j, &a, tr_rec_array_get(m, i)) != TR_OK)
			break;
	tr_rec_free(m);
	size = tr_file_size(f);
	tr_file_close(f);
	return size;
}

static int
region_hit(void *arg, tr_rec *match)
{
	struct worker *w = arg;
	struct item *it = w->it;
	const tr_fs_info *fi = NULL;
	tr_rec *strs, *s0;
	tr_hit_addr a;
	int64_t off;
	int rc;

	memset(&a, 0, sizeof(a));
	a.source = it->sc->label;
	a.volume = -1;
	a.deleted = -1;
	a.mtime = a.atime = a.ctime = a.btime = TR_TIME_UNSET;
	a.region = it->region;
	if (it->fsi >= 0) {
		fi = &it->sc->layout->fs[it->fsi];
		a.volume = fi->volume;
		a.fs = fi->fs;
	}
	strs = tr_rec_get_rec(match, "strings");
	if (strs != NULL && (s0 = tr_rec_array_get(strs, 0)) != NULL &&
	    tr_rec_get_int(s0, "offset", &off) && off >= 0) {
		a.has_offset = 1;
		a.offset = (uint64_t)off;
		if (fi != NULL && fi->block_size > 0 &&
		    a.offset >= fi->offset) {
			a.has_block = 1;
			a.block = (a.offset - fi->offset) / fi->block_size;
		}
	}
	if (a.has_block) {
		if (w->npend == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 16;
			struct pend *np;

			if ((np = realloc(w->pend, cap * sizeof(*np))) ==
			    NULL) {
				tr_rec_free(match);
				ERR(w->job, "out of memory");
				count(w->job, &w->job->nerrors);
				return TR_ENOMEM;
			}
			w->pend = np;
			w->cap = cap;
		}
		w->pend[w->npend].a = a;
		w->pend[w->npend].match = match;
		w->npend++;
		return TR_OK;
	}
	rc = emit(w->job, &a, match);
	tr_rec_free(match);
	return rc;
}

static int
owner_cmp(const void *a, const void *b)
{
	const tr_block_owner *x = a, *y = b;

	return x->block < y->block ? -1 : x->block > y->block;
}

/* Name the deleted files that owned the held hits' blocks; write them. */
static void
flush_region(struct worker *w, struct item *it)
{
	struct job *j = w->job;
	tr_block_owner *own = NULL, key, *o;
	tr_error err;
	tr_fs *fs;
	size_t i;
	int failed = 0;

	if (w->npend == 0)
		return;
	if ((own = calloc(w->npend, sizeof(*own))) == NULL) {
		ERR(j, "out of memory");
		count(j, &j->nerrors);
		failed = 1;
	} else if ((fs = worker_fs(w, it->sc, it->fsi)) == NULL) {
		failed = 1;
	} else {
		for (i = 0; i < w->npend; i++)
			own[i].block = w->pend[i].a.block;
		if (tr_fs_block_owners(fs, own, w->npend, &err) != TR_OK)
			WARN(j, "cannot tell which deleted files owned the "
			    "free blocks of '%s': %s", it->sc->label, err.msg);
	}
	for (i = 0; i < w->npend; i++) {
		struct pend *p = &w->pend[i];

		key.block = p->a.block;
		if (!failed && (o = bsearch(&key, own, w->npend, sizeof(*own),
		    owner_cmp)) != NULL && o->inode[0] != '\0') {
			p->a.owner_inode = o->inode;
			p->a.owner_path = o->path;
		}
		(void)emit(j, &p->a, p->match);
		tr_rec_free(p->match);
	}
	if (own != NULL)
		tr_block_owners_release(own, w->npend);
	free(own);
	w->npend = 0;
}

/* Scan one region of raw space; returns its length in bytes. */
static uint64_t
scan_region(struct worker *w, struct item *it)
{
	tr_scan_target t = { NULL, NULL, 0 };
	tr_error err;
	uint64_t len = 0;
	size_t i;

	w->it = it;
	w->npend = 0;
	if (tr_scanner_scan_extents(w->scanner, it->sc->src, it->ext,
	    it->next_ext, WINDOW, OVERLAP, &t, region_hit, w, &err) !=
	    TR_OK) {
		ERR(w->job, "cannot scan the %s space of '%s': %s", it->region,
		    it->sc->label, err.msg);
		count(w->job, &w->job->nerrors);
	}
	flush_region(w, it);
	for (i = 0; i < it->next_ext; i++)
		len += it->ext[i].length;
	return len;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	const tr_scan_run_opts *o = w->job->o;
	struct item *it;
	uint64_t n;

	while ((it = get(w->job)) != NULL) {
		if (it->kind == ITEM_FILE)
			n = scan_file(w, it);
		else
			n = scan_region(w, it);
		if (o->progress != NULL)
			o->progress(o->progress_arg, it->kind == ITEM_FILE,
			    n);
		item_free(it);
	}
	return NULL;
}

static struct item *
item_new(struct src *sc, int fsi, const char *inode, const char *path,
    const char *stream)
{
	struct item *it;

	if ((it = calloc(1, sizeof(*it))) == NULL)
		return NULL;
	it->sc = sc;
	it->fsi = fsi;
	it->mtime = it->atime = it->ctime = it->btime = TR_TIME_UNSET;
	if ((inode != NULL && (it->inode = strdup(inode)) == NULL) ||
	    (path != NULL && (it->path = strdup(path)) == NULL) ||
	    (stream != NULL && (it->stream = strdup(stream)) == NULL)) {
		item_free(it);
		return NULL;
	}
	return it;
}

struct walk_arg {
	struct job	*job;
	struct src	*sc;
	int		fsi;
	unsigned	warns;
};

static void
walk_warn(void *arg, const char *msg)
{
	struct walk_arg *wa = arg;

	wa->warns++;
	WARN(wa->job, "%s", msg);
}

static int
walk_cb(void *arg, const tr_entry *e)
{
	struct walk_arg *wa = arg;
	struct job *j = wa->job;
	struct item *it;

	if (e->type != TR_FT_FILE || !e->has_meta)
		return TR_WALK_CONTINUE;
	if (e->deleted && (!(j->o->flags & TR_SCAN_DELETED) ||
	    !e->recoverable || e->realloc))
		return TR_WALK_CONTINUE;
	/* NTFS $BadClus:$Bad: as large as the volume, sparse, no data. */
	if (e->stream != NULL && strcmp(e->stream, "$Bad") == 0 &&
	    strcmp(e->path, "/$BadClus") == 0)
		return TR_WALK_CONTINUE;
	if (!selected(j, e->path))
		return TR_WALK_CONTINUE;
	if ((it = item_new(wa->sc, wa->fsi, e->inode, e->path, e->stream)) ==
	    NULL) {
		ERR(j, "out of memory");
		return TR_WALK_ERROR;
	}
	it->kind = ITEM_FILE;
	it->deleted = e->deleted;
	it->has_size = 1;
	it->size = e->size;
	it->mtime = e->mtime;
	it->atime = e->atime;
	it->ctime = e->ctime;
	it->btime = e->btime;
	put(j, it);
	return TR_WALK_CONTINUE;
}

static void
put_region(struct job *j, struct src *sc, int fsi, const char *region,
    tr_extent *ext, size_t n)
{
	struct item *it;

	if (n == 0 || (it = item_new(sc, fsi, NULL, NULL, NULL)) == NULL) {
		free(ext);
		return;
	}
	it->kind = ITEM_REGION;
	it->ext = ext;
	it->next_ext = n;
	it->region = region;
	put(j, it);
}

/* Queue the files (and regions) of one filesystem of a source. */
static int
walk_fs(struct job *j, struct src *sc, int fsi)
{
	struct walk_arg wa = { j, sc, fsi, 0 };
	unsigned flags = j->o->flags;
	tr_walk_opts wo;
	tr_extent *ext;
	tr_error err;
	tr_fs *fs;
	size_t n;
	int rc = 0;

	if (tr_fs_open(&fs, sc->src, &sc->layout->fs[fsi], &err) != TR_OK) {
		ERR(j, "%s", err.msg);
		return -1;
	}
	memset(&wo, 0, sizeof(wo));
	wo.flags = TR_WALK_ALLOC | TR_WALK_STREAMS |
	    (flags & TR_SCAN_DELETED ? TR_WALK_UNALLOC : TR_WALK_NOORPHAN);
	wo.max_depth = -1;
	wo.warn = walk_warn;
	wo.warn_arg = &wa;
	if (tr_fs_walk(fs, &wo, walk_cb, &wa, NULL, &err) != TR_OK) {
		ERR(j, "%s", err.msg);
		rc = -1;
	}
	if (wa.warns > 0)
		rc = -1;
	if ((flags & TR_SCAN_UNALLOC) && !sc->live) {
		if (tr_fs_unalloc_extents(fs, &ext, &n, &err) != TR_OK) {
			ERR(j, "%s", err.msg);
			rc = -1;
		} else {
			put_region(j, sc, fsi, "unallocated", ext, n);
		}
	}
	tr_fs_close(fs);
	return rc;
}

/* A plain file: scanned through a live source on its folder. */
static int
open_plain(struct job *j, struct src *sc, const char *arg)
{
	tr_error err;
	char *dir, *slash;

	if ((dir = strdup(arg)) == NULL) {
		ERR(j, "out of memory");
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	sc->label = dir;
	sc->live = 2;
	if (tr_source_open(&sc->src, dir, "dir", 0, &err) != TR_OK ||
	    tr_source_layout(sc->src, &sc->layout, NULL, NULL, &err) !=
	    TR_OK) {
		ERR(j, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* Open one operand: an image, a folder, or a plain file. */
static int
open_source(struct job *j, struct src *sc, const char *arg)
{
	struct stat st;
	tr_error err;
	int isreg;

	sc->arg = sc->label = arg;
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		sc->live = 1;
	isreg = stat(arg, &st) == 0 && S_ISREG(st.st_mode);
	if (isreg && st.st_size == 0)
		return open_plain(j, sc, arg);
	if (tr_source_open(&sc->src, arg, sc->live ? "dir" : NULL, 0, &err)
	    != TR_OK) {
		ERR(j, "%s", err.msg);
		return -1;
	}
	if (tr_source_layout(sc->src, &sc->layout, NULL, NULL, &err) !=
	    TR_OK) {
		ERR(j, "%s", err.msg);
		return -1;
	}
	if (sc->live || sc->layout->nfs > 0 || sc->layout->nvolumes > 0 ||
	    strcmp(tr_source_format(sc->src), "raw") != 0 || !isreg ||
	    tr_source_segments(sc->src) != 1)
		return 0;
	/* No filesystem, no partitions: scan the file itself. */
	tr_layout_free(sc->layout);
	tr_source_close(sc->src);
	sc->layout = NULL;
	sc->src = NULL;
	return open_plain(j, sc, arg);
}

static void
close_source(struct src *sc)
{
	tr_layout_free(sc->layout);
	tr_source_close(sc->src);
	if (sc->label != sc->arg)
		free((char *)sc->label);
}

static int
queue_source(struct job *j, struct src *sc)
{
	const tr_scan_run_opts *o = j->o;
	int unalloc = (o->flags & TR_SCAN_UNALLOC) != 0;
	tr_extent *ext;
	tr_error err;
	const char *base;
	struct item *it;
	size_t i, n;
	int rc = 0, any = 0;

	if (sc->live == 2) {
		base = strrchr(sc->arg, '/');
		base = base != NULL ? base + 1 : sc->arg;
		if ((it = item_new(sc, 0, NULL, "/", NULL)) == NULL)
			return -1;
		free(it->path);
		if (asprintf(&it->path, "/%s", base) < 0) {
			it->path = NULL;
			item_free(it);
			return -1;
		}
		it->kind = ITEM_FILE;
		put(j, it);
		return 0;
	}
	for (i = 0; i < sc->layout->nfs; i++) {
		if (o->volume != TR_VOLUME_ALL &&
		    sc->layout->fs[i].volume != o->volume)
			continue;
		any = 1;
		if (walk_fs(j, sc, (int)i) != 0)
			rc = -1;
	}
	if (unalloc && !sc->live && o->volume == TR_VOLUME_ALL) {
		if (tr_source_unpartitioned(sc->src, sc->layout, &ext, &n,
		    &err) != TR_OK) {
			ERR(j, "%s", err.msg);
			rc = -1;
		} else {
			put_region(j, sc, -1, "unpartitioned", ext, n);
		}
	}
	if (!any && o->volume != TR_VOLUME_ALL) {
		ERR(j, "no filesystem in volume %d of '%s'", o->volume,
		    sc->arg);
		rc = -1;
	} else if (!any && !unalloc) {
		ERR(j, "no filesystem found in '%s'", sc->arg);
		rc = -1;
	}
	return rc;
}

/* Queue the files named by "file" records read from o->in. */
static int
queue_records(struct job *j, struct src *srcs, size_t nsrc)
{
	int hits_only = (j->o->flags & TR_SCAN_HITS_ONLY) != 0;
	tr_jsonl_reader *rd;
	tr_rec *r;
	tr_error err;
	struct item *it;
	struct src *sc;
	const char *s, *path, *kind;
	int64_t vol;
	size_t i;
	int rc = 0, got, fsi;

	if (tr_jsonl_reader_fdopen(&rd, j->o->in, "stdin", &err) != TR_OK) {
		ERR(j, "%s", err.msg);
		return -1;
	}
	while ((got = tr_jsonl_read(rd, &r, &err)) != 0) {
		if (got < 0) {
			ERR(j, "%s", err.msg);
			rc = -1;
			if (got != TR_EFORMAT)
				break;
			continue;
		}
		if (!hits_only && j->o->out(j->o->out_arg, r, &err) != TR_OK) {
			ERR(j, "%s", err.msg);
			rc = -1;
			tr_rec_free(r);
			break;
		}
		kind = tr_rec_kind(r);
		path = tr_rec_get_str(r, "path");
		/* Other kinds pass through; only with -H are they a mistake. */
		if (!hits_only && (kind == NULL || strcmp(kind, "file") != 0))
			goto next;
		if (kind == NULL || strcmp(kind, "file") != 0 || path == NULL) {
			ERR(j, "'stdin' line %" PRIu64 ": not a file record "
			    "with a path", tr_jsonl_reader_line(rd));
			rc = -1;
			goto next;
		}
		if ((s = tr_rec_get_str(r, "type")) != NULL &&
		    strcmp(s, "file") != 0)
			goto next;
		sc = nsrc == 1 ? &srcs[0] : NULL;
		s = tr_rec_get_str(r, "source");
		for (i = 0; sc == NULL && s != NULL && i < nsrc; i++)
			if (strcmp(srcs[i].arg, s) == 0)
				sc = &srcs[i];
		if (!tr_rec_get_int(r, "volume", &vol))
			vol = -1;
		for (fsi = -1, i = 0; sc != NULL && i < sc->layout->nfs; i++)
			if (sc->layout->fs[i].volume == vol) {
				fsi = (int)i;
				break;
			}
		if (sc == NULL || fsi < 0) {
			ERR(j, "'stdin' line %" PRIu64 ": no %s%s%s for "
			    "volume %" PRId64, tr_jsonl_reader_line(rd),
			    sc == NULL ? "source '" : "filesystem in '",
			    sc == NULL ? (s ? s : "") : sc->arg, "'", vol);
			rc = -1;
			goto next;
		}
		if (!selected(j, path))
			goto next;
		it = item_new(sc, fsi, tr_rec_get_str(r, "inode"), path,
		    tr_rec_get_str(r, "stream"));
		if (it == NULL) {
			ERR(j, "out of memory");
			rc = -1;
			tr_rec_free(r);
			break;
		}
		it->kind = ITEM_FILE;
		it->deleted = tr_rec_get_bool(r, "deleted") == 1;
		tr_rec_get_time(r, "mtime", &it->mtime, NULL);
		tr_rec_get_time(r, "atime", &it->atime, NULL);
		tr_rec_get_time(r, "ctime", &it->ctime, NULL);
		tr_rec_get_time(r, "btime", &it->btime, NULL);
		put(j, it);
next:
		tr_rec_free(r);
	}
	tr_jsonl_reader_close(rd);
	return rc;
}

static int
start_workers(struct job *j, struct worker *w, int n, tr_error *err)
{
	tr_scanner_opts so = { j->o->timeout, j->o->max_string, MAX_MATCHES };
	int i, rc;

	for (i = 0; i < n; i++) {
		w[i].job = j;
		if ((rc = tr_scanner_new(&w[i].scanner, j->rules, &so, err)) !=
		    TR_OK)
			return rc;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			tr_scanner_free(w[i].scanner);
			w[i].scanner = NULL;
			return tri_error_set(err, TR_ENOMEM,
			    "cannot start a scanning thread");
		}
	}
	return TR_OK;
}

static void
stop_workers(struct job *j, struct worker *w, int n)
{
	size_t k;
	int i;

	close_queue(j);
	for (i = 0; i < n; i++) {
		if (w[i].scanner == NULL)
			continue;
		pthread_join(w[i].tid, NULL);
		tr_scanner_free(w[i].scanner);
		for (k = 0; k < w[i].nfs; k++)
			tr_fs_close(w[i].fs[k].fs);
		free(w[i].fs);
		free(w[i].pend);
	}
}

int
tr_scan_run(const tr_rules *rules, const char *const *operands, size_t n,
    const tr_scan_run_opts *opts, tr_scan_stats *stats, tr_error *err)
{
	struct job j;
	struct worker *w = NULL;
	struct src *srcs = NULL;
	size_t i, nsrc = 0;
	int jobs = opts->jobs, from_stdin = 0, bad = 0, rc;

	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < n; i++)
		if (strcmp(operands[i], "-") == 0)
			from_stdin = 1;
		else
			nsrc++;
	if (from_stdin && nsrc == 0)
		return tri_error_set(err, TR_EINVAL,
		    "'-' needs the source its records come from");
	nsrc = 0;
	if (jobs <= 0) {
		long np = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = np < 1 ? 1 : np > 64 ? 64 : (int)np;
	}
	memset(&j, 0, sizeof(j));
	j.o = opts;
	j.rules = rules;
	pthread_mutex_init(&j.mu, NULL);
	pthread_mutex_init(&j.count_mu, NULL);
	pthread_cond_init(&j.can_put, NULL);
	pthread_cond_init(&j.can_get, NULL);
	if ((srcs = calloc(n, sizeof(*srcs))) == NULL ||
	    (w = calloc((size_t)jobs, sizeof(*w))) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = start_workers(&j, w, jobs, err)) != TR_OK) {
		stop_workers(&j, w, jobs);
		goto out;
	}
	for (i = 0; i < n && !bad; i++) {
		if (strcmp(operands[i], "-") == 0)
			continue;
		if (open_source(&j, &srcs[nsrc], operands[i]) != 0) {
			bad = 1;
			close_source(&srcs[nsrc]);
			continue;
		}
		nsrc++;
	}
	for (i = 0; i < nsrc; i++)
		if ((from_stdin ? 0 : queue_source(&j, &srcs[i])) != 0)
			bad = 1;
	if (from_stdin && nsrc > 0 && queue_records(&j, srcs, nsrc) != 0)
		bad = 1;
	stop_workers(&j, w, jobs);
	for (i = 0; i < nsrc; i++)
		close_source(&srcs[i]);
	stats->hits = j.nhits;
	stats->errors = j.nerrors + (unsigned long)bad;
	rc = TR_OK;
out:
	free(srcs);
	free(w);
	pthread_cond_destroy(&j.can_put);
	pthread_cond_destroy(&j.can_get);
	pthread_mutex_destroy(&j.mu);
	pthread_mutex_destroy(&j.count_mu);
	return rc;
}
