/* SPDX-License-Identifier: Apache-2.0 */
/* Sigma values with their modifiers, and conditions, compiled. */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sigma_internal.h"

uint64_t
tri_sigma_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	while (n-- > 0)
		h = (h ^ (unsigned char)*p++) * 1099511628211ull;
	return h;
}

static int
why_set(char *why, size_t wlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, wlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A string with a wildcard mask: '*', '?' or 0 (literal) per byte. */
struct wstr {
	unsigned char	*s, *w;
	size_t		len, cap;
};

static int
ws_put(struct wstr *ws, unsigned char c, unsigned char w)
{
	unsigned char *ns, *nw;
	size_t nc;

	if (ws->len == ws->cap) {
		nc = ws->cap ? ws->cap * 2 : 32;
		if ((ns = realloc(ws->s, nc + 1)) == NULL)
			return -1;
		ws->s = ns;
		if ((nw = realloc(ws->w, nc + 1)) == NULL)
			return -1;
		ws->w = nw;
		ws->cap = nc;
	}
	ws->s[ws->len] = c;
	ws->w[ws->len++] = w;
	ws->s[ws->len] = '\0';
	return 0;
}

static void
ws_free(struct wstr *ws)
{
	free(ws->s);
	free(ws->w);
	memset(ws, 0, sizeof(*ws));
}

/* Sigma's escaping: \* \? \\ are literals; other backslashes stay. */
static int
ws_parse(struct wstr *ws, const char *raw, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '\\' && i + 1 < n && (raw[i + 1] == '*' ||
		    raw[i + 1] == '?' || raw[i + 1] == '\\'))
			rc = ws_put(ws, (unsigned char)raw[++i], 0);
		else if (c == '*' || c == '?')
			rc = ws_put(ws, c, c);
		else
			rc = ws_put(ws, c, 0);
	}
	if (rc == 0 && ws->s == NULL)
		rc = ws_put(ws, 0, 0) == 0 ? (ws->len = 0, 0) : -1;
	return rc;
}

static int
ws_haswild(const struct wstr *ws)
{
	size_t i;

	for (i = 0; i < ws->len; i++)
		if (ws->w[i])
			return 1;
	return 0;
}

