/* SPDX-License-Identifier: Apache-2.0 */
/*
 * triage-parse's driver: find artifacts in the operands, recognise each by
 * its content, hand it whole to its parser, write the events.  The parsers
 * are behind the seam of parse_internal.h.
 */
#include "internal.h"
#include "parse_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEAD_MAX	4096
#define DEPTH_MAX	64

struct tri_parse_run {
	const tr_parse_opts	*opts;
	tri_parse_conf		conf;
	tr_jsonl		*w;
	tr_parse_stats		*stats;
	pthread_mutex_t		lock;
	int			failed;		/* output failed or stopped */
	tr_error		*err;
};

struct tri_parse_ctx {
	struct tri_parse_run	*run;
	const tr_artifact	*a;
	int			lost;
};

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
	pthread_mutex_lock(&run->lock);
	run->stats->warnings++;
	pthread_mutex_unlock(&run->lock);
	if (offset == UINT64_MAX)
		tri_warn(run->opts->warn, run->opts->warn_arg, "%s: %s", where,
		    msg);
	else
		tri_warn(run->opts->warn, run->opts->warn_arg,
		    "%s: offset %llu (0x%llx): %s", where,
		    (unsigned long long)offset, (unsigned long long)offset,
		    msg);
}

void
tri_parse_lost(tri_parse_ctx *ctx)
{
	ctx->lost = 1;
}

