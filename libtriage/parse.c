/* SPDX-License-Identifier: Apache-2.0 */
/*
 * triage-parse's driver: find artifacts in the operands (images through
 * the artifact definitions, plain files, folders, records on stdin),
 * recognise each by its content, hand it whole to its parser, write the
 * events.  The parsers are behind the seam of parse_internal.h.
 *
 * Every artifact found becomes an item with a sequence number.  With one
 * job an item is parsed as soon as it is found and its events go straight
 * to the output.  With more, items go to a queue read by worker threads
 * (each with its own tr_fs handles), each item's events go to a spool
 * (memory, then a temporary file past SPOOL_MEM), and spools are written
 * in sequence order: the output is the same whatever the number of jobs.
 */
#include "internal.h"
#include "parse_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "triage/artifacts.h"
#include "triage/extract.h"

#define HEAD_MAX	4096
#define DEPTH_MAX	64
#define SPOOL_MEM	(8u << 20)	/* a spool's bytes in memory */
#define WINDOW_PER_JOB	16		/* items in flight per job */
#define READ_CHUNK	(4u << 20)
#define MSG_MAX		2048

/* One image or live folder, open until the end of the run. */
struct psrc {
	char		*arg;		/* "source" of its events */
	tr_source	*src;
	tr_layout	*layout;
	int		live;
	int		bad;		/* could not be opened (said once) */
};

enum { IT_PLAIN, IT_FS, IT_TEXT };

struct item {
	struct item	*next;
	uint64_t	seq;
	int		kind;
	struct psrc	*sc;		/* IT_FS */
	int		fsi;
	char		*source;	/* IT_PLAIN: the operand */
	char		*path;
	char		*inode;		/* IT_FS; NULL on a live folder */
	char		*artifact;	/* definition name, or NULL */
	tr_time		mtime;
	int		single;		/* an operand itself: say when unknown */
	char		*text;		/* IT_TEXT: one record line, "\n" */
	size_t		len;
};

/* Events of one item, held until their turn. */
struct spool {
	char		*buf;
	size_t		len, cap;
	FILE		*tmp;
	uint64_t	nrec;
	int		failed;
	char		*where;		/* the artifact's address */
};

struct fs_slot {
	struct psrc	*sc;
	int		fsi;
	tr_fs		*fs;
};

struct tri_parse_run;

struct worker {
	struct tri_parse_run *run;
	pthread_t	tid;
	int		started;
	struct fs_slot	*fs;
	size_t		nfs;
};

struct slot {
	int		ready;
	struct spool	sp;
};

struct tri_parse_run {
	const tr_parse_opts	*opts;
	tri_parse_conf		conf;
	tr_jsonl		*w;
	tr_parse_stats		*stats;
	pthread_mutex_t		lock;
	int			failed;		/* output failed */
	tr_error		*err;
	uint64_t		max_size;
	/* Artifact selection. */
	const char *const	*names;
	size_t			nnames;
	int			filter;		/* only served definitions */
	const char		**served;	/* NULL-terminated */
	/* Sources opened. */
	struct psrc		**srcs;
	size_t			nsrc;
	/* The pipeline (jobs > 1). */
	int			jobs;
	struct worker		main;		/* jobs == 1 */
	struct worker		*workers;
	pthread_mutex_t		qmu;
	pthread_cond_t		can_put, can_get;
	struct item		*head, *tail;
	int			closed;
	uint64_t		next_seq, next_write;
	struct slot		*ring;
	size_t			window;
};

struct tri_parse_ctx {
	struct tri_parse_run	*run;
	const tr_artifact	*a;
	int			lost;
	const char		*parser;
	struct spool		*sink;		/* NULL: straight to the output */
};

/* The parsers the driver uses: tri_parsers, or a test's own list. */
static const tri_parser *const *registry = tri_parsers;

void
tri_parse_set_registry(const tri_parser *const *list)
{
	registry = list != NULL ? list : tri_parsers;
}

const tri_parse_conf *
tri_parse_conf_of(const tri_parse_ctx *ctx)
{
	return &ctx->run->conf;
}

tr_time
tri_filetime(uint64_t ft)
{
	/* 100 ns intervals from 1601-01-01 to 1970-01-01. */
	const uint64_t epoch = 116444736000000000ULL;
	int64_t sec;
	int64_t rem;

	if (ft == 0)
		return TR_TIME_UNSET;
	sec = (int64_t)(ft / 10000000) - (int64_t)(epoch / 10000000);
	rem = (int64_t)(ft % 10000000);
	return tri_time(sec, (uint32_t)rem * 100, 7);
}

tr_time
tri_posix_usec(int64_t usec)
{
	int64_t sec = usec / 1000000, rem = usec % 1000000;

	if (rem < 0) {
		rem += 1000000;
		sec--;
	}
	return tri_time(sec, (uint32_t)rem * 1000, 6);
}

/* "SOURCE[:vol N]:PATH" of the artifact, for messages. */
static void
address(const tr_artifact *a, char *buf, size_t len)
{
	if (a->inode == NULL && a->source != NULL && a->path != NULL &&
	    strcmp(a->source, a->path) == 0)
		snprintf(buf, len, "%s", a->path);
	else if (a->volume >= 0)
		snprintf(buf, len, "%s:vol %d:%s", a->source, a->volume,
		    a->path);
	else
		snprintf(buf, len, "%s:%s", a->source, a->path);
}

static void	say(struct tri_parse_run *, const char *, ...)
		    TRI_PRINTF(2, 3);
static void	trouble(struct tri_parse_run *, const char *, ...)
		    TRI_PRINTF(2, 3);

/* A warning of the run (counted). */
static void
say(struct tri_parse_run *run, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&run->lock);
	run->stats->warnings++;
	pthread_mutex_unlock(&run->lock);
	tri_warn(run->opts->warn, run->opts->warn_arg, "%s", msg);
}

/* Something that could be read was not: a warning, and exit status 2. */
static void
trouble(struct tri_parse_run *run, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&run->lock);
	run->stats->warnings++;
	run->stats->lost++;
	pthread_mutex_unlock(&run->lock);
	tri_warn(run->opts->warn, run->opts->warn_arg, "%s", msg);
}

void
tri_parse_warn(tri_parse_ctx *ctx, uint64_t offset, const char *fmt, ...)
{
	struct tri_parse_run *run = ctx->run;
	char where[1024], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	address(ctx->a, where, sizeof(where));
	if (offset == UINT64_MAX)
		say(run, "%s: %s", where, msg);
	else
		say(run, "%s: offset %llu (0x%llx): %s", where,
		    (unsigned long long)offset, (unsigned long long)offset,
		    msg);
}

