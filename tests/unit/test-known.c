/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the known-file index: import, lookups, flags, damage. */
#include <config.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"

#define N	40000		/* digests per algorithm: several sorted runs */

static char dir[64];
static const unsigned hlen[3] = { 16, 20, 32 };

/* xorshift64*: reproducible digests. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void
hexof(uint64_t *s, unsigned bytes, char *out)
{
	static const char hx[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < bytes; i++) {
		unsigned v = (unsigned)(rnd(s) >> 56);

		out[2 * i] = hx[v >> 4];
		out[2 * i + 1] = hx[v & 15];
	}
	out[2 * bytes] = '\0';
}

static char *
path(const char *name)
{
	static char p[8][128];
	static int n;
	char *r = p[n++ % 8];

	snprintf(r, 128, "%s/%s", dir, name);
	return r;
}

static void
write_file(const char *name, const char *text)
{
	FILE *fp = fopen(path(name), "w");

	CHECK(fp != NULL);
	CHECK(fputs(text, fp) >= 0);
	CHECK(fclose(fp) == 0);
}

static uint32_t
sets_of(tr_known *k, const char *hex)
{
	uint32_t s = 0xdeadbeef;
	tr_error err;

	CHECK_STATUS(tr_known_lookup(k, hex, strlen(hex), &s, &err), TR_OK);
	return s;
}

/*
 * Many digests of each algorithm with 1 MiB of sort memory (several runs
 * merged): every one is found, a digest one bit away or random is not.
 */
static void
test_known_import_many(void)
{
	tr_known_import imp = { "many", 0, 1u << 20 };
	tr_known_stats st;
	tr_known *k;
	tr_error err;
	char hex[65], near[65];
	uint64_t s;
	FILE *fp;
	int a, i;

	CHECK((fp = fopen(path("many.txt"), "w")) != NULL);
	for (a = 0, s = 42; a < 3; a++)
		for (i = 0; i < N; i++) {
			hexof(&s, hlen[a], hex);
			fprintf(fp, "%s\n", hex);
			if (i % 1000 == 0)	/* duplicates fold */
				fprintf(fp, "%s\n", hex);
		}
	CHECK(fclose(fp) == 0);
	CHECK_STATUS(tr_known_import_list(path("many.db"), path("many.txt"),
	    &imp, &st, &err), TR_OK);
	CHECK(st.added[0] == N + N / 1000 && st.total[0] == N);
	CHECK(st.total[1] == N && st.total[2] == N);
	CHECK_STATUS(tr_known_open(&k, path("many.db"), &err), TR_OK);
	CHECK(tr_known_nsets(k) == 1);
	CHECK_STR(tr_known_set_name(k, 0), "many");
	CHECK(!tr_known_set_bad(k, 0));
	CHECK(tr_known_count(k, TR_HASH_SHA256) == N);
	CHECK(tr_known_algorithms(k) == TR_HASH_ALL);
	for (a = 0, s = 42; a < 3; a++)
		for (i = 0; i < N; i++) {
			hexof(&s, hlen[a], hex);
			CHECK(sets_of(k, hex) == 1u);
			strcpy(near, hex);
			/* The last digit, then the first one, changed. */
			near[2 * hlen[a] - 1] =
			    near[2 * hlen[a] - 1] == '0' ? '1' : '0';
			CHECK(sets_of(k, near) == 0);
			near[2 * hlen[a] - 1] = hex[2 * hlen[a] - 1];
			near[0] = near[0] == 'f' ? '0' : 'f';
			if (i % 16 == 0)
				CHECK(sets_of(k, near) == 0);
			/* Upper case finds the same digest. */
			if (i % 997 == 0) {
				for (size_t j = 0; hex[j]; j++)
					if (hex[j] >= 'a')
						hex[j] -= 32;
				CHECK(sets_of(k, hex) == 1u);
			}
		}
	for (i = 0, s = 7; i < 5000; i++) {
		hexof(&s, 32, hex);
		CHECK(sets_of(k, hex) == 0);
	}
	CHECK_STATUS(tr_known_verify(k, &err), TR_OK);
	CHECK_STATUS(tr_known_lookup(k, "abc", 3, &(uint32_t){ 0 }, &err),
	    TR_EINVAL);
	CHECK_CONTAINS(err.msg, "not an md5, sha1 or sha256 digest");
	CHECK_STATUS(tr_known_lookup(k, "zz", 2, &(uint32_t){ 0 }, &err),
	    TR_EINVAL);
	tr_known_close(k);
}

