/* SPDX-License-Identifier: Apache-2.0 */
/* The hash-chained custody log of a case folder: append and verify. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "triage/custody.h"


static int
oom_err(tr_error *err)
{
	return tri_error_set(err, TR_ENOMEM, "out of memory");
}

static void
sha256_hex(const void *buf, size_t len, char out[TR_HASH_HEX_MAX])
{
	tr_hash *h;

	out[0] = '\0';
	if (tr_hash_new(&h, TR_HASH_SHA256, NULL) != TR_OK)
		return;
	tr_hash_update(h, buf, len);
	tr_hash_final(h, NULL, NULL, out);
	tr_hash_free(h);
}

static const char *
kind_of(mode_t m)
{
	return S_ISLNK(m) ? "a symbolic link" : S_ISDIR(m) ? "a folder" :
	    S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" :
	    S_ISCHR(m) || S_ISBLK(m) ? "a device" : "a special file";
}

/*
 * Open the custody log at path (flags: O_RDONLY, or O_RDWR | O_APPEND |
 * O_CREAT), never through a symbolic link planted in its place, and only
 * when it is a regular file: O_NONBLOCK keeps a FIFO from hanging the open.
 */
static int
open_log(const char *path, int flags, int *fdp, tr_error *err)
{
	struct stat st;
	int fd;

	*fdp = -1;
	if ((fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	    0644)) == -1) {
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			return tri_error_set(err, TR_EFORMAT, "'%s' is a "
			    "symbolic link, not a regular file", path);
		return tri_error_errno(err, errno == ENOENT &&
		    (flags & O_CREAT) == 0 ? TR_ENOTFOUND : TR_EIO, errno,
		    "cannot open '%s'", path);
	}
	if (fstat(fd, &st) != 0) {
		close(fd);
		return tri_error_errno(err, TR_EIO, errno, "cannot stat '%s'",
		    path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return tri_error_set(err, TR_EFORMAT, "'%s' is %s, not a "
		    "regular file", path, kind_of(st.st_mode));
	}
	*fdp = fd;
	return TR_OK;
}

/* Read all of fd (path, for messages) into a NUL-terminated buffer. */
static int
slurp_fd(int fd, const char *path, char **out, size_t *len, tr_error *err)
{
	char *buf = NULL, *nbuf;
	size_t n = 0, cap = 0;
	ssize_t got;

	*out = NULL;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap == 0 ? 65536 + 1 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				free(buf);
				return tri_error_set(err, TR_ENOMEM,
				    "out of memory");
			}
			buf = nbuf;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return tri_error_errno(err, TR_EIO, errno,
			    "cannot read '%s'", path);
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return TR_OK;
}

/* Read the whole log at path; caller frees. */
static int
slurp(const char *path, char **out, size_t *len, tr_error *err)
{
	int fd, rc;

	*out = NULL;
	if ((rc = open_log(path, O_RDONLY, &fd, err)) != TR_OK)
		return rc;
	rc = slurp_fd(fd, path, out, len, err);
	close(fd);
	return rc;
}

int
tr_custody_hash_file(const char *path, char sha256[TR_HASH_HEX_MAX],
    uint64_t *size, tr_error *err)
{
	unsigned char buf[65536];
	tr_hash *h = NULL;
	uint64_t total = 0;
	struct stat st;
	ssize_t got;
	int fd, rc;

	/*
	 * An output swapped for a symbolic link (to an identical file, say)
	 * must not pass: never follow one.  O_NONBLOCK: a FIFO must not hang
	 * the open.
	 */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		if (errno == ELOOP && lstat(path, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			return tri_error_set(err, TR_EFORMAT, "'%s' is a "
			    "symbolic link, not a regular file", path);
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot open '%s'", path);
	}
	if (fstat(fd, &st) != 0) {
		rc = tri_error_errno(err, TR_EIO, errno, "cannot stat '%s'",
		    path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = tri_error_set(err, TR_EFORMAT, "'%s' is %s, not a regular "
		    "file", path, kind_of(st.st_mode));
		goto out;
	}
	if ((rc = tr_hash_new(&h, TR_HASH_SHA256, err)) != TR_OK)
		goto out;
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = tri_error_errno(err, TR_EIO, errno,
			    "cannot read '%s'", path);
			goto out;
		}
		tr_hash_update(h, buf, (size_t)got);
		total += (uint64_t)got;
	}
	tr_hash_final(h, NULL, NULL, sha256);
	if (size != NULL)
		*size = total;
	rc = TR_OK;
out:
	tr_hash_free(h);
	close(fd);
	return rc;
}

