/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Safari History.db: one event per history_visits row joined with its
 * history_items row; visit_time is Cocoa time (seconds since 2001, REAL).
 */
#include "internal.h"
#include "parse_sqlite.h"

#include <string.h>

static const char *const data_types[] = {
	"safari:history:visit_sqlite", NULL
};
static const char *const artifacts[] = {
	"SafariHistorySQLiteDatabaseFile", NULL
};
static const char *const needles[] = {
	"history_items", "history_visits", NULL
};
static const char *const names[] = { "History.db", NULL };

static int
match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	return tri_sqlite_match(head, len, name, needles, names);
}

/* plaso's _GetHostname: the host of http/ftp URLs, "about:x" up to '/'. */
static int
set_host(tr_rec *ev, const char *url)
{
	const char *p, *e;

	if (strncmp(url, "http", 4) == 0 || strncmp(url, "ftp", 3) == 0) {
		if ((p = strstr(url, "//")) == NULL)
			return tr_rec_set_text(ev, "host", "", 0);
		p += 2;
	} else if (strncmp(url, "about", 5) == 0) {
		p = url;
	} else {
		return tr_rec_set_text(ev, "host", url, strlen(url));
	}
	e = strchr(p, '/');
	return tr_rec_set_text(ev, "host", p, e != NULL ? (size_t)(e - p) :
	    strlen(p));
}

static int
parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	tri_sqlite s;
	sqlite3_stmt *st;
	tr_rec *ev;
	tr_time t;
	uint64_t rows = 0;
	int rc;

	if ((rc = tri_sqlite_open(&s, ctx, a)) != TR_OK) {
		tri_sqlite_close(&s);
		return rc;
	}
	if (!tri_sqlite_has_table(&s, "history_items") ||
	    !tri_sqlite_has_table(&s, "history_visits")) {
		tri_parse_warn(ctx, UINT64_MAX, "no history_items and "
		    "history_visits tables: not a Safari History.db");
		tri_sqlite_close(&s);
		return tri_sqlite_status(&s);
	}
	st = tri_sqlite_prepare(&s, "SELECT v.id, i.url, v.title, "
	    "i.visit_count, v.visit_time, v.http_non_get, v.redirect_source, "
	    "v.redirect_destination, rs.url FROM history_visits v NOT INDEXED JOIN "
	    "history_items i ON i.id = v.history_item LEFT JOIN "
	    "history_visits sv ON sv.id = v.redirect_source LEFT JOIN "
	    "history_items rs ON rs.id = sv.history_item ORDER BY "
	    "v.id", "visits");
	while (rc == TR_OK && tri_sqlite_step(&s, st, "visits", rows)) {
		rows++;
		t = sqlite3_column_type(st, 4) == SQLITE_NULL ? TR_TIME_UNSET :
		    tri_cocoa_time(sqlite3_column_double(st, 4));
		if ((ev = tri_event_new(ctx, "safari:history:visit_sqlite", &t,
		    "Last Visited Time")) == NULL) {
			if (tr_time_isset(&t)) {
				rc = TR_ENOMEM;
				break;
			}
			tri_parse_warn(ctx, UINT64_MAX, "visit %lld: no visit "
			    "time, left out",
			    (long long)sqlite3_column_int64(st, 0));
			continue;
		}
		rc = tri_event_message(ev, "URL: %s Title: (%s) [count: %lld]"
		    "%s", tri_sqlite_text(st, 1), tri_sqlite_text(st, 2),
		    (long long)sqlite3_column_int64(st, 3),
		    sqlite3_column_int64(st, 5) ? " http_non_get: True" : "");
		rc |= tri_sqlite_set_text(ev, "url", st, 1);
		rc |= tri_sqlite_set_text(ev, "title", st, 2);
		rc |= tri_sqlite_set_int(ev, "visit_count", st, 3);
		rc |= set_host(ev, tri_sqlite_text(st, 1));
		rc |= tr_rec_set_bool(ev, "was_http_non_get",
		    sqlite3_column_int64(st, 5) != 0);
		rc |= tri_sqlite_set_text(ev, "visit_redirect_source", st, 8);
		rc |= tri_sqlite_set_int(ev, "visit_id", st, 0);
		if (rc != 0) {
			tr_rec_free(ev);
			rc = TR_ENOMEM;
			break;
		}
		rc = tri_sqlite_emit(&s, ev);
	}
	sqlite3_finalize(st);
	tri_sqlite_close(&s);
	return rc != TR_OK ? rc : tri_sqlite_status(&s);
}

const tri_parser tri_parser_safari_history = {
	"safari_history",
	"Safari History.db SQLite databases (visits)",
	data_types, artifacts, match, parse
};
