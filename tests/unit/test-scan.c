/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the scan module: rules, cache, scanner, extents, records. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/scan.h"

#define EICAR "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-" \
	"TEST-FILE!$H+H*"

static char tmp[256];

static int tr_match_cb(void *arg, tr_rec *m);

static void
write_file(const char *name, const char *text, size_t len)
{
	char path[512];
	FILE *fp;

	if (len == 0)
		len = strlen(text);
	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	CHECK((fp = fopen(path, "wb")) != NULL);
	CHECK(fwrite(text, 1, len, fp) == len);
	CHECK(fclose(fp) == 0);
}

static const char *
tpath(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, name);
	return buf[i];
}

static tr_rules *
load1(const char *path, unsigned flags, int want)
{
	tr_rules_opts o = { flags, NULL, NULL, NULL };
	tr_rules *r = NULL;
	tr_error err;
	const char *p[1] = { path };

	o.cache_dir = tpath("cache");
	CHECK_STATUS(tr_rules_load(&r, p, 1, &o, &err), want);
	return r;
}

static void
test_scan_extension(void)
{
	char b[16];

	tr_scan_extension("a.PHP", b, sizeof(b));
	CHECK_STR(b, "php");
	tr_scan_extension("archive.tar.GZ", b, sizeof(b));
	CHECK_STR(b, "gz");
	tr_scan_extension(".bashrc", b, sizeof(b));
	CHECK_STR(b, "");
	tr_scan_extension("README", b, sizeof(b));
	CHECK_STR(b, "");
	tr_scan_extension(NULL, b, sizeof(b));
	CHECK_STR(b, "");
	tr_scan_extension("x.abcdefghijklmnopqrstuvwxyz", b, 4);
	CHECK_STR(b, "abc");
}

