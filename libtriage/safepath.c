/* SPDX-License-Identifier: Apache-2.0 */
/* Names read from evidence mapped to safe, reversible output names. */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage/extract.h"

static int
must_escape(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '%';
}

static uint64_t
fnv1a(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

char *
tr_safename(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	char *out, *o;
	size_t i, n, cut = 0;

	if (len == 0)
		return strdup("%");
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return strdup(len == 1 ? "%2E" : "%2E%2E");
	/* Worst case 3 bytes out per byte in, plus the "~h" suffix. */
	if ((out = malloc(len * 3 + 20)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < len; i += n) {
		n = tri_utf8_seq(s + i, len - i);
		if (n == 0 || (n == 1 && must_escape(s[i]))) {
			sprintf(o, "%%%02X", s[i]);
			o += 3;
			n = 1;
		} else {
			memcpy(o, s + i, n);
			o += n;
		}
		/* Remember the last boundary that leaves room for "~h" + 16. */
		if ((size_t)(o - out) <= TR_SAFENAME_MAX - 18)
			cut = (size_t)(o - out);
	}
	*o = '\0';
	if ((size_t)(o - out) > TR_SAFENAME_MAX)
		snprintf(out + cut, 20, "~h%016llx",
		    (unsigned long long)fnv1a(name, len));
	return out;
}

char *
tr_safename_decode(const char *enc, size_t *len)
{
	size_t n = strlen(enc), i;
	char *out, *o;
	int hi, lo;

	if (strcmp(enc, "%") == 0) {
		*len = 0;
		return calloc(1, 1);
	}
	if (n >= 18 && enc[n - 18] == '~' && enc[n - 17] == 'h')
		return NULL;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (o = out, i = 0; i < n; i++) {
		if (enc[i] != '%') {
			*o++ = enc[i];
			continue;
		}
		if (i + 2 >= n + 0 || (hi = tri_hexval(enc[i + 1])) < 0 ||
		    (lo = tri_hexval(enc[i + 2])) < 0) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hi << 4 | lo);
		i += 2;
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return out;
}