/* Next code point of UTF-8 (invalid bytes taken as Latin-1). */
static uint32_t
utf8_next(const unsigned char *s, size_t n, size_t *i)
{
	uint32_t c = s[*i];
	int k, len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
	    (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

	if (len <= 1 || *i + (size_t)len > n) {
		(*i)++;
		return c;
	}
	c &= 0xff >> (len + 1);
	for (k = 1; k < len; k++) {
		if ((s[*i + k] & 0xc0) != 0x80) {
			c = s[(*i)++];
			return c;
		}
		c = (c << 6) | (s[*i + k] & 0x3f);
	}
	*i += len;
	return c;
}

static int
put16(struct wstr *o, uint32_t u, int be, unsigned char w)
{
	unsigned char a = u & 0xff, b = (u >> 8) & 0xff;

	if (be)
		return ws_put(o, b, 0) || ws_put(o, a, 0);
	if (w)
		return ws_put(o, a, w);
	return ws_put(o, a, 0) || ws_put(o, b, 0);
}

/* utf16le/utf16be/utf16 (with BOM): wildcards stay wildcards. */
static int
ws_utf16(struct wstr *ws, int be, int bom)
{
	struct wstr o = { 0 };
	uint32_t c;
	size_t i = 0, j;
	int rc = 0;

	if (bom)
		rc = be ? ws_put(&o, 0xfe, 0) || ws_put(&o, 0xff, 0) :
		    ws_put(&o, 0xff, 0) || ws_put(&o, 0xfe, 0);
	while (rc == 0 && i < ws->len) {
		if (ws->w[i]) {
			rc = ws_put(&o, ws->s[i], ws->w[i]);
			i++;
			continue;
		}
		j = i;
		while (j < ws->len && ws->w[j] == 0)
			j++;
		c = utf8_next(ws->s, j, &i);
		if (c >= 0x10000) {
			c -= 0x10000;
			rc = put16(&o, 0xd800 + (c >> 10), be, 0) ||
			    put16(&o, 0xdc00 + (c & 0x3ff), be, 0);
		} else
			rc = put16(&o, c, be, 0);
	}
	if (rc == 0 && o.s == NULL)
		rc = ws_put(&o, 0, 0) == 0 ? (o.len = 0, 0) : -1;
	ws_free(ws);
	*ws = o;
	return rc;
}

static const char b64c[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64_encode(struct wstr *o, const unsigned char *p, size_t n)
{
	size_t i;
	uint32_t v;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		rc = ws_put(o, b64c[(v >> 18) & 63], 0) ||
		    ws_put(o, b64c[(v >> 12) & 63], 0) ||
		    ws_put(o, i + 1 < n ? b64c[(v >> 6) & 63] : '=', 0) ||
		    ws_put(o, i + 2 < n ? b64c[v & 63] : '=', 0);
	}
	return rc;
}

/*
 * base64offset: the value encoded at each of the three byte alignments it
 * can have inside a longer encoded text, cut to the characters that do not
 * depend on its neighbours.
 */
static int
ws_base64(struct wstr *ws, struct wstr out[3], size_t *nout, int offset)
{
	static const size_t cut_start[3] = { 0, 2, 3 };
	struct wstr t;
	unsigned char *buf;
	size_t i, k, end, cut_end;

	if (!offset) {
		memset(&out[0], 0, sizeof(out[0]));
		*nout = 1;
		return b64_encode(&out[0], ws->s, ws->len);
	}
	if ((buf = malloc(ws->len + 3)) == NULL)
		return -1;
	*nout = 0;
	for (i = 0; i < 3; i++) {
		memset(&t, 0, sizeof(t));
		memset(buf, ' ', i);
		memcpy(buf + i, ws->s, ws->len);
		if (b64_encode(&t, buf, ws->len + i) != 0) {
			ws_free(&t);
			free(buf);
			return -1;
		}
		k = (ws->len + i) % 3;
		cut_end = k == 0 ? 0 : k == 1 ? 3 : 2;
		end = t.len >= cut_end ? t.len - cut_end : 0;
		memset(&out[i], 0, sizeof(out[i]));
		if (end > cut_start[i]) {
			for (k = cut_start[i]; k < end; k++)
				if (ws_put(&out[i], t.s[k], 0) != 0) {
					ws_free(&t);
					free(buf);
					return -1;
				}
			(*nout)++;
		} else if (ws_put(&out[i], 0, 0) == 0)
			out[i].len = 0;
		ws_free(&t);
	}
	free(buf);
	/* Keep the non-empty ones at the front. */
	for (i = 0, k = 0; i < 3; i++) {
		if (out[i].len > 0) {
			t = out[k];
			out[k++] = out[i];
			out[i] = t;
		}
	}
	for (i = k; i < 3; i++)
		ws_free(&out[i]);
	*nout = k;
	return 0;
}

void
tri_sigma_sval_release(struct sval *v)
{
	free(v->s);
	free(v->wild);
	if (v->re != NULL)
		pcre2_code_free(v->re);
	memset(v, 0, sizeof(*v));
}

/* The modifiers, as bits. */
enum {
	M_CONTAINS = 1 << 0, M_STARTS = 1 << 1, M_ENDS = 1 << 2,
	M_WINDASH = 1 << 3, M_RE = 1 << 4, M_I = 1 << 5, M_M = 1 << 6,
	M_S = 1 << 7, M_CIDR = 1 << 8, M_B64 = 1 << 9, M_B64OFF = 1 << 10,
	M_U16LE = 1 << 11, M_U16BE = 1 << 12, M_U16 = 1 << 13,
	M_FIELDREF = 1 << 14, M_EXISTS = 1 << 15, M_CASED = 1 << 16,
	M_NEQ = 1 << 17, M_LT = 1 << 18, M_LTE = 1 << 19, M_GT = 1 << 20,
	M_GTE = 1 << 21, M_TIME = 1 << 22, M_EXPAND = 1 << 23
};

static const struct {
	const char	*name;
	unsigned	bit;
	int		tpart;
} modtab[] = {
	{ "contains", M_CONTAINS, 0 }, { "startswith", M_STARTS, 0 },
	{ "endswith", M_ENDS, 0 }, { "windash", M_WINDASH, 0 },
	{ "re", M_RE, 0 }, { "i", M_I, 0 }, { "m", M_M, 0 }, { "s", M_S, 0 },
	{ "cidr", M_CIDR, 0 }, { "base64", M_B64, 0 },
	{ "base64offset", M_B64OFF, 0 }, { "utf16le", M_U16LE, 0 },
	{ "wide", M_U16LE, 0 }, { "utf16be", M_U16BE, 0 },
	{ "utf16", M_U16, 0 }, { "fieldref", M_FIELDREF, 0 },
	{ "exists", M_EXISTS, 0 }, { "cased", M_CASED, 0 },
	{ "neq", M_NEQ, 0 }, { "lt", M_LT, 0 }, { "lte", M_LTE, 0 },
	{ "gt", M_GT, 0 }, { "gte", M_GTE, 0 },
	{ "minute", M_TIME, 'm' }, { "hour", M_TIME, 'h' },
	{ "day", M_TIME, 'd' }, { "week", M_TIME, 'w' },
	{ "month", M_TIME, 'M' }, { "year", M_TIME, 'y' },
	{ "expand", M_EXPAND, 0 }
};

/* Parse modifier names into bits; 0 and *why on an unknown one. */
static int
mods_parse(const char *const *mods, size_t n, unsigned *bits, int *tpart,
    char *why, size_t wlen)
{
	size_t i, k;

	*bits = 0;
	*tpart = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(modtab) / sizeof(modtab[0]); k++)
			if (strcmp(mods[i], modtab[k].name) == 0)
				break;
		if (k == sizeof(modtab) / sizeof(modtab[0]))
			return why_set(why, wlen, "unknown modifier '%s'",
			    mods[i]);
		*bits |= modtab[k].bit;
		if (modtab[k].tpart)
			*tpart = modtab[k].tpart;
	}
	if ((*bits & (M_I | M_M | M_S)) && !(*bits & M_RE))
		return why_set(why, wlen, "modifiers i, m, s need re");
	if (__builtin_popcount(*bits & (M_CONTAINS | M_STARTS | M_ENDS)) > 1)
		return why_set(why, wlen, "contradicting modifiers "
		    "contains/startswith/endswith");
	return 0;
}

