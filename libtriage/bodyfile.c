/* SPDX-License-Identifier: Apache-2.0 */
/* TSK bodyfile 3 lines of walk entries, as fls -m prints them. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* tsk_fs_name_type_str and tsk_fs_meta_type_str, by tr_ftype. */
static const char name_chars[] = "-rdlpcbswvV";
static const char meta_chars[] = "-rdlpcbswvV";

static char
type_char(const char *tab, tr_ftype t)
{
	if ((unsigned)t >= strlen(tab))
		return '-';
	return tab[t];
}

char *
tr_bodyfile_mode(char *buf, tr_ftype name_type, tr_ftype meta_type,
    uint32_t mode, int has_meta)
{
	char *p = buf + 2;

	buf[0] = type_char(name_chars, name_type);
	buf[1] = '/';
	memcpy(p, "----------", 11);
	if (!has_meta)
		return buf;
	p[0] = type_char(meta_chars, meta_type);
	if (mode & 0400)
		p[1] = 'r';
	if (mode & 0200)
		p[2] = 'w';
	if (mode & 04000)
		p[3] = (mode & 0100) ? 's' : 'S';
	else if (mode & 0100)
		p[3] = 'x';
	if (mode & 040)
		p[4] = 'r';
	if (mode & 020)
		p[5] = 'w';
	if (mode & 02000)
		p[6] = (mode & 010) ? 's' : 'S';
	else if (mode & 010)
		p[6] = 'x';
	if (mode & 04)
		p[7] = 'r';
	if (mode & 02)
		p[8] = 'w';
	if (mode & 01000)
		p[9] = (mode & 01) ? 't' : 'T';
	else if (mode & 01)
		p[9] = 'x';
	return buf;
}

struct out {
	char	**buf;
	size_t	*cap, *len;
	int	nomem;
};

static int
grow(struct out *o, size_t more)
{
	size_t want = *o->len + more + 1, cap;
	char *n;

	if (want <= *o->cap)
		return 0;
	cap = *o->cap ? *o->cap : 256;
	while (cap < want)
		cap *= 2;
	if ((n = realloc(*o->buf, cap)) == NULL) {
		o->nomem = 1;
		return -1;
	}
	*o->buf = n;
	*o->cap = cap;
	return 0;
}

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->nomem || grow(o, n) != 0)
		return;
	memcpy(*o->buf + *o->len, s, n);
	*o->len += n;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Control bytes (0x00-0x1f) become '^', as tsk_print_sanitized does. */
static void
put_sanitized(struct out *o, const char *s)
{
	size_t n = strlen(s), i;
	char *d;

	if (o->nomem || grow(o, n) != 0)
		return;
	d = *o->buf + *o->len;
	for (i = 0; i < n; i++)
		d[i] = (unsigned char)s[i] < 0x20 ? '^' : s[i];
	*o->len += n;
}

static void
put_u64(struct out *o, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof(tmp);

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(o, tmp + n, sizeof(tmp) - n);
}

/* fls prints times as uint32 seconds, 0 when unset. */
static void
put_time(struct out *o, const tr_time *t, int sep)
{
	put_u64(o, tr_time_isset(t) ? (uint32_t)t->sec : 0);
	if (sep)
		put(o, "|", 1);
}

static void
line(struct out *o, const tr_entry *e, const char *md5, int fn)
{
	char mode[16];

	puts_(o, md5 != NULL ? md5 : "0");
	put(o, "|", 1);
	put_sanitized(o, e->path);
	if (e->stream != NULL && !fn) {
		put(o, ":", 1);
		put_sanitized(o, e->stream);
	}
	if (fn)
		puts_(o, " ($FILE_NAME)");
	if (e->link_target != NULL) {
		puts_(o, " -> ");
		puts_(o, e->link_target);
	}
	if (e->deleted)
		puts_(o, e->realloc ? " (deleted-realloc)" : " (deleted)");
	put(o, "|", 1);
	puts_(o, fn ? e->fn_attr : e->inode);
	put(o, "|", 1);
	puts_(o, tr_bodyfile_mode(mode, e->name_type, e->type, e->mode,
	    e->has_meta));
	put(o, "|", 1);
	if (!e->has_meta) {
		puts_(o, "0|0|0|0|0|0|0\n");
		return;
	}
	put_u64(o, e->uid);
	put(o, "|", 1);
	put_u64(o, e->gid);
	put(o, "|", 1);
	put_u64(o, fn ? e->fn_size : e->size);
	put(o, "|", 1);
	if (fn) {
		put_time(o, &e->fn_atime, 1);
		put_time(o, &e->fn_mtime, 1);
		put_time(o, &e->fn_ctime, 1);
		put_time(o, &e->fn_btime, 0);
	} else {
		put_time(o, &e->atime, 1);
		put_time(o, &e->mtime, 1);
		put_time(o, &e->ctime, 1);
		put_time(o, &e->btime, 0);
	}
	put(o, "\n", 1);
}

int
tr_entry_bodyfile(const tr_entry *e, const char *md5, char **buf,
    size_t *cap, size_t *len)
{
	struct out o = { buf, cap, len, 0 };

	if (e->fn_attr != NULL)
		line(&o, e, md5, 1);
	line(&o, e, md5, 0);
	if (!o.nomem)
		(*buf)[*len] = '\0';	/* grow() keeps room for it */
	return o.nomem ? TR_ENOMEM : TR_OK;
}
