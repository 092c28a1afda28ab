/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <string.h>

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

/* A stream of size bytes (byte i is i * 7 mod 251), read in odd pieces. */
struct src {
	uint64_t	size, fail_at, progress;
	unsigned	calls;
};

static int64_t
read_src(void *arg, uint64_t off, void *buf, size_t len, tr_error *err)
{
	struct src *s = arg;
	unsigned char *b = buf;
	size_t i;

	if (s->fail_at != 0 && off >= s->fail_at) {
		snprintf(err->msg, sizeof(err->msg), "cannot read at %llu",
		    (unsigned long long)off);
		return TR_EIO;
	}
	if (++s->calls % 3 == 0 && len > 4097)
		len = 4097;		/* short reads must not matter */
	if (len > s->size - off)
		len = (size_t)(s->size - off);
	for (i = 0; i < len; i++)
		b[i] = (unsigned char)((off + i) * 7 % 251);
	return (int64_t)len;
}

static void
count_progress(void *arg, uint64_t n)
{
	((struct src *)arg)->progress += n;
}

static void
test_hash_stream_threads_equal_serial(void)
{
	char m1[TR_HASH_HEX_MAX], s1[TR_HASH_HEX_MAX], x1[TR_HASH_HEX_MAX];
	char m2[TR_HASH_HEX_MAX], s2[TR_HASH_HEX_MAX], x2[TR_HASH_HEX_MAX];
	static unsigned char buf[1 << 16];
	uint64_t sizes[] = { 0, 1, 4096, TR_HASH_THREAD_MIN - 1,
	    TR_HASH_THREAD_MIN, 9 * TR_HASH_THREAD_MIN / 4 + 12345 };
	unsigned bitsets[] = { TR_HASH_SHA256, TR_HASH_ALL };
	struct src s;
	uint64_t total, off;
	tr_error err;
	tr_hash *h, *ref;
	size_t i, j;
	int64_t n;

	for (j = 0; j < 2; j++) {
		CHECK_STATUS(tr_hash_new(&h, bitsets[j], NULL), TR_OK);
		CHECK_STATUS(tr_hash_new(&ref, bitsets[j], NULL), TR_OK);
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			memset(&s, 0, sizeof(s));
			s.size = sizes[i];
			tr_hash_set_progress(h, count_progress, &s);
			tr_hash_update(h, "stale", 5);	/* reset first */
			CHECK_STATUS(tr_hash_stream(h, sizes[i], read_src, &s,
			    &total, &err), TR_OK);
			CHECK(total == sizes[i] && s.progress == sizes[i]);
			tr_hash_final(h, m1, s1, x1);
			tr_hash_reset(ref);
			memset(&s, 0, sizeof(s));
			s.size = sizes[i];
			for (off = 0; (n = read_src(&s, off, buf, sizeof(buf),
			    &err)) > 0; off += (uint64_t)n)
				tr_hash_update(ref, buf, (size_t)n);
			tr_hash_final(ref, m2, s2, x2);
			CHECK_STR(x1, x2);
			if (bitsets[j] == TR_HASH_ALL) {
				CHECK_STR(m1, m2);
				CHECK_STR(s1, s2);
			}
		}
		tr_hash_free(h);
		tr_hash_free(ref);
	}
}

static void
test_hash_stream_read_error(void)
{
	struct src s;
	uint64_t total = 0;
	tr_error err;
	tr_hash *h;
	int t;

	CHECK_STATUS(tr_hash_new(&h, TR_HASH_ALL, NULL), TR_OK);
	for (t = 0; t < 2; t++) {
		memset(&s, 0, sizeof(s));
		s.size = 3 * TR_HASH_THREAD_MIN;
		s.fail_at = t == 0 ? 100 : TR_HASH_THREAD_MIN + 1;
		CHECK_STATUS(tr_hash_stream(h, t == 0 ? 1000 : s.size,
		    read_src, &s, &total, &err), TR_EIO);
		CHECK_CONTAINS(err.msg, "cannot read at ");
		CHECK(total >= s.fail_at);
	}
	tr_hash_free(h);
}

int
main(void)
{
	test_hash_known_values();
	test_hash_parse();
	test_hash_stream_threads_equal_serial();
	test_hash_stream_read_error();
	return 0;
}
