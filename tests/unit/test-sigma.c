/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sigma conformance: every value modifier and condition form, after the
 * examples of the Sigma specification (SigmaHQ sigma-specification v2),
 * each with an event that must match and one that must not.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "triage/detect.h"

static char dir[] = "/tmp/test-sigma-XXXXXX";
static char lsfile[512], phfile[512];
static unsigned nwarn;

static const char mapping[] =
"products:\n"
"  test:\n"
"    data_type: [test:event]\n"
"    fields: {EventID: event_identifier, Deep: outer.inner}\n"
"logsources:\n"
"  - product: test\n"
"    category: cat\n"
"    events:\n"
"      - event_id: [1]\n"
"      - event_id: [2]\n"
"        rename: {Image: NewProcessName}\n"
"  - product: test\n"
"    service: svc\n"
"    events:\n"
"      - channel: [Chan]\n";

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
	nwarn++;
}

static void
put(const char *name, const char *text, char *path, size_t len)
{
	FILE *fp;

	snprintf(path, len, "%s/%s", dir, name);
	CHECK((fp = fopen(path, "w")) != NULL);
	fputs(text, fp);
	CHECK(fclose(fp) == 0);
}

static int
count_cb(void *arg, const tr_rec *rec, tr_error *err)
{
	(void)err;
	if (strcmp(tr_rec_kind(rec), "detection") == 0)
		(*(int *)arg)++;
	return TR_OK;
}

static tr_sigma *
load(const char *rule, int with_ph)
{
	char path[512];
	const char *paths[1] = { path };
	tr_sigma_opts o = { 0 };
	tr_sigma *s;
	tr_error err;

	put("rule.yml", rule, path, sizeof(path));
	o.logsources = lsfile;
	o.placeholders = with_ph ? phfile : NULL;
	o.warn = warn_cb;
	if (tr_sigma_load(&s, paths, 1, &o, &err) != TR_OK) {
		fprintf(stderr, "load: %s\n", err.msg);
		exit(1);
	}
	return s;
}

/* Detections of rule (YAML after a fixed header) over the events. */
static int
run(const char *body, const char *const *events, size_t n, int with_ph)
{
	char rule[8192];
	tr_sigma *s;
	tr_detect *d;
	tr_rec *ev;
	tr_error err;
	int count = 0;
	size_t i;

	snprintf(rule, sizeof(rule), "title: t\nid: r1\nlogsource:\n"
	    "  product: test\n%s", body);
	s = load(rule, with_ph);
	CHECK(tr_sigma_refused(s) == 0);
	CHECK_STATUS(tr_detect_new(&d, s, &err), TR_OK);
	for (i = 0; i < n; i++) {
		char line[4096];
		FILE *fp;
		tr_jsonl_reader *rd;

		snprintf(line, sizeof(line), "{\"record\":\"event\","
		    "\"data_type\":\"test:event\",%s}\n", events[i]);
		CHECK((fp = fmemopen(line, strlen(line), "r")) != NULL);
		CHECK_STATUS(tr_jsonl_reader_fdopen(&rd, fp, "ev", &err),
		    TR_OK);
		CHECK(tr_jsonl_read(rd, &ev, &err) == 1);
		CHECK_STATUS(tr_detect_event(d, ev, count_cb, &count, &err),
		    TR_OK);
		tr_rec_free(ev);
		tr_jsonl_reader_close(rd);
	}
	tr_detect_free(d);
	tr_sigma_free(s);
	return count;
}

static int
one(const char *body, const char *event)
{
	const char *e[1] = { event };

	return run(body, e, 1, 0);
}

/* The rule must match yes and must not match no. */
#define PAIR(body, yes, no) do {					\
	if (one(body, yes) != 1 || one(body, no) != 0) {		\
		fprintf(stderr, "%s:%d: rule\n%s\nyes %d no %d\n",	\
		    __FILE__, __LINE__, body, one(body, yes),		\
		    one(body, no));					\
		exit(1);						\
	}								\
} while (0)

#define D(x) "detection:\n" x

/* A rule that must be refused, with reason containing why. */
static void
refused(const char *rule, const char *why)
{
	tr_sigma *s = load(rule, 0);
	tr_detect *d;
	tr_rec *sum;
	tr_error err;
	char *text;

	CHECK(tr_sigma_refused(s) == 1);
	CHECK_STATUS(tr_detect_new(&d, s, &err), TR_OK);
	CHECK((sum = tr_detect_summary(d, 0)) != NULL);
	CHECK((text = tr_rec_dump(sum)) != NULL);
	CHECK_CONTAINS(text, why);
	CHECK_CONTAINS(text, "\"line\":");
	free(text);
	tr_rec_free(sum);
	tr_detect_free(d);
	tr_sigma_free(s);
}

