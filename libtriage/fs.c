/* SPDX-License-Identifier: Apache-2.0 */
/* Filesystems through libtsk: walking entries and reading file content. */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tr_fs {
	tr_source		*src;
	tr_fs_info		info;
	TSK_FS_INFO		*fs;
	TSK_IMG_INFO		*pool_img;
	const TSK_POOL_INFO	*pool;
	int			digits;
};


/* What a walk callback's tr_entry.priv points at. */
struct entry_priv {
	TSK_FS_FILE	*file;
	const TSK_FS_ATTR *attr;
};

static const char *ftype_names[] = {
	"unknown", "file", "dir", "link", "fifo", "chr", "blk", "sock",
	"whiteout", "virtual", "virtual_dir"
};

const char *
tr_ftype_name(tr_ftype t)
{
	if ((unsigned)t >= sizeof(ftype_names) / sizeof(ftype_names[0]))
		return "unknown";
	return ftype_names[t];
}

tr_ftype
tr_ftype_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(ftype_names) /
	    sizeof(ftype_names[0]); i++)
		if (strcmp(name, ftype_names[i]) == 0)
			return (tr_ftype)i;
	return TR_FT_UNKNOWN;
}

static int
digits_of(TSK_FS_TYPE_ENUM t)
{
	if (TSK_FS_TYPE_ISNTFS(t))
		return 7;
	if (t == TSK_FS_TYPE_EXT4 || t == TSK_FS_TYPE_APFS ||
	    t == TSK_FS_TYPE_FFS2)
		return 9;
	return 0;
}

/* libtsk's limit of folder depth in tsk_fs_dir_walk (MAX_DEPTH). */
#define TSK_DEPTH_MAX	128

/* Filesystems where TSK lists "." in every folder it could read. */
static int
dots_of(TSK_FS_TYPE_ENUM t)
{
	/* exFAT folders list no "." (an empty one lists nothing at all). */
	return TSK_FS_TYPE_ISEXT(t) ||
	    (TSK_FS_TYPE_ISFAT(t) && t != TSK_FS_TYPE_EXFAT) ||
	    TSK_FS_TYPE_ISNTFS(t) || TSK_FS_TYPE_ISHFS(t) ||
	    TSK_FS_TYPE_ISISO9660(t) || t == TSK_FS_TYPE_APFS;
}

void
tr_fs_close(tr_fs *fs)
{
	if (fs == NULL)
		return;
	if (fs->fs != NULL)
		tsk_fs_close(fs->fs);
	if (fs->pool_img != NULL)
		tsk_img_close(fs->pool_img);
	if (fs->pool != NULL)
		tsk_pool_close(fs->pool);
	free(fs);
}

int
tr_fs_open(tr_fs **out, tr_source *src, const tr_fs_info *info,
    tr_error *err)
{
	TSK_IMG_INFO *img = tri_source_tsk(src);
	tr_fs *fs;
	int rc;

	*out = NULL;
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	fs->src = src;
	fs->info = *info;
	if (img == NULL) {
		fs->digits = 9;
		*out = fs;
		return TR_OK;
	}
	tsk_error_reset();
	if (info->pool_block != 0) {
		fs->pool = tsk_pool_open_img_sing(img, (TSK_OFF_T)info->offset,
		    TSK_POOL_TYPE_DETECT);
		if (fs->pool == NULL) {
			rc = tri_error_tsk(err, TR_EFORMAT,
			    "cannot open the volume pool in '%s' at offset "
			    "%" PRIu64, tr_source_path(src), info->offset);
			goto fail;
		}
		fs->pool_img = fs->pool->get_img_info(fs->pool,
		    info->pool_block);
		if (fs->pool_img != NULL)
			fs->fs = tsk_fs_open_img(fs->pool_img, 0,
			    TSK_FS_TYPE_APFS);
	} else {
		fs->fs = tsk_fs_open_img(img, (TSK_OFF_T)info->offset,
		    TSK_FS_TYPE_DETECT);
	}
	if (fs->fs == NULL) {
		rc = tri_error_tsk(err, TR_EFORMAT,
		    "cannot open the %s filesystem in '%s' at offset %" PRIu64,
		    info->fs, tr_source_path(src), info->offset);
		goto fail;
	}
	fs->digits = digits_of(fs->fs->ftype);
	*out = fs;
	return TR_OK;
fail:
	tr_fs_close(fs);
	return rc;
}

const tr_fs_info *
tr_fs_get_info(const tr_fs *fs)
{
	return &fs->info;
}

tr_source *
tr_fs_source(const tr_fs *fs)
{
	return fs->src;
}

int
tr_fs_time_digits(const tr_fs *fs)
{
	return fs->digits;
}

/* FAT and exFAT keep local times: their records name the zone used. */
static int
local_times(const tr_fs *fs)
{
	return fs->fs != NULL && (TSK_FS_TYPE_ISFAT(fs->fs->ftype) ||
	    fs->fs->ftype == TSK_FS_TYPE_EXFAT);
}

int
tr_fs_case_insensitive(const tr_fs *fs)
{
	if (fs->fs == NULL)
		return 0;
	return TSK_FS_TYPE_ISFAT(fs->fs->ftype) ||
	    TSK_FS_TYPE_ISNTFS(fs->fs->ftype) ||
	    TSK_FS_TYPE_ISHFS(fs->fs->ftype) ||
	    fs->fs->ftype == TSK_FS_TYPE_EXFAT ||
	    TSK_FS_TYPE_ISISO9660(fs->fs->ftype);
}

TSK_FS_INFO *
tri_fs_tsk(const tr_fs *fs)
{
	return fs->fs;
}

static tr_ftype
map_meta_type(TSK_FS_META_TYPE_ENUM t)
{
	switch (t) {
	case TSK_FS_META_TYPE_REG:
		return TR_FT_FILE;
	case TSK_FS_META_TYPE_DIR:
		return TR_FT_DIR;
	case TSK_FS_META_TYPE_FIFO:
		return TR_FT_FIFO;
	case TSK_FS_META_TYPE_CHR:
		return TR_FT_CHR;
	case TSK_FS_META_TYPE_BLK:
		return TR_FT_BLK;
	case TSK_FS_META_TYPE_LNK:
		return TR_FT_LINK;
	case TSK_FS_META_TYPE_SHAD:
		return TR_FT_FILE;
	case TSK_FS_META_TYPE_SOCK:
		return TR_FT_SOCK;
	case TSK_FS_META_TYPE_WHT:
		return TR_FT_WHT;
	case TSK_FS_META_TYPE_VIRT:
		return TR_FT_VIRT;
	case TSK_FS_META_TYPE_VIRT_DIR:
		return TR_FT_VDIR;
	default:
		return TR_FT_UNKNOWN;
	}
}

