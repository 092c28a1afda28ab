/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of triage-parse's driver (parse.c) with the test parsers of
 * parse-testparsers.c: time helpers, recognition, warnings and lost
 * artifacts, siblings, --from/--to, -j giving the same bytes as one job
 * (spools spilled to a file too), images read in place through the
 * artifact definitions, records on stdin, the size limit, the stop flag.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "internal.h"
#include "parse_internal.h"
#include "parse-testparsers.h"

static char tmp[256];
static tr_artifacts *defs;

static const char *
tpath(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, name);
	return buf[i];
}

static void
write_file(const char *name, const char *text)
{
	FILE *fp;

	CHECK((fp = fopen(tpath(name), "wb")) != NULL);
	CHECK(fwrite(text, 1, strlen(text), fp) == strlen(text));
	CHECK(fclose(fp) == 0);
}

static unsigned nwarn;
static char lastwarn[2048];

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%s", msg);
}

static void
opts_init(tr_parse_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->from = o->to = TR_TIME_UNSET;
	o->warn = warn_cb;
	o->jobs = 1;
	o->defs = defs;
}

/* Run the driver; the output as one string (caller frees). */
static char *
run_parse(const char *const *ops, size_t n, const tr_parse_opts *o,
    tr_parse_stats *st, int want)
{
	tr_jsonl *w;
	tr_error err;
	FILE *fp;
	char *out;
	long len;

	nwarn = 0;
	lastwarn[0] = '\0';
	CHECK((fp = tmpfile()) != NULL);
	CHECK_STATUS(tr_jsonl_open(&w, fp, TR_JSONL_NOCLOSE, &err), TR_OK);
	CHECK_STATUS(tr_parse_run(ops, n, o, w, st, &err), want);
	CHECK_STATUS(tr_jsonl_close(w, &err), TR_OK);
	len = ftell(fp);
	CHECK(len >= 0);
	CHECK((out = malloc((size_t)len + 1)) != NULL);
	rewind(fp);
	CHECK(fread(out, 1, (size_t)len, fp) == (size_t)len);
	out[len] = '\0';
	fclose(fp);
	return out;
}

/*
 * memmem with the length left, not strstr: ASan's strstr measures the
 * whole haystack on every call, which made this quadratic (minutes on the
 * 10 MiB output of test_jobs).
 */
static size_t
count_str(const char *hay, const char *needle)
{
	size_t n = 0, left = strlen(hay), nl = strlen(needle);
	const char *p;

	while ((p = memmem(hay, left, needle, nl)) != NULL) {
		n++;
		left -= (size_t)(p - hay) + nl;
		hay = p + nl;
	}
	return n;
}

static void
test_times(void)
{
	char buf[TR_TIME_STR_MAX];
	tr_time t;

	/* 2009-02-13T23:31:30.1234567Z as a FILETIME. */
	t = tri_filetime(128790414901234567ULL);
	CHECK_STR(tr_time_format(&t, buf), "2009-02-13T23:31:30.1234567Z");
	t = tri_filetime(0);
	CHECK(!tr_time_isset(&t));
	t = tri_posix_usec(-1);
	CHECK_STR(tr_time_format(&t, buf), "1969-12-31T23:59:59.999999Z");
}