static int
push(struct fcond *fc, size_t *cap, struct sval *v)
{
	struct sval *nv;

	if (fc->nv == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		if ((nv = realloc(fc->v, *cap * sizeof(*nv))) == NULL)
			return -1;
		fc->v = nv;
	}
	fc->v[fc->nv++] = *v;
	return 0;
}

/* A literal or wildcard pattern, case-folded unless cased. */
static int
compile_pattern(struct sval *v, struct wstr *ws, unsigned bits)
{
	size_t i, a = 0, b = ws->len;
	int lead = 0, trail = 0, inner = 0;

	memset(v, 0, sizeof(*v));
	v->cased = (bits & M_CASED) != 0;
	if (bits & (M_CONTAINS | M_ENDS))
		lead = 1;
	if (bits & (M_CONTAINS | M_STARTS))
		trail = 1;
	while (a < b && ws->w[a] == '*') {
		lead = 1;
		a++;
	}
	while (b > a && ws->w[b - 1] == '*') {
		trail = 1;
		b--;
	}
	for (i = a; i < b; i++)
		if (ws->w[i])
			inner = 1;
	if (!v->cased)
		for (i = 0; i < ws->len; i++)
			if (!ws->w[i])
				ws->s[i] = (unsigned char)tolower(ws->s[i]);
	if (!inner) {
		v->kind = lead && trail ? SV_CONTAINS : lead ? SV_SUFFIX :
		    trail ? SV_PREFIX : SV_EQ;
		if (lead && trail && a == b)
			v->kind = SV_ANY;
		v->len = b - a;
		if ((v->s = malloc(v->len + 1)) == NULL)
			return -1;
		memcpy(v->s, ws->s + a, v->len);
		v->s[v->len] = '\0';
		return 0;
	}
	v->kind = SV_GLOB;
	v->len = (b - a) + (size_t)lead + (size_t)trail;
	if ((v->s = malloc(v->len + 1)) == NULL ||
	    (v->wild = malloc(v->len + 1)) == NULL)
		return -1;
	i = 0;
	if (lead) {
		v->s[i] = '*';
		v->wild[i++] = '*';
	}
	memcpy(v->s + i, ws->s + a, b - a);
	memcpy(v->wild + i, ws->w + a, b - a);
	i += b - a;
	if (trail) {
		v->s[i] = '*';
		v->wild[i++] = '*';
	}
	v->s[i] = '\0';
	return 0;
}