static void
test_values(void)
{
	/* Plain values: case-insensitive equality; numbers as text. */
	PAIR(D("  sel:\n    Image: 'C:\\Windows\\cmd.exe'\n"
	    "  condition: sel\n"), "\"Image\":\"c:\\\\windows\\\\CMD.exe\"",
	    "\"Image\":\"c:\\\\windows\\\\cmd.exe2\"");
	PAIR(D("  sel:\n    Pid: 4\n  condition: sel\n"), "\"Pid\":4",
	    "\"Pid\":44");
	/* Lists are OR, maps AND, lists of maps OR of ANDs. */
	PAIR(D("  sel:\n    A: [x, y]\n    B: z\n  condition: sel\n"),
	    "\"A\":\"y\",\"B\":\"z\"", "\"A\":\"y\",\"B\":\"q\"");
	PAIR(D("  sel:\n    - A: x\n      B: y\n    - C: z\n"
	    "  condition: sel\n"), "\"C\":\"z\"", "\"A\":\"x\",\"B\":\"q\"");
	/* Wildcards and their escapes. */
	PAIR(D("  sel:\n    A: 'a*c?e'\n  condition: sel\n"),
	    "\"A\":\"abbbcde\"", "\"A\":\"abbbce\"");
	PAIR(D("  sel:\n    A: 'a\\*b'\n  condition: sel\n"),
	    "\"A\":\"a*b\"", "\"A\":\"axb\"");
	PAIR(D("  sel:\n    A: 'a\\\\*'\n  condition: sel\n"),
	    "\"A\":\"a\\\\xyz\"", "\"A\":\"ab\"");
	PAIR(D("  sel:\n    A: 'a\\?'\n  condition: sel\n"),
	    "\"A\":\"a?\"", "\"A\":\"ab\"");
	/* null: absent or empty; '' only the empty string. */
	PAIR(D("  sel:\n    A: null\n  condition: sel\n"), "\"B\":1",
	    "\"A\":\"x\"");
	PAIR(D("  sel:\n    A: ''\n  condition: sel\n"), "\"A\":\"\"",
	    "\"B\":\"x\"");
	/* Keywords: anywhere in the event; a list is OR. */
	PAIR(D("  keywords:\n    - 'evil'\n    - 'bad*thing'\n"
	    "  condition: keywords\n"), "\"msg\":\"a BAD little thing\"",
	    "\"msg\":\"good\"");
	/* Nested event keys through the mapping (Deep -> outer.inner). */
	PAIR(D("  sel:\n    Deep: v\n  condition: sel\n"),
	    "\"outer\":{\"inner\":\"V\"}", "\"outer\":{\"other\":\"v\"}");
}