static tr_ftype
map_name_type(TSK_FS_NAME_TYPE_ENUM t)
{
	switch (t) {
	case TSK_FS_NAME_TYPE_REG:
		return TR_FT_FILE;
	case TSK_FS_NAME_TYPE_DIR:
		return TR_FT_DIR;
	case TSK_FS_NAME_TYPE_FIFO:
		return TR_FT_FIFO;
	case TSK_FS_NAME_TYPE_CHR:
		return TR_FT_CHR;
	case TSK_FS_NAME_TYPE_BLK:
		return TR_FT_BLK;
	case TSK_FS_NAME_TYPE_LNK:
		return TR_FT_LINK;
	case TSK_FS_NAME_TYPE_SOCK:
		return TR_FT_SOCK;
	case TSK_FS_NAME_TYPE_SHAD:
		return TR_FT_FILE;
	case TSK_FS_NAME_TYPE_WHT:
		return TR_FT_WHT;
	case TSK_FS_NAME_TYPE_VIRT:
		return TR_FT_VIRT;
	case TSK_FS_NAME_TYPE_VIRT_DIR:
		return TR_FT_VDIR;
	default:
		return TR_FT_UNKNOWN;
	}
}

static tr_time
mk_time(time_t sec, uint32_t nsec, int digits)
{
	if (sec == 0 && nsec == 0)
		return TR_TIME_UNSET;
	return tri_time((int64_t)sec, nsec, digits);
}

/* Can the content of a deleted file still be read from its runs? */
static int
attr_recoverable(const TSK_FS_ATTR *a)
{
	const TSK_FS_ATTR_RUN *run;

	if (a == NULL)
		return 0;
	if (a->flags & TSK_FS_ATTR_RES)
		return a->size > 0;
	for (run = a->nrd.run; run != NULL; run = run->next)
		if (run->addr != 0 && !(run->flags & TSK_FS_ATTR_RUN_FLAG_SPARSE)
		    && !(run->flags & TSK_FS_ATTR_RUN_FLAG_FILLER))
			return 1;
	return 0;
}

struct walk_ctx {
	tr_fs		*fs;
	const tr_walk_opts *opts;
	unsigned	flags;
	tr_walk_fn	fn;
	void		*arg;
	uint64_t	warnings;
	int		stopped;
	char		*skip;		/* prefix of a folder to leave out */
	size_t		skip_len;
	char		*path;		/* parent, NUL, path, NUL */
	size_t		path_cap;
	const char	*start;		/* the start folder, "/x/y" or "" */
	size_t		start_len;
	int		depth0;		/* depth of the start folder's entries */
	uint64_t	*anc;		/* folders from the root to the start */
	size_t		nanc;
	int		ntfs, fat;
	int		dots;		/* every folder lists "." (ext, FAT...) */
	/* The last allocated folder seen: its entries must come next. */
	char		*pend;		/* its a_path for children, "a/b/" */
	size_t		pend_len, pend_cap;
	uint64_t	pend_inode;
	int		pend_depth;
	int		pend_set;
	/* Inode of the allocated folder last seen at each depth: ancestors. */
	uint64_t	*dstack;
	size_t		dstack_cap;
	uint64_t	start_inode;
	int		root_dot;	/* the start folder listed "." */
};

static void
walk_warn(struct walk_ctx *c, const char *fmt, ...) TRI_PRINTF(2, 3);

static void
walk_warn(struct walk_ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->warnings++;
	if (c->opts == NULL)
		return;
	va_start(ap, fmt);
	tri_vwarn(c->opts->warn, c->opts->warn_arg, fmt, ap);
	va_end(ap);
}

/* Does fls show this attribute's name after a ':' (named streams)? */
static int
attr_is_named(const TSK_FS_ATTR *a)
{
	return a != NULL && a->name != NULL && a->name[0] != '\0' &&
	    a->type != TSK_FS_ATTR_TYPE_NTFS_FNAME &&
	    (a->type != TSK_FS_ATTR_TYPE_NTFS_IDXROOT ||
	    strcmp(a->name, "$I30") != 0);
}

/* Decimal digits of v into buf (no NUL); returns the length. */
static size_t
put_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* "addr" or "addr-type-id" into buf (NUL-terminated). */
static void
fmt_inode(char *buf, uint64_t addr, const TSK_FS_ATTR *attr)
{
	size_t n = put_u64(buf, addr);

	if (attr != NULL) {
		buf[n++] = '-';
		n += put_u64(buf + n, (uint64_t)attr->type);
		buf[n++] = '-';
		n += put_u64(buf + n, (uint64_t)attr->id);
	}
	buf[n] = '\0';
}

/*
 * One entry per name (and per NTFS stream): a_path is TSK's parent path
 * relative to the start folder, "" or "a/b/".  fn is the NTFS $FILE_NAME
 * attribute whose times are in the metadata, on the first entry of a name.
 */