void
tri_parse_lost(tri_parse_ctx *ctx)
{
	ctx->lost = 1;
}

static int
stopping(const struct tri_parse_run *run)
{
	const tr_parse_opts *o = run->opts;

	return run->failed || (o->stop != NULL && *o->stop);
}

int
tri_parse_stopped(const tri_parse_ctx *ctx)
{
	return stopping(ctx->run);
}

tr_rec *
tri_event_new(tri_parse_ctx *ctx, const char *data_type, const tr_time *t,
    const char *timestamp_desc)
{
	const tr_artifact *a = ctx->a;
	const struct tri_parse_run *run = ctx->run;
	char full[TR_TIME_STR_MAX], dt[TR_TIME_STR_MAX + 8];
	tr_time us;
	tr_rec *ev;
	size_t n;
	int rc = 0;

	if (t == NULL || !tr_time_isset(t) ||
	    tr_time_format(t, full) == NULL)
		return NULL;
	us = *t;
	us.nsec -= us.nsec % 1000;
	us.digits = 6;
	if (tr_time_format(&us, dt) == NULL)
		return NULL;
	n = strlen(dt);		/* "...ffffffZ" -> "...ffffff+00:00" */
	memcpy(dt + n - 1, "+00:00", 7);
	if ((ev = tr_rec_new("event")) == NULL)
		return NULL;
	rc |= tr_rec_set_str(ev, "datetime", dt);
	rc |= tr_rec_set_int(ev, "timestamp", tr_time_usec(t));
	rc |= tr_rec_set_str(ev, "timestamp_desc", timestamp_desc);
	rc |= tr_rec_set_str(ev, "time", full);
	rc |= tr_rec_set_str(ev, "message", "");
	rc |= tr_rec_set_str(ev, "data_type", data_type);
	rc |= tr_rec_set_str(ev, "parser", ctx->parser != NULL ? ctx->parser :
	    "");
	if (run->opts->label != NULL)
		rc |= tr_rec_set_str(ev, "evidence", run->opts->label);
	rc |= tr_rec_set_text(ev, "source", a->source, strlen(a->source));
	if (a->volume >= 0)
		rc |= tr_rec_set_int(ev, "volume", a->volume);
	rc |= tr_rec_set_str(ev, "inode", a->inode);
	if (a->path != NULL)
		rc |= tr_rec_set_text(ev, "path", a->path, strlen(a->path));
	if (rc != 0) {
		tr_rec_free(ev);
		return NULL;
	}
	return ev;
}

int
tri_event_message(tr_rec *ev, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n, rc;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return TR_ENOMEM;
	rc = tr_rec_set_text(ev, "message", s, (size_t)n);
	free(s);
	return rc;
}

static int
in_range(const tr_parse_opts *o, int64_t usec)
{
	if (tr_time_isset(&o->from) && usec < tr_time_usec(&o->from))
		return 0;
	if (tr_time_isset(&o->to) && usec > tr_time_usec(&o->to))
		return 0;
	return 1;
}

/* Append one encoded line to a spool; past SPOOL_MEM, to its file. */
static int
spool_add(struct spool *sp, const char *s, size_t n)
{
	char *nb;
	size_t cap;

	if (sp->tmp == NULL && sp->len + n > SPOOL_MEM) {
		if ((sp->tmp = tmpfile()) == NULL)
			return -1;
		if (sp->len > 0 && fwrite(sp->buf, 1, sp->len, sp->tmp) !=
		    sp->len)
			return -1;
		free(sp->buf);
		sp->buf = NULL;
		sp->len = sp->cap = 0;
	}
	if (sp->tmp != NULL)
		return fwrite(s, 1, n, sp->tmp) == n ? 0 : -1;
	if (sp->len + n > sp->cap) {
		cap = sp->cap ? sp->cap * 2 : 4096;
		while (cap < sp->len + n)
			cap *= 2;
		if ((nb = realloc(sp->buf, cap)) == NULL)
			return -1;
		sp->buf = nb;
		sp->cap = cap;
	}
	memcpy(sp->buf + sp->len, s, n);
	sp->len += n;
	return 0;
}

static void
spool_free(struct spool *sp)
{
	free(sp->buf);
	if (sp->tmp != NULL)
		fclose(sp->tmp);
	free(sp->where);
	memset(sp, 0, sizeof(*sp));
}

/* Write a spool to the output (the caller holds qmu: one at a time). */
static int
spool_write(struct tri_parse_run *run, struct spool *sp)
{
	char *buf;
	size_t n;
	int rc = TR_OK;

	if (sp->tmp == NULL)
		return tri_jsonl_write_raw(run->w, sp->buf, sp->len, sp->nrec,
		    run->err);
	if (fflush(sp->tmp) != 0 || fseek(sp->tmp, 0, SEEK_SET) != 0 ||
	    (buf = malloc(READ_CHUNK)) == NULL)
		return tri_error_set(run->err, TR_EIO, "cannot read back the "
		    "events spooled for %s", sp->where ? sp->where : "?");
	while (rc == TR_OK && (n = fread(buf, 1, READ_CHUNK, sp->tmp)) > 0)
		rc = tri_jsonl_write_raw(run->w, buf, n, 0, run->err);
	if (rc == TR_OK && ferror(sp->tmp))
		rc = tri_error_set(run->err, TR_EIO, "cannot read back the "
		    "events spooled for %s", sp->where ? sp->where : "?");
	if (rc == TR_OK)
		rc = tri_jsonl_write_raw(run->w, NULL, 0, sp->nrec, run->err);
	free(buf);
	return rc;
}

int
tri_parse_emit(tri_parse_ctx *ctx, tr_rec *ev)
{
	struct tri_parse_run *run = ctx->run;
	int64_t usec;
	char *s;
	size_t n;
	int rc;

	if (ev == NULL)
		return TR_OK;
	if (stopping(run)) {
		tr_rec_free(ev);
		return TR_EINTR;
	}
	if (tr_rec_get_int(ev, "timestamp", &usec) &&
	    !in_range(run->opts, usec)) {
		tr_rec_free(ev);
		return TR_OK;
	}
	if (ctx->sink == NULL) {
		rc = tr_jsonl_write(run->w, ev, run->err);
	} else if ((s = tr_rec_dump(ev)) == NULL) {
		rc = TR_ENOMEM;
	} else {
		n = strlen(s);
		s[n] = '\n';	/* json_dumps leaves room: replace the NUL */
		if (spool_add(ctx->sink, s, n + 1) != 0) {
			rc = tri_error_errno(run->err, TR_EIO, errno,
			    "cannot spool events");
		} else {
			ctx->sink->nrec++;
			rc = TR_OK;
		}
		free(s);
	}
	tr_rec_free(ev);
	pthread_mutex_lock(&run->lock);
	if (rc == TR_OK)
		run->stats->events++;
	else
		run->failed = 1;
	pthread_mutex_unlock(&run->lock);
	return rc;
}