static void
test_modifiers(void)
{
	PAIR(D("  sel:\n    A|contains: 'mimi'\n  condition: sel\n"),
	    "\"A\":\"x MIMIkatz\"", "\"A\":\"mim\"");
	PAIR(D("  sel:\n    A|startswith: 'ab'\n  condition: sel\n"),
	    "\"A\":\"abc\"", "\"A\":\"cab\"");
	PAIR(D("  sel:\n    A|endswith: '.exe'\n  condition: sel\n"),
	    "\"A\":\"x.EXE\"", "\"A\":\"x.exe.txt\"");
	PAIR(D("  sel:\n    A|contains|all: [a1, b2]\n  condition: sel\n"),
	    "\"A\":\"b2 a1\"", "\"A\":\"a1 only\"");
	PAIR(D("  sel:\n    A|windash|contains: ' -enc '\n"
	    "  condition: sel\n"), "\"A\":\"ps /enc xx\"",
	    "\"A\":\"ps +enc xx\"");
	PAIR(D("  sel:\n    A|windash|contains: ' -enc '\n"
	    "  condition: sel\n"), "\"A\":\"ps \xe2\x80\x93" "enc xx\"",
	    "\"A\":\"ps enc xx\"");
	PAIR(D("  sel:\n    A|re: '^ab+c$'\n  condition: sel\n"),
	    "\"A\":\"abbbc\"", "\"A\":\"ABBC\"");
	PAIR(D("  sel:\n    A|re|i: '^ab+c$'\n  condition: sel\n"),
	    "\"A\":\"ABBC\"", "\"A\":\"ac\"");
	PAIR(D("  sel:\n    A|re|m: '^two$'\n  condition: sel\n"),
	    "\"A\":\"one\\ntwo\"", "\"A\":\"one two\"");
	PAIR(D("  sel:\n    A|re|s: 'a.b'\n  condition: sel\n"),
	    "\"A\":\"a\\nb\"", "\"A\":\"ab\"");
	PAIR(D("  sel:\n    A|cidr: '10.0.0.0/8'\n  condition: sel\n"),
	    "\"A\":\"10.2.3.4\"", "\"A\":\"11.0.0.1\"");
	PAIR(D("  sel:\n    A|cidr: 'fe80::/10'\n  condition: sel\n"),
	    "\"A\":\"fe80::1\"", "\"A\":\"2001:db8::1\"");
	/* base64('/bin/sh') = L2Jpbi9zaA== */
	PAIR(D("  sel:\n    A|base64: '/bin/sh'\n  condition: sel\n"),
	    "\"A\":\"L2Jpbi9zaA==\"", "\"A\":\"l2jpbi9zaa==\"");
	/* The spec's base64offset example: 'http://' at three offsets. */
	PAIR(D("  sel:\n    A|base64offset|contains: 'http://'\n"
	    "  condition: sel\n"), "\"A\":\"x aHR0cDovL y\"",
	    "\"A\":\"aHR0cHM6Ly\"");
	PAIR(D("  sel:\n    A|base64offset|contains: 'http://'\n"
	    "  condition: sel\n"), "\"A\":\"IGh0dHA6Ly9\"",
	    "\"A\":\"aHR0cA\"");
	PAIR(D("  sel:\n    A|base64offset|contains: 'http://'\n"
	    "  condition: sel\n"), "\"A\":\"..Imh0dHA6Ly8..\"",
	    "\"A\":\"Imh0dHA\"");
	/* wide|base64offset: UTF-16LE 'ping' base64 = cABpAG4AZwA */
	PAIR(D("  sel:\n    A|wide|base64offset|contains: 'ping'\n"
	    "  condition: sel\n"), "\"A\":\"-e cABpAG4AZwA\"",
	    "\"A\":\"cGluZw\"");
	PAIR(D("  sel:\n    A|utf16le|base64: 'AB'\n  condition: sel\n"),
	    "\"A\":\"QQBCAA==\"", "\"A\":\"AEEAQg==\"");
	PAIR(D("  sel:\n    A|utf16be|base64: 'AB'\n  condition: sel\n"),
	    "\"A\":\"AEEAQg==\"", "\"A\":\"QQBCAA==\"");
	PAIR(D("  sel:\n    A|utf16|base64: 'AB'\n  condition: sel\n"),
	    "\"A\":\"//5BAEIA\"", "\"A\":\"QQBCAA==\"");
	PAIR(D("  sel:\n    A|fieldref: B\n  condition: sel\n"),
	    "\"A\":\"same\",\"B\":\"SAME\"", "\"A\":\"x\",\"B\":\"y\"");
	PAIR(D("  sel:\n    A|fieldref|endswith: B\n  condition: sel\n"),
	    "\"A\":\"c:\\\\x\\\\evil.exe\",\"B\":\"evil.exe\"",
	    "\"A\":\"evil.exe.txt\",\"B\":\"evil.exe\"");
	PAIR(D("  sel:\n    A|exists: true\n  condition: sel\n"),
	    "\"A\":\"\"", "\"B\":\"x\"");
	PAIR(D("  sel:\n    A|exists: false\n  condition: sel\n"),
	    "\"B\":\"x\"", "\"A\":\"x\"");
	PAIR(D("  sel:\n    A|cased: 'CaSe'\n  condition: sel\n"),
	    "\"A\":\"CaSe\"", "\"A\":\"case\"");
	PAIR(D("  sel:\n    A|contains|cased: 'Ab'\n  condition: sel\n"),
	    "\"A\":\"xAbx\"", "\"A\":\"xabx\"");
	PAIR(D("  sel:\n    A|neq: 'x'\n  condition: sel\n"),
	    "\"A\":\"y\"", "\"A\":\"X\"");
	PAIR(D("  sel:\n    A|lt: 10\n  condition: sel\n"), "\"A\":9",
	    "\"A\":10");
	PAIR(D("  sel:\n    A|lte: 10\n  condition: sel\n"), "\"A\":\"10\"",
	    "\"A\":11");
	PAIR(D("  sel:\n    A|gt: 10\n  condition: sel\n"), "\"A\":11",
	    "\"A\":10");
	PAIR(D("  sel:\n    A|gte: 10.5\n  condition: sel\n"), "\"A\":10.5",
	    "\"A\":10");
	PAIR(D("  sel:\n    T|minute: 7\n  condition: sel\n"),
	    "\"T\":\"2024-03-05T06:07:08Z\"", "\"T\":\"2024-03-05T06:08:08Z\"");
	PAIR(D("  sel:\n    T|hour: 6\n  condition: sel\n"),
	    "\"T\":\"2024-03-05T06:07:08Z\"", "\"T\":\"2024-03-05T07:07:08Z\"");
	PAIR(D("  sel:\n    T|day: 5\n  condition: sel\n"),
	    "\"T\":\"2024-03-05 06:07:08\"", "\"T\":\"2024-03-06T06:07:08Z\"");
	PAIR(D("  sel:\n    T|week: 10\n  condition: sel\n"),
	    "\"T\":\"2024-03-05T06:07:08Z\"", "\"T\":\"2024-03-12T06:07:08Z\"");
	PAIR(D("  sel:\n    T|month: 3\n  condition: sel\n"),
	    "\"T\":\"2024-03-05T06:07:08Z\"", "\"T\":\"2024-04-05T06:07:08Z\"");
	PAIR(D("  sel:\n    T|year: 2024\n  condition: sel\n"),
	    "\"T\":\"2024-03-05T06:07:08Z\"", "\"T\":\"2023-03-05T06:07:08Z\"");
}

