/* SPDX-License-Identifier: Apache-2.0 */
/* Path globs with '*', '?', '[...]' and '**' components, optionally case-folded. */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "triage/extract.h"

static int
fold(int c, int casefold)
{
	if (casefold && c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	return c;
}

/* Length of the UTF-8 sequence starting at s (1 for a stray byte). */
static size_t
u8len(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] < 0xc0 || s[0] > 0xf4)
		return 1;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > n)
		return 1;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return len;
}

/*
 * Match byte c against the set starting after '[' at p (pe = end of the
 * component).  Returns 1/0 and sets *next past ']', or -1 when the set is
 * not closed (then '[' is literal).
 */
static int
set_match(const char *p, const char *pe, int c, int casefold,
    const char **next)
{
	int neg = 0, hit = 0, lo, hi;
	const char *q = p;

	if (q < pe && (*q == '!' || *q == '^')) {
		neg = 1;
		q++;
	}
	if (q < pe && *q == ']') {
		hit |= fold(c, casefold) == ']';
		q++;
	}
	while (q < pe && *q != ']') {
		lo = fold((unsigned char)*q, casefold);
		hi = lo;
		if (q + 2 < pe && q[1] == '-' && q[2] != ']') {
			hi = fold((unsigned char)q[2], casefold);
			q += 2;
		}
		if (fold(c, casefold) >= lo && fold(c, casefold) <= hi)
			hit = 1;
		q++;
	}
	if (q >= pe)
		return -1;
	*next = q + 1;
	return hit != neg;
}

/* One component: pattern [p, pe) against name [s, se). */
static int
comp_match(const char *p, const char *pe, const char *s, const char *se,
    int cf)
{
	const char *next;
	int r;

	while (p < pe) {
		switch (*p) {
		case '*':
			while (p < pe && *p == '*')
				p++;
			if (p == pe)
				return 1;
			for (; s <= se; s++)
				if (comp_match(p, pe, s, se, cf))
					return 1;
			return 0;
		case '?':
			if (s == se)
				return 0;
			s += u8len((const unsigned char *)s, (size_t)(se - s));
			p++;
			continue;
		case '[':
			if (s == se)
				return 0;
			r = set_match(p + 1, pe, (unsigned char)*s, cf, &next);
			if (r == 0)
				return 0;
			if (r == 1) {
				s++;
				p = next;
				continue;
			}
			/* FALLTHROUGH */
		default:
			if (s == se || fold((unsigned char)*p, cf) !=
			    fold((unsigned char)*s, cf))
				return 0;
			p++;
			s++;
		}
	}
	return s == se;
}

/* "**" gives INT_MAX, "**N" N, anything else -1. */
static int
globstar(const char *p, const char *pe)
{
	long n = 0;

	if (pe - p < 2 || p[0] != '*' || p[1] != '*')
		return -1;
	if (pe - p == 2)
		return INT_MAX;
	for (p += 2; p < pe; p++) {
		if (*p < '0' || *p > '9' || n > 100000)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return (int)n;
}

static const char *
comp_end(const char *s)
{
	const char *e = strchr(s, '/');

	return e != NULL ? e : s + strlen(s);
}

static const char *
skip_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return s;
}

static int
path_match(const char *p, const char *s, int cf)
{
	const char *pe, *se;
	int depth, k;

	p = skip_slashes(p);
	s = skip_slashes(s);
	if (*p == '\0')
		return *s == '\0';
	pe = comp_end(p);
	if ((depth = globstar(p, pe)) >= 0) {
		for (k = 0; k <= depth; k++) {
			if (path_match(pe, s, cf))
				return 1;
			if (*s == '\0')
				return 0;
			s = skip_slashes(comp_end(s));
		}
		return 0;
	}
	if (*s == '\0')
		return 0;
	se = comp_end(s);
	if (!comp_match(p, pe, s, se, cf))
		return 0;
	return path_match(pe, se, cf);
}

int
tr_glob_match(const char *pattern, const char *path, unsigned flags)
{
	if (pattern == NULL || path == NULL)
		return 0;
	return path_match(pattern, path, (flags & TR_GLOB_CASEFOLD) != 0);
}

int
tr_glob_is_pattern(const char *pattern)
{
	return strpbrk(pattern, "*?[") != NULL;
}
