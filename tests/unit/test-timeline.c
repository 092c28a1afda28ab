/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the timeline: bodyfile parsing, sorting, formats, spills. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/timeline.h"

static int warnings;

static void
count_warn(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
	warnings++;
}

static int
span_is(const tr_span *s, const char *want)
{
	return s->len == strlen(want) && memcmp(s->p, want, s->len) == 0;
}

/* Run lines (kind 'j' or 'b') through a timeline; caller frees result. */
static char *
run(const tr_tl_opts *o, int kind, const char *const *lines, size_t n,
    tr_tl_stats *st)
{
	tr_timeline *tl;
	tr_error err;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp;

	CHECK_STATUS(tr_timeline_new(&tl, o, &err), TR_OK);
	for (i = 0; i < n; i++)
		CHECK_STATUS(tr_timeline_add_line(tl, kind, lines[i],
		    strlen(lines[i]), "t", i + 1, &err), TR_OK);
	CHECK((fp = open_memstream(&buf, &len)) != NULL);
	CHECK_STATUS(tr_timeline_write(tl, fp, &err), TR_OK);
	fclose(fp);
	if (st != NULL)
		*st = *tr_timeline_stats(tl);
	tr_timeline_free(tl);
	return buf;
}

static void
test_timeline_bodyfile_parse(void)
{
	const char *l = "0|/a | b (deleted)|12-128-2|r/rrw-r--r--|1000|100|46|"
	    "1680754031|1680754029.5|0|-1";
	tr_body_line b;
	tr_error err;

	CHECK_STATUS(tr_bodyfile_parse(l, strlen(l), "x", 3, &b, &err),
	    TR_OK);
	CHECK(span_is(&b.name, "/a | b (deleted)"));
	CHECK(span_is(&b.inode, "12-128-2"));
	CHECK(span_is(&b.size, "46"));
	CHECK(b.atime.sec == 1680754031 && b.atime.digits == 0);
	CHECK(b.mtime.sec == 1680754029 && b.mtime.nsec == 500000000 &&
	    b.mtime.digits == 1);
	CHECK(!tr_time_isset(&b.ctime) && !tr_time_isset(&b.crtime));

	l = "0|/a|2|r/r|0|0|1|0|1";
	CHECK_STATUS(tr_bodyfile_parse(l, strlen(l), "x", 7, &b, &err),
	    TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "'x' line 7: not a bodyfile line: expected 11");
	l = "0|/a|2|r/r|0|zero|1|0|1|0|0";
	CHECK_STATUS(tr_bodyfile_parse(l, strlen(l), "x", 8, &b, &err),
	    TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "line 8: not a bodyfile line: bad GID field "
	    "'zero'");
	l = "0|/a|2x|r/r|0|0|1|0|1|0|0";
	CHECK_STATUS(tr_bodyfile_parse(l, strlen(l), "x", 9, &b, &err),
	    TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "bad inode field '2x'");
}

/* Times no date can show: bad lines, not wrapped dates or overflows. */
static void
test_timeline_bodyfile_time_range(void)
{
	tr_body_line b;
	tr_error err;
	const char *l;

	l = "0|/a|2|r/r|0|0|1|99999999999999|1|0|0";
	CHECK_STATUS(tr_bodyfile_parse(l, strlen(l), "x", 4, &b, &err),
	    TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "line 4: not a bodyfile line: bad atime "
	    "field '99999999999999'");
	l = "0|/a|2|r/r|0|0|1|1|-99999999999|0|0";
	CHECK_STATUS(tr_bodyfile_parse(l, strlen(l), "x", 5, &b, &err),
	    TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "bad mtime field '-99999999999'");
	/* The last second of 9999 and the first of year 0 still are dates. */
	l = "0|/a|2|r/r|0|0|1|253402300799|-62167219200|0|0";
	CHECK_STATUS(tr_bodyfile_parse(l, strlen(l), "x", 6, &b, &err),
	    TR_OK);
	CHECK(b.atime.sec == 253402300799LL && b.mtime.sec == -62167219200LL);
}