static void
test_scan_rules_errors(void)
{
	tr_rules_opts o = { TR_RULES_NOCACHE, NULL, NULL, NULL };
	const char *two[2];
	tr_rules *r = NULL;
	tr_error err;

	write_file("bad.yar", "rule ok { condition: true }\n\nrule bad {\n"
	    "  condition: nosuchthing\n}\n", 0);
	two[0] = tpath("bad.yar");
	CHECK_STATUS(tr_rules_load(&r, two, 1, &o, &err), TR_EFORMAT);
	CHECK(r == NULL);
	CHECK_CONTAINS(err.msg, "bad.yar:4: error: ");
	CHECK_CONTAINS(err.msg, "nosuchthing");

	two[0] = tpath("missing.yar");
	CHECK_STATUS(tr_rules_load(&r, two, 1, &o, &err), TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "missing.yar");

	CHECK(mkdir(tpath("empty"), 0700) == 0);
	two[0] = tpath("empty");
	CHECK_STATUS(tr_rules_load(&r, two, 1, &o, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "no *.yar or *.yara file");

	CHECK_STATUS(tr_rules_load(&r, two, 0, &o, &err), TR_EINVAL);

	/* Compiled rules cannot be mixed with others. */
	write_file("ok.yar", "rule ok { condition: true }\n", 0);
	two[0] = tpath("ok.yar");
	CHECK_STATUS(tr_rules_load(&r, two, 1, &o, &err), TR_OK);
	CHECK_STATUS(tr_rules_save(r, tpath("ok.yarc"), &err), TR_OK);
	tr_rules_free(r);
	two[0] = tpath("ok.yarc");
	two[1] = tpath("ok.yar");
	CHECK_STATUS(tr_rules_load(&r, two, 2, &o, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "cannot be combined");
	CHECK_STATUS(tr_rules_load(&r, two, 1, &o, &err), TR_OK);
	CHECK(tr_rules_count(r) == 1);
	tr_rules_free(r);

	/* A corrupt compiled file. */
	write_file("junk.yarc", "YARA\x01\x02garbage", 0);
	two[0] = tpath("junk.yarc");
	CHECK_STATUS(tr_rules_load(&r, two, 1, &o, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "junk.yarc");
}

static int nwarn;
static char lastwarn[512];

static void
count_warn(void *arg, const char *msg)
{
	(void)arg;
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%s", msg);
}

static void
test_scan_rules_folder_and_cache(void)
{
	tr_rules_opts o = { 0, NULL, count_warn, NULL };
	const char *p[1];
	tr_scanner *s = NULL;
	tr_rec *m = NULL;
	tr_rules *r = NULL;
	tr_error err;

	CHECK(mkdir(tpath("set"), 0700) == 0);
	CHECK(mkdir(tpath("set/sub"), 0700) == 0);
	write_file("set/a.yar", "rule same { strings: $a = \"alpha\" "
	    "condition: $a }\n", 0);
	write_file("set/sub/b.yara", "rule same { strings: $b = \"alpha\" "
	    "condition: $b }\n", 0);
	write_file("set/LICENSE", "not a rule", 0);
	o.cache_dir = tpath("cache");
	p[0] = tpath("set");
	CHECK_STATUS(tr_rules_load(&r, p, 1, &o, &err), TR_OK);
	CHECK(tr_rules_count(r) == 2);		/* same name, two namespaces */
	CHECK(tr_rules_cached(r) == 0);
	CHECK_STATUS(tr_scanner_new(&s, r, NULL, &err), TR_OK);
	CHECK_STATUS(tr_scanner_scan_mem(s, "..alpha..", 9, NULL, &m, &err),
	    TR_OK);
	CHECK(m != NULL && tr_rec_array_size(m) == 2);
	CHECK_STR(tr_rec_get_str(tr_rec_array_get(m, 0), "namespace"), "a");
	CHECK_STR(tr_rec_get_str(tr_rec_array_get(m, 1), "namespace"),
	    "sub/b");
	tr_rec_free(m);
	tr_scanner_free(s);
	tr_rules_free(r);

	/* Same content: from the cache, and it still works. */
	CHECK_STATUS(tr_rules_load(&r, p, 1, &o, &err), TR_OK);
	CHECK(tr_rules_cached(r) == 1);
	CHECK_STATUS(tr_scanner_new(&s, r, NULL, &err), TR_OK);
	CHECK_STATUS(tr_scanner_scan_mem(s, "alpha", 5, NULL, &m, &err),
	    TR_OK);
	CHECK(m != NULL && tr_rec_array_size(m) == 2);
	tr_rec_free(m);
	tr_scanner_free(s);
	tr_rules_free(r);

	/* Changed content: compiled again. */
	write_file("set/a.yar", "rule other { strings: $a = \"alpha\" "
	    "condition: $a }\n", 0);
	CHECK_STATUS(tr_rules_load(&r, p, 1, &o, &err), TR_OK);
	CHECK(tr_rules_cached(r) == 0);
	tr_rules_free(r);

	/* --no-cache never reads it. */
	o.flags = TR_RULES_NOCACHE;
	CHECK_STATUS(tr_rules_load(&r, p, 1, &o, &err), TR_OK);
	CHECK(tr_rules_cached(r) == 0);
	tr_rules_free(r);

	/* A corrupt cache file is a warning, then a recompile. */
	o.flags = 0;
	CHECK_STATUS(tr_rules_load(&r, p, 1, &o, &err), TR_OK);
	CHECK(tr_rules_cached(r) == 1);
	tr_rules_free(r);
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "for f in '%s'/rules-*.yarc; do "
		    "printf 'YARA-broken' > \"$f\"; done", tpath("cache"));
		CHECK(system(cmd) == 0);
	}
	nwarn = 0;
	CHECK_STATUS(tr_rules_load(&r, p, 1, &o, &err), TR_OK);
	CHECK(tr_rules_cached(r) == 0);
	CHECK(nwarn == 1);
	CHECK_CONTAINS(lastwarn, "cannot read the rules cache");
	tr_rules_free(r);
}

static void
test_scan_externals_and_match(void)
{
	tr_scanner_opts so = { 0, 8, 2 };
	tr_scan_target t = { "Shell.PHP", "/var/www/Shell.PHP", 1 };
	tr_scanner *s = NULL;
	tr_rec *m = NULL, *x, *strs;
	tr_rules *r;
	int64_t v;

	write_file("ext.yar",
	    "rule ext : web t2 { meta: author = \"me\" n = 7 b = true\n"
	    " strings: $a = \"ab\" $z = { 00 FF 5C }\n"
	    " condition: extension == \"php\" and filename == \"Shell.PHP\""
	    " and filepath matches /^\\/var\\/www\\// and deleted"
	    " and #a == 3 and $z }\n", 0);
	r = load1(tpath("ext.yar"), TR_RULES_NOCACHE, TR_OK);
	CHECK_STATUS(tr_scanner_new(&s, r, &so, NULL), TR_OK);
	CHECK_STATUS(tr_scanner_scan_mem(s, "ab ab ab\0\xff\\", 12, &t, &m,
	    NULL), TR_OK);
	CHECK(m != NULL && tr_rec_array_size(m) == 1);
	x = tr_rec_array_get(m, 0);
	CHECK_STR(tr_rec_get_str(x, "rule"), "ext");
	CHECK(tr_rec_array_size(tr_rec_get_rec(x, "tags")) == 2);
	CHECK(tr_rec_get_int(tr_rec_get_rec(x, "meta"), "n", &v) && v == 7);
	CHECK(tr_rec_get_bool(tr_rec_get_rec(x, "meta"), "b") == 1);
	strs = tr_rec_get_rec(x, "strings");
	/* max_matches 2: two listed, two left out. */
	CHECK(tr_rec_array_size(strs) == 2);
	CHECK(tr_rec_get_int(x, "strings_omitted", &v) && v == 2);
	tr_rec_free(m);

	/* Another target: no match. */
	t.deleted = 0;
	CHECK_STATUS(tr_scanner_scan_mem(s, "ab ab ab\0\xff\\", 12, &t, &m,
	    NULL), TR_OK);
	CHECK(m == NULL);
	tr_scanner_free(s);
	tr_rules_free(r);

	/* Escaping and --max-string. */
	write_file("bin.yar", "rule bin { strings: $z = { 00 FF 5C 41 42 43 }"
	    " condition: $z }\n", 0);
	r = load1(tpath("bin.yar"), TR_RULES_NOCACHE, TR_OK);
	so.max_string = 5;
	so.max_matches = 0;
	CHECK_STATUS(tr_scanner_new(&s, r, &so, NULL), TR_OK);
	CHECK_STATUS(tr_scanner_scan_mem(s, "xx\0\xff\\ABCx", 9, NULL, &m,
	    NULL), TR_OK);
	CHECK(m != NULL);
	x = tr_rec_array_get(tr_rec_get_rec(tr_rec_array_get(m, 0),
	    "strings"), 0);
	CHECK_STR(tr_rec_get_str(x, "data"), "\\x00\\xff\\\\AB");
	CHECK(tr_rec_get_int(x, "offset", &v) && v == 2);
	CHECK(tr_rec_get_int(x, "length", &v) && v == 6);
	tr_rec_free(m);
	tr_scanner_free(s);
	tr_rules_free(r);
}

static void
test_scan_timeout(void)
{
	tr_scanner_opts so = { 1, 64, 0 };
	tr_scanner *s = NULL;
	tr_rec *m = NULL;
	tr_rules *r;
	tr_error err;

	write_file("slow.yar", "rule slow { condition: for all i in "
	    "(0..100000000000) : (i >= 0) }\n", 0);
	r = load1(tpath("slow.yar"), TR_RULES_NOCACHE, TR_OK);
	CHECK_STATUS(tr_scanner_new(&s, r, &so, NULL), TR_OK);
	CHECK_STATUS(tr_scanner_scan_mem(s, "x", 1, NULL, &m, &err),
	    TR_EINTR);
	CHECK(m == NULL);
	CHECK_CONTAINS(err.msg, "timed out after 1 s");
	tr_scanner_free(s);
	tr_rules_free(r);
}

/*
 * Every position of a 68-byte match around a window boundary, in one
 * extent and split over two extents: found exactly once, right offset.
 */
static void
test_scan_extents_boundaries(void)
{
	enum { SIZE = 32768, WIN = 4096, OVL = 128 };
	static char img[SIZE];
	tr_scanner_opts so = { 0, 0, 0 };
	tr_extent ext[2];
	tr_scanner *s = NULL;
	tr_source *src = NULL;
	tr_rules *r;
	tr_error err;
	size_t len = strlen(EICAR), pos, k;
	struct { int n; int64_t off; } got;
	int split;

	write_file("e.yar", "rule e { strings: $e = \"" "X5O!P%@AP[4\\\\PZX54"
	    "(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\" "
	    "condition: $e }\n", 0);
	r = load1(tpath("e.yar"), TR_RULES_NOCACHE, TR_OK);
	CHECK_STATUS(tr_scanner_new(&s, r, &so, NULL), TR_OK);
	for (split = 0; split < 2; split++) {
		for (pos = WIN - OVL - len - 2; pos < WIN + 8; pos++) {
			memset(img, 'z', sizeof(img));
			/* With split, bytes 1000..1999 are left out. */
			k = split ? pos + 1000 : pos;
			memcpy(img + k, EICAR, len);
			write_file("img.raw", img, sizeof(img));
			CHECK_STATUS(tr_source_open(&src, tpath("img.raw"),
			    "raw", 0, &err), TR_OK);
			ext[0].offset = 0;
			ext[0].length = split ? 1000 : SIZE;
			ext[1].offset = 2000;
			ext[1].length = SIZE - 2000;
			got.n = 0;
			got.off = -1;
			CHECK_STATUS(tr_scanner_scan_extents(s, src, ext,
			    split ? 2 : 1, WIN, OVL, NULL, tr_match_cb, &got,
			    &err), TR_OK);
			if (got.n != 1 || got.off != (int64_t)k) {
				fprintf(stderr, "split %d pos %zu: %d hits, "
				    "offset %lld\n", split, pos, got.n,
				    (long long)got.off);
				exit(1);
			}
			tr_source_close(src);
		}
	}
	/* Window not larger than overlap. */
	CHECK_STATUS(tr_scanner_scan_extents(s, NULL, ext, 0, 64, 64, NULL,
	    NULL, NULL, &err), TR_EINVAL);
	tr_scanner_free(s);
	tr_rules_free(r);
}

static int
tr_match_cb(void *arg, tr_rec *m)
{
	struct { int n; int64_t off; } *got = arg;
	tr_rec *s0 = tr_rec_array_get(tr_rec_get_rec(m, "strings"), 0);

	got->n++;
	CHECK(s0 != NULL && tr_rec_get_int(s0, "offset", &got->off));
	tr_rec_free(m);
	return TR_OK;
}

static void
test_scan_hit_record(void)
{
	tr_hit_addr a;
	tr_rec *m, *h, *strs;
	char *line;

	memset(&a, 0, sizeof(a));
	a.source = "d.img";
	a.volume = 2;
	a.fs = "ntfs";
	a.inode = "64-128-3";
	a.path = "/a\xff.txt";
	a.stream = "ads";
	a.has_size = 1;
	a.size = 12;
	a.deleted = 0;
	a.mtime = (tr_time){ 0, 5, 7 };
	a.atime = a.ctime = a.btime = TR_TIME_UNSET;
	a.sha256 = "ab";
	CHECK((m = tr_rec_new_object()) != NULL);
	tr_rec_set_str(m, "rule", "r");
	tr_rec_set_str(m, "namespace", "ns");
	strs = tr_rec_new_array();
	tr_rec_append(strs, tr_rec_new_object());
	tr_rec_set_rec(m, "strings", strs);
	CHECK((h = tr_hit_record(&a, m)) != NULL);
	CHECK((line = tr_rec_dump(h)) != NULL);
	CHECK_STR(line, "{\"record\":\"hit\",\"source\":\"d.img\",\"volume\":2,"
	    "\"fs\":\"ntfs\",\"inode\":\"64-128-3\",\"path\":\"/a\xef\xbf\xbd"
	    ".txt\",\"path_hex\":\"2f61ff2e747874\",\"stream\":\"ads\","
	    "\"size\":12,\"deleted\":false,"
	    "\"mtime\":\"1970-01-01T00:00:00.0000000Z\",\"sha256\":\"ab\","
	    "\"rule\":\"r\",\"namespace\":\"ns\",\"strings\":[{}]}");
	free(line);
	tr_rec_free(h);

	memset(&a, 0, sizeof(a));
	a.volume = -1;
	a.deleted = -1;
	a.mtime = a.atime = a.ctime = a.btime = TR_TIME_UNSET;
	a.region = "unallocated";
	a.has_offset = 1;
	a.offset = 4096;
	a.has_block = 1;
	a.block = 4;
	CHECK((h = tr_hit_record(&a, m)) != NULL);
	CHECK((line = tr_rec_dump(h)) != NULL);
	CHECK_STR(line, "{\"record\":\"hit\",\"region\":\"unallocated\","
	    "\"offset\":4096,\"block\":4,\"rule\":\"r\",\"namespace\":\"ns\","
	    "\"strings\":[{}]}");
	free(line);
	tr_rec_free(h);

	a.owner_inode = "12";
	a.owner_path = "/d/g\xff";
	CHECK((h = tr_hit_record(&a, m)) != NULL);
	CHECK((line = tr_rec_dump(h)) != NULL);
	CHECK_STR(line, "{\"record\":\"hit\",\"region\":\"unallocated\","
	    "\"offset\":4096,\"block\":4,\"owner_inode\":\"12\","
	    "\"owner_path\":\"/d/g\xef\xbf\xbd\",\"owner_path_hex\":"
	    "\"2f642f67ff\",\"rule\":\"r\",\"namespace\":\"ns\","
	    "\"strings\":[{}]}");
	free(line);
	tr_rec_free(h);
	tr_rec_free(m);
}

static void
test_scan_unalloc_extents(void)
{
	char dir[512], path[600];
	tr_source *src = NULL;
	tr_layout *l = NULL;
	tr_extent *ext = NULL;
	tr_fs *fs = NULL;
	uint64_t total = 0;
	size_t n = 0, i;
	tr_error err;

	test_data_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/ext4.img", dir);
	if (access(path, R_OK) != 0)
		SKIP("no ext4.img");
	CHECK_STATUS(tr_source_open(&src, path, NULL, 0, &err), TR_OK);
	CHECK_STATUS(tr_source_layout(src, &l, NULL, NULL, &err), TR_OK);
	CHECK(l->nfs == 1);
	CHECK_STATUS(tr_fs_open(&fs, src, &l->fs[0], &err), TR_OK);
	CHECK_STATUS(tr_fs_unalloc_extents(fs, &ext, &n, &err), TR_OK);
	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		CHECK(ext[i].offset % 1024 == 0 && ext[i].length % 1024 == 0);
		if (i > 0)	/* sorted and joined */
			CHECK(ext[i].offset > ext[i - 1].offset +
			    ext[i - 1].length);
		total += ext[i].length;
	}
	CHECK(total < 3 * 1024 * 1024);
	free(ext);
	/* No partition table: no unpartitioned space. */
	CHECK_STATUS(tr_source_unpartitioned(src, l, &ext, &n, &err), TR_OK);
	CHECK(n == 0 && ext == NULL);
	tr_fs_close(fs);
	tr_layout_free(l);
	tr_source_close(src);

	snprintf(path, sizeof(path), "%s/mbr.img", dir);
	CHECK_STATUS(tr_source_open(&src, path, NULL, 0, &err), TR_OK);
	CHECK_STATUS(tr_source_layout(src, &l, NULL, NULL, &err), TR_OK);
	CHECK_STATUS(tr_source_unpartitioned(src, l, &ext, &n, &err), TR_OK);
	/* The two "Unallocated" rows of mmls: 0-127 and 6400-6463. */
	CHECK(n == 2);
	CHECK(ext[0].offset == 0 && ext[0].length == 128 * 512);
	CHECK(ext[1].offset == 6400 * 512ull && ext[1].length == 64 * 512);
	free(ext);
	tr_layout_free(l);
	tr_source_close(src);
}

int
main(void)
{
	tr_error err;

	snprintf(tmp, sizeof(tmp), "%s/test-scan.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(tmp) != NULL);
	CHECK_STATUS(tr_library_init(&err), TR_OK);
	test_scan_extension();
	test_scan_rules_errors();
	test_scan_rules_folder_and_cache();
	test_scan_externals_and_match();
	test_scan_timeout();
	test_scan_extents_boundaries();
	test_scan_hit_record();
	test_scan_unalloc_extents();
	tr_library_fini();
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		(void)!system(cmd);
	}
	return 0;
}
