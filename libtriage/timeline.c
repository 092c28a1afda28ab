/* SPDX-License-Identifier: Apache-2.0 */
/* Timelines: events from records and bodyfiles, sorted, in five formats. */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "triage/timeline.h"

/*
 * An event is one byte record for the sorter: a 16-byte header (seconds,
 * nanoseconds, digits, kind, what, flags) and then NF fields, each a varint
 * length and its bytes, always in this order.
 */
enum {
	F_KEY,		/* grouping key "inode,name" (mactime order), or "" */
	F_DESC,		/* timestamp_desc of a passed-through event */
	F_PATH,
	F_INODE,
	F_SOURCE,
	F_VOLUME,
	F_NAME,		/* message, and the mactime/bodyfile name */
	F_MODE,		/* "r/rrw-r--r--" */
	F_UID,
	F_GID,
	F_SIZE,
	F_MD5,
	F_REST,		/* JSON: tail of a file record, or a whole event */
	F_DTYPE,	/* data_type of a passed-through event */
	F_TIMES,	/* bodyfile output: the four times of the entry */
	NF
};

#define HDR		16
#define K_FILE		1	/* from a file record */
#define K_BODY		2	/* from a bodyfile line */
#define K_EVENT		3	/* an event record passed through */
#define W_NONE		0xff	/* what: a desc of its own (F_DESC) */
#define FL_DELETED	0x1
#define FL_REALLOC	0x2

static const char *const descs[8] = {
	"Content Modification Time", "Last Access Time",
	"Metadata Modification Time", "Creation Time",
	"Content Modification Time ($FILE_NAME)",
	"Last Access Time ($FILE_NAME)",
	"Metadata Modification Time ($FILE_NAME)",
	"Creation Time ($FILE_NAME)"
};
/* Record keys of the eight times, in desc order. */
static const char *const time_keys[8] = {
	"mtime", "atime", "ctime", "btime",
	"fn_mtime", "fn_atime", "fn_ctime", "fn_btime"
};
static const char macb_letters[4] = { 'm', 'a', 'c', 'b' };

typedef struct ev {
	int64_t		sec;
	uint32_t	nsec;
	int		digits;
	int		kind, what, flags;
	tr_span		f[NF];
} ev;

/* Growable byte buffer; a failed growth sets oom and drops the bytes. */
typedef struct buf {
	unsigned char	*p;
	size_t		len, cap;
	int		oom;
} buf;

struct hit {
	char		*key;		/* source \0 volume \0 inode */
	size_t		klen;
	char		**tags;		/* sorted, unique */
	size_t		ntags;
	struct hit	*next;
};

#define HIT_BUCKETS	4096
#define MAX_KINDS	8

struct tr_timeline {
	tr_tl_opts	o;
	int		mac;		/* mactime order and grouping */
	tri_sorter	*sorter;
	tr_tl_stats	st;
	buf		fields, blob, tmp, line;
	struct hit	**hits;
	size_t		nsigma;		/* detection tags (event keys) */
	struct hit	merged;		/* an event's file and own tags */
	char		*kinds[MAX_KINDS];
	int		nkinds;
	int		written;
	/* Output. */
	FILE		*out;
	buf		ob;
	int64_t		date_sec;
	char		date[32];
};

