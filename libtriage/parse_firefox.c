/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Firefox places.sqlite (visits, bookmarks, bookmark folders, bookmark
 * annotations, downloads kept as page annotations since Firefox 26) and the
 * older downloads.sqlite (moz_downloads).  Times are PRTime: µs since 1970.
 */
#include "internal.h"
#include "parse_sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const data_types[] = {
	"firefox:places:page_visited", "firefox:places:bookmark",
	"firefox:places:bookmark_annotation", "firefox:places:bookmark_folder",
	"firefox:downloads:download", NULL
};
static const char *const artifacts[] = {
	"FirefoxHistory", "FirefoxDownloads", NULL
};
static const char *const places_needles[] = {
	"moz_places", "moz_historyvisits", NULL
};
static const char *const downloads_needles[] = { "moz_downloads", NULL };
static const char *const names[] = {
	"places.sqlite", "downloads.sqlite", NULL
};

static int
match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	int a = tri_sqlite_match(head, len, name, places_needles, names);
	int b = tri_sqlite_match(head, len, name, downloads_needles, names);

	return a > b ? a : b;
}

/* "moc.elgoog.www." -> "www.google.com" (plaso's _ReverseHostname). */
static int
set_host(tr_rec *ev, sqlite3_stmt *st, int col)
{
	const char *r = (const char *)sqlite3_column_text(st, col);
	size_t n, i;
	char *h;
	int rc;

	if (r == NULL || (n = (size_t)sqlite3_column_bytes(st, col)) == 0)
		return TR_OK;
	if ((h = malloc(n + 1)) == NULL)
		return TR_ENOMEM;
	for (i = 0; i < n; i++)
		h[i] = r[n - 1 - i];
	h[n] = '\0';
	rc = tr_rec_set_text(ev, "host", h[0] == '.' && n > 1 ? h + 1 : h,
	    h[0] == '.' && n > 1 ? n - 1 : n);
	free(h);
	return rc;
}

/* PRTime column, or unset for NULL/0. */
static tr_time
prtime(sqlite3_stmt *st, int col)
{
	int64_t v;

	if (sqlite3_column_type(st, col) == SQLITE_NULL ||
	    (v = sqlite3_column_int64(st, col)) == 0 ||
	    v > INT64_MAX / 2 || v < INT64_MIN / 2)
		return TR_TIME_UNSET;
	return tri_posix_usec(v);
}

/*
 * A new event at the added time, else at the modification time; NULL with
 * *rc TR_OK when the row has neither (warned, left out).
 */
static tr_rec *
added_event(tri_sqlite *s, const char *dt, sqlite3_stmt *st, int cadd,
    int cmod, const char *what, int *rc)
{
	tr_time added = prtime(st, cadd), mod = prtime(st, cmod);
	const tr_time *t = tr_time_isset(&added) ? &added : &mod;
	tr_rec *ev;

	*rc = TR_OK;
	ev = tri_event_new(s->ctx, dt, t, t == &added ? "Added Time" :
	    "Content Modification Time");
	if (ev == NULL) {
		if (tr_time_isset(t))
			*rc = TR_ENOMEM;
		else
			tri_parse_warn(s->ctx, UINT64_MAX, "%s %lld: no time, "
			    "left out", what,
			    (long long)sqlite3_column_int64(st, 0));
		return NULL;
	}
	if (tr_rec_set_time(ev, "added_time", &added) != TR_OK ||
	    tr_rec_set_time(ev, "modification_time", &mod) != TR_OK) {
		tr_rec_free(ev);
		*rc = TR_ENOMEM;
		return NULL;
	}
	return ev;
}