static void
test_files(void)
{
	const char *ops[2];
	tr_parse_opts o;
	tr_parse_stats st;
	char *out;

	write_file("a.log", "#triage-test\n1680674828.5 first\n"
	    "1680674829 second\n@sibling b.bin\n@sibling nope\n");
	write_file("b.bin", "\x01\x02\x03");
	write_file("bad.log", "#triage-test\nnot-a-line\n1 ok\n");
	opts_init(&o);
	ops[0] = tpath("a.log");
	out = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK(st.artifacts == 1 && st.events == 3 && st.lost == 0);
	CHECK(nwarn == 1);
	CHECK_CONTAINS(lastwarn, "a.log: offset ");
	CHECK_CONTAINS(lastwarn, "no sibling 'nope'");
	CHECK_CONTAINS(out, "{\"record\":\"event\",\"datetime\":"
	    "\"2023-04-05T06:07:08.500000+00:00\",\"timestamp\":"
	    "1680674828500000,\"timestamp_desc\":\"Event Time\",\"time\":"
	    "\"2023-04-05T06:07:08.500000Z\",\"message\":\"first\","
	    "\"data_type\":\"test:line\",\"parser\":\"testlines\"");
	CHECK_CONTAINS(out, "\"sibling\":\"b.bin\",\"sibling_size\":3");
	free(out);

	/* A bad line: a warning naming the offset, the artifact is lost. */
	ops[0] = tpath("bad.log");
	out = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK(st.events == 1 && st.lost == 1 && nwarn == 1);
	CHECK_CONTAINS(lastwarn, "bad.log: offset 13 (0xd): line 2");
	free(out);

	/* Not recognised: a warning for an operand, a count. */
	o.parsers = (const char *const[]){ "testlines", NULL };
	ops[0] = tpath("b.bin");
	out = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK(st.artifacts == 0 && st.unknown == 1 && st.events == 0);
	CHECK_CONTAINS(lastwarn, "no parser recognises");
	free(out);

	/* --from/--to keep the events inside. */
	opts_init(&o);
	CHECK_STATUS(tr_time_parse("2023-04-05T06:07:09Z", &o.from, NULL),
	    TR_OK);
	ops[0] = tpath("a.log");
	out = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK(count_str(out, "test:line") == 1);
	CHECK_CONTAINS(out, "second");
	free(out);

	/* Over --max-size: not read, lost. */
	opts_init(&o);
	o.max_size = 10;
	out = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK(st.events == 0 && st.lost == 1);
	CHECK_CONTAINS(lastwarn, "over the limit of 10");
	free(out);

	/* Missing operand: a warning, lost, the others still read. */
	opts_init(&o);
	ops[1] = tpath("missing");
	out = run_parse(ops, 2, &o, &st, TR_OK);
	CHECK(st.events == 3 && st.lost == 1);
	free(out);

	/* Stopped before the start. */
	{
		volatile int stop = 1;

		opts_init(&o);
		o.stop = &stop;
		out = run_parse(ops, 1, &o, &st, TR_EINTR);
		CHECK(st.events == 0);
		free(out);
	}
}

/* Many files, one big: every job count gives the same bytes. */
static void
test_jobs(void)
{
	char many[512];
	const char *ops[1] = { many };
	tr_parse_opts o;
	tr_parse_stats st;
	char name[64], line[64], *one, *out;
	FILE *fp;
	int i, j, jobs[] = { 2, 3, 8 };

	snprintf(many, sizeof(many), "%s", tpath("many"));
	CHECK(mkdir(many, 0755) == 0);
	for (i = 0; i < 80; i++) {
		snprintf(name, sizeof(name), "many/f%02d.log", i);
		CHECK((fp = fopen(tpath(name), "w")) != NULL);
		fputs("#triage-test\n", fp);
		for (j = 0; j < (i * 37) % 200; j++)
			fprintf(fp, "%d.%03d file %d line %d\n", 1600000000 +
			    i * 1000 + j, j, i, j);
		CHECK(fclose(fp) == 0);
	}
	/* Past SPOOL_MEM (8 MiB) of events: spilled to a temporary file. */
	CHECK((fp = fopen(tpath("many/big.log"), "w")) != NULL);
	fputs("#triage-test\n", fp);
	for (j = 0; j < 40000; j++) {
		snprintf(line, sizeof(line), "%d big line %d\n",
		    1500000000 + j, j);
		fputs(line, fp);
	}
	CHECK(fclose(fp) == 0);
	opts_init(&o);
	one = run_parse(ops, 1, &o, &st, TR_OK);
	if (st.artifacts != 81)
		fprintf(stderr, "artifacts %llu unknown %llu lost %llu: %s\n",
		    (unsigned long long)st.artifacts,
		    (unsigned long long)st.unknown,
		    (unsigned long long)st.lost, lastwarn);
	CHECK(st.artifacts == 81);
	CHECK(st.events == count_str(one, "\"record\":\"event\""));
	CHECK(count_str(one, "\"body\":\"big line") == 40000);
	CHECK(strlen(one) > (8u << 20));
	for (i = 0; i < 3; i++) {
		opts_init(&o);
		o.jobs = jobs[i];
		out = run_parse(ops, 1, &o, &st, TR_OK);
		CHECK(st.artifacts == 81);
		CHECK(strcmp(out, one) == 0);
		free(out);
	}
	free(one);
}

/* The source tree: $TRIAGE_SRCDIR (make check), $srcdir, or ".". */
static const char *
srcdir(void)
{
	const char *s = getenv("TRIAGE_SRCDIR");

	if (s == NULL || *s == '\0')
		s = getenv("srcdir");
	return s != NULL && *s != '\0' ? s : ".";
}

static const char *
sample(void)
{
	static char path[512];
	const char *src = srcdir();

	snprintf(path, sizeof(path), "%s/tests/data/sample.img", src);
	return access(path, R_OK) == 0 ? path : NULL;
}