static int
parse_cidr(struct sval *v, const char *raw)
{
	char buf[64], *slash, *end;
	long bits;

	if (strlen(raw) >= sizeof(buf))
		return -1;
	strcpy(buf, raw);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, v->addr) == 1)
		v->fam = 4;
	else if (inet_pton(AF_INET6, buf, v->addr) == 1)
		v->fam = 6;
	else
		return -1;
	bits = v->fam == 4 ? 32 : 128;
	if (slash != NULL) {
		errno = 0;
		bits = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || bits < 0 ||
		    bits > (v->fam == 4 ? 32 : 128))
			return -1;
	}
	v->bits = (int)bits;
	v->kind = SV_CIDR;
	return 0;
}

static int
parse_num(const char *raw, double *out)
{
	char *end;

	if (raw == NULL || *raw == '\0')
		return -1;
	errno = 0;
	*out = strtod(raw, &end);
	return *end != '\0' || errno != 0 ? -1 : 0;
}

/* windash: '-' and '/' at the start of a word in each of their forms. */
static const char *const dashes[] = { "-", "/", "\xe2\x80\x93",
	"\xe2\x80\x94", "\xe2\x80\x95" };

static char *
windash_variant(const char *raw, const char *d)
{
	size_t n = strlen(raw), i, j = 0, dl = strlen(d);
	char *o = malloc(n * 3 + 1);

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((raw[i] == '-' || raw[i] == '/') &&
		    (i == 0 || raw[i - 1] == ' ' || raw[i - 1] == '*' ||
		    raw[i - 1] == '"' || raw[i - 1] == '\'')) {
			memcpy(o + j, d, dl);
			j += dl;
		} else
			o[j++] = raw[i];
	}
	o[j] = '\0';
	return o;
}

/*
 * Compile one value under its modifiers, appending the resulting values
 * (several for windash, base64offset, expand) to fc.  raw NULL is YAML
 * null.  Returns 0, or -1 with *why (a refused rule); ENOMEM is -2.
 */
