/* SPDX-License-Identifier: Apache-2.0 */
/* Live directories: the same entries as an image walk, from a mounted
 * tree, never following symlinks and never changing access times. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>


struct dwalk {
	tr_fs		*fs;
	const tr_walk_opts *opts;
	unsigned	flags;
	tr_walk_fn	fn;
	void		*arg;
	uint64_t	warnings;
	dev_t		dev;
	const char	*root;
	size_t		root_len;
	int		stopped;
};

static void
dwarn(struct dwalk *w, const char *fmt, ...) TRI_PRINTF(2, 3);

static void
dwarn(struct dwalk *w, const char *fmt, ...)
{
	va_list ap;

	w->warnings++;
	if (w->opts == NULL)
		return;
	va_start(ap, fmt);
	tri_vwarn(w->opts->warn, w->opts->warn_arg, fmt, ap);
	va_end(ap);
}

/* What tr_entry.priv points at for a live entry. */
struct dir_priv {
	const char	*full;		/* path on the host */
	int		fd;		/* opened by the first read, or -1 */
};

int64_t
tri_dir_entry_read(const tr_entry *e, uint64_t offset, void *buf, size_t len,
    tr_error *err)
{
	struct dir_priv *p = e->priv;
	ssize_t n;

	if (p == NULL)
		return tri_error_set(err, TR_EINVAL,
		    "'%s' is not from a walk", e->path);
	if (e->type != TR_FT_FILE)
		return tri_error_set(err, TR_EINVAL,
		    "cannot read '%s': not a regular file", p->full);
	if (p->fd < 0) {
		p->fd = open(p->full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    O_NOATIME | O_NONBLOCK);
		if (p->fd < 0 && errno == EPERM)
			p->fd = open(p->full, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC | O_NONBLOCK);
		if (p->fd < 0)
			return tri_error_errno(err, errno == ENOENT ?
			    TR_ENOTFOUND : TR_EIO, errno, "cannot open '%s'",
			    p->full);
	}
	do {
		n = pread(p->fd, buf, len, (off_t)offset);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return tri_error_errno(err, TR_EIO, errno,
		    "cannot read '%s' at offset %" PRIu64, p->full, offset);
	return n;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static tr_ftype
mode_type(mode_t m)
{
	if (S_ISREG(m))
		return TR_FT_FILE;
	if (S_ISDIR(m))
		return TR_FT_DIR;
	if (S_ISLNK(m))
		return TR_FT_LINK;
	if (S_ISFIFO(m))
		return TR_FT_FIFO;
	if (S_ISCHR(m))
		return TR_FT_CHR;
	if (S_ISBLK(m))
		return TR_FT_BLK;
	if (S_ISSOCK(m))
		return TR_FT_SOCK;
	return TR_FT_UNKNOWN;
}

/* Read a directory's names, sorted so output is stable. */
static char **
read_names(const char *dir, size_t *count, int *errnum)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **n;
	size_t len = 0, cap = 0;
	int fd;

	*count = 0;
	/* Reading a folder would set its access time, as reading a file. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
	    O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		*errnum = errno;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			if ((n = realloc(names, cap * sizeof(*n))) == NULL)
				break;
			names = n;
		}
		if ((names[len] = strdup(de->d_name)) == NULL)
			break;
		len++;
	}
	*errnum = errno;
	closedir(d);
	if (len > 0)
		qsort(names, len, sizeof(*names), cmp_names);
	*count = len;
	if (names == NULL)
		names = calloc(1, sizeof(*names));
	return names;
}

static int
visit_dir(struct dwalk *w, const char *full, int depth)
{
	char **names, *child = NULL, inode[32], *target = NULL;
	size_t count, i, flen = strlen(full);
	struct statx stx;
	struct dir_priv priv;
	tr_entry e;
	int errnum = 0, r = TR_WALK_CONTINUE;
	ssize_t tl;

	if ((names = read_names(full, &count, &errnum)) == NULL) {
		dwarn(w, "cannot read folder '%s': %s", full,
		    strerror(errnum));
		return TR_WALK_CONTINUE;
	}
	if (errnum != 0)
		dwarn(w, "cannot read all of folder '%s': %s", full,
		    strerror(errnum));
	for (i = 0; i < count && r == TR_WALK_CONTINUE; i++) {
		free(child);
		free(target);
		target = NULL;
		if ((child = malloc(flen + strlen(names[i]) + 2)) == NULL) {
			r = TR_WALK_ERROR;
			break;
		}
		sprintf(child, "%s%s%s", full,
		    full[flen - 1] == '/' ? "" : "/", names[i]);
		memset(&e, 0, sizeof(e));
		if (statx(AT_FDCWD, child, AT_SYMLINK_NOFOLLOW |
		    AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_BTIME, &stx)
		    != 0) {
			dwarn(w, "cannot stat '%s': %s", child,
			    strerror(errno));
			continue;
		}
		e.path = child + w->root_len;
		if (*e.path == '\0')
			e.path = "/";
		e.name = names[i];
		e.parent = depth == 0 ? "/" : full + w->root_len;
		snprintf(inode, sizeof(inode), "%" PRIu64,
		    (uint64_t)stx.stx_ino);
		e.inode = inode;
		e.meta_addr = stx.stx_ino;
		e.type = mode_type(stx.stx_mode);
		e.name_type = e.type;
		e.depth = depth;
		e.has_meta = 1;
		e.recoverable = 1;
		e.size = stx.stx_size;
		e.mode = stx.stx_mode & 07777;
		e.uid = stx.stx_uid;
		e.gid = stx.stx_gid;
		e.nlink = stx.stx_nlink;
		e.mtime = tri_time(stx.stx_mtime.tv_sec,
		    stx.stx_mtime.tv_nsec, 9);
		e.atime = tri_time(stx.stx_atime.tv_sec,
		    stx.stx_atime.tv_nsec, 9);
		e.ctime = tri_time(stx.stx_ctime.tv_sec,
		    stx.stx_ctime.tv_nsec, 9);
		/* Some filesystems (overlayfs) report a zero birth time. */
		e.btime = (stx.stx_mask & STATX_BTIME) &&
		    (stx.stx_btime.tv_sec != 0 || stx.stx_btime.tv_nsec != 0) ?
		    tri_time(stx.stx_btime.tv_sec, stx.stx_btime.tv_nsec, 9) :
		    TR_TIME_UNSET;
		e.fn_mtime = e.fn_atime = e.fn_ctime = e.fn_btime =
		    TR_TIME_UNSET;
		if (e.type == TR_FT_LINK) {
			size_t cap = stx.stx_size > 0 ? stx.stx_size + 1 :
			    4096;

			if ((target = malloc(cap)) != NULL &&
			    (tl = readlink(child, target, cap - 1)) >= 0) {
				target[tl] = '\0';
				e.link_target = target;
			}
		}
		if (w->opts != NULL && w->opts->max_depth >= 0 &&
		    depth > w->opts->max_depth)
			continue;
		priv.full = child;
		priv.fd = -1;
		e.priv = &priv;
		r = w->fn(w->arg, &e);
		if (priv.fd >= 0)
			close(priv.fd);
		if (r == TR_WALK_SKIP) {
			r = TR_WALK_CONTINUE;
			continue;
		}
		if (r != TR_WALK_CONTINUE || e.type != TR_FT_DIR)
			continue;
		if (w->opts != NULL && w->opts->max_depth >= 0 &&
		    depth + 1 > w->opts->max_depth)
			continue;
		if ((w->flags & TR_WALK_ONE_FS) &&
		    (dev_t)makedev(stx.stx_dev_major, stx.stx_dev_minor) !=
		    w->dev)
			continue;
		r = visit_dir(w, child, depth + 1);
	}
	free(child);
	free(target);
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return r;
}

