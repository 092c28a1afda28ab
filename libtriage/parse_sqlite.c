/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite databases read-only from memory, WAL applied: see parse_sqlite.h. */
#include "internal.h"
#include "parse_sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR_SIZE	100
#define WAL_HDR		32
#define WAL_FRAME_HDR	24
#define WAL_MAGIC	0x377f0682u
#define PAGES_MAX	((uint64_t)1 << 31)
#define DB_MAX		((uint64_t)4 << 30)	/* 4 GiB in memory at most */
#define BAD_PAGES_MAX	8
/* VM steps between progress-handler calls, and the budget per byte. */
#define TICK		10000
#define OPS_PER_BYTE	4000u
#define OPS_MIN		((uint64_t)1 << 32)

static const char magic[] = "SQLite format 3";

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

int
tri_sqlite_magic(const uint8_t *head, size_t len)
{
	return len >= HDR_SIZE && memcmp(head, magic, sizeof(magic)) == 0;
}

int
tri_sqlite_match(const uint8_t *head, size_t len, const char *name,
    const char *const *needles, const char *const *names)
{
	size_t i;

	if (!tri_sqlite_magic(head, len))
		return 0;
	for (i = 0; needles[i] != NULL; i++)
		if (memmem(head, len, needles[i], strlen(needles[i])) == NULL)
			break;
	if (needles[i] == NULL)
		return 100;
	for (i = 0; name != NULL && names[i] != NULL; i++)
		if (strcmp(name, names[i]) == 0)
			return 60;
	return 0;
}

/* Page size from a database header (offset 16) or 0 when invalid. */
static uint32_t
header_page_size(const uint8_t *h)
{
	uint32_t ps = (uint32_t)h[16] << 8 | h[17];

	if (ps == 1)
		ps = 65536;
	if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0)
		return 0;
	return ps;
}

/* WAL checksum (sqlite's walChecksumBytes) over n bytes, n % 8 == 0. */
static void
wal_sum(int big, const uint8_t *p, size_t n, uint32_t *s0, uint32_t *s1)
{
	uint32_t a = *s0, b = *s1;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		a += (big ? be32(p + i) : le32(p + i)) + b;
		b += (big ? be32(p + i + 4) : le32(p + i + 4)) + a;
	}
	*s0 = a;
	*s1 = b;
}

struct wal {
	const uint8_t	*data;
	size_t		size;
	uint32_t	page_size;
	size_t		frames;		/* committed frames */
	uint32_t	db_pages;	/* database size after the last commit */
	size_t		valid;		/* valid frames (committed or not) */
	size_t		total;		/* whole frames in the file */
	size_t		bad;		/* frame whose checksum failed, or 0 */
	int		later_commit;	/* a commit frame of this WAL after it */
};

/*
 * Check a WAL: its header, then frames while salts and the running
 * checksum hold.  Fills w; returns 0, or -1 with why set when the WAL
 * cannot be used at all.
 */
static int
wal_scan(struct wal *w, uint32_t db_page_size, const char **why)
{
	const uint8_t *h = w->data, *f;
	uint32_t m, s0 = 0, s1 = 0, salt1, salt2;
	size_t fsz, i;
	int big;

	if (w->size < WAL_HDR) {
		*why = "shorter than its 32-byte header";
		return -1;
	}
	m = be32(h);
	if ((m & ~1u) != WAL_MAGIC) {
		*why = "bad magic";
		return -1;
	}
	big = (int)(m & 1);
	if (be32(h + 4) != 3007000) {
		*why = "unknown format version";
		return -1;
	}
	w->page_size = be32(h + 8);
	if (w->page_size < 512 || w->page_size > 65536 ||
	    (w->page_size & (w->page_size - 1)) != 0) {
		*why = "bad page size";
		return -1;
	}
	if (db_page_size != 0 && w->page_size != db_page_size) {
		*why = "page size differs from the database's";
		return -1;
	}
	wal_sum(big, h, 24, &s0, &s1);
	if (s0 != be32(h + 24) || s1 != be32(h + 28)) {
		*why = "bad header checksum";
		return -1;
	}
	salt1 = be32(h + 16);
	salt2 = be32(h + 20);
	fsz = WAL_FRAME_HDR + (size_t)w->page_size;
	w->total = (w->size - WAL_HDR) / fsz;
	for (i = 0; i < w->total; i++) {
		f = h + WAL_HDR + i * fsz;
		if (be32(f) == 0 || be32(f + 8) != salt1 ||
		    be32(f + 12) != salt2) {
			w->bad = i + 1;
			break;
		}
		wal_sum(big, f, 8, &s0, &s1);
		wal_sum(big, f + WAL_FRAME_HDR, w->page_size, &s0, &s1);
		if (s0 != be32(f + 16) || s1 != be32(f + 20)) {
			w->bad = i + 1;
			break;
		}
		w->valid = i + 1;
		if (be32(f + 4) != 0) {
			w->frames = i + 1;
			w->db_pages = be32(f + 4);
		}
	}
	/* Damage, not a torn last write, when a commit of ours follows. */
	for (i = w->bad; w->bad != 0 && i < w->total; i++) {
		f = h + WAL_HDR + i * fsz;
		if (be32(f + 8) == salt1 && be32(f + 12) == salt2 &&
		    be32(f + 4) != 0)
			w->later_commit = 1;
	}
	return 0;
}