int
tri_sigma_compile_value(struct fcond *fc, size_t *cap, const char *raw,
    const char *const *mods, size_t nmods, const char *const *fields,
    size_t nfields, char *why, size_t wlen)
{
	struct wstr ws = { 0 }, enc[3];
	struct sval v;
	unsigned bits;
	size_t i, nenc, nvar = 1;
	char *var[5] = { NULL };
	int tpart, rc = -1, code, k;
	PCRE2_SIZE off;

	if (mods_parse(mods, nmods, &bits, &tpart, why, wlen) != 0)
		return -1;
	memset(&v, 0, sizeof(v));
	if (bits & M_EXPAND)
		return why_set(why, wlen, "placeholder value '%s' needs "
		    "--placeholders", raw ? raw : "null");
	if (bits & M_EXISTS) {
		v.kind = SV_EXISTS;
		if (raw == NULL || (strcmp(raw, "true") != 0 &&
		    strcmp(raw, "false") != 0))
			return why_set(why, wlen, "exists needs true or false");
		v.exists = strcmp(raw, "true") == 0;
		return push(fc, cap, &v) ? -2 : 0;
	}
	if (raw == NULL) {
		if (bits & ~(M_NEQ | M_CASED))
			return why_set(why, wlen, "null value with modifiers");
		v.kind = SV_NULL;
		v.neg = (bits & M_NEQ) != 0;
		return push(fc, cap, &v) ? -2 : 0;
	}
	if (bits & M_RE) {
		code = (bits & M_I ? PCRE2_CASELESS : 0) |
		    (bits & M_M ? PCRE2_MULTILINE : 0) |
		    (bits & M_S ? PCRE2_DOTALL : 0) | PCRE2_UTF |
		    PCRE2_MATCH_INVALID_UTF;
		v.kind = SV_RE;
		v.re = pcre2_compile((PCRE2_SPTR)raw, PCRE2_ZERO_TERMINATED,
		    (uint32_t)code, &k, &off, NULL);
		if (v.re == NULL) {
			PCRE2_UCHAR msg[128];

			pcre2_get_error_message(k, msg, sizeof(msg));
			return why_set(why, wlen, "bad regular expression "
			    "'%s' at %zu: %s", raw, (size_t)off, (char *)msg);
		}
		(void)pcre2_jit_compile(v.re, PCRE2_JIT_COMPLETE);
		v.neg = (bits & M_NEQ) != 0;
		if (push(fc, cap, &v) != 0) {
			pcre2_code_free(v.re);
			return -2;
		}
		return 0;
	}
	if (bits & M_CIDR) {
		if (parse_cidr(&v, raw) != 0)
			return why_set(why, wlen, "bad CIDR '%s'", raw);
		v.neg = (bits & M_NEQ) != 0;
		return push(fc, cap, &v) ? -2 : 0;
	}
	if (bits & (M_LT | M_LTE | M_GT | M_GTE)) {
		v.kind = SV_NUM;
		if (parse_num(raw, &v.num) != 0)
			return why_set(why, wlen, "not a number: '%s'", raw);
		v.op = bits & M_LT ? '<' : bits & M_LTE ? 'l' :
		    bits & M_GT ? '>' : 'g';
		return push(fc, cap, &v) ? -2 : 0;
	}
	if (bits & M_TIME) {
		v.kind = SV_TIME;
		v.tpart = tpart;
		if (parse_num(raw, &v.num) != 0)
			return why_set(why, wlen, "not a number: '%s'", raw);
		return push(fc, cap, &v) ? -2 : 0;
	}
	if (bits & M_FIELDREF) {
		v.kind = SV_FIELDREF;
		v.refmode = bits & M_CONTAINS ? SV_CONTAINS : bits & M_STARTS ?
		    SV_PREFIX : bits & M_ENDS ? SV_SUFFIX : SV_EQ;
		v.cased = (bits & M_CASED) != 0;
		v.neg = (bits & M_NEQ) != 0;
		v.ref = -1;
		for (i = 0; i < nfields; i++)
			if (strcmp(fields[i], raw) == 0)
				v.ref = (int)i;
		if (v.ref < 0)
			return why_set(why, wlen, "fieldref to unknown field "
			    "'%s'", raw);
		return push(fc, cap, &v) ? -2 : 0;
	}
	if (bits & M_WINDASH) {
		nvar = 0;
		for (i = 0; i < sizeof(dashes) / sizeof(dashes[0]); i++)
			if ((var[nvar++] = windash_variant(raw, dashes[i])) ==
			    NULL)
				goto out;
	} else if ((var[0] = strdup(raw)) == NULL)
		goto out;
	for (i = 0; i < nvar; i++) {
		ws_free(&ws);
		if (ws_parse(&ws, var[i], strlen(var[i])) != 0)
			goto nomem;
		if (bits & (M_U16LE | M_U16BE | M_U16))
			if (ws_utf16(&ws, (bits & M_U16BE) != 0,
			    (bits & M_U16) != 0) != 0)
				goto nomem;
		if (bits & (M_B64 | M_B64OFF)) {
			if (ws_haswild(&ws)) {
				why_set(why, wlen, "wildcards in a base64 "
				    "value '%s'", raw);
				goto out;
			}
			if (ws_base64(&ws, enc, &nenc,
			    (bits & M_B64OFF) != 0) != 0)
				goto nomem;
		} else {
			enc[0] = ws;
			memset(&ws, 0, sizeof(ws));
			nenc = 1;
		}
		for (k = 0; k < (int)nenc; k++) {
			if (compile_pattern(&v, &enc[k],
			    bits | ((bits & (M_B64 | M_B64OFF)) ? M_CASED :
			    0)) != 0 || (v.neg = (bits & M_NEQ) != 0,
			    push(fc, cap, &v) != 0)) {
				tri_sigma_sval_release(&v);
				for (; k < (int)nenc; k++)
					ws_free(&enc[k]);
				goto nomem;
			}
			ws_free(&enc[k]);
		}
	}
	rc = 0;
	goto out;
nomem:
	rc = -2;
out:
	ws_free(&ws);
	for (i = 0; i < 5; i++)
		free(var[i]);
	return rc;
}