static void
test_expand(void)
{
	const char *body = D("  sel:\n    A|expand|endswith: '%dirs%'\n"
	    "  condition: sel\n");
	const char *yes[1] = { "\"A\":\"C:\\\\Users\\\\TEMP\\\\\"" };
	const char *no[1] = { "\"A\":\"C:\\\\Windows\\\\\"" };
	char rule[512];

	CHECK(run(body, yes, 1, 1) == 1);
	CHECK(run(body, no, 1, 1) == 0);
	snprintf(rule, sizeof(rule), "title: t\nlogsource:\n  product: test\n"
	    "%s", body);
	refused(rule, "needs --placeholders");
}

static void
test_conditions(void)
{
	const char *sels = D("  sel_a:\n    A: 1\n  sel_b:\n    B: 1\n"
	    "  filter:\n    C: 1\n");
	char body[1024];

#define COND(c, yes, no) do {						\
	snprintf(body, sizeof(body), "%s  condition: %s\n", sels, c);	\
	PAIR(body, yes, no);						\
} while (0)
	COND("sel_a and sel_b", "\"A\":1,\"B\":1", "\"A\":1");
	COND("sel_a or sel_b", "\"B\":1", "\"C\":1");
	COND("sel_a and not filter", "\"A\":1", "\"A\":1,\"C\":1");
	COND("(sel_a or sel_b) and not filter", "\"B\":1",
	    "\"B\":1,\"C\":1");
	COND("sel_a or sel_b and filter", "\"A\":1", "\"B\":1");
	COND("not (sel_a or sel_b)", "\"C\":1", "\"A\":1");
	COND("1 of sel_*", "\"B\":1", "\"C\":1");
	COND("all of sel_*", "\"A\":1,\"B\":1", "\"A\":1,\"C\":1");
	COND("1 of them", "\"C\":1", "\"D\":1");
	COND("all of them", "\"A\":1,\"B\":1,\"C\":1", "\"A\":1,\"B\":1");
	COND("all of sel_* and not 1 of filter*", "\"A\":1,\"B\":1",
	    "\"A\":1,\"B\":1,\"C\":1");
	COND("[sel_a, filter]", "\"C\":1", "\"B\":1");
#undef COND
}

