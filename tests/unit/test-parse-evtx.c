/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Windows event log parsers (winevtx, winevt) on the third-party
 * fixtures: plaso's published expectations (System.evtx, System2.evtx,
 * SysEvent.Evt), -j, and damaged copies (cut, flipped bytes, bad chunk
 * checksums): never a crash, a warning naming the offset, lost only when
 * records were lost.  The oracle comparisons (python3-libevtx, python-evtx,
 * evtexport) are in tests/cli/triage-parse-evtx.bats.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "triage/triage.h"
#include "triage/parse.h"
#include "check.h"

struct out {
	tr_rec		**ev;
	size_t		n;
	char		warns[8192];
	size_t		nwarn;
	tr_parse_stats	st;
	int		rc;
};

static void
on_warn(void *arg, const char *msg)
{
	struct out *o = arg;
	size_t l = strlen(o->warns);

	o->nwarn++;
	snprintf(o->warns + l, sizeof(o->warns) - l, "%s\n", msg);
}

static void
out_free(struct out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		tr_rec_free(o->ev[i]);
	free(o->ev);
	memset(o, 0, sizeof(*o));
}

/* Parse path with jobs threads; the events read back in o->ev. */
static void
parse(const char *path, int jobs, struct out *o)
{
	const char *ops[1] = { path };
	tr_parse_opts opts;
	tr_jsonl *w;
	tr_jsonl_reader *rd;
	tr_error err;
	tr_rec *r;
	FILE *fp;
	size_t cap = 0;

	memset(o, 0, sizeof(*o));
	memset(&opts, 0, sizeof(opts));
	opts.from = opts.to = TR_TIME_UNSET;
	opts.jobs = jobs;
	opts.warn = on_warn;
	opts.warn_arg = o;
	CHECK((fp = tmpfile()) != NULL);
	CHECK_STATUS(tr_jsonl_open(&w, fp, TR_JSONL_NOCLOSE, &err), TR_OK);
	o->rc = tr_parse_run(ops, 1, &opts, w, &o->st, &err);
	CHECK_STATUS(tr_jsonl_close(w, &err), TR_OK);
	rewind(fp);
	CHECK_STATUS(tr_jsonl_reader_fdopen(&rd, fp, path, &err), TR_OK);
	while (tr_jsonl_read(rd, &r, &err) == 1) {
		if (o->n == cap) {
			cap = cap ? cap * 2 : 1024;
			CHECK((o->ev = realloc(o->ev, cap * sizeof(*o->ev))) !=
			    NULL);
		}
		o->ev[o->n++] = r;
	}
	tr_jsonl_reader_close(rd);
	CHECK(o->n == o->st.events);
}

static int64_t
geti(const tr_rec *r, const char *key)
{
	int64_t v = -1;

	CHECK(tr_rec_get_int(r, key, &v));
	return v;
}

/* The JSON text of r's value at key, e.g. an array of strings. */
static void
check_json(const tr_rec *r, const char *key, const char *want)
{
	char *got;

	CHECK(tr_rec_get_rec(r, key) != NULL);
	CHECK((got = tr_rec_dump(tr_rec_get_rec(r, key))) != NULL);
	CHECK_STR(got, want);
	free(got);
}

static char dir[4096];

static const char *
fixture(const char *name)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf), "%s/artifacts/evtx/%s", dir, name);
	return buf;
}