static int
visits(tri_sqlite *s)
{
	sqlite3_stmt *st;
	tr_rec *ev;
	tr_time t;
	uint64_t rows = 0;
	int rc = TR_OK;

	st = tri_sqlite_prepare(s, "SELECT h.id, p.url, p.title, "
	    "p.visit_count, h.visit_date, h.visit_type, p.rev_host, p.hidden, "
	    "p.typed, fp.url FROM moz_historyvisits h NOT INDEXED JOIN "
	    "moz_places p ON p.id = h.place_id LEFT JOIN moz_historyvisits fh ON "
	    "h.from_visit != 0 AND fh.id = h.from_visit LEFT JOIN moz_places "
	    "fp ON fp.id = fh.place_id ORDER BY h.id", "visits");
	while (rc == TR_OK && tri_sqlite_step(s, st, "visits", rows)) {
		rows++;
		t = prtime(st, 4);
		if ((ev = tri_event_new(s->ctx, "firefox:places:page_visited",
		    &t, "Last Visited Time")) == NULL) {
			if (tr_time_isset(&t)) {
				rc = TR_ENOMEM;
				break;
			}
			tri_parse_warn(s->ctx, UINT64_MAX, "visit %lld: no "
			    "visit date, left out",
			    (long long)sqlite3_column_int64(st, 0));
			continue;
		}
		rc = tri_event_message(ev, "%s (%s) [count: %lld] Transition: "
		    "%lld%s%s", tri_sqlite_text(st, 1), tri_sqlite_text(st, 2),
		    (long long)sqlite3_column_int64(st, 3),
		    (long long)sqlite3_column_int64(st, 5),
		    sqlite3_column_type(st, 9) != SQLITE_NULL ?
		    " Visit from: " : "", tri_sqlite_text(st, 9));
		rc |= tri_sqlite_set_text(ev, "url", st, 1);
		rc |= tri_sqlite_set_text(ev, "title", st, 2);
		rc |= tri_sqlite_set_int(ev, "visit_count", st, 3);
		rc |= tri_sqlite_set_int(ev, "visit_type", st, 5);
		rc |= set_host(ev, st, 6);
		rc |= tr_rec_set_bool(ev, "hidden",
		    sqlite3_column_int64(st, 7) != 0);
		rc |= tr_rec_set_bool(ev, "typed",
		    sqlite3_column_int64(st, 8) != 0);
		rc |= tri_sqlite_set_text(ev, "from_visit", st, 9);
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

static int
bookmarks(tri_sqlite *s)
{
	sqlite3_stmt *st;
	tr_rec *ev;
	uint64_t rows = 0;
	int rc = TR_OK;

	/* URL bookmarks (type 1; plaso: every type but 3 with a place). */
	st = tri_sqlite_prepare(s, "SELECT b.id, b.type, b.title, b.dateAdded, "
	    "b.lastModified, p.url, p.title, p.rev_host, p.visit_count FROM "
	    "moz_bookmarks b NOT INDEXED JOIN moz_places p ON b.fk = p.id "
	    "WHERE b.type "
	    "<> 3 ORDER BY b.id", "bookmarks");
	while (rc == TR_OK && tri_sqlite_step(s, st, "bookmarks", rows)) {
		rows++;
		if ((ev = added_event(s, "firefox:places:bookmark", st, 3, 4,
		    "bookmark", &rc)) == NULL)
			continue;
		rc = tri_event_message(ev, "Bookmark %s %s (%s) [%s] visit "
		    "count %lld", sqlite3_column_int64(st, 1) == 1 ? "URL" :
		    "Folder", tri_sqlite_text(st, 2), tri_sqlite_text(st, 5),
		    tri_sqlite_text(st, 6),
		    (long long)sqlite3_column_int64(st, 8));
		rc |= tri_sqlite_set_int(ev, "type", st, 1);
		rc |= tri_sqlite_set_text(ev, "title", st, 2);
		rc |= tri_sqlite_set_text(ev, "url", st, 5);
		rc |= tri_sqlite_set_text(ev, "places_title", st, 6);
		rc |= set_host(ev, st, 7);
		rc |= tri_sqlite_set_int(ev, "visit_count", st, 8);
		rc |= tri_sqlite_set_int(ev, "bookmark_id", st, 0);
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
annotations(tri_sqlite *s)
{
	sqlite3_stmt *st;
	tr_rec *ev;
	uint64_t rows = 0;
	int rc = TR_OK;

	if (!tri_sqlite_has_table(s, "moz_items_annos"))
		return TR_OK;
	st = tri_sqlite_prepare(s, "SELECT a.id, a.content, a.dateAdded, "
	    "a.lastModified, b.title, p.url FROM moz_items_annos a NOT INDEXED JOIN "
	    "moz_bookmarks b ON a.item_id = b.id JOIN moz_places p ON b.fk = "
	    "p.id ORDER BY a.id", "bookmark annotations");
	while (rc == TR_OK &&
	    tri_sqlite_step(s, st, "bookmark annotations", rows)) {
		rows++;
		if ((ev = added_event(s, "firefox:places:bookmark_annotation",
		    st, 2, 3, "bookmark annotation", &rc)) == NULL)
			continue;
		rc = tri_event_message(ev, "Bookmark Annotation: [%s] to "
		    "bookmark [%s] (%s)", tri_sqlite_text(st, 1),
		    tri_sqlite_text(st, 4), tri_sqlite_text(st, 5));
		rc |= tri_sqlite_set_text(ev, "content", st, 1);
		rc |= tri_sqlite_set_text(ev, "title", st, 4);
		rc |= tri_sqlite_set_text(ev, "url", st, 5);
		rc |= tri_sqlite_set_int(ev, "annotation_id", st, 0);
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
folders(tri_sqlite *s)
{
	sqlite3_stmt *st;
	tr_rec *ev;
	uint64_t rows = 0;
	int rc = TR_OK;

	st = tri_sqlite_prepare(s, "SELECT b.id, b.title, b.dateAdded, "
	    "b.lastModified FROM moz_bookmarks b NOT INDEXED WHERE b.type = 2 "
	    "ORDER BY "
	    "b.id", "bookmark folders");
	while (rc == TR_OK && tri_sqlite_step(s, st, "bookmark folders",
	    rows)) {
		rows++;
		if ((ev = added_event(s, "firefox:places:bookmark_folder", st,
		    2, 3, "bookmark folder", &rc)) == NULL)
			continue;
		rc = tri_event_message(ev, "%s", sqlite3_column_type(st, 1) !=
		    SQLITE_NULL ? tri_sqlite_text(st, 1) : "N/A");
		rc |= tr_rec_set_str(ev, "title", sqlite3_column_type(st, 1) !=
		    SQLITE_NULL ? NULL : "N/A");
		rc |= tri_sqlite_set_text(ev, "title", st, 1);
		rc |= tri_sqlite_set_int(ev, "bookmark_id", st, 0);
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

/* One download event: start (else end) time; fields already in columns. */
static int
download_event(tri_sqlite *s, sqlite3_stmt *st, tr_time start, tr_time end,
    int cname, int curl, int cpath, int cref, int cstate, int crecv,
    int ctotal, int cmime, int cid)
{
	const tr_time *t = tr_time_isset(&start) ? &start : &end;
	tr_rec *ev;
	int rc;

	if ((ev = tri_event_new(s->ctx, "firefox:downloads:download", t,
	    t == &start ? "Start Time" : "End Time")) == NULL) {
		if (tr_time_isset(t))
			return TR_ENOMEM;
		tri_parse_warn(s->ctx, UINT64_MAX, "download %lld: no time, "
		    "left out", (long long)sqlite3_column_int64(st, cid));
		return TR_OK;
	}
	rc = tri_event_message(ev, "%s (%s). Received: %lld bytes out of: "
	    "%lld bytes.", tri_sqlite_text(st, curl), tri_sqlite_text(st, cpath),
	    crecv < 0 ? 0LL : (long long)sqlite3_column_int64(st, crecv),
	    ctotal < 0 ? 0LL : (long long)sqlite3_column_int64(st, ctotal));
	if (cname >= 0)
		rc |= tri_sqlite_set_text(ev, "name", st, cname);
	rc |= tri_sqlite_set_text(ev, "url", st, curl);
	rc |= tri_sqlite_set_text(ev, "full_path", st, cpath);
	if (cref >= 0)
		rc |= tri_sqlite_set_text(ev, "referrer", st, cref);
	if (cstate >= 0)
		rc |= tri_sqlite_set_int(ev, "state", st, cstate);
	if (crecv >= 0)
		rc |= tri_sqlite_set_int(ev, "received_bytes", st, crecv);
	if (ctotal >= 0)
		rc |= tri_sqlite_set_int(ev, "total_bytes", st, ctotal);
	if (cmime >= 0)
		rc |= tri_sqlite_set_text(ev, "mime_type", st, cmime);
	rc |= tr_rec_set_time(ev, "start_time", &start);
	rc |= tr_rec_set_time(ev, "end_time", &end);
	rc |= tri_sqlite_set_int(ev, "download_id", st, cid);
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_sqlite_emit(s, ev);
}

static int
downloads(tri_sqlite *s)
{
	sqlite3_stmt *st;
	uint64_t rows = 0;
	int rc = TR_OK;

	if (tri_sqlite_has_table(s, "moz_downloads")) {
		st = tri_sqlite_prepare(s, "SELECT id, name, source, target, "
		    "referrer, state, currBytes, maxBytes, mimeType, startTime, "
		    "endTime FROM moz_downloads NOT INDEXED ORDER BY id",
		    "downloads");
		while (rc == TR_OK &&
		    tri_sqlite_step(s, st, "downloads", rows)) {
			rows++;
			rc = download_event(s, st, prtime(st, 9),
			    prtime(st, 10), 1, 2, 3, 4, 5, 6, 7, 8, 0);
		}
		sqlite3_finalize(st);
	}
	if (rc != TR_OK || !tri_sqlite_has_table(s, "moz_annos") ||
	    !tri_sqlite_has_table(s, "moz_anno_attributes") ||
	    !tri_sqlite_has_table(s, "moz_places"))
		return rc;
	/* Firefox 26 on: the target as a page annotation of the source. */
	rows = 0;
	st = tri_sqlite_prepare(s, "SELECT a.id, p.url, a.content, a.dateAdded "
	    "FROM moz_annos a NOT INDEXED JOIN moz_anno_attributes n ON n.id = "
	    "a.anno_attribute_id JOIN moz_places p ON p.id = a.place_id WHERE "
	    "n.name = 'downloads/destinationFileURI' ORDER BY a.id",
	    "download annotations");
	while (rc == TR_OK && tri_sqlite_step(s, st, "download annotations",
	    rows)) {
		rows++;
		rc = download_event(s, st, prtime(st, 3), TR_TIME_UNSET, -1, 1,
		    2, -1, -1, -1, -1, -1, 0);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	tri_sqlite s;
	int rc = TR_OK, places;

	if ((rc = tri_sqlite_open(&s, ctx, a)) != TR_OK) {
		tri_sqlite_close(&s);
		return rc;
	}
	places = tri_sqlite_has_table(&s, "moz_places") &&
	    tri_sqlite_has_table(&s, "moz_historyvisits");
	if (!places && !tri_sqlite_has_table(&s, "moz_downloads")) {
		tri_parse_warn(ctx, UINT64_MAX, "no moz_places, "
		    "moz_historyvisits or moz_downloads tables: not a Firefox "
		    "places or downloads database");
		tri_sqlite_close(&s);
		return tri_sqlite_status(&s);
	}
	if (places) {
		rc = visits(&s);
		if (rc == TR_OK && tri_sqlite_has_table(&s, "moz_bookmarks")) {
			rc = bookmarks(&s);
			if (rc == TR_OK)
				rc = annotations(&s);
			if (rc == TR_OK)
				rc = folders(&s);
		}
	}
	if (rc == TR_OK)
		rc = downloads(&s);
	tri_sqlite_close(&s);
	return rc != TR_OK ? rc : tri_sqlite_status(&s);
}

const tri_parser tri_parser_firefox_history = {
	"firefox_history",
	"Firefox places.sqlite (visits, bookmarks, folders, annotations, "
	"downloads) and downloads.sqlite",
	data_types, artifacts, match, parse
};
