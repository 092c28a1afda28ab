/* SPDX-License-Identifier: Apache-2.0 */
/* Evaluating compiled Sigma rules against one event. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "sigma_internal.h"

void
tri_sigma_scratch_free(struct mscratch *ms)
{
	free(ms->arena);
	free(ms->buf);
	free(ms->memo);
	if (ms->md != NULL)
		pcre2_match_data_free(ms->md);
	memset(ms, 0, sizeof(*ms));
}

json_t *
tri_sigma_field(const struct rbind *bd, json_t *ev, int field)
{
	const struct fpath *fp = &bd->path[field];
	json_t *o;

	if (fp->k1 == NULL)
		return NULL;
	o = json_object_get(ev, fp->k1);
	if (fp->k2 != NULL)
		o = json_is_object(o) ? json_object_get(o, fp->k2) : NULL;
	return o;
}

/* Same, remembered for the event (paths are interned: compare pointers). */
json_t *
tri_sigma_field_cached(const struct rbind *bd, json_t *ev, int field,
    struct mscratch *ms)
{
	const struct fpath *fp = &bd->path[field];
	size_t h = (((uintptr_t)fp->k1 >> 3) ^ ((uintptr_t)fp->k2 >> 3) * 31) %
	    LCACHE_SLOTS, i, k;
	json_t *v;

	for (k = 0; k < 4; k++) {
		i = (h + k) % LCACHE_SLOTS;
		if (ms->fc[i].serial != ms->serial)
			break;
		if (ms->fc[i].k1 == fp->k1 && ms->fc[i].k2 == fp->k2)
			return ms->fc[i].v;
	}
	v = tri_sigma_field(bd, ev, field);
	if (k < 4) {
		ms->fc[i].k1 = fp->k1;
		ms->fc[i].k2 = fp->k2;
		ms->fc[i].serial = ms->serial;
		ms->fc[i].v = v;
	}
	return v;
}

/* A scalar as text: strings as they are, numbers and booleans printed. */
int
tri_sigma_value_str(json_t *v, char *tmp, size_t tlen, const char **p,
    size_t *len)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		*p = json_string_value(v);
		*len = json_string_length(v);
		return 0;
	case JSON_INTEGER:
		snprintf(tmp, tlen, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(tmp, tlen, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(tmp, tlen, "true");
		break;
	case JSON_FALSE:
		snprintf(tmp, tlen, "false");
		break;
	default:
		return -1;
	}
	*p = tmp;
	*len = strlen(tmp);
	return 0;
}

static const unsigned char *
lower(struct mscratch *ms, const char *p, size_t n)
{
	unsigned char *nb;
	size_t i;

	if (n + 1 > ms->cap) {
		if ((nb = realloc(ms->buf, n + 1)) == NULL)
			return NULL;
		ms->buf = nb;
		ms->cap = n + 1;
	}
	for (i = 0; i < n; i++)
		ms->buf[i] = (unsigned char)tolower((unsigned char)p[i]);
	ms->buf[n] = '\0';
	return ms->buf;
}

/*
 * The lower-case form of string x, computed once per event (a rule set
 * tests CommandLine against hundreds of values).  NULL on no memory.
 */
static const unsigned char *
lower_cached(struct mscratch *ms, const json_t *x, const char *p, size_t n)
{
	size_t h = ((uintptr_t)x >> 4) % LCACHE_SLOTS, i, k;
	unsigned char *na;

	for (k = 0; k < 8; k++) {
		i = (h + k) % LCACHE_SLOTS;
		if (ms->lc[i].serial == ms->serial && ms->lc[i].key == x)
			return ms->arena + ms->lc[i].off;
		if (ms->lc[i].serial != ms->serial)
			break;
	}
	if (k == 8)
		return lower(ms, p, n);
	if (ms->alen + n + 1 > ms->acap) {
		size_t nc = (ms->alen + n + 1) * 2;

		if ((na = realloc(ms->arena, nc)) == NULL)
			return NULL;
		ms->arena = na;
		ms->acap = nc;
	}
	for (k = 0; k < n; k++)
		ms->arena[ms->alen + k] =
		    (unsigned char)tolower((unsigned char)p[k]);
	ms->arena[ms->alen + n] = '\0';
	ms->lc[i].key = x;
	ms->lc[i].serial = ms->serial;
	ms->lc[i].off = ms->alen;
	ms->lc[i].len = n;
	ms->alen += n + 1;
	return ms->arena + ms->lc[i].off;
}

