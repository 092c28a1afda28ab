/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Windows parsers' own code, below the CLI: UTF-16LE text, and the
 * Prefetch version 31 reader against libscca.  Debian's libscca refuses
 * version 31 even decompressed, so the oracle is made here: the MAM
 * container is decompressed through libfwnt (loaded apart, as triage loads
 * it), its version field changed to 30 (the v31 layout is v30's second
 * variant), and the events triage makes from that copy through libscca
 * must equal the ones its own reader makes from the original file, but
 * for the version number.
 */
#include "internal.h"
#include "parse_win.h"
#include "yal.h"
#include "triage/parse.h"

#include <libfwnt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

static void
test_utf16(void)
{
	/* "A", U+00E9, U+20AC, U+1F600 (surrogates), NUL, "B" */
	static const uint8_t s[] = { 'A', 0, 0xe9, 0, 0xac, 0x20, 0x3d, 0xd8,
	    0x00, 0xde, 0, 0, 'B', 0 };
	/* an unpaired high surrogate, then "x" */
	static const uint8_t bad[] = { 0x3d, 0xd8, 'x', 0 };
	size_t used;
	char *t;

	t = tri_utf16le(s, sizeof(s) / 2, &used);
	CHECK_STR(t, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	CHECK(used == 6);
	free(t);
	t = tri_utf16le(s, 2, &used);		/* cut: no NUL */
	CHECK_STR(t, "A\xc3\xa9");
	CHECK(used == 2);
	free(t);
	t = tri_utf16le(bad, 2, NULL);
	CHECK_STR(t, "\xef\xbf\xbdx");
	free(t);
	t = tri_utf16le(s, 0, &used);
	CHECK_STR(t, "");
	CHECK(used == 0);
	free(t);
}

static void
quiet(void *arg, const char *msg)
{
	int *n = arg;

	fprintf(stderr, "warning: %s\n", msg);
	(*n)++;
}

/* triage-parse's events for one file, as a JSON array (one per line). */
static json_t *
events_of(const char *path, const char *dir, int *warnings)
{
	const char *ops[1] = { path };
	const char *parsers[] = { "prefetch", NULL };
	char out[4096];
	tr_parse_opts o;
	tr_parse_stats st;
	tr_jsonl *w;
	tr_error err;
	FILE *fp;
	json_t *arr, *j;
	char line[1 << 16];

	snprintf(out, sizeof(out), "%s/out.jsonl", dir);
	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	o.parsers = parsers;
	o.from = TR_TIME_UNSET;
	o.to = TR_TIME_UNSET;
	o.warn = quiet;
	o.warn_arg = warnings;
	CHECK((fp = fopen(out, "w")) != NULL);
	CHECK_STATUS(tr_jsonl_open(&w, fp, 0, &err), TR_OK);
	CHECK_STATUS(tr_parse_run(ops, 1, &o, w, &st, &err), TR_OK);
	CHECK_STATUS(tr_jsonl_close(w, &err), TR_OK);
	CHECK(st.lost == 0);
	CHECK((arr = json_array()) != NULL);
	CHECK((fp = fopen(out, "r")) != NULL);
	while (fgets(line, sizeof(line), fp) != NULL) {
		CHECK((j = json_loads(line, 0, NULL)) != NULL);
		/* the address and the version differ by construction */
		json_object_del(j, "source");
		json_object_del(j, "path");
		json_object_del(j, "origin");
		json_object_del(j, "message");
		json_object_del(j, "version");
		json_array_append_new(arr, j);
	}
	fclose(fp);
	return arr;
}

#define FWNT_API(X) X(libfwnt_lzxpress_huffman_decompress) \
	X(libfwnt_error_free)
static struct {
	FWNT_API(TRI_YAL_MEMBER)
	tri_yal lib;
} fw;
static const char *const fw_names[] = { FWNT_API(TRI_YAL_NAME) NULL };

static void
test_v31(void)
{
	const char *data = getenv("TRIAGE_TEST_DATA");
	const char *src = getenv("TRIAGE_SRCDIR");
	char in[4096], patched[4096], dir[] = "/tmp/test-winmisc.XXXXXX";
	static uint8_t raw[1 << 20];
	uint8_t *d;
	size_t n, want, got;
	libfwnt_error_t *e = NULL;
	json_t *a, *b, *ev;
	int wa = 0, wb = 0;
	size_t i;
	FILE *fp;

	if (data != NULL)
		snprintf(in, sizeof(in), "%s", data);
	else
		snprintf(in, sizeof(in), "%s/../shared/fixtures",
		    src != NULL ? src : ".");
	snprintf(in + strlen(in), sizeof(in) - strlen(in), "/artifacts/"
	    "prefetch/plaso/AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf");
	if ((fp = fopen(in, "rb")) == NULL)
		SKIP("no AM_DELTA_PATCH Prefetch fixture");
	n = fread(raw, 1, sizeof(raw), fp);
	fclose(fp);
	CHECK(n > 8 && memcmp(raw, "MAM\x04", 4) == 0);
	if (!tri_yal_load(&fw.lib, "libfwnt.so.1", fw_names, (void **)&fw))
		SKIP(fw.lib.why);
	want = tri_le32(raw + 4);
	CHECK((d = malloc(want)) != NULL);
	got = want;
	CHECK(fw.libfwnt_lzxpress_huffman_decompress(raw + 8, n - 8, d, &got,
	    &e) == 1);
	CHECK(got == want);
	CHECK(tri_le32(d) == 31 && memcmp(d + 4, "SCCA", 4) == 0);
	d[0] = 30;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(patched, sizeof(patched), "%s/AS-V30.pf", dir);
	CHECK((fp = fopen(patched, "wb")) != NULL);
	CHECK(fwrite(d, 1, got, fp) == got);
	CHECK(fclose(fp) == 0);
	free(d);

	a = events_of(in, dir, &wa);		/* triage's v31 reader */
	b = events_of(patched, dir, &wb);	/* libscca, on the same bytes */
	CHECK(wa == 0 && wb == 0);
	CHECK(json_array_size(a) == 2);
	if (!json_equal(a, b)) {
		char *x = json_dumps(a, 0), *y = json_dumps(b, 0);

		fprintf(stderr, "v31 reader: %s\nlibscca:    %s\n", x, y);
		exit(1);
	}
	/* and the values are real: 18 files, 1 volume, one run */
	for (i = 0; i < json_array_size(a); i++) {
		ev = json_array_get(a, i);
		if (strcmp(json_string_value(json_object_get(ev, "data_type")),
		    "windows:prefetch:execution") != 0)
			continue;
		CHECK(json_array_size(json_object_get(ev, "mapped_files")) ==
		    18);
		CHECK_STR(json_string_value(json_object_get(ev, "time")),
		    "2026-02-04T13:43:44.6686325Z");
	}
	json_decref(a);
	json_decref(b);
	remove(patched);
	snprintf(patched, sizeof(patched), "%s/out.jsonl", dir);
	remove(patched);
	rmdir(dir);
}

int
main(void)
{
	tr_error err;

	CHECK_STATUS(tr_library_init(&err), TR_OK);
	test_utf16();
	test_v31();
	tr_library_fini();
	return 0;
}
