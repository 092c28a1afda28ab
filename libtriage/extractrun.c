/* SPDX-License-Identifier: Apache-2.0 */
/* The extraction run: selection, sources, records read, the output check. */
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "triage/artifacts.h"
#include "triage/extract.h"

/* Room for two whole paths: these messages are not cut at 512 bytes. */
#define MSG_MAX		2048

typedef struct list {
	char	**v;
	size_t	n;
} list;

/*
 * Records read for one source: sorted, unique "volume\tinode\tpath" keys,
 * and which of them the walk found.
 */
typedef struct wanted {
	char		*source;
	list		keys;
	unsigned char	*found;
} wanted;

typedef struct run {
	const tr_extract_opts *o;
	tr_extract_stats *st;
	tr_extract	*x;
	wanted		*w;		/* records read, by source */
	size_t		nw;
	wanted		*want;		/* record mode: this source's keys */
	int		multi, nomem;
	char		prefix[32];
	tr_fs		*fs;
	tr_artifact_paths *apaths;
	unsigned	fold;
} run;

static void	say(tr_warn_fn, void *, const char *, ...) TRI_PRINTF(3, 4);
static void	problem(run *, const char *, ...) TRI_PRINTF(2, 3);
static int	fail(run *, tr_error *, int, const char *, ...)
		    TRI_PRINTF(4, 5);

static void
say(tr_warn_fn fn, void *arg, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(arg, msg);
}

/* An error the run goes past. */
static void
problem(run *r, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->st->errors++;
	say(r->o->error, r->o->error_arg, "%s", msg);
}

/* The error that stops the run: to opts->error, and into err. */
static int
fail(run *r, tr_error *err, int code, const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	problem(r, "%s", msg);
	return tri_error_set(err, code, "%s", msg);
}

static int
add_owned(list *l, char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	v[l->n++] = s;
	l->v = v;
	return 0;
}

