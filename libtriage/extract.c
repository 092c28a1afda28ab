/* SPDX-License-Identifier: Apache-2.0 */
/* Copy files out of evidence into an output folder that nothing escapes. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "triage/extract.h"
#include "triage/hash.h"

#define COPY_BUF	(1u << 20)

/* A set of strings, open addressing; optional value per key. */
typedef struct strmap {
	char	**key, **val;
	size_t	n, cap;
} strmap;

struct tr_extract {
	int		dirfd;
	char		*dir;
	tr_jsonl	*manifest;
	strmap		taken;		/* case-folded output paths in use */
	strmap		dirs;		/* wanted folder path -> real one */
	tr_hash		*hash;
	unsigned char	*buf;
	uint64_t	count;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static size_t
map_slot(const strmap *m, const char *k)
{
	size_t i = (size_t)hash_str(k) & (m->cap - 1);

	while (m->key[i] != NULL && strcmp(m->key[i], k) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static const char *
map_get(const strmap *m, const char *k, int *found)
{
	size_t i;

	*found = 0;
	if (m->cap == 0)
		return NULL;
	i = map_slot(m, k);
	if (m->key[i] == NULL)
		return NULL;
	*found = 1;
	return m->val[i];
}

static int
map_put(strmap *m, const char *k, const char *v)
{
	size_t i, cap;
	strmap g;

	if ((m->n + 1) * 2 > m->cap) {
		cap = m->cap ? m->cap * 2 : 256;
		g.key = calloc(cap, sizeof(char *));
		g.val = calloc(cap, sizeof(char *));
		if (g.key == NULL || g.val == NULL) {
			free(g.key);
			free(g.val);
			return -1;
		}
		g.cap = cap;
		g.n = m->n;
		for (i = 0; i < m->cap; i++)
			if (m->key[i] != NULL) {
				size_t j = map_slot(&g, m->key[i]);
				g.key[j] = m->key[i];
				g.val[j] = m->val[i];
			}
		free(m->key);
		free(m->val);
		*m = g;
	}
	i = map_slot(m, k);
	if (m->key[i] != NULL)
		return 0;
	if ((m->key[i] = strdup(k)) == NULL)
		return -1;
	if (v != NULL && (m->val[i] = strdup(v)) == NULL) {
		free(m->key[i]);
		m->key[i] = NULL;
		return -1;
	}
	m->n++;
	return 0;
}

static void
map_free(strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		free(m->key[i]);
		free(m->val[i]);
	}
	free(m->key);
	free(m->val);
}

/* ASCII case fold of a relative output path (the key of "taken"). */
static char *
folded(const char *s)
{
	char *f = strdup(s), *p;

	for (p = f; p != NULL && *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return f;
}

static int
taken(tr_extract *x, const char *rel)
{
	char *f = folded(rel);
	int found = 1;

	if (f != NULL)
		map_get(&x->taken, f, &found);
	free(f);
	return found;
}

static int
take(tr_extract *x, const char *rel)
{
	char *f = folded(rel);
	int rc = f != NULL ? map_put(&x->taken, f, NULL) : -1;

	free(f);
	return rc;
}

static int
dir_empty(int fd)
{
	DIR *d;
	struct dirent *de;
	int empty = 1, dup_fd = dup(fd);

	if (dup_fd < 0 || (d = fdopendir(dup_fd)) == NULL) {
		if (dup_fd >= 0)
			close(dup_fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int
tr_extract_open(tr_extract **out, const char *dir, unsigned flags,
    tr_error *err)
{
	tr_extract *x;
	FILE *fp;
	int fd, rc, mfd;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	x->dirfd = -1;
	if ((x->dir = strdup(dir)) == NULL ||
	    (x->buf = malloc(COPY_BUF)) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto fail;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		rc = tri_error_errno(err, TR_EIO, errno,
		    "cannot create output folder '%s'", dir);
		goto fail;
	}
	x->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (x->dirfd < 0) {
		rc = tri_error_errno(err, errno == ELOOP || errno == ENOTDIR ?
		    TR_EINVAL : TR_EIO, errno, "cannot open output folder '%s'",
		    dir);
		goto fail;
	}
	if (!(flags & TR_EXTRACT_FORCE) && !dir_empty(x->dirfd)) {
		rc = tri_error_set(err, TR_EINVAL, "output folder '%s' is not "
		    "empty (use --force to add to it)", dir);
		goto fail;
	}
	if ((rc = tr_hash_new(&x->hash, TR_HASH_MD5 | TR_HASH_SHA256, err)) !=
	    TR_OK)
		goto fail;
	mfd = openat(x->dirfd, "manifest.jsonl", O_WRONLY | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC | ((flags & TR_EXTRACT_FORCE) ? O_APPEND :
	    O_EXCL), 0644);
	if (mfd < 0 || (fp = fdopen(mfd, "a")) == NULL) {
		rc = tri_error_errno(err, TR_EIO, errno,
		    "cannot create '%s/manifest.jsonl'", dir);
		if (mfd >= 0)
			close(mfd);
		goto fail;
	}
	if ((rc = tr_jsonl_open(&x->manifest, fp, 0, err)) != TR_OK) {
		fclose(fp);
		goto fail;
	}
	if (take(x, "manifest.jsonl") != 0) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto fail;
	}
	fd = x->dirfd;
	(void)fd;
	*out = x;
	return TR_OK;
fail:
	tr_extract_close(x, NULL);
	return rc;
}

int
tr_extract_close(tr_extract *x, tr_error *err)
{
	int rc = TR_OK;

	if (x == NULL)
		return TR_OK;
	if (x->manifest != NULL)
		rc = tr_jsonl_close(x->manifest, err);
	if (x->dirfd >= 0)
		close(x->dirfd);
	map_free(&x->taken);
	map_free(&x->dirs);
	tr_hash_free(x->hash);
	free(x->buf);
	free(x->dir);
	free(x);
	return rc;
}

uint64_t
tr_extract_count(const tr_extract *x)
{
	return x->count;
}

/* "a/b" + "c" -> "a/b/c" into a new string. */
static char *
join(const char *a, const char *b)
{
	char *s;

	if (a == NULL || a[0] == '\0')
		return strdup(b);
	if (asprintf(&s, "%s/%s", a, b) < 0)
		return NULL;
	return s;
}

/*
 * Open (creating) the folder "want" (components already safe, relative to
 * OUT) and return its descriptor and its real relative path in *real.
 */
static int
open_dir(tr_extract *x, const char *want, char **real, tr_error *err)
{
	const char *p, *e, *mapped;
	char *cur = NULL, *cand = NULL, *comp = NULL, *wsofar = NULL, *t;
	int fd, nfd, found, n;

	*real = NULL;
	if ((fd = dup(x->dirfd)) < 0)
		return tri_error_errno(err, TR_EIO, errno, "cannot use '%s'",
		    x->dir);
	if ((cur = strdup("")) == NULL || (wsofar = strdup("")) == NULL)
		goto nomem;
	for (p = want; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		free(comp);
		if ((comp = strndup(p, (size_t)(e - p))) == NULL)
			goto nomem;
		t = join(wsofar, comp);
		free(wsofar);
		if ((wsofar = t) == NULL)
			goto nomem;
		mapped = map_get(&x->dirs, wsofar, &found);
		for (n = 1; ; n++) {
			free(cand);
			if (found)
				cand = strdup(strrchr(mapped, '/') != NULL ?
				    strrchr(mapped, '/') + 1 : mapped);
			else if (n == 1)
				cand = strdup(comp);
			else if (asprintf(&cand, "%s~%d", comp, n) < 0)
				cand = NULL;
			if (cand == NULL)
				goto nomem;
			if (!found) {
				if ((t = join(cur, cand)) == NULL)
					goto nomem;
				if (taken(x, t)) {
					free(t);
					continue;
				}
				free(t);
				if (mkdirat(fd, cand, 0755) != 0 &&
				    errno != EEXIST) {
					tri_error_errno(err, TR_EIO, errno,
					    "cannot create folder '%s/%s/%s'",
					    x->dir, cur, cand);
					goto fail;
				}
			}
			nfd = openat(fd, cand, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (nfd >= 0)
				break;
			if (found || (errno != ELOOP && errno != ENOTDIR)) {
				tri_error_errno(err, TR_EIO, errno,
				    "cannot open folder '%s/%s/%s'", x->dir,
				    cur, cand);
				goto fail;
			}
			/* A link or a file holds the name: take another. */
			if ((t = join(cur, cand)) == NULL || take(x, t) != 0) {
				free(t);
				goto nomem;
			}
			free(t);
		}
		close(fd);
		fd = nfd;
		t = join(cur, cand);
		free(cur);
		if ((cur = t) == NULL)
			goto nomem;
		if (!found && (take(x, cur) != 0 ||
		    map_put(&x->dirs, wsofar, cur) != 0))
			goto nomem;
	}
	free(comp);
	free(cand);
	free(wsofar);
	*real = cur;
	return fd;
nomem:
	tri_error_set(err, TR_ENOMEM, "out of memory");
fail:
	free(comp);
	free(cand);
	free(wsofar);
	free(cur);
	close(fd);
	return -1;
}

/*
 * The wanted relative folder (safe components) and file name for e.
 * Returns 0 or -1 (no memory).
 */
static int
map_path(const tr_entry *e, const tr_extract_item *item, char **dirp,
    char **namep)
{
	const char *p = e->path, *s;
	char *dir = strdup(item != NULL && item->prefix != NULL ?
	    item->prefix : ""), *name = NULL, *c, *t, *base = NULL;
	char *sstream = NULL;
	uint64_t h;

	if (dir == NULL)
		return -1;
	/* Folders: every component of the parent path. */
	for (s = p; *s == '/'; s++)
		;
	while (strchr(s, '/') != NULL) {
		const char *end = strchr(s, '/');
		/* The last component is the name, kept apart. */
		if ((c = tr_safename(s, (size_t)(end - s))) == NULL)
			goto nomem;
		if (end - s > 0) {
			t = join(dir, c);
			free(dir);
			if ((dir = t) == NULL) {
				free(c);
				goto nomem;
			}
		}
		free(c);
		for (s = end; *s == '/'; s++)
			;
	}
	/*
	 * Use e->name for the file name when it is the last path component,
	 * since a name may hold '/' itself and then e->path is ambiguous.
	 */
	if (e->name != NULL && e->name[0] != '\0') {
		size_t nl = strlen(e->name), pl = strlen(p);
		if (nl <= pl && memcmp(p + pl - nl, e->name, nl) == 0 &&
		    nl > strlen(s)) {
			/* Drop the folders that were really part of the name. */
			const char *cut = p + pl - nl;
			free(dir);
			dir = strdup(item != NULL && item->prefix != NULL ?
			    item->prefix : "");
			if (dir == NULL)
				goto nomem;
			for (s = p; *s == '/'; s++)
				;
			while (s < cut) {
				const char *end = strchr(s, '/');
				if (end == NULL || end >= cut)
					break;
				if ((c = tr_safename(s, (size_t)(end - s))) ==
				    NULL)
					goto nomem;
				if (end > s) {
					t = join(dir, c);
					free(dir);
					if ((dir = t) == NULL) {
						free(c);
						goto nomem;
					}
				}
				free(c);
				for (s = end; *s == '/'; s++)
					;
			}
			s = cut;
		}
	}
	if ((base = tr_safename(s, strlen(s))) == NULL)
		goto nomem;
	if (e->stream != NULL && e->stream[0] != '\0') {
		if ((sstream = tr_safename(e->stream, strlen(e->stream))) ==
		    NULL || asprintf(&name, "%s~ads-%s", base, sstream) < 0)
			goto nomem;
	} else if (e->deleted || e->meta_deleted) {
		if (asprintf(&name, "%s~deleted-%s", base, e->inode) < 0)
			goto nomem;
	} else if ((name = strdup(base)) == NULL)
		goto nomem;
	if (strlen(dir) + strlen(name) + 1 > TR_EXTRACT_PATH_MAX) {
		h = 0xcbf29ce484222325ULL;
		for (s = e->path; *s != '\0'; s++) {
			h ^= (unsigned char)*s;
			h *= 0x100000001b3ULL;
		}
		free(dir);
		if (asprintf(&dir, "%s%s~long/%016llx",
		    item != NULL && item->prefix != NULL ? item->prefix : "",
		    item != NULL && item->prefix != NULL ? "/" : "",
		    (unsigned long long)h) < 0) {
			dir = NULL;
			goto nomem;
		}
	}
	free(base);
	free(sstream);
	*dirp = dir;
	*namep = name;
	return 0;
nomem:
	free(dir);
	free(name);
	free(base);
	free(sstream);
	return -1;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static struct timespec
ts(const tr_time *t)
{
	struct timespec s;

	/* A time no record can show (nanoseconds out of range) is left. */
	if (!tr_time_isset(t) || t->nsec >= 1000000000u) {
		s.tv_sec = 0;
		s.tv_nsec = UTIME_OMIT;
	} else {
		s.tv_sec = (time_t)t->sec;
		s.tv_nsec = (long)t->nsec;
	}
	return s;
}

int
tr_extract_entry(tr_extract *x, tr_fs *fs, const tr_entry *e,
    const tr_extract_item *item, tr_rec **recp, tr_error *err)
{
	const tr_fs_info *fi = tr_fs_get_info(fs);
	const char *srcpath = tr_source_path(tr_fs_source(fs));
	tr_file *f = NULL;
	tr_rec *r = NULL;
	char *wdir = NULL, *name = NULL, *rdir = NULL, *cand = NULL;
	char *rel = NULL, md5[TR_HASH_HEX_MAX], sha256[TR_HASH_HEX_MAX];
	struct timespec tv[2];
	uint64_t off = 0;
	int64_t n;
	int dfd = -1, fd = -1, rc, k;

	if (recp != NULL)
		*recp = NULL;
	if (map_path(e, item, &wdir, &name) != 0) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = tr_file_open_entry(&f, fs, e, err)) != TR_OK)
		goto out;
	if ((dfd = open_dir(x, wdir, &rdir, err)) < 0) {
		rc = err != NULL ? err->code : TR_EIO;
		goto out;
	}
	for (k = 1; ; k++) {
		free(cand);
		free(rel);
		rel = NULL;
		if (k == 1)
			cand = strdup(name);
		else if (asprintf(&cand, "%s~%d", name, k) < 0)
			cand = NULL;
		if (cand == NULL || (rel = join(rdir, cand)) == NULL) {
			rc = tri_error_set(err, TR_ENOMEM, "out of memory");
			goto out;
		}
		if (taken(x, rel))
			continue;
		fd = openat(dfd, cand, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			break;
		if (errno != EEXIST) {
			rc = tri_error_errno(err, TR_EIO, errno,
			    "cannot create '%s/%s'", x->dir, rel);
			goto out;
		}
	}
	if (take(x, rel) != 0) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	tr_hash_reset(x->hash);
	for (;;) {
		n = tr_file_read(f, off, x->buf, COPY_BUF, err);
		if (n < 0) {
			rc = (int)n;
			goto unlink;
		}
		if (n == 0)
			break;
		tr_hash_update(x->hash, x->buf, (size_t)n);
		if (write_all(fd, x->buf, (size_t)n) != 0) {
			rc = tri_error_errno(err, TR_EIO, errno,
			    "cannot write '%s/%s'", x->dir, rel);
			goto unlink;
		}
		off += (uint64_t)n;
	}
	tv[0] = ts(&e->atime);
	tv[1] = ts(&e->mtime);
	k = futimens(fd, tv) != 0 ? errno : 0;
	if (close(fd) != 0 && k == 0)
		k = errno;
	fd = -1;
	if (k != 0) {
		rc = tri_error_errno(err, TR_EIO, k, "cannot finish '%s/%s'",
		    x->dir, rel);
		goto unlink;
	}
	tr_hash_final(x->hash, md5, NULL, sha256);

	if ((r = tr_rec_new("extracted")) == NULL)
		goto recnomem;
	rc = tr_rec_set_text(r, "source", srcpath, strlen(srcpath));
	if (fi->volume >= 0)
		rc |= tr_rec_set_int(r, "volume", fi->volume);
	rc |= tr_rec_set_str(r, "fs", fi->fs);
	rc |= tr_rec_set_str(r, "inode", e->inode);
	rc |= tr_rec_set_text(r, "path", e->path, strlen(e->path));
	if (e->stream != NULL)
		rc |= tr_rec_set_text(r, "stream", e->stream,
		    strlen(e->stream));
	rc |= tr_rec_set_text(r, "output", rel, strlen(rel));
	if (e->deleted || e->meta_deleted)
		rc |= tr_rec_set_bool(r, "deleted", 1);
	rc |= tr_rec_set_uint(r, "size", off);
	rc |= tr_rec_set_time(r, "mtime", &e->mtime);
	rc |= tr_rec_set_time(r, "atime", &e->atime);
	rc |= tr_rec_set_str(r, "md5", md5);
	rc |= tr_rec_set_str(r, "sha256", sha256);
	if (item != NULL && item->artifact != NULL)
		rc |= tr_rec_set_text(r, "artifact", item->artifact,
		    strlen(item->artifact));
	if (rc != TR_OK)
		goto recnomem;
	if ((rc = tr_jsonl_write(x->manifest, r, err)) != TR_OK)
		goto out;
	x->count++;
	if (recp != NULL) {
		*recp = r;
		r = NULL;
	}
	rc = TR_OK;
	goto out;
recnomem:
	rc = tri_error_set(err, TR_ENOMEM, "out of memory");
	goto out;
unlink:
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlinkat(dfd, cand, 0);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	tr_rec_free(r);
	tr_file_close(f);
	free(wdir);
	free(name);
	free(rdir);
	free(cand);
	free(rel);
	return rc;
}