#define MD5_A	"0cc175b9c0f1b6a831c399e269772661"	/* md5("a") */
#define MD5_B	"92eb5ffee6ae2fec3ad71c777531578f"	/* md5("b") */
#define SHA1_A	"86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
#define SHA256_A "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
#define SHA256_B "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
#define SHA256_C "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"

/* Each list format: its digests are found, others are not. */
static void
test_known_formats(void)
{
	static const struct {
		const char *name, *text, *in, *out;
	} f[] = {
		{ "md5sum", MD5_A "  a.txt\n\\" MD5_B "  b\\nc\n", MD5_B,
		    "4a8a08f09d37b73795649038408b5f33" },
		{ "sha1sum", SHA1_A " *a.bin\n", SHA1_A,
		    "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98" },
		{ "sha256sum", SHA256_A "  a\r\n", SHA256_A, SHA256_B },
		{ "bsd", "SHA256 (x) = y) = " SHA256_B "\n", SHA256_B,
		    SHA256_A },
		{ "hashdeep", "%%%% HASHDEEP-1.0\n"
		    "%%%% size,md5,sha256,filename\n"
		    "## Invoked from: /tmp\n"
		    "## $ hashdeep -c md5,sha256 a\n##\n"
		    "1," MD5_A "," SHA256_A ",/tmp/a,with,commas\n", SHA256_A,
		    SHA256_C },
		{ "plain", "# comment\n\n  " SHA256_C "\n" MD5_A "\n",
		    SHA256_C, SHA256_B },
	};
	tr_known_import imp = { NULL, 0, 0 };
	tr_known *k;
	tr_error err;
	char db[64];
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		write_file("list", f[i].text);
		snprintf(db, sizeof(db), "fmt-%s.db", f[i].name);
		imp.set = f[i].name;
		CHECK_STATUS(tr_known_import_list(path(db), path("list"), &imp,
		    NULL, &err), TR_OK);
		CHECK_STATUS(tr_known_open(&k, path(db), &err), TR_OK);
		CHECK(sets_of(k, f[i].in) == 1u);
		CHECK(sets_of(k, f[i].out) == 0);
		tr_known_close(k);
	}
	/* hashdeep's md5 column too. */
	CHECK_STATUS(tr_known_open(&k, path("fmt-hashdeep.db"), &err), TR_OK);
	CHECK(sets_of(k, MD5_A) == 1u);
	tr_known_close(k);
}