static void
list_free(list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* NULL when out of memory. */
static char *
entry_key(int volume, const char *inode, const char *path)
{
	char *k;

	if (asprintf(&k, "%d\t%s\t%s", volume, inode, path) < 0)
		return NULL;
	return k;
}

/*
 * Which selection e answers (1, else 0), and the artifact name (or NULL);
 * -1 when out of memory.
 */
static int
selected(run *r, const tr_entry *e, const char **artifact)
{
	const tr_extract_opts *o = r->o;
	const tr_fs_info *fi = tr_fs_get_info(r->fs);
	size_t i;
	char *k, **hit_at;

	*artifact = NULL;
	if (r->want != NULL) {
		if ((k = entry_key(fi->volume, e->inode, e->path)) == NULL)
			return -1;
		hit_at = bsearch(&k, r->want->keys.v, r->want->keys.n,
		    sizeof(char *), cmpstr);
		free(k);
		if (hit_at == NULL)
			return 0;
		r->want->found[hit_at - r->want->keys.v] = 1;
		return 1;
	}
	for (i = 0; i < o->ninodes; i++)
		if (strcmp(o->inodes[i], e->inode) == 0)
			return 1;
	for (i = 0; i < o->nglobs; i++)
		if (tr_glob_match(o->globs[i], e->path, r->fold))
			return 1;
	for (i = 0; i < tr_artifact_paths_count(r->apaths); i++)
		if (tr_glob_match(tr_artifact_paths_glob(r->apaths, i),
		    e->path, r->fold)) {
			*artifact = tr_artifact_paths_name(r->apaths, i);
			return 1;
		}
	return 0;
}

static int
walk_cb(void *arg, const tr_entry *e)
{
	run *r = arg;
	const tr_extract_opts *o = r->o;
	tr_extract_item item;
	tr_rec *rec = NULL;
	tr_error err;
	int64_t size;
	int del = e->deleted || e->meta_deleted, sel = 0;

	/* A record read is found even when it names no regular file. */
	if (r->want != NULL && (sel = selected(r, e, &item.artifact)) <= 0)
		goto unselected;
	if (e->type != TR_FT_FILE || e->realloc)
		return TR_WALK_CONTINUE;
	if (del && !(o->flags & TR_EXTRACT_DELETED) && r->want == NULL)
		return TR_WALK_CONTINUE;
	if (r->want == NULL && (sel = selected(r, e, &item.artifact)) <= 0)
		goto unselected;
	r->st->selected++;
	if (del && !e->recoverable) {
		say(o->warn, o->warn_arg, "'%s' inode %s '%s': deleted, "
		    "content not recoverable; skipped",
		    tr_source_path(tr_fs_source(r->fs)), e->inode, e->path);
		return TR_WALK_CONTINUE;
	}
	item.prefix = r->multi ? r->prefix : NULL;
	if (tr_extract_entry(r->x, r->fs, e, &item, &rec, &err) != TR_OK) {
		if (del) {
			say(o->warn, o->warn_arg, "%s", err.msg);
			return TR_WALK_CONTINUE;
		}
		problem(r, "%s", err.msg);
		if (err.code == TR_EIO && err.sys_errno == ENOSPC)
			return TR_WALK_ERROR;
		return TR_WALK_CONTINUE;
	}
	if (o->out(o->out_arg, rec, &err) != TR_OK) {
		problem(r, "%s", err.msg);
		tr_rec_free(rec);
		return TR_WALK_ERROR;
	}
	r->st->written++;
	if (o->progress != NULL)
		o->progress(o->progress_arg, 1, tr_rec_get_int(rec, "size",
		    &size) && size > 0 ? (uint64_t)size : 0);
	tr_rec_free(rec);
	return TR_WALK_CONTINUE;
unselected:
	if (sel < 0) {
		r->nomem = 1;
		return TR_WALK_ERROR;
	}
	return TR_WALK_CONTINUE;
}

static int
fs_cb(void *arg, tr_fs *fs)
{
	run *r = arg;
	const tr_extract_opts *o = r->o;
	const tr_fs_info *fi = tr_fs_get_info(fs);
	tr_walk_opts wo;
	tr_error err;
	uint64_t warnings = 0;
	int rc;

	r->fs = fs;
	r->fold = tr_fs_case_insensitive(fs) ? TR_GLOB_CASEFOLD : 0;
	snprintf(r->prefix, sizeof(r->prefix), "vol%d", fi->volume);
	r->apaths = NULL;
	if (o->nartifacts > 0 && tr_artifacts_expand(o->defs, o->artifacts,
	    o->nartifacts, fs, o->warn, o->warn_arg, &r->apaths, &err) !=
	    TR_OK) {
		problem(r, "%s", err.msg);
		return TR_OK;
	}
	memset(&wo, 0, sizeof(wo));
	wo.flags = TR_WALK_ALLOC | TR_WALK_STREAMS;
	if ((o->flags & TR_EXTRACT_DELETED) || r->want != NULL)
		wo.flags |= TR_WALK_UNALLOC;
	wo.max_depth = -1;
	wo.warn = o->warn;
	wo.warn_arg = o->warn_arg;
	rc = tr_fs_walk(fs, &wo, walk_cb, r, &warnings, &err);
	tr_artifact_paths_free(r->apaths);
	r->apaths = NULL;
	if (warnings > 0)	/* a folder not read: files may be missing */
		r->st->errors++;
	if (rc != TR_OK && rc != TR_EINTR)
		problem(r, "%s", err.msg);
	return rc == TR_EINTR ? TR_EINTR : TR_OK;
}

/* Refuse an output folder inside (or equal to) a live source folder. */
static int
check_output(run *r, const char *source, tr_error *err)
{
	const char *outdir = r->o->output;
	char src[PATH_MAX], out[PATH_MAX], *dup, *slash;
	struct stat st;
	size_t n;

	if (stat(source, &st) != 0 || realpath(source, src) == NULL)
		return TR_OK;
	if (realpath(outdir, out) == NULL) {
		/* Not there yet: its parent decides. */
		if ((dup = strdup(outdir)) == NULL)
			return TR_OK;
		slash = strrchr(dup, '/');
		if (slash == dup)
			strcpy(dup, "/");
		else if (slash != NULL)
			*slash = '\0';
		else
			strcpy(dup, ".");
		if (realpath(dup, out) == NULL) {
			free(dup);
			return TR_OK;
		}
		free(dup);
	}
	n = strlen(src);
	if (strcmp(out, src) == 0 || (S_ISDIR(st.st_mode) &&
	    strncmp(out, src, n) == 0 && (out[n] == '/' || n == 1)))
		return fail(r, err, TR_EINVAL, "output folder '%s' is inside "
		    "the source '%s'", outdir, source);
	return TR_OK;
}

/*
 * Extract from one source; -1 when it could not be read or was cut short
 * (an error already counted).
 */
static int
run_source(run *r, const char *path)
{
	const tr_extract_opts *o = r->o;
	tr_source *src = NULL;
	tr_layout *l = NULL;
	tr_error err;
	unsigned failed = 0;
	int rc;

	if (tr_source_open(&src, path, o->format, o->sector_size, &err) !=
	    TR_OK) {
		problem(r, "%s", err.msg);
		return -1;
	}
	/* Warnings about the layout come once, from tr_source_each_fs. */
	if (tr_source_layout(src, &l, NULL, NULL, &err) != TR_OK) {
		problem(r, "%s", err.msg);
		tr_source_close(src);
		return -1;
	}
	r->multi = l->nfs > 1;
	rc = tr_source_each_fs(src, o->volume, o->warn, o->warn_arg, fs_cb, r,
	    &failed, &err);
	if (rc != TR_OK && rc != TR_EINTR)
		problem(r, "%s", err.msg);
	if (failed > 0 || (l->nfs == 0 && o->volume == TR_VOLUME_ALL)) {
		if (l->nfs == 0)
			problem(r, "no filesystem found in '%s'", path);
		else
			r->st->errors++;
	}
	tr_layout_free(l);
	tr_source_close(src);
	return rc == TR_EINTR ? -1 : 0;
}

/* The keys of source, added when new; NULL when out of memory. */
static wanted *
find_wanted(run *r, const char *source)
{
	wanted *v;
	size_t i;

	for (i = 0; i < r->nw; i++)
		if (strcmp(r->w[i].source, source) == 0)
			return &r->w[i];
	if ((v = realloc(r->w, (r->nw + 1) * sizeof(*v))) == NULL)
		return NULL;
	r->w = v;
	if ((v[r->nw].source = strdup(source)) == NULL)
		return NULL;
	v[r->nw].keys.v = NULL;
	v[r->nw].keys.n = 0;
	v[r->nw].found = NULL;
	return &v[r->nw++];
}

/* Hex string to bytes in place; -1 when it is not hex digits, or decodes
 * to a NUL byte. */
static int
unhex(char *s)
{
	size_t i, n = strlen(s);

	if (tri_unhex(s, n, (uint8_t *)s) != 0)
		return -1;
	for (i = 0; i < n / 2; i++)
		if (s[i] == '\0')
			return -1;
	s[n / 2] = '\0';
	return 0;
}

/* Sort want's keys, drop repeated ones, and clear their found marks. */
static int
sort_unique(wanted *want)
{
	list *l = &want->keys;
	size_t i, n = 0;

	qsort(l->v, l->n, sizeof(char *), cmpstr);
	for (i = 0; i < l->n; i++) {
		if (n > 0 && strcmp(l->v[n - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->n = n;
	if ((want->found = calloc(n > 0 ? n : 1, 1)) == NULL)
		return -1;
	return 0;
}

/*
 * Read the "file" records of o->in, grouped by source.  Bad records are
 * problems; TR_ENOMEM stops.
 */
static int
read_records(run *r, tr_error *err)
{
	tr_jsonl_reader *rd;
	tr_rec *rec;
	tr_error e;
	const char *src, *inode, *path, *hex, *kind;
	char *p, *k;
	wanted *want;
	int64_t vol;
	int rc;
	size_t i;

	if (tr_jsonl_reader_fdopen(&rd, r->o->in, "<stdin>", &e) != TR_OK) {
		problem(r, "%s", e.msg);
		return TR_OK;
	}
	while ((rc = tr_jsonl_read(rd, &rec, &e)) != 0) {
		if (rc < 0) {
			problem(r, "%s", e.msg);
			continue;
		}
		kind = tr_rec_kind(rec);
		src = tr_rec_get_str(rec, "source");
		inode = tr_rec_get_str(rec, "inode");
		path = tr_rec_get_str(rec, "path");
		hex = tr_rec_get_str(rec, "path_hex");
		if (kind == NULL || (strcmp(kind, "file") != 0 &&
		    strcmp(kind, "extracted") != 0) || src == NULL ||
		    inode == NULL || path == NULL) {
			problem(r, "'<stdin>' line %llu: not a file record "
			    "with source, inode and path",
			    (unsigned long long)tr_jsonl_reader_line(rd));
			tr_rec_free(rec);
			continue;
		}
		if ((p = strdup(hex != NULL ? hex : path)) == NULL ||
		    (hex != NULL && unhex(p) != 0)) {
			problem(r, "'<stdin>' line %llu: bad path_hex",
			    (unsigned long long)tr_jsonl_reader_line(rd));
			free(p);
			tr_rec_free(rec);
			continue;
		}
		if (!tr_rec_get_int(rec, "volume", &vol))
			vol = -1;
		else if (vol < 0 || vol > INT_MAX) {
			problem(r, "'<stdin>' line %llu: invalid volume %lld",
			    (unsigned long long)tr_jsonl_reader_line(rd),
			    (long long)vol);
			free(p);
			tr_rec_free(rec);
			continue;
		}
		k = entry_key((int)vol, inode, p);
		free(p);
		if (k == NULL || (want = find_wanted(r, src)) == NULL ||
		    add_owned(&want->keys, k) != 0) {
			free(k);
			tr_rec_free(rec);
			tr_jsonl_reader_close(rd);
			return fail(r, err, TR_ENOMEM, "out of memory");
		}
		tr_rec_free(rec);
	}
	tr_jsonl_reader_close(rd);
	for (i = 0; i < r->nw; i++)
		if (sort_unique(&r->w[i]) != 0)
			return fail(r, err, TR_ENOMEM, "out of memory");
	return TR_OK;
}

/* Report every record read that names no file of its source. */
static void
report_missing(run *r, const wanted *want)
{
	const char *k, *t1, *t2;
	size_t i;

	for (i = 0; i < want->keys.n; i++) {
		if (want->found[i])
			continue;
		k = want->keys.v[i];
		t1 = strchr(k, '\t');
		t2 = strchr(t1 + 1, '\t');
		problem(r, "no inode %.*s with path '%s' in volume %.*s of "
		    "'%s' (a record on stdin)", (int)(t2 - t1 - 1), t1 + 1, t2 + 1,
		    (int)(t1 - k), k, want->source);
	}
}

int
tr_extract_load_definitions(tr_artifacts **out, const char *dir,
    const char *const *extra, size_t nextra, tr_warn_fn note,
    void *note_arg, tr_error *err)
{
	tr_artifacts *set;
	struct stat st;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = tr_artifacts_new(&set, err)) != TR_OK)
		return rc;
	if ((rc = tr_artifacts_load_dir(set, dir, note, note_arg, err)) !=
	    TR_OK)
		goto fail;
	for (i = 0; i < nextra; i++) {
		if (stat(extra[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = tr_artifacts_load_dir(set, extra[i], note,
			    note_arg, err);
		else
			rc = tr_artifacts_load(set, extra[i], note, note_arg,
			    err);
		if (rc != TR_OK)
			goto fail;
	}
	*out = set;
	return TR_OK;
fail:
	tr_artifacts_free(set);
	return rc;
}

int
tr_extract_run(const char *const *sources, size_t n,
    const tr_extract_opts *opts, tr_extract_stats *stats, tr_error *err)
{
	tr_extract_stats dummy;
	run r;
	tr_error e;
	size_t i;
	int rc = TR_OK, bysel;

	memset(&r, 0, sizeof(r));
	r.o = opts;
	r.st = stats != NULL ? stats : &dummy;
	memset(r.st, 0, sizeof(*r.st));
	bysel = opts->nartifacts + opts->nglobs + opts->ninodes > 0;
	if (opts->out == NULL || opts->output == NULL)
		return fail(&r, err, TR_EINVAL, "no output given");
	if (bysel ? n == 0 : (n > 0 || opts->in == NULL))
		return fail(&r, err, TR_EINVAL, bysel ? "no source given" :
		    "nothing selected");
	if (opts->nartifacts > 0 && opts->defs == NULL)
		return fail(&r, err, TR_EINVAL, "no artifact definitions");
	if (!bysel && (rc = read_records(&r, err)) != TR_OK)
		goto out;
	for (i = 0; i < r.nw; i++)
		if ((rc = check_output(&r, r.w[i].source, err)) != TR_OK)
			goto out;
	for (i = 0; i < n; i++)
		if ((rc = check_output(&r, sources[i], err)) != TR_OK)
			goto out;
	if ((rc = tr_extract_open(&r.x, opts->output,
	    opts->flags & TR_EXTRACT_FORCE, &e)) != TR_OK) {
		problem(&r, "%s", e.msg);
		if (err != NULL)
			*err = e;	/* sys_errno too */
		goto out;
	}
	for (i = 0; i < n && !r.nomem; i++)
		(void)run_source(&r, sources[i]);
	for (i = 0; i < r.nw && !r.nomem; i++) {
		r.want = &r.w[i];
		if (run_source(&r, r.w[i].source) == 0)
			report_missing(&r, &r.w[i]);
	}
	if (tr_extract_close(r.x, &e) != TR_OK)
		problem(&r, "%s", e.msg);
	if (r.nomem)
		rc = fail(&r, err, TR_ENOMEM, "out of memory");
out:
	for (i = 0; i < r.nw; i++) {
		list_free(&r.w[i].keys);
		free(r.w[i].found);
		free(r.w[i].source);
	}
	free(r.w);
	return rc;
}