static int
grow(buf *b, size_t more)
{
	size_t c;
	unsigned char *np;

	if (b->oom)
		return -1;
	if (b->len + more <= b->cap)
		return 0;
	c = b->cap ? b->cap : 256;
	while (c < b->len + more)
		c *= 2;
	if ((np = realloc(b->p, c)) == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = np;
	b->cap = c;
	return 0;
}

static void
put(buf *b, const void *p, size_t n)
{
	if (n == 0 || grow(b, n) != 0)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
puts_(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void
putc_(buf *b, char c)
{
	if (grow(b, 1) == 0)
		b->p[b->len++] = (unsigned char)c;
}

static void
put_u64(buf *b, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(b, tmp + i, sizeof(tmp) - (size_t)i);
}

static void
put_i64(buf *b, int64_t v)
{
	if (v < 0) {
		putc_(b, '-');
		put_u64(b, (uint64_t)0 - (uint64_t)v);
	} else
		put_u64(b, (uint64_t)v);
}

static void
put_field(buf *b, const void *p, size_t n)
{
	unsigned char v[10];
	size_t k = 0;
	size_t x = n;

	do {
		v[k++] = (unsigned char)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
		x >>= 7;
	} while (x != 0);
	put(b, v, k);
	put(b, p, n);
}

static void
decode(const unsigned char *r, size_t len, ev *e)
{
	const unsigned char *p = r + HDR, *end = r + len;
	int i;

	memcpy(&e->sec, r, 8);
	memcpy(&e->nsec, r + 8, 4);
	e->digits = r[12] == 0xff ? -1 : r[12];
	e->kind = r[13];
	e->what = r[14];
	e->flags = r[15];
	for (i = 0; i < NF; i++) {
		size_t n = 0;
		int shift = 0;

		while (p < end) {
			unsigned char c = *p++;

			n |= (size_t)(c & 0x7f) << shift;
			shift += 7;
			if (!(c & 0x80))
				break;
		}
		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		e->f[i].p = (const char *)p;
		e->f[i].len = n;
		p += n;
	}
}

static int
span_cmp(const tr_span *a, const tr_span *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->p, b->p, n) : 0;

	if (c != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int
bytes_cmp(const unsigned char *a, size_t al, const unsigned char *b,
    size_t bl)
{
	tr_span x = { (const char *)a, al }, y = { (const char *)b, bl };

	return span_cmp(&x, &y);
}

static int
time_cmp(const unsigned char *a, const unsigned char *b, int nsec)
{
	int64_t x, y;
	uint32_t m, n;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	if (x != y)
		return x < y ? -1 : 1;
	if (!nsec)
		return 0;
	memcpy(&m, a + 8, 4);
	memcpy(&n, b + 8, 4);
	return m < n ? -1 : m > n;
}

static tr_span
desc_of(const ev *e)
{
	tr_span s;

	if (e->what < 8) {
		s.p = descs[e->what];
		s.len = strlen(s.p);
		return s;
	}
	return e->f[F_DESC];
}

/* Time, then timestamp_desc, path, inode, then every byte. */
static int
cmp_normal(const unsigned char *a, size_t al, const unsigned char *b,
    size_t bl)
{
	ev x, y;
	tr_span dx, dy;
	int c;

	if ((c = time_cmp(a, b, 1)) != 0)
		return c;
	decode(a, al, &x);
	decode(b, bl, &y);
	dx = desc_of(&x);
	dy = desc_of(&y);
	if ((c = span_cmp(&dx, &dy)) != 0)
		return c;
	if ((c = span_cmp(x.f[F_PATH].len ? &x.f[F_PATH] : &x.f[F_NAME],
	    y.f[F_PATH].len ? &y.f[F_PATH] : &y.f[F_NAME])) != 0)
		return c;
	if ((c = span_cmp(&x.f[F_INODE], &y.f[F_INODE])) != 0)
		return c;
	return bytes_cmp(a, al, b, bl);
}

/* mactime's order: whole seconds, then "inode,name" as bytes. */
static int
cmp_mac(const unsigned char *a, size_t al, const unsigned char *b,
    size_t bl)
{
	ev x, y;
	int c;

	if ((c = time_cmp(a, b, 0)) != 0)
		return c;
	decode(a, al, &x);
	decode(b, bl, &y);
	if ((c = span_cmp(&x.f[F_KEY], &y.f[F_KEY])) != 0 ||
	    (c = span_cmp(&x.f[F_SOURCE], &y.f[F_SOURCE])) != 0 ||
	    (c = span_cmp(&x.f[F_VOLUME], &y.f[F_VOLUME])) != 0)
		return c;
	return bytes_cmp(a, al, b, bl);
}

int
tr_tl_format_parse(const char *name, tr_tl_format *out, tr_error *err)
{
	static const char *const names[] = {
		"jsonl", "mactime", "l2tcsv", "bodyfile", "csv"
	};
	int i;

	for (i = 0; i < 5; i++)
		if (name != NULL && strcmp(name, names[i]) == 0) {
			*out = (tr_tl_format)i;
			return TR_OK;
		}
	return tri_error_set(err, TR_EINVAL, "unknown format '%s': expected "
	    "jsonl, mactime, l2tcsv, bodyfile or csv", name ? name : "");
}

int
tr_timeline_new(tr_timeline **out, const tr_tl_opts *opts, tr_error *err)
{
	tr_timeline *tl;
	uint64_t mem;
	int rc;

	*out = NULL;
	if (opts == NULL || (unsigned)opts->format > TR_TL_CSV)
		return tri_error_set(err, TR_EINVAL, "invalid timeline options");
	if ((tl = calloc(1, sizeof(*tl))) == NULL ||
	    (tl->hits = calloc(HIT_BUCKETS, sizeof(*tl->hits))) == NULL) {
		free(tl);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	tl->o = *opts;
	tl->mac = opts->format == TR_TL_MACTIME ||
	    (opts->macb && opts->format != TR_TL_BODYFILE);
	mem = opts->memory ? opts->memory : (uint64_t)512 << 20;
	if (mem < 4096)
		mem = 4096;
	/* Leave room for buffers besides the sort arena. */
	mem = mem > ((uint64_t)16 << 20) ? mem - ((uint64_t)8 << 20) : mem;
	rc = tri_sorter_new(&tl->sorter, mem, opts->tmpdir,
	    tl->mac ? cmp_mac : cmp_normal, !tl->mac, err);
	if (rc != TR_OK) {
		tr_timeline_free(tl);
		return rc;
	}
	tl->date_sec = INT64_MIN;
	*out = tl;
	return TR_OK;
}

void
tr_timeline_free(tr_timeline *tl)
{
	struct hit *h, *n;
	size_t i, j;

	if (tl == NULL)
		return;
	tri_sorter_free(tl->sorter);
	for (i = 0; tl->hits != NULL && i < HIT_BUCKETS; i++)
		for (h = tl->hits[i]; h != NULL; h = n) {
			n = h->next;
			for (j = 0; j < h->ntags; j++)
				free(h->tags[j]);
			free(h->tags);
			free(h->key);
			free(h);
		}
	free(tl->hits);
	free(tl->merged.tags);
	for (i = 0; i < (size_t)tl->nkinds; i++)
		free(tl->kinds[i]);
	free(tl->fields.p);
	free(tl->blob.p);
	free(tl->tmp.p);
	free(tl->line.p);
	free(tl->ob.p);
	free(tl);
}

const tr_tl_stats *
tr_timeline_stats(const tr_timeline *tl)
{
	return &tl->st;
}

static int
in_range(const tr_timeline *tl, int64_t sec, uint32_t nsec)
{
	if (tl->o.has_from && (sec < tl->o.from.sec ||
	    (sec == tl->o.from.sec && nsec < tl->o.from.nsec)))
		return 0;
	if (tl->o.has_to && (sec > tl->o.to.sec ||
	    (sec == tl->o.to.sec && nsec > tl->o.to.nsec)))
		return 0;
	return 1;
}

/* Add one event: header + tl->fields. */
static int
add_event(tr_timeline *tl, const tr_time *t, int kind, int what, int flags,
    tr_error *err)
{
	unsigned char *h;

	if (!in_range(tl, t->sec, t->nsec)) {
		tl->st.filtered++;
		return TR_OK;
	}
	tl->blob.len = 0;
	if (grow(&tl->blob, HDR + tl->fields.len) != 0 || tl->fields.oom)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	h = tl->blob.p;
	memcpy(h, &t->sec, 8);
	memcpy(h + 8, &t->nsec, 4);
	h[12] = t->digits < 0 ? 0xff : (unsigned char)t->digits;
	h[13] = (unsigned char)kind;
	h[14] = (unsigned char)what;
	h[15] = (unsigned char)flags;
	memcpy(h + HDR, tl->fields.p, tl->fields.len);
	tl->st.events++;
	return tri_sorter_add(tl->sorter, h, HDR + tl->fields.len, err);
}

static int
ends_with(const char *p, size_t n, const char *suf, size_t *cut)
{
	size_t k = strlen(suf);

	if (n < k || memcmp(p + n - k, suf, k) != 0)
		return 0;
	*cut = n - k;
	return 1;
}

/* Fields in order; NULL spans are empty. */
static void
set_fields(tr_timeline *tl, const tr_span *f)
{
	int i;

	tl->fields.len = 0;
	for (i = 0; i < NF; i++)
		put_field(&tl->fields, f[i].p, f[i].len);
}

static void
encode_times(unsigned char *dst, const tr_time *t[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		memcpy(dst + 13 * i, &t[i]->sec, 8);
		memcpy(dst + 13 * i + 8, &t[i]->nsec, 4);
		dst[13 * i + 12] = (unsigned char)t[i]->digits;
	}
}

/* Bodyfile output: one record per entry, at its earliest time. */
static int
add_entry(tr_timeline *tl, tr_span *f, const tr_time *t[4], int kind,
    int what, int flags, tr_error *err)
{
	unsigned char times[52];
	const tr_time *min = NULL;
	int i, any = 0, hf, ht;

	for (i = 0; i < 4; i++) {
		if (!tr_time_isset(t[i]))
			continue;
		if (in_range(tl, t[i]->sec, t[i]->nsec))
			any = 1;
		if (min == NULL || t[i]->sec < min->sec ||
		    (t[i]->sec == min->sec && t[i]->nsec < min->nsec))
			min = t[i];
	}
	if (min == NULL)
		return 1;
	if (!any) {
		tl->st.filtered++;
		return TR_OK;
	}
	encode_times(times, t);
	f[F_TIMES].p = (const char *)times;
	f[F_TIMES].len = sizeof(times);
	set_fields(tl, f);
	/* The entry is in range as a whole: no filter on its first time. */
	hf = tl->o.has_from;
	ht = tl->o.has_to;
	tl->o.has_from = tl->o.has_to = 0;
	i = add_event(tl, min, kind, what, flags, err);
	tl->o.has_from = hf;
	tl->o.has_to = ht;
	return i;
}

static int
add_body(tr_timeline *tl, const char *line, size_t len, const char *name,
    uint64_t lineno, tr_error *err)
{
	tr_body_line b;
	tr_span f[NF];
	const tr_time *t[4];
	/* Bodyfile order is a, m, c, cr; desc codes are m, a, c, b. */
	static const int code[4] = { 1, 0, 2, 3 };
	size_t cut, plen;
	int i, rc, fn = 0, flags = 0, any = 0;

	if ((rc = tr_bodyfile_parse(line, len, name, lineno, &b, err)) !=
	    TR_OK)
		return rc;
	tl->st.records++;
	t[0] = &b.atime;
	t[1] = &b.mtime;
	t[2] = &b.ctime;
	t[3] = &b.crtime;
	plen = b.name.len;
	if (ends_with(b.name.p, plen, " (deleted-realloc)", &cut)) {
		flags = FL_DELETED | FL_REALLOC;
		plen = cut;
	} else if (ends_with(b.name.p, plen, " (deleted)", &cut)) {
		flags = FL_DELETED;
		plen = cut;
	}
	if (ends_with(b.name.p, plen, " ($FILE_NAME)", &cut))
		fn = 4;
	memset(f, 0, sizeof(f));
	f[F_INODE] = b.inode;
	f[F_NAME] = b.name;
	f[F_MODE] = b.mode;
	f[F_UID] = b.uid;
	f[F_GID] = b.gid;
	f[F_SIZE] = b.size;
	if (!(b.md5.len == 1 && b.md5.p[0] == '0'))
		f[F_MD5] = b.md5;
	if (tl->o.format == TR_TL_BODYFILE) {
		if ((rc = add_entry(tl, f, t, K_BODY, 0, flags, err)) == 1) {
			tl->st.ignored++;
			return TR_OK;
		}
		return rc;
	}
	if (tl->mac) {
		tl->tmp.len = 0;
		put(&tl->tmp, b.inode.p, b.inode.len);
		putc_(&tl->tmp, ',');
		put(&tl->tmp, b.name.p, b.name.len);
		f[F_KEY].p = (const char *)tl->tmp.p;
		f[F_KEY].len = tl->tmp.len;
	}
	for (i = 0; i < 4; i++)
		any |= tr_time_isset(t[i]);
	if (!any) {
		tl->st.ignored++;
		return TR_OK;
	}
	set_fields(tl, f);
	for (i = 0; i < 4; i++) {
		tr_time z = { 0, 0, 0 };
		const tr_time *tt = t[i];

		if (!tr_time_isset(tt)) {
			/* mactime prints unset times as 0000-00-00. */
			if (tl->o.format != TR_TL_MACTIME)
				continue;
			tt = &z;
		}
		if ((rc = add_event(tl, tt, K_BODY, code[i] + fn, flags,
		    err)) != TR_OK)
			return rc;
	}
	return TR_OK;
}

static void
note_kind(tr_timeline *tl, const char *kind)
{
	int i;

	tl->st.ignored++;
	if (kind == NULL)
		kind = "?";
	for (i = 0; i < tl->nkinds; i++)
		if (strcmp(tl->kinds[i], kind) == 0)
			return;
	if (tl->nkinds < MAX_KINDS &&
	    (tl->kinds[tl->nkinds] = strdup(kind)) != NULL)
		tl->nkinds++;
}

static tr_span
jspan(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	tr_span s = { NULL, 0 };

	if (json_is_string(v)) {
		s.p = json_string_value(v);
		s.len = json_string_length(v);
	}
	return s;
}

/* A string or integer value as text in b (appended); its span. */
static tr_span
jtext(json_t *o, const char *key, buf *b, char *tmp, size_t tlen)
{
	json_t *v = json_object_get(o, key);
	tr_span s = { NULL, 0 };

	(void)b;
	if (json_is_string(v)) {
		s.p = json_string_value(v);
		s.len = json_string_length(v);
	} else if (json_is_integer(v)) {
		snprintf(tmp, tlen, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		s.p = tmp;
		s.len = strlen(tmp);
	}
	return s;
}

static uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n-- > 0)
		h = (h ^ (unsigned char)*p++) * 1099511628211ull;
	return h;
}

static void
hit_key(buf *b, const tr_span *src, const tr_span *vol, const tr_span *ino)
{
	b->len = 0;
	put(b, src->p, src->len);
	putc_(b, '\0');
	put(b, vol->p, vol->len);
	putc_(b, '\0');
	put(b, ino->p, ino->len);
}

static struct hit *
hit_find(tr_timeline *tl, const char *key, size_t klen)
{
	struct hit *h;

	for (h = tl->hits[hash_bytes(key, klen) % HIT_BUCKETS]; h != NULL;
	    h = h->next)
		if (h->klen == klen && memcmp(h->key, key, klen) == 0)
			return h;
	return NULL;
}

/*
 * A Sigma match tags one event: source, volume, inode, path and record
 * number (see triage-records(5), detection).
 */
static void
event_key(buf *b, const tr_span *src, const tr_span *vol, const tr_span *ino,
    const tr_span *path, const tr_span *recno)
{
	b->len = 0;
	putc_(b, '\001');
	put(b, src->p, src->len);
	putc_(b, '\0');
	put(b, vol->p, vol->len);
	putc_(b, '\0');
	put(b, ino->p, ino->len);
	putc_(b, '\0');
	put(b, path->p, path->len);
	putc_(b, '\0');
	put(b, recno->p, recno->len);
}

static int
add_hit(tr_timeline *tl, json_t *o, tr_error *err)
{
	char vtmp[32], itmp[32], rtmp[32];
	int sigma = strcmp(json_string_value(json_object_get(o, "record")),
	    "detection") == 0;
	tr_span src = jspan(o, "source"), rule = jspan(o, sigma ?
	    "rule_title" : "rule");
	tr_span vol = jtext(o, "volume", NULL, vtmp, sizeof(vtmp));
	tr_span ino = jtext(o, "inode", NULL, itmp, sizeof(itmp));
	tr_span path = jspan(o, "path");
	tr_span recno = jtext(o, "record_number", NULL, rtmp, sizeof(rtmp));
	struct hit *h;
	char *tag, **nt;
	size_t i, b, pre;
	int c;

	if (sigma) {
		/* Correlations name no single event. */
		if (src.p == NULL || recno.p == NULL || rule.p == NULL) {
			note_kind(tl, "detection");
			return TR_OK;
		}
		event_key(&tl->tmp, &src, &vol, &ino, &path, &recno);
		tl->nsigma++;
	} else if (src.p == NULL || ino.p == NULL || rule.p == NULL) {
		note_kind(tl, "hit");	/* raw-offset hits name no file */
		return TR_OK;
	} else
		hit_key(&tl->tmp, &src, &vol, &ino);
	if (tl->tmp.oom)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	if ((h = hit_find(tl, (char *)tl->tmp.p, tl->tmp.len)) == NULL) {
		if ((h = calloc(1, sizeof(*h))) == NULL ||
		    (h->key = malloc(tl->tmp.len)) == NULL) {
			free(h);
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		}
		memcpy(h->key, tl->tmp.p, tl->tmp.len);
		h->klen = tl->tmp.len;
		b = hash_bytes(h->key, h->klen) % HIT_BUCKETS;
		h->next = tl->hits[b];
		tl->hits[b] = h;
	}
	/*
	 * "sigma:TITLE" for detections, "yara:RULE" for YARA hits;
	 * triage-known's "hashset:NAME" rules are kept as they are.
	 */
	if (sigma)
		pre = 6;
	else
		pre = rule.len > 8 && memcmp(rule.p, "hashset:", 8) == 0 ? 0 :
		    5;
	if ((tag = malloc(rule.len + 7)) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	memcpy(tag, sigma ? "sigma:" : "yara:", pre);
	memcpy(tag + pre, rule.p, rule.len);
	tag[rule.len + pre] = '\0';
	for (i = 0; i < h->ntags; i++) {
		if ((c = strcmp(h->tags[i], tag)) == 0) {
			free(tag);
			tl->st.hits++;
			return TR_OK;
		}
		if (c > 0)
			break;
	}
	if ((nt = realloc(h->tags, (h->ntags + 1) * sizeof(*nt))) == NULL) {
		free(tag);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	h->tags = nt;
	memmove(nt + i + 1, nt + i, (h->ntags - i) * sizeof(*nt));
	nt[i] = tag;
	h->ntags++;
	tl->st.hits++;
	return TR_OK;
}

static const char *
type_char(const char *type)
{
	static const char *const map[][2] = {
		{ "file", "r" }, { "dir", "d" }, { "link", "l" },
		{ "fifo", "p" }, { "chr", "c" }, { "blk", "b" },
		{ "sock", "s" }, { "whiteout", "w" }, { "virtual", "v" },
		{ "virtual_dir", "V" }
	};
	size_t i;

	for (i = 0; type != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(type, map[i][0]) == 0)
			return map[i][1];
	return "-";
}

/* TSK's mode string: "r/rrw-r--r--". */
static void
mode_string(char out[16], const char *type, const char *mode)
{
	const char *t = type_char(type);
	unsigned long m = 0;
	char *end;
	int i;

	snprintf(out, 16, "%s/%s---------", t, t);
	if (mode == NULL)
		return;
	m = strtoul(mode, &end, 8);
	if (*end != '\0')
		return;
	for (i = 0; i < 9; i++)
		if (m & (1ul << (8 - i)))
			out[3 + i] = "rwxrwxrwx"[i];
	if (m & 04000)
		out[5] = out[5] == 'x' ? 's' : 'S';
	if (m & 02000)
		out[8] = out[8] == 'x' ? 's' : 'S';
	if (m & 01000)
		out[11] = out[11] == 'x' ? 't' : 'T';
}

static int
bad_line(const char *name, uint64_t lineno, tr_error *err, const char *why,
    const char *arg)
{
	return tri_error_set(err, TR_EFORMAT, "'%s' line %" PRIu64 ": %s%s%s",
	    name, lineno, why, arg != NULL ? " " : "", arg != NULL ? arg : "");
}

static int
add_file_rec(tr_timeline *tl, json_t *o, const char *name, uint64_t lineno,
    tr_error *err)
{
	tr_span f[NF], path, stream, link;
	tr_time t[8];
	const tr_time *bt[4];
	char vtmp[32], itmp[32], stmp[32], utmp[32], gtmp[32], mode[16];
	json_t *copy = NULL;
	char *rest = NULL;
	size_t nlen, base;
	int i, rc = TR_OK, flags = 0, any = 0, pass;

	for (i = 0; i < 8; i++) {
		json_t *v = json_object_get(o, time_keys[i]);

		t[i] = TR_TIME_UNSET;
		if (v == NULL)
			continue;
		if (!json_is_string(v) ||
		    tr_time_parse(json_string_value(v), &t[i], NULL) != TR_OK)
			return tri_error_set(err, TR_EFORMAT, "'%s' line %"
			    PRIu64 ": bad '%s' in file record: expected an "
			    "RFC 3339 date-time", name, lineno, time_keys[i]);
		any = 1;
	}
	path = jspan(o, "path");
	if (path.p == NULL)
		return bad_line(name, lineno, err,
		    "file record without 'path'", NULL);
	if (!any) {
		note_kind(tl, "file");
		return TR_OK;
	}
	memset(f, 0, sizeof(f));
	f[F_PATH] = path;
	f[F_INODE] = jtext(o, "inode", NULL, itmp, sizeof(itmp));
	f[F_SOURCE] = jspan(o, "source");
	f[F_VOLUME] = jtext(o, "volume", NULL, vtmp, sizeof(vtmp));
	f[F_SIZE] = jtext(o, "size", NULL, stmp, sizeof(stmp));
	f[F_UID] = jtext(o, "uid", NULL, utmp, sizeof(utmp));
	f[F_GID] = jtext(o, "gid", NULL, gtmp, sizeof(gtmp));
	f[F_MD5] = jspan(o, "md5");
	mode_string(mode, json_string_value(json_object_get(o, "type")),
	    json_string_value(json_object_get(o, "mode")));
	f[F_MODE].p = mode;
	f[F_MODE].len = strlen(mode);
	if (json_is_true(json_object_get(o, "deleted")))
		flags = FL_DELETED | (json_is_true(json_object_get(o,
		    "realloc")) ? FL_REALLOC : 0);
	/* The record minus its kind and times, as a JSON tail. */
	if ((copy = json_copy(o)) == NULL)
		goto oom;
	json_object_del(copy, "record");
	for (i = 0; i < 8; i++)
		json_object_del(copy, time_keys[i]);
	if ((rest = json_dumps(copy, JSON_COMPACT)) == NULL)
		goto oom;
	f[F_REST].p = rest + 1;
	f[F_REST].len = strlen(rest) - 2;
	/* Name as TSK writes it: path[:stream][ ($FILE_NAME)][ -> link][ (deleted)] */
	stream = jspan(o, "stream");
	link = jspan(o, "link_target");
	for (pass = 0; pass < 2; pass++) {
		int has = 0;

		for (i = 0; i < 4; i++)
			has |= tr_time_isset(&t[pass * 4 + i]);
		if (!has)
			continue;
		tl->line.len = 0;
		put(&tl->line, path.p, path.len);
		if (stream.len > 0 && !(path.len > stream.len &&
		    path.p[path.len - stream.len - 1] == ':' &&
		    memcmp(path.p + path.len - stream.len, stream.p,
		    stream.len) == 0)) {
			putc_(&tl->line, ':');
			put(&tl->line, stream.p, stream.len);
		}
		if (pass == 1)
			puts_(&tl->line, " ($FILE_NAME)");
		if (link.len > 0) {
			puts_(&tl->line, " -> ");
			put(&tl->line, link.p, link.len);
		}
		if (flags & FL_DELETED)
			puts_(&tl->line, (flags & FL_REALLOC) ?
			    " (deleted-realloc)" : " (deleted)");
		if (tl->line.oom)
			goto oom;
		f[F_NAME].p = (const char *)tl->line.p;
		f[F_NAME].len = nlen = tl->line.len;
		if (tl->mac) {
			tl->tmp.len = 0;
			put(&tl->tmp, f[F_INODE].p, f[F_INODE].len);
			putc_(&tl->tmp, ',');
			put(&tl->tmp, f[F_NAME].p, nlen);
			f[F_KEY].p = (const char *)tl->tmp.p;
			f[F_KEY].len = tl->tmp.len;
		}
		base = (size_t)pass * 4;
		if (tl->o.format == TR_TL_BODYFILE) {
			/* Bodyfile order: atime, mtime, ctime, crtime. */
			bt[0] = &t[base + 1];
			bt[1] = &t[base + 0];
			bt[2] = &t[base + 2];
			bt[3] = &t[base + 3];
			if ((rc = add_entry(tl, f, bt, K_FILE, 0, flags,
			    err)) < 0)
				goto out;
			rc = TR_OK;
			continue;
		}
		set_fields(tl, f);
		for (i = 0; i < 4; i++) {
			if (!tr_time_isset(&t[base + i]))
				continue;
			if ((rc = add_event(tl, &t[base + i], K_FILE,
			    (int)base + i, flags, err)) != TR_OK)
				goto out;
		}
	}
	tl->st.records++;
	goto out;
oom:
	rc = tri_error_set(err, TR_ENOMEM, "out of memory");
out:
	free(rest);
	json_decref(copy);
	return rc;
}

static int
desc_code(const tr_span *d)
{
	int i;

	for (i = 0; i < 8; i++)
		if (strlen(descs[i]) == d->len &&
		    memcmp(descs[i], d->p, d->len) == 0)
			return i;
	return -1;
}

/*
 * Timesketch takes "timestamp" (microseconds) as the time and derives it
 * from "datetime" in the server's local time when the offset is missing:
 * give a passed-through event both, with an explicit offset, and refuse
 * the two when they disagree.
 */
static int
timesketch_times(json_t *o, const tr_time *t, const char *name,
    uint64_t lineno, tr_error *err)
{
	json_t *dt = json_object_get(o, "datetime");
	json_t *ts = json_object_get(o, "timestamp");
	char iso[TR_TIME_STR_MAX];
	int64_t us = tr_time_usec(t), got;
	tr_time u = *t;

	if (json_is_string(dt) && json_is_integer(ts)) {
		got = json_integer_value(ts);
		if (t->digits >= 6 ? got != us : (got < 0 ? -((-got +
		    999999) / 1000000) : got / 1000000) != t->sec)
			return bad_line(name, lineno, err, "event record whose "
			    "'timestamp' and 'datetime' disagree", NULL);
	}
	if (!json_is_integer(ts) &&
	    json_object_set_new(o, "timestamp", json_integer(us)) != 0)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	if (json_is_string(dt) && strlen(json_string_value(dt)) > 10 &&
	    strpbrk(json_string_value(dt) + 10, "+-Zz") != NULL)
		return TR_OK;
	u.digits = 6;
	u.nsec -= u.nsec % 1000;
	if (tr_time_format(&u, iso) == NULL)
		return bad_line(name, lineno, err, "event time outside "
		    "years 0000-9999", NULL);
	strcpy(iso + strlen(iso) - 1, "+00:00");
	if (json_object_set_new(o, "datetime", json_string(iso)) != 0)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	return TR_OK;
}

static int
add_event_rec(tr_timeline *tl, json_t *o, const char *name, uint64_t lineno,
    tr_error *err)
{
	tr_span f[NF];
	tr_time t;
	json_t *dt = json_object_get(o, "datetime");
	json_t *ts = json_object_get(o, "timestamp");
	char vtmp[32], itmp[32], *all;
	int rc, what;

	if (json_is_string(dt)) {
		if (tr_time_parse(json_string_value(dt), &t, NULL) != TR_OK)
			return tri_error_set(err, TR_EFORMAT, "'%s' line %"
			    PRIu64 ": bad 'datetime' '%.64s' in event record: "
			    "expected RFC 3339", name, lineno,
			    json_string_value(dt));
	} else if (json_is_integer(ts)) {
		json_int_t us = json_integer_value(ts);

		t.sec = us / 1000000;
		us %= 1000000;
		if (us < 0) {
			us += 1000000;
			t.sec--;
		}
		t.nsec = (uint32_t)us * 1000;
		t.digits = 6;
	} else
		return bad_line(name, lineno, err, "event record "
		    "without 'datetime' or integer 'timestamp'", NULL);
	if (t.sec < -62167219200LL || t.sec > 253402300799LL)
		return bad_line(name, lineno, err, "event time outside "
		    "years 0000-9999", NULL);
	if ((rc = timesketch_times(o, &t, name, lineno, err)) != TR_OK)
		return rc;
	memset(f, 0, sizeof(f));
	f[F_DESC] = jspan(o, "timestamp_desc");
	f[F_NAME] = jspan(o, "message");
	if (f[F_DESC].p == NULL || f[F_NAME].p == NULL)
		return bad_line(name, lineno, err, "event record "
		    "without 'timestamp_desc' or 'message'", NULL);
	f[F_PATH] = jspan(o, "path");
	if (f[F_PATH].p == NULL)
		f[F_PATH] = jspan(o, "filename");
	f[F_INODE] = jtext(o, "inode", NULL, itmp, sizeof(itmp));
	f[F_SOURCE] = jspan(o, "source");
	f[F_VOLUME] = jtext(o, "volume", NULL, vtmp, sizeof(vtmp));
	f[F_DTYPE] = jspan(o, "data_type");
	if ((all = json_dumps(o, JSON_COMPACT)) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	f[F_REST].p = all;
	f[F_REST].len = strlen(all);
	if (tl->mac) {
		tl->tmp.len = 0;
		if (f[F_INODE].len > 0)
			put(&tl->tmp, f[F_INODE].p, f[F_INODE].len);
		else
			putc_(&tl->tmp, '0');
		putc_(&tl->tmp, ',');
		put(&tl->tmp, f[F_NAME].p, f[F_NAME].len);
		puts_(&tl->tmp, " (");
		put(&tl->tmp, f[F_DESC].p, f[F_DESC].len);
		putc_(&tl->tmp, ')');
		f[F_KEY].p = (const char *)tl->tmp.p;
		f[F_KEY].len = tl->tmp.len;
	}
	what = desc_code(&f[F_DESC]);
	if (tl->o.format == TR_TL_BODYFILE) {
		const tr_time *bt[4];
		tr_time u = TR_TIME_UNSET;

		/* In the slot of its kind of time, else as mtime. */
		bt[0] = bt[1] = bt[2] = bt[3] = &u;
		bt[what < 0 ? 1 : ((what & 3) == 0 ? 1 : (what & 3) == 1 ? 0 :
		    what & 3)] = &t;
		rc = add_entry(tl, f, bt, K_EVENT, what < 0 ? W_NONE : what,
		    0, err);
	} else {
		set_fields(tl, f);
		rc = add_event(tl, &t, K_EVENT, what < 0 ? W_NONE : what, 0,
		    err);
	}
	free(all);
	if (rc == TR_OK)
		tl->st.records++;
	return rc;
}

static int
add_json(tr_timeline *tl, const char *line, size_t len, const char *name,
    uint64_t lineno, tr_error *err)
{
	json_error_t jerr;
	json_t *o;
	const char *kind;
	int rc;

	if ((o = json_loadb(line, len, 0, &jerr)) == NULL)
		return tri_error_set(err, TR_EFORMAT, "'%s' line %" PRIu64
		    ": not valid JSON: %s (column %d)", name, lineno,
		    jerr.text, jerr.column);
	if (!json_is_object(o)) {
		json_decref(o);
		return bad_line(name, lineno, err, "not a JSON object", NULL);
	}
	kind = json_string_value(json_object_get(o, "record"));
	if (kind == NULL)
		rc = bad_line(name, lineno, err,
		    "not a triage record: no \"record\" key", NULL);
	else if (strcmp(kind, "file") == 0)
		rc = add_file_rec(tl, o, name, lineno, err);
	else if (strcmp(kind, "event") == 0)
		rc = add_event_rec(tl, o, name, lineno, err);
	else if (strcmp(kind, "hit") == 0 || strcmp(kind, "detection") == 0) {
		tl->st.records++;
		rc = add_hit(tl, o, err);
	} else {
		note_kind(tl, kind);
		rc = TR_OK;
	}
	json_decref(o);
	return rc;
}

int
tr_timeline_add_line(tr_timeline *tl, int kind, const char *line,
    size_t len, const char *name, uint64_t lineno, tr_error *err)
{
	int rc;

	tl->st.lines++;
	rc = kind == 'j' ? add_json(tl, line, len, name, lineno, err) :
	    add_body(tl, line, len, name, lineno, err);
	if (rc == TR_EFORMAT && tl->o.skip_bad) {
		tl->st.bad++;
		if (tl->o.warn != NULL && err != NULL)
			tl->o.warn(tl->o.warn_arg, err->msg);
		return TR_OK;
	}
	return rc;
}

static int
blank(const char *p, size_t n)
{
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\v' ||
	    *p == '\f'))
		p++, n--;
	return n == 0;
}

int
tr_timeline_add_file(tr_timeline *tl, FILE *fp, const char *name,
    tr_error *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t lineno = 0;
	int kind = 0, rc = TR_OK;

	for (;;) {
		errno = 0;
		if ((n = getline(&line, &cap, fp)) < 0) {
			if (ferror(fp))
				rc = tri_error_errno(err, TR_EIO,
				    errno ? errno : EIO, "cannot read '%s' "
				    "after line %" PRIu64, name, lineno);
			break;
		}
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (blank(line, (size_t)n))
			continue;
		if (kind == 0)
			kind = line[0] == '{' || line[0] == '[' ? 'j' : 'b';
		if (kind == 'b' && line[0] == '#')
			continue;
		if ((rc = tr_timeline_add_line(tl, kind, line, (size_t)n,
		    name, lineno, err)) != TR_OK)
			break;
	}
	free(line);
	return rc;
}

/*
 * Output.
 */

static void
two(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* "2023-04-05T06:07:08", cached per second. */
static const char *
date_of(tr_timeline *tl, int64_t sec)
{
	struct tri_utc u;
	char *p = tl->date;

	if (sec != tl->date_sec) {
		tri_utc_split(sec, &u);
		if (u.year < 0 || u.year > 9999)
			u.year = 0;
		two(p, (int)(u.year / 100));
		two(p + 2, (int)(u.year % 100));
		p[4] = '-';
		two(p + 5, u.month);
		p[7] = '-';
		two(p + 8, u.day);
		p[10] = 'T';
		two(p + 11, u.hour);
		p[13] = ':';
		two(p + 14, u.min);
		p[16] = ':';
		two(p + 17, u.sec);
		p[19] = '\0';
		tl->date_sec = sec;
	}
	return tl->date;
}

/* A JSON string; invalid UTF-8 becomes U+FFFD.  Returns 1 if it did. */
static int
put_jstr(buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, run;
	int bad = 0;

	putc_(b, '"');
	while (i < n) {
		run = i;
		while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' &&
		    p[i] != '\\')
			i++;
		put(b, p + run, i - run);
		if (i >= n)
			break;
		if (p[i] >= 0x80) {
			if ((k = tri_utf8_seq(p + i, n - i)) == 0) {
				puts_(b, "\xef\xbf\xbd");
				bad = 1;
				i++;
			} else {
				put(b, p + i, k);
				i += k;
			}
			continue;
		}
		switch (p[i]) {
		case '"':
			puts_(b, "\\\"");
			break;
		case '\\':
			puts_(b, "\\\\");
			break;
		case '\n':
			puts_(b, "\\n");
			break;
		case '\t':
			puts_(b, "\\t");
			break;
		case '\r':
			puts_(b, "\\r");
			break;
		default: {
			char u[8];

			snprintf(u, sizeof(u), "\\u%04x", p[i]);
			puts_(b, u);
		}
		}
		i++;
	}
	putc_(b, '"');
	return bad;
}

static void
put_key(buf *b, const char *key)
{
	putc_(b, ',');
	putc_(b, '"');
	puts_(b, key);
	puts_(b, "\":");
}

/* Digits as a JSON number (leading zeros dropped). */
static void
put_jnum(buf *b, const tr_span *s)
{
	size_t i = 0;

	while (i + 1 < s->len && s->p[i] == '0')
		i++;
	if (s->len == 0)
		putc_(b, '0');
	else
		put(b, s->p + i, s->len - i);
}

/* The record_number of an event's JSON (F_REST), if any. */
static tr_span
rest_recno(const ev *e)
{
	static const char k[] = "\"record_number\":";
	tr_span r = { NULL, 0 };
	const char *p;

	if (e->f[F_REST].p == NULL || (p = memmem(e->f[F_REST].p,
	    e->f[F_REST].len, k, sizeof(k) - 1)) == NULL)
		return r;
	r.p = p + sizeof(k) - 1;
	if (*r.p == '"')
		r.p++;
	while (r.p + r.len < e->f[F_REST].p + e->f[F_REST].len &&
	    r.p[r.len] >= '0' && r.p[r.len] <= '9')
		r.len++;
	return r;
}

static struct hit *
tags_of(tr_timeline *tl, const ev *e)
{
	struct hit *f = NULL, *s = NULL;
	tr_span recno;
	char **nt;
	size_t i;

	if (e->f[F_INODE].len > 0 && e->f[F_SOURCE].len > 0) {
		hit_key(&tl->tmp, &e->f[F_SOURCE], &e->f[F_VOLUME],
		    &e->f[F_INODE]);
		if (!tl->tmp.oom)
			f = hit_find(tl, (char *)tl->tmp.p, tl->tmp.len);
	}
	if (tl->nsigma == 0 || e->f[F_SOURCE].len == 0 ||
	    (recno = rest_recno(e)).len == 0)
		return f;
	event_key(&tl->tmp, &e->f[F_SOURCE], &e->f[F_VOLUME], &e->f[F_INODE],
	    &e->f[F_PATH], &recno);
	if (tl->tmp.oom || (s = hit_find(tl, (char *)tl->tmp.p,
	    tl->tmp.len)) == NULL || f == NULL)
		return s != NULL ? s : f;
	/* Both: the file's YARA tags, then the event's Sigma tags. */
	if ((nt = realloc(tl->merged.tags, (f->ntags + s->ntags) *
	    sizeof(*nt))) == NULL)
		return s;
	tl->merged.tags = nt;
	tl->merged.ntags = 0;
	for (i = 0; i < f->ntags; i++)
		nt[tl->merged.ntags++] = f->tags[i];
	for (i = 0; i < s->ntags; i++)
		nt[tl->merged.ntags++] = s->tags[i];
	return &tl->merged;
}

/* Body name without its " (deleted)" and " ($FILE_NAME)" suffixes. */
static tr_span
body_path(const ev *e)
{
	tr_span s = e->f[F_NAME];
	size_t cut;

	if (e->flags & FL_DELETED) {
		if (ends_with(s.p, s.len, (e->flags & FL_REALLOC) ?
		    " (deleted-realloc)" : " (deleted)", &cut))
			s.len = cut;
	}
	if (e->what != W_NONE && (e->what & 4) &&
	    ends_with(s.p, s.len, " ($FILE_NAME)", &cut))
		s.len = cut;
	return s;
}

/* Timestamp_desc of a group: one desc, or every letter's joined by "; ". */
static void
put_desc(buf *b, const ev *e, unsigned bits, const char *sep, int json)
{
	int i, first = 1, fn = e->what != W_NONE ? (e->what & 4) : 0;

	if (bits == 0) {
		tr_span d = desc_of(e);

		if (json)
			put_jstr(b, d.p, d.len);
		else
			put(b, d.p, d.len);
		return;
	}
	if (json)
		putc_(b, '"');
	for (i = 0; i < 4; i++)
		if (bits & (1u << i)) {
			if (!first)
				puts_(b, sep);
			puts_(b, descs[i + fn]);
			first = 0;
		}
	if (json)
		putc_(b, '"');
}

static void
macb_str(char out[5], const ev *e, unsigned bits)
{
	int i;

	if (bits == 0 && e->what != W_NONE)
		bits = 1u << (e->what & 3);
	for (i = 0; i < 4; i++)
		out[i] = (bits & (1u << i)) ? macb_letters[i] : '.';
	out[4] = '\0';
}

static void
emit_jsonl(tr_timeline *tl, const ev *e, unsigned bits)
{
	buf *b = &tl->ob;
	struct hit *h = tags_of(tl, e);
	char tbuf[TR_TIME_STR_MAX], mb[5];
	tr_time t = { e->sec, e->nsec, (int8_t)e->digits };
	int64_t sec = e->sec;
	uint32_t usec = e->nsec / 1000;
	size_t i;

	if (e->kind == K_EVENT && h == NULL) {
		put(b, e->f[F_REST].p, e->f[F_REST].len);
		putc_(b, '\n');
		return;
	}
	if (e->kind == K_EVENT) {
		/* Tagged pass-through event: merge the tags in. */
		json_t *o = json_loadb(e->f[F_REST].p, e->f[F_REST].len, 0,
		    NULL), *tag;
		char *s;

		if (o == NULL) {
			b->oom = 1;
			return;
		}
		tag = json_object_get(o, "tag");
		if (!json_is_array(tag)) {
			tag = json_array();
			json_object_set_new(o, "tag", tag);
		}
		for (i = 0; i < h->ntags; i++)
			json_array_append_new(tag, json_string(h->tags[i]));
		if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
			b->oom = 1;
		else {
			puts_(b, s);
			putc_(b, '\n');
		}
		free(s);
		json_decref(o);
		return;
	}
	if (bits != 0)
		usec = 0;
	puts_(b, "{\"record\":\"event\",\"datetime\":\"");
	puts_(b, date_of(tl, sec));
	{
		char frac[16];

		snprintf(frac, sizeof(frac), ".%06u+00:00\"", usec);
		puts_(b, frac);
	}
	put_key(b, "timestamp");
	put_i64(b, sec * 1000000 + usec);
	put_key(b, "timestamp_desc");
	put_desc(b, e, bits, "; ", 1);
	if (bits == 0 && tr_time_format(&t, tbuf) != NULL) {
		put_key(b, "time");
		put_jstr(b, tbuf, strlen(tbuf));
	}
	put_key(b, "message");
	put_jstr(b, e->f[F_NAME].p, e->f[F_NAME].len);
	put_key(b, "data_type");
	puts_(b, e->kind == K_FILE ? "\"fs:stat\"" : "\"fs:bodyfile\"");
	if (h != NULL) {
		put_key(b, "tag");
		putc_(b, '[');
		for (i = 0; i < h->ntags; i++) {
			if (i > 0)
				putc_(b, ',');
			put_jstr(b, h->tags[i], strlen(h->tags[i]));
		}
		putc_(b, ']');
	}
	if (bits != 0) {
		macb_str(mb, e, bits);
		put_key(b, "macb");
		put_jstr(b, mb, 4);
	}
	if (e->kind == K_FILE) {
		if (e->f[F_REST].len > 0) {
			putc_(b, ',');
			put(b, e->f[F_REST].p, e->f[F_REST].len);
		}
	} else {
		tr_span p = body_path(e);
		size_t at;
		int bad;

		put_key(b, "inode");
		put_jstr(b, e->f[F_INODE].p, e->f[F_INODE].len);
		put_key(b, "path");
		at = b->len;
		bad = put_jstr(b, p.p, p.len);
		(void)at;
		if (bad) {
			put_key(b, "path_hex");
			putc_(b, '"');
			for (i = 0; i < p.len; i++) {
				char hx[3];

				snprintf(hx, sizeof(hx), "%02x",
				    (unsigned char)p.p[i]);
				put(b, hx, 2);
			}
			putc_(b, '"');
		}
		if (e->flags & FL_DELETED) {
			put_key(b, "deleted");
			puts_(b, "true");
		}
		if (e->flags & FL_REALLOC) {
			put_key(b, "realloc");
			puts_(b, "true");
		}
		put_key(b, "mode_string");
		put_jstr(b, e->f[F_MODE].p, e->f[F_MODE].len);
		put_key(b, "uid");
		put_jnum(b, &e->f[F_UID]);
		put_key(b, "gid");
		put_jnum(b, &e->f[F_GID]);
		put_key(b, "size");
		put_jnum(b, &e->f[F_SIZE]);
		if (e->f[F_MD5].len > 0) {
			put_key(b, "md5");
			put_jstr(b, e->f[F_MD5].p, e->f[F_MD5].len);
		}
	}
	puts_(b, "}\n");
}

/* Bytes with line breaks (and NUL) shown as '^', as TSK shows controls. */
static void
put_flat(buf *b, const char *p, size_t n, int quote_dq)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\n' || c == '\r' || c == '\0')
			c = '^';
		if (quote_dq && c == '"')
			putc_(b, '"');
		putc_(b, c);
	}
}

static void
put_or(buf *b, const tr_span *s, const char *dflt)
{
	if (s->len > 0)
		put(b, s->p, s->len);
	else
		puts_(b, dflt);
}

static void
emit_mactime(tr_timeline *tl, const ev *e, unsigned bits)
{
	buf *b = &tl->ob;
	char mb[5];

	if (e->sec == 0)
		puts_(b, "0000-00-00T00:00:00Z,");
	else {
		puts_(b, date_of(tl, e->sec));
		puts_(b, "Z,");
	}
	put_or(b, &e->f[F_SIZE], "0");
	putc_(b, ',');
	macb_str(mb, e, bits);
	if (e->what == W_NONE && bits == 0)
		memcpy(mb, "m...", 4);	/* as its bodyfile line has it */
	puts_(b, mb);
	putc_(b, ',');
	put_or(b, &e->f[F_MODE], "-/----------");
	putc_(b, ',');
	put_or(b, &e->f[F_UID], "0");
	putc_(b, ',');
	put_or(b, &e->f[F_GID], "0");
	putc_(b, ',');
	put_or(b, &e->f[F_INODE], "0");
	puts_(b, ",\"");
	put_flat(b, e->f[F_NAME].p, e->f[F_NAME].len, 1);
	if (e->kind == K_EVENT) {
		tr_span d = desc_of(e);

		puts_(b, " (");
		put_flat(b, d.p, d.len, 1);
		putc_(b, ')');
	}
	puts_(b, "\"\n");
}

/* RFC 4180 field. */
static void
put_csv(buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\n' ||
		    p[i] == '\r')
			break;
	if (i == n) {
		put(b, p, n);
		return;
	}
	putc_(b, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			putc_(b, '"');
		putc_(b, p[i]);
	}
	putc_(b, '"');
}

static void
put_tags(buf *b, const struct hit *h, const char *sep)
{
	size_t i;

	for (i = 0; h != NULL && i < h->ntags; i++) {
		if (i > 0)
			puts_(b, sep);
		puts_(b, h->tags[i]);
	}
}

static void
emit_csv(tr_timeline *tl, const ev *e, unsigned bits)
{
	buf *b = &tl->ob, *t = &tl->line;
	struct hit *h = tags_of(tl, e);
	uint32_t usec = bits ? 0 : e->nsec / 1000;
	char frac[16];
	tr_span dt;

	puts_(b, date_of(tl, e->sec));
	snprintf(frac, sizeof(frac), ".%06u+00:00,", usec);
	puts_(b, frac);
	put_i64(b, e->sec * 1000000 + usec);
	putc_(b, ',');
	t->len = 0;
	put_desc(t, e, bits, "; ", 0);
	put_csv(b, (char *)t->p, t->len);
	putc_(b, ',');
	put_csv(b, e->f[F_NAME].p, e->f[F_NAME].len);
	putc_(b, ',');
	dt = e->f[F_DTYPE];
	if (e->kind != K_EVENT) {
		dt.p = e->kind == K_FILE ? "fs:stat" : "fs:bodyfile";
		dt.len = strlen(dt.p);
	}
	put_csv(b, dt.p, dt.len);
	putc_(b, ',');
	t->len = 0;
	put_tags(t, h, ";");
	put_csv(b, (char *)t->p, t->len);
	putc_(b, ',');
	put_csv(b, e->f[F_SOURCE].p, e->f[F_SOURCE].len);
	putc_(b, ',');
	put_csv(b, e->f[F_VOLUME].p, e->f[F_VOLUME].len);
	putc_(b, ',');
	put_csv(b, e->f[F_INODE].p, e->f[F_INODE].len);
	putc_(b, ',');
	if (e->kind == K_BODY) {
		tr_span p = body_path(e);

		put_csv(b, p.p, p.len);
	} else
		put_csv(b, e->f[F_PATH].p, e->f[F_PATH].len);
	putc_(b, ',');
	put_csv(b, e->f[F_SIZE].p, e->f[F_SIZE].len);
	putc_(b, '\n');
}

/* l2tcsv field: commas become spaces, line breaks dashes (as plaso). */
static void
put_l2t(buf *b, const char *p, size_t n, const char *dflt)
{
	size_t i;

	if (n == 0) {
		puts_(b, dflt);
		return;
	}
	for (i = 0; i < n; i++) {
		char c = p[i];

		if (c == ',')
			c = ' ';
		else if (c == '\n' || c == '\r')
			c = '-';
		putc_(b, c);
	}
}

static void
emit_l2tcsv(tr_timeline *tl, const ev *e, unsigned bits)
{
	buf *b = &tl->ob, *t = &tl->line;
	struct hit *h = tags_of(tl, e);
	struct tri_utc u;
	char tmp[64];
	unsigned bb = bits;
	int i;

	tri_utc_split(e->sec, &u);
	snprintf(tmp, sizeof(tmp), "%02d/%02d/%04d,%02d:%02d:%02d,UTC,",
	    u.month, u.day, (int)u.year, u.hour, u.min, u.sec);
	puts_(b, tmp);
	if (bb == 0 && e->what != W_NONE)
		bb = 1u << (e->what & 3);
	for (i = 0; i < 4; i++)
		putc_(b, (bb & (1u << i)) ? "MACB"[i] : '.');
	if (e->kind == K_EVENT)
		puts_(b, ",LOG,Event,");
	else if (e->kind == K_FILE)
		puts_(b, ",FILE,File stat,");
	else
		puts_(b, ",FILE,Bodyfile,");
	t->len = 0;
	put_desc(t, e, bits, "; ", 0);
	put_l2t(b, (char *)t->p, t->len, "-");
	puts_(b, ",-,-,");
	put_l2t(b, e->f[F_NAME].p, e->f[F_NAME].len, "-");
	putc_(b, ',');
	put_l2t(b, e->f[F_NAME].p, e->f[F_NAME].len, "-");
	puts_(b, ",2,");
	if (e->kind == K_BODY) {
		tr_span p = body_path(e);

		put_l2t(b, p.p, p.len, "-");
	} else
		put_l2t(b, e->f[F_PATH].p, e->f[F_PATH].len, "-");
	putc_(b, ',');
	put_l2t(b, e->f[F_INODE].p, e->f[F_INODE].len, "-");
	putc_(b, ',');
	t->len = 0;
	put_tags(t, h, " ");
	put_l2t(b, (char *)t->p, t->len, "-");
	putc_(b, ',');
	if (e->kind == K_EVENT)
		put_l2t(b, e->f[F_DTYPE].p, e->f[F_DTYPE].len, "-");
	else
		puts_(b, e->kind == K_FILE ? "filestat" : "bodyfile");
	putc_(b, ',');
	/* extra: the other attributes as "key: value" joined by "; ". */
	t->len = 0;
	{
		static const struct { int f; const char *k; } ex[] = {
			{ F_SOURCE, "source" }, { F_VOLUME, "volume" },
			{ F_SIZE, "size" }, { F_MODE, "mode" },
			{ F_UID, "uid" }, { F_GID, "gid" }, { F_MD5, "md5" }
		};
		size_t k;

		for (k = 0; k < sizeof(ex) / sizeof(ex[0]); k++) {
			if (e->f[ex[k].f].len == 0)
				continue;
			if (t->len > 0)
				puts_(t, "; ");
			puts_(t, ex[k].k);
			puts_(t, ": ");
			put(t, e->f[ex[k].f].p, e->f[ex[k].f].len);
		}
	}
	put_l2t(b, (char *)t->p, t->len, "-");
	putc_(b, '\n');
}

static void
put_btime(buf *b, const unsigned char *p)
{
	int64_t sec;

	memcpy(&sec, p, 8);
	putc_(b, '|');
	if ((int8_t)p[12] < 0)
		putc_(b, '0');
	else
		put_i64(b, sec);
}

static void
emit_bodyfile(tr_timeline *tl, const ev *e)
{
	buf *b = &tl->ob;
	const unsigned char *t = (const unsigned char *)e->f[F_TIMES].p;
	size_t i;
	int k;

	put_or(b, &e->f[F_MD5], "0");
	putc_(b, '|');
	if (e->kind == K_EVENT) {
		tr_span d = desc_of(e);

		put_flat(b, e->f[F_NAME].p, e->f[F_NAME].len, 0);
		puts_(b, " (");
		put_flat(b, d.p, d.len, 0);
		putc_(b, ')');
	} else {
		for (i = 0; i < e->f[F_NAME].len; i++) {
			char c = e->f[F_NAME].p[i];

			putc_(b, (c == '\n' || c == '\r' || c == '\0') ?
			    '^' : c);
		}
	}
	putc_(b, '|');
	put_or(b, &e->f[F_INODE], "0");
	putc_(b, '|');
	put_or(b, &e->f[F_MODE], "-/----------");
	putc_(b, '|');
	put_or(b, &e->f[F_UID], "0");
	putc_(b, '|');
	put_or(b, &e->f[F_GID], "0");
	putc_(b, '|');
	put_or(b, &e->f[F_SIZE], "0");
	if (e->f[F_TIMES].len == 52)
		for (k = 0; k < 4; k++)
			put_btime(b, t + 13 * k);
	else
		puts_(b, "|0|0|0|0");
	putc_(b, '\n');
}

static int
flush_out(tr_timeline *tl, int force, tr_error *err)
{
	buf *b = &tl->ob;

	if (b->oom)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	if (b->len == 0 || (!force && b->len < (256u << 10)))
		return TR_OK;
	if (fwrite(b->p, 1, b->len, tl->out) != b->len ||
	    (tl->o.unbuffered && fflush(tl->out) != 0))
		return tri_error_errno(err, TR_EIO, errno ? errno : EIO,
		    "cannot write output");
	b->len = 0;
	return TR_OK;
}

static void
emit(tr_timeline *tl, const ev *e, unsigned bits)
{
	switch (tl->o.format) {
	case TR_TL_JSONL:
		emit_jsonl(tl, e, bits);
		break;
	case TR_TL_MACTIME:
		emit_mactime(tl, e, bits);
		break;
	case TR_TL_L2TCSV:
		emit_l2tcsv(tl, e, bits);
		break;
	case TR_TL_BODYFILE:
		emit_bodyfile(tl, e);
		break;
	case TR_TL_CSV:
		emit_csv(tl, e, bits);
		break;
	}
	tl->st.written++;
}

/* Same file and second (mactime's grouping). */
static int
same_group(const ev *a, const ev *b)
{
	return a->kind != K_EVENT && b->kind != K_EVENT && a->sec == b->sec &&
	    span_cmp(&a->f[F_KEY], &b->f[F_KEY]) == 0 &&
	    span_cmp(&a->f[F_SOURCE], &b->f[F_SOURCE]) == 0 &&
	    span_cmp(&a->f[F_VOLUME], &b->f[F_VOLUME]) == 0;
}

int
tr_timeline_write(tr_timeline *tl, FILE *out, tr_error *err)
{
	const unsigned char *r;
	size_t len;
	buf grp = { 0 };
	ev e, g;
	unsigned bits = 0;
	int rc, got, have = 0;

	if (tl->written)
		return tri_error_set(err, TR_EINVAL, "timeline already written");
	tl->written = 1;
	tl->out = out;
	if ((rc = tri_sorter_finish(tl->sorter, err)) != TR_OK)
		return rc;
	tl->st.runs = tri_sorter_runs(tl->sorter);
	switch (tl->o.format) {
	case TR_TL_MACTIME:
		puts_(&tl->ob, "Date,Size,Type,Mode,UID,GID,Meta,File Name\n");
		break;
	case TR_TL_L2TCSV:
		puts_(&tl->ob, "date,time,timezone,MACB,source,sourcetype,"
		    "type,user,host,short,desc,version,filename,inode,notes,"
		    "format,extra\n");
		break;
	case TR_TL_CSV:
		puts_(&tl->ob, "datetime,timestamp,timestamp_desc,message,"
		    "data_type,tag,source,volume,inode,path,size\n");
		break;
	default:
		break;
	}
	for (;;) {
		if ((got = tri_sorter_next(tl->sorter, &r, &len, err)) < 0) {
			rc = got;
			goto out;
		}
		if (!tl->mac) {
			if (got == 0)
				break;
			decode(r, len, &e);
			emit(tl, &e, 0);
		} else {
			if (got == 1)
				decode(r, len, &e);
			if (have && got == 1 && same_group(&g, &e)) {
				if (e.what != W_NONE)
					bits |= 1u << (e.what & 3);
				continue;
			}
			if (have)
				emit(tl, &g, g.kind == K_EVENT ? 0 : bits);
			if (got == 0)
				break;
			/* Keep the group's first event: r is reused. */
			grp.len = 0;
			put(&grp, r, len);
			if (grp.oom) {
				rc = tri_error_set(err, TR_ENOMEM,
				    "out of memory");
				goto out;
			}
			g = e;
			for (int k = 0; k < NF; k++)
				g.f[k].p = (const char *)grp.p +
				    (e.f[k].p - (const char *)r);
			bits = g.what != W_NONE ? 1u << (g.what & 3) : 0;
			have = 1;
		}
		if ((rc = flush_out(tl, tl->o.unbuffered, err)) != TR_OK)
			goto out;
	}
	if ((rc = flush_out(tl, 1, err)) != TR_OK)
		goto out;
	if (fflush(out) != 0 || ferror(out))
		rc = tri_error_errno(err, TR_EIO, errno ? errno : EIO,
		    "cannot write output");
out:
	tl->st.duplicates = tri_sorter_dups(tl->sorter);
	free(grp.p);
	if (rc == TR_OK && tl->st.ignored > 0 && tl->o.warn != NULL) {
		char msg[512];
		size_t o;
		int i;

		o = (size_t)snprintf(msg, sizeof(msg), "left out %" PRIu64
		    " record%s with no timestamps", tl->st.ignored,
		    tl->st.ignored == 1 ? "" : "s");
		for (i = 0; i < tl->nkinds && o < sizeof(msg) - 64; i++)
			o += (size_t)snprintf(msg + o, sizeof(msg) - o,
			    "%s'%s'", i ? ", " : " (kinds: ", tl->kinds[i]);
		if (tl->nkinds > 0 && o < sizeof(msg) - 2)
			snprintf(msg + o, sizeof(msg) - o, ")");
		tl->o.warn(tl->o.warn_arg, msg);
	}
	return rc;
}