static int
selected(const tr_parse_opts *o, const tri_parser *p)
{
	size_t i;

	if (o->parsers == NULL)
		return 1;
	for (i = 0; o->parsers[i] != NULL; i++)
		if (strcmp(o->parsers[i], p->name) == 0)
			return 1;
	return 0;
}

/* The parser that recognises this content best, or NULL. */
static const tri_parser *
recognise(const tr_parse_opts *o, const uint8_t *head, size_t hl,
    uint64_t size, const char *name)
{
	const tri_parser *best = NULL;
	size_t i;
	int score, top = 0;

	if (hl > HEAD_MAX)
		hl = HEAD_MAX;
	for (i = 0; registry[i] != NULL; i++) {
		if (!selected(o, registry[i]))
			continue;
		score = registry[i]->match(head, hl, size, name);
		if (score > top) {
			top = score;
			best = registry[i];
		}
	}
	return best;
}

/* Give one artifact held in memory to its parser p. */
static void
parse_with(struct tri_parse_run *run, const tri_parser *p,
    const tr_artifact *a, struct spool *sink)
{
	tri_parse_ctx ctx = { run, a, 0, p->name, sink };
	char where[1024];
	int rc;

	rc = p->parse(&ctx, a);
	pthread_mutex_lock(&run->lock);
	run->stats->artifacts++;
	if ((rc != TR_OK && rc != TR_EINTR) || ctx.lost)
		run->stats->lost++;
	if (sink == NULL)
		address(a, run->stats->last, sizeof(run->stats->last));
	pthread_mutex_unlock(&run->lock);
	if (sink != NULL && sink->where == NULL) {
		address(a, where, sizeof(where));
		sink->where = strdup(where);
	}
	if (run->opts->progress != NULL)
		run->opts->progress(run->opts->progress_arg, 1, a->size);
}

static void
count_unknown(struct tri_parse_run *run)
{
	pthread_mutex_lock(&run->lock);
	run->stats->unknown++;
	pthread_mutex_unlock(&run->lock);
}

/* Whole content of a plain file (sibling lookups). */
static int
read_whole(const char *path, uint64_t max, uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	*data = buf;
	*size = got;
	return 0;
}

/*
 * A host file's time at the precision it shows: a copy made by
 * triage-extract keeps its filesystem's (0 digits from FAT, 7 from NTFS,
 * 9 from ext4), so the same artifact gives the same "time" read in place
 * or as a copy.
 */
static tr_time
host_time(const struct timespec *ts)
{
	uint32_t ns = (uint32_t)ts->tv_nsec;
	int digits = ns == 0 ? 0 : ns % 1000000 == 0 ? 3 : ns % 1000 == 0 ?
	    6 : ns % 100 == 0 ? 7 : 9;

	return tri_time(ts->tv_sec, ns, digits);
}

struct plain_sib {
	const char	*path;
	uint64_t	max;
};

static int
plain_sibling(void *arg, const char *name, uint8_t **data, size_t *size)
{
	const struct plain_sib *ps = arg;
	const char *slash = strrchr(ps->path, '/');
	char buf[PATH_MAX];
	int n;

	if (strchr(name, '/') != NULL)
		return -1;
	if (slash == NULL)
		n = snprintf(buf, sizeof(buf), "%s", name);
	else
		n = snprintf(buf, sizeof(buf), "%.*s/%s",
		    (int)(slash - ps->path), ps->path, name);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	return read_whole(buf, ps->max, data, size);
}

/*
 * A plain file: mapped read-only (O_NOATIME where allowed), never written.
 * source is the operand, path the file's path as reached from it.
 */
static void
parse_plain(struct tri_parse_run *run, const struct item *it,
    struct spool *sink)
{
	struct plain_sib ps = { it->path, run->max_size };
	const tri_parser *p;
	tr_artifact a;
	struct stat st;
	void *map;
	const char *slash;
	int fd;

