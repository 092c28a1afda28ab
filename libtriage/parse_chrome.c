/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chrome, Chromium, Edge and Brave History databases: visits joined with
 * their URLs, and downloads.  Schemas from Chrome 8 on: before the
 * downloads_url_chains table (History version < 24) a download's url and
 * full_path sit in the downloads row and its times are POSIX seconds;
 * later they are WebKit µs since 1601 like every visit time.
 */
#include "internal.h"
#include "parse_sqlite.h"

#include <stdio.h>
#include <string.h>

static const char *const data_types[] = {
	"chrome:history:page_visited", "chrome:history:file_downloaded", NULL
};
static const char *const artifacts[] = {
	"ChromiumBasedBrowsersHistoryDatabaseFile", NULL
};
static const char *const needles[] = {
	"keyword_search_terms", "visit_source", NULL
};
static const char *const names[] = { "History", "Archived History", NULL };

/* Core transition types (ui/base/page_transition_types.h), as named there. */
static const char *const core_names[] = {
	"LINK", "TYPED", "AUTO_BOOKMARK", "AUTO_SUBFRAME", "MANUAL_SUBFRAME",
	"GENERATED", "AUTO_TOPLEVEL", "FORM_SUBMIT", "RELOAD", "KEYWORD",
	"KEYWORD_GENERATED"
};
static const struct {
	uint32_t	bit;
	const char	*name;
} qualifiers[] = {
	{ 0x00800000u, "BLOCKED" }, { 0x01000000u, "FORWARD_BACK" },
	{ 0x02000000u, "FROM_ADDRESS_BAR" }, { 0x04000000u, "HOME_PAGE" },
	{ 0x08000000u, "FROM_API" }, { 0x10000000u, "CHAIN_START" },
	{ 0x20000000u, "CHAIN_END" }, { 0x40000000u, "CLIENT_REDIRECT" },
	{ 0x80000000u, "SERVER_REDIRECT" }
};

static int
match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	return tri_sqlite_match(head, len, name, needles, names);
}

/* "d.col" when the table has it, else "NULL", appended to sql. */
static void
col(tri_sqlite *s, char *sql, size_t len, const char *table,
    const char *alias, const char *column)
{
	size_t o = strlen(sql);

	if (tri_sqlite_has_column(s, table, column))
		snprintf(sql + o, len - o, "%s%s.%s", o ? ", " : "", alias,
		    column);
	else
		snprintf(sql + o, len - o, "%sNULL", o ? ", " : "");
}

static int
transition_fields(tr_rec *ev, int64_t transition)
{
	uint32_t t = (uint32_t)transition, core = t & 0xff;
	tr_rec *q = NULL;
	size_t i;
	int rc = TR_OK;

	rc |= tr_rec_set_int(ev, "page_transition_type", core);
	if (core < sizeof(core_names) / sizeof(core_names[0]))
		rc |= tr_rec_set_str(ev, "page_transition", core_names[core]);
	for (i = 0; i < sizeof(qualifiers) / sizeof(qualifiers[0]); i++) {
		if ((t & qualifiers[i].bit) == 0)
			continue;
		if (q == NULL && (q = tr_rec_new_array()) == NULL)
			return TR_ENOMEM;
		rc |= tr_rec_append_str(q, qualifiers[i].name);
	}
	if (q != NULL)
		rc |= tr_rec_set_rec(ev, "page_transition_qualifiers", q);
	return rc != 0 ? TR_ENOMEM : TR_OK;
}