/* plaso winevtx.py testParse: 5009 records, idx0's values. */
static void
test_system(void)
{
	struct out o;
	const tr_rec *e;
	tr_rec *ed;
	size_t i;

	parse(fixture("plaso/System.evtx"), 1, &o);
	CHECK_STATUS(o.rc, TR_OK);
	CHECK(o.n == 5009);
	CHECK(o.st.lost == 0 && o.nwarn == 0);
	e = o.ev[0];
	CHECK_STR(tr_rec_get_str(e, "data_type"), "windows:evtx:record");
	CHECK_STR(tr_rec_get_str(e, "parser"), "winevtx");
	CHECK_STR(tr_rec_get_str(e, "timestamp_desc"), "Creation Time");
	CHECK(geti(e, "record_number") == 1);
	CHECK(geti(e, "event_identifier") == 7036);
	CHECK(geti(e, "message_identifier") == 1073748860);
	CHECK(geti(e, "event_level") == 4);
	CHECK(geti(e, "event_version") == 0);
	CHECK(geti(e, "timestamp") == 1290311759626427);
	CHECK_STR(tr_rec_get_str(e, "time"), "2010-11-21T03:55:59.6264271Z");
	CHECK_STR(tr_rec_get_str(e, "written_time"),
	    "2010-11-21T03:55:59.6264271Z");
	CHECK_STR(tr_rec_get_str(e, "source_name"), "Service Control Manager");
	CHECK_STR(tr_rec_get_str(e, "provider_identifier"),
	    "{555908d1-a6d7-4695-8e1e-26931d2012f4}");
	CHECK_STR(tr_rec_get_str(e, "computer_name"), "37L4247F27-26");
	CHECK_STR(tr_rec_get_str(e, "hostname"), "37L4247F27-26");
	CHECK_STR(tr_rec_get_str(e, "channel"), "System");
	check_json(e, "strings", "[\"Windows Event Log\",\"stopped\","
	    "\"6500760065006E0074006C006F0067002F0031000000\"]");
	CHECK((ed = tr_rec_get_rec(e, "event_data")) != NULL);
	CHECK_STR(tr_rec_get_str(ed, "param1"), "Windows Event Log");
	CHECK_STR(tr_rec_get_str(ed, "param2"), "stopped");
	CHECK(!tr_rec_has(e, "recovered"));
	CHECK(strncmp(tr_rec_get_str(e, "xml_string"), "<Event xmlns=", 13) ==
	    0);
	CHECK_CONTAINS(tr_rec_get_str(e, "xml_string"),
	    "<EventID Qualifiers=\"16384\">7036</EventID>");
	CHECK_CONTAINS(tr_rec_get_str(e, "message"),
	    "[7036 / 0x1b7c] Provider identifier: "
	    "{555908d1-a6d7-4695-8e1e-26931d2012f4} Source Name: Service "
	    "Control Manager Strings: ['Windows Event Log', 'stopped', ");
	/* Record numbers 1..5009 in order; EID 7036 x3434, 7040 x1018. */
	{
		size_t n7036 = 0, n7040 = 0;

		for (i = 0; i < o.n; i++) {
			CHECK(geti(o.ev[i], "record_number") == (int64_t)i + 1);
			n7036 += geti(o.ev[i], "event_identifier") == 7036;
			n7040 += geti(o.ev[i], "event_identifier") == 7040;
		}
		CHECK(n7036 == 3434 && n7040 == 1018);
	}
	out_free(&o);
}

/* -j 2 splits the log by record ranges: the same events, any order. */
static void
test_jobs(void)
{
	struct out a, b;
	char *seen;
	size_t i;
	int64_t k;

	parse(fixture("plaso/System.evtx"), 1, &a);
	parse(fixture("python-evtx/security.evtx"), 3, &b);
	CHECK(b.n == 2261 && b.rc == TR_OK && b.st.lost == 0);
	CHECK((seen = calloc(2262, 1)) != NULL);
	for (i = 0; i < b.n; i++) {
		k = geti(b.ev[i], "record_number");
		CHECK(k >= 1 && k <= 2261 && !seen[k]);
		seen[k] = 1;
	}
	free(seen);
	out_free(&b);
	parse(fixture("plaso/System.evtx"), 2, &b);
	CHECK(b.n == a.n);
	CHECK((seen = calloc(a.n + 1, 1)) != NULL);
	for (i = 0; i < b.n; i++) {
		k = geti(b.ev[i], "record_number");
		CHECK(k >= 1 && (size_t)k <= a.n && !seen[k]);
		seen[k] = 1;
		CHECK_STR(tr_rec_get_str(b.ev[i], "time"),
		    tr_rec_get_str(a.ev[k - 1], "time"));
	}
	free(seen);
	out_free(&a);
	out_free(&b);
}

/*
 * plaso testParseTruncated: 194 records from the whole chunks, idx178 =
 * record 179, EID 4624, 2015-08-09T09:15:48.434125Z.  The third chunk is
 * cut 704 bytes short: plaso (libevtx) skips it, we read its 89 whole
 * records of 90, warn once and count the log as not read completely.
 */
static void
test_system2(void)
{
	struct out o;
	size_t i;

	parse(fixture("plaso/System2.evtx"), 1, &o);
	CHECK_STATUS(o.rc, TR_OK);
	CHECK(o.n == 194 + 89);
	for (i = 0; i < o.n; i++)
		CHECK(geti(o.ev[i], "record_number") == (int64_t)i + 1);
	CHECK(geti(o.ev[178], "event_identifier") == 4624);
	CHECK_STR(tr_rec_get_str(o.ev[178], "time"),
	    "2015-08-09T09:15:48.4341250Z");
	CHECK_STR(tr_rec_get_str(o.ev[178], "written_time"),
	    "2015-08-09T09:15:48.4341250Z");
	CHECK(o.st.lost == 1);
	CHECK(o.nwarn == 1);
	CHECK_CONTAINS(o.warns, "offset 135168 (0x21000): chunk 2: cut short "
	    "by the end of the file (its header counts 96 chunks, 3 are in "
	    "the file): 89 of 90 records read");
	out_free(&o);
}