int
tri_parse_stopped(const tri_parse_ctx *ctx)
{
	const tr_parse_opts *o = ctx->run->opts;

	return ctx->run->failed || (o->stop != NULL && *o->stop);
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
	rc |= tr_rec_set_str(ev, "parser", "");
	if (run->opts->label != NULL)
		rc |= tr_rec_set_str(ev, "evidence", run->opts->label);
	rc |= tr_rec_set_str(ev, "source", a->source);
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

/* The parser that made the events: set by parse_one() for tri_parse_emit. */
static __thread const char *cur_parser;

int
tri_parse_emit(tri_parse_ctx *ctx, tr_rec *ev)
{
	struct tri_parse_run *run = ctx->run;
	int64_t usec;
	int rc;

	if (ev == NULL)
		return TR_OK;
	if (tri_parse_stopped(ctx)) {
		tr_rec_free(ev);
		return TR_EINTR;
	}
	if (tr_rec_get_int(ev, "timestamp", &usec) &&
	    !in_range(run->opts, usec)) {
		tr_rec_free(ev);
		return TR_OK;
	}
	if (cur_parser != NULL &&
	    tr_rec_set_str(ev, "parser", cur_parser) != TR_OK) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	rc = tr_jsonl_write(run->w, ev, run->err);
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
recognise(const tr_parse_opts *o, const uint8_t *data, size_t size,
    const char *name)
{
	const tri_parser *best = NULL;
	size_t i, hl = size < HEAD_MAX ? size : HEAD_MAX;
	int score, top = 0;

	for (i = 0; tri_parsers[i] != NULL; i++) {
		if (!selected(o, tri_parsers[i]))
			continue;
		score = tri_parsers[i]->match(data, hl, size, name);
		if (score > top) {
			top = score;
			best = tri_parsers[i];
		}
	}
	return best;
}

/*
 * Parse one artifact held in memory.  *found is set when a parser took it.
 * Returns TR_OK, or a negative status when the run must stop.
 */
static int
parse_one(struct tri_parse_run *run, const tr_artifact *a, int *found)
{
	const tri_parser *p;
	tri_parse_ctx ctx = { run, a, 0 };
	int rc;

	*found = 0;
	if ((p = recognise(run->opts, a->data, a->size, a->name)) == NULL) {
		pthread_mutex_lock(&run->lock);
		run->stats->unknown++;
		pthread_mutex_unlock(&run->lock);
		return TR_OK;
	}
	*found = 1;
	cur_parser = p->name;
	rc = p->parse(&ctx, a);
	cur_parser = NULL;
	pthread_mutex_lock(&run->lock);
	run->stats->artifacts++;
	if (rc != TR_OK || ctx.lost)
		run->stats->lost++;
	pthread_mutex_unlock(&run->lock);
	if (run->opts->progress != NULL)
		run->opts->progress(run->opts->progress_arg,
		    run->stats->artifacts, a->size);
	if (run->failed || (run->opts->stop != NULL && *run->opts->stop))
		return run->failed ? TR_EIO : TR_EINTR;
	return TR_OK;
}

/* Whole content of a plain file (sibling lookups). */
static int
read_whole(const char *path, uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > ((uint64_t)1 << 32) ||
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

struct plain_sib {
	const char	*path;
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
	return read_whole(buf, data, size);
}

/*
 * A plain file: mapped read-only (O_NOATIME where allowed), never written.
 * source is the operand, path the file's path as reached from it.
 */
static int
parse_plain(struct tri_parse_run *run, const char *source, const char *path,
    int single)
{
	struct plain_sib ps = { path };
	tr_artifact a;
	struct stat st;
	void *map;
	const char *slash;
	int fd, found = 0, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME)) < 0 &&
	    (errno != EPERM ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)) {
		tri_warn(run->opts->warn, run->opts->warn_arg,
		    "cannot open '%s': %s", path, strerror(errno));
		pthread_mutex_lock(&run->lock);
		run->stats->warnings++;
		run->stats->lost++;
		pthread_mutex_unlock(&run->lock);
		return TR_OK;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		if (single)
			tri_warn(run->opts->warn, run->opts->warn_arg,
			    "'%s': not a regular file with content", path);
		return TR_OK;
	}
	if ((map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) == MAP_FAILED) {
		tri_warn(run->opts->warn, run->opts->warn_arg,
		    "cannot map '%s': %s", path, strerror(errno));
		close(fd);
		pthread_mutex_lock(&run->lock);
		run->stats->warnings++;
		run->stats->lost++;
		pthread_mutex_unlock(&run->lock);
		return TR_OK;
	}
	close(fd);
	memset(&a, 0, sizeof(a));
	a.data = map;
	a.size = (size_t)st.st_size;
	a.source = source;
	a.volume = -1;
	a.path = path;
	a.name = (slash = strrchr(path, '/')) != NULL ? slash + 1 : path;
	a.mtime = tri_time(st.st_mtim.tv_sec, (uint32_t)st.st_mtim.tv_nsec,
	    9);
	a.sibling = plain_sibling;
	a.sibling_arg = &ps;
	rc = parse_one(run, &a, &found);
	munmap(map, (size_t)st.st_size);
	if (single && !found)
		tri_warn(run->opts->warn, run->opts->warn_arg,
		    "'%s': no parser recognises this file", path);
	return rc;
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
		tri_warn(run->opts->warn, run->opts->warn_arg,
		    "'%s': deeper than %d folders, not read", dir, DEPTH_MAX);
		return TR_OK;
	}
	if ((d = opendir(dir)) == NULL) {
		tri_warn(run->opts->warn, run->opts->warn_arg,
		    "cannot read folder '%s': %s", dir, strerror(errno));
		pthread_mutex_lock(&run->lock);
		run->stats->warnings++;
		run->stats->lost++;
		pthread_mutex_unlock(&run->lock);
		return TR_OK;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL) {
				rc = tri_error_set(run->err, TR_ENOMEM,
				    "out of memory");
				goto out;
			}
			names = nn;
		}
		if (asprintf(&p, "%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name) < 0) {
			rc = tri_error_set(run->err, TR_ENOMEM,
			    "out of memory");
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
			rc = parse_plain(run, source, names[i], 0);
	}
out:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
tr_parse_run(const char *const *operands, size_t n, const tr_parse_opts *opts,
    tr_jsonl *w, tr_parse_stats *stats, tr_error *err)
{
	struct tri_parse_run run;
	struct stat st;
	size_t i;
	int rc = TR_OK;

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
	pthread_mutex_init(&run.lock, NULL);
	for (i = 0; i < n && rc == TR_OK; i++) {
		if (stat(operands[i], &st) != 0) {
			rc = tri_error_errno(err, TR_EIO, errno,
			    "cannot open '%s'", operands[i]);
			break;
		}
		if (S_ISDIR(st.st_mode))
			rc = parse_folder(&run, operands[i], operands[i], 0);
		else
			rc = parse_plain(&run, operands[i], operands[i], 1);
		if (rc == TR_OK && opts->stop != NULL && *opts->stop)
			rc = tri_error_set(err, TR_EINTR, "stopped");
	}
	pthread_mutex_destroy(&run.lock);
	return rc;
}

int
tr_parse_has_parser(const char *name)
{
	size_t i;

	for (i = 0; tri_parsers[i] != NULL; i++)
		if (strcmp(tri_parsers[i]->name, name) == 0)
			return 1;
	return 0;
}

int
tr_parse_list(tr_jsonl *w, tr_error *err)
{
	const tri_parser *p;
	tr_rec *r, *dts;
	size_t i, j;
	int rc;

	for (i = 0; (p = tri_parsers[i]) != NULL; i++) {
		if ((r = tr_rec_new("parser")) == NULL ||
		    (dts = tr_rec_new_array()) == NULL) {
			tr_rec_free(r);
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		}
		rc = tr_rec_set_str(r, "name", p->name);
		rc |= tr_rec_set_str(r, "description", p->description);
		for (j = 0; p->data_types != NULL && p->data_types[j] != NULL;
		    j++)
			rc |= tr_rec_append_str(dts, p->data_types[j]);
		rc |= tr_rec_set_rec(r, "data_types", dts);
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