/* Iterative wildcard match with backtracking to the last '*'. */
static int
glob(const unsigned char *p, const unsigned char *w, size_t pn,
    const unsigned char *s, size_t sn)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

	while (si < sn) {
		if (pi < pn && w[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && (w[pi] == '?' || (!w[pi] &&
		    p[pi] == s[si]))) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else
			return 0;
	}
	while (pi < pn && w[pi] == '*')
		pi++;
	return pi == pn;
}

/* Short needles in short texts: memchr on the first byte beats memmem. */
static int
find(const unsigned char *s, size_t n, const unsigned char *lit, size_t ln)
{
	const unsigned char *p = s, *end;

	if (ln > n)
		return 0;
	end = s + (n - ln) + 1;
	while (p < end && (p = memchr(p, lit[0], (size_t)(end - p))) != NULL) {
		if (memcmp(p + 1, lit + 1, ln - 1) == 0)
			return 1;
		p++;
	}
	return 0;
}

static int
match_text(const struct sval *v, enum sv_kind kind, const unsigned char *s,
    size_t n, const unsigned char *lit, size_t ln)
{
	switch (kind) {
	case SV_EQ:
		return n == ln && memcmp(s, lit, n) == 0;
	case SV_PREFIX:
		return n >= ln && memcmp(s, lit, ln) == 0;
	case SV_SUFFIX:
		return n >= ln && memcmp(s + n - ln, lit, ln) == 0;
	case SV_CONTAINS:
		return ln == 0 || find(s, n, lit, ln);
	case SV_ANY:
		return 1;
	case SV_GLOB:
		return glob(v->s, v->wild, v->len, s, n);
	default:
		return 0;
	}
}

static int
parse_ip(const char *p, size_t n, unsigned char addr[16], int *fam)
{
	char buf[64];

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		*fam = 4;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*fam = 6;
	else
		return -1;
	return 0;
}

