/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The browser parsers' SQLite layer: epoch conversions, recognition, and
 * tr_parse_run on the plaso fixtures against sqlite3 queries on copies; the
 * WAL applied in memory (committed frames only) on a database made here
 * with a connection held open.  Fixtures from $TRIAGE_TEST_DATA (skip when
 * absent).
 */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "triage/triage.h"
#include "triage/parse.h"
#include "parse_sqlite.h"

static char tmpdir[] = "/tmp/test-parse-browser.XXXXXX";

/* a then b in buf, which must be large enough. */
static void
join(char *buf, size_t len, const char *a, const char *b)
{
	CHECK((size_t)snprintf(buf, len, "%s%s", a, b) < len);
}

static void
fmt(const tr_time *t, char *buf)
{
	CHECK(tr_time_format(t, buf) != NULL);
}

static void
test_parse_browser_times(void)
{
	char buf[TR_TIME_STR_MAX];
	tr_time t;

	/* Chrome visit 1 of plaso's History: 2011-04-07T12:03:11Z. */
	t = tri_webkit_time(INT64_C(12946651391000000));
	fmt(&t, buf);
	CHECK_STR(buf, "2011-04-07T12:03:11.000000Z");
	t = tri_webkit_time(0);
	CHECK(!tr_time_isset(&t));
	/* Safari's facebook.com visit (plaso idx1). */
	t = tri_cocoa_time(531955468.829571);
	fmt(&t, buf);
	CHECK_STR(buf, "2017-11-09T21:24:28.829571Z");
	t = tri_cocoa_time(0.0 / 0.0);
	CHECK(!tr_time_isset(&t));
	t = tri_cocoa_time(1e300);
	CHECK(!tr_time_isset(&t));
}

static void
test_parse_browser_match(void)
{
	static const char *const needles[] = { "history_items", NULL };
	static const char *const names[] = { "History.db", NULL };
	uint8_t head[4096];

	memset(head, 0, sizeof(head));
	CHECK(tri_sqlite_match(head, sizeof(head), "History.db", needles,
	    names) == 0);
	memcpy(head, "SQLite format 3", 16);
	CHECK(tri_sqlite_match(head, sizeof(head), "History.db", needles,
	    names) == 60);
	CHECK(tri_sqlite_match(head, sizeof(head), "other", needles,
	    names) == 0);
	memcpy(head + 1000, "history_items", 13);
	CHECK(tri_sqlite_match(head, sizeof(head), NULL, needles, names) ==
	    100);
	CHECK(tri_sqlite_match(head, 99, NULL, needles, names) == 0);
}

static void
warn(void *arg, const char *msg)
{
	fprintf(stderr, "warning: %s\n", msg);
}

/* Events written by tr_parse_run on path; *out gets the JSON lines. */
static uint64_t
run_parse(const char *path, char **out)
{
	const char *ops[1] = { path };
	tr_parse_opts o;
	tr_parse_stats st;
	tr_jsonl *w;
	tr_error err;
	FILE *fp;
	size_t len = 0;

	memset(&o, 0, sizeof(o));
	o.warn = warn;
	o.from = o.to = TR_TIME_UNSET;
	CHECK((fp = open_memstream(out, &len)) != NULL);
	CHECK_STATUS(tr_jsonl_open(&w, fp, 0, &err), TR_OK);
	CHECK_STATUS(tr_parse_run(ops, 1, &o, w, &st, &err), TR_OK);
	CHECK_STATUS(tr_jsonl_close(w, &err), TR_OK);
	return st.events;
}