	if ((fd = open(it->path, O_RDONLY | O_CLOEXEC | O_NOATIME)) < 0 &&
	    (errno != EPERM ||
	    (fd = open(it->path, O_RDONLY | O_CLOEXEC)) < 0)) {
		trouble(run, "cannot open '%s': %s", it->path,
		    strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		if (it->single)
			say(run, "'%s': not a regular file with content",
			    it->path);
		return;
	}
	if ((uint64_t)st.st_size > run->max_size) {
		close(fd);
		trouble(run, "'%s': %llu bytes, over the limit of %llu "
		    "(--max-size); not read", it->path,
		    (unsigned long long)st.st_size,
		    (unsigned long long)run->max_size);
		return;
	}
	if ((map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) == MAP_FAILED) {
		trouble(run, "cannot map '%s': %s", it->path, strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	slash = strrchr(it->path, '/');
	p = recognise(run->opts, map, (size_t)st.st_size, (uint64_t)st.st_size,
	    slash != NULL ? slash + 1 : it->path);
	if (p == NULL) {
		count_unknown(run);
		if (it->single)
			say(run, "'%s': no parser recognises this file",
			    it->path);
		munmap(map, (size_t)st.st_size);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.data = map;
	a.size = (size_t)st.st_size;
	a.source = it->source;
	a.volume = -1;
	a.path = it->path;
	a.name = slash != NULL ? slash + 1 : it->path;
	a.mtime = host_time(&st.st_mtim);
	a.artifact = it->artifact;
	a.sibling = plain_sibling;
	a.sibling_arg = &ps;
	parse_with(run, p, &a, sink);
	munmap(map, (size_t)st.st_size);
}

/* A worker's filesystems, opened on first use (a tr_fs is per thread). */
static tr_fs *
worker_fs(struct worker *w, struct psrc *sc, int fsi)
{
	struct fs_slot *ns;
	tr_error err;
	tr_fs *fs;
	size_t i;

	for (i = 0; i < w->nfs; i++)
		if (w->fs[i].sc == sc && w->fs[i].fsi == fsi)
			return w->fs[i].fs;
	if (tr_fs_open(&fs, sc->src, &sc->layout->fs[fsi], &err) != TR_OK) {
		trouble(w->run, "%s", err.msg);
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

/* The whole content of f into a new buffer (*size bytes). */
static int
read_file(tr_file *f, uint64_t size, uint8_t **data, size_t *got,
    tr_error *err)
{
	uint8_t *buf;
	size_t n = 0;
	int64_t k;

	if ((buf = malloc(size > 0 ? (size_t)size : 1)) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory for %llu "
		    "bytes", (unsigned long long)size);
	while (n < size) {
		k = tr_file_read(f, n, buf + n, size - n > READ_CHUNK ?
		    READ_CHUNK : (size_t)(size - n), err);
		if (k < 0) {
			free(buf);
			return (int)k;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	*data = buf;
	*got = n;
	return TR_OK;
}

struct fs_sib {
	tr_fs		*fs;
	const char	*path;
	uint64_t	max;
};

/* A file beside an artifact inside the same filesystem. */
static int
fs_sibling(void *arg, const char *name, uint8_t **data, size_t *size)
{
	const struct fs_sib *fsb = arg;
	const char *slash = strrchr(fsb->path, '/');
	tr_file *f;
	tr_error err;
	char *p;
	int rc;

	if (strchr(name, '/') != NULL || slash == NULL ||
	    asprintf(&p, "%.*s/%s", (int)(slash - fsb->path), fsb->path,
	    name) < 0)
		return -1;
	rc = tr_file_open(&f, fsb->fs, NULL, p, &err);
	free(p);
	if (rc != TR_OK)
		return -1;
	rc = tr_file_size(f) <= fsb->max ? read_file(f, tr_file_size(f), data,
	    size, &err) : -1;
	tr_file_close(f);
	return rc == TR_OK ? 0 : -1;
}

/* "SOURCE[:vol N]:PATH" of an item inside a source. */
static void
item_where(const struct item *it, char *buf, size_t len)
{
	int vol = it->sc->layout->fs[it->fsi].volume;

	if (vol >= 0)
		snprintf(buf, len, "%s:vol %d:%s", it->sc->arg, vol, it->path);
	else
		snprintf(buf, len, "%s:%s", it->sc->arg, it->path);
}

/* A file inside an image or live folder, read in place through libtsk. */
static void
parse_fs(struct worker *w, const struct item *it, struct spool *sink)
{
	struct tri_parse_run *run = w->run;
	uint8_t head[HEAD_MAX], *data = NULL;
	char where[MSG_MAX];
	const tri_parser *p;
	struct fs_sib fsb;
	const char *name;
	tr_artifact a;
	tr_file *f;
	tr_error err;
	uint64_t size;
	size_t got;
	int64_t hl;
	tr_fs *fs;

	if ((fs = worker_fs(w, it->sc, it->fsi)) == NULL)
		return;
	item_where(it, where, sizeof(where));
	if (tr_file_open(&f, fs, it->sc->live ? NULL : it->inode,
	    it->sc->live || it->inode == NULL ? it->path : NULL, &err) !=
	    TR_OK) {
		trouble(run, "cannot open %s: %s", where, err.msg);
		return;
	}
	size = tr_file_size(f);
	name = strrchr(it->path, '/');
	name = name != NULL ? name + 1 : it->path;
	if (size == 0) {
		tr_file_close(f);
		return;
	}
	if ((hl = tr_file_read(f, 0, head, sizeof(head), &err)) < 0) {
		trouble(run, "%s: %s", where, err.msg);
		tr_file_close(f);
		return;
	}
	if ((p = recognise(run->opts, head, (size_t)hl, size, name)) == NULL) {
		count_unknown(run);
		tr_file_close(f);
		return;
	}
	if (size > run->max_size) {
		trouble(run, "%s: %" PRIu64 " bytes, over the limit of %"
		    PRIu64 " (--max-size); not read", where, size,
		    run->max_size);
		tr_file_close(f);
		return;
	}
	if (read_file(f, size, &data, &got, &err) != TR_OK) {
		trouble(run, "%s: %s", where, err.msg);
		tr_file_close(f);
		return;
	}
	tr_file_close(f);
	memset(&a, 0, sizeof(a));
	a.data = data;
	a.size = got;
	a.source = it->sc->arg;
	a.volume = it->sc->layout->fs[it->fsi].volume;
	a.inode = it->inode;
	a.path = it->path;
	a.name = name;
	a.mtime = it->mtime;
	a.artifact = it->artifact;
	fsb.fs = fs;
	fsb.path = it->path;
	fsb.max = run->max_size;
	a.sibling = fs_sibling;
	a.sibling_arg = &fsb;
	parse_with(run, p, &a, sink);
	free(data);
}

static void
item_free(struct item *it)
{
	if (it == NULL)
		return;
	free(it->source);
	free(it->path);
	free(it->inode);
	free(it->artifact);
	free(it->text);
	free(it);
}

static void
process(struct worker *w, struct item *it, struct spool *sink)
{
	if (stopping(w->run))
		return;
	if (it->kind == IT_PLAIN)
		parse_plain(w->run, it, sink);
	else if (it->kind == IT_FS)
		parse_fs(w, it, sink);
}

/* A finished item's events take their turn (qmu held). */
static void
complete_locked(struct tri_parse_run *run, uint64_t seq, struct spool *sp)
{
	struct slot *s = &run->ring[seq % run->window];

	s->sp = *sp;
	s->ready = 1;
	for (;;) {
		s = &run->ring[run->next_write % run->window];
		if (!s->ready)
			break;
		if (!run->failed && (s->sp.len > 0 || s->sp.tmp != NULL ||
		    s->sp.nrec > 0)) {
			if (spool_write(run, &s->sp) != TR_OK) {
				pthread_mutex_lock(&run->lock);
				run->failed = 1;
				pthread_mutex_unlock(&run->lock);
			}
		}
		if (s->sp.where != NULL) {
			pthread_mutex_lock(&run->lock);
			snprintf(run->stats->last, sizeof(run->stats->last),
			    "%s", s->sp.where);
			pthread_mutex_unlock(&run->lock);
		}
		spool_free(&s->sp);
		s->ready = 0;
		run->next_write++;
		pthread_cond_broadcast(&run->can_put);
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct tri_parse_run *run = w->run;
	struct spool sp;
	struct item *it;

	for (;;) {
		pthread_mutex_lock(&run->qmu);
		while (run->head == NULL && !run->closed)
			pthread_cond_wait(&run->can_get, &run->qmu);
		if ((it = run->head) != NULL) {
			run->head = it->next;
			if (run->head == NULL)
				run->tail = NULL;
		}
		pthread_mutex_unlock(&run->qmu);
		if (it == NULL)
			break;
		memset(&sp, 0, sizeof(sp));
		process(w, it, &sp);
		if (sp.failed || (sp.tmp != NULL && ferror(sp.tmp))) {
			pthread_mutex_lock(&run->lock);
			run->failed = 1;
			pthread_mutex_unlock(&run->lock);
		}
		pthread_mutex_lock(&run->qmu);
		complete_locked(run, it->seq, &sp);
		pthread_mutex_unlock(&run->qmu);
		item_free(it);
	}
	return NULL;
}

/*
 * Hand one item on (takes it): parsed now with one job, else queued in
 * its turn.  TR_OK, or a negative status when the run must stop.
 */
static int
dispatch(struct tri_parse_run *run, struct item *it)
{
	struct spool sp;
	int rc = TR_OK;

	if (stopping(run)) {
		item_free(it);
		return run->failed ? TR_EIO : TR_EINTR;
	}
	if (run->jobs <= 1) {
		if (it->kind == IT_TEXT) {
			if (tri_jsonl_write_raw(run->w, it->text, it->len, 1,
			    run->err) != TR_OK)
				run->failed = 1;
		} else {
			process(&run->main, it, NULL);
		}
		item_free(it);
		return stopping(run) ? run->failed ? TR_EIO : TR_EINTR : TR_OK;
	}
	pthread_mutex_lock(&run->qmu);
	while (run->next_seq - run->next_write >= run->window)
		pthread_cond_wait(&run->can_put, &run->qmu);
	it->seq = run->next_seq++;
	if (it->kind == IT_TEXT) {
		memset(&sp, 0, sizeof(sp));
		sp.buf = it->text;
		sp.len = sp.cap = it->len;
		sp.nrec = 1;
		it->text = NULL;
		complete_locked(run, it->seq, &sp);
		item_free(it);
	} else {
		if (run->tail != NULL)
			run->tail->next = it;
		else
			run->head = it;
		run->tail = it;
		pthread_cond_signal(&run->can_get);
	}
	pthread_mutex_unlock(&run->qmu);
	if (stopping(run))
		rc = run->failed ? TR_EIO : TR_EINTR;
	return rc;
}

static struct item *
item_new(int kind)
{
	struct item *it = calloc(1, sizeof(*it));

	if (it != NULL) {
		it->kind = kind;
		it->fsi = -1;
		it->mtime = TR_TIME_UNSET;
	}
	return it;
}

static int
nomem(struct tri_parse_run *run)
{
	return tri_error_set(run->err, TR_ENOMEM, "out of memory");
}

static int
queue_plain(struct tri_parse_run *run, const char *source, const char *path,
    int single)
{
	struct item *it;

	if ((it = item_new(IT_PLAIN)) == NULL ||
	    (it->source = strdup(source)) == NULL ||
	    (it->path = strdup(path)) == NULL) {
		item_free(it);
		return nomem(run);
	}
	it->single = single;
	return dispatch(run, it);
}

static int
cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every file below dir, in name order (stable output), not following links. */
static int
parse_folder(struct tri_parse_run *run, const char *source, const char *dir,
    int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **nn, *p;
	size_t n = 0, cap = 0, i;
	struct stat st;
	int rc = TR_OK;

	if (depth > DEPTH_MAX) {
		say(run, "'%s': deeper than %d folders, not read", dir,
		    DEPTH_MAX);
		return TR_OK;
	}
	if ((d = opendir(dir)) == NULL) {
		trouble(run, "cannot read folder '%s': %s", dir,
		    strerror(errno));
		return TR_OK;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL) {
				rc = nomem(run);
				goto out;
			}
			names = nn;
		}
		if (asprintf(&p, "%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name) < 0) {
			rc = nomem(run);
			goto out;
		}
		names[n++] = p;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && rc == TR_OK; i++) {
		if (lstat(names[i], &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = parse_folder(run, source, names[i], depth + 1);
		else if (S_ISREG(st.st_mode))
			rc = queue_plain(run, source, names[i], 0);
	}
out:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---- images and live folders through the artifact definitions ---- */

static void
close_psrc(struct psrc *sc)
{
	if (sc == NULL)
		return;
	tr_layout_free(sc->layout);
	tr_source_close(sc->src);
	free(sc->arg);
	free(sc);
}

/*
 * Open path as an image (or a live folder with live): 1 when it holds a
 * filesystem (*out set, kept in run->srcs), 0 when it holds none, -1 when
 * it cannot be opened (err set).  On no memory, -2.
 */
static int
open_psrc(struct tri_parse_run *run, const char *path, int live,
    struct psrc **out, tr_error *err)
{
	struct psrc *sc, **v;

	*out = NULL;
	if ((sc = calloc(1, sizeof(*sc))) == NULL ||
	    (sc->arg = strdup(path)) == NULL) {
		free(sc);
		return -2;
	}
	sc->live = live;
	if (tr_source_open(&sc->src, path, live ? "dir" : NULL, 0, err) !=
	    TR_OK || tr_source_layout(sc->src, &sc->layout, NULL, NULL, err) !=
	    TR_OK) {
		close_psrc(sc);
		return -1;
	}
	if (sc->layout->nfs == 0) {
		close_psrc(sc);
		return 0;
	}
	if ((v = realloc(run->srcs, (run->nsrc + 1) * sizeof(*v))) == NULL) {
		close_psrc(sc);
		return -2;
	}
	run->srcs = v;
	v[run->nsrc++] = sc;
	*out = sc;
	return 1;
}

struct fswalk {
	struct tri_parse_run	*run;
	struct psrc		*sc;
	int			fsi;
	tr_artifact_paths	*paths;
	unsigned char		*use;		/* per path: served */
	unsigned		fold;
	int			rc;
};

static int
fs_walk_cb(void *arg, const tr_entry *e)
{
	struct fswalk *fw = arg;
	struct item *it;
	const char *name = NULL;
	size_t i;

	if (e->type != TR_FT_FILE || e->deleted || e->realloc ||
	    e->meta_deleted || e->stream != NULL)
		return TR_WALK_CONTINUE;
	for (i = 0; i < tr_artifact_paths_count(fw->paths); i++)
		if (fw->use[i] && tr_glob_match(tr_artifact_paths_glob(
		    fw->paths, i), e->path, fw->fold)) {
			name = tr_artifact_paths_name(fw->paths, i);
			break;
		}
	if (name == NULL)
		return TR_WALK_CONTINUE;
	if ((it = item_new(IT_FS)) == NULL ||
	    (it->path = strdup(e->path)) == NULL ||
	    (!fw->sc->live && (it->inode = strdup(e->inode)) == NULL) ||
	    (it->artifact = strdup(name)) == NULL) {
		item_free(it);
		fw->rc = nomem(fw->run);
		return TR_WALK_ERROR;
	}
	it->sc = fw->sc;
	it->fsi = fw->fsi;
	it->mtime = e->mtime;
	if ((fw->rc = dispatch(fw->run, it)) != TR_OK)
		return TR_WALK_ERROR;
	return TR_WALK_CONTINUE;
}

static void
walk_warn(void *arg, const char *msg)
{
	trouble(arg, "%s", msg);
}

/* The artifacts of one filesystem of an image (or live folder). */
static int
walk_fs(struct tri_parse_run *run, struct psrc *sc, int fsi)
{
	const tr_parse_opts *o = run->opts;
	struct fswalk fw;
	tr_artifact_paths *srv = NULL;
	tr_walk_opts wo;
	tr_error err;
	tr_fs *fs;
	size_t i, j, n, any = 0;
	int rc;

	memset(&fw, 0, sizeof(fw));
	fw.run = run;
	fw.sc = sc;
	fw.fsi = fsi;
	if (tr_fs_open(&fs, sc->src, &sc->layout->fs[fsi], &err) != TR_OK) {
		trouble(run, "%s", err.msg);
		return TR_OK;
	}
	fw.fold = tr_fs_case_insensitive(fs) ? TR_GLOB_CASEFOLD : 0;
	if (tr_artifacts_expand(o->defs, run->names, run->nnames, fs,
	    NULL, NULL, &fw.paths, &err) != TR_OK) {
		trouble(run, "%s", err.msg);
		tr_fs_close(fs);
		return TR_OK;
	}
	n = tr_artifact_paths_count(fw.paths);
	if ((fw.use = calloc(n > 0 ? n : 1, 1)) == NULL) {
		rc = nomem(run);
		goto out;
	}
	if (run->filter && run->served[0] != NULL) {
		for (j = 0; run->served[j] != NULL; j++)
			;
		if (tr_artifacts_expand(o->defs, run->served, j, fs, NULL,
		    NULL, &srv, &err) != TR_OK) {
			trouble(run, "%s", err.msg);
			rc = TR_OK;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (!run->filter)
			fw.use[i] = 1;
		for (j = 0; !fw.use[i] && j < tr_artifact_paths_count(srv); j++)
			if (strcmp(tr_artifact_paths_name(fw.paths, i),
			    tr_artifact_paths_name(srv, j)) == 0)
				fw.use[i] = 1;
		any |= fw.use[i];
	}
	rc = TR_OK;
	if (!any)
		goto out;
	memset(&wo, 0, sizeof(wo));
	wo.flags = TR_WALK_ALLOC | TR_WALK_NOORPHAN;
	wo.max_depth = -1;
	wo.warn = walk_warn;
	wo.warn_arg = run;
	fw.rc = TR_OK;
	if (tr_fs_walk(fs, &wo, fs_walk_cb, &fw, NULL, &err) != TR_OK &&
	    fw.rc == TR_OK)
		trouble(run, "%s", err.msg);
	rc = fw.rc;
out:
	tr_artifact_paths_free(srv);
	tr_artifact_paths_free(fw.paths);
	free(fw.use);
	tr_fs_close(fs);
	return rc;
}

static int
walk_source(struct tri_parse_run *run, struct psrc *sc)
{
	size_t i;
	int rc = TR_OK;

	for (i = 0; i < sc->layout->nfs && rc == TR_OK; i++)
		rc = walk_fs(run, sc, (int)i);
	return rc;
}

/* ---- records on stdin ---- */

static struct psrc *
find_psrc(struct tri_parse_run *run, const char *source, int *rc)
{
	struct psrc *sc;
	struct stat st;
	tr_error err;
	size_t i;
	int r;

	*rc = TR_OK;
	for (i = 0; i < run->nsrc; i++)
		if (strcmp(run->srcs[i]->arg, source) == 0)
			return run->srcs[i]->bad ? NULL : run->srcs[i];
	r = open_psrc(run, source, stat(source, &st) == 0 &&
	    S_ISDIR(st.st_mode), &sc, &err);
	if (r == 1)
		return sc;
	if (r == -2) {
		*rc = nomem(run);
		return NULL;
	}
	if (r == 0)
		trouble(run, "no filesystem found in '%s' (a source named on "
		    "stdin)", source);
	else
		trouble(run, "%s", err.msg);
	/* Said once: remember it as bad. */
	if ((sc = calloc(1, sizeof(*sc))) != NULL &&
	    (sc->arg = strdup(source)) != NULL) {
		struct psrc **v = realloc(run->srcs, (run->nsrc + 1) *
		    sizeof(*v));

		if (v != NULL) {
			sc->bad = 1;
			run->srcs = v;
			v[run->nsrc++] = sc;
			return NULL;
		}
	}
	close_psrc(sc);
	return NULL;
}

/* The file a 'file' or 'extracted' record names, as an item; NULL: none. */
static struct item *
record_item(struct tri_parse_run *run, const tr_rec *r, uint64_t line,
    int *rc)
{
	const char *source, *path, *hex, *type, *kind = tr_rec_kind(r);
	struct psrc *sc;
	struct item *it;
	int64_t vol;
	size_t i, n;
	int fsi = -1;

	*rc = TR_OK;
	if (kind == NULL || (strcmp(kind, "file") != 0 &&
	    strcmp(kind, "extracted") != 0))
		return NULL;
	if ((type = tr_rec_get_str(r, "type")) != NULL &&
	    strcmp(type, "file") != 0)
		return NULL;
	if (tr_rec_get_str(r, "stream") != NULL)
		return NULL;
	source = tr_rec_get_str(r, "source");
	path = tr_rec_get_str(r, "path");
	hex = tr_rec_get_str(r, "path_hex");
	if (source == NULL || path == NULL) {
		trouble(run, "'<stdin>' line %" PRIu64 ": a %s record without "
		    "source and path", line, kind);
		return NULL;
	}
	if ((sc = find_psrc(run, source, rc)) == NULL)
		return NULL;
	if (!tr_rec_get_int(r, "volume", &vol))
		vol = -1;
	for (i = 0; i < sc->layout->nfs; i++)
		if (sc->layout->fs[i].volume == vol) {
			fsi = (int)i;
			break;
		}
	if (fsi < 0) {
		trouble(run, "'<stdin>' line %" PRIu64 ": no filesystem in "
		    "volume %" PRId64 " of '%s'", line, vol, source);
		return NULL;
	}
	if ((it = item_new(IT_FS)) == NULL) {
		*rc = nomem(run);
		return NULL;
	}
	if (hex != NULL) {
		n = strlen(hex);
		if ((it->path = malloc(n / 2 + 1)) == NULL) {
			item_free(it);
			*rc = nomem(run);
			return NULL;
		}
		if (tri_unhex(hex, n, (uint8_t *)it->path) != 0 ||
		    memchr(it->path, '\0', n / 2) != NULL) {
			trouble(run, "'<stdin>' line %" PRIu64 ": bad "
			    "path_hex", line);
			item_free(it);
			return NULL;
		}
		it->path[n / 2] = '\0';
	} else if ((it->path = strdup(path)) == NULL) {
		item_free(it);
		*rc = nomem(run);
		return NULL;
	}
	if (!sc->live && tr_rec_get_str(r, "inode") != NULL &&
	    (it->inode = strdup(tr_rec_get_str(r, "inode"))) == NULL) {
		item_free(it);
		*rc = nomem(run);
		return NULL;
	}
	if (tr_rec_get_str(r, "artifact") != NULL)
		it->artifact = strdup(tr_rec_get_str(r, "artifact"));
	tr_rec_get_time(r, "mtime", &it->mtime, NULL);
	it->sc = sc;
	it->fsi = fsi;
	return it;
}

static int
read_records(struct tri_parse_run *run, FILE *in)
{
	tr_jsonl_reader *rd;
	struct item *it, *t;
	tr_rec *r;
	tr_error e;
	char *s;
	size_t n;
	int got, rc = TR_OK;

	if (tr_jsonl_reader_fdopen(&rd, in, "<stdin>", &e) != TR_OK) {
		trouble(run, "%s", e.msg);
		return TR_OK;
	}
	while (rc == TR_OK && (got = tr_jsonl_read(rd, &r, &e)) != 0) {
		if (got < 0) {
			trouble(run, "%s", e.msg);
			if (got != TR_EFORMAT)
				break;
			continue;
		}
		/* The record itself goes on, then the events of its file. */
		if ((s = tr_rec_dump(r)) == NULL || (t = item_new(IT_TEXT)) ==
		    NULL) {
			free(s);
			tr_rec_free(r);
			rc = nomem(run);
			break;
		}
		n = strlen(s);
		s[n] = '\n';
		t->text = s;
		t->len = n + 1;
		if ((rc = dispatch(run, t)) != TR_OK) {
			tr_rec_free(r);
			break;
		}
		pthread_mutex_lock(&run->lock);
		run->stats->passed++;
		pthread_mutex_unlock(&run->lock);
		it = record_item(run, r, tr_jsonl_reader_line(rd), &rc);
		tr_rec_free(r);
		if (it != NULL)
			rc = dispatch(run, it);
	}
	tr_jsonl_reader_close(rd);
	return rc;
}

/* ---- the run ---- */

static int
start_workers(struct tri_parse_run *run)
{
	int i;

	run->window = (size_t)run->jobs * WINDOW_PER_JOB;
	if ((run->ring = calloc(run->window, sizeof(*run->ring))) == NULL ||
	    (run->workers = calloc((size_t)run->jobs,
	    sizeof(*run->workers))) == NULL)
		return nomem(run);
	for (i = 0; i < run->jobs; i++) {
		run->workers[i].run = run;
		if (pthread_create(&run->workers[i].tid, NULL, worker_main,
		    &run->workers[i]) != 0)
			return tri_error_set(run->err, TR_ENOMEM,
			    "cannot start a parsing thread");
		run->workers[i].started = 1;
	}
	return TR_OK;
}

static void
worker_close(struct worker *w)
{
	size_t k;

	for (k = 0; k < w->nfs; k++)
		tr_fs_close(w->fs[k].fs);
	free(w->fs);
	w->fs = NULL;
	w->nfs = 0;
}

static void
stop_workers(struct tri_parse_run *run)
{
	size_t i;
	int k;

	if (run->workers == NULL)
		return;
	pthread_mutex_lock(&run->qmu);
	run->closed = 1;
	pthread_cond_broadcast(&run->can_get);
	pthread_mutex_unlock(&run->qmu);
	for (k = 0; k < run->jobs; k++) {
		if (!run->workers[k].started)
			continue;
		pthread_join(run->workers[k].tid, NULL);
		worker_close(&run->workers[k]);
	}
	for (i = 0; run->ring != NULL && i < run->window; i++)
		spool_free(&run->ring[i].sp);
	free(run->ring);
	free(run->workers);
	run->ring = NULL;
	run->workers = NULL;
}

/* Names of the definitions the selected parsers serve (known ones only). */
static int
served_names(struct tri_parse_run *run)
{
	const tr_parse_opts *o = run->opts;
	const char **v = NULL, **nv;
	size_t n = 0, i, j, k;
	int dup;

	if (o->defs == NULL)	/* plain files and folders only */
		return TR_OK;
	for (i = 0; registry[i] != NULL; i++) {
		if (!selected(o, registry[i]) || registry[i]->artifacts ==
		    NULL)
			continue;
		for (j = 0; registry[i]->artifacts[j] != NULL; j++) {
			const char *a = registry[i]->artifacts[j];

			if (!tr_artifacts_has(o->defs, a))
				continue;
			for (dup = 0, k = 0; k < n; k++)
				dup |= strcmp(v[k], a) == 0;
			if (dup)
				continue;
			if ((nv = realloc(v, (n + 2) * sizeof(*v))) == NULL) {
				free(v);
				return nomem(run);
			}
			v = nv;
			v[n++] = a;
		}
	}
	if (v == NULL && (v = malloc(sizeof(*v))) == NULL)
		return nomem(run);
	v[n] = NULL;
	run->served = v;
	return TR_OK;
}

static const char *const default_names[] = { "windows-triage",
    "linux-triage" };

/* Which definitions to read from images; TR_OK or an error. */
static int
choose_artifacts(struct tri_parse_run *run, const char **dflt, size_t *nd)
{
	const tr_parse_opts *o = run->opts;
	size_t i;

	*nd = 0;
	if (o->nartifacts > 0) {
		for (i = 0; i < o->nartifacts; i++)
			if (o->defs == NULL ||
			    !tr_artifacts_has(o->defs, o->artifacts[i]))
				return tri_error_set(run->err, TR_ENOTFOUND,
				    "unknown artifact '%s'", o->artifacts[i]);
		run->names = o->artifacts;
		run->nnames = o->nartifacts;
		return TR_OK;
	}
	for (i = 0; o->defs != NULL && i < 2; i++)
		if (tr_artifacts_has(o->defs, default_names[i]))
			dflt[(*nd)++] = default_names[i];
	run->names = dflt;
	run->nnames = *nd;
	run->filter = 1;
	return TR_OK;
}

/* One operand (not "-"). */
static int
run_operand(struct tri_parse_run *run, const char *op)
{
	struct psrc *sc;
	struct stat st;
	tr_error e;
	int r;

	if (stat(op, &st) != 0) {
		trouble(run, "cannot open '%s': %s", op, strerror(errno));
		return TR_OK;
	}
	if (S_ISDIR(st.st_mode)) {
		if (run->opts->nartifacts == 0)
			return parse_folder(run, op, op, 0);
		r = open_psrc(run, op, 1, &sc, &e);
	} else if (S_ISREG(st.st_mode) && st.st_size == 0) {
		r = 0;
	} else {
		r = open_psrc(run, op, 0, &sc, &e);
	}
	if (r == -2)
		return nomem(run);
	if (r == 1) {
		if (run->opts->defs == NULL || run->nnames == 0) {
			trouble(run, "'%s': no artifact definitions to find "
			    "artifacts with", op);
			return TR_OK;
		}
		return walk_source(run, sc);
	}
	/* No filesystem in it: an artifact file itself. */
	return queue_plain(run, op, op, 1);
}

int
tr_parse_run(const char *const *operands, size_t n, const tr_parse_opts *opts,
    tr_jsonl *w, tr_parse_stats *stats, tr_error *err)
{
	struct tri_parse_run run;
	const char *dflt[2];
	struct psrc *sc;
	struct stat st;
	tr_error e;
	size_t i, nd;
	int rc = TR_OK, from_stdin = 0, r;

	memset(stats, 0, sizeof(*stats));
	memset(&run, 0, sizeof(run));
	run.opts = opts;
	run.conf.timezone = opts->timezone;
	run.conf.registry = opts->registry != 0 ? (int)opts->registry :
	    TRI_REG_KEYS | TRI_REG_DECODED;
	run.conf.jobs = opts->jobs;
	run.w = w;
	run.stats = stats;
	run.err = err;
	run.max_size = opts->max_size > 0 ? opts->max_size :
	    TR_PARSE_MAX_SIZE;
	run.jobs = opts->jobs > 1 ? opts->jobs : 1;
	run.main.run = &run;
	pthread_mutex_init(&run.lock, NULL);
	pthread_mutex_init(&run.qmu, NULL);
	pthread_cond_init(&run.can_put, NULL);
	pthread_cond_init(&run.can_get, NULL);
	for (i = 0; i < n; i++)
		if (strcmp(operands[i], "-") == 0)
			from_stdin++;
	if (from_stdin > 1) {
		rc = tri_error_set(err, TR_EINVAL, "'-' given more than once");
		goto out;
	}
	if ((rc = choose_artifacts(&run, dflt, &nd)) != TR_OK ||
	    (rc = served_names(&run)) != TR_OK)
		goto out;
	if (run.jobs > 1 && (rc = start_workers(&run)) != TR_OK)
		goto out;
	if (from_stdin) {
		/* The other operands are the sources the records name. */
		for (i = 0; i < n && rc == TR_OK; i++) {
			if (strcmp(operands[i], "-") == 0)
				continue;
			r = open_psrc(&run, operands[i], stat(operands[i],
			    &st) == 0 && S_ISDIR(st.st_mode), &sc, &e);
			if (r == -2)
				rc = nomem(&run);
			else if (r == 0)
				rc = tri_error_set(err, TR_EINVAL, "no "
				    "filesystem found in '%s': with '-', the "
				    "other operands are the images the "
				    "records come from", operands[i]);
			else if (r < 0)
				rc = tri_error_set(err, e.code, "%s", e.msg);
		}
		if (rc == TR_OK)
			rc = read_records(&run, opts->in != NULL ? opts->in :
			    stdin);
	} else {
		for (i = 0; i < n && rc == TR_OK; i++)
			rc = run_operand(&run, operands[i]);
	}
	stop_workers(&run);
	if (rc == TR_OK && run.failed)
		rc = TR_EIO;	/* err says what failed */
	if ((rc == TR_OK || rc == TR_EINTR) && opts->stop != NULL &&
	    *opts->stop)
		rc = tri_error_set(err, TR_EINTR, "stopped");
out:
	stop_workers(&run);
	worker_close(&run.main);
	for (i = 0; i < run.nsrc; i++)
		close_psrc(run.srcs[i]);
	free(run.srcs);
	free(run.served);
	pthread_cond_destroy(&run.can_put);
	pthread_cond_destroy(&run.can_get);
	pthread_mutex_destroy(&run.qmu);
	pthread_mutex_destroy(&run.lock);
	return rc;
}

int
tr_parse_has_parser(const char *name)
{
	size_t i;

	for (i = 0; registry[i] != NULL; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return 1;
	return 0;
}

int
tr_parse_list(tr_jsonl *w, tr_error *err)
{
	const tri_parser *p;
	tr_rec *r, *dts = NULL, *arts = NULL;
	size_t i, j;
	int rc;

	for (i = 0; (p = registry[i]) != NULL; i++) {
		dts = arts = NULL;
		if ((r = tr_rec_new("parser")) == NULL ||
		    (dts = tr_rec_new_array()) == NULL ||
		    (arts = tr_rec_new_array()) == NULL) {
			tr_rec_free(r);
			tr_rec_free(dts);
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		}
		rc = tr_rec_set_str(r, "name", p->name);
		rc |= tr_rec_set_str(r, "description", p->description);
		for (j = 0; p->data_types != NULL && p->data_types[j] != NULL;
		    j++)
			rc |= tr_rec_append_str(dts, p->data_types[j]);
		rc |= tr_rec_set_rec(r, "data_types", dts);
		for (j = 0; p->artifacts != NULL && p->artifacts[j] != NULL;
		    j++)
			rc |= tr_rec_append_str(arts, p->artifacts[j]);
		rc |= tr_rec_set_rec(r, "artifacts", arts);
		if (rc != 0) {
			tr_rec_free(r);
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		}
		rc = tr_jsonl_write(w, r, err);
		tr_rec_free(r);
		if (rc != TR_OK)
			return rc;
	}
	return TR_OK;
}