/* Conditions: not > and > or, "1 of x*", "all of them", parentheses. */
struct cparse {
	const char	*p;
	const struct rule *r;
	char		*why;
	size_t		wlen;
	int		depth;
};

void
tri_sigma_cond_free(struct cnode *c)
{
	if (c == NULL)
		return;
	tri_sigma_cond_free(c->a);
	tri_sigma_cond_free(c->b);
	free(c->set);
	free(c);
}

static int
tok(struct cparse *cp, char *buf, size_t len)
{
	size_t n = 0;

	while (isspace((unsigned char)*cp->p))
		cp->p++;
	if (*cp->p == '\0')
		return 0;
	if (*cp->p == '(' || *cp->p == ')' || *cp->p == '|') {
		buf[0] = *cp->p++;
		buf[1] = '\0';
		return 1;
	}
	while (*cp->p != '\0' && !isspace((unsigned char)*cp->p) &&
	    *cp->p != '(' && *cp->p != ')' && *cp->p != '|') {
		if (n + 1 < len)
			buf[n++] = *cp->p;
		cp->p++;
	}
	buf[n] = '\0';
	return 1;
}

static int
peek(struct cparse *cp, char *buf, size_t len)
{
	const char *save = cp->p;
	int r = tok(cp, buf, len);

	cp->p = save;
	return r;
}

static struct cnode *
cnew(enum cn_op op)
{
	struct cnode *c = calloc(1, sizeof(*c));

	if (c != NULL)
		c->op = op;
	return c;
}

static int
glob_name(const char *pat, const char *s)
{
	if (*pat == '\0')
		return *s == '\0';
	if (*pat == '*')
		return glob_name(pat + 1, s) || (*s != '\0' &&
		    glob_name(pat, s + 1));
	if (*s != '\0' && (*pat == '?' || *pat == *s))
		return glob_name(pat + 1, s + 1);
	return 0;
}

static struct cnode *parse_or(struct cparse *cp);

