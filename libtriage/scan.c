/* SPDX-License-Identifier: Apache-2.0 */
/* YARA scans of buffers, files and raw extents, and the "hit" record. */
#include "internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_internal.h"

/* A piece of a window buffer and where it lies in the source. */
struct seg {
	size_t		buf_off;
	uint64_t	src_off;
	size_t		len;
};

struct tr_scanner {
	const tr_rules	*rules;
	YR_SCANNER	*ys;
	tr_scanner_opts	opts;
	unsigned char	*buf;
	size_t		cap;
	/* Per scan. */
	tr_rec		*matches;
	int		failed;
	size_t		skip_end;	/* drop string matches ending before */
	const struct seg *segs;		/* buffer -> source offsets, or NULL */
	size_t		nsegs;
};

void
tr_scan_extension(const char *filename, char *buf, size_t len)
{
	const char *dot;
	size_t i;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (filename == NULL || (dot = strrchr(filename, '.')) == NULL ||
	    dot == filename)
		return;
	for (i = 0; dot[i + 1] != '\0' && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)dot[i + 1]);
	buf[i] = '\0';
}

int
tr_scanner_new(tr_scanner **out, const tr_rules *rules,
    const tr_scanner_opts *opts, tr_error *err)
{
	tr_scanner *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	s->rules = rules;
	if (opts != NULL)
		s->opts = *opts;
	if (yr_scanner_create(rules->rules, &s->ys) != ERROR_SUCCESS) {
		free(s);
		return tri_error_set(err, TR_ENOMEM,
		    "cannot create a YARA scanner: out of memory");
	}
	if (s->opts.timeout > 0)
		yr_scanner_set_timeout(s->ys, s->opts.timeout);
	*out = s;
	return TR_OK;
}

void
tr_scanner_free(tr_scanner *s)
{
	if (s == NULL)
		return;
	if (s->ys != NULL)
		yr_scanner_destroy(s->ys);
	free(s->buf);
	free(s);
}

/* Matched bytes as YARA prints them: printable ASCII, "\\", "\xNN". */
static char *
escape(const uint8_t *p, size_t n)
{
	char *out, *o;
	size_t i;

	if ((out = malloc(4 * n + 1)) == NULL)
		return NULL;
	for (o = out, i = 0; i < n; i++) {
		if (p[i] == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			*o++ = (char)p[i];
		} else {
			o += sprintf(o, "\\x%02x", p[i]);
		}
	}
	*o = '\0';
	return out;
}

