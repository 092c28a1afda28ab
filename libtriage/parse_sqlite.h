/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite databases for the browser parsers (parse_chrome.c,
 * parse_firefox.c, parse_safari.c): opened read-only from a private copy
 * of the artifact's bytes (sqlite3_deserialize), never from a file, so no
 * -journal, -wal or -shm is ever made next to evidence.  A "-wal" file
 * beside the database is applied to the copy in memory (its committed
 * frames only, salts and checksums checked); the events then say
 * `wal_applied: true`.  Damage (truncation, a corrupt page, a bad WAL) is a
 * warning naming the page and offset, and what was readable is read.
 */
#ifndef TRIAGE_PARSE_SQLITE_H
#define TRIAGE_PARSE_SQLITE_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "parse_internal.h"

typedef struct tri_sqlite {
	sqlite3		*db;
	tri_parse_ctx	*ctx;
	uint32_t	page_size;
	uint32_t	wal_frames;	/* committed WAL frames applied */
	int		lost;		/* something was not read */
	int		checked;	/* integrity check done (once) */
	uint64_t	ops;		/* progress-handler ticks */
	uint64_t	ops_max;
} tri_sqlite;

/* 1 when head starts with the SQLite 3 header string. */
int	tri_sqlite_magic(const uint8_t *head, size_t len);
/*
 * A match() score for a browser database: 100 when head is SQLite and holds
 * every string of needles (page 1 holds sqlite_master's CREATE statements
 * in small schemas), 60 when the name is one of names (NULL-terminated),
 * else 0.
 */
int	tri_sqlite_match(const uint8_t *head, size_t len, const char *name,
	    const char *const *needles, const char *const *names);

/*
 * Open a's bytes (and its "-wal" sibling, applied) read-only in memory.
 * TR_OK, or a negative status after a warning (not SQLite, no memory):
 * the caller returns it.  tri_sqlite_close() in every case.
 */
int	tri_sqlite_open(tri_sqlite *s, tri_parse_ctx *ctx, const tr_artifact *a);
void	tri_sqlite_close(tri_sqlite *s);

/* 1 when the database has this table (a real table, not a view). */
int	tri_sqlite_has_table(tri_sqlite *s, const char *table);
/* 1 when table has this column. */
int	tri_sqlite_has_column(tri_sqlite *s, const char *table,
	    const char *column);

/*
 * Prepare sql; NULL after a warning (the query is part of what is lost).
 * what names the rows for messages ("visits").
 */
sqlite3_stmt *tri_sqlite_prepare(tri_sqlite *s, const char *sql,
	    const char *what);
/*
 * Next row: 1 with a row, 0 at the end or after an error (warned once,
 * with the damaged pages and their offsets, and counted as lost).
 */
int	tri_sqlite_step(tri_sqlite *s, sqlite3_stmt *st, const char *what,
	    uint64_t rows);

/* Column helpers: a NULL column sets nothing. */
int	tri_sqlite_set_text(tr_rec *ev, const char *key, sqlite3_stmt *st,
	    int col);
int	tri_sqlite_set_int(tr_rec *ev, const char *key, sqlite3_stmt *st,
	    int col);
/* Column text or "" (borrowed until the next step). */
const char *tri_sqlite_text(sqlite3_stmt *st, int col);

/* Add `wal_applied` when it applies, then tri_parse_emit(). */
int	tri_sqlite_emit(tri_sqlite *s, tr_rec *ev);
/* TR_OK, or what parse() returns when something was lost. */
int	tri_sqlite_status(const tri_sqlite *s);

/* Time helpers: WebKit/Chrome µs since 1601, Cocoa seconds since 2001. */
tr_time	tri_webkit_time(int64_t usec);
tr_time	tri_cocoa_time(double sec);

#endif