static int64_t
count(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int64_t n = -1;

	CHECK(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK);
	CHECK(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static void
copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in, *out;
	size_t n;

	CHECK((in = fopen(from, "rb")) != NULL);
	CHECK((out = fopen(to, "wb")) != NULL);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		CHECK(fwrite(buf, 1, n, out) == n);
	fclose(in);
	CHECK(fclose(out) == 0);
}

static void
test_parse_browser_fixtures(const char *data)
{
	static const struct {
		const char *rel, *sql;
	} f[] = {
		{ "chrome/History", "SELECT (SELECT count(*) FROM visits v "
		    "JOIN urls u ON u.id = v.url) + (SELECT count(*) FROM "
		    "downloads)" },
		{ "firefox/places.sqlite", "SELECT (SELECT count(*) FROM "
		    "moz_historyvisits) + (SELECT count(*) FROM moz_bookmarks "
		    "b JOIN moz_places p ON b.fk = p.id WHERE b.type <> 3) + "
		    "(SELECT count(*) FROM moz_bookmarks WHERE type = 2) + "
		    "(SELECT count(*) FROM moz_items_annos a JOIN moz_bookmarks "
		    "b ON a.item_id = b.id JOIN moz_places p ON b.fk = p.id)" },
		{ "safari/History.db", "SELECT count(*) FROM history_visits v "
		    "JOIN history_items i ON i.id = v.history_item" },
	};
	char path[4096], copy[4096], *out;
	struct stat before, after;
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		join(copy, sizeof(copy), data, "/artifacts/browser/plaso/");
		join(path, sizeof(path), copy, f[i].rel);
		CHECK(snprintf(copy, sizeof(copy), "%s/copy%zu.db", tmpdir,
		    i) > 0);
		copy_file(path, copy);
		CHECK(stat(path, &before) == 0);
		out = NULL;
		CHECK((int64_t)run_parse(path, &out) == count(copy, f[i].sql));
		CHECK(strstr(out, "\"wal_applied\"") == NULL);
		free(out);
		CHECK(stat(path, &after) == 0);
		CHECK(before.st_size == after.st_size &&
		    before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
		    before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
		join(copy, sizeof(copy), path, "-wal");
		CHECK(access(copy, F_OK) != 0);
		join(copy, sizeof(copy), path, "-shm");
		CHECK(access(copy, F_OK) != 0);
	}
}

static void
exec(sqlite3 *h, const char *sql)
{
	char *e = NULL;

	if (sqlite3_exec(h, sql, NULL, NULL, &e) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, e);
		exit(1);
	}
}

static void
test_parse_browser_wal(void)
{
	char db[4096], ev[4096], p[4096], sql[4200], *out = NULL;
	sqlite3 *h;
	int i;

	join(db, sizeof(db), tmpdir, "/work.db");
	join(ev, sizeof(ev), tmpdir, "/ev");
	CHECK(mkdir(ev, 0700) == 0);
	CHECK(sqlite3_open(db, &h) == SQLITE_OK);
	exec(h, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
	    "CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT, "
	    "visit_count INTEGER);"
	    "CREATE TABLE history_visits (id INTEGER PRIMARY KEY, "
	    "history_item INTEGER, visit_time REAL, title TEXT, "
	    "http_non_get BOOLEAN DEFAULT 0, redirect_source INTEGER, "
	    "redirect_destination INTEGER);"
	    "PRAGMA wal_checkpoint(TRUNCATE);");
	exec(h, "BEGIN");
	for (i = 1; i <= 7; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO history_items VALUES "
		    "(%d, 'https://committed.example/%d', 1); INSERT INTO "
		    "history_visits (id, history_item, visit_time) VALUES "
		    "(%d, %d, %d.5)", i, i, i, i, 500000000 + i);
		exec(h, sql);
	}
	exec(h, "COMMIT; PRAGMA cache_size=2; BEGIN");
	for (i = 100; i < 2000; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO history_items VALUES "
		    "(%d, 'https://uncommitted.example/%d/%0200d', 1); INSERT "
		    "INTO history_visits (id, history_item, visit_time) VALUES "
		    "(%d, %d, 500000000.0)", i, i, 0, i, i);
		exec(h, sql);
	}
	/* Copy while the transaction is open: its spilled frames are in. */
	join(p, sizeof(p), ev, "/History.db");
	copy_file(db, p);
	join(sql, sizeof(sql), db, "-wal");
	join(p, sizeof(p), ev, "/History.db-wal");
	copy_file(sql, p);
	exec(h, "ROLLBACK");
	sqlite3_close(h);
	join(p, sizeof(p), ev, "/History.db");
	i = (int)run_parse(p, &out);
	if (i != 7)
		fprintf(stderr, "%d events:\n%s", i, out);
	CHECK(i == 7);
	CHECK_CONTAINS(out, "https://committed.example/7");
	CHECK_CONTAINS(out, "\"time\":\"2016-11-05T00:53:27.500000Z\"");
	CHECK_CONTAINS(out, "\"wal_applied\":true");
	CHECK(strstr(out, "uncommitted") == NULL);
	free(out);
}

int
main(void)
{
	const char *data = getenv("TRIAGE_TEST_DATA");
	char path[4096], rm[4200];
	tr_error err;
	int have;

	CHECK_STATUS(tr_library_init(&err), TR_OK);
	CHECK(mkdtemp(tmpdir) != NULL);
	test_parse_browser_times();
	test_parse_browser_match();
	test_parse_browser_wal();
	if (data == NULL) {
		const char *src = getenv("TRIAGE_SRCDIR");

		snprintf(path, sizeof(path), "%s/../shared/fixtures",
		    src != NULL ? src : ".");
		data = path;
	}
	snprintf(rm, sizeof(rm), "%s/artifacts/browser/plaso", data);
	have = access(rm, F_OK) == 0;
	if (have)
		test_parse_browser_fixtures(data);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", tmpdir);
	CHECK(system(rm) == 0);
	if (!have)
		SKIP("no fixtures: only the WAL and time checks ran");
	return 0;
}