static int
emit(struct walk_ctx *c, TSK_FS_FILE *f, const char *a_path, size_t alen,
    const TSK_FS_ATTR *attr, const TSK_FS_ATTR *fn, int depth)
{
	TSK_FS_META *m = f->meta;
	struct entry_priv priv = { f, attr };
	char inode[64], fn_inode[64];
	const char *name = f->name->name;
	size_t need, nlen, plen, o;
	tr_entry e;
	int d = c->fs->digits, r;

	memset(&e, 0, sizeof(e));
	nlen = strlen(name);
	need = 2 * (c->start_len + alen + nlen) + 8;
	if (need > c->path_cap) {
		char *np = realloc(c->path, need * 2);

		if (np == NULL)
			return TR_WALK_ERROR;
		c->path = np;
		c->path_cap = need * 2;
	}
	/* parent: start + "/" + a_path without its trailing "/" */
	memcpy(c->path, c->start, c->start_len);
	o = c->start_len;
	c->path[o++] = '/';
	memcpy(c->path + o, a_path, alen);
	o += alen;
	if (o > 1 && c->path[o - 1] == '/')
		o--;
	c->path[o] = '\0';
	plen = o;
	e.parent = c->path;
	e.path = c->path + plen + 1;
	o = plen + 1;
	if (plen > 1) {
		memcpy(c->path + o, c->path, plen);
		o += plen;
	}
	c->path[o++] = '/';
	memcpy(c->path + o, name, nlen + 1);
	e.name = name;
	e.depth = depth;
	e.meta_addr = f->name->meta_addr;
	if (attr != NULL && c->ntfs) {
		fmt_inode(inode, f->name->meta_addr, attr);
		if (attr_is_named(attr))
			e.stream = attr->name;
	} else {
		fmt_inode(inode, f->name->meta_addr, NULL);
	}
	e.inode = inode;
	if (fn != NULL) {
		fmt_inode(fn_inode, f->name->meta_addr, fn);
		e.fn_attr = fn_inode;
		e.fn_size = (uint64_t)fn->size;
	}
	e.deleted = (f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) != 0;
	e.orphan = c->start_len == 0 &&
	    strncmp(a_path, "$OrphanFiles", 12) == 0;
	e.name_type = map_name_type(f->name->type);
	e.type = m != NULL ? map_meta_type(m->type) : e.name_type;
	e.mtime = e.atime = e.ctime = e.btime = TR_TIME_UNSET;
	e.fn_mtime = e.fn_atime = e.fn_ctime = e.fn_btime = TR_TIME_UNSET;
	if (m != NULL) {
		e.has_meta = 1;
		e.realloc = e.deleted && (m->flags & TSK_FS_META_FLAG_ALLOC);
		e.meta_deleted = (m->flags & TSK_FS_META_FLAG_UNALLOC) != 0;
		e.size = attr != NULL ? (uint64_t)attr->size :
		    (uint64_t)m->size;
		e.mode = (uint32_t)m->mode;
		e.uid = (uint32_t)m->uid;
		e.gid = (uint32_t)m->gid;
		e.nlink = (uint32_t)m->nlink;
		if (c->fat) {
			e.mtime = mk_time(m->mtime, 0, 0);
			e.atime = mk_time(m->atime, 0, 0);
			e.btime = mk_time(m->crtime, m->crtime_nano, 2);
			e.ctime = mk_time(m->ctime, m->ctime_nano, 2);
		} else {
			e.mtime = mk_time(m->mtime, m->mtime_nano, d);
			e.atime = mk_time(m->atime, m->atime_nano, d);
			e.ctime = mk_time(m->ctime, m->ctime_nano, d);
			e.btime = mk_time(m->crtime, m->crtime_nano, d);
		}
		if (c->ntfs && m->time2.ntfs.fn_id != 0) {
			e.fn_mtime = mk_time(m->time2.ntfs.fn_mtime,
			    m->time2.ntfs.fn_mtime_nano, d);
			e.fn_atime = mk_time(m->time2.ntfs.fn_atime,
			    m->time2.ntfs.fn_atime_nano, d);
			e.fn_ctime = mk_time(m->time2.ntfs.fn_ctime,
			    m->time2.ntfs.fn_ctime_nano, d);
			e.fn_btime = mk_time(m->time2.ntfs.fn_crtime,
			    m->time2.ntfs.fn_crtime_nano, d);
		}
		if (m->type == TSK_FS_META_TYPE_LNK && m->link != NULL)
			e.link_target = m->link;
		if (!e.deleted)
			e.recoverable = 1;
		else if (!e.realloc)
			e.recoverable = attr_recoverable(attr != NULL ? attr :
			    tsk_fs_file_attr_get(f));
		tsk_error_reset();
	}
	e.priv = &priv;
	r = c->fn(c->arg, &e);
	if (r == TR_WALK_SKIP && e.type == TR_FT_DIR) {
		free(c->skip);
		c->skip = strdup(e.path);
		c->skip_len = c->skip != NULL ? strlen(c->skip) : 0;
		r = TR_WALK_CONTINUE;
	} else if (r == TR_WALK_SKIP) {
		r = TR_WALK_CONTINUE;
	}
	return r;
}

/*
 * TSK skips a folder it cannot read without a word.  On filesystems whose
 * folders all list "." (ext2-4, FAT below the root), an allocated folder
 * must be followed at once by its own entries; when it is not, it was
 * unreadable (or a loop TSK refused to enter): warn with inode and path.
 */
/* Is the pending folder one of its own ancestors (a folder loop)? */
static int
pend_loops(const struct walk_ctx *c)
{
	int k;

	if (c->pend_inode == c->start_inode)
		return 1;
	for (k = 0; k < c->pend_depth && (size_t)k < c->dstack_cap; k++)
		if (c->dstack[k] == c->pend_inode)
			return 1;
	return 0;
}

static void
check_pending(struct walk_ctx *c, const char *a_path, size_t alen)
{
	if (!c->pend_set)
		return;
	c->pend_set = 0;
	if (alen == c->pend_len && memcmp(a_path, c->pend, alen) == 0)
		return;
	if (pend_loops(c)) {
		walk_warn(c, "folder loop: folder inode %" PRIu64 " ('%s%s%.*s') "
		    "in '%s' at offset %" PRIu64 " is one of its own parent "
		    "folders; not entered again",
		    c->pend_inode, c->start, c->pend_len ? "/" : "",
		    c->pend_len > 0 ? (int)c->pend_len - 1 : 0, c->pend,
		    tr_source_path(c->fs->src), c->fs->info.offset);
		return;
	}
	if (c->pend_depth + 1 >= TSK_DEPTH_MAX) {
		walk_warn(c, "folder inode %" PRIu64 " ('%s%s%.*s') in '%s' "
		    "at offset %" PRIu64 ": deeper than The Sleuth Kit's "
		    "limit of %d folders; not entered",
		    c->pend_inode, c->start, c->pend_len ? "/" : "",
		    c->pend_len > 0 ? (int)c->pend_len - 1 : 0, c->pend,
		    tr_source_path(c->fs->src), c->fs->info.offset,
		    TSK_DEPTH_MAX);
		return;
	}
	walk_warn(c, "cannot read folder inode %" PRIu64 " ('%s%s%.*s') in "
	    "'%s' at offset %" PRIu64 ": no entries, not even '.'",
	    c->pend_inode, c->start, c->pend_len ? "/" : "",
	    c->pend_len > 0 ? (int)c->pend_len - 1 : 0, c->pend,
	    tr_source_path(c->fs->src), c->fs->info.offset);
}

static void
set_pending(struct walk_ctx *c, const char *a_path, size_t alen,
    const char *name, uint64_t inode)
{
	size_t nlen = strlen(name), need = alen + nlen + 2;
	char *np;

	if (need > c->pend_cap) {
		if ((np = realloc(c->pend, need * 2)) == NULL)
			return;
		c->pend = np;
		c->pend_cap = need * 2;
	}
	memcpy(c->pend, a_path, alen);
	memcpy(c->pend + alen, name, nlen);
	c->pend[alen + nlen] = '/';
	c->pend_len = alen + nlen + 1;
	c->pend_inode = inode;
	c->pend_set = 1;
}

/* Is the entry start + "/" + a_path + name inside the folder c->skip? */
static int
below_skip(const struct walk_ctx *c, const char *a_path, size_t alen,
    const char *name)
{
	const char *part[4] = { c->start, "/", a_path, name };
	size_t len[4] = { c->start_len, 1, alen, strlen(name) };
	size_t o = 0, i, k;

	for (i = 0; i < 4; i++) {
		k = c->skip_len - o < len[i] ? c->skip_len - o : len[i];
		if (memcmp(c->skip + o, part[i], k) != 0)
			return 0;
		o += k;
		if (k < len[i])
			return part[i][k] == '/';
	}
	return 0;
}

/* Leave out what is inside start + "/" + a_path (+ name when given). */
static int
set_skip(struct walk_ctx *c, const char *a_path, size_t alen,
    const char *name)
{
	size_t n = c->start_len + 1 + alen + (name != NULL ? strlen(name) : 0);

	free(c->skip);
	c->skip_len = 0;
	if ((c->skip = malloc(n + 1)) == NULL)
		return -1;
	snprintf(c->skip, n + 1, "%.*s/%.*s%s", (int)c->start_len, c->start,
	    (int)alen, a_path, name != NULL ? name : "");
	if (name == NULL && n > 1)
		n--;			/* the trailing '/' */
	c->skip[n] = '\0';
	c->skip_len = n;
	return 0;
}

