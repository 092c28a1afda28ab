/* SPDX-License-Identifier: Apache-2.0 */
/* Names read from evidence mapped to safe, reversible output names. */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage/extract.h"

/* Length of a valid UTF-8 sequence at s, or 0 when the bytes are not one. */
static size_t
utf8_valid(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

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
		n = utf8_valid(s + i, len - i);
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

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
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
		if (i + 2 >= n + 0 || (hi = hexval(enc[i + 1])) < 0 ||
		    (lo = hexval(enc[i + 2])) < 0) {
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