/* UserData leaves and header id != EventRecordID. */
static void
test_userdata(void)
{
	struct out o;
	tr_rec *ed;
	size_t i;

	parse(fixture("omerbenamram-evtx/new-user-security.evtx"), 1, &o);
	CHECK(o.n == 4 && o.rc == TR_OK && o.nwarn == 0);
	CHECK(geti(o.ev[1], "event_identifier") == 4720);
	CHECK((ed = tr_rec_get_rec(o.ev[1], "event_data")) != NULL);
	CHECK_STR(tr_rec_get_str(ed, "TargetUserName"), "IEUser");
	CHECK_STR(tr_rec_get_str(ed, "SamAccountName"), "IEUser");
	CHECK_STR(tr_rec_get_str(ed, "SubjectUserSid"), "S-1-5-18");
	CHECK_STR(tr_rec_get_str(o.ev[1], "channel"), "Security");
	out_free(&o);
	/* A chunk with no checksums: all records read, one warning, exit 0. */
	parse(fixture("omerbenamram-evtx/Application_no_crc32.evtx"), 1, &o);
	CHECK(o.n == 17 && o.st.lost == 0 && o.nwarn == 1);
	CHECK_CONTAINS(o.warns, "offset 4096 (0x1000): chunk 0: ");
	CHECK_CONTAINS(o.warns, "all 17 records read");
	for (i = 0; i < o.n; i++)
		CHECK(geti(o.ev[i], "record_number") == (int64_t)i + 426);
	out_free(&o);
}

/*
 * plaso winevt.py testParse: 6501 = 6063 + 438 recovered; idx0 record
 * 1392, EID 40961 (0x8000a001 & 0xffff), type 2, category 3, host
 * WKS-WINXP32BIT, source LSASRV, 2011-07-27T06:41:47Z, 2 strings.
 */
static void
test_evt(void)
{
	struct out o;
	size_t i, rec = 0;
	const tr_rec *e;

	parse(fixture("plaso/SysEvent.Evt"), 1, &o);
	CHECK_STATUS(o.rc, TR_OK);
	CHECK(o.n == 6501);
	CHECK(o.st.lost == 0);
	for (i = 0; i < o.n; i++)
		rec += tr_rec_get_bool(o.ev[i], "recovered") == 1;
	CHECK(rec == 438);
	e = o.ev[0];
	CHECK_STR(tr_rec_get_str(e, "data_type"), "windows:evt:record");
	CHECK_STR(tr_rec_get_str(e, "parser"), "winevt");
	CHECK(geti(e, "record_number") == 1392);
	CHECK(geti(e, "event_identifier") == 40961);
	CHECK(geti(e, "message_identifier") == 0x8000a001);
	CHECK(geti(e, "event_type") == 2);
	CHECK(geti(e, "event_category") == 3);
	CHECK(geti(e, "severity") == 2);
	CHECK_STR(tr_rec_get_str(e, "computer_name"), "WKS-WINXP32BIT");
	CHECK_STR(tr_rec_get_str(e, "source_name"), "LSASRV");
	CHECK_STR(tr_rec_get_str(e, "time"), "2011-07-27T06:41:47Z");
	CHECK(tr_rec_array_size(tr_rec_get_rec(e, "strings")) == 2);
	CHECK_CONTAINS(tr_rec_get_str(e, "message"),
	    "Strings: ['cifs/CONTROLLER', '\"The system detected a possible "
	    "attempt to compromise security.");
	CHECK_CONTAINS(tr_rec_get_str(e, "message"),
	    "[40961 / 0xa001] Severity: Warning Record Number: 1392");
	out_free(&o);
}

/* A damaged copy of System.evtx, made by f, parsed; returns its events. */
static void
damaged(const char *what, size_t cut, size_t flip, int flips,
    struct out *o)
{
	char tmp[] = "/tmp/test-parse-evtx.XXXXXX";
	FILE *in;
	uint8_t *buf;
	size_t n, i;
	int fd;