/* TSK's DIR_STRSZ (tsk/fs/fs_dir.c) */
#define TSK_PATH_MAX	4096

/*
 * A walk from a folder below the root: where a walk from the root would
 * not enter f (a folder on the way down to the start folder, which TSK's
 * loop check would know, or past TSK's depth or path limit, where TSK
 * ends the whole folder), leave out what TSK enters anyway, with the
 * warning the walk from the root gives.
 */
static int
as_from_root(struct walk_ctx *c, TSK_FS_FILE *f, const char *a_path,
    size_t alen, int depth)
{
	const TSK_FS_NAME *n = f->name;
	int loop = 0;
	size_t i;

	if (!(TSK_FS_IS_DIR_NAME(n->type) ||
	    n->type == TSK_FS_NAME_TYPE_UNDEF) ||
	    !TSK_FS_IS_DIR_META(f->meta->type) ||
	    !((n->flags & TSK_FS_NAME_FLAG_ALLOC) ||
	    (f->meta->flags & TSK_FS_META_FLAG_UNALLOC)) ||
	    n->meta_addr == TSK_FS_ORPHANDIR_INUM(c->fs->fs))
		return 0;
	for (i = 0; i < c->nanc; i++)
		loop |= c->anc[i] == n->meta_addr;
	if (!loop && depth < TSK_DEPTH_MAX &&
	    c->start_len + alen + strlen(n->name) < TSK_PATH_MAX)
		return 0;
	if (c->dots)
		check_pending(c, "\x01", 1);
	return set_skip(c, a_path, alen, loop ? n->name : NULL);
}

static TSK_WALK_RET_ENUM
dir_cb(TSK_FS_FILE *f, const char *a_path, void *arg)
{
	struct walk_ctx *c = arg;
	const TSK_FS_ATTR *attr, *fn = NULL;
	int depth = 0, r = TR_WALK_CONTINUE, printed = 0, i, n;
	size_t alen;

	for (alen = 0; a_path[alen] != '\0'; alen++)
		depth += a_path[alen] == '/';
	depth += c->depth0;
	if (c->dots)
		check_pending(c, a_path, alen);
	if (f->name == NULL || TSK_FS_ISDOT(f->name->name)) {
		if (alen == 0 && f->name != NULL)
			c->root_dot = 1;
		return TSK_WALK_CONT;
	}
	/* Nothing of a folder left out, not even a warning. */
	if (c->skip != NULL && below_skip(c, a_path, alen, f->name->name))
		return TSK_WALK_CONT;
	if (c->dots && f->meta != NULL &&
	    f->meta->type == TSK_FS_META_TYPE_DIR &&
	    !(f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) &&
	    (f->meta->flags & TSK_FS_META_FLAG_ALLOC)) {
		set_pending(c, a_path, alen, f->name->name,
		    f->name->meta_addr);
		c->pend_depth = depth;
		if ((size_t)depth >= c->dstack_cap) {
			size_t cap = (size_t)depth * 2 + 16;
			uint64_t *ns = realloc(c->dstack, cap * sizeof(*ns));

			if (ns != NULL) {
				c->dstack = ns;
				c->dstack_cap = cap;
			}
		}
		if ((size_t)depth < c->dstack_cap)
			c->dstack[depth] = f->name->meta_addr;
	}
	if (c->opts != NULL && c->opts->max_depth >= 0 &&
	    depth > c->opts->max_depth)
		goto out;
	if (f->meta != NULL && c->ntfs) {
		/* As fls: one entry per $DATA and $INDEX_ROOT attribute. */
		n = tsk_fs_file_attr_getsize(f);
		for (i = 0; i < n; i++) {
			attr = tsk_fs_file_attr_get_idx(f, i);
			if (attr != NULL &&
			    attr->type == TSK_FS_ATTR_TYPE_NTFS_FNAME &&
			    attr->id == f->meta->time2.ntfs.fn_id)
				fn = attr;
		}
		for (i = 0; i < n && r == TR_WALK_CONTINUE; i++) {
			attr = tsk_fs_file_attr_get_idx(f, i);
			if (attr == NULL)
				continue;
			if (attr->type == TSK_FS_ATTR_TYPE_NTFS_DATA) {
				printed = 1;
				if (attr_is_named(attr) &&
				    !(c->flags & TR_WALK_STREAMS))
					continue;
			} else if (attr->type ==
			    TSK_FS_ATTR_TYPE_NTFS_IDXROOT) {
				printed = 1;
			} else {
				continue;
			}
			r = emit(c, f, a_path, alen, attr, fn, depth);
			fn = NULL;
		}
		tsk_error_reset();
	}
	if (!printed && r == TR_WALK_CONTINUE)
		r = emit(c, f, a_path, alen, NULL, fn, depth);
out:
	if (c->nanc > 0 && r == TR_WALK_CONTINUE && f->meta != NULL &&
	    as_from_root(c, f, a_path, alen, depth) != 0)
		r = TR_WALK_ERROR;
	if (r == TR_WALK_STOP || r == TR_WALK_ERROR) {
		c->stopped = r;
		return TSK_WALK_STOP;
	}
	return TSK_WALK_CONT;
}

/*
 * Follow path from the root, by exact names, through the folders on the
 * way into anc (one inode per component, at most max).  Returns how many
 * were followed; *unique is 1 when that is all of them, each the only
 * name of its kind in its folder, an allocated folder, none twice.
 */
static size_t
resolve(tr_fs *fs, const char *path, uint64_t *anc, size_t max, int *unique)
{
	TSK_INUM_T inum = fs->fs->root_inum, next = 0;
	const TSK_FS_NAME *nm;
	TSK_FS_DIR *dir;
	const char *p = path;
	size_t k = 0, i, n, len;
	int count, good;

	*unique = 1;
	while (*p == '/' && k < max) {
		len = strcspn(++p, "/");
		if (len == 0 || (p[0] == '.' && (len == 1 ||
		    (len == 2 && p[1] == '.'))))
			break;
		tsk_error_reset();
		if ((dir = tsk_fs_dir_open_meta(fs->fs, inum)) == NULL)
			break;
		count = good = 0;
		n = tsk_fs_dir_getsize(dir);
		for (i = 0; i < n; i++) {
			nm = tsk_fs_dir_get_name(dir, i);
			if (nm == NULL || strncmp(nm->name, p, len) != 0 ||
			    nm->name[len] != '\0')
				continue;
			count++;
			if ((nm->flags & TSK_FS_NAME_FLAG_ALLOC) &&
			    (nm->type == TSK_FS_NAME_TYPE_DIR ||
			    nm->type == TSK_FS_NAME_TYPE_UNDEF)) {
				good++;
				next = nm->meta_addr;
			}
		}
		tsk_fs_dir_close(dir);
		if (good != 1)
			break;
		for (i = 0; i < k; i++)
			count += anc[i] == next;
		if (count != 1 || next == fs->fs->root_inum)
			*unique = 0;
		anc[k++] = inum = next;
		p += len;
	}
	tsk_error_reset();
	if (*p != '\0')
		*unique = 0;
	return k;
}