static struct cnode *
parse_prim(struct cparse *cp)
{
	char t[256], u[256];
	struct cnode *c;
	size_t i;
	long n = 0;
	char *end;

	if (++cp->depth > 200) {
		why_set(cp->why, cp->wlen, "condition nested too deep");
		return NULL;
	}
	if (!tok(cp, t, sizeof(t))) {
		why_set(cp->why, cp->wlen, "condition ends early");
		return NULL;
	}
	if (strcmp(t, "(") == 0) {
		if ((c = parse_or(cp)) == NULL)
			return NULL;
		if (!tok(cp, t, sizeof(t)) || strcmp(t, ")") != 0) {
			tri_sigma_cond_free(c);
			why_set(cp->why, cp->wlen, "missing ')' in condition");
			return NULL;
		}
		cp->depth--;
		return c;
	}
	if (strcmp(t, "not") == 0) {
		if ((c = cnew(CN_NOT)) == NULL)
			return NULL;
		if ((c->a = parse_prim(cp)) == NULL) {
			tri_sigma_cond_free(c);
			return NULL;
		}
		cp->depth--;
		return c;
	}
	if (strcmp(t, "all") == 0 || strcmp(t, "any") == 0 ||
	    (isdigit((unsigned char)t[0]) && (n = strtol(t, &end, 10),
	    *end == '\0'))) {
		if (!peek(cp, u, sizeof(u)) || strcmp(u, "of") != 0)
			goto ident;
		tok(cp, u, sizeof(u));
		if (!tok(cp, u, sizeof(u))) {
			why_set(cp->why, cp->wlen, "'of' needs a name");
			return NULL;
		}
		if ((c = cnew(strcmp(t, "all") == 0 ? CN_ALLOF : n == 1 ||
		    strcmp(t, "any") == 0 ? CN_ANYOF : CN_NOF)) == NULL)
			return NULL;
		c->n = (int)n;
		if ((c->set = calloc(cp->r->ns + 1, sizeof(int))) == NULL) {
			free(c);
			return NULL;
		}
		for (i = 0; i < cp->r->ns; i++)
			if ((strcmp(u, "them") == 0 &&
			    cp->r->s[i].name[0] != '_') ||
			    glob_name(u, cp->r->s[i].name))
				c->set[c->nset++] = (int)i;
		if (c->nset == 0) {
			why_set(cp->why, cp->wlen, "no search matches '%s'",
			    u);
			tri_sigma_cond_free(c);
			return NULL;
		}
		cp->depth--;
		return c;
	}
ident:
	if (strcmp(t, ")") == 0 || strcmp(t, "and") == 0 ||
	    strcmp(t, "or") == 0 || strcmp(t, "|") == 0) {
		why_set(cp->why, cp->wlen, "unexpected '%s' in condition", t);
		return NULL;
	}
	for (i = 0; i < cp->r->ns; i++)
		if (strcmp(cp->r->s[i].name, t) == 0)
			break;
	if (i == cp->r->ns) {
		why_set(cp->why, cp->wlen, "condition names unknown search "
		    "'%s'", t);
		return NULL;
	}
	if ((c = cnew(CN_SEARCH)) == NULL)
		return NULL;
	c->idx = (int)i;
	cp->depth--;
	return c;
}

static struct cnode *
parse_bin(struct cparse *cp, const char *word, enum cn_op op)
{
	struct cnode *a, *c;
	char t[64];

	if ((a = op == CN_OR ? parse_bin(cp, "and", CN_AND) :
	    parse_prim(cp)) == NULL)
		return NULL;
	while (peek(cp, t, sizeof(t)) && strcmp(t, word) == 0) {
		tok(cp, t, sizeof(t));
		if ((c = cnew(op)) == NULL) {
			tri_sigma_cond_free(a);
			return NULL;
		}
		c->a = a;
		a = c;
		if ((c->b = op == CN_OR ? parse_bin(cp, "and", CN_AND) :
		    parse_prim(cp)) == NULL) {
			tri_sigma_cond_free(a);
			return NULL;
		}
	}
	return a;
}

static struct cnode *
parse_or(struct cparse *cp)
{
	return parse_bin(cp, "or", CN_OR);
}

struct cnode *
tri_sigma_cond_parse(const char *text, const struct rule *r, char *why,
    size_t wlen)
{
	struct cparse cp = { text, r, why, wlen, 0 };
	struct cnode *c;
	char t[64];

	snprintf(why, wlen, "out of memory");
	if ((c = parse_or(&cp)) == NULL)
		return NULL;
	if (tok(&cp, t, sizeof(t))) {
		if (strcmp(t, "|") == 0)
			why_set(why, wlen, "aggregation in condition (Sigma "
			    "1.0 '| count()'): use a correlation rule");
		else
			why_set(why, wlen, "unexpected '%s' in condition", t);
		tri_sigma_cond_free(c);
		return NULL;
	}
	return c;
}