static void
test_timeline_format_parse(void)
{
	tr_tl_format f;
	tr_error err;

	CHECK_STATUS(tr_tl_format_parse("l2tcsv", &f, &err), TR_OK);
	CHECK(f == TR_TL_L2TCSV);
	CHECK_STATUS(tr_tl_format_parse("xml", &f, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "unknown format 'xml'");
}

/* Times sort to the nanosecond; ties by description; duplicates once. */
static void
test_timeline_order_and_duplicates(void)
{
	static const char *const in[] = {
		"{\"record\":\"file\",\"source\":\"s\",\"inode\":\"2\","
		    "\"path\":\"/b\",\"mtime\":\"2023-01-01T00:00:00.000000002Z\","
		    "\"atime\":\"2023-01-01T00:00:00.000000002Z\"}",
		"{\"record\":\"file\",\"source\":\"s\",\"inode\":\"1\","
		    "\"path\":\"/a\",\"mtime\":\"2023-01-01T00:00:00.000000001Z\"}",
		"{\"record\":\"file\",\"source\":\"s\",\"inode\":\"1\","
		    "\"path\":\"/a\",\"mtime\":\"2023-01-01T00:00:00.000000001Z\"}",
		"{\"record\":\"volume\",\"source\":\"s\"}"
	};
	tr_tl_opts o;
	tr_tl_stats st;
	char *out;
	const char *a, *b, *c;

	memset(&o, 0, sizeof(o));
	o.warn = count_warn;
	warnings = 0;
	out = run(&o, 'j', in, 4, &st);
	a = strstr(out, "\"time\":\"2023-01-01T00:00:00.000000001Z\"");
	b = strstr(out, "\"timestamp_desc\":\"Content Modification Time\","
	    "\"time\":\"2023-01-01T00:00:00.000000002Z\"");
	c = strstr(out, "\"timestamp_desc\":\"Last Access Time\"");
	CHECK(a != NULL && b != NULL && c != NULL && a < b && b < c);
	CHECK(st.events == 4 && st.duplicates == 1 && st.written == 3);
	CHECK(st.ignored == 1 && warnings == 1);
	free(out);
}

/* Passed-through events get what Timesketch needs to read their time. */
static void
test_timeline_event_timesketch_times(void)
{
	static const char *const in[] = {
		"{\"record\":\"event\",\"timestamp\":-1500001,"
		    "\"message\":\"a\",\"timestamp_desc\":\"d\"}",
		"{\"record\":\"event\",\"datetime\":\"2023-01-01T00:00:00\","
		    "\"message\":\"b\",\"timestamp_desc\":\"d\"}",
		"{\"record\":\"event\",\"datetime\":\"2023-01-02T02:00:00+02:00\","
		    "\"message\":\"c\",\"timestamp_desc\":\"d\"}"
	};
	const char *bad = "{\"record\":\"event\",\"datetime\":"
	    "\"2023-01-01T00:00:00+02:00\",\"timestamp\":1,\"message\":\"m\","
	    "\"timestamp_desc\":\"d\"}";
	tr_timeline *tl;
	tr_tl_opts o;
	tr_error err;
	char *out;

	memset(&o, 0, sizeof(o));
	out = run(&o, 'j', in, 3, NULL);
	CHECK_CONTAINS(out, "{\"record\":\"event\",\"timestamp\":-1500001,"
	    "\"message\":\"a\",\"timestamp_desc\":\"d\",\"datetime\":"
	    "\"1969-12-31T23:59:58.499999+00:00\"}\n");
	CHECK_CONTAINS(out, "{\"record\":\"event\",\"datetime\":"
	    "\"2023-01-01T00:00:00.000000+00:00\",\"message\":\"b\","
	    "\"timestamp_desc\":\"d\",\"timestamp\":1672531200000000}\n");
	CHECK_CONTAINS(out, "\"datetime\":\"2023-01-02T02:00:00+02:00\","
	    "\"message\":\"c\",\"timestamp_desc\":\"d\","
	    "\"timestamp\":1672617600000000}\n");
	free(out);
	CHECK_STATUS(tr_timeline_new(&tl, &o, &err), TR_OK);
	CHECK_STATUS(tr_timeline_add_line(tl, 'j', bad, strlen(bad), "t", 4,
	    &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "'t' line 4: event record whose 'timestamp' "
	    "and 'datetime' disagree");
	tr_timeline_free(tl);
}

/* A tiny memory budget spills runs (and merges them) to the same result. */
static void
test_timeline_spill_same_output(void)
{
	char **lines;
	char *mem, *disk;
	tr_tl_opts o;
	tr_tl_stats st;
	size_t i, n = 3000;

	CHECK((lines = calloc(n, sizeof(*lines))) != NULL);
	for (i = 0; i < n; i++) {
		CHECK((lines[i] = malloc(128)) != NULL);
		snprintf(lines[i], 128, "0|/dir/f%zu|%zu|r/rrw-r--r--|0|0|%zu|"
		    "%zu|%zu|%zu|%zu", i % 997, i, i, 1600000000 + i * 7919 %
		    5000, 1600000000 + i % 13, 1600000000 + i * 31 % 977,
		    1600000000 + i);
	}
	memset(&o, 0, sizeof(o));
	o.format = TR_TL_MACTIME;
	mem = run(&o, 'b', (const char *const *)lines, n, &st);
	CHECK(st.runs == 0);
	o.memory = 4096;
	disk = run(&o, 'b', (const char *const *)lines, n, &st);
	CHECK(st.runs > 64);		/* intermediate merges happened */
	CHECK_STR(disk, mem);
	free(mem);
	free(disk);
	o.format = TR_TL_JSONL;
	o.memory = 0;
	mem = run(&o, 'b', (const char *const *)lines, n, &st);
	o.memory = 8192;
	disk = run(&o, 'b', (const char *const *)lines, n, &st);
	CHECK(st.runs > 1 && st.written == n * 4);
	CHECK_STR(disk, mem);
	free(mem);
	free(disk);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void
test_timeline_range_and_skip_bad(void)
{
	static const char *const in[] = {
		"0|/a|2|r/r---------|0|0|1|1680000000|1680000100|0|0",
		"0|/b|3|r/r---------|0|0|1|bad|1680000100|0|0",
		"0|/c|4|r/r---------|0|0|1|1680000200|1680000300|0|0",
	};
	tr_tl_opts o;
	tr_tl_stats st;
	tr_timeline *tl;
	tr_error err;
	char *out;

	memset(&o, 0, sizeof(o));
	o.format = TR_TL_CSV;
	o.skip_bad = 1;
	o.warn = count_warn;
	CHECK_STATUS(tr_time_parse("2023-03-28T10:41:40Z", &o.from, NULL),
	    TR_OK);
	CHECK_STATUS(tr_time_parse("2023-03-28T12:44:59+02:00", &o.to, NULL),
	    TR_OK);
	o.has_from = o.has_to = 1;
	warnings = 0;
	out = run(&o, 'b', in, 3, &st);
	/* 1680000100 and 1680000200 are in, 1680000000 and ...300 out. */
	CHECK(st.written == 2 && st.filtered == 2 && st.bad == 1);
	CHECK(warnings == 1);
	CHECK_CONTAINS(out, "2023-03-28T10:41:40.000000+00:00,1680000100000000,"
	    "Content Modification Time,/a,fs:bodyfile,,,,2,/a,1\n");
	free(out);
	o.skip_bad = 0;
	CHECK_STATUS(tr_timeline_new(&tl, &o, &err), TR_OK);
	CHECK_STATUS(tr_timeline_add_line(tl, 'b', in[1], strlen(in[1]),
	    "in.body", 2, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "'in.body' line 2: not a bodyfile line: bad "
	    "atime field 'bad'");
	tr_timeline_free(tl);
}

static void
test_timeline_bad_tmpdir(void)
{
	tr_tl_opts o;
	tr_timeline *tl;
	tr_error err;
	char line[128];
	int i, rc = TR_OK;

	memset(&o, 0, sizeof(o));
	o.memory = 4096;
	o.tmpdir = "/nonexistent/dir";
	CHECK_STATUS(tr_timeline_new(&tl, &o, &err), TR_OK);
	for (i = 0; i < 1000 && rc == TR_OK; i++) {
		snprintf(line, sizeof(line), "0|/f%d|%d|r/r|0|0|0|0|%d|0|0",
		    i, i + 1, 1600000000 + i);
		rc = tr_timeline_add_line(tl, 'b', line, strlen(line), "x",
		    (uint64_t)i + 1, &err);
	}
	CHECK(rc == TR_EIO);
	CHECK_CONTAINS(err.msg, "cannot create a temporary file in "
	    "'/nonexistent/dir'");
	tr_timeline_free(tl);
}

int
main(void)
{
	test_timeline_bodyfile_parse();
	test_timeline_bodyfile_time_range();
	test_timeline_format_parse();
	test_timeline_order_and_duplicates();
	test_timeline_event_timesketch_times();
	test_timeline_spill_same_output();
	test_timeline_range_and_skip_bad();
	test_timeline_bad_tmpdir();
	return 0;
}
