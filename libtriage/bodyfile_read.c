/* SPDX-License-Identifier: Apache-2.0 */
/* Reading TSK bodyfile 3 lines (fls -m, ils -m, tsk_gettimes, fiwalk -m). */
#include "internal.h"

#include <inttypes.h>
#include <string.h>

#include "triage/timeline.h"

static const char *const field_names[11] = {
	"MD5", "name", "inode", "mode", "UID", "GID", "size", "atime",
	"mtime", "ctime", "crtime"
};

static int
all_digits(const tr_span *s)
{
	size_t i;

	if (s->len == 0)
		return 0;
	for (i = 0; i < s->len; i++)
		if (s->p[i] < '0' || s->p[i] > '9')
			return 0;
	return 1;
}

/*
 * Integer seconds with an optional fraction; "0" and "-1" are unset.  -1
 * (bad) outside years 0000-9999: no date could show it.
 */
static int
parse_time(const tr_span *s, tr_time *t)
{
	const char *p = s->p, *end = s->p + s->len;
	int64_t sec = 0;
	uint32_t nsec = 0;
	int neg = 0, nd = 0, any = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (sec > (INT64_MAX - 9) / 10)
			return -1;
		sec = sec * 10 + (*p - '0');
		any = 1;
	}
	if (!any)
		return -1;
	if (p < end && *p == '.') {
		p++;
		if (p == end)
			return -1;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (nd < 9) {
				nsec = nsec * 10 + (uint32_t)(*p - '0');
				nd++;
			}
		for (int i = nd; i < 9; i++)
			nsec *= 10;
	}
	if (p != end)
		return -1;
	if ((sec == 0 && nsec == 0) || (neg && sec == 1 && nsec == 0)) {
		*t = TR_TIME_UNSET;
		return 0;
	}
	if (neg) {
		sec = -sec;
		if (nsec > 0) {
			sec--;
			nsec = 1000000000u - nsec;
		}
	}
	/* Years 0000-9999, as RFC 3339 and event records allow. */
	if (sec < -62167219200LL || sec > 253402300799LL)
		return -1;
	t->sec = sec;
	t->nsec = nsec;
	t->digits = (int8_t)nd;
	return 0;
}

int
tr_bodyfile_parse(const char *line, size_t len, const char *input,
    uint64_t lineno, tr_body_line *out, tr_error *err)
{
	tr_span f[11];
	tr_time *times[4] = { &out->atime, &out->mtime, &out->ctime,
	    &out->crtime };
	const char *p, *bar, *end = line + len;
	size_t bars = 0, i;
	int k;

	for (p = line; p < end; p++)
		if (*p == '|')
			bars++;
	if (bars < 10)
		return tri_error_set(err, TR_EFORMAT,
		    "'%s' line %" PRIu64 ": not a bodyfile line: expected 11 "
		    "'|'-separated fields (MD5|name|inode|mode|UID|GID|size|"
		    "atime|mtime|ctime|crtime), found %zu", input, lineno,
		    bars + 1);
	/* MD5 up to the first bar; the last nine fields from the end. */
	bar = memchr(line, '|', len);
	f[0].p = line;
	f[0].len = (size_t)(bar - line);
	p = end;
	for (k = 10; k >= 2; k--) {
		const char *q = p;

		while (q > line && q[-1] != '|')
			q--;
		f[k].p = q;
		f[k].len = (size_t)(p - q);
		p = q - 1;		/* the bar before this field */
	}
	f[1].p = bar + 1;
	f[1].len = (size_t)(p - (bar + 1));
	for (i = 4; i <= 6; i++)
		if (!all_digits(&f[i]))
			goto bad_field;
	i = 2;
	if (f[2].len == 0 || strspn(f[2].p, "0123456789-") < f[2].len)
		goto bad_field;
	if (f[1].len == 0) {
		i = 1;
		goto bad_field;
	}
	for (i = 7; i <= 10; i++)
		if (parse_time(&f[i], times[i - 7]) != 0)
			goto bad_field;
	out->md5 = f[0];
	out->name = f[1];
	out->inode = f[2];
	out->mode = f[3];
	out->uid = f[4];
	out->gid = f[5];
	out->size = f[6];
	return TR_OK;
bad_field:
	return tri_error_set(err, TR_EFORMAT,
	    "'%s' line %" PRIu64 ": not a bodyfile line: bad %s field '%.*s'",
	    input, lineno, field_names[i], (int)(f[i].len > 64 ? 64 :
	    f[i].len), f[i].p);
}