static int
visits(tri_sqlite *s)
{
	char sql[1024];
	sqlite3_stmt *st;
	tr_rec *ev;
	tr_time t;
	uint64_t rows = 0;
	int64_t tr;
	int rc = TR_OK, vs = tri_sqlite_has_table(s, "visit_source");

	snprintf(sql, sizeof(sql), "SELECT v.id, u.url, u.title, "
	    "u.visit_count, u.typed_count, u.hidden, v.visit_time, "
	    "v.transition, fu.url, %s FROM visits v NOT INDEXED JOIN urls u ON u.id = "
	    "v.url LEFT JOIN visits fv ON v.from_visit != 0 AND fv.id = "
	    "v.from_visit LEFT JOIN urls fu ON fu.id = fv.url %s "
	    "ORDER BY v.id", vs ? "vs.source" : "NULL",
	    vs ? "LEFT JOIN visit_source vs ON vs.id = v.id" : "");
	if ((st = tri_sqlite_prepare(s, sql, "visits")) == NULL)
		return TR_OK;
	while (rc == TR_OK && tri_sqlite_step(s, st, "visits", rows)) {
		rows++;
		t = tri_webkit_time(sqlite3_column_int64(st, 6));
		if ((ev = tri_event_new(s->ctx, "chrome:history:page_visited",
		    &t, "Last Visited Time")) == NULL) {
			if (tr_time_isset(&t)) {
				rc = TR_ENOMEM;
				break;
			}
			tri_parse_warn(s->ctx, UINT64_MAX, "visit %lld: no "
			    "visit time, left out",
			    (long long)sqlite3_column_int64(st, 0));
			continue;
		}
		tr = sqlite3_column_int64(st, 7);
		rc = tri_event_message(ev, "%s (%s) [count: %lld] Type: [%s]%s%s",
		    tri_sqlite_text(st, 1), tri_sqlite_text(st, 2),
		    (long long)sqlite3_column_int64(st, 4),
		    (tr & 0xff) < 11 ? core_names[tr & 0xff] : "UNKNOWN",
		    sqlite3_column_type(st, 8) != SQLITE_NULL ?
		    " Visit from: " : "", tri_sqlite_text(st, 8));
		rc |= tri_sqlite_set_text(ev, "url", st, 1);
		rc |= tri_sqlite_set_text(ev, "title", st, 2);
		rc |= tri_sqlite_set_int(ev, "visit_count", st, 3);
		rc |= tri_sqlite_set_int(ev, "typed_count", st, 4);
		rc |= tr_rec_set_bool(ev, "url_hidden",
		    sqlite3_column_int64(st, 5) != 0);
		rc |= tri_sqlite_set_int(ev, "visit_source", st, 9);
		rc |= transition_fields(ev, tr);
		rc |= tri_sqlite_set_text(ev, "from_visit", st, 8);
		rc |= tri_sqlite_set_int(ev, "visit_id", st, 0);
		if (rc != 0) {
			tr_rec_free(ev);
			rc = TR_ENOMEM;
			break;
		}
		rc = tri_sqlite_emit(s, ev);
	}
	sqlite3_finalize(st);
	return rc;
}

/* A download time: POSIX seconds in the old schema, WebKit µs later. */
static tr_time
dl_time(sqlite3_stmt *st, int c, int posix)
{
	int64_t v;

	if (sqlite3_column_type(st, c) == SQLITE_NULL ||
	    (v = sqlite3_column_int64(st, c)) <= 0)
		return TR_TIME_UNSET;
	if (posix)
		return v < INT64_MAX / 1000000 ? tri_time(v, 0, 0) :
		    TR_TIME_UNSET;
	return tri_webkit_time(v);
}