	CHECK((buf = malloc(2166784)) != NULL);
	CHECK((in = fopen(fixture("plaso/System.evtx"), "rb")) != NULL);
	n = fread(buf, 1, 2166784, in);
	fclose(in);
	CHECK(n == 2166784);
	if (cut != 0 && cut < n)
		n = cut;
	for (i = 0; i < (size_t)flips && flip + i < n; i++)
		buf[flip + i] ^= 0xa5;
	CHECK((fd = mkstemp(tmp)) >= 0);
	CHECK(write(fd, buf, n) == (ssize_t)n);
	close(fd);
	free(buf);
	parse(tmp, 1, o);
	unlink(tmp);
	fprintf(stderr, "%s: %zu events, %zu warnings, lost %llu\n%s", what,
	    o->n, o->nwarn, (unsigned long long)o->st.lost, o->warns);
	CHECK(o->n <= 5009);
}

static void
test_damage(void)
{
	struct out o;
	size_t off;

	/* Cut in a chunk: the records before the cut, lost, one warning. */
	off = 4096 + 5 * 65536 + 30000;
	damaged("cut in chunk 5", off, 0, 0, &o);
	CHECK(o.st.lost == 1 && o.nwarn == 1);
	CHECK(o.n > 5 * 150 && o.n < 1200);
	CHECK_CONTAINS(o.warns, "offset 331776 (0x51000): chunk 5: cut short");
	out_free(&o);
	/* Cut on a chunk boundary: the chunks before it, lost. */
	damaged("cut after chunk 3", 4096 + 4 * 65536, 0, 0, &o);
	CHECK(o.st.lost == 1 && o.nwarn == 1 && o.n > 400);
	CHECK_CONTAINS(o.warns, "file cut short: its header counts 27 chunks");
	out_free(&o);
	/* Only the file header, or less: nothing, lost. */
	damaged("header only", 4096, 0, 0, &o);
	CHECK(o.n == 0 && o.st.lost == 1);
	out_free(&o);
	damaged("half a header", 2000, 0, 0, &o);
	CHECK(o.n == 0 && o.st.lost == 1 && o.nwarn >= 1);
	out_free(&o);
	/* Bytes flipped in a chunk's records: bad checksum, warned. */
	damaged("flip in chunk 3 records", 0, 4096 + 3 * 65536 + 20000, 4, &o);
	CHECK(o.nwarn >= 1 && o.n >= 5009 - 200);
	CHECK_CONTAINS(o.warns, "offset 200704 (0x31000): chunk 3: bad event "
	    "records checksum");
	out_free(&o);
	/* A chunk header's record range flipped: its checksum fails. */
	damaged("flip in chunk 7 header", 0, 4096 + 7 * 65536 + 8, 16, &o);
	CHECK(o.nwarn >= 1);
	CHECK_CONTAINS(o.warns, "chunk 7: bad chunk header checksum");
	out_free(&o);
	/*
	 * A chunk signature destroyed: libevtx gives its records as
	 * recovered ones; nothing lost.
	 */
	damaged("chunk 2 signature", 0, 4096 + 2 * 65536, 8, &o);
	CHECK(o.n == 5009 && o.nwarn == 1 && o.st.lost == 0);
	CHECK_CONTAINS(o.warns, "chunk 2: no chunk signature: all 170 records "
	    "read");
	out_free(&o);
	/* Garbage over a whole chunk's records. */
	damaged("chunk 10 records garbage", 0, 4096 + 10 * 65536 + 512,
	    65536 - 512, &o);
	CHECK(o.nwarn == 1 && o.st.lost == 1 && o.n == 5009 - 217);
	CHECK_CONTAINS(o.warns, "chunk 10: bad event records checksum: 0 of "
	    "217 records read");
	out_free(&o);
	/* The file header's chunk count flipped: read as the file is. */
	damaged("file header", 0, 40, 8, &o);
	CHECK(o.n == 5009 && o.nwarn == 1 && o.st.lost == 0);
	CHECK_CONTAINS(o.warns, "offset 0 (0x0): file header: bad checksum");
	out_free(&o);
}

int
main(void)
{
	const char *d = getenv("TRIAGE_TEST_DATA");
	const char *src = getenv("TRIAGE_SRCDIR");
	char probe[8192];

	if (d != NULL)
		snprintf(dir, sizeof(dir), "%s", d);
	else
		snprintf(dir, sizeof(dir), "%s/../shared/fixtures",
		    src != NULL ? src : ".");
	snprintf(probe, sizeof(probe), "%s/artifacts/evtx/plaso/System.evtx",
	    dir);
	if (access(probe, R_OK) != 0)
		SKIP("no third-party fixtures (TRIAGE_TEST_DATA)");
	test_system();
	test_system2();
	test_userdata();
	test_evt();
	test_jobs();
	test_damage();
	return 0;
}