int
tr_fs_folder_unique(tr_fs *fs, const char *path)
{
	uint64_t anc[TSK_DEPTH_MAX];
	TSK_FS_FILE *f;
	size_t k;
	int unique;

	if (fs->fs == NULL || path[0] != '/' || strlen(path) < 2 ||
	    strlen(path) >= TSK_PATH_MAX || path[strlen(path) - 1] == '/')
		return 0;
	k = resolve(fs, path, anc, TSK_DEPTH_MAX - 1, &unique);
	if (!unique || k == 0)
		return 0;
	tsk_error_reset();
	if ((f = tsk_fs_file_open_meta(fs->fs, NULL, anc[k - 1])) == NULL) {
		tsk_error_reset();
		return 0;
	}
	unique = f->meta != NULL && TSK_FS_IS_DIR_META(f->meta->type) &&
	    (f->meta->flags & TSK_FS_META_FLAG_ALLOC);
	tsk_fs_file_close(f);
	return unique;
}

/*
 * The start folder's own entries, as its parent lists them (a_path ""
 * from the parent, which c->start begins with).
 */
static int
emit_self(struct walk_ctx *c)
{
	const char *name = strrchr(c->start, '/') + 1;
	TSK_INUM_T parent = c->nanc > 1 ? c->anc[c->nanc - 2] :
	    c->fs->fs->root_inum;
	size_t start_len = c->start_len, nanc = c->nanc, i, n;
	const TSK_FS_NAME *nm;
	TSK_FS_DIR *dir;
	TSK_FS_FILE *f;
	int r = TSK_WALK_CONT;

	if (!(c->flags & TR_WALK_ALLOC))
		return TSK_WALK_CONT;
	tsk_error_reset();
	if ((dir = tsk_fs_dir_open_meta(c->fs->fs, parent)) == NULL) {
		tsk_error_reset();
		return TSK_WALK_CONT;
	}
	c->start_len = (size_t)(name - 1 - c->start);
	c->depth0--;
	c->nanc--;
	n = tsk_fs_dir_getsize(dir);
	for (i = 0; i < n; i++) {
		nm = tsk_fs_dir_get_name(dir, i);
		if (nm == NULL || strcmp(nm->name, name) != 0 ||
		    !(nm->flags & TSK_FS_NAME_FLAG_ALLOC) ||
		    (f = tsk_fs_dir_get(dir, i)) == NULL)
			continue;
		r = dir_cb(f, "", c);
		tsk_fs_file_close(f);
		break;
	}
	tsk_fs_dir_close(dir);
	tsk_error_reset();
	c->start_len = start_len;
	c->depth0++;
	c->nanc = nanc;
	c->pend_set = 0;	/* its entries come from the next walk */
	return r;
}

