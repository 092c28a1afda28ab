/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "../../libtriage/internal.h"

static void
test_record_time_format(void)
{
	char buf[TR_TIME_STR_MAX];
	tr_time t = { 1680674828, 123456789, 9 };

	CHECK_STR(tr_time_format(&t, buf), "2023-04-05T06:07:08.123456789Z");
	t.digits = 7;
	CHECK_STR(tr_time_format(&t, buf), "2023-04-05T06:07:08.1234567Z");
	t.digits = 0;
	CHECK_STR(tr_time_format(&t, buf), "2023-04-05T06:07:08Z");
	t = (tr_time){ -1, 0, 0 };
	CHECK_STR(tr_time_format(&t, buf), "1969-12-31T23:59:59Z");
	t = (tr_time){ 951782400, 0, 0 };	/* leap day 2000 */
	CHECK_STR(tr_time_format(&t, buf), "2000-02-29T00:00:00Z");
	t = TR_TIME_UNSET;
	CHECK(tr_time_format(&t, buf) == NULL);
	t = (tr_time){ 400000000000LL, 0, 0 };
	CHECK(tr_time_format(&t, buf) == NULL);
}

static void
test_record_time_parse(void)
{
	tr_time t;
	tr_error err;

	CHECK_STATUS(tr_time_parse("2023-04-05T06:07:08.123456789Z", &t,
	    &err), TR_OK);
	CHECK(t.sec == 1680674828 && t.nsec == 123456789 && t.digits == 9);
	CHECK_STATUS(tr_time_parse("2023-04-05T08:07:08+02:00", &t, &err),
	    TR_OK);
	CHECK(t.sec == 1680674828 && t.nsec == 0);
	CHECK_STATUS(tr_time_parse("2023-04-05", &t, &err), TR_OK);
	CHECK(t.sec == 1680652800);
	CHECK_STATUS(tr_time_parse("2023-04-05 06:07", &t, &err), TR_OK);
	CHECK(t.sec == 1680674820);
	CHECK_STATUS(tr_time_parse("yesterday", &t, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "'yesterday'");
	CHECK_STATUS(tr_time_parse("2023-13-01", &t, &err), TR_EFORMAT);
	CHECK_STATUS(tr_time_parse("2023-04-05T06:07:08Zjunk", &t, &err),
	    TR_EFORMAT);
	t = (tr_time){ 1, 999999, 9 };
	CHECK(tr_time_usec(&t) == 1000999);
}

static void
test_record_text_hex(void)
{
	tr_rec *r = tr_rec_new("file");
	char *s;

	CHECK(r != NULL);
	CHECK_STATUS(tr_rec_set_str(r, "source", "a.img"), TR_OK);
	CHECK_STATUS(tr_rec_set_text(r, "path", "/bad\xff\xfe.txt", 10), TR_OK);
	CHECK_STATUS(tr_rec_set_text(r, "name", "caf\xc3\xa9", 5), TR_OK);
	CHECK_STATUS(tr_rec_set_int(r, "size", 42), TR_OK);
	CHECK_STATUS(tr_rec_set_str(r, "absent", NULL), TR_OK);
	s = tr_rec_dump(r);
	CHECK_STR(s, "{\"record\":\"file\",\"source\":\"a.img\",\"path\":"
	    "\"/bad\xef\xbf\xbd\xef\xbf\xbd.txt\",\"path_hex\":"
	    "\"2f626164fffe2e747874\",\"name\":\"caf\xc3\xa9\",\"size\":42}");
	free(s);
	/* Setting again keeps the key's place; valid text drops _hex. */
	CHECK_STATUS(tr_rec_set_text(r, "path", "/ok", 3), TR_OK);
	CHECK(!tr_rec_has(r, "path_hex"));
	CHECK_STR(tr_rec_kind(r), "file");
	tr_rec_free(r);
}

static void
test_record_reader_errors(void)
{
	char path[] = "/tmp/test-record-XXXXXX";
	tr_jsonl_reader *rd;
	tr_rec *r;
	tr_error err;
	int fd;
	FILE *fp;
	int64_t v;

	CHECK((fd = mkstemp(path)) >= 0);
	CHECK((fp = fdopen(fd, "w")) != NULL);
	fputs("{\"record\":\"file\",\"size\":7}\n\n[1,2]\n{garbage\n"
	    "{\"record\":\"event\"}\n", fp);
	fclose(fp);
	CHECK_STATUS(tr_jsonl_reader_open(&rd, path, &err), TR_OK);
	CHECK_STATUS(tr_jsonl_read(rd, &r, &err), 1);
	CHECK(tr_rec_get_int(r, "size", &v) == 1 && v == 7);
	tr_rec_free(r);
	CHECK_STATUS(tr_jsonl_read(rd, &r, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "line 3: not a JSON object");
	CHECK_CONTAINS(err.msg, path);
	CHECK_STATUS(tr_jsonl_read(rd, &r, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "line 4: not valid JSON");
	CHECK_STATUS(tr_jsonl_read(rd, &r, &err), 1);
	CHECK_STR(tr_rec_kind(r), "event");
	tr_rec_free(r);
	CHECK_STATUS(tr_jsonl_read(rd, &r, &err), 0);
	tr_jsonl_reader_close(rd);
	unlink(path);
	CHECK_STATUS(tr_jsonl_reader_open(&rd, "/nonexistent/x.jsonl", &err),
	    TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "'/nonexistent/x.jsonl'");
}

static void
test_record_writer_full(void)
{
	tr_jsonl *w;
	tr_rec *r = tr_rec_new("file");
	tr_error err;
	FILE *fp = fopen("/dev/full", "w");
	int i, rc = TR_OK;

	if (fp == NULL)
		SKIP("no /dev/full");
	CHECK_STATUS(tr_jsonl_open(&w, fp, 0, &err), TR_OK);
	for (i = 0; i < 10000 && rc == TR_OK; i++)
		rc = tr_jsonl_write(w, r, &err);
	rc = tr_jsonl_close(w, &err);
	CHECK_STATUS(rc, TR_EIO);
	CHECK_CONTAINS(err.msg, "cannot write");
	tr_rec_free(r);
}

/* tri_unhex takes hex digits only: no sign, space or odd length. */
static void
test_record_unhex(void)
{
	uint8_t b[8];

	CHECK(tri_unhex("2f6574", 6, b) == 0);
	CHECK(b[0] == 0x2f && b[1] == 0x65 && b[2] == 0x74);
	CHECK(tri_unhex("AbcD", 4, b) == 0);
	CHECK(b[0] == 0xab && b[1] == 0xcd);
	CHECK(tri_unhex("", 0, b) == 0);
	CHECK(tri_unhex("abc", 3, b) == -1);
	CHECK(tri_unhex("-1", 2, b) == -1);
	CHECK(tri_unhex("+f", 2, b) == -1);
	CHECK(tri_unhex(" f", 2, b) == -1);
	CHECK(tri_unhex("0x", 2, b) == -1);
	CHECK(tri_unhex("g0", 2, b) == -1);
	CHECK(tri_hexval('F') == 15 && tri_hexval('/') == -1 &&
	    tri_hexval(0xe9) == -1);
}

static void
test_record_text_safe(void)
{
	char out[64], tiny[6];

	CHECK_STR(tr_text_safe("plain caf\xc3\xa9", out, sizeof(out)),
	    "plain caf\xc3\xa9");
	CHECK_STR(tr_text_safe("\x1b]0;PWNED\x07\x1b[2J", out, sizeof(out)),
	    "\\x1b]0;PWNED\\x07\\x1b[2J");
	CHECK_STR(tr_text_safe("a\nb\tc\x7f", out, sizeof(out)),
	    "a\\x0ab\\x09c\\x7f");
	/* C1 CSI (U+009B) and invalid UTF-8 (a lone 0xff, a cut sequence). */
	CHECK_STR(tr_text_safe("x\xc2\x9by\xffz\xe2\x82", out, sizeof(out)),
	    "x\\xc2\\x9by\\xffz\\xe2\\x82");
	/* U+00A0 is printable: kept. */
	CHECK_STR(tr_text_safe("\xc2\xa0", out, sizeof(out)), "\xc2\xa0");
	/* Cut at a character boundary, never inside an escape. */
	CHECK_STR(tr_text_safe("ab\x1b", tiny, sizeof(tiny)), "ab");
	CHECK_STR(tr_text_safe("abcdefgh", tiny, sizeof(tiny)), "abcde");
}

int
main(void)
{
	test_record_text_safe();
	test_record_time_format();
	test_record_time_parse();
	test_record_text_hex();
	test_record_reader_errors();
	test_record_writer_full();
	test_record_unhex();
	return 0;
}