static void
test_logsource(void)
{
	const char *cat = "title: t\nlogsource:\n  product: test\n"
	    "  category: cat\ndetection:\n  sel:\n    Image: x\n"
	    "  condition: sel\n";
	const char *ev[3] = { "\"event_identifier\":1,\"Image\":\"x\"",
		"\"event_identifier\":2,\"NewProcessName\":\"X\"",
		"\"event_identifier\":3,\"Image\":\"x\"" };
	const char *svc = "title: t\nlogsource:\n  service: svc\n"
	    "detection:\n  sel:\n    EventID: 7\n  condition: sel\n";
	const char *sv[2] = { "\"channel\":\"CHAN\",\"event_identifier\":7",
		"\"channel\":\"other\",\"event_identifier\":7" };
	tr_sigma *s;
	char path[512];
	const char *paths[1] = { path };
	tr_detect *d;
	tr_rec *sum;
	tr_error err;
	char *text;
	tr_sigma_opts o = { 0 };

	/* The category reaches EID 1 as is and EID 2 with the renaming;
	 * run() adds the product, a second logsource key is harmless. */
	CHECK(run(strstr(cat, "  category"), ev, 3, 0) == 2);
	CHECK(run(strstr(svc, "  service") , sv, 2, 0) == 1);
	/* A logsource that maps to nothing is listed, not dropped. */
	put("aws.yml", "title: t\nlogsource:\n  product: aws\n"
	    "detection:\n  sel:\n    A: 1\n  condition: sel\n", path,
	    sizeof(path));
	o.logsources = lsfile;
	CHECK_STATUS(tr_sigma_load(&s, paths, 1, &o, &err), TR_OK);
	CHECK_STATUS(tr_detect_new(&d, s, &err), TR_OK);
	CHECK((sum = tr_detect_summary(d, 0)) != NULL);
	CHECK((text = tr_rec_dump(sum)) != NULL);
	CHECK_CONTAINS(text, "\"rules_unmapped\":1");
	CHECK_CONTAINS(text, "no event kind for product 'aws'");
	free(text);
	tr_rec_free(sum);
	tr_detect_free(d);
	tr_sigma_free(s);
}

static void
test_refused(void)
{
	refused("title: t\nlogsource:\n  product: test\ndetection:\n  sel:\n"
	    "    A|nosuch: 1\n  condition: sel\n", "unknown modifier 'nosuch'");
	refused("title: t\nlogsource:\n  product: test\ndetection:\n  sel:\n"
	    "    A: 1\n  condition: sel and other\n", "unknown search 'other'");
	refused("title: t\nlogsource:\n  product: test\ndetection:\n  sel:\n"
	    "    A: 1\n  condition: sel | count() > 5\n", "aggregation");
	refused("title: t\nlogsource:\n  product: test\ndetection:\n  sel:\n"
	    "    A|re: '(['\n  condition: sel\n", "bad regular expression");
	refused("title: t\nlogsource:\n  product: test\ndetection:\n  sel:\n"
	    "    A|cidr: '10.0.0.0/33'\n  condition: sel\n", "bad CIDR");
	refused("title: t\ncorrelation:\n  type: event_count\n  rules: [nope]\n"
	    "  timespan: 5m\n  condition: {gte: 2}\n", "not loaded");
}

static const char base[] =
"title: failed\nname: failed_logon\nid: b1\nlogsource:\n  product: test\n"
"detection:\n  sel:\n    EventID: 4625\n  condition: sel\n---\n"
"title: ok\nname: good_logon\nid: b2\nlogsource:\n  product: test\n"
"detection:\n  sel:\n    EventID: 4624\n  condition: sel\n---\n";

static int
corr_run(const char *corr, const char *const *events, size_t n)
{
	char rule[4096];

	/* run() prefixes a header: give it a harmless first document. */
	snprintf(rule, sizeof(rule), "detection:\n  sel:\n    Never: x\n"
	    "  condition: sel\n---\n%s%s", base, corr);
	return run(rule, events, n, 0);
}