static int
downloads(tri_sqlite *s)
{
	char sql[2048] = "";
	sqlite3_stmt *st;
	tr_rec *ev;
	tr_time start, end;
	const tr_time *t;
	uint64_t rows = 0;
	int posix, chains, rc = TR_OK;
	size_t o;

	if (!tri_sqlite_has_table(s, "downloads"))
		return TR_OK;
	chains = tri_sqlite_has_table(s, "downloads_url_chains");
	posix = !tri_sqlite_has_column(s, "downloads", "target_path");
	col(s, sql, sizeof(sql), "downloads", "d", "id");
	col(s, sql, sizeof(sql), "downloads", "d",
	    posix ? "full_path" : "target_path");
	o = strlen(sql);
	if (posix || !chains)
		col(s, sql, sizeof(sql), "downloads", "d", "url");
	else
		snprintf(sql + o, sizeof(sql) - o, ", (SELECT c.url FROM "
		    "downloads_url_chains c WHERE c.id = d.id ORDER BY "
		    "c.chain_index DESC LIMIT 1)");
	col(s, sql, sizeof(sql), "downloads", "d", "start_time");
	col(s, sql, sizeof(sql), "downloads", "d", "end_time");
	col(s, sql, sizeof(sql), "downloads", "d", "received_bytes");
	col(s, sql, sizeof(sql), "downloads", "d", "total_bytes");
	col(s, sql, sizeof(sql), "downloads", "d", "state");
	col(s, sql, sizeof(sql), "downloads", "d", "danger_type");
	col(s, sql, sizeof(sql), "downloads", "d", "interrupt_reason");
	col(s, sql, sizeof(sql), "downloads", "d", "opened");
	col(s, sql, sizeof(sql), "downloads", "d", "mime_type");
	col(s, sql, sizeof(sql), "downloads", "d", "referrer");
	col(s, sql, sizeof(sql), "downloads", "d", "tab_url");
	o = strlen(sql);
	memmove(sql + 7, sql, o + 1);
	memcpy(sql, "SELECT ", 7);
	o = strlen(sql);
	snprintf(sql + o, sizeof(sql) - o,
	    " FROM downloads d NOT INDEXED ORDER BY d.id");
	if ((st = tri_sqlite_prepare(s, sql, "downloads")) == NULL)
		return TR_OK;
	while (rc == TR_OK && tri_sqlite_step(s, st, "downloads", rows)) {
		rows++;
		start = dl_time(st, 3, posix);
		end = dl_time(st, 4, posix);
		t = tr_time_isset(&start) ? &start : &end;
		if ((ev = tri_event_new(s->ctx,
		    "chrome:history:file_downloaded", t,
		    t == &start ? "Start Time" : "End Time")) == NULL) {
			if (tr_time_isset(t)) {
				rc = TR_ENOMEM;
				break;
			}
			tri_parse_warn(s->ctx, UINT64_MAX, "download %lld: no "
			    "start or end time, left out",
			    (long long)sqlite3_column_int64(st, 0));
			continue;
		}
		rc = tri_event_message(ev, "%s (%s). Received: %lld bytes out "
		    "of: %lld bytes.", tri_sqlite_text(st, 2),
		    tri_sqlite_text(st, 1),
		    (long long)sqlite3_column_int64(st, 5),
		    (long long)sqlite3_column_int64(st, 6));
		rc |= tri_sqlite_set_text(ev, "full_path", st, 1);
		rc |= tri_sqlite_set_text(ev, "url", st, 2);
		rc |= tri_sqlite_set_int(ev, "received_bytes", st, 5);
		rc |= tri_sqlite_set_int(ev, "total_bytes", st, 6);
		rc |= tri_sqlite_set_int(ev, "state", st, 7);
		rc |= tri_sqlite_set_int(ev, "danger_type", st, 8);
		rc |= tri_sqlite_set_int(ev, "interrupt_reason", st, 9);
		rc |= tri_sqlite_set_int(ev, "opened", st, 10);
		rc |= tri_sqlite_set_text(ev, "mime_type", st, 11);
		rc |= tri_sqlite_set_text(ev, "referrer", st, 12);
		rc |= tri_sqlite_set_text(ev, "tab_url", st, 13);
		rc |= tr_rec_set_time(ev, "start_time", &start);
		rc |= tr_rec_set_time(ev, "end_time", &end);
		rc |= tri_sqlite_set_int(ev, "download_id", st, 0);
		if (rc != 0) {
			tr_rec_free(ev);
			rc = TR_ENOMEM;
			break;
		}
		rc = tri_sqlite_emit(s, ev);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	tri_sqlite s;
	int rc;

	if ((rc = tri_sqlite_open(&s, ctx, a)) != TR_OK) {
		tri_sqlite_close(&s);
		return rc;
	}
	if (!tri_sqlite_has_table(&s, "urls") ||
	    !tri_sqlite_has_table(&s, "visits")) {
		tri_parse_warn(ctx, UINT64_MAX, "no urls and visits tables: "
		    "not a Chrome history database");
		tri_sqlite_close(&s);
		return tri_sqlite_status(&s);
	}
	rc = visits(&s);
	if (rc == TR_OK)
		rc = downloads(&s);
	tri_sqlite_close(&s);
	return rc != TR_OK ? rc : tri_sqlite_status(&s);
}

const tri_parser tri_parser_chrome_history = {
	"chrome_history",
	"Chrome, Chromium, Edge and Brave History SQLite databases (visits, "
	"downloads)",
	data_types, artifacts, match, parse
};