int
tr_fs_walk(tr_fs *fs, const tr_walk_opts *opts, tr_walk_fn fn, void *arg,
    uint64_t *warnings, tr_error *err)
{
	struct walk_ctx c;
	TSK_FS_DIR_WALK_FLAG_ENUM tf = TSK_FS_DIR_WALK_FLAG_RECURSE;
	TSK_INUM_T start;
	const char *p;
	char tsk[256];
	uint8_t rv;
	int rc = TR_OK, unique = 0;

	memset(&c, 0, sizeof(c));
	c.fs = fs;
	c.opts = opts;
	c.flags = opts != NULL && opts->flags != 0 ? opts->flags :
	    TR_WALK_DEFAULT;
	c.fn = fn;
	c.arg = arg;
	if (fs->fs == NULL) {
		rc = tri_dir_walk(fs, tr_source_path(fs->src), opts, fn, arg,
		    warnings, err);
		return rc;
	}
	if (c.flags & TR_WALK_ALLOC)
		tf |= TSK_FS_DIR_WALK_FLAG_ALLOC;
	if (c.flags & TR_WALK_UNALLOC)
		tf |= TSK_FS_DIR_WALK_FLAG_UNALLOC;
	if (c.flags & TR_WALK_NOORPHAN)
		tf |= TSK_FS_DIR_WALK_FLAG_NOORPHAN;
	start = fs->fs->root_inum;
	c.start = "";
	if (opts != NULL && opts->start != NULL &&
	    strcmp(opts->start, "/") != 0) {
		tsk_error_reset();
		if (tsk_fs_path2inum(fs->fs, opts->start, &start, NULL) != 0) {
			tsk_error_reset();
			return tri_error_set(err, TR_ENOTFOUND,
			    "no folder '%s' in '%s' at offset %" PRIu64,
			    opts->start, tr_source_path(fs->src),
			    fs->info.offset);
		}
		c.start = opts->start;
		if (strlen(c.start) > 1 &&
		    c.start[strlen(c.start) - 1] == '/')
			return tri_error_set(err, TR_EINVAL,
			    "start folder '%s' ends with '/'", opts->start);
		for (p = c.start; *p != '\0'; p++)
			c.depth0 += *p == '/';
		if ((c.anc = calloc((size_t)c.depth0, sizeof(*c.anc))) ==
		    NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		/* Known folders on the way: act as a walk from the root. */
		c.nanc = resolve(fs, c.start, c.anc, (size_t)c.depth0,
		    &unique);
		if (c.nanc == (size_t)c.depth0)
			start = c.anc[c.nanc - 1];
		else
			c.nanc = 0;
	}
	c.start_len = strlen(c.start);
	c.ntfs = TSK_FS_TYPE_ISNTFS(fs->fs->ftype) != 0;
	c.fat = TSK_FS_TYPE_ISFAT(fs->fs->ftype) != 0;
	c.dots = dots_of(fs->fs->ftype);
	c.start_inode = start;
	rv = 0;
	if (c.nanc > 0 && (c.flags & TR_WALK_START_SELF))
		emit_self(&c);
	tsk_error_reset();
	if (!c.stopped)
		rv = tsk_fs_dir_walk(fs->fs, start, tf, dir_cb, &c);
	if (c.dots && !c.stopped)
		check_pending(&c, "\x01", 1);
	/* The start folder lists "." too (but FAT's and APFS's roots). */
	if (c.dots && (!c.fat || c.start_len > 0) &&
	    fs->fs->ftype != TSK_FS_TYPE_APFS &&
	    !c.stopped && !c.root_dot && rv == 0)
		walk_warn(&c, "cannot read folder inode %" PRIuINUM " ('%s') "
		    "in '%s' at offset %" PRIu64 ": no entries, not even '.'",
		    start, c.start_len ? c.start : "/",
		    tr_source_path(fs->src), fs->info.offset);
	if (rv != 0 && !c.stopped) {
		tri_tsk_errstr(tsk, sizeof(tsk));
		/* TSK stops a walk at the first folder it cannot read. */
		walk_warn(&c, "'%s' at offset %" PRIu64 ": walk ended early: "
		    "%s", tr_source_path(fs->src), fs->info.offset, tsk);
	}
	tsk_error_reset();
	if (warnings != NULL)
		*warnings = c.warnings;
	free(c.skip);
	free(c.path);
	free(c.pend);
	free(c.dstack);
	free(c.anc);
	if (c.stopped)
		return tri_error_set(err, TR_EINTR, "walk stopped");
	return rc;
}

/*
 * tsk_fs_attr_read, except that bytes past an NTFS stream's initialised
 * size read as zeros (as Windows returns them) instead of ending the data.
 * offset < size and len <= size - offset.
 */
static ssize_t
attr_read(const TSK_FS_ATTR *a, uint64_t offset, void *buf, size_t len)
{
	ssize_t n;

	n = tsk_fs_attr_read(a, (TSK_OFF_T)offset, buf, len,
	    TSK_FS_FILE_READ_FLAG_NONE);
	if (n == 0 && len > 0) {
		memset(buf, 0, len);
		n = (ssize_t)len;
	}
	return n;
}

void
tr_file_close(tr_file *f)
{
	if (f == NULL)
		return;
	if (f->file != NULL)
		tsk_fs_file_close(f->file);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

/* Parse "12" or "12-128-3" (digits only, in range) into its parts. */
static int
parse_inode(const char *s, TSK_INUM_T *addr, int *has_attr,
    uint32_t *type, uint16_t *id)
{
	uint64_t v[3];
	int n = 0;

	*has_attr = 0;
	for (;;) {
		if (*s < '0' || *s > '9')
			return -1;
		for (v[n] = 0; *s >= '0' && *s <= '9'; s++) {
			if (v[n] > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
				return -1;
			v[n] = v[n] * 10 + (uint64_t)(*s - '0');
		}
		n++;
		if (*s == '\0')
			break;
		if (*s++ != '-' || n == 3)
			return -1;
	}
	if (n == 2 || (n == 3 && (v[1] > UINT32_MAX || v[2] > UINT16_MAX)))
		return -1;
	*addr = (TSK_INUM_T)v[0];
	if (n == 1)
		return 0;
	*type = (uint32_t)v[1];
	*id = (uint16_t)v[2];
	*has_attr = 1;
	return 0;
}

static int
file_new(tr_file **out, tr_fs *fs, TSK_FS_FILE *file, int has_attr,
    uint32_t type, uint16_t id, const char *what, tr_error *err)
{
	tr_file *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		tsk_fs_file_close(file);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	f->fd = -1;
	f->fs = fs;
	f->file = file;
	tsk_error_reset();
	f->attr = has_attr ? tsk_fs_file_attr_get_type(file,
	    (TSK_FS_ATTR_TYPE_ENUM)type, id, 1) : tsk_fs_file_attr_get(file);
	if (f->attr == NULL) {
		tsk_error_reset();
		if (file->meta != NULL && file->meta->size == 0) {
			f->size = 0;
			*out = f;
			return TR_OK;
		}
		tr_file_close(f);
		return tri_error_tsk(err, TR_EFORMAT,
		    "cannot find the data of %s in '%s' at offset %" PRIu64,
		    what, tr_source_path(fs->src), fs->info.offset);
	}
	f->size = (uint64_t)f->attr->size;
	snprintf(f->inode, sizeof(f->inode), "%s", what);
	*out = f;
	return TR_OK;
}

int
tr_file_open_entry(tr_file **out, tr_fs *fs, const tr_entry *e,
    tr_error *err)
{
	const struct entry_priv *p = e->priv;
	TSK_FS_FILE *file;
	char what[600];

	*out = NULL;
	if (fs->fs == NULL)
		return tri_dir_file_open(out, fs, e->path, err);
	snprintf(what, sizeof(what), "inode %s ('%s')", e->inode, e->path);
	tsk_error_reset();
	if ((file = tsk_fs_file_open_meta(fs->fs, NULL,
	    (TSK_INUM_T)e->meta_addr)) == NULL)
		return tri_error_tsk(err, TR_EFORMAT, "cannot open %s in '%s'",
		    what, tr_source_path(fs->src));
	if (p != NULL && p->attr != NULL)
		return file_new(out, fs, file, 1, (uint32_t)p->attr->type,
		    p->attr->id, what, err);
	return file_new(out, fs, file, 0, 0, 0, what, err);
}

int
tr_file_open(tr_file **out, tr_fs *fs, const char *inode, const char *path,
    tr_error *err)
{
	TSK_FS_FILE *file;
	TSK_INUM_T addr;
	uint32_t type = 0;
	uint16_t id = 0;
	int has_attr = 0;
	char what[600];

	*out = NULL;
	if (fs->fs == NULL) {
		if (path == NULL)
			return tri_error_set(err, TR_EINVAL,
			    "a live folder needs a path, not an inode");
		return tri_dir_file_open(out, fs, path, err);
	}
	tsk_error_reset();
	if (inode != NULL) {
		if (parse_inode(inode, &addr, &has_attr, &type, &id) != 0)
			return tri_error_set(err, TR_EINVAL,
			    "invalid inode '%s': expected N or N-TYPE-ID",
			    inode);
		snprintf(what, sizeof(what), "inode %s", inode);
		file = tsk_fs_file_open_meta(fs->fs, NULL, addr);
	} else {
		snprintf(what, sizeof(what), "'%s'", path);
		file = tsk_fs_file_open(fs->fs, NULL, path);
	}
	if (file == NULL) {
		tsk_error_reset();
		return tri_error_set(err, TR_ENOTFOUND, "no %s in '%s' at "
		    "offset %" PRIu64, what, tr_source_path(fs->src),
		    fs->info.offset);
	}
	return file_new(out, fs, file, has_attr, type, id, what, err);
}

uint64_t
tr_file_size(const tr_file *f)
{
	return f->size;
}

int64_t
tr_file_read(tr_file *f, uint64_t offset, void *buf, size_t len,
    tr_error *err)
{
	ssize_t n;

	if (f->fd >= 0) {
		n = pread(f->fd, buf, len, (off_t)offset);
		if (n < 0)
			return tri_error_errno(err, TR_EIO, errno,
			    "cannot read '%s' at offset %" PRIu64, f->path,
			    offset);
		return n;
	}
	if (offset >= f->size || f->attr == NULL)
		return 0;
	if (len > f->size - offset)
		len = (size_t)(f->size - offset);
	tsk_error_reset();
	n = attr_read(f->attr, offset, buf, len);
	if (n < 0)
		return tri_error_tsk(err, TR_EIO, "cannot read %s in '%s' at "
		    "file offset %" PRIu64, f->inode,
		    tr_source_path(f->fs->src), offset);
	return n;
}

int64_t
tr_entry_read(tr_fs *fs, const tr_entry *e, uint64_t offset, void *buf,
    size_t len, tr_error *err)
{
	struct entry_priv *p = e->priv;
	ssize_t n;

	if (fs->fs == NULL)
		return tri_dir_entry_read(e, offset, buf, len, err);
	if (p == NULL || p->file == NULL)
		return tri_error_set(err, TR_EINVAL,
		    "inode %s ('%s') is not from a walk", e->inode, e->path);
	if (p->attr == NULL) {
		tsk_error_reset();
		p->attr = tsk_fs_file_attr_get(p->file);
		if (p->attr == NULL) {
			tsk_error_reset();
			if (p->file->meta == NULL || p->file->meta->size == 0)
				return 0;
			return tri_error_set(err, TR_EFORMAT,
			    "cannot find the data of inode %s ('%s') in '%s' "
			    "at offset %" PRIu64, e->inode, e->path,
			    tr_source_path(fs->src), fs->info.offset);
		}
	}
	if (offset >= (uint64_t)p->attr->size)
		return 0;
	if (len > (uint64_t)p->attr->size - offset)
		len = (size_t)((uint64_t)p->attr->size - offset);
	tsk_error_reset();
	n = attr_read(p->attr, offset, buf, len);
	if (n < 0)
		return tri_error_tsk(err, TR_EIO, "cannot read inode %s ('%s') "
		    "in '%s' at file offset %" PRIu64, e->inode, e->path,
		    tr_source_path(fs->src), offset);
	return n;
}

static int64_t
read_file(void *arg, uint64_t offset, void *buf, size_t len, tr_error *err)
{
	return tr_file_read(arg, offset, buf, len, err);
}

int
tr_file_hash(tr_file *f, tr_hash *h, uint64_t *total, tr_error *err)
{
	return tr_hash_stream(h, f->size, read_file, f, total, err);
}

struct entry_src {
	tr_fs		*fs;
	const tr_entry	*e;
};

static int64_t
read_entry(void *arg, uint64_t offset, void *buf, size_t len, tr_error *err)
{
	struct entry_src *s = arg;

	return tr_entry_read(s->fs, s->e, offset, buf, len, err);
}

int
tr_entry_hash(tr_fs *fs, const tr_entry *e, tr_hash *h, uint64_t *total,
    tr_error *err)
{
	struct entry_src s = { fs, e };

	return tr_hash_stream(h, e->size, read_entry, &s, total, err);
}

tr_rec *
tr_entry_record(const tr_fs *fs, const tr_entry *e, const tr_hashes *h)
{
	const tr_fs_info *fi = &fs->info;
	const char *src = tr_source_path(fs->src);
	char mode[16];
	tr_rec *r;

	if ((r = tr_rec_new("file")) == NULL)
		return NULL;
	tr_rec_set_text(r, "source", src, strlen(src));
	if (tr_source_label(fs->src) != NULL)
		tr_rec_set_text(r, "evidence", tr_source_label(fs->src),
		    strlen(tr_source_label(fs->src)));
	if (fi->volume >= 0)
		tr_rec_set_int(r, "volume", fi->volume);
	tr_rec_set_str(r, "fs", fi->fs);
	tr_rec_set_str(r, "inode", e->inode);
	tr_rec_set_text(r, "path", e->path, strlen(e->path));
	if (e->stream != NULL)
		tr_rec_set_text(r, "stream", e->stream, strlen(e->stream));
	tr_rec_set_text(r, "name", e->name, strlen(e->name));
	tr_rec_set_str(r, "type", tr_ftype_name(e->type));
	tr_rec_set_bool(r, "deleted", e->deleted);
	if (e->realloc)
		tr_rec_set_bool(r, "realloc", 1);
	if (e->orphan)
		tr_rec_set_bool(r, "orphan", 1);
	if (e->has_meta) {
		tr_rec_set_uint(r, "size", e->size);
		snprintf(mode, sizeof(mode), "%04o", e->mode & 07777);
		tr_rec_set_str(r, "mode", mode);
		tr_rec_set_uint(r, "uid", e->uid);
		tr_rec_set_uint(r, "gid", e->gid);
		tr_rec_set_uint(r, "nlink", e->nlink);
	}
	tr_rec_set_time(r, "mtime", &e->mtime);
	tr_rec_set_time(r, "atime", &e->atime);
	tr_rec_set_time(r, "ctime", &e->ctime);
	tr_rec_set_time(r, "btime", &e->btime);
	tr_rec_set_time(r, "fn_mtime", &e->fn_mtime);
	tr_rec_set_time(r, "fn_atime", &e->fn_atime);
	tr_rec_set_time(r, "fn_ctime", &e->fn_ctime);
	tr_rec_set_time(r, "fn_btime", &e->fn_btime);
	if (local_times(fs)) {
		tr_rec_set_str(r, "timezone", tr_timezone());
		if (fs->fs->ftype != TSK_FS_TYPE_EXFAT &&
		    tr_time_isset(&e->atime))
			tr_rec_set_str(r, "atime_precision", "day");
	}
	if (e->link_target != NULL)
		tr_rec_set_text(r, "link_target", e->link_target,
		    strlen(e->link_target));
	if (e->deleted)
		tr_rec_set_bool(r, "recoverable", e->recoverable);
	if (h != NULL) {
		tr_rec_set_str(r, "md5", h->md5);
		tr_rec_set_str(r, "sha1", h->sha1);
		tr_rec_set_str(r, "sha256", h->sha256);
	}
	return r;
}

/* A growing output buffer for tr_entry_json(). */
struct jbuf {
	char	**buf;
	size_t	*cap, *len;
	int	nomem;
};

static char *
jroom(struct jbuf *b, size_t more)
{
	size_t want = *b->len + more + 1, cap;
	char *n;

	if (b->nomem)
		return NULL;
	if (want > *b->cap) {
		cap = *b->cap ? *b->cap : 1024;
		while (cap < want)
			cap *= 2;
		if ((n = realloc(*b->buf, cap)) == NULL) {
			b->nomem = 1;
			return NULL;
		}
		*b->buf = n;
		*b->cap = cap;
	}
	return *b->buf + *b->len;
}

static void
jraw(struct jbuf *b, const char *s, size_t n)
{
	char *d = jroom(b, n);

	if (d == NULL)
		return;
	memcpy(d, s, n);
	*b->len += n;
}

#define JLIT(b, s)	jraw((b), (s), sizeof(s) - 1)

/*
 * ,"key":"text" as jansson's compact dump writes it (\uXXXX in upper case
 * for control bytes), bad UTF-8 as U+FFFD; returns 1 when a byte was bad.
 */
static int
jstr(struct jbuf *b, const char *key, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, klen = strlen(key);
	char *d;
	int bad = 0;

	if ((d = jroom(b, klen + 6 + len * 6)) == NULL)
		return 0;
	*d++ = ',';
	*d++ = '"';
	memcpy(d, key, klen);
	d += klen;
	*d++ = '"';
	*d++ = ':';
	*d++ = '"';
	while (i < len) {
		unsigned c = p[i];

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*d++ = (char)c;
			i++;
			continue;
		}
		if (c < 0x80 && c != 0) {
			*d++ = '\\';
			switch (c) {
			case '"': *d++ = '"'; break;
			case '\\': *d++ = '\\'; break;
			case '\b': *d++ = 'b'; break;
			case '\f': *d++ = 'f'; break;
			case '\n': *d++ = 'n'; break;
			case '\r': *d++ = 'r'; break;
			case '\t': *d++ = 't'; break;
			default:
				memcpy(d, "u00", 3);
				d += 3;
				*d++ = hex[c >> 4];
				*d++ = hex[c & 0xf];
			}
			i++;
			continue;
		}
		if ((n = p[i] == 0 ? 0 : tri_utf8_seq(p + i, len - i)) == 0) {
			memcpy(d, "\xef\xbf\xbd", 3);
			d += 3;
			i++;
			bad = 1;
			continue;
		}
		memcpy(d, p + i, n);
		d += n;
		i += n;
	}
	*d++ = '"';
	*b->len = (size_t)(d - *b->buf);
	return bad;
}

static void
jtext(struct jbuf *b, const char *key, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(s), i, klen = strlen(key);
	char *d;

	if (!jstr(b, key, s, len) || (d = jroom(b, klen + 12 + 2 * len)) ==
	    NULL)
		return;
	*d++ = ',';
	*d++ = '"';
	memcpy(d, key, klen);
	d += klen;
	memcpy(d, "_hex\":\"", 7);
	d += 7;
	for (i = 0; i < len; i++) {
		*d++ = hex[(unsigned char)s[i] >> 4];
		*d++ = hex[(unsigned char)s[i] & 0xf];
	}
	*d++ = '"';
	*b->len = (size_t)(d - *b->buf);
}

static void
jkey(struct jbuf *b, const char *key)
{
	size_t klen = strlen(key);
	char *d = jroom(b, klen + 4);

	if (d == NULL)
		return;
	d[0] = ',';
	d[1] = '"';
	memcpy(d + 2, key, klen);
	d[klen + 2] = '"';
	d[klen + 3] = ':';
	*b->len += klen + 4;
}

static void
juint(struct jbuf *b, const char *key, uint64_t v)
{
	char num[24];

	jkey(b, key);
	jraw(b, num, put_u64(num, v));
}

static void
jbool(struct jbuf *b, const char *key, int v)
{
	jkey(b, key);
	if (v)
		JLIT(b, "true");
	else
		JLIT(b, "false");
}

static void
jtime(struct jbuf *b, const char *key, const tr_time *t)
{
	char buf[TR_TIME_STR_MAX];
	size_t n;

	if ((n = tri_time_put(t, buf)) == 0)
		return;
	jstr(b, key, buf, n);
}

int
tr_entry_json(const tr_fs *fs, const tr_entry *e, const tr_hashes *h,
    int recovered, char **buf, size_t *cap, size_t *len)
{
	struct jbuf b = { buf, cap, len, 0 };
	const tr_fs_info *fi = &fs->info;
	char mode[8];
	size_t start = *len;

	JLIT(&b, "{\"record\":\"file\"");
	jtext(&b, "source", tr_source_path(fs->src));
	if (tr_source_label(fs->src) != NULL)
		jtext(&b, "evidence", tr_source_label(fs->src));
	if (fi->volume >= 0)
		juint(&b, "volume", (uint64_t)fi->volume);
	jstr(&b, "fs", fi->fs, strlen(fi->fs));
	jstr(&b, "inode", e->inode, strlen(e->inode));
	jtext(&b, "path", e->path);
	if (e->stream != NULL)
		jtext(&b, "stream", e->stream);
	jtext(&b, "name", e->name);
	jstr(&b, "type", tr_ftype_name(e->type),
	    strlen(tr_ftype_name(e->type)));
	jbool(&b, "deleted", e->deleted);
	if (e->realloc)
		jbool(&b, "realloc", 1);
	if (e->orphan)
		jbool(&b, "orphan", 1);
	if (e->has_meta) {
		juint(&b, "size", e->size);
		mode[0] = (char)('0' + ((e->mode >> 9) & 7));
		mode[1] = (char)('0' + ((e->mode >> 6) & 7));
		mode[2] = (char)('0' + ((e->mode >> 3) & 7));
		mode[3] = (char)('0' + (e->mode & 7));
		jstr(&b, "mode", mode, 4);
		juint(&b, "uid", e->uid);
		juint(&b, "gid", e->gid);
		juint(&b, "nlink", e->nlink);
	}
	jtime(&b, "mtime", &e->mtime);
	jtime(&b, "atime", &e->atime);
	jtime(&b, "ctime", &e->ctime);
	jtime(&b, "btime", &e->btime);
	jtime(&b, "fn_mtime", &e->fn_mtime);
	jtime(&b, "fn_atime", &e->fn_atime);
	jtime(&b, "fn_ctime", &e->fn_ctime);
	jtime(&b, "fn_btime", &e->fn_btime);
	if (local_times(fs)) {
		jstr(&b, "timezone", tr_timezone(), strlen(tr_timezone()));
		if (fs->fs->ftype != TSK_FS_TYPE_EXFAT &&
		    tr_time_isset(&e->atime))
			JLIT(&b, ",\"atime_precision\":\"day\"");
	}
	if (e->link_target != NULL)
		jtext(&b, "link_target", e->link_target);
	if (e->deleted)
		jbool(&b, "recoverable", e->recoverable);
	if (h != NULL) {
		if (h->md5 != NULL)
			jstr(&b, "md5", h->md5, strlen(h->md5));
		if (h->sha1 != NULL)
			jstr(&b, "sha1", h->sha1, strlen(h->sha1));
		if (h->sha256 != NULL)
			jstr(&b, "sha256", h->sha256, strlen(h->sha256));
	}
	if (recovered >= 0)
		jbool(&b, "recovered", recovered);
	JLIT(&b, "}\n");
	if (b.nomem) {
		*len = start;
		return TR_ENOMEM;
	}
	(*buf)[*len] = '\0';	/* jroom() keeps room for it */
	return TR_OK;
}

int
tr_source_each_fs(tr_source *src, int volume, tr_warn_fn warn,
    void *warn_arg, tr_fs_fn fn, void *arg, unsigned *failed, tr_error *err)
{
	tr_layout *l = NULL;
	tr_fs *fs;
	tr_error e;
	char list[256];
	size_t i, o = 0;
	int rc, n = 0;

	if (failed != NULL)
		*failed = 0;
	if ((rc = tr_source_layout(src, &l, warn, warn_arg, err)) != TR_OK)
		return rc;
	for (i = 0; i < l->nfs; i++) {
		if (volume != TR_VOLUME_ALL && l->fs[i].volume != volume)
			continue;
		n++;
		if (tr_fs_open(&fs, src, &l->fs[i], &e) != TR_OK) {
			if (warn != NULL)
				warn(warn_arg, e.msg);
			if (failed != NULL)
				(*failed)++;
			continue;
		}
		rc = fn(arg, fs);
		tr_fs_close(fs);
		if (rc != TR_OK)
			break;
	}
	if (n == 0 && volume != TR_VOLUME_ALL) {
		list[0] = '\0';
		for (i = 0; i < l->nfs && o < sizeof(list) - 16; i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o,
			    "%s%d", i ? ", " : "", l->fs[i].volume);
		rc = tri_error_set(err, TR_ENOTFOUND,
		    "no filesystem in volume %d of '%s' (volumes with one: "
		    "%s)", volume, tr_source_path(src),
		    l->nfs ? list : "none");
	}
	tr_layout_free(l);
	return rc;
}