static void
test_correlations(void)
{
	const char *ev[6] = {
		"\"event_identifier\":4625,\"User\":\"bob\",\"Ip\":\"1\","
		    "\"timestamp\":1000000",
		"\"event_identifier\":4625,\"User\":\"bob\",\"Ip\":\"2\","
		    "\"timestamp\":2000000",
		"\"event_identifier\":4625,\"User\":\"eve\",\"Ip\":\"3\","
		    "\"timestamp\":3000000",
		"\"event_identifier\":4625,\"User\":\"bob\",\"Ip\":\"2\","
		    "\"timestamp\":4000000",
		"\"event_identifier\":4624,\"User\":\"bob\",\"Ip\":\"2\","
		    "\"timestamp\":5000000",
		"\"event_identifier\":4625,\"User\":\"bob\",\"Ip\":\"9\","
		    "\"timestamp\":900000000" };
	/* Base rules: 5 x 4625 and 1 x 4624 (generate false hides them). */
	const char *cnt = "title: brute\nid: c1\ncorrelation:\n"
	    "  type: event_count\n  rules: [failed_logon]\n"
	    "  group-by: [User]\n  timespan: 1m\n  condition: {gte: 3}\n";

	/* 3 bob failures within a minute (eve's and the late one do not
	 * count), plus good_logon's own detection: no correlation hides it. */
	CHECK(corr_run(cnt, ev, 6) == 1 + 1);
	CHECK(corr_run(cnt, ev, 3) == 0);
	CHECK(corr_run("title: spray\nid: c2\ncorrelation:\n"
	    "  type: value_count\n  rules: [failed_logon]\n"
	    "  group-by: [User]\n  timespan: 1m\n"
	    "  condition: {gte: 2, field: Ip}\n", ev, 2) == 1);
	CHECK(corr_run("title: spray\nid: c2\ncorrelation:\n"
	    "  type: value_count\n  rules: [failed_logon]\n"
	    "  group-by: [User]\n  timespan: 1m\n"
	    "  condition: {gte: 3, field: Ip}\n", ev, 4) == 0);
	CHECK(corr_run("title: success after failures\nid: c3\n"
	    "correlation:\n  type: temporal_ordered\n"
	    "  rules: [failed_logon, good_logon]\n  group-by: [User]\n"
	    "  timespan: 1m\n", ev, 5) == 1);
	CHECK(corr_run("title: success after failures\nid: c3\n"
	    "correlation:\n  type: temporal_ordered\n"
	    "  rules: [good_logon, failed_logon]\n  group-by: [User]\n"
	    "  timespan: 1m\n", ev, 5) == 0);
	CHECK(corr_run("title: both\nid: c4\ncorrelation:\n"
	    "  type: temporal\n  rules: [good_logon, failed_logon]\n"
	    "  group-by: [User]\n  timespan: 1m\n", ev, 5) == 1);
	CHECK(corr_run("title: both\nid: c4\ncorrelation:\n"
	    "  type: temporal\n  rules: [good_logon, failed_logon]\n"
	    "  group-by: [User]\n  timespan: 1m\n", ev, 4) == 0);
	/* generate: true keeps the base rules' own detections. */
	CHECK(corr_run("title: brute\nid: c1\ncorrelation:\n"
	    "  type: event_count\n  rules: [failed_logon]\n"
	    "  group-by: [User]\n  timespan: 1m\n  condition: {gte: 3}\n"
	    "  generate: true\n", ev, 6) == 1 + 5 + 1);
	/* Chained: two firings of the inner correlation (hidden). */
	CHECK(corr_run("title: brute\nname: brute\nid: c1\ncorrelation:\n"
	    "  type: event_count\n  rules: [failed_logon]\n"
	    "  group-by: [User]\n  timespan: 1m\n  condition: {gte: 1}\n---\n"
	    "title: twice\nid: c5\ncorrelation:\n  type: event_count\n"
	    "  rules: [brute]\n  group-by: [User]\n  timespan: 1h\n"
	    "  condition: {gte: 2}\n", ev, 4) == 1);
}

static void
test_filter(void)
{
	const char *ev[2] = { "\"A\":\"x\",\"B\":\"benign\"",
		"\"A\":\"x\",\"B\":\"bad\"" };

	CHECK(run("detection:\n  sel:\n    A: x\n  condition: sel\n---\n"
	    "title: f\nlogsource:\n  product: test\nfilter:\n  rules: [r1]\n"
	    "  sel:\n    B: benign\n  condition: not sel\n", ev, 2, 0) == 2 -
	    1 + 0);
}

int
main(void)
{
	char path[512];
	int rc;

	CHECK(mkdtemp(dir) != NULL);
	put("logsources.yml", mapping, lsfile, sizeof(lsfile));
	put("ph.yml", "dirs:\n  - '\\Temp\\'\n  - '\\AppData\\'\n", phfile,
	    sizeof(phfile));
	test_values();
	test_modifiers();
	test_expand();
	test_conditions();
	test_logsource();
	test_refused();
	test_correlations();
	test_filter();
	CHECK(nwarn > 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	rc = system(path);
	(void)rc;
	return 0;
}
