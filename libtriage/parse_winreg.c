/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows registry hives (REGF) on libregf, loaded with yal.c into a
 * namespace of its own; the hive is opened from memory through a libbfio
 * memory-range handle of that same namespace.  One event per key's
 * last-written time (plaso's winreg default plugin) and, in
 * parse_winreg_decoded.c, the decoded events.
 */
#include "internal.h"
#include "parse_winreg.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEPTH_MAX	512
#define VALUES_MAX	65536		/* values of one key read */
#define MESSAGE_MAX	2048

struct tri_wr_api tri_wr;
static pthread_once_t wr_once = PTHREAD_ONCE_INIT;
static const char *const wr_names[] = { TRI_WR_API(TRI_YAL_NAME) NULL };

static void
wr_load(void)
{
	tri_yal_load(&tri_wr.lib, "libregf.so.1", wr_names, (void **)&tri_wr);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* libregf's innermost error cause, without function name; frees it. */
static const char *
regf_err(libregf_error_t **e, char *buf, size_t len)
{
	char tmp[2048], *p, *q;

	tmp[0] = '\0';
	if (*e != NULL && tri_wr.libregf_error_backtrace_sprint(*e, tmp,
	    sizeof(tmp)) < 0)
		tmp[0] = '\0';
	tri_wr.libregf_error_free(e);
	tmp[strcspn(tmp, "\r\n")] = '\0';
	p = tmp;
	if (strncmp(p, "lib", 3) == 0 && (q = strstr(p, ": ")) != NULL &&
	    strcspn(p, " ") > (size_t)(q - p))
		p = q + 2;
	if ((q = strchr(p, '\0')) > p && q[-1] == '.')
		q[-1] = '\0';
	snprintf(buf, len, "%s", p[0] != '\0' ? p : "libregf error");
	return buf;
}

char *
tri_wr_utf16(const uint8_t *p, size_t size)
{
	size_t n = size / 2, i, o = 0;
	uint32_t c, d;
	char *s;

	if ((s = malloc(n * 3 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		c = (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
		if (c == 0)
			break;
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
			d = (uint32_t)p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;
			if (d >= 0xdc00 && d < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (d - 0xdc00);
				i++;
			} else
				c = 0xfffd;
		} else if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		if (c < 0x80)
			s[o++] = (char)c;
		else if (c < 0x800) {
			s[o++] = (char)(0xc0 | c >> 6);
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			s[o++] = (char)(0xe0 | c >> 12);
			s[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			/* 4 bytes from 2 units: fits in the 6 reserved */
			s[o++] = (char)(0xf0 | c >> 18);
			s[o++] = (char)(0x80 | (c >> 12 & 0x3f));
			s[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	s[o] = '\0';
	return s;
}

libregf_key_t *
tri_wr_key(struct tri_wr_hive *h, const char *path)
{
	libregf_key_t *k = NULL;

	if (tri_wr.libregf_file_get_key_by_utf8_path(h->file,
	    (const uint8_t *)path, strlen(path), &k, NULL) != 1)
		return NULL;
	return k;
}

int
tri_wr_nsub(libregf_key_t *key)
{
	int n = 0;

	if (key == NULL ||
	    tri_wr.libregf_key_get_number_of_sub_keys(key, &n, NULL) != 1)
		return 0;
	return n;
}

libregf_key_t *
tri_wr_sub(libregf_key_t *key, int i)
{
	libregf_key_t *k = NULL;

	if (tri_wr.libregf_key_get_sub_key(key, i, &k, NULL) != 1)
		return NULL;
	return k;
}

int
tri_wr_key_name(libregf_key_t *key, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (tri_wr.libregf_key_get_utf8_name_size(key, &n, NULL) != 1 ||
	    n == 0 || n > len || tri_wr.libregf_key_get_utf8_name(key,
	    (uint8_t *)buf, n, NULL) != 1) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

tr_time
tri_wr_key_time(libregf_key_t *key)
{
	uint64_t ft = 0;

	if (tri_wr.libregf_key_get_last_written_time(key, &ft, NULL) != 1)
		return TR_TIME_UNSET;
	return tri_filetime(ft);
}

uint64_t
tri_wr_key_offset(libregf_key_t *key)
{
	off64_t off = 0;

	if (tri_wr.libregf_key_get_offset(key, &off, NULL) != 1 || off < 0)
		return UINT64_MAX;
	return (uint64_t)off;
}

/* The hive this thread parses (resident value data, below). */
static __thread const tr_artifact *cur_hive;

uint8_t *
tri_wr_value_data(libregf_value_t *v, uint32_t *type, size_t *size)
{
	const tr_artifact *a = cur_hive;
	uint8_t *d;
	size_t n = 0;
	off64_t off = -1;
	uint32_t ds;

	if (tri_wr.libregf_value_get_value_type(v, type, NULL) != 1 ||
	    tri_wr.libregf_value_get_value_data_size(v, &n, NULL) != 1 ||
	    n > ((size_t)1 << 30) || (a != NULL && n > a->size) ||
	    (d = calloc(1, n + 6)) == NULL)
		return NULL;	/* no value holds more than its hive */
	/*
	 * Data of up to 4 bytes lives in the value key (vk) itself, flagged
	 * by the size's top bit.  libregf 20201007 returns zeros for fewer
	 * than 4 such bytes (LangID 09 04 reads 00 00); hivex and reglookup
	 * read them right: take them from the vk cell.
	 */
	if (n <= 4 && a != NULL &&
	    tri_wr.libregf_value_get_offset(v, &off, NULL) == 1 &&
	    off >= 0 && (uint64_t)off + 20 <= a->size &&
	    memcmp(a->data + off, "vk", 2) == 0 &&
	    ((ds = le32(a->data + off + 4)) & 0x80000000u) != 0 &&
	    (ds & 0x7fffffffu) <= 4) {
		n = ds & 0x7fffffffu;
		memcpy(d, a->data + off + 8, n);
		*size = n;
		return d;
	}
	if (n > 0 && tri_wr.libregf_value_get_value_data(v, d, n,
	    NULL) != 1) {
		free(d);
		return NULL;
	}
	*size = n;
	return d;
}

uint8_t *
tri_wr_data(libregf_key_t *key, const char *name, uint32_t *type,
    size_t *size)
{
	libregf_value_t *v = NULL;
	uint8_t *d;

	if (key == NULL || tri_wr.libregf_key_get_value_by_utf8_name(key,
	    (const uint8_t *)name, strlen(name), &v, NULL) != 1)
		return NULL;
	d = tri_wr_value_data(v, type, size);
	tri_wr.libregf_value_free(&v, NULL);
	return d;
}

char *
tri_wr_string(libregf_key_t *key, const char *name)
{
	uint32_t type = 0;
	size_t n = 0;
	uint8_t *d;
	char *s = NULL;

	if ((d = tri_wr_data(key, name, &type, &n)) == NULL)
		return NULL;
	if (type == LIBREGF_VALUE_TYPE_STRING ||
	    type == LIBREGF_VALUE_TYPE_EXPANDABLE_STRING)
		s = tri_wr_utf16(d, n);
	free(d);
	return s;
}

int
tri_wr_dword(libregf_key_t *key, const char *name, uint32_t *val)
{
	uint32_t type = 0;
	size_t n = 0;
	uint8_t *d;
	int ok = 0;

	if ((d = tri_wr_data(key, name, &type, &n)) == NULL)
		return 0;
	if (n >= 4 && (type == LIBREGF_VALUE_TYPE_INTEGER_32BIT_LITTLE_ENDIAN ||
	    type == LIBREGF_VALUE_TYPE_BINARY_DATA)) {
		*val = le32(d);
		ok = 1;
	} else if (n >= 4 &&
	    type == LIBREGF_VALUE_TYPE_INTEGER_32BIT_BIG_ENDIAN) {
		*val = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
		    (uint32_t)d[2] << 8 | d[3];
		ok = 1;
	}
	free(d);
	return ok;
}

/* Lowercase hex of at most TRI_WR_BINARY_MAX bytes, then "..." if cut. */
static char *
hex_of(const uint8_t *d, size_t n)
{
	static const char xd[] = "0123456789abcdef";
	size_t m = n > TRI_WR_BINARY_MAX ? TRI_WR_BINARY_MAX : n, i;
	char *s;

	if ((s = malloc(m * 2 + 4)) == NULL)
		return NULL;
	for (i = 0; i < m; i++) {
		s[2 * i] = xd[d[i] >> 4];
		s[2 * i + 1] = xd[d[i] & 15];
	}
	if (m < n)
		memcpy(s + 2 * m, "...", 4);
	else
		s[2 * m] = '\0';
	return s;
}

/* Append "fmt" to a message buffer, silently stopping at its end. */
static void
msg_add(char *msg, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > MESSAGE_MAX)
		n = MESSAGE_MAX - 1 - *len;
	memcpy(msg + *len, s, n);
	*len += n;
	msg[*len] = '\0';
}

/*
 * One value into obj under its name; its text into msg.  Returns 0, or -1
 * when it could not be read (warned).
 */
static int
one_value(struct tri_wr_hive *h, libregf_key_t *key, int i, tr_rec *obj,
    char *msg, size_t *mlen, const char *path)
{
	libregf_value_t *v = NULL;
	char name[TRI_WR_NAME_MAX], num[32], *s = NULL;
	const char *label = "(default)";
	uint8_t *d = NULL;
	uint32_t type = 0;
	size_t n = 0, sz = 0, k;
	tr_rec *arr;
	int rc = 0;

	if (tri_wr.libregf_key_get_value(key, i, &v, NULL) != 1) {
		tri_parse_warn(h->ctx, tri_wr_key_offset(key), "key '%s': "
		    "value %d cannot be read", path[0] ? path : "\\", i);
		return -1;
	}
	if (tri_wr.libregf_value_get_utf8_name_size(v, &n, NULL) == 1 &&
	    n > 1 && n <= sizeof(name) &&
	    tri_wr.libregf_value_get_utf8_name(v, (uint8_t *)name, n,
	    NULL) == 1)
		label = name;
	if ((d = tri_wr_value_data(v, &type, &sz)) == NULL) {
		off64_t off = -1;

		tri_wr.libregf_value_get_offset(v, &off, NULL);
		tri_parse_warn(h->ctx, off >= 0 ? (uint64_t)off : UINT64_MAX,
		    "key '%s': value '%s': data cannot be read",
		    path[0] ? path : "\\", label);
		tri_wr.libregf_value_free(&v, NULL);
		return -1;
	}
	tri_wr.libregf_value_free(&v, NULL);
	if (*mlen > 0 || msg[0] != '\0')
		msg_add(msg, mlen, " ");
	msg_add(msg, mlen, label);
	msg_add(msg, mlen, ": ");
	switch (type) {
	case LIBREGF_VALUE_TYPE_STRING:
	case LIBREGF_VALUE_TYPE_EXPANDABLE_STRING:
	case LIBREGF_VALUE_TYPE_SYMBOLIC_LINK:
		if ((s = tri_wr_utf16(d, sz)) == NULL)
			goto nomem;
		rc = tr_rec_set_str(obj, label, s);
		msg_add(msg, mlen, s);
		break;
	case LIBREGF_VALUE_TYPE_MULTI_VALUE_STRING:
		if ((arr = tr_rec_new_array()) == NULL)
			goto nomem;
		msg_add(msg, mlen, "[");
		for (k = 0; k + 1 < sz;) {
			size_t e = k;

			while (e + 1 < sz && (d[e] != 0 || d[e + 1] != 0))
				e += 2;
			if (e == k)
				break;	/* the empty string ends the list */
			if ((s = tri_wr_utf16(d + k, e - k)) == NULL) {
				tr_rec_free(arr);
				goto nomem;
			}
			rc |= tr_rec_append_str(arr, s);
			if (k > 0)
				msg_add(msg, mlen, ", ");
			msg_add(msg, mlen, s);
			free(s);
			s = NULL;
			k = e + 2;
		}
		msg_add(msg, mlen, "]");
		rc |= tr_rec_set_rec(obj, label, arr);
		break;
	case LIBREGF_VALUE_TYPE_INTEGER_32BIT_LITTLE_ENDIAN:
	case LIBREGF_VALUE_TYPE_INTEGER_32BIT_BIG_ENDIAN:
		if (sz != 4)
			goto binary;
		if (type == LIBREGF_VALUE_TYPE_INTEGER_32BIT_LITTLE_ENDIAN)
			rc = tr_rec_set_int(obj, label, le32(d));
		else
			rc = tr_rec_set_int(obj, label, (int64_t)(
			    (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
			    (uint32_t)d[2] << 8 | d[3]));
		snprintf(num, sizeof(num), "%u", type ==
		    LIBREGF_VALUE_TYPE_INTEGER_32BIT_LITTLE_ENDIAN ? le32(d) :
		    ((uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
		    (uint32_t)d[2] << 8 | d[3]));
		msg_add(msg, mlen, num);
		break;
	case LIBREGF_VALUE_TYPE_INTEGER_64BIT_LITTLE_ENDIAN:
		if (sz != 8)
			goto binary;
		rc = tr_rec_set_uint(obj, label, (uint64_t)le32(d) |
		    (uint64_t)le32(d + 4) << 32);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)
		    ((uint64_t)le32(d) | (uint64_t)le32(d + 4) << 32));
		msg_add(msg, mlen, num);
		break;
	default:
	binary:
		if ((s = hex_of(d, sz)) == NULL)
			goto nomem;
		rc = tr_rec_set_str(obj, label, s);
		msg_add(msg, mlen, sz > 64 ? "(binary)" : s);
		break;
	}
	free(s);
	free(d);
	return rc == TR_OK ? 0 : -2;
nomem:
	free(d);
	return -2;
}

tr_rec *
tri_wr_values(struct tri_wr_hive *h, libregf_key_t *key, const char *path)
{
	tr_rec *obj;
	char msg[MESSAGE_MAX];
	size_t mlen = 0;
	int n = 0, i;

	msg[0] = '\0';
	if ((obj = tr_rec_new_object()) == NULL)
		return NULL;
	if (tri_wr.libregf_key_get_number_of_values(key, &n, NULL) != 1) {
		tri_parse_warn(h->ctx, tri_wr_key_offset(key), "key '%s': "
		    "its value list cannot be read", path[0] ? path : "\\");
		tri_parse_lost(h->ctx);
		return obj;
	}
	if (n > VALUES_MAX) {
		tri_parse_warn(h->ctx, tri_wr_key_offset(key), "key '%s' has "
		    "%d values; only the first %d are read",
		    path[0] ? path : "\\", n, VALUES_MAX);
		tri_parse_lost(h->ctx);
		n = VALUES_MAX;
	}
	for (i = 0; i < n; i++) {
		int rc = one_value(h, key, i, obj, msg, &mlen, path);

		if (rc == -2) {
			tr_rec_free(obj);
			return NULL;
		}
		if (rc == -1)
			tri_parse_lost(h->ctx);
	}
	return obj;
}

tr_rec *
tri_wr_event(struct tri_wr_hive *h, const char *data_type, const tr_time *t,
    const char *desc, const char *path)
{
	tr_rec *ev;
	char *kp;
	int rc;

	if ((ev = tri_event_new(h->ctx, data_type, t, desc)) == NULL)
		return NULL;
	if (h->prefix[0] == '\0')
		rc = asprintf(&kp, "\\%s", path);
	else
		rc = asprintf(&kp, "%s%s%s", h->prefix, path[0] ? "\\" : "",
		    path);
	if (rc < 0) {
		tr_rec_free(ev);
		return NULL;
	}
	rc = tr_rec_set_text(ev, "key_path", kp, strlen(kp));
	free(kp);
	if (rc != TR_OK) {
		tr_rec_free(ev);
		return NULL;
	}
	return ev;
}

int
tri_wr_emit(struct tri_wr_hive *h, tr_rec *ev)
{
	int rc;

	if (h->rc != TR_OK) {
		tr_rec_free(ev);
		return h->rc;
	}
	if (ev == NULL)
		return TR_OK;
	if ((rc = tri_parse_emit(h->ctx, ev)) != TR_OK)
		h->rc = rc;
	return h->rc;
}

/* The key event of one key. */
static void
key_event(struct tri_wr_hive *h, libregf_key_t *key, const char *path)
{
	tr_time t = tri_wr_key_time(key);
	tr_rec *ev, *vals;
	const char *kp;
	char *m = NULL;
	void *it = NULL;
	const char *k;
	size_t len = 0, n;
	FILE *f;

	if (!tr_time_isset(&t))
		return;		/* a FILETIME of 0: no time to put it at */
	if ((ev = tri_wr_event(h, "windows:registry:key_value", &t,
	    "Content Modification Time", path)) == NULL) {
		h->rc = TR_ENOMEM;
		return;
	}
	if ((vals = tri_wr_values(h, key, path)) == NULL) {
		tr_rec_free(ev);
		h->rc = TR_ENOMEM;
		return;
	}
	/* Message: "[key_path] name: value ..." (values as JSON, capped). */
	kp = tr_rec_get_str(ev, "key_path");
	if ((f = open_memstream(&m, &len)) != NULL) {
		fprintf(f, "[%s]", kp);
		n = 0;
		while ((k = tr_rec_next_key(vals, &it)) != NULL) {
			const char *s = tr_rec_get_str(vals, k);
			int64_t iv;

			if (n++ == 0)
				fputc(' ', f);
			else
				fputs(" ", f);
			if (s != NULL)
				fprintf(f, "%s: %.*s", k,
				    strlen(s) > 128 ? 128 : (int)strlen(s), s);
			else if (tr_rec_get_int(vals, k, &iv))
				fprintf(f, "%s: %lld", k, (long long)iv);
			else
				fprintf(f, "%s: [...]", k);
			if (ftell(f) > MESSAGE_MAX)
				break;
		}
		fclose(f);
	}
	if (m == NULL || tri_event_message(ev, "%s", m) != TR_OK ||
	    tr_rec_set_rec(ev, "values", vals) != TR_OK) {
		free(m);
		tr_rec_free(ev);
		h->rc = TR_ENOMEM;
		return;
	}
	free(m);
	tri_wr_emit(h, ev);
}

/* A set of key offsets already walked (a sub-key list may loop). */
struct seen {
	uint64_t	*slot;
	size_t		cap, n;
};

/* 1 when off was already there, 0 when added, -1 on no memory. */
static int
seen_add(struct seen *s, uint64_t off)
{
	size_t i, j;
	uint64_t *ns, v = off + 1;	/* 0 marks an empty slot */

	if (s->n * 2 >= s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 4096;

		if ((ns = calloc(nc, sizeof(*ns))) == NULL)
			return -1;
		for (i = 0; i < s->cap; i++) {
			if (s->slot[i] == 0)
				continue;
			for (j = (s->slot[i] * 0x9e3779b97f4a7c15ULL) &
			    (nc - 1); ns[j] != 0; j = (j + 1) & (nc - 1))
				;
			ns[j] = s->slot[i];
		}
		free(s->slot);
		s->slot = ns;
		s->cap = nc;
	}
	for (j = (v * 0x9e3779b97f4a7c15ULL) & (s->cap - 1); s->slot[j] != 0;
	    j = (j + 1) & (s->cap - 1))
		if (s->slot[j] == v)
			return 1;
	s->slot[j] = v;
	s->n++;
	return 0;
}

struct frame {
	libregf_key_t	*key;
	int		i, n;
	size_t		plen;
};

/* Every key, depth first in sub-key list order. */
static void
walk(struct tri_wr_hive *h, libregf_key_t *root)
{
	struct frame *st;
	struct seen seen = { NULL, 0, 0 };
	char *path, *np, name[TRI_WR_NAME_MAX];
	size_t pcap = 4096, nlen;
	int depth = 0, warned_depth = 0;
	libregf_key_t *sub;
	uint64_t off;

	if ((st = calloc(DEPTH_MAX, sizeof(*st))) == NULL ||
	    (path = malloc(pcap)) == NULL) {
		free(st);
		tri_wr.libregf_key_free(&root, NULL);
		h->rc = TR_ENOMEM;
		return;
	}
	path[0] = '\0';
	seen_add(&seen, tri_wr_key_offset(root));
	st[0].key = root;
	st[0].n = tri_wr_nsub(root);
	st[0].plen = 0;
	if (tri_parse_conf_of(h->ctx)->registry & TRI_REG_KEYS)
		key_event(h, root, "");
	while (depth >= 0 && h->rc == TR_OK) {
		struct frame *f = &st[depth];

		if (f->i >= f->n) {
			tri_wr.libregf_key_free(&f->key, NULL);
			depth--;
			continue;
		}
		path[f->plen] = '\0';
		if ((sub = tri_wr_sub(f->key, f->i)) == NULL) {
			libregf_error_t *e = NULL;
			char eb[512];

			tri_wr.libregf_key_get_sub_key(f->key, f->i, &sub, &e);
			tri_parse_warn(h->ctx, tri_wr_key_offset(f->key),
			    "key '%s': sub-key %d of %d cannot be read (%s); "
			    "the rest of its sub-keys are skipped",
			    path[0] ? path : "\\", f->i, f->n,
			    regf_err(&e, eb, sizeof(eb)));
			tri_wr.libregf_key_free(&sub, NULL);
			tri_parse_lost(h->ctx);
			f->i = f->n;
			continue;
		}
		f->i++;
		off = tri_wr_key_offset(sub);
		if (off != UINT64_MAX && seen_add(&seen, off) != 0) {
			tri_parse_warn(h->ctx, off, "key '%s': a sub-key "
			    "list points back to a key already read; not "
			    "read again", path[0] ? path : "\\");
			tri_parse_lost(h->ctx);
			tri_wr.libregf_key_free(&sub, NULL);
			continue;
		}
		if (tri_wr_key_name(sub, name, sizeof(name)) != 0) {
			tri_parse_warn(h->ctx, off, "key '%s': sub-key %d has "
			    "no readable name", path[0] ? path : "\\",
			    f->i - 1);
			tri_parse_lost(h->ctx);
			snprintf(name, sizeof(name), "?%d", f->i - 1);
		}
		nlen = f->plen + 1 + strlen(name) + 1;
		if (nlen > pcap) {
			pcap = nlen * 2;
			if ((np = realloc(path, pcap)) == NULL) {
				tri_wr.libregf_key_free(&sub, NULL);
				h->rc = TR_ENOMEM;
				break;
			}
			path = np;
		}
		if (f->plen > 0)
			path[f->plen] = '\\';
		strcpy(path + f->plen + (f->plen > 0), name);
		if (tri_parse_conf_of(h->ctx)->registry & TRI_REG_KEYS)
			key_event(h, sub, path);
		if (depth + 1 >= DEPTH_MAX) {
			if (!warned_depth++) {
				tri_parse_warn(h->ctx, off, "key '%s' is "
				    "deeper than %d keys; its sub-keys are "
				    "not read", path, DEPTH_MAX);
				tri_parse_lost(h->ctx);
			}
			tri_wr.libregf_key_free(&sub, NULL);
			continue;
		}
		depth++;
		st[depth].key = sub;
		st[depth].i = 0;
		st[depth].n = tri_wr_nsub(sub);
		st[depth].plen = strlen(path);
	}
	for (; depth >= 0; depth--)
		tri_wr.libregf_key_free(&st[depth].key, NULL);
	free(seen.slot);
	free(st);
	free(path);
}

/* The name of a root sub-key, case-insensitively present. */
static int
has_sub(libregf_key_t *root, const char *name)
{
	libregf_key_t *k = NULL;
	int rc;

	rc = tri_wr.libregf_key_get_sub_key_by_utf8_name(root,
	    (const uint8_t *)name, strlen(name), &k, NULL);
	tri_wr.libregf_key_free(&k, NULL);
	return rc == 1;
}

/*
 * The hive's type from its root's sub-keys, then from the file name in
 * its header (\??\C:\Windows\System32\config\SYSTEM, ...\ntuser.dat).
 */
static int
hive_type(libregf_key_t *root, const uint8_t *hdr)
{
	static const struct { const char *tail; int type; } names[] = {
		{ "\\system", TRI_HIVE_SYSTEM },
		{ "\\software", TRI_HIVE_SOFTWARE },
		{ "\\sam", TRI_HIVE_SAM },
		{ "\\security", TRI_HIVE_SECURITY },
		{ "ntuser.dat", TRI_HIVE_NTUSER },
		{ "usrclass.dat", TRI_HIVE_USRCLASS },
		{ "amcache.hve", TRI_HIVE_AMCACHE },
	};
	char *fn;
	size_t i, n, t;
	int type = TRI_HIVE_UNKNOWN;

	if (has_sub(root, "Select") && (has_sub(root, "ControlSet001") ||
	    has_sub(root, "ControlSet002")))
		return TRI_HIVE_SYSTEM;
	if (has_sub(root, "SAM") && !has_sub(root, "Microsoft"))
		return TRI_HIVE_SAM;
	if (has_sub(root, "Policy") && has_sub(root, "RXACT"))
		return TRI_HIVE_SECURITY;
	if (has_sub(root, "Microsoft") && has_sub(root, "Classes") &&
	    has_sub(root, "Policies"))
		return TRI_HIVE_SOFTWARE;
	if (has_sub(root, "Software") && (has_sub(root, "Control Panel") ||
	    has_sub(root, "Environment") || has_sub(root, "Console")))
		return TRI_HIVE_NTUSER;
	if (has_sub(root, "Root")) {
		libregf_key_t *r = NULL;

		if (tri_wr.libregf_key_get_sub_key_by_utf8_name(root,
		    (const uint8_t *)"Root", 4, &r, NULL) == 1 &&
		    (has_sub(r, "InventoryApplicationFile") ||
		    has_sub(r, "File") || has_sub(r, "Programs")))
			type = TRI_HIVE_AMCACHE;
		tri_wr.libregf_key_free(&r, NULL);
		if (type != TRI_HIVE_UNKNOWN)
			return type;
	}
	if (has_sub(root, "Local Settings") && (has_sub(root, "CLSID") ||
	    has_sub(root, "*")))
		return TRI_HIVE_USRCLASS;
	/* The file name field of the base block (64 bytes UTF-16LE). */
	if ((fn = tri_wr_utf16(hdr + 48, 64)) == NULL)
		return TRI_HIVE_UNKNOWN;
	n = strlen(fn);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		t = strlen(names[i].tail);
		if (n >= t && strcasecmp(fn + n - t, names[i].tail) == 0) {
			type = names[i].type;
			break;
		}
	}
	free(fn);
	return type;
}

static const char *
hive_prefix(int type)
{
	switch (type) {
	case TRI_HIVE_SYSTEM:	return "HKEY_LOCAL_MACHINE\\System";
	case TRI_HIVE_SOFTWARE:	return "HKEY_LOCAL_MACHINE\\Software";
	case TRI_HIVE_SAM:	return "HKEY_LOCAL_MACHINE\\SAM";
	case TRI_HIVE_SECURITY:	return "HKEY_LOCAL_MACHINE\\Security";
	case TRI_HIVE_NTUSER:	return "HKEY_CURRENT_USER";
	case TRI_HIVE_USRCLASS:	return "HKEY_CURRENT_USER\\Software\\Classes";
	default:		return "";
	}
}

/*
 * The base block: sequence numbers, checksum.  Returns the right checksum
 * when the stored one is wrong (libregf refuses such a hive: it is read
 * from a private copy with the checksum put right), else 0.
 */
static uint32_t
check_header(struct tri_wr_hive *h)
{
	const uint8_t *d = h->a->data;
	uint32_t x = 0, seq1, seq2;
	size_t i;

	seq1 = le32(d + 4);
	seq2 = le32(d + 8);
	for (i = 0; i < 508; i += 4)
		x ^= le32(d + i);
	if (x == 0xffffffffu)
		x = 0xfffffffeu;
	else if (x == 0)
		x = 1;
	if (seq1 != seq2)
		tri_parse_warn(h->ctx, 4, "hive is dirty (sequence numbers "
		    "%u and %u differ): its transaction logs (.LOG1, .LOG2) "
		    "were not applied; keys and values are as in the primary "
		    "file", seq1, seq2);
	if (x == le32(d + 508))
		return 0;
	tri_parse_warn(h->ctx, 508, "hive base block checksum is 0x%08x, "
	    "computed 0x%08x; read on", le32(d + 508), x);
	return x;
}

/*
 * libregf 20201007 reads past a key's value list when the list's cell is
 * smaller than the key's value count says (a bit flip there crashed it):
 * before opening, every key (nk) cell is checked, and a count its list
 * cannot hold is cut to what it holds, in a private copy, with a warning.
 * The cells are those of each hive bin's cell chain; where a chain breaks
 * (a damaged cell size), the rest of that bin is searched at every 8-byte
 * cell boundary for allocated nk cells.
 */
static void
guard_nk(struct tri_wr_hive *h, const uint8_t *d, size_t off, uint8_t **c)
{
	const tr_artifact *a = h->a;
	uint32_t nv, lo, fit = 0;
	int32_t cs;

	nv = le32(d + off + 4 + 36);
	if (nv == 0)
		return;
	lo = le32(d + off + 4 + 40);
	if (lo != 0xffffffffu && (uint64_t)lo + 4096 + 4 <= a->size) {
		memcpy(&cs, d + 4096 + lo, 4);
		cs = cs < 0 ? -cs : cs;
		if (cs >= 4 && (uint64_t)lo + 4096 + (uint32_t)cs <= a->size)
			fit = ((uint32_t)cs - 4) / 4;
	}
	if (nv <= fit)
		return;
	if (*c == NULL) {
		if ((*c = malloc(a->size)) == NULL)
			return;
		memcpy(*c, d, a->size);
	}
	(*c)[off + 40] = (uint8_t)fit;
	(*c)[off + 41] = (uint8_t)(fit >> 8);
	(*c)[off + 42] = (uint8_t)(fit >> 16);
	(*c)[off + 43] = (uint8_t)(fit >> 24);
	tri_parse_warn(h->ctx, off + 4, "key cell claims %u values but its "
	    "value list (offset %llu) holds %u; only those are read", nv,
	    (unsigned long long)lo + 4096, fit);
	tri_parse_lost(h->ctx);
}

static const uint8_t *
guard_values(struct tri_wr_hive *h, uint8_t **copy)
{
	const tr_artifact *a = h->a;
	const uint8_t *d = a->data;
	uint8_t *c = NULL;
	size_t bin, bsz, off, end;
	int32_t cs;
	int chain;

	for (bin = 4096; bin + 32 <= a->size; bin += bsz) {
		bsz = 4096;
		if (memcmp(d + bin, "hbin", 4) != 0)
			continue;	/* a damaged bin: libregf says so */
		bsz = le32(d + bin + 8);
		if (bsz < 4096 || bsz % 4096 != 0 || bsz > a->size - bin)
			bsz = 4096;
		end = bin + bsz;
		chain = 1;
		for (off = bin + 32; off + 4 + 80 <= end;) {
			memcpy(&cs, d + off, 4);
			if (cs < 0 && cs != INT32_MIN && (size_t)-cs >= 84 &&
			    (size_t)-cs <= end - off && d[off + 4] == 'n' &&
			    d[off + 5] == 'k')
				guard_nk(h, d, off, &c);
			if (chain && cs != 0 && cs != INT32_MIN &&
			    (size_t)(cs < 0 ? -cs : cs) % 8 == 0 &&
			    (size_t)(cs < 0 ? -cs : cs) <= end - off)
				off += (size_t)(cs < 0 ? -cs : cs);
			else {
				chain = 0;	/* broken chain: every 8 bytes */
				off += 8;
			}
		}
	}
	*copy = c;
	return c != NULL ? c : d;
}

static int
winreg_match(const uint8_t *head, size_t len, uint64_t size,
    const char *name)
{
	(void)name;
	if (len >= 4 && memcmp(head, "regf", 4) == 0)
		return size >= 512 ? 100 : 50;
	return 0;
}

static int
winreg_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	struct tri_wr_hive h;
	libregf_error_t *e = NULL;
	libbfio_handle_t *bfio = NULL;
	libregf_key_t *root = NULL;
	tr_artifact guarded;
	const uint8_t *data;
	uint8_t *copy = NULL;
	uint32_t sum;
	char eb[512];

	memset(&h, 0, sizeof(h));
	h.ctx = ctx;
	h.a = a;
	h.prefix = "";
	pthread_once(&wr_once, wr_load);
	if (!tri_wr.lib.ok) {
		tri_parse_warn(ctx, UINT64_MAX, "registry hive not read: %s",
		    tri_wr.lib.why);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	if (a->size < 4096) {
		tri_parse_warn(ctx, a->size, "registry hive truncated: %zu "
		    "bytes, shorter than its 4096-byte base block", a->size);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	sum = check_header(&h);
	if ((data = guard_values(&h, &copy)) == NULL)
		return TR_ENOMEM;
	if (sum != 0) {
		if (copy == NULL) {
			if ((copy = malloc(a->size)) == NULL)
				return TR_ENOMEM;
			memcpy(copy, a->data, a->size);
		}
		copy[508] = (uint8_t)sum;
		copy[509] = (uint8_t)(sum >> 8);
		copy[510] = (uint8_t)(sum >> 16);
		copy[511] = (uint8_t)(sum >> 24);
		data = copy;
	}
	guarded = *a;
	guarded.data = data;
	cur_hive = &guarded;
	if (tri_wr.libbfio_memory_range_initialize(&bfio, NULL) != 1 ||
	    tri_wr.libbfio_memory_range_set(bfio, (uint8_t *)data,
	    a->size, NULL) != 1) {
		free(copy);
		tri_wr.libbfio_handle_free(&bfio, NULL);
		return TR_ENOMEM;
	}
	if (tri_wr.libregf_file_initialize(&h.file, &e) != 1) {
		tri_wr.libregf_error_free(&e);
		tri_wr.libbfio_handle_free(&bfio, NULL);
		free(copy);
		return TR_ENOMEM;
	}
	if (tri_wr.libregf_file_open_file_io_handle(h.file, bfio,
	    LIBREGF_OPEN_READ, &e) != 1) {
		tri_parse_warn(ctx, 0, "registry hive cannot be opened: %s",
		    regf_err(&e, eb, sizeof(eb)));
		tri_parse_lost(ctx);
		goto out;
	}
	if (tri_wr.libregf_file_get_root_key(h.file, &root, &e) != 1) {
		tri_parse_warn(ctx, 36, "registry hive: root key cannot be "
		    "read: %s", regf_err(&e, eb, sizeof(eb)));
		tri_parse_lost(ctx);
		tri_wr.libregf_file_close(h.file, NULL);
		goto out;
	}
	h.type = hive_type(root, a->data);
	h.prefix = hive_prefix(h.type);
	walk(&h, root);		/* frees root */
	if (h.rc == TR_OK &&
	    (tri_parse_conf_of(ctx)->registry & TRI_REG_DECODED))
		tri_wr_decoded(&h);
	tri_wr.libregf_file_close(h.file, NULL);
out:
	tri_wr.libregf_file_free(&h.file, NULL);
	tri_wr.libbfio_handle_free(&bfio, NULL);
	cur_hive = NULL;
	free(copy);
	return h.rc;
}

static const char *const winreg_types[] = {
	"windows:registry:key_value", "windows:registry:run",
	"windows:registry:service", "windows:registry:userassist",
	"windows:registry:sam_users", "windows:registry:shutdown",
	"windows:registry:timezone", "windows:registry:computer_name",
	"windows:registry:bam", "windows:registry:amcache",
	"windows:registry:amcache:programs", "windows:registry:usb",
	"windows:registry:mount_points", "windows:registry:profile",
	NULL
};

static const char *const winreg_artifacts[] = {
	"WindowsSystemRegistryFiles", "WindowsUserRegistryFiles",
	"WindowsAMCacheHveFile", "WindowsSAMRegistryFile",
	NULL
};

const tri_parser tri_parser_winreg = {
	"winreg",
	"Windows registry hives (REGF): key last-written times and values, "
	"run keys, services, UserAssist, SAM users, Amcache, BAM, USB",
	winreg_types,
	winreg_artifacts,
	winreg_match,
	winreg_parse,
};
