/* SPDX-License-Identifier: Apache-2.0 */
/* Records: building, JSON Lines writing and reading, RFC 3339 times. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

tr_time
tri_time(int64_t sec, uint32_t nsec, int digits)
{
	tr_time t;

	t.sec = sec;
	t.nsec = nsec;
	t.digits = (int8_t)digits;
	return t;
}

int
tri_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
tri_unhex(const char *hex, size_t len, uint8_t *out)
{
	size_t i;
	int hi, lo;

	if (len % 2 != 0)
		return -1;
	for (i = 0; i < len; i += 2) {
		if ((hi = tri_hexval((unsigned char)hex[i])) < 0 ||
		    (lo = tri_hexval((unsigned char)hex[i + 1])) < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
tri_utc_split(int64_t sec, struct tri_utc *u)
{
	int64_t days = sec / 86400, rem = sec % 86400, y;
	unsigned mo, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &mo, &d);
	u->year = y;
	u->month = (int)mo;
	u->day = (int)d;
	u->hour = (int)(rem / 3600);
	u->min = (int)(rem / 60 % 60);
	u->sec = (int)(rem % 60);
}

static void
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/*
 * RFC 3339 UTC without snprintf (snprintf was a third of the walk's time when
 * every file record carried four times).  Returns the length, 0 when the time
 * is unset or outside years 0000-9999.
 */
size_t
tri_time_put(const tr_time *t, char buf[TR_TIME_STR_MAX])
{
	struct tri_utc u;
	unsigned digits, i;
	uint32_t frac;
	size_t n = 19;

	if (t == NULL || t->digits < 0 || t->nsec >= 1000000000u)
		return 0;
	tri_utc_split(t->sec, &u);
	if (u.year < 0 || u.year > 9999)
		return 0;
	put2(buf, (unsigned)(u.year / 100));
	put2(buf + 2, (unsigned)(u.year % 100));
	buf[4] = '-';
	put2(buf + 5, (unsigned)u.month);
	buf[7] = '-';
	put2(buf + 8, (unsigned)u.day);
	buf[10] = 'T';
	put2(buf + 11, (unsigned)u.hour);
	buf[13] = ':';
	put2(buf + 14, (unsigned)u.min);
	buf[16] = ':';
	put2(buf + 17, (unsigned)u.sec);
	digits = t->digits > 9 ? 9 : (unsigned)t->digits;
	if (digits > 0) {
		frac = t->nsec;
		for (i = 9; i > digits; i--)
			frac /= 10;
		buf[n++] = '.';
		for (i = digits; i > 0; i--) {
			buf[n + i - 1] = (char)('0' + frac % 10);
			frac /= 10;
		}
		n += digits;
	}
	buf[n++] = 'Z';
	buf[n] = '\0';
	return n;
}

char *
tr_time_format(const tr_time *t, char buf[TR_TIME_STR_MAX])
{
	return tri_time_put(t, buf) > 0 ? buf : NULL;
}

static int
digits_at(const char **p, int n, int *val)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*val = v;
	return 0;
}

int
tr_time_parse(const char *s, tr_time *t, tr_error *err)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign, nd = 0;
	uint32_t nsec = 0;
	int64_t days;

	if (s == NULL)
		return tri_error_set(err, TR_EFORMAT, "no date-time given");
	if (digits_at(&p, 4, &y) || *p++ != '-' || digits_at(&p, 2, &mo) ||
	    *p++ != '-' || digits_at(&p, 2, &d))
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits_at(&p, 2, &h) || *p++ != ':' ||
		    digits_at(&p, 2, &mi))
			goto bad;
		if (*p == ':') {
			p++;
			if (digits_at(&p, 2, &sec))
				goto bad;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					goto bad;
				while (isdigit((unsigned char)*p)) {
					if (nd < 9) {
						nsec = nsec * 10 + (*p - '0');
						nd++;
					}
					p++;
				}
				for (int i = nd; i < 9; i++)
					nsec *= 10;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			goto bad;
	}
	days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	t->sec = days * 86400 + h * 3600 + mi * 60 + sec;
	t->nsec = nsec;
	t->digits = (int8_t)nd;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (digits_at(&p, 2, &oh))
			goto bad;
		if (*p == ':')
			p++;
		if (digits_at(&p, 2, &om))
			goto bad;
		t->sec -= sign * (oh * 3600 + om * 60);
	}
	if (*p != '\0')
		goto bad;
	return TR_OK;