static int
safe_relpath(const char *p)
{
	const char *s = p, *e;
	size_t n;

	if (p == NULL || *p == '\0' || *p == '/')
		return 0;
	while (*s != '\0') {
		e = strchr(s, '/');
		n = e != NULL ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n;
		if (*s == '/')
			s++;
	}
	return 1;
}

/*
 * Append line (len bytes) to fd, the log at path of size before, and sync
 * it.  Whatever stops it half way (a full disk, the file size limit, an
 * I/O error) cuts the log back to before: a partial line would block every
 * later append.  A short write is continued, so that the next write(2)
 * says why.
 */
static int
write_line(int fd, const char *path, const char *line, size_t len,
    off_t before, tr_error *err)
{
	size_t done = 0;
	ssize_t w = 0;
	int e;

	while (done < len) {
		w = write(fd, line + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done == len && fsync(fd) == 0)
		return TR_OK;
	e = done < len && w == 0 ? ENOSPC : errno;
	if (ftruncate(fd, before) != 0)
		return tri_error_errno(err, TR_EIO, e, "cannot write '%s', nor "
		    "cut it back to %lld bytes (%s), so its last line is "
		    "unfinished", path, (long long)before, strerror(errno));
	(void)fsync(fd);
	return tri_error_errno(err, TR_EIO, e, "cannot write '%s'", path);
}

int
tr_custody_append(const char *case_dir, const tr_rec *entry,
    char head[TR_HASH_HEX_MAX], tr_error *err)
{
	char path[4096], prev[TR_HASH_HEX_MAX], *buf = NULL, *line = NULL;
	const char *last, *key;
	json_t *rec = NULL, *val;
	size_t len = 0, n, seq = 0, i;
	int fd = -1, rc, r;

	if (entry == NULL || !json_is_object(TRI_JSON(entry)))
		return tri_error_set(err, TR_EINVAL,
		    "custody entry is not an object");
	snprintf(path, sizeof(path), "%s/%s", case_dir, TR_CUSTODY_LOG);
	prev[0] = '\0';
	/*
	 * One open for reading the chain and appending: nothing to swap.  The
	 * lock keeps a second writer from appending to the same head.
	 */
	if ((rc = open_log(path, O_RDWR | O_APPEND | O_CREAT, &fd, err)) !=
	    TR_OK)
		goto out;
	while ((r = flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR)
		;
	if (r != 0) {
		rc = errno == EWOULDBLOCK ? tri_error_set(err, TR_EIO,
		    "another process is writing '%s' (a collection of this "
		    "case still running?)", path) : tri_error_errno(err,
		    TR_EIO, errno, "cannot lock '%s'", path);
		goto out;
	}
	if ((rc = slurp_fd(fd, path, &buf, &len, err)) != TR_OK)
		goto out;
	if (len > 0) {
		if (buf[len - 1] != '\n') {
			rc = tri_error_set(err, TR_EFORMAT,
			    "'%s': last line is unfinished", path);
			goto out;
		}
		for (i = 0; i < len; i++)
			if (buf[i] == '\n')
				seq++;
		buf[len - 1] = '\0';
		for (last = buf + len - 1; last > buf && last[-1] != '\n';
		    last--)
			;
		sha256_hex(last, (size_t)(buf + len - 1 - last), prev);
	}
	if ((rec = json_object()) == NULL ||
	    json_object_set_new(rec, "record", json_string("custody")) != 0 ||
	    json_object_set_new(rec, "seq", json_integer((json_int_t)seq +
	    1)) != 0 || (prev[0] != '\0' && json_object_set_new(rec, "prev",
	    json_string(prev)) != 0)) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	json_object_foreach(TRI_JSON(entry), key, val) {
		if (strcmp(key, "record") == 0 || strcmp(key, "seq") == 0 ||
		    strcmp(key, "prev") == 0)
			continue;
		if (json_object_set(rec, key, val) != 0) {
			rc = tri_error_set(err, TR_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((line = json_dumps(rec, JSON_COMPACT)) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	n = strlen(line);
	if (head != NULL)
		sha256_hex(line, n, head);
	line[n] = '\n';
	rc = write_line(fd, path, line, n + 1, (off_t)len, err);
out:
	if (fd != -1)
		close(fd);
	free(line);
	free(buf);
	json_decref(rec);
	return rc;
}

static int
add_one(json_t *outputs, const char *case_dir, const char *relpath,
    tr_error *err)
{
	char path[4096], hex[TR_HASH_HEX_MAX];
	uint64_t size;
	json_t *o;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", case_dir, relpath);
	if ((rc = tr_custody_hash_file(path, hex, &size, err)) != TR_OK)
		return rc;
	if ((o = json_object()) == NULL ||
	    json_object_set_new(o, "path", json_string(relpath)) != 0 ||
	    json_object_set_new(o, "size", json_integer((json_int_t)size)) !=
	    0 || json_object_set_new(o, "sha256", json_string(hex)) != 0 ||
	    json_array_append_new(outputs, o) != 0)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	return TR_OK;
}

typedef int (*visit_fn)(void *arg, const char *relpath, int isdir);

/* Visit every entry below CASE/rel in byte order (no symlinks followed). */
static int
walk_tree(const char *case_dir, const char *rel, visit_fn fn, void *arg,
    tr_error *err)
{
	char path[4096], sub[4096];
	struct dirent **names = NULL;
	struct stat st;
	int n, i, rc = TR_OK;

	snprintf(path, sizeof(path), "%s%s%s", case_dir, *rel ? "/" : "", rel);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0)
		return tri_error_errno(err, TR_EIO, errno,
		    "cannot list '%s'", path);
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;

		if (rc != TR_OK || strcmp(d, ".") == 0 || strcmp(d, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    d) >= (int)sizeof(sub) || snprintf(path, sizeof(path),
		    "%s/%s", case_dir, sub) >= (int)sizeof(path)) {
			rc = tri_error_set(err, TR_EIO, "path too long in '%s'",
			    case_dir);
			continue;
		}
		if (lstat(path, &st) != 0) {
			rc = tri_error_errno(err, TR_EIO, errno,
			    "cannot stat '%s'", path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if ((rc = fn(arg, sub, 1)) == TR_OK)
				rc = walk_tree(case_dir, sub, fn, arg, err);
		} else {
			rc = fn(arg, sub, 0);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

struct add_ctx {
	json_t		*outputs;
	const char	*case_dir;
	tr_error	*err;
};

static int
add_visit(void *arg, const char *relpath, int isdir)
{
	struct add_ctx *c = arg;
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", c->case_dir, relpath);
	if (isdir || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return TR_OK;
	return add_one(c->outputs, c->case_dir, relpath, c->err);
}

int
tr_custody_add_output(tr_rec *entry, const char *case_dir,
    const char *relpath, tr_error *err)
{
	char path[4096];
	struct add_ctx c;
	struct stat st;
	json_t *outputs;

	if (!safe_relpath(relpath))
		return tri_error_set(err, TR_EINVAL,
		    "output path '%s' is not relative to the case folder",
		    relpath != NULL ? relpath : "");
	outputs = json_object_get(TRI_JSON(entry), "outputs");
	if (outputs == NULL) {
		if ((outputs = json_array()) == NULL ||
		    json_object_set_new(TRI_JSON(entry), "outputs",
		    outputs) != 0)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	snprintf(path, sizeof(path), "%s/%s", case_dir, relpath);
	if (stat(path, &st) != 0)
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot stat '%s'", path);
	if (!S_ISDIR(st.st_mode))
		return add_one(outputs, case_dir, relpath, err);
	c.outputs = outputs;
	c.case_dir = case_dir;
	c.err = err;
	return walk_tree(case_dir, relpath, add_visit, &c, err);
}

struct verify_ctx {
	const char	*case_dir;
	json_t		*expect;	/* path -> {sha256, size, line, step} */
	tr_custody_problem_fn fn;
	void		*arg;
	size_t		problems;
	int		sealed;		/* the last entry is a seal */
	const char	*want_head;	/* or NULL */
	size_t		head_line;	/* line whose SHA-256 is want_head */
};

static void
problem(struct verify_ctx *v, const char *fmt, ...) TRI_PRINTF(2, 3);

static void
problem(struct verify_ctx *v, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->problems++;
	if (v->fn != NULL)
		v->fn(v->arg, msg);
}

/* Apply one entry's "removed" and "outputs" to the expected files. */
static void
replay(struct verify_ctx *v, json_t *rec, size_t lineno)
{
	json_t *arr, *o, *want;
	const char *p, *sha, *step;
	size_t i;

	step = json_string_value(json_object_get(rec, "step"));
	arr = json_object_get(rec, "removed");
	json_array_foreach(arr, i, o) {
		if ((p = json_string_value(o)) != NULL)
			json_object_del(v->expect, p);
	}
	arr = json_object_get(rec, "outputs");
	json_array_foreach(arr, i, o) {
		p = json_string_value(json_object_get(o, "path"));
		sha = json_string_value(json_object_get(o, "sha256"));
		if (p == NULL || sha == NULL || !safe_relpath(p) ||
		    strcmp(p, TR_CUSTODY_LOG) == 0) {
			problem(v, "%s line %zu: output %zu is not a file of the "
			    "case folder with a sha256", TR_CUSTODY_LOG,
			    lineno, i + 1);
			continue;
		}
		want = json_pack("{s:s, s:O, s:I, s:s}", "sha256", sha,
		    "size", json_object_get(o, "size"), "line",
		    (json_int_t)lineno, "step", step != NULL ? step : "?");
		if (want != NULL)
			json_object_set_new(v->expect, p, want);
	}
}

static void
check_chain(struct verify_ctx *v, char *buf, size_t len, size_t *entries,
    char head[TR_HASH_HEX_MAX])
{
	char prevhash[TR_HASH_HEX_MAX] = "";
	char *line = buf, *nl;
	size_t lineno = 0;
	json_error_t jerr;
	json_t *rec;
	json_int_t seq;
	int nul;
	const char *prev, *step;

	while (line < buf + len) {
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) ==
		    NULL) {
			nl = buf + len;
			problem(v, "%s line %zu: unfinished line (the log was cut)",
			    TR_CUSTODY_LOG, lineno + 1);
		}
		*nl = '\0';
		lineno++;
		v->sealed = 0;
		/* json_loads() and a hash up to the NUL would miss the rest. */
		nul = memchr(line, '\0', (size_t)(nl - line)) != NULL;
		rec = nul ? NULL : json_loads(line, JSON_REJECT_DUPLICATES,
		    &jerr);
		if (nul) {
			problem(v, "%s line %zu: holds a NUL byte",
			    TR_CUSTODY_LOG, lineno);
		} else if (!json_is_object(rec) || strcmp(json_string_value(
		    json_object_get(rec, "record")) != NULL ?
		    json_string_value(json_object_get(rec, "record")) : "",
		    "custody") != 0) {
			problem(v, "%s line %zu: not a custody entry",
			    TR_CUSTODY_LOG, lineno);
		} else {
			seq = json_integer_value(json_object_get(rec, "seq"));
			if (seq != (json_int_t)lineno)
				problem(v, "%s line %zu: entry number %" PRId64
				    " where %zu was expected (entries removed, "
				    "inserted or reordered)", TR_CUSTODY_LOG,
				    lineno, (int64_t)seq, lineno);
			prev = json_string_value(json_object_get(rec, "prev"));
			if (lineno == 1 && prev != NULL)
				problem(v, "%s line 1: the first entry points "
				    "back to an earlier one (entries removed "
				    "before it)", TR_CUSTODY_LOG);
			else if (lineno > 1 && (prev == NULL ||
			    strcmp(prev, prevhash) != 0))
				problem(v, "%s line %zu: hash chain broken: "
				    "'prev' is not the SHA-256 of line %zu (an "
				    "entry was changed, removed, inserted or "
				    "moved)", TR_CUSTODY_LOG, lineno,
				    lineno - 1);
			replay(v, rec, lineno);
			step = json_string_value(json_object_get(rec, "step"));
			v->sealed = step != NULL &&
			    strcmp(step, TR_CUSTODY_SEAL) == 0;
		}
		json_decref(rec);
		sha256_hex(line, (size_t)(nl - line), prevhash);
		if (v->want_head != NULL && v->head_line == 0 &&
		    strcasecmp(prevhash, v->want_head) == 0)
			v->head_line = lineno;
		line = nl + 1;
	}
	if (entries != NULL)
		*entries = lineno;
	if (head != NULL)
		snprintf(head, TR_HASH_HEX_MAX, "%s", prevhash);
}

static void
check_expected(struct verify_ctx *v)
{
	char path[4096], hex[TR_HASH_HEX_MAX];
	const char *p, *want, *step;
	json_int_t line, wsize;
	uint64_t size;
	tr_error e;
	json_t *o;
	int rc;

	json_object_foreach(v->expect, p, o) {
		want = json_string_value(json_object_get(o, "sha256"));
		step = json_string_value(json_object_get(o, "step"));
		line = json_integer_value(json_object_get(o, "line"));
		wsize = json_integer_value(json_object_get(o, "size"));
		snprintf(path, sizeof(path), "%s/%s", v->case_dir, p);
		rc = tr_custody_hash_file(path, hex, &size, &e);
		if (rc == TR_ENOTFOUND)
			problem(v, "'%s' (line %" PRId64 ", step %s): deleted",
			    p, (int64_t)line, step);
		else if (rc != TR_OK)
			problem(v, "'%s' (line %" PRId64 ", step %s): %s", p,
			    (int64_t)line, step, e.msg);
		else if (strcmp(hex, want) != 0 ||
		    (json_is_integer(json_object_get(o, "size")) &&
		    (uint64_t)wsize != size))
			problem(v, "'%s' (line %" PRId64 ", step %s): changed: "
			    "%" PRIu64 " bytes with SHA-256 %s, the log says "
			    "%" PRId64 " bytes with %s", p, (int64_t)line, step,
			    size, hex, (int64_t)wsize, want);
	}
}

static int
added_visit(void *arg, const char *relpath, int isdir)
{
	struct verify_ctx *v = arg;

	if (isdir || strcmp(relpath, TR_CUSTODY_LOG) == 0 ||
	    json_object_get(v->expect, relpath) != NULL)
		return TR_OK;
	problem(v, "'%s': added: not in the custody log", relpath);
	return TR_OK;
}

/*
 * tr_custody_verify(), and when whole is set also: the log ends with a seal
 * and, when want_head is not NULL, with the entry whose SHA-256 it is.
 */
static int
verify_case(const char *case_dir, tr_custody_problem_fn fn, void *arg,
    int whole, const char *want_head, size_t *problems, size_t *entries,
    char head[TR_HASH_HEX_MAX], tr_error *err)
{
	struct verify_ctx v;
	char path[4096], *buf = NULL, last[TR_HASH_HEX_MAX];
	size_t len, n = 0;
	int rc;

	if (problems != NULL)
		*problems = 0;
	snprintf(path, sizeof(path), "%s/%s", case_dir, TR_CUSTODY_LOG);
	if ((rc = slurp(path, &buf, &len, err)) != TR_OK)
		return rc;
	memset(&v, 0, sizeof(v));
	v.case_dir = case_dir;
	v.fn = fn;
	v.arg = arg;
	v.want_head = want_head;
	if ((v.expect = json_object()) == NULL) {
		free(buf);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	check_chain(&v, buf, len, &n, last);
	if (whole && !v.sealed)
		problem(&v, "%s: not sealed: %s; the collection did not finish, "
		    "or entries were removed from its end", TR_CUSTODY_LOG,
		    n == 0 ? "the log is empty" :
		    "its last entry is not a seal");
	if (whole && want_head != NULL && strcasecmp(last, want_head) != 0) {
		if (v.head_line > 0)
			problem(&v, "%s: the head given is the SHA-256 of line "
			    "%zu: the log goes on for %zu more entr%s",
			    TR_CUSTODY_LOG, v.head_line, n - v.head_line,
			    n - v.head_line == 1 ? "y" : "ies");
		else
			problem(&v, "%s: no entry has the SHA-256 %s given as "
			    "the head (the log was changed, cut or replaced)",
			    TR_CUSTODY_LOG, want_head);
	}
	check_expected(&v);
	rc = walk_tree(case_dir, "", added_visit, &v, err);
	json_decref(v.expect);
	free(buf);
	if (entries != NULL)
		*entries = n;
	if (head != NULL)
		snprintf(head, TR_HASH_HEX_MAX, "%s", last);
	if (problems != NULL)
		*problems = v.problems;
	return rc;
}

int
tr_custody_verify(const char *case_dir, tr_custody_problem_fn fn, void *arg,
    size_t *problems, size_t *entries, char head[TR_HASH_HEX_MAX],
    tr_error *err)
{
	return verify_case(case_dir, fn, arg, 0, NULL, problems, entries, head,
	    err);
}

struct rec_ctx {
	json_t		*problems;
	tr_custody_problem_fn fn;
	void		*arg;
};

static void
rec_problem(void *arg, const char *msg)
{
	struct rec_ctx *c = arg;

	json_array_append_new(c->problems, json_string(msg));
	if (c->fn != NULL)
		c->fn(c->arg, msg);
}

int
tr_custody_verify_record(const char *case_dir, const char *want_head,
    tr_custody_problem_fn fn, void *arg, tr_rec **out, int *match,
    tr_error *err)
{
	char head[TR_HASH_HEX_MAX];
	struct rec_ctx c;
	size_t problems = 0, entries = 0;
	json_t *rec;
	int rc;

	*out = NULL;
	c.fn = fn;
	c.arg = arg;
	if ((c.problems = json_array()) == NULL)
		return oom_err(err);
	rc = verify_case(case_dir, rec_problem, &c, 1, want_head, &problems,
	    &entries, head, err);
	if (rc != TR_OK) {
		json_decref(c.problems);
		return rc;
	}
	rec = json_pack("{s:s, s:s%, s:I, s:s, s:b}", "record", "verification",
	    "case", case_dir, strlen(case_dir), "entries", (json_int_t)entries,
	    "head", head, "match", problems == 0);
	if (rec == NULL || (problems > 0 &&
	    json_object_set(rec, "problems", c.problems) != 0)) {
		json_decref(rec);
		json_decref(c.problems);
		return oom_err(err);
	}
	json_decref(c.problems);
	*match = problems == 0;
	*out = TRI_REC(rec);
	return TR_OK;
}