int
tri_dir_walk(tr_fs *fs, const char *root, const tr_walk_opts *opts,
    tr_walk_fn fn, void *arg, uint64_t *warnings, tr_error *err)
{
	struct dwalk w;
	struct stat st;
	char *start = NULL;
	int r;

	memset(&w, 0, sizeof(w));
	w.fs = fs;
	w.opts = opts;
	w.flags = opts != NULL && opts->flags != 0 ? opts->flags :
	    TR_WALK_DEFAULT;
	w.fn = fn;
	w.arg = arg;
	w.root = root;
	w.root_len = strlen(root);
	while (w.root_len > 0 && root[w.root_len - 1] == '/')
		w.root_len--;
	if (!(w.flags & TR_WALK_ALLOC)) {
		if (warnings != NULL)
			*warnings = 0;
		return TR_OK;	/* a live folder has no deleted names */
	}
	if (opts != NULL && opts->start != NULL &&
	    strcmp(opts->start, "/") != 0) {
		if ((start = malloc(w.root_len + strlen(opts->start) + 1)) ==
		    NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		sprintf(start, "%.*s%s", (int)w.root_len, root, opts->start);
	}
	if (lstat(start != NULL ? start : root, &st) != 0 ||
	    !S_ISDIR(st.st_mode)) {
		r = tri_error_errno(err, TR_ENOTFOUND, errno ? errno : ENOTDIR,
		    "cannot walk folder '%s'", start != NULL ? start : root);
		free(start);
		return r;
	}
	w.dev = st.st_dev;
	r = visit_dir(&w, start != NULL ? start : root, 0);
	free(start);
	if (warnings != NULL)
		*warnings = w.warnings;
	if (r == TR_WALK_STOP || r == TR_WALK_ERROR)
		return tri_error_set(err, TR_EINTR, "walk stopped");
	return TR_OK;
}

/*
 * Open path (from a record: hostile) below the folder root, one component
 * at a time: ".." and symbolic links are refused, so nothing outside root
 * is reached, and a FIFO does not block.  Returns a descriptor or -1 with
 * errno set (EINVAL for "..").
 */
static int
open_beneath(const char *root, const char *path)
{
	char *copy, *comp, *end;
	struct stat st;
	int dfd, fd = -1, e, last;

	if ((copy = strdup(path)) == NULL)
		return -1;
	if ((dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		free(copy);
		return -1;
	}
	for (comp = copy; ; comp = end + 1) {
		while (*comp == '/')
			comp++;
		end = comp + strcspn(comp, "/");
		last = end[strspn(end, "/")] == '\0';
		*end = '\0';
		if (strcmp(comp, "..") == 0) {
			errno = EINVAL;
			break;
		}
		if (last) {
			if (*comp == '\0' || strcmp(comp, ".") == 0) {
				errno = EISDIR;
				break;
			}
			fd = openat(dfd, comp, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC | O_NOATIME | O_NONBLOCK);
			if (fd < 0 && errno == EPERM)
				fd = openat(dfd, comp, O_RDONLY | O_NOFOLLOW |
				    O_CLOEXEC | O_NONBLOCK);
			break;
		}
		if (*comp == '\0' || strcmp(comp, ".") == 0)
			continue;
		if ((fd = openat(dfd, comp, O_PATH | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) < 0) {
			if (errno == ENOTDIR && fstatat(dfd, comp, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				errno = ELOOP;
			break;
		}
		close(dfd);
		dfd = fd;
		fd = -1;
	}
	e = errno;
	close(dfd);
	free(copy);
	errno = e;
	return fd;
}

int
tri_dir_file_open(tr_file **out, tr_fs *fs, const char *path, tr_error *err)
{
	struct tr_file *f;
	const char *root = tr_source_path(tr_fs_source(fs));
	size_t rl = strlen(root);
	struct stat st;
	char *full;
	int fd;

	*out = NULL;
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if ((full = malloc(rl + strlen(path) + 2)) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	sprintf(full, "%.*s%s%s", (int)rl, root, path[0] == '/' ? "" : "/",
	    path);
	fd = open_beneath(root, path);
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		free(full);
		if (e == EINVAL)
			return tri_error_set(err, TR_EINVAL, "cannot open "
			    "'%s' in '%s': '..' is not followed", path, root);
		if (e == ELOOP)
			return tri_error_set(err, TR_EINVAL, "cannot open "
			    "'%s' in '%s': a symbolic link is not followed",
			    path, root);
		return tri_error_errno(err, e == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, e, "cannot open '%s'", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		free(full);
		return tri_error_set(err, TR_EINVAL,
		    "cannot read '%s': not a regular file", path);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		close(fd);
		free(full);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	f->fs = fs;
	f->fd = fd;
	f->path = full;
	f->size = (uint64_t)st.st_size;
	*out = f;
	return TR_OK;
}