static uint64_t
map_offset(const tr_scanner *s, uint64_t off)
{
	size_t lo = 0, hi = s->nsegs, mid;

	if (s->segs == NULL)
		return off;
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (s->segs[mid].buf_off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return s->segs[lo].src_off + (off - s->segs[lo].buf_off);
}

static tr_rec *
build_match(tr_scanner *s, YR_SCAN_CONTEXT *ctx, const YR_RULE *rule,
    int *keep)
{
	const YR_META *meta;
	const YR_STRING *str;
	const YR_MATCH *m, *mp;
	YR_MATCH mcopy;
	const char *tag;
	tr_rec *r, *tags = NULL, *metas = NULL, *strs = NULL, *sm;
	size_t listed = 0, dropped = 0, omitted = 0, dl;
	uint64_t off;
	char *data;

	*keep = 1;
	if ((r = tr_rec_new_object()) == NULL)
		return NULL;
	tr_rec_set_text(r, "rule", rule->identifier,
	    strlen(rule->identifier));
	tr_rec_set_text(r, "namespace", rule->ns->name,
	    strlen(rule->ns->name));
	yr_rule_tags_foreach(rule, tag) {
		if (tags == NULL && (tags = tr_rec_new_array()) == NULL)
			goto nomem;
		tr_rec_append_str(tags, tag);
	}
	if (tags != NULL && tr_rec_set_rec(r, "tags", tags) != TR_OK)
		goto nomem;
	yr_rule_metas_foreach(rule, meta) {
		if (metas == NULL && (metas = tr_rec_new_object()) == NULL)
			goto nomem;
		if (meta->type == META_TYPE_INTEGER)
			tr_rec_set_int(metas, meta->identifier, meta->integer);
		else if (meta->type == META_TYPE_BOOLEAN)
			tr_rec_set_bool(metas, meta->identifier,
			    meta->integer != 0);
		else if (meta->string != NULL)
			tr_rec_set_text(metas, meta->identifier, meta->string,
			    strlen(meta->string));
	}
	if (metas != NULL && tr_rec_set_rec(r, "meta", metas) != TR_OK)
		goto nomem;
	if ((strs = tr_rec_new_array()) == NULL)
		goto nomem;
	yr_rule_strings_foreach(rule, str) {
		/*
		 * libyara's match list may be misaligned (its notebook packs
		 * them): copy each match out before reading it.
		 */
		for (mp = ctx->matches[str->idx].head; mp != NULL;
		    mp = mcopy.next) {
			memcpy(&mcopy, mp, sizeof(mcopy));
			m = &mcopy;
			if (m->is_private)
				continue;
			off = (uint64_t)(m->base + m->offset);
			if (off + (uint64_t)m->match_length <= s->skip_end) {
				dropped++;
				continue;
			}
			if (s->opts.max_matches > 0 &&
			    listed >= s->opts.max_matches) {
				omitted++;
				continue;
			}
			if ((sm = tr_rec_new_object()) == NULL)
				goto nomem;
			tr_rec_set_text(sm, "id", str->identifier,
			    strlen(str->identifier));
			tr_rec_set_uint(sm, "offset", map_offset(s, off));
			tr_rec_set_uint(sm, "length",
			    (uint64_t)m->match_length);
			dl = (size_t)m->data_length;
			if (dl > s->opts.max_string)
				dl = s->opts.max_string;
			if (dl > 0) {
				if ((data = escape(m->data, dl)) == NULL) {
					tr_rec_free(sm);
					goto nomem;
				}
				tr_rec_set_str(sm, "data", data);
				free(data);
			}
			if (tr_rec_append(strs, sm) != TR_OK)
				goto nomem;
			listed++;
		}
	}
	if (listed + omitted == 0 && (dropped > 0 || s->skip_end > 0))
		*keep = 0;	/* reported with an earlier window */
	if (listed > 0) {
		if (tr_rec_set_rec(r, "strings", strs) != TR_OK)
			goto nomem_r;
	} else {
		tr_rec_free(strs);
	}
	if (omitted > 0)
		tr_rec_set_uint(r, "strings_omitted", omitted);
	return r;
nomem:
	tr_rec_free(strs);
nomem_r:
	tr_rec_free(r);
	return NULL;
}

static int
scan_cb(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *arg)
{
	tr_scanner *s = arg;
	tr_rec *m;
	int keep;

	if (msg != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	if ((m = build_match(s, ctx, data, &keep)) == NULL) {
		s->failed = 1;
		return CALLBACK_ABORT;
	}
	if (!keep) {
		tr_rec_free(m);
		return CALLBACK_CONTINUE;
	}
	if (s->matches == NULL && (s->matches = tr_rec_new_array()) == NULL) {
		tr_rec_free(m);
		s->failed = 1;
		return CALLBACK_ABORT;
	}
	if (tr_rec_append(s->matches, m) != TR_OK) {
		s->failed = 1;
		return CALLBACK_ABORT;
	}
	return CALLBACK_CONTINUE;
}

static int
scan_mem(tr_scanner *s, const void *buf, size_t len, const tr_scan_target *t,
    tr_rec **matches, tr_error *err)
{
	char ext[64];
	int rc;

	*matches = NULL;
	tr_scan_extension(t != NULL ? t->filename : NULL, ext, sizeof(ext));
	/* Rules compiled elsewhere may lack these; that is not an error. */
	(void)yr_scanner_define_string_variable(s->ys, "filename",
	    t != NULL && t->filename != NULL ? t->filename : "");
	(void)yr_scanner_define_string_variable(s->ys, "filepath",
	    t != NULL && t->filepath != NULL ? t->filepath : "");
	(void)yr_scanner_define_string_variable(s->ys, "extension", ext);
	(void)yr_scanner_define_boolean_variable(s->ys, "deleted",
	    t != NULL && t->deleted);
	s->matches = NULL;
	s->failed = 0;
	yr_scanner_set_callback(s->ys, scan_cb, s);
	yr_scanner_set_flags(s->ys, 0);
	rc = yr_scanner_scan_mem(s->ys, buf, len);
	if (rc == ERROR_SUCCESS && s->failed)
		rc = ERROR_INSUFFICIENT_MEMORY;
	if (rc != ERROR_SUCCESS) {
		tr_rec_free(s->matches);
		s->matches = NULL;
		if (rc == ERROR_SCAN_TIMEOUT)
			return tri_error_set(err, TR_EINTR,
			    "scan timed out after %d s", s->opts.timeout);
		if (rc == ERROR_INSUFFICIENT_MEMORY)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		if (rc == ERROR_TOO_MANY_MATCHES)
			return tri_error_set(err, TR_EFORMAT,
			    "too many matches for one string");
		return tri_error_set(err, TR_EFORMAT,
		    "scan failed: libyara error %d", rc);
	}
	*matches = s->matches;
	s->matches = NULL;
	return TR_OK;
}

int
tr_scanner_scan_mem(tr_scanner *s, const void *buf, size_t len,
    const tr_scan_target *t, tr_rec **matches, tr_error *err)
{
	s->skip_end = 0;
	s->segs = NULL;
	s->nsegs = 0;
	return scan_mem(s, buf, len, t, matches, err);
}

static int
reserve(tr_scanner *s, size_t need, tr_error *err)
{
	unsigned char *nb;
	size_t cap;

	if (need <= s->cap)
		return TR_OK;
	cap = s->cap ? s->cap : 65536;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((nb = realloc(s->buf, cap)) == NULL)
		return tri_error_set(err, TR_ENOMEM,
		    "out of memory for %zu bytes", need);
	s->buf = nb;
	s->cap = cap;
	return TR_OK;
}

int
tr_scanner_scan_file(tr_scanner *s, tr_file *f, const tr_scan_target *t,
    tr_rec **matches, char sha256[TR_HASH_HEX_MAX], tr_error *err)
{
	uint64_t size = tr_file_size(f), done = 0;
	tr_hash *h;
	int64_t n;
	int rc;

	*matches = NULL;
	if (size > SIZE_MAX - 1)
		return tri_error_set(err, TR_ENOMEM, "file too large");
	if ((rc = reserve(s, (size_t)size + 1, err)) != TR_OK)
		return rc;
	while (done < size) {
		n = tr_file_read(f, done, s->buf + done, (size_t)(size - done),
		    err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;		/* shorter than it said: scan what is */
		done += (uint64_t)n;
	}
	if ((rc = tr_scanner_scan_mem(s, s->buf, (size_t)done, t, matches,
	    err)) != TR_OK)
		return rc;
	if (*matches != NULL && sha256 != NULL) {
		if (tr_hash_new(&h, TR_HASH_SHA256, err) != TR_OK) {
			tr_rec_free(*matches);
			*matches = NULL;
			return TR_ENOMEM;
		}
		tr_hash_update(h, s->buf, (size_t)done);
		tr_hash_final(h, NULL, NULL, sha256);
		tr_hash_free(h);
	}
	return TR_OK;
}

struct ext_list {
	tr_extent	*v;
	size_t		n, cap;
	uint64_t	base;
	uint32_t	bsize;
	int		nomem;
};

static int
ext_add(struct ext_list *l, uint64_t off, uint64_t len)
{
	tr_extent *nv;

	if (l->n > 0 && l->v[l->n - 1].offset + l->v[l->n - 1].length == off) {
		l->v[l->n - 1].length += len;
		return 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
	}
	l->v[l->n].offset = off;
	l->v[l->n].length = len;
	l->n++;
	return 0;
}

static TSK_WALK_RET_ENUM
block_cb(const TSK_FS_BLOCK *b, void *arg)
{
	struct ext_list *l = arg;

	if (ext_add(l, l->base + (uint64_t)b->addr * l->bsize, l->bsize) != 0) {
		l->nomem = 1;
		return TSK_WALK_STOP;
	}
	return TSK_WALK_CONT;
}

int
tr_fs_unalloc_extents(tr_fs *fs, tr_extent **out, size_t *n, tr_error *err)
{
	TSK_FS_INFO *t = tri_fs_tsk(fs);
	const tr_fs_info *fi = tr_fs_get_info(fs);
	const char *src = tr_source_path(tr_fs_source(fs));
	struct ext_list l;

	*out = NULL;
	*n = 0;
	if (t == NULL)
		return tri_error_set(err, TR_EUNSUPPORTED,
		    "'%s' is a live folder: it has no unallocated space", src);
	if (fi->pool_block != 0)
		return tri_error_set(err, TR_EUNSUPPORTED,
		    "unallocated space of the %s volume in '%s' at offset %"
		    PRIu64 " (in a volume pool) is not supported", fi->fs, src,
		    fi->offset);
	memset(&l, 0, sizeof(l));
	l.base = fi->offset;
	l.bsize = t->block_size;
	tsk_error_reset();
	if (tsk_fs_block_walk(t, t->first_block, t->last_block,
	    TSK_FS_BLOCK_WALK_FLAG_UNALLOC | TSK_FS_BLOCK_WALK_FLAG_AONLY,
	    block_cb, &l) != 0 && !l.nomem) {
		free(l.v);
		return tri_error_tsk(err, TR_EFORMAT, "cannot walk the blocks "
		    "of the %s filesystem in '%s' at offset %" PRIu64, fi->fs,
		    src, fi->offset);
	}
	tsk_error_reset();
	if (l.nomem) {
		free(l.v);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	*out = l.v;
	*n = l.n;
	return TR_OK;
}

struct owner_ctx {
	tr_block_owner	*o;
	size_t		n;
	size_t		found;		/* owners claimed */
	int		ntfs, nomem;
	uint64_t	*inums;		/* owner inodes, sorted, for names */
	size_t		ninums;
};

static int
owner_cmp(const void *a, const void *b)
{
	const tr_block_owner *x = a, *y = b;

	return x->block < y->block ? -1 : x->block > y->block;
}

static int
u64_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* First owner with block >= b. */
static size_t
owner_lower(const struct owner_ctx *c, uint64_t b)
{
	size_t lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->o[mid].block < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
claim_run(struct owner_ctx *c, uint64_t inum, const TSK_FS_ATTR *a,
    const TSK_FS_ATTR_RUN *r)
{
	size_t i;

	for (i = owner_lower(c, r->addr); i < c->n &&
	    c->o[i].block - r->addr < r->len; i++) {
		if (c->o[i].inode[0] != '\0')
			continue;	/* a lower inode claimed it first */
		if (c->ntfs && a->type == TSK_FS_ATTR_TYPE_NTFS_DATA &&
		    a->name != NULL && a->name[0] != '\0')
			snprintf(c->o[i].inode, sizeof(c->o[i].inode),
			    "%" PRIuINUM "-%u-%u", inum, (unsigned)a->type,
			    (unsigned)a->id);
		else
			snprintf(c->o[i].inode, sizeof(c->o[i].inode),
			    "%" PRIuINUM, inum);
		c->found++;
	}
}

static TSK_WALK_RET_ENUM
owner_meta_cb(TSK_FS_FILE *f, void *arg)
{
	struct owner_ctx *c = arg;
	const TSK_FS_ATTR *a;
	const TSK_FS_ATTR_RUN *r;
	int i, cnt;

	if (f->meta == NULL)
		return TSK_WALK_CONT;
	cnt = tsk_fs_file_attr_getsize(f);
	for (i = 0; i < cnt; i++) {
		if ((a = tsk_fs_file_attr_get_idx(f, i)) == NULL ||
		    !(a->flags & TSK_FS_ATTR_NONRES))
			continue;
		for (r = a->nrd.run; r != NULL; r = r->next)
			if (!(r->flags & (TSK_FS_ATTR_RUN_FLAG_SPARSE |
			    TSK_FS_ATTR_RUN_FLAG_FILLER)) && r->len > 0)
				claim_run(c, f->meta->addr, a, r);
	}
	tsk_error_reset();	/* an unreadable inode is skipped */
	return c->found == c->n ? TSK_WALK_STOP : TSK_WALK_CONT;
}

static TSK_WALK_RET_ENUM
owner_name_cb(TSK_FS_FILE *f, const char *a_path, void *arg)
{
	struct owner_ctx *c = arg;
	size_t i, plen, nlen;
	char *path;

	if (f->name == NULL || !(f->name->flags & TSK_FS_NAME_FLAG_UNALLOC) ||
	    bsearch(&f->name->meta_addr, c->inums, c->ninums,
	    sizeof(*c->inums), u64_cmp) == NULL)
		return TSK_WALK_CONT;
	if (TSK_FS_ISDOT(f->name->name))
		return TSK_WALK_CONT;
	plen = strlen(a_path);
	nlen = strlen(f->name->name);
	for (i = 0; i < c->n; i++) {
		if (c->o[i].path != NULL || c->o[i].inode[0] == '\0' ||
		    strtoull(c->o[i].inode, NULL, 10) != f->name->meta_addr)
			continue;
		if ((path = malloc(plen + nlen + 2)) == NULL) {
			c->nomem = 1;
			return TSK_WALK_STOP;
		}
		path[0] = '/';
		memcpy(path + 1, a_path, plen);
		memcpy(path + 1 + plen, f->name->name, nlen + 1);
		c->o[i].path = path;
	}
	return TSK_WALK_CONT;
}

int
tr_fs_block_owners(tr_fs *fs, tr_block_owner *owners, size_t n,
    tr_error *err)
{
	TSK_FS_INFO *t = tri_fs_tsk(fs);
	const tr_fs_info *fi = tr_fs_get_info(fs);
	const char *src = tr_source_path(tr_fs_source(fs));
	struct owner_ctx c;
	size_t i, j;
	int rc = TR_OK;

	for (i = 0; i < n; i++) {
		owners[i].inode[0] = '\0';
		owners[i].path = NULL;
	}
	if (t == NULL)
		return tri_error_set(err, TR_EUNSUPPORTED,
		    "'%s' is a live folder: it has no unallocated space", src);
	if (n == 0)
		return TR_OK;
	qsort(owners, n, sizeof(*owners), owner_cmp);
	memset(&c, 0, sizeof(c));
	c.o = owners;
	c.n = n;
	c.ntfs = TSK_FS_TYPE_ISNTFS(t->ftype);
	tsk_error_reset();
	if (tsk_fs_meta_walk(t, t->first_inum, t->last_inum,
	    TSK_FS_META_FLAG_UNALLOC, owner_meta_cb, &c) != 0) {
		rc = tri_error_tsk(err, TR_EFORMAT, "cannot walk the inodes "
		    "of the %s filesystem in '%s' at offset %" PRIu64, fi->fs,
		    src, fi->offset);
		tsk_error_reset();
		if (c.found == 0)
			return rc;
	}
	if (c.found == 0)
		return TR_OK;
	if ((c.inums = malloc(c.found * sizeof(*c.inums))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (owners[i].inode[0] != '\0')
			c.inums[c.ninums++] = strtoull(owners[i].inode, NULL,
			    10);
	qsort(c.inums, c.ninums, sizeof(*c.inums), u64_cmp);
	for (i = j = 0; i < c.ninums; i++)
		if (j == 0 || c.inums[j - 1] != c.inums[i])
			c.inums[j++] = c.inums[i];
	c.ninums = j;
	/* Unreadable folders are skipped: the walk goes on past them. */
	(void)tsk_fs_dir_walk(t, t->root_inum, TSK_FS_DIR_WALK_FLAG_UNALLOC |
	    TSK_FS_DIR_WALK_FLAG_RECURSE | TSK_FS_DIR_WALK_FLAG_NOORPHAN,
	    owner_name_cb, &c);
	tsk_error_reset();
	free(c.inums);
	if (c.nomem)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	return rc;
}

void
tr_block_owners_release(tr_block_owner *owners, size_t n)
{
	size_t i;

	for (i = 0; owners != NULL && i < n; i++) {
		free(owners[i].path);
		owners[i].path = NULL;
	}
}

int
tr_source_unpartitioned(tr_source *src, const tr_layout *layout,
    tr_extent **out, size_t *n, tr_error *err)
{
	struct ext_list l;
	uint64_t size = tr_source_size(src), end;
	size_t i;

	*out = NULL;
	*n = 0;
	memset(&l, 0, sizeof(l));
	for (i = 0; i < layout->nvolumes; i++) {
		const tr_volume *v = &layout->volumes[i];

		if (v->allocated || v->meta || v->start >= size)
			continue;
		end = v->start + v->length > size ? size : v->start + v->length;
		if (ext_add(&l, v->start, end - v->start) != 0) {
			free(l.v);
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		}
	}
	*out = l.v;
	*n = l.n;
	return TR_OK;
}

int
tr_scanner_scan_extents(tr_scanner *s, tr_source *src, const tr_extent *ext,
    size_t n, size_t window, size_t overlap, const tr_scan_target *t,
    tr_match_fn fn, void *arg, tr_error *err)
{
	struct seg *segs = NULL, *ns;
	size_t nsegs = 0, cap = 0, fill, keep, i, j, k;
	uint64_t pos = 0;	/* bytes of extent i already read */
	tr_rec *matches;
	int64_t got;
	int first = 1, rc = TR_OK;

	if (window == 0 || overlap >= window)
		return tri_error_set(err, TR_EINVAL,
		    "window %zu must be larger than overlap %zu", window,
		    overlap);
	if ((rc = reserve(s, window, err)) != TR_OK)
		return rc;
	fill = 0;
	i = 0;
	while (i < n) {
		/* Fill the window from the extents. */
		while (fill < window && i < n) {
			size_t want = window - fill;

			if (ext[i].length - pos < want)
				want = (size_t)(ext[i].length - pos);
			got = tr_source_read(src, ext[i].offset + pos,
			    s->buf + fill, want, err);
			if (got < 0) {
				rc = (int)got;
				goto out;
			}
			if (got == 0) {		/* past the end of the media */
				i++;
				pos = 0;
				continue;
			}
			if (nsegs == cap) {
				cap = cap ? cap * 2 : 64;
				if ((ns = realloc(segs, cap * sizeof(*ns))) ==
				    NULL) {
					rc = tri_error_set(err, TR_ENOMEM,
					    "out of memory");
					goto out;
				}
				segs = ns;
			}
			segs[nsegs].buf_off = fill;
			segs[nsegs].src_off = ext[i].offset + pos;
			segs[nsegs].len = (size_t)got;
			nsegs++;
			fill += (size_t)got;
			pos += (uint64_t)got;
			if (pos >= ext[i].length) {
				i++;
				pos = 0;
			}
		}
		s->skip_end = first ? 0 : overlap;
		s->segs = segs;
		s->nsegs = nsegs;
		rc = scan_mem(s, s->buf, fill, t, &matches, err);
		s->segs = NULL;
		if (rc != TR_OK)
			goto out;
		for (j = 0; matches != NULL && j < tr_rec_array_size(matches);
		    j++) {
			tr_rec *m = tr_rec_copy(tr_rec_array_get(matches, j));

			if (m == NULL || (rc = fn(arg, m)) != TR_OK) {
				tr_rec_free(matches);
				if (m == NULL)
					rc = tri_error_set(err, TR_ENOMEM,
					    "out of memory");
				goto out;
			}
		}
		tr_rec_free(matches);
		first = 0;
		if (i >= n || fill < window)
			break;
		/* Keep the last overlap bytes and their segments. */
		keep = overlap;
		memmove(s->buf, s->buf + fill - keep, keep);
		for (j = 0; j < nsegs; j++)
			if (segs[j].buf_off + segs[j].len > fill - keep)
				break;
		for (k = 0; j < nsegs; j++, k++) {
			struct seg sg = segs[j];
			size_t cut = sg.buf_off < fill - keep ?
			    fill - keep - sg.buf_off : 0;

			segs[k].buf_off = sg.buf_off + cut - (fill - keep);
			segs[k].src_off = sg.src_off + cut;
			segs[k].len = sg.len - cut;
		}
		nsegs = k;
		fill = keep;
	}
out:
	free(segs);
	return rc;
}

tr_rec *
tr_hit_record(const tr_hit_addr *a, const tr_rec *match)
{
	const char *key;
	void *it = NULL;
	tr_rec *r, *v;

	if ((r = tr_rec_new("hit")) == NULL)
		return NULL;
	if (a->source != NULL)
		tr_rec_set_text(r, "source", a->source, strlen(a->source));
	if (a->volume >= 0)
		tr_rec_set_int(r, "volume", a->volume);
	tr_rec_set_str(r, "fs", a->fs);
	tr_rec_set_str(r, "region", a->region);
	if (a->has_offset)
		tr_rec_set_uint(r, "offset", a->offset);
	if (a->has_block)
		tr_rec_set_uint(r, "block", a->block);
	tr_rec_set_str(r, "owner_inode", a->owner_inode);
	if (a->owner_path != NULL)
		tr_rec_set_text(r, "owner_path", a->owner_path,
		    strlen(a->owner_path));
	tr_rec_set_str(r, "inode", a->inode);
	if (a->path != NULL)
		tr_rec_set_text(r, "path", a->path, strlen(a->path));
	if (a->stream != NULL)
		tr_rec_set_text(r, "stream", a->stream, strlen(a->stream));
	if (a->has_size)
		tr_rec_set_uint(r, "size", a->size);
	if (a->deleted >= 0)
		tr_rec_set_bool(r, "deleted", a->deleted);
	tr_rec_set_time(r, "mtime", &a->mtime);
	tr_rec_set_time(r, "atime", &a->atime);
	tr_rec_set_time(r, "ctime", &a->ctime);
	tr_rec_set_time(r, "btime", &a->btime);
	tr_rec_set_str(r, "sha256", a->sha256);
	while ((key = tr_rec_next_key(match, &it)) != NULL) {
		tr_rec *c;

		v = tr_rec_get_rec(match, key);
		if (v != NULL) {
			if ((c = tr_rec_copy(v)) == NULL ||
			    tr_rec_set_rec(r, key, c) != TR_OK) {
				tr_rec_free(r);
				return NULL;
			}
		} else {
			/* Scalars: copy through a one-key object. */
			int64_t iv;
			const char *sv;

			if ((sv = tr_rec_get_str(match, key)) != NULL)
				tr_rec_set_text(r, key, sv, strlen(sv));
			else if (tr_rec_get_int(match, key, &iv))
				tr_rec_set_int(r, key, iv);
		}
	}
	return r;
}
