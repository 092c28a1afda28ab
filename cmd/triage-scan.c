/* SPDX-License-Identifier: Apache-2.0 */
/* triage-scan: YARA rules over the files inside images, live folders and
 * unallocated space, in parallel, as "hit" records. */
#include <config.h>

#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "triage/scan.h"

#define USAGE "usage: triage-scan [-adhHNquV] [-e glob] [-i glob] " \
	"[-j jobs] [-m size] [-s bytes] [-t seconds] [-v volume] " \
	"-r rules source ..."

static const char help[] = USAGE "\n"
"\n"
"Scan with YARA rules every allocated regular file of every filesystem in\n"
"each source (image, device, live folder or plain file), read in place,\n"
"and write one 'hit' record per rule matched as JSON Lines on stdout\n"
"(see triage-records(5)).  A source '-' reads 'file' records (triage-walk)\n"
"from stdin and scans those files of the other sources; the records read\n"
"are written on to stdout too, among the hits, so that\n"
"'triage-walk img | triage-scan -r rules img - | triage-timeline' works.\n"
"\n"
"  -r, --rules PATH      rule file, folder of rule files or compiled rules\n"
"                        (repeatable; at least one)\n"
"  -N, --no-cache        do not use the compiled-rules cache\n"
"  -a, --unallocated     also scan unallocated and unpartitioned space\n"
"  -d, --deleted         also scan deleted files that can be recovered\n"
"  -H, --hits-only       with '-': do not pass the records read through\n"
"  -v, --volume N        only the filesystem of volume N (triage-info)\n"
"  -i, --include GLOB    only files whose path matches (repeatable)\n"
"  -e, --exclude GLOB    skip files whose path matches (repeatable)\n"
"  -j, --jobs N          scanning threads (default: all cores)\n"
"  -m, --max-size SIZE   skip larger files with a warning (default: 256M)\n"
"  -s, --max-string N    bytes of matched data kept per match (default: 64)\n"
"  -t, --timeout SEC     give up on a file after SEC seconds (default: none)\n"
"  -q, --quiet           no warnings\n"
"  -u, --unbuffered      flush after every record\n"
"  -h, --help            this help\n"
"  -V, --version         versions of triage and its libraries\n"
"\n"
"Exit status: 0 something matched, 1 nothing matched, 2 misuse or any\n"
"error (a file that could not be read or timed out, bad rules).\n"
"Example: triage-scan -r rules/yara disk.E01 | jq -r '[.path,.rule]|@tsv'\n";