static int
progress(void *arg)
{
	tri_sqlite *s = arg;

	s->ops += TICK;
	return s->ops > s->ops_max || tri_parse_stopped(s->ctx);
}

/* A read-only query's single integer, or -1. */
static int64_t
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
tri_sqlite_open(tri_sqlite *s, tri_parse_ctx *ctx, const tr_artifact *a)
{
	struct wal w;
	const char *why = NULL;
	char sib[512];
	uint8_t *wdata = NULL, *buf = NULL;
	size_t wsize = 0, fsz, i;
	uint64_t hdr_pages, pages, alloc, dbsize;
	uint32_t ps;
	int rc, n, has_wal = 0;

	memset(s, 0, sizeof(*s));
	memset(&w, 0, sizeof(w));
	s->ctx = ctx;
	if (!tri_sqlite_magic(a->data, a->size)) {
		tri_parse_warn(ctx, 0, "not an SQLite 3 database");
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	ps = header_page_size(a->data);
	if (ps == 0) {
		tri_parse_warn(ctx, 16, "SQLite header: bad page size %u",
		    (unsigned)((uint32_t)a->data[16] << 8 | a->data[17]));
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	s->page_size = ps;
	/* The page count is valid only when the change counters agree. */
	hdr_pages = be32(a->data + 28);
	if (hdr_pages == 0 || be32(a->data + 24) != be32(a->data + 92))
		hdr_pages = 0;
	pages = ((uint64_t)a->size + ps - 1) / ps;
	if (hdr_pages > pages || a->size % ps != 0) {
		tri_parse_warn(ctx, a->size,
		    "database truncated inside page %llu of %llu (page size "
		    "%u): what those pages held is lost",
		    (unsigned long long)(a->size / ps + 1),
		    (unsigned long long)(hdr_pages > pages ? hdr_pages : pages),
		    ps);
		s->lost = 1;
	}
	if (a->sibling != NULL && a->name != NULL &&
	    (n = snprintf(sib, sizeof(sib), "%s-wal", a->name)) > 0 &&
	    (size_t)n < sizeof(sib) &&
	    a->sibling(a->sibling_arg, sib, &wdata, &wsize) == 0) {
		has_wal = 1;
		w.data = wdata;
		w.size = wsize;
		if (wsize == 0) {
			has_wal = 0;	/* checkpointed and reset */
		} else if (wal_scan(&w, ps, &why) != 0) {
			tri_parse_warn(ctx, UINT64_MAX,
			    "%s: %s: not applied, its changes are lost", sib,
			    why);
			s->lost = 1;
			has_wal = 0;
		} else if (w.bad != 0 && w.later_commit) {
			tri_parse_warn(ctx, UINT64_MAX, "%s: offset 0x%llx: "
			    "frame %zu: bad salt or checksum: it and the "
			    "committed frames after it not applied, their "
			    "changes are lost", sib, (unsigned long long)
			    (WAL_HDR + (w.bad - 1) * (WAL_FRAME_HDR +
			    (uint64_t)ps)), w.bad);
			s->lost = 1;
		}
		/*
		 * Frames after the last commit (a transaction still open)
		 * and frames of an older generation (other salts) are not
		 * part of the database, as sqlite itself ignores them.
		 */
	}
	dbsize = (uint64_t)a->size;
	if (has_wal && w.frames > 0)
		dbsize = (uint64_t)w.db_pages * ps;
	alloc = dbsize > a->size ? dbsize : a->size;
	alloc = (alloc + ps - 1) / ps * ps;
	if (alloc > DB_MAX || dbsize / ps > PAGES_MAX) {
		tri_parse_warn(ctx, UINT64_MAX, "database of %llu bytes is "
		    "too large to read in memory", (unsigned long long)alloc);
		free(wdata);
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	if ((buf = sqlite3_malloc64(alloc)) == NULL) {
		free(wdata);
		tri_parse_warn(ctx, UINT64_MAX, "out of memory");
		tri_parse_lost(ctx);
		return TR_ENOMEM;
	}
	memcpy(buf, a->data, a->size);
	memset(buf + a->size, 0, alloc - a->size);
	if (has_wal && w.frames > 0) {
		fsz = WAL_FRAME_HDR + (size_t)ps;
		for (i = 0; i < w.frames; i++) {
			const uint8_t *f = wdata + WAL_HDR + i * fsz;
			uint64_t pg = be32(f);

			if (pg > w.db_pages)
				continue;	/* truncated away by a commit */
			memcpy(buf + (pg - 1) * ps, f + WAL_FRAME_HDR, ps);
		}
		s->wal_frames = (uint32_t)w.frames;
	}
	free(wdata);
	/* Rollback-journal mode in the copy: memdb has no WAL. */
	buf[18] = 1;
	buf[19] = 1;
	if (sqlite3_open_v2(":memory:", &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_MEMORY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_free(buf);
		tri_parse_warn(ctx, UINT64_MAX, "cannot open SQLite in memory");
		tri_parse_lost(ctx);
		return TR_ENOMEM;
	}
	rc = sqlite3_deserialize(s->db, "main", buf, (sqlite3_int64)dbsize,
	    (sqlite3_int64)alloc, SQLITE_DESERIALIZE_FREEONCLOSE |
	    SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		tri_parse_warn(ctx, UINT64_MAX, "cannot open the database: %s",
		    sqlite3_errstr(rc));
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	/*
	 * The copy is read-only (READONLY, query_only), so writable_schema
	 * is safe: it lets sqlite load a schema with a bad entry (an index
	 * whose root page was cut off) and read the tables that are whole.
	 */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_WRITABLE_SCHEMA, 1, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_exec(s->db, "PRAGMA query_only=1", NULL, NULL, NULL);
	s->ops_max = (uint64_t)alloc * OPS_PER_BYTE;
	if (s->ops_max < OPS_MIN)
		s->ops_max = OPS_MIN;
	sqlite3_progress_handler(s->db, TICK, progress, s);
	if (query_int(s->db, "SELECT count(*) FROM sqlite_master") < 0) {
		tri_parse_warn(ctx, 0, "cannot read the schema (sqlite_master, whose "
		    "root is page 1): %s",
		    sqlite3_errmsg(s->db));
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	return TR_OK;
}

void
tri_sqlite_close(tri_sqlite *s)
{
	if (s->db != NULL)
		sqlite3_close(s->db);
	s->db = NULL;
}

int
tri_sqlite_has_table(tri_sqlite *s, const char *table)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE "
	    "type = 'table' AND name = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

int
tri_sqlite_has_column(tri_sqlite *s, const char *table, const char *column)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM pragma_table_info(?1) "
	    "WHERE name = ?2", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

sqlite3_stmt *
tri_sqlite_prepare(tri_sqlite *s, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		tri_parse_warn(s->ctx, UINT64_MAX, "%s: cannot be read: %s",
		    what, sqlite3_errmsg(s->db));
		s->lost = 1;
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/*
 * Which pages are damaged, from PRAGMA integrity_check ("Tree 5 page 7
 * cell 3: ...", "Page 12: never used"): "page 7 (offset 0x1800), ..." in buf.
 */
static void
damaged_pages(tri_sqlite *s, char *buf, size_t len, uint64_t *first)
{
	sqlite3_stmt *st;
	unsigned long long seen[BAD_PAGES_MAX];
	size_t nseen = 0, i, o = 0;
	const char *t, *p;
	unsigned long long pg;
	char *end;

	buf[0] = '\0';
	*first = UINT64_MAX;
	s->ops = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(100)", -1, &st,
	    NULL) != SQLITE_OK)
		return;
	while (nseen < BAD_PAGES_MAX && sqlite3_step(st) == SQLITE_ROW) {
		if ((t = (const char *)sqlite3_column_text(st, 0)) == NULL)
			continue;
		for (p = t; (p = strcasestr(p, "page ")) != NULL;) {
			p += 5;
			pg = strtoull(p, &end, 10);
			if (end == p || pg == 0)
				continue;
			for (i = 0; i < nseen && seen[i] != pg; i++)
				;
			if (i < nseen || nseen == BAD_PAGES_MAX)
				continue;
			seen[nseen++] = pg;
		}
	}
	sqlite3_finalize(st);
	for (i = 0; i < nseen; i++) {
		uint64_t off = (uint64_t)(seen[i] - 1) * s->page_size;
		int n;

		if (off < *first)
			*first = off;
		n = snprintf(buf + o, len - o, "%spage %llu (offset 0x%llx)",
		    i ? ", " : "", seen[i], (unsigned long long)off);
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
}

int
tri_sqlite_step(tri_sqlite *s, sqlite3_stmt *st, const char *what,
    uint64_t rows)
{
	char pages[512];
	uint64_t first;
	int rc;

	if (st == NULL)
		return 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	if (tri_parse_stopped(s->ctx))
		return 0;
	if (rc == SQLITE_INTERRUPT) {
		tri_parse_warn(s->ctx, UINT64_MAX, "%s: stopped after %llu "
		    "rows: the query took too long (damaged or hostile "
		    "database?)", what, (unsigned long long)rows);
		s->lost = 1;
		return 0;
	}
	pages[0] = '\0';
	first = UINT64_MAX;
	if (!s->checked) {
		s->checked = 1;
		damaged_pages(s, pages, sizeof(pages), &first);
	}
	tri_parse_warn(s->ctx, first, "%s: %s after %llu rows, the rest "
	    "not read%s%s", what, sqlite3_errmsg(s->db),
	    (unsigned long long)rows, pages[0] ? "; damaged: " : "", pages);
	s->lost = 1;
	return 0;
}

const char *
tri_sqlite_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

int
tri_sqlite_set_text(tr_rec *ev, const char *key, sqlite3_stmt *st, int col)
{
	const unsigned char *t;

	if (sqlite3_column_type(st, col) == SQLITE_NULL ||
	    (t = sqlite3_column_text(st, col)) == NULL)
		return TR_OK;
	return tr_rec_set_text(ev, key, (const char *)t,
	    (size_t)sqlite3_column_bytes(st, col));
}

int
tri_sqlite_set_int(tr_rec *ev, const char *key, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return TR_OK;
	return tr_rec_set_int(ev, key, sqlite3_column_int64(st, col));
}

int
tri_sqlite_emit(tri_sqlite *s, tr_rec *ev)
{
	if (ev == NULL)
		return TR_OK;
	if (s->wal_frames > 0 && tr_rec_set_bool(ev, "wal_applied", 1) !=
	    TR_OK) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(s->ctx, ev);
}

int
tri_sqlite_status(const tri_sqlite *s)
{
	if (s->lost) {
		tri_parse_lost(s->ctx);
		return TR_EFORMAT;
	}
	return TR_OK;
}

tr_time
tri_webkit_time(int64_t usec)
{
	/* µs from 1601-01-01 to 1970-01-01. */
	const int64_t epoch = INT64_C(11644473600000000);

	if (usec <= 0 || usec > INT64_MAX / 2)
		return TR_TIME_UNSET;
	return tri_posix_usec(usec - epoch);
}

tr_time
tri_cocoa_time(double sec)
{
	/* Seconds from 1970-01-01 to 2001-01-01. */
	const int64_t epoch = 978307200;
	double x;

	if (!(sec > -1e11 && sec < 1e11))	/* NaN too */
		return TR_TIME_UNSET;
	x = sec * 1e6;
	return tri_posix_usec(epoch * 1000000 +
	    (int64_t)(x + (x >= 0 ? 0.5 : -0.5)));
}