static int
cidr_match(const struct sval *v, const char *p, size_t n)
{
	unsigned char a[16];
	int fam, full, rest;

	if (parse_ip(p, n, a, &fam) != 0 || fam != v->fam)
		return 0;
	full = v->bits / 8;
	rest = v->bits % 8;
	if (memcmp(a, v->addr, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((a[full] ^ v->addr[full]) &
	    (0xff << (8 - rest)) & 0xff) == 0;
}

static int
num_of(json_t *x, double *d)
{
	const char *s;
	char *end;

	if (json_is_number(x)) {
		*d = json_number_value(x);
		return 0;
	}
	if (!json_is_string(x) || *(s = json_string_value(x)) == '\0')
		return -1;
	*d = strtod(s, &end);
	return *end == '\0' ? 0 : -1;
}

static int
time_match(const struct sval *v, json_t *x)
{
	tr_time t;
	struct tm tm;
	time_t sec;
	char wk[8];
	int part;

	if (!json_is_string(x) ||
	    tr_time_parse(json_string_value(x), &t, NULL) != TR_OK)
		return 0;
	sec = (time_t)t.sec;
	if (gmtime_r(&sec, &tm) == NULL)
		return 0;
	switch (v->tpart) {
	case 'm':
		part = tm.tm_min;
		break;
	case 'h':
		part = tm.tm_hour;
		break;
	case 'd':
		part = tm.tm_mday;
		break;
	case 'w':
		strftime(wk, sizeof(wk), "%V", &tm);
		part = atoi(wk);
		break;
	case 'M':
		part = tm.tm_mon + 1;
		break;
	default:
		part = tm.tm_year + 1900;
		break;
	}
	return (double)part == v->num;
}

/* One value against one scalar field value x (not NULL, not an array). */
static int
sval_scalar(const struct sval *v, json_t *x, const struct rbind *bd,
    json_t *ev, struct mscratch *ms)
{
	char tmp[64], rtmp[64];
	const char *p, *rp;
	const unsigned char *a;
	size_t n, rn;
	double d;
	int r;

	switch (v->kind) {
	case SV_NUM:
		if (num_of(x, &d) != 0)
			return 0;
		return v->op == '<' ? d < v->num : v->op == 'l' ?
		    d <= v->num : v->op == '>' ? d > v->num : d >= v->num;
	case SV_TIME:
		return time_match(v, x);
	default:
		break;
	}
	if (tri_sigma_value_str(x, tmp, sizeof(tmp), &p, &n) != 0)
		return 0;
	switch (v->kind) {
	case SV_RE:
		if (ms->md == NULL && (ms->md =
		    pcre2_match_data_create(1, NULL)) == NULL)
			return 0;
		r = pcre2_match(v->re, (PCRE2_SPTR)p, n, 0, 0, ms->md, NULL);
		return r >= 0;
	case SV_CIDR:
		return cidr_match(v, p, n);
	case SV_FIELDREF: {
		json_t *y = tri_sigma_field(bd, ev, v->ref);
		unsigned char *bcopy;

		if (y == NULL || json_is_null(y) ||
		    tri_sigma_value_str(y, rtmp, sizeof(rtmp), &rp, &rn) != 0)
			return 0;
		if (v->cased)
			return match_text(v, v->refmode,
			    (const unsigned char *)p, n,
			    (const unsigned char *)rp, rn);
		if ((bcopy = malloc(rn + 1)) == NULL)
			return 0;
		for (size_t i = 0; i < rn; i++)
			bcopy[i] = (unsigned char)tolower((unsigned char)rp[i]);
		a = lower(ms, p, n);
		r = a != NULL && match_text(v, v->refmode, a, n, bcopy, rn);
		free(bcopy);
		return r;
	}
	default:
		if (v->cased || v->kind == SV_ANY)
			return match_text(v, v->kind, (const unsigned char *)p,
			    n, v->s, v->len);
		a = json_is_string(x) ? lower_cached(ms, x, p, n) :
		    lower(ms, p, n);
		return a != NULL && match_text(v, v->kind, a, n, v->s, v->len);
	}
}

/* One value against a field's value (absent: NULL). */
static int
sval_match(const struct sval *v, json_t *x, const struct rbind *bd,
    json_t *ev, struct mscratch *ms)
{
	size_t i;
	int r = 0;

	if (v->kind == SV_EXISTS)
		return (x != NULL) == (v->exists != 0);
	if (v->kind == SV_NULL) {
		r = x == NULL || json_is_null(x) || (json_is_string(x) &&
		    json_string_length(x) == 0);
		return v->neg ? !r : r;
	}
	if (x == NULL || json_is_null(x))
		return v->neg;
	if (json_is_array(x)) {
		for (i = 0; i < json_array_size(x) && !r; i++)
			r = sval_scalar(v, json_array_get(x, i), bd, ev, ms);
	} else if (json_is_object(x))
		r = 0;
	else
		r = sval_scalar(v, x, bd, ev, ms);
	return v->neg ? !r : r;
}

static int
kw_walk(const struct sval *v, json_t *x, struct mscratch *ms, int depth)
{
	const char *k;
	json_t *y;
	size_t i;

	if (depth > 16)
		return 0;
	if (json_is_object(x)) {
		json_object_foreach(x, k, y) {
			if (strcmp(k, "xml_string") == 0 ||
			    strcmp(k, "record") == 0)
				continue;
			if (kw_walk(v, y, ms, depth + 1))
				return 1;
		}
		return 0;
	}
	if (json_is_array(x)) {
		json_array_foreach(x, i, y)
			if (kw_walk(v, y, ms, depth + 1))
				return 1;
		return 0;
	}
	if (!json_is_string(x))
		return 0;
	return sval_scalar(v, x, NULL, NULL, ms);
}

/* Keyword search: the value anywhere in the event's text. */
static int
kw_match(const struct sval *v, const struct rbind *bd, json_t *ev,
    struct mscratch *ms)
{
	const struct lsproduct *pr = bd->alt != NULL ? bd->alt->prod : NULL;
	size_t i;

	if (pr == NULL || pr->nkw == 0)
		return kw_walk(v, ev, ms, 0);
	for (i = 0; i < pr->nkw; i++) {
		json_t *x = json_object_get(ev, pr->kw[i]);

		if (x != NULL && kw_walk(v, x, ms, 0))
			return 1;
	}
	return 0;
}

static int
fcond_match(const struct fcond *fc, const struct rbind *bd, json_t *ev,
    struct mscratch *ms)
{
	json_t *x = fc->field >= 0 ? tri_sigma_field_cached(bd, ev,
	    fc->field, ms) : NULL;
	size_t i;
	int r;

	for (i = 0; i < fc->nv; i++) {
		r = fc->field >= 0 ? sval_match(&fc->v[i], x, bd, ev, ms) :
		    kw_match(&fc->v[i], bd, ev, ms);
		if (fc->all && !r)
			return 0;
		if (!fc->all && r)
			return 1;
	}
	return fc->all && fc->nv > 0;
}

static int
search_match(const struct search *s, const struct rbind *bd, json_t *ev,
    struct mscratch *ms)
{
	size_t a, i;

	for (a = 0; a < s->nalt; a++) {
		for (i = 0; i < s->alt[a].n; i++)
			if (!fcond_match(&s->alt[a].c[i], bd, ev, ms))
				break;
		if (i == s->alt[a].n)
			return 1;
	}
	return 0;
}

static int
search_memo(const struct rule *r, int idx, const struct rbind *bd,
    json_t *ev, struct mscratch *ms, int8_t *memo)
{
	if (memo[idx] < 0)
		memo[idx] = (int8_t)search_match(&r->s[idx], bd, ev, ms);
	return memo[idx];
}

static int
cond_eval(const struct rule *r, const struct cnode *c,
    const struct rbind *bd, json_t *ev, struct mscratch *ms, int8_t *memo)
{
	size_t i;
	int n;

	switch (c->op) {
	case CN_SEARCH:
		return search_memo(r, c->idx, bd, ev, ms, memo);
	case CN_AND:
		return cond_eval(r, c->a, bd, ev, ms, memo) &&
		    cond_eval(r, c->b, bd, ev, ms, memo);
	case CN_OR:
		return cond_eval(r, c->a, bd, ev, ms, memo) ||
		    cond_eval(r, c->b, bd, ev, ms, memo);
	case CN_NOT:
		return !cond_eval(r, c->a, bd, ev, ms, memo);
	case CN_ANYOF:
		for (i = 0; i < c->nset; i++)
			if (search_memo(r, c->set[i], bd, ev, ms, memo))
				return 1;
		return 0;
	case CN_ALLOF:
		for (i = 0; i < c->nset; i++)
			if (!search_memo(r, c->set[i], bd, ev, ms, memo))
				return 0;
		return 1;
	case CN_NOF:
		for (i = 0, n = 0; i < c->nset; i++)
			n += search_memo(r, c->set[i], bd, ev, ms, memo);
		return n >= c->n;
	}
	return 0;
}

static int
rule_eval(const struct rule *r, const struct rbind *bd, json_t *ev,
    struct mscratch *ms)
{
	int8_t *memo;
	size_t i;

	if (r->ns > ms->memocap) {
		if ((memo = realloc(ms->memo, r->ns)) == NULL)
			return 0;
		ms->memo = memo;
		ms->memocap = r->ns;
	}
	memo = ms->memo;
	memset(memo, -1, r->ns);
	for (i = 0; i < r->ncond; i++)
		if (cond_eval(r, r->cond[i], bd, ev, ms, memo))
			return 1;
	return 0;
}

/* Whether rule r, bound as r->bind[b], matches ev (filters applied). */
int
tri_sigma_rule_match(const struct rule *r, size_t b, json_t *ev,
    struct mscratch *ms)
{
	size_t i;

	if (!rule_eval(r, &r->bind[b], ev, ms))
		return 0;
	for (i = 0; i < r->nfilters; i++)
		if (!rule_eval(r->filters[i], &r->fbind[i][b], ev, ms))
			return 0;
	return 1;
}