bad:
	return tri_error_set(err, TR_EFORMAT,
	    "invalid date-time '%s': expected RFC 3339 such as "
	    "2023-04-05T06:07:08Z", s);
}

int64_t
tr_time_usec(const tr_time *t)
{
	return t->sec * 1000000 + (int64_t)(t->nsec / 1000);
}

tr_rec *
tr_rec_new(const char *kind)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (kind != NULL && json_object_set_new(o, "record",
	    json_string(kind)) != 0) {
		json_decref(o);
		return NULL;
	}
	return TRI_REC(o);
}

tr_rec *
tr_rec_new_object(void)
{
	return TRI_REC(json_object());
}

tr_rec *
tr_rec_new_array(void)
{
	return TRI_REC(json_array());
}

void
tr_rec_free(tr_rec *r)
{
	if (r != NULL)
		json_decref(TRI_JSON(r));
}

tr_rec *
tr_rec_copy(const tr_rec *r)
{
	return TRI_REC(json_deep_copy(TRI_JSON(r)));
}

static int
set_new(tr_rec *r, const char *key, json_t *v)
{
	if (v == NULL)
		return TR_ENOMEM;
	return json_object_set_new(TRI_JSON(r), key, v) == 0 ? TR_OK :
	    TR_ENOMEM;
}

int
tr_rec_set_str(tr_rec *r, const char *key, const char *val)
{
	if (val == NULL)
		return TR_OK;
	/* Guard against invalid UTF-8 sneaking in: fall back to set_text. */
	if (json_object_set_new(TRI_JSON(r), key, json_string(val)) == 0)
		return TR_OK;
	return tr_rec_set_text(r, key, val, strlen(val));
}

size_t
tri_utf8_seq(const unsigned char *p, size_t left)
{
	unsigned c = p[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

char *
tr_text_safe(const char *in, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, n, left = strlen(in);

	if (len == 0)
		return out;
	while (*p != '\0') {
		n = tri_utf8_seq(p, left);
		/* C1 controls: U+0080..U+009F are 0xc2 0x80..0x9f. */
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)) ||
		    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			if (n == 0)
				n = 1;
			if (o + 4 * n + 1 > len)
				break;
			while (n-- > 0) {
				out[o++] = '\\';
				out[o++] = 'x';
				out[o++] = hex[*p >> 4];
				out[o++] = hex[*p & 0xf];
				p++;
				left--;
			}
			continue;
		}
		if (o + n + 1 > len)
			break;
		memcpy(out + o, p, n);
		o += n;
		p += n;
		left -= n;
	}
	out[o] = '\0';
	return out;
}

