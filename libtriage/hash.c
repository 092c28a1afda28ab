/* SPDX-License-Identifier: Apache-2.0 */
/* md5, sha1 and sha256 in one pass with OpenSSL EVP. */
#include "internal.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	unsigned	bit;
	const char	*name;
} algos[] = {
	{ TR_HASH_MD5, "md5" },
	{ TR_HASH_SHA1, "sha1" },
	{ TR_HASH_SHA256, "sha256" },
};
#define NALGOS (sizeof(algos) / sizeof(algos[0]))

struct tr_hash {
	unsigned	bits;
	EVP_MD_CTX	*ctx[NALGOS];
};

static const EVP_MD *
md_of(unsigned bit)
{
	switch (bit) {
	case TR_HASH_MD5:
		return EVP_md5();
	case TR_HASH_SHA1:
		return EVP_sha1();
	default:
		return EVP_sha256();
	}
}

const char *
tr_hash_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < NALGOS; i++)
		if (algos[i].bit == bit)
			return algos[i].name;
	return NULL;
}

int
tr_hash_parse(const char *list, unsigned *bits, tr_error *err)
{
	const char *p = list, *e;
	size_t i, n;

	*bits = 0;
	while (*p != '\0') {
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		for (i = 0; i < NALGOS; i++)
			if (strlen(algos[i].name) == n &&
			    strncasecmp(p, algos[i].name, n) == 0)
				break;
		if (i == NALGOS)
			return tri_error_set(err, TR_EINVAL,
			    "unknown hash '%.*s': use md5, sha1 or sha256",
			    (int)n, p);
		*bits |= algos[i].bit;
		p = *e == ',' ? e + 1 : e;
	}
	if (*bits == 0)
		return tri_error_set(err, TR_EINVAL, "no hash named");
	return TR_OK;
}

void
tr_hash_free(tr_hash *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < NALGOS; i++)
		EVP_MD_CTX_free(h->ctx[i]);
	free(h);
}

int
tr_hash_new(tr_hash **out, unsigned bits, tr_error *err)
{
	tr_hash *h;
	size_t i;

	*out = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	h->bits = bits & TR_HASH_ALL;
	for (i = 0; i < NALGOS; i++) {
		if (!(h->bits & algos[i].bit))
			continue;
		if ((h->ctx[i] = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(h->ctx[i], md_of(algos[i].bit), NULL)
		    != 1) {
			tr_hash_free(h);
			return tri_error_set(err, TR_ENOMEM,
			    "cannot set up %s", algos[i].name);
		}
	}
	*out = h;
	return TR_OK;
}

void
tr_hash_reset(tr_hash *h)
{
	size_t i;

	for (i = 0; i < NALGOS; i++)
		if (h->ctx[i] != NULL)
			EVP_DigestInit_ex(h->ctx[i], md_of(algos[i].bit),
			    NULL);
}

void
tr_hash_update(tr_hash *h, const void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < NALGOS; i++)
		if (h->ctx[i] != NULL)
			EVP_DigestUpdate(h->ctx[i], buf, len);
}

unsigned
tr_hash_bits(const tr_hash *h)
{
	return h->bits;
}

unsigned
tr_hash_final(tr_hash *h, char md5[TR_HASH_HEX_MAX],
    char sha1[TR_HASH_HEX_MAX], char sha256[TR_HASH_HEX_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len, j, done = 0;
	char *dst;
	size_t i;

	for (i = 0; i < NALGOS; i++) {
		if (h->ctx[i] == NULL)
			continue;
		dst = i == 0 ? md5 : i == 1 ? sha1 : sha256;
		if (EVP_DigestFinal_ex(h->ctx[i], md, &len) != 1 ||
		    dst == NULL)
			continue;
		for (j = 0; j < len; j++)
			snprintf(dst + 2 * j, 3, "%02x", md[j]);
		done |= algos[i].bit;
	}
	return done;
}
