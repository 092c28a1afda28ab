/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "check.h"
#include "triage/triage.h"

static void
test_hash_known_values(void)
{
	char md5[TR_HASH_HEX_MAX], sha1[TR_HASH_HEX_MAX], sha256[TR_HASH_HEX_MAX];
	tr_hash *h;

	CHECK_STATUS(tr_hash_new(&h, TR_HASH_ALL, NULL), TR_OK);
	tr_hash_update(h, "ab", 2);
	tr_hash_update(h, "c", 1);	/* split updates == one pass */
	CHECK(tr_hash_final(h, md5, sha1, sha256) == TR_HASH_ALL);
	CHECK_STR(md5, "900150983cd24fb0d6963f7d28e17f72");
	CHECK_STR(sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
	CHECK_STR(sha256, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	tr_hash_reset(h);
	CHECK(tr_hash_final(h, md5, NULL, NULL) == TR_HASH_MD5);
	CHECK_STR(md5, "d41d8cd98f00b204e9800998ecf8427e");
	tr_hash_free(h);
	tr_hash_free(NULL);
}

static void
test_hash_parse(void)
{
	unsigned bits;
	tr_error err;

	CHECK_STATUS(tr_hash_parse("sha256,MD5", &bits, &err), TR_OK);
	CHECK(bits == (TR_HASH_SHA256 | TR_HASH_MD5));
	CHECK_STATUS(tr_hash_parse("md5,crc32", &bits, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "unknown hash 'crc32'");
	CHECK_STATUS(tr_hash_parse("", &bits, &err), TR_EINVAL);
	CHECK_STR(tr_hash_name(TR_HASH_SHA1), "sha1");
	CHECK(tr_hash_name(0x40) == NULL);
}

int
main(void)
{
	test_hash_known_values();
	test_hash_parse();
	return 0;
}
