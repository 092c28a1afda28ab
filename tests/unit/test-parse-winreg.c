/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The winreg parser: its signature match and UTF-16 decoding, then the
 * hives of $TRIAGE_TEST_DATA against plaso's published expectations
 * (counts and values from plaso's tests, listed in ORACLES.md), and
 * damaged copies (truncated, bit flips): no crash, warnings, lost.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/parse.h"
#include "../../libtriage/internal.h"
#include "../../libtriage/parse_winreg.h"

extern const tri_parser tri_parser_winreg;

static char fixtures[4096];

/* Parse one file; events into *out (an array), stats returned. */
static tr_parse_stats
run(const char *path, unsigned registry, tr_rec **out)
{
	tr_parse_opts o;
	tr_parse_stats st;
	tr_jsonl *w;
	tr_jsonl_reader *rd;
	tr_error errs, *err = &errs;
	const char *ops[1] = { path };
	char tmp[] = "/tmp/test-winreg-out-XXXXXX";
	tr_rec *r;
	FILE *fp;
	int fd;

	tr_error_clear(err);
	CHECK((fd = mkstemp(tmp)) >= 0);
	CHECK((fp = fdopen(fd, "w")) != NULL);
	memset(&o, 0, sizeof(o));
	o.registry = registry;
	o.from = TR_TIME_UNSET;
	o.to = TR_TIME_UNSET;
	CHECK_STATUS(tr_jsonl_open(&w, fp, 0, err), TR_OK);
	CHECK_STATUS(tr_parse_run(ops, 1, &o, w, &st, err), TR_OK);
	CHECK_STATUS(tr_jsonl_close(w, err), TR_OK);
	*out = tr_rec_new_array();
	CHECK_STATUS(tr_jsonl_reader_open(&rd, tmp, err), TR_OK);
	while (tr_jsonl_read(rd, &r, err) == 1)
		CHECK_STATUS(tr_rec_append(*out, r), TR_OK);
	tr_jsonl_reader_close(rd);
	unlink(tmp);
	return st;
}

static size_t
count_type(const tr_rec *evs, const char *dt)
{
	size_t i, n = 0;

	for (i = 0; i < tr_rec_array_size(evs); i++) {
		const char *s = tr_rec_get_str(tr_rec_array_get(evs, i),
		    "data_type");

		if (s != NULL && strcmp(s, dt) == 0)
			n++;
	}
	return n;
}

/* The first event of data type dt whose key equals val, or NULL. */
static tr_rec *
find(const tr_rec *evs, const char *dt, const char *key, const char *val)
{
	size_t i;

	for (i = 0; i < tr_rec_array_size(evs); i++) {
		tr_rec *e = tr_rec_array_get(evs, i);
		const char *s = tr_rec_get_str(e, "data_type");
		const char *v = tr_rec_get_str(e, key);

		if (s != NULL && strcmp(s, dt) == 0 && v != NULL &&
		    strcmp(v, val) == 0)
			return e;
	}
	return NULL;
}

static int
fixture(char *buf, size_t len, const char *rel)
{
	struct stat st;

	snprintf(buf, len, "%s/artifacts/registry/%s", fixtures, rel);
	return stat(buf, &st) == 0;
}

static void
test_match(void)
{
	uint8_t hdr[8] = { 'r', 'e', 'g', 'f', 1, 0, 0, 0 };

	CHECK(tri_parser_winreg.match(hdr, sizeof(hdr), 8192, "x") == 100);
	hdr[0] = 'R';
	CHECK(tri_parser_winreg.match(hdr, sizeof(hdr), 8192, "x") == 0);
	CHECK(tri_parser_winreg.match(hdr, 2, 2, NULL) == 0);
}

static void
test_utf16(void)
{
	/* "aé", U+1F600 as a surrogate pair, a lone surrogate, NUL, "x" */
	static const uint8_t in[] = { 'a', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde,
	    0x00, 0xdc, 0, 0, 'x', 0 };
	char *s = tri_wr_utf16(in, sizeof(in));

	CHECK_STR(s, "a\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd");
	free(s);
	s = tri_wr_utf16(in, 3);	/* odd size: the last byte ignored */
	CHECK_STR(s, "a");
	free(s);
}

static void
test_ntuser(void)
{
	char p[4200];
	tr_rec *evs, *e;
	tr_parse_stats st;
	int64_t n;

	if (!fixture(p, sizeof(p), "plaso/NTUSER.DAT"))
		return;
	st = run(p, 0, &evs);
	CHECK(st.artifacts == 1 && st.lost == 0);
	/* plaso/libregf/hivex: 1127 keys */
	CHECK(count_type(evs, "windows:registry:key_value") == 1127);
	/* plaso userassist.py testProcessOnWinXP: 14 entries */
	CHECK(count_type(evs, "windows:registry:userassist") == 14);
	e = find(evs, "windows:registry:userassist", "value_name",
	    "UEME_RUNPIDL:%csidl2%\\MSN.lnk");
	CHECK(e != NULL);
	CHECK(tr_rec_get_int(e, "number_of_executions", &n) && n == 14);
	CHECK_STR(tr_rec_get_str(e, "time"), "2009-08-04T15:11:22.8110676Z");
	CHECK(tr_rec_get_int(e, "entry_index", &n) && n == 0);
	/* The hive type comes from its content: HKEY_CURRENT_USER. */
	e = find(evs, "windows:registry:run", "key_path", "HKEY_CURRENT_USER"
	    "\\Software\\Microsoft\\Windows\\CurrentVersion\\Run");
	CHECK(e != NULL);
	/* ORACLES.md (regripper run): ctfmon.exe, LW 15:13:12.825875Z */
	CHECK_STR(tr_rec_get_str(e, "time"), "2009-08-04T15:13:12.8258750Z");
	CHECK(tr_rec_array_size(tr_rec_get_rec(e, "entries")) == 1);
	tr_rec_free(evs);
	/* keys only / decoded only */
	run(p, TR_PARSE_REG_KEYS, &evs);
	CHECK(tr_rec_array_size(evs) == 1127);
	tr_rec_free(evs);
	run(p, TR_PARSE_REG_DECODED, &evs);
	CHECK(count_type(evs, "windows:registry:key_value") == 0);
	CHECK(count_type(evs, "windows:registry:userassist") == 14);
	tr_rec_free(evs);
}

static void
test_sam(void)
{
	char p[4200];
	tr_rec *evs, *e;
	int64_t n;
	size_t i, users = 0;

	if (!fixture(p, sizeof(p), "plaso/SAM"))
		return;
	run(p, TR_PARSE_REG_DECODED, &evs);
	/* plaso sam_users.py: 3 users; Administrator RID 500 */
	for (i = 0; i < tr_rec_array_size(evs); i++) {
		e = tr_rec_array_get(evs, i);
		if (strcmp(tr_rec_get_str(e, "timestamp_desc"),
		    "Content Modification Time") == 0)
			users++;
	}
	CHECK(users == 3);
	e = find(evs, "windows:registry:sam_users", "timestamp_desc",
	    "Last Login Time");
	CHECK(e != NULL);
	CHECK_STR(tr_rec_get_str(e, "username"), "Administrator");
	CHECK(tr_rec_get_int(e, "account_rid", &n) && n == 500);
	CHECK(tr_rec_get_int(e, "login_count", &n) && n == 3);
	CHECK_STR(tr_rec_get_str(e, "time"), "2014-03-18T10:20:47.3414256Z");
	e = find(evs, "windows:registry:sam_users", "timestamp_desc",
	    "Last Password Set Time");
	CHECK_STR(tr_rec_get_str(e, "time"), "2014-03-18T10:20:51.0757954Z");
	e = find(evs, "windows:registry:sam_users", "timestamp_desc",
	    "Content Modification Time");
	CHECK_STR(tr_rec_get_str(e, "time"), "2015-11-23T02:26:36.0266868Z");
	tr_rec_free(evs);
}

static void
test_amcache(void)
{
	char p[4200];
	tr_rec *evs, *e;
	size_t i;
	int found = 0;

	if (!fixture(p, sizeof(p), "plaso/win10-Amcache.hve"))
		return;
	run(p, TR_PARSE_REG_DECODED, &evs);
	/* plaso amcache.py: svchost.exe link time 1997-01-10T22:26:24Z */
	for (i = 0; i < tr_rec_array_size(evs); i++) {
		e = tr_rec_array_get(evs, i);
		if (strcmp(tr_rec_get_str(e, "data_type"),
		    "windows:registry:amcache") != 0 ||
		    strcmp(tr_rec_get_str(e, "timestamp_desc"),
		    "Link Time") != 0 || tr_rec_get_str(e, "full_path") ==
		    NULL || strcmp(tr_rec_get_str(e, "full_path"),
		    "c:\\windows\\system32\\svchost.exe") != 0)
			continue;
		CHECK_STR(tr_rec_get_str(e, "time"), "1997-01-10T22:26:24Z");
		CHECK(strncmp(tr_rec_get_str(e, "sha1"), "75c5a97f", 8) == 0);
		found++;
	}
	CHECK(found == 1);
	/* InventoryApplicationFile 30 keys, InventoryApplication 75 */
	CHECK(count_type(evs, "windows:registry:amcache:programs") == 75);
	tr_rec_free(evs);
}

static void
test_system(void)
{
	char p[4200];
	tr_rec *evs, *e;

	if (!fixture(p, sizeof(p), "regipy/SYSTEM"))
		return;
	run(p, TR_PARSE_REG_DECODED, &evs);
	/* regipy: WKS-WIN732BITA in the current set (Select Current=1) */
	e = find(evs, "windows:registry:computer_name", "computer_name",
	    "WKS-WIN732BITA");
	CHECK(e != NULL);
	CHECK_STR(tr_rec_get_str(e, "key_path"), "HKEY_LOCAL_MACHINE\\System"
	    "\\ControlSet001\\Control\\ComputerName\\ComputerName");
	CHECK(find(evs, "windows:registry:computer_name", "computer_name",
	    "WIN-V5T3CSP8U4H") == NULL);	/* ControlSet002: not current */
	e = find(evs, "windows:registry:shutdown", "value_name",
	    "ShutdownTime");
	CHECK(e != NULL);
	CHECK(strncmp(tr_rec_get_str(e, "time"), "2012-04-04T01:58:40", 19) ==
	    0);
	tr_rec_free(evs);
}

/* Damaged copies: truncated at several offsets, bytes flipped. */
static void
test_damaged(void)
{
	char p[4200], tmp[] = "/tmp/test-winreg-XXXXXX";
	uint8_t *d;
	size_t size, cut[] = { 100, 4096, 4096 + 32, 65536, 300000 };
	tr_parse_stats st;
	tr_rec *evs;
	FILE *f;
	size_t i, j;
	int fd;

	if (!fixture(p, sizeof(p), "plaso/NTUSER.DAT"))
		return;
	CHECK((f = fopen(p, "rb")) != NULL);
	CHECK((d = malloc(1 << 20)) != NULL);
	size = fread(d, 1, 1 << 20, f);
	fclose(f);
	CHECK(size == 786432);
	CHECK((fd = mkstemp(tmp)) >= 0);
	close(fd);
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		CHECK((f = fopen(tmp, "wb")) != NULL);
		CHECK(fwrite(d, 1, cut[i], f) == cut[i]);
		fclose(f);
		st = run(tmp, 0, &evs);
		CHECK(st.lost == 1 && st.warnings >= 1);
		tr_rec_free(evs);
	}
	/* Bit flips across the hive bins: never a crash. */
	srand(12);
	for (j = 0; j < 20; j++) {
		uint8_t *c = malloc(size);

		CHECK(c != NULL);
		memcpy(c, d, size);
		for (i = 0; i < 200; i++)
			c[4096 + (size_t)rand() % (size - 4096)] ^=
			    (uint8_t)(1u << (rand() % 8));
		CHECK((f = fopen(tmp, "wb")) != NULL);
		CHECK(fwrite(c, 1, size, f) == size);
		fclose(f);
		run(tmp, 0, &evs);
		tr_rec_free(evs);
		free(c);
	}
	/* A dirty hive: sequence numbers differ, one warning, nothing lost. */
	d[4] ^= 1;
	CHECK((f = fopen(tmp, "wb")) != NULL);
	CHECK(fwrite(d, 1, size, f) == size);
	fclose(f);
	st = run(tmp, TR_PARSE_REG_KEYS, &evs);
	CHECK(st.lost == 0 && st.warnings == 2);	/* + base block sum */
	CHECK(tr_rec_array_size(evs) == 1127);
	tr_rec_free(evs);
	unlink(tmp);
	free(d);
}

int
main(void)
{
	const char *td = getenv("TRIAGE_TEST_DATA");
	const char *src = getenv("TRIAGE_SRCDIR");
	char p[4200];

	test_match();
	test_utf16();
	if (td != NULL)
		snprintf(fixtures, sizeof(fixtures), "%s", td);
	else
		snprintf(fixtures, sizeof(fixtures), "%s/../shared/fixtures",
		    src != NULL ? src : ".");
	if (!fixture(p, sizeof(p), "plaso/NTUSER.DAT"))
		SKIP("no registry fixtures under $TRIAGE_TEST_DATA");
	test_ntuser();
	test_sam();
	test_amcache();
	test_system();
	test_damaged();
	return 0;
}