static const struct option longopts[] = {
	{ "unallocated", no_argument, NULL, 'a' },
	{ "deleted", no_argument, NULL, 'd' },
	{ "exclude", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "hits-only", no_argument, NULL, 'H' },
	{ "include", required_argument, NULL, 'i' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "max-size", required_argument, NULL, 'm' },
	{ "no-cache", no_argument, NULL, 'N' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rules", required_argument, NULL, 'r' },
	{ "max-string", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "volume", required_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

#define WINDOW		(1u << 20)
#define OVERLAP		(64u << 10)
#define MAX_MATCHES	256
#define QUEUE_MAX	4096

struct opts {
	const char	**rules, **include, **exclude;
	size_t		nrules, ninclude, nexclude;
	int		unalloc, deleted, nocache, unbuffered, hits_only;
	int		volume, jobs, timeout;
	uint64_t	max_size, max_string;
};

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

static struct {
	pthread_mutex_t	mu;
	pthread_cond_t	can_put, can_get;
	struct item	*head, *tail;
	size_t		n;
	int		closed;
} q = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	PTHREAD_COND_INITIALIZER, NULL, NULL, 0, 0 };

static const struct opts *O;
static tr_rules *rules;
static tr_jsonl *out;
static pthread_mutex_t count_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long nhits, nerrors;

static void
count(unsigned long *c)
{
	pthread_mutex_lock(&count_mu);
	(*c)++;
	pthread_mutex_unlock(&count_mu);
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
put(struct item *it)
{
	pthread_mutex_lock(&q.mu);
	while (q.n >= QUEUE_MAX)
		pthread_cond_wait(&q.can_put, &q.mu);
	if (q.tail != NULL)
		q.tail->next = it;
	else
		q.head = it;
	q.tail = it;
	q.n++;
	pthread_cond_signal(&q.can_get);
	pthread_mutex_unlock(&q.mu);
}

static struct item *
get(void)
{
	struct item *it;

	pthread_mutex_lock(&q.mu);
	while (q.head == NULL && !q.closed)
		pthread_cond_wait(&q.can_get, &q.mu);
	if ((it = q.head) != NULL) {
		q.head = it->next;
		if (q.head == NULL)
			q.tail = NULL;
		q.n--;
		pthread_cond_signal(&q.can_put);
	}
	pthread_mutex_unlock(&q.mu);
	return it;
}

static void
close_queue(void)
{
	pthread_mutex_lock(&q.mu);
	q.closed = 1;
	pthread_cond_broadcast(&q.can_get);
	pthread_mutex_unlock(&q.mu);
}

static int
selected(const char *path)
{
	size_t i;

	for (i = 0; i < O->nexclude; i++)
		if (fnmatch(O->exclude[i], path, 0) == 0)
			return 0;
	for (i = 0; i < O->ninclude; i++)
		if (fnmatch(O->include[i], path, 0) == 0)
			return 1;
	return O->ninclude == 0;
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
		cli_error("%s", err.msg);
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
emit(const tr_hit_addr *a, const tr_rec *match)
{
	tr_error err;
	tr_rec *r;
	int rc;

	if ((r = tr_hit_record(a, match)) == NULL) {
		cli_error("out of memory");
		count(&nerrors);
		return TR_ENOMEM;
	}
	rc = tr_jsonl_write(out, r, &err);
	tr_rec_free(r);
	if (rc != TR_OK) {
		cli_error("%s", err.msg);
		count(&nerrors);
		return rc;
	}
	count(&nhits);
	return TR_OK;
}

static void
scan_error(const struct item *it, const tr_error *err)
{
	if (err->code == TR_EIO)
		cli_error("%s", err->msg);	/* names inode, source, offset */
	else if (it->sc->live == 2)
		cli_error("cannot scan '%s': %s", it->sc->arg, err->msg);
	else if (it->inode != NULL && !it->sc->live)
		cli_error("cannot scan '%s' (inode %s) in '%s': %s", it->path,
		    it->inode, it->sc->label, err->msg);
	else
		cli_error("cannot scan '%s' in '%s': %s", it->path,
		    it->sc->label, err->msg);
	count(&nerrors);
}

static void
scan_file(struct worker *w, struct item *it)
{
	const tr_fs_info *fi = NULL;
	char sha[TR_HASH_HEX_MAX];
	const char *name;
	tr_scan_target t;
	tr_rec *m = NULL;
	tr_hit_addr a;
	tr_file *f = NULL;
	tr_error err;
	tr_fs *fs;
	size_t i;
	int rc;

	if ((fs = worker_fs(w, it->sc, it->fsi)) == NULL) {
		count(&nerrors);
		return;
	}
	fi = tr_fs_get_info(fs);
	rc = tr_file_open(&f, fs, it->sc->live ? NULL : it->inode,
	    it->sc->live || it->inode == NULL ? it->path : NULL, &err);
	if (rc != TR_OK) {
		scan_error(it, &err);
		return;
	}
	if (tr_file_size(f) > O->max_size) {
		if (it->sc->live == 2)
			cli_warn("skipped '%s': %" PRIu64 " bytes, over "
			    "--max-size %" PRIu64, it->sc->arg,
			    tr_file_size(f), O->max_size);
		else
			cli_warn("skipped '%s' in '%s': %" PRIu64 " bytes, "
			    "over --max-size %" PRIu64, it->path,
			    it->sc->label, tr_file_size(f), O->max_size);
		tr_file_close(f);
		return;
	}
	name = strrchr(it->path, '/');
	t.filename = name != NULL ? name + 1 : it->path;
	t.filepath = it->path;
	t.deleted = it->deleted;
	rc = tr_scanner_scan_file(w->scanner, f, &t, &m, sha, &err);
	if (rc != TR_OK) {
		scan_error(it, &err);
		tr_file_close(f);
		return;
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
		if (emit(&a, tr_rec_array_get(m, i)) != TR_OK)
			break;
	tr_rec_free(m);
	tr_file_close(f);
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
				cli_error("out of memory");
				count(&nerrors);
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
	rc = emit(&a, match);
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
	tr_block_owner *own = NULL, key, *o;
	tr_error err;
	tr_fs *fs;
	size_t i;
	int failed = 0;

	if (w->npend == 0)
		return;
	if ((own = calloc(w->npend, sizeof(*own))) == NULL) {
		cli_error("out of memory");
		count(&nerrors);
		failed = 1;
	} else if ((fs = worker_fs(w, it->sc, it->fsi)) == NULL) {
		failed = 1;
	} else {
		for (i = 0; i < w->npend; i++)
			own[i].block = w->pend[i].a.block;
		if (tr_fs_block_owners(fs, own, w->npend, &err) != TR_OK)
			cli_warn("cannot tell which deleted files owned the "
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
		(void)emit(&p->a, p->match);
		tr_rec_free(p->match);
	}
	if (own != NULL)
		tr_block_owners_release(own, w->npend);
	free(own);
	w->npend = 0;
}

static void
scan_region(struct worker *w, struct item *it)
{
	tr_scan_target t = { NULL, NULL, 0 };
	tr_error err;

	w->it = it;
	w->npend = 0;
	if (tr_scanner_scan_extents(w->scanner, it->sc->src, it->ext,
	    it->next_ext, WINDOW, OVERLAP, &t, region_hit, w, &err) !=
	    TR_OK) {
		cli_error("cannot scan the %s space of '%s': %s", it->region,
		    it->sc->label, err.msg);
		count(&nerrors);
	}
	flush_region(w, it);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct item *it;

	while ((it = get()) != NULL) {
		if (it->kind == ITEM_FILE)
			scan_file(w, it);
		else
			scan_region(w, it);
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
	struct src	*sc;
	int		fsi;
};

static int
walk_cb(void *arg, const tr_entry *e)
{
	struct walk_arg *wa = arg;
	struct item *it;

	if (e->type != TR_FT_FILE || !e->has_meta)
		return TR_WALK_CONTINUE;
	if (e->deleted && (!O->deleted || !e->recoverable || e->realloc))
		return TR_WALK_CONTINUE;
	/* NTFS $BadClus:$Bad: as large as the volume, sparse, no data. */
	if (e->stream != NULL && strcmp(e->stream, "$Bad") == 0 &&
	    strcmp(e->path, "/$BadClus") == 0)
		return TR_WALK_CONTINUE;
	if (!selected(e->path))
		return TR_WALK_CONTINUE;
	if ((it = item_new(wa->sc, wa->fsi, e->inode, e->path, e->stream)) ==
	    NULL) {
		cli_error("out of memory");
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
	put(it);
	return TR_WALK_CONTINUE;
}

static void
put_region(struct src *sc, int fsi, const char *region, tr_extent *ext,
    size_t n)
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
	put(it);
}

/* Queue the files (and regions) of one filesystem of a source. */
static int
walk_fs(struct src *sc, int fsi)
{
	struct walk_arg wa = { sc, fsi };
	tr_walk_opts wo;
	tr_extent *ext;
	tr_error err;
	tr_fs *fs;
	size_t n;
	unsigned warns = 0;
	int rc = 0;

	if (tr_fs_open(&fs, sc->src, &sc->layout->fs[fsi], &err) != TR_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	memset(&wo, 0, sizeof(wo));
	wo.flags = TR_WALK_ALLOC | TR_WALK_STREAMS |
	    (O->deleted ? TR_WALK_UNALLOC : TR_WALK_NOORPHAN);
	wo.max_depth = -1;
	wo.warn = cli_warn_cb;
	wo.warn_arg = &warns;
	if (tr_fs_walk(fs, &wo, walk_cb, &wa, NULL, &err) != TR_OK) {
		cli_error("%s", err.msg);
		rc = -1;
	}
	if (warns > 0)
		rc = -1;
	if (O->unalloc && !sc->live) {
		if (tr_fs_unalloc_extents(fs, &ext, &n, &err) != TR_OK) {
			cli_error("%s", err.msg);
			rc = -1;
		} else {
			put_region(sc, fsi, "unallocated", ext, n);
		}
	}
	tr_fs_close(fs);
	return rc;
}

/* A plain file: scanned through a live source on its folder. */
static int
open_plain(struct src *sc, const char *arg)
{
	tr_error err;
	char *dir, *slash;

	if ((dir = strdup(arg)) == NULL) {
		cli_error("out of memory");
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
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/* Open one operand: an image, a folder, or a plain file. */
static int
open_source(struct src *sc, const char *arg)
{
	struct stat st;
	tr_error err;
	int isreg;

	sc->arg = sc->label = arg;
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		sc->live = 1;
	isreg = stat(arg, &st) == 0 && S_ISREG(st.st_mode);
	if (isreg && st.st_size == 0)
		return open_plain(sc, arg);
	if (tr_source_open(&sc->src, arg, sc->live ? "dir" : NULL, 0, &err)
	    != TR_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	if (tr_source_layout(sc->src, &sc->layout, NULL, NULL, &err) !=
	    TR_OK) {
		cli_error("%s", err.msg);
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
	return open_plain(sc, arg);
}

static int
queue_source(struct src *sc)
{
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
		put(it);
		return 0;
	}
	for (i = 0; i < sc->layout->nfs; i++) {
		if (O->volume != TR_VOLUME_ALL &&
		    sc->layout->fs[i].volume != O->volume)
			continue;
		any = 1;
		if (walk_fs(sc, (int)i) != 0)
			rc = -1;
	}
	if (O->unalloc && !sc->live && O->volume == TR_VOLUME_ALL) {
		if (tr_source_unpartitioned(sc->src, sc->layout, &ext, &n,
		    &err) != TR_OK) {
			cli_error("%s", err.msg);
			rc = -1;
		} else {
			put_region(sc, -1, "unpartitioned", ext, n);
		}
	}
	if (!any && O->volume != TR_VOLUME_ALL) {
		cli_error("no filesystem in volume %d of '%s'", O->volume,
		    sc->arg);
		rc = -1;
	} else if (!any && !O->unalloc) {
		cli_error("no filesystem found in '%s'", sc->arg);
		rc = -1;
	}
	return rc;
}

/* Queue the files named by "file" records on stdin. */
static int
queue_stdin(struct src *srcs, size_t nsrc)
{
	tr_jsonl_reader *rd;
	tr_rec *r;
	tr_error err;
	struct item *it;
	struct src *sc;
	const char *s, *path, *kind;
	int64_t vol;
	size_t i;
	int rc = 0, got, fsi;

	if (tr_jsonl_reader_fdopen(&rd, stdin, "stdin", &err) != TR_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	while ((got = tr_jsonl_read(rd, &r, &err)) != 0) {
		if (got < 0) {
			cli_error("%s", err.msg);
			rc = -1;
			if (got != TR_EFORMAT)
				break;
			continue;
		}
		if (!O->hits_only && tr_jsonl_write(out, r, &err) != TR_OK) {
			cli_error("%s", err.msg);
			rc = -1;
			tr_rec_free(r);
			break;
		}
		kind = tr_rec_kind(r);
		path = tr_rec_get_str(r, "path");
		/* Other kinds pass through; only with -H are they a mistake. */
		if (!O->hits_only && (kind == NULL || strcmp(kind, "file") != 0))
			goto next;
		if (kind == NULL || strcmp(kind, "file") != 0 || path == NULL) {
			cli_error("'stdin' line %" PRIu64 ": not a file record "
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
			cli_error("'stdin' line %" PRIu64 ": no %s%s%s for "
			    "volume %" PRId64, tr_jsonl_reader_line(rd),
			    sc == NULL ? "source '" : "filesystem in '",
			    sc == NULL ? (s ? s : "") : sc->arg, "'", vol);
			rc = -1;
			goto next;
		}
		if (!selected(path))
			goto next;
		it = item_new(sc, fsi, tr_rec_get_str(r, "inode"), path,
		    tr_rec_get_str(r, "stream"));
		if (it == NULL) {
			cli_error("out of memory");
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
		put(it);
next:
		tr_rec_free(r);
	}
	tr_jsonl_reader_close(rd);
	return rc;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	const char ***list;
	size_t *n;
	uint64_t v;
	int ch;

	while ((ch = getopt_long(argc, argv, "ade:hHi:j:m:Nqr:s:t:uv:V",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			o->unalloc = 1;
			break;
		case 'd':
			o->deleted = 1;
			break;
		case 'e':
		case 'i':
		case 'r':
			list = ch == 'e' ? &o->exclude : ch == 'i' ?
			    &o->include : &o->rules;
			n = ch == 'e' ? &o->nexclude : ch == 'i' ?
			    &o->ninclude : &o->nrules;
			if ((*list = realloc(*list, (*n + 1) *
			    sizeof(**list))) == NULL) {
				cli_error("out of memory");
				exit(CLI_EXIT_TROUBLE);
			}
			(*list)[(*n)++] = optarg;
			break;
		case 'h':
			cli_help(help);
		case 'H':
			o->hits_only = 1;
			break;
		case 'j':
			if (cli_parse_int(optarg, 1, 256, &o->jobs) != 0)
				cli_usage_error(USAGE, "invalid jobs '%s'",
				    optarg);
			break;
		case 'm':
			if (cli_parse_size(optarg, &o->max_size) != 0)
				cli_usage_error(USAGE, "invalid size '%s'",
				    optarg);
			break;
		case 'N':
			o->nocache = 1;
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 's':
			if (cli_parse_u64(optarg, &v) != 0 || v > 1 << 20)
				cli_usage_error(USAGE,
				    "invalid max-string '%s'", optarg);
			o->max_string = v;
			break;
		case 't':
			if (cli_parse_int(optarg, 0, 86400 * 365, &o->timeout)
			    != 0)
				cli_usage_error(USAGE, "invalid timeout '%s'",
				    optarg);
			break;
		case 'u':
			o->unbuffered = 1;
			break;
		case 'v':
			if (cli_parse_volume(optarg, &o->volume) != 0)
				cli_usage_error(USAGE, "invalid volume '%s'",
				    optarg);
			break;
		case 'V':
			cli_version();
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
}

static void
free_opts(struct opts *o)
{
	free(o->rules);
	free(o->include);
	free(o->exclude);
}

static int
start_workers(struct worker *w, int n)
{
	tr_scanner_opts so = { O->timeout, (size_t)O->max_string,
	    MAX_MATCHES };
	tr_error err;
	int i;

	for (i = 0; i < n; i++) {
		if (tr_scanner_new(&w[i].scanner, rules, &so, &err) != TR_OK) {
			cli_error("%s", err.msg);
			return -1;
		}
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			cli_error("cannot start a scanning thread");
			return -1;
		}
	}
	return 0;
}

static void
stop_workers(struct worker *w, int n)
{
	size_t j;
	int i;

	close_queue();
	for (i = 0; i < n; i++) {
		if (w[i].scanner == NULL)
			continue;
		pthread_join(w[i].tid, NULL);
		tr_scanner_free(w[i].scanner);
		for (j = 0; j < w[i].nfs; j++)
			tr_fs_close(w[i].fs[j].fs);
		free(w[i].fs);
		free(w[i].pend);
	}
}

/*
 * triage-scan runs YARA rules over the files inside each source, as yara -r
 * over the extracted files would, without extracting or mounting anything.
 */
int
main(int argc, char *argv[])
{
	struct opts o = { .volume = TR_VOLUME_ALL, .max_size = 256u << 20,
	    .max_string = 64 };
	tr_rules_opts ro = { 0, NULL, cli_warn_cb, NULL };
	struct worker *w = NULL;
	struct src *srcs = NULL;
	size_t nsrc = 0;
	tr_error err;
	int i, status, bad = 0, from_stdin = 0;

	cli_init(argv[0]);
	parse_args(argc, argv, &o);
	O = &o;
	argc -= optind;
	argv += optind;
	if (o.nrules == 0)
		cli_usage_error(USAGE, "no rules given (-r)");
	if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	if (o.jobs == 0) {
		long np = sysconf(_SC_NPROCESSORS_ONLN);

		o.jobs = np < 1 ? 1 : np > 64 ? 64 : (int)np;
	}
	ro.flags = o.nocache ? TR_RULES_NOCACHE : 0;
	if (tr_rules_load(&rules, o.rules, o.nrules, &ro, &err) != TR_OK) {
		cli_error("%s", err.msg);
		free_opts(&o);
		return CLI_EXIT_TROUBLE;
	}
	if ((srcs = calloc((size_t)argc, sizeof(*srcs))) == NULL ||
	    (w = calloc((size_t)o.jobs, sizeof(*w))) == NULL) {
		cli_error("out of memory");
		exit(CLI_EXIT_TROUBLE);
	}
	out = cli_open_output(o.unbuffered);
	if (start_workers(w, o.jobs) != 0)
		bad = 1;
	for (i = 0; i < argc && !bad; i++) {
		if (strcmp(argv[i], "-") == 0) {
			from_stdin = 1;
			continue;
		}
		if (open_source(&srcs[nsrc], argv[i]) != 0) {
			bad = 1;
			tr_layout_free(srcs[nsrc].layout);
			tr_source_close(srcs[nsrc].src);
			if (srcs[nsrc].label != srcs[nsrc].arg)
				free((char *)srcs[nsrc].label);
			continue;
		}
		nsrc++;
	}
	if (from_stdin && nsrc == 0 && !bad)
		cli_usage_error(USAGE, "'-' needs the source its records "
		    "come from");
	for (i = 0; (size_t)i < nsrc; i++)
		if ((from_stdin ? 0 : queue_source(&srcs[i])) != 0)
			bad = 1;
	if (from_stdin && nsrc > 0 && queue_stdin(srcs, nsrc) != 0)
		bad = 1;
	stop_workers(w, o.jobs);
	for (i = 0; (size_t)i < nsrc; i++) {
		tr_layout_free(srcs[i].layout);
		tr_source_close(srcs[i].src);
		if (srcs[i].label != srcs[i].arg)
			free((char *)srcs[i].label);
	}
	status = bad || nerrors > 0 ? CLI_EXIT_TROUBLE :
	    nhits > 0 ? CLI_EXIT_OK : CLI_EXIT_NONE;
	free(srcs);
	free(w);
	free_opts(&o);
	tr_rules_free(rules);
	return cli_close_output(out, status);
}