static void
test_known_format_errors(void)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ MD5_A "\nnot a hash\n", "line 2: not a hash" },
		{ "0cc175b9c0f1b6a831c399e26977266  short\n", "line 1" },
		{ MD5_A "0\n", "line 1" },
		{ "%%%% size,md5,filename\n1,xyz,/a\n", "line 2: not a hashdeep" },
		{ "%%%% size,name\n", "names no md5" },
		{ "# only a comment\n\n", "no hash in" },
		{ "SHA256 (x) = abc\n", "line 1: not a hash" },
	};
	tr_known_import imp = { "x", 0, 0 };
	tr_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file("bad", bad[i].text);
		CHECK_STATUS(tr_known_import_list(path("bad.db"), path("bad"),
		    &imp, NULL, &err), TR_EFORMAT);
		CHECK_CONTAINS(err.msg, bad[i].msg);
		CHECK(access(path("bad.db"), F_OK) != 0);
	}
	CHECK_STATUS(tr_known_import_list(path("bad.db"), path("missing"),
	    &imp, NULL, &err), TR_EIO);
	CHECK_CONTAINS(err.msg, "missing");
	imp.set = "bad name";
	write_file("bad", MD5_A "\n");
	CHECK_STATUS(tr_known_import_list(path("bad.db"), path("bad"), &imp,
	    NULL, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "invalid set name 'bad name'");
	imp.set = "x";
	CHECK_STATUS(tr_known_import_nsrl(path("bad.db"), path("bad"), &imp,
	    NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "is not an SQLite database");
	CHECK_STATUS(tr_known_import_nsrl(path("bad.db"), path("nope.db"),
	    &imp, NULL, &err), TR_EIO);
	CHECK_CONTAINS(err.msg, "nope.db");
}

/* Several sets in one index; a set imported again is replaced. */
static void
test_known_sets(void)
{
	tr_known_import imp = { "good", 0, 0 };
	tr_known *k;
	tr_error err;

	write_file("good", MD5_A "\n" SHA256_A "\n" SHA256_B "\n");
	write_file("evil", SHA256_B "\n" SHA256_C "\n");
	CHECK_STATUS(tr_known_import_list(path("sets.db"), path("good"), &imp,
	    NULL, &err), TR_OK);
	imp.set = "evil";
	imp.bad = 1;
	CHECK_STATUS(tr_known_import_list(path("sets.db"), path("evil"), &imp,
	    NULL, &err), TR_OK);
	CHECK_STATUS(tr_known_open(&k, path("sets.db"), &err), TR_OK);
	CHECK(tr_known_nsets(k) == 2 && tr_known_bad_mask(k) == 2u);
	CHECK(sets_of(k, SHA256_A) == 1u);
	CHECK(sets_of(k, SHA256_B) == 3u);
	CHECK(sets_of(k, SHA256_C) == 2u);
	tr_known_close(k);
	/* "good" again, without SHA256_B and MD5_A: replaced, not added. */
	write_file("good", SHA256_A "\n");
	imp.set = "good";
	imp.bad = 0;
	CHECK_STATUS(tr_known_import_list(path("sets.db"), path("good"), &imp,
	    NULL, &err), TR_OK);
	CHECK_STATUS(tr_known_open(&k, path("sets.db"), &err), TR_OK);
	CHECK(tr_known_nsets(k) == 2);
	CHECK_STR(tr_known_set_name(k, 0), "good");
	CHECK(sets_of(k, SHA256_A) == 1u);
	CHECK(sets_of(k, SHA256_B) == 2u);
	CHECK(sets_of(k, MD5_A) == 0);
	CHECK(tr_known_count(k, TR_HASH_MD5) == 0);
	tr_known_close(k);
}

static void
test_known_line(void)
{
	static const char *file = "{\"record\":\"file\",\"source\":\"d.img\","
	    "\"volume\":2,\"fs\":\"ext4\",\"inode\":\"12\",\"path\":\"/x\","
	    "\"size\":1,\"md5\":\"" MD5_A "\",\"sha256\":\"" SHA256_B "\"}\n";
	tr_known_result res;
	tr_known *k;
	tr_error err;
	tr_rec *r;
	char *out = NULL, line[512];
	size_t cap = 0, len;

	CHECK_STATUS(tr_known_open(&k, path("sets.db"), &err), TR_OK);
	/* SHA256_B: evil only now; MD5_A in no set. */
	CHECK_STATUS(tr_known_line(k, file, strlen(file), 0, &out, &cap, &len,
	    &res, &err), TR_OK);
	CHECK(res.is_file && res.sets == 2u);
	CHECK(res.looked_up == (TR_HASH_MD5 | TR_HASH_SHA256));
	CHECK(strlen(out) == len);
	CHECK_CONTAINS(out, "\"sha256\":\"" SHA256_B "\",\"known_bad\":"
	    "[\"evil\"]}\n{\"record\":\"hit\",\"source\":\"d.img\","
	    "\"volume\":2,\"fs\":\"ext4\",\"inode\":\"12\",\"path\":\"/x\","
	    "\"size\":1,\"sha256\":\"" SHA256_B "\",\"rule\":\"hashset:evil\","
	    "\"namespace\":\"hashset\",\"meta\":{\"set\":\"evil\","
	    "\"digest\":\"sha256\"}}\n");
	CHECK_STATUS(tr_known_line(k, file, strlen(file), TR_KNOWN_NO_HITS,
	    &out, &cap, &len, &res, &err), TR_OK);
	CHECK(strstr(out, "\"hit\"") == NULL);
	/* Already flagged (old flags replaced) and spaced: jansson's way. */
	snprintf(line, sizeof(line), "{ \"record\" : \"file\", \"known\": "
	    "[\"old\"], \"sha256\": \"%s\" }", SHA256_A);
	CHECK_STATUS(tr_known_line(k, line, strlen(line), 0, &out, &cap, &len,
	    &res, &err), TR_OK);
	CHECK_STR(out, "{\"record\":\"file\",\"sha256\":\"" SHA256_A "\","
	    "\"known\":[\"good\"]}\n");
	/* Not a file record, not found, not JSON. */
	snprintf(line, sizeof(line), "{\"record\":\"hit\",\"sha256\":\"%s\"}",
	    SHA256_A);
	CHECK_STATUS(tr_known_line(k, line, strlen(line), 0, &out, &cap, &len,
	    &res, &err), TR_OK);
	CHECK(!res.is_file && res.sets == 0);
	CHECK(len == strlen(line) + 1 && strncmp(out, line, len - 1) == 0);
	snprintf(line, sizeof(line), "{\"record\":\"file\",\"md5\":\"%s\"}",
	    MD5_B);
	CHECK_STATUS(tr_known_line(k, line, strlen(line), 0, &out, &cap, &len,
	    &res, &err), TR_OK);
	CHECK(res.is_file && res.sets == 0 && res.looked_up == TR_HASH_MD5);
	CHECK(strncmp(out, line, strlen(line)) == 0);
	CHECK_STATUS(tr_known_line(k, "{\"record\":", 10, 0, &out, &cap, &len,
	    &res, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "not a JSON object");
	CHECK_STATUS(tr_known_line(k, "[1]", 3, 0, &out, &cap, &len, &res,
	    &err), TR_EFORMAT);
	/* The record API. */
	CHECK((r = tr_rec_new("file")) != NULL);
	CHECK_STATUS(tr_rec_set_str(r, "sha256", SHA256_B), TR_OK);
	CHECK_STATUS(tr_known_flag_record(k, r, &res, &err), TR_OK);
	CHECK(res.sets == 2u && !tr_rec_has(r, "known"));
	CHECK(tr_rec_array_size(tr_rec_get_rec(r, "known_bad")) == 1);
	tr_rec_free(r);
	free(out);
	tr_known_close(k);
}

static void
copy_file(const char *from, const char *to, long cut, long flip)
{
	FILE *in = fopen(path(from), "rb"), *out = fopen(path(to), "wb");
	long n = 0;
	int c;

	CHECK(in != NULL && out != NULL);
	while ((c = getc(in)) != EOF && (cut < 0 || n < cut)) {
		if (n == flip)
			c ^= 0x40;
		putc(c, out);
		n++;
	}
	fclose(in);
	CHECK(fclose(out) == 0);
}

/* Damaged, truncated and foreign files are refused with the reason. */
static void
test_known_damage(void)
{
	tr_known *k;
	tr_error err;
	uint32_t s;
	char hex[65];
	uint64_t seed;
	int i, rc = TR_OK;

	copy_file("many.db", "cut.db", 100000, -1);
	CHECK_STATUS(tr_known_open(&k, path("cut.db"), &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "is truncated: its header says");
	CHECK(k == NULL);
	copy_file("many.db", "cut.db", 100, -1);
	CHECK_STATUS(tr_known_open(&k, path("cut.db"), &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "truncated");
	copy_file("many.db", "hdr.db", -1, 20);
	CHECK_STATUS(tr_known_open(&k, path("hdr.db"), &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "damaged: header checksum mismatch");
	copy_file("many.db", "ver.db", -1, 8);
	CHECK_STATUS(tr_known_open(&k, path("ver.db"), &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "version 65");
	write_file("foreign.db", "SQLite format 3");
	CHECK_STATUS(tr_known_open(&k, path("foreign.db"), &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "is not a triage-known index");
	write_file("empty.db", "");
	CHECK_STATUS(tr_known_open(&k, path("empty.db"), &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "empty");
	CHECK_STATUS(tr_known_open(&k, path("none.db"), &err), TR_EIO);
	CHECK_CONTAINS(err.msg, "none.db");
	/* A flipped byte inside the md5 table: found when read. */
	copy_file("many.db", "flip.db", -1, 4096 + 5000);
	CHECK_STATUS(tr_known_open(&k, path("flip.db"), &err), TR_OK);
	CHECK_STATUS(tr_known_verify(k, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "block 1 of the md5 table (offset 8192) "
	    "fails its checksum");
	tr_known_close(k);
	CHECK_STATUS(tr_known_open(&k, path("flip.db"), &err), TR_OK);
	for (i = 0, seed = 42; i < N && rc == TR_OK; i++) {
		hexof(&seed, 16, hex);
		rc = tr_known_lookup(k, hex, 32, &s, &err);
	}
	CHECK(rc == TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "fails its checksum");
	tr_known_close(k);
	/* The trailer (set and checksum tables) is checked at open. */
	{
		struct stat sb;

		CHECK(stat(path("many.db"), &sb) == 0);
		copy_file("many.db", "trail.db", -1, (long)sb.st_size - 3);
		CHECK_STATUS(tr_known_open(&k, path("trail.db"), &err),
		    TR_EFORMAT);
		CHECK_CONTAINS(err.msg, "checksum table checksum mismatch");
	}
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test-known.XXXXXX",
	    tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	test_known_import_many();
	test_known_formats();
	test_known_format_errors();
	test_known_sets();
	test_known_line();
	test_known_damage();
	CHECK(system(NULL) != 0);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK(system(cmd) == 0);
	}
	return 0;
}