int
tr_rec_set_text(tr_rec *r, const char *key, const char *bytes, size_t len)
{
	const unsigned char *p = (const unsigned char *)bytes;
	char *fixed, *hex, hexkey[128];
	size_t i, o = 0, n;
	int bad = 0, rc;

	if (bytes == NULL)
		return TR_OK;
	if ((fixed = malloc(len * 3 + 1)) == NULL)
		return TR_ENOMEM;
	fixed[0] = '\0';
	for (i = 0; i < len; ) {
		n = p[i] == 0 ? 0 : tri_utf8_seq(p + i, len - i);
		if (n == 0) {
			memcpy(fixed + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			bad = 1;
		} else {
			memcpy(fixed + o, p + i, n);
			o += n;
			i += n;
		}
	}
	rc = set_new(r, key, json_stringn(fixed, o));
	free(fixed);
	snprintf(hexkey, sizeof(hexkey), "%s_hex", key);
	if (rc != TR_OK || !bad) {
		if (rc == TR_OK)
			json_object_del(TRI_JSON(r), hexkey);
		return rc;
	}
	if ((hex = malloc(len * 2 + 1)) == NULL)
		return TR_ENOMEM;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	rc = set_new(r, hexkey, json_stringn(hex, len * 2));
	free(hex);
	return rc;
}

int
tr_rec_set_int(tr_rec *r, const char *key, int64_t val)
{
	return set_new(r, key, json_integer((json_int_t)val));
}

int
tr_rec_set_uint(tr_rec *r, const char *key, uint64_t val)
{
	char buf[32];

	if (val <= INT64_MAX)
		return set_new(r, key, json_integer((json_int_t)val));
	snprintf(buf, sizeof(buf), "%" PRIu64, val);
	return set_new(r, key, json_string(buf));
}

int
tr_rec_set_real(tr_rec *r, const char *key, double val)
{
	return set_new(r, key, json_real(val));
}

int
tr_rec_set_bool(tr_rec *r, const char *key, int val)
{
	return set_new(r, key, json_boolean(val));
}

int
tr_rec_set_time(tr_rec *r, const char *key, const tr_time *t)
{
	char buf[TR_TIME_STR_MAX];

	if (tr_time_format(t, buf) == NULL)
		return TR_OK;
	return set_new(r, key, json_string(buf));
}

int
tr_rec_set_rec(tr_rec *r, const char *key, tr_rec *child)
{
	return set_new(r, key, TRI_JSON(child));
}

int
tr_rec_append(tr_rec *array, tr_rec *child)
{
	if (child == NULL)
		return TR_ENOMEM;
	return json_array_append_new(TRI_JSON(array), TRI_JSON(child)) == 0 ?
	    TR_OK : TR_ENOMEM;
}

int
tr_rec_append_str(tr_rec *array, const char *val)
{
	json_t *s = json_string(val);

	if (s == NULL && val != NULL) {
		tr_rec *tmp = tr_rec_new_object();
		int rc;

		if (tmp == NULL)
			return TR_ENOMEM;
		rc = tr_rec_set_text(tmp, "v", val, strlen(val));
		if (rc == TR_OK)
			s = json_incref(json_object_get(TRI_JSON(tmp), "v"));
		tr_rec_free(tmp);
	}
	return tr_rec_append(array, TRI_REC(s));
}

int
tr_rec_del(tr_rec *r, const char *key)
{
	json_object_del(TRI_JSON(r), key);
	return TR_OK;
}

const char *
tr_rec_kind(const tr_rec *r)
{
	return tr_rec_get_str(r, "record");
}

const char *
tr_rec_get_str(const tr_rec *r, const char *key)
{
	return json_string_value(json_object_get(TRI_JSON(r), key));
}

int
tr_rec_get_int(const tr_rec *r, const char *key, int64_t *val)
{
	json_t *v = json_object_get(TRI_JSON(r), key);

	if (!json_is_integer(v))
		return 0;
	*val = json_integer_value(v);
	return 1;
}

int
tr_rec_get_bool(const tr_rec *r, const char *key)
{
	json_t *v = json_object_get(TRI_JSON(r), key);

	if (!json_is_boolean(v))
		return -1;
	return json_is_true(v);
}

tr_rec *
tr_rec_get_rec(const tr_rec *r, const char *key)
{
	json_t *v = json_object_get(TRI_JSON(r), key);

	return json_is_object(v) || json_is_array(v) ? TRI_REC(v) : NULL;
}

int
tr_rec_has(const tr_rec *r, const char *key)
{
	return json_object_get(TRI_JSON(r), key) != NULL;
}

size_t
tr_rec_array_size(const tr_rec *array)
{
	return json_array_size(TRI_JSON(array));
}

tr_rec *
tr_rec_array_get(const tr_rec *array, size_t i)
{
	return TRI_REC(json_array_get(TRI_JSON(array), i));
}

const char *
tr_rec_next_key(const tr_rec *r, void **it)
{
	void *i;

	i = *it == NULL ? json_object_iter(TRI_JSON(r)) :
	    json_object_iter_next(TRI_JSON(r), *it);
	*it = i;
	return i == NULL ? NULL : json_object_iter_key(i);
}

int
tr_rec_get_time(const tr_rec *r, const char *key, tr_time *t, tr_error *err)
{
	const char *s = tr_rec_get_str(r, key);

	if (s == NULL)
		return tri_error_set(err, TR_ENOTFOUND, "no '%s' in record",
		    key);
	return tr_time_parse(s, t, err);
}

char *
tr_rec_dump(const tr_rec *r)
{
	return json_dumps(TRI_JSON(r), JSON_COMPACT | JSON_ENCODE_ANY);
}

struct tr_jsonl {
	FILE		*fp;
	unsigned	flags;
	uint64_t	count;
	pthread_mutex_t	lock;
};

int
tr_jsonl_open(tr_jsonl **out, FILE *fp, unsigned flags, tr_error *err)
{
	tr_jsonl *w;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	w->fp = fp;
	w->flags = flags;
	pthread_mutex_init(&w->lock, NULL);
	*out = w;
	return TR_OK;
}

int
tr_jsonl_write(tr_jsonl *w, const tr_rec *r, tr_error *err)
{
	char *s;
	size_t n;
	int rc = TR_OK;

	if ((s = tr_rec_dump(r)) == NULL)
		return tri_error_set(err, TR_ENOMEM,
		    "cannot encode record: out of memory");
	n = strlen(s);
	s[n] = '\n';	/* json_dumps leaves room: replace the NUL */
	pthread_mutex_lock(&w->lock);
	if (fwrite(s, 1, n + 1, w->fp) != n + 1 ||
	    ((w->flags & TR_JSONL_UNBUFFERED) && fflush(w->fp) != 0))
		rc = tri_error_errno(err, TR_EIO, errno,
		    "cannot write record");
	else
		w->count++;
	pthread_mutex_unlock(&w->lock);
	free(s);
	return rc;
}

uint64_t
tr_jsonl_count(const tr_jsonl *w)
{
	return w->count;
}

int
tr_jsonl_close(tr_jsonl *w, tr_error *err)
{
	int rc = TR_OK, e = 0;

	if (w == NULL)
		return TR_OK;
	if (fflush(w->fp) != 0 || ferror(w->fp))
		e = errno != 0 ? errno : EIO;
	if (!(w->flags & TR_JSONL_NOCLOSE) && fclose(w->fp) != 0 && e == 0)
		e = errno;
	if (e != 0)
		rc = tri_error_errno(err, TR_EIO, e, "cannot write output");
	pthread_mutex_destroy(&w->lock);
	free(w);
	return rc;
}

struct tr_jsonl_reader {
	FILE		*fp;
	int		own;
	char		*name;
	char		*line;
	size_t		cap;
	uint64_t	lineno;
};

int
tr_jsonl_reader_fdopen(tr_jsonl_reader **out, FILE *fp, const char *name,
    tr_error *err)
{
	tr_jsonl_reader *rd;

	*out = NULL;
	if ((rd = calloc(1, sizeof(*rd))) == NULL ||
	    (rd->name = strdup(name)) == NULL) {
		free(rd);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	rd->fp = fp;
	*out = rd;
	return TR_OK;
}

int
tr_jsonl_reader_open(tr_jsonl_reader **out, const char *path, tr_error *err)
{
	FILE *fp;
	int rc;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		return tr_jsonl_reader_fdopen(out, stdin, "<stdin>", err);
	if ((fp = fopen(path, "r")) == NULL)
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot open '%s'", path);
	if ((rc = tr_jsonl_reader_fdopen(out, fp, path, err)) != TR_OK) {
		fclose(fp);
		return rc;
	}
	(*out)->own = 1;
	return TR_OK;
}

int
tr_jsonl_read(tr_jsonl_reader *rd, tr_rec **out, tr_error *err)
{
	json_error_t jerr;
	json_t *j;
	ssize_t n;

	*out = NULL;
	for (;;) {
		errno = 0;
		if ((n = getline(&rd->line, &rd->cap, rd->fp)) < 0) {
			if (ferror(rd->fp))
				return tri_error_errno(err, TR_EIO,
				    errno ? errno : EIO,
				    "cannot read '%s' after line %" PRIu64,
				    rd->name, rd->lineno);
			return 0;
		}
		rd->lineno++;
		while (n > 0 && (rd->line[n - 1] == '\n' ||
		    rd->line[n - 1] == '\r'))
			rd->line[--n] = '\0';
		if (n > 0)
			break;
	}
	if ((j = json_loadb(rd->line, (size_t)n, JSON_ALLOW_NUL, &jerr)) ==
	    NULL)
		return tri_error_set(err, TR_EFORMAT,
		    "'%s' line %" PRIu64 ": not valid JSON: %s (column %d)",
		    rd->name, rd->lineno, jerr.text, jerr.column);
	if (!json_is_object(j)) {
		json_decref(j);
		return tri_error_set(err, TR_EFORMAT,
		    "'%s' line %" PRIu64 ": not a JSON object", rd->name,
		    rd->lineno);
	}
	*out = TRI_REC(j);
	return 1;
}

uint64_t
tr_jsonl_reader_line(const tr_jsonl_reader *rd)
{
	return rd->lineno;
}

const char *
tr_jsonl_reader_name(const tr_jsonl_reader *rd)
{
	return rd->name;
}

const char *
tr_jsonl_reader_text(const tr_jsonl_reader *rd)
{
	return rd->line != NULL ? rd->line : "";
}

void
tr_jsonl_reader_close(tr_jsonl_reader *rd)
{
	if (rd == NULL)
		return;
	if (rd->own)
		fclose(rd->fp);
	free(rd->line);
	free(rd->name);
	free(rd);
}