static void
test_image(void)
{
	const char *img = sample(), *ops[2];
	tr_parse_opts o;
	tr_parse_stats st;
	char *out, *two, *rec;
	FILE *in;

	if (img == NULL) {
		fprintf(stderr, "no tests/data/sample.img: image tests "
		    "skipped\n");
		return;
	}
	ops[0] = img;
	/*
	 * Default: the triage groups, only the definitions a parser serves:
	 * testtext serves shell histories, auth logs and PSReadLine.
	 */
	opts_init(&o);
	out = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK_CONTAINS(out, "\"source\":\"");
	CHECK_CONTAINS(out, "\"volume\":2,\"inode\":\"48\",\"path\":"
	    "\"/var/log/auth.log\"");
	CHECK_CONTAINS(out, "\"path\":\"/home/alice/.bash_history\"");
	CHECK_CONTAINS(out, "\"path\":\"/srv/carol/.zsh_history\"");
	CHECK_CONTAINS(out, "\"volume\":3,");
	CHECK_CONTAINS(out, "PSReadline/ConsoleHost_history.txt\"");
	CHECK_CONTAINS(out, "\"artifact\":\"TriageLinuxAuthLogs\"");
	CHECK(strstr(out, "/var/log/syslog") == NULL);	/* not served */
	CHECK(strstr(out, "/etc/passwd") == NULL);
	CHECK(st.events == count_str(out, "\"record\":\"event\""));
	/* -j: the same bytes. */
	o.jobs = 4;
	two = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK(strcmp(out, two) == 0);
	free(two);
	free(out);

	/* An explicit artifact is read whoever serves it. */
	opts_init(&o);
	o.artifacts = (const char *const[]){ "TriageLinuxSyslog" };
	o.nartifacts = 1;
	out = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK_CONTAINS(out, "\"path\":\"/var/log/syslog\"");
	CHECK(strstr(out, "auth.log") == NULL);
	free(out);

	/* No selected parser serves anything: nothing is read. */
	opts_init(&o);
	o.parsers = (const char *const[]){ "testlines", NULL };
	out = run_parse(ops, 1, &o, &st, TR_OK);
	CHECK(st.artifacts == 0 && out[0] == '\0');
	free(out);

	/* Records on stdin: passed on, then the events of their file. */
	CHECK((in = tmpfile()) != NULL);
	fprintf(in, "{\"record\":\"file\",\"source\":\"%s\",\"volume\":2,"
	    "\"inode\":\"18\",\"path\":\"/etc/passwd\",\"type\":\"file\","
	    "\"mtime\":\"2023-04-05T06:07:08Z\"}\n"
	    "{\"record\":\"hit\",\"rule\":\"x\"}\n"
	    "{\"record\":\"file\",\"source\":\"%s\",\"volume\":2,"
	    "\"inode\":\"15\",\"path\":\"/etc\",\"type\":\"dir\"}\n"
	    "{\"record\":\"file\",\"source\":\"%s\",\"volume\":9,"
	    "\"inode\":\"1\",\"path\":\"/x\"}\n", img, img, img);
	rewind(in);
	opts_init(&o);
	o.in = in;
	ops[0] = img;
	ops[1] = "-";
	out = run_parse(ops, 2, &o, &st, TR_OK);
	CHECK(st.passed == 4 && st.artifacts == 1 && st.lost == 1);
	CHECK_CONTAINS(lastwarn, "no filesystem in volume 9");
	rec = strstr(out, "\"record\":\"event\"");
	CHECK(rec != NULL && strstr(out, "\"record\":\"hit\"") > rec);
	CHECK_CONTAINS(out, "\"path\":\"/etc/passwd\",\"lines\":");
	free(out);
	/* Without the image operand: the records' own source. */
	rewind(in);
	o.jobs = 3;
	out = run_parse(ops + 1, 1, &o, &st, TR_OK);
	CHECK(st.passed == 4 && st.artifacts == 1);
	fclose(in);
	free(out);
}

int
main(void)
{
	char dir[512];
	tr_error err;

	CHECK_STATUS(tr_library_init(&err), TR_OK);
	tri_parse_set_registry(tri_test_parsers);
	CHECK(tr_parse_has_parser("testtext"));
	snprintf(dir, sizeof(dir), "%s/rules/artifacts", srcdir());
	CHECK_STATUS(tr_extract_load_definitions(&defs, dir, NULL, 0, NULL,
	    NULL, &err), TR_OK);
	snprintf(tmp, sizeof(tmp), "/tmp/test-parse.XXXXXX");
	CHECK(mkdtemp(tmp) != NULL);
	test_times();
	test_files();
	test_jobs();
	test_image();
	tr_artifacts_free(defs);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		CHECK(system(cmd) == 0);
	}
	tr_library_fini();
	return 0;
}
