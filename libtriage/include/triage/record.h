/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records: JSON objects with a stable key order, written one per line
 * (JSON Lines) and read back.  See triage-records(5) for every kind.
 */
#ifndef TRIAGE_RECORD_H
#define TRIAGE_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "triage/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A point in time: seconds and nanoseconds since the Unix epoch (UTC), and
 * how many fraction digits the source really has (0 for whole seconds, 2
 * for FAT's 10 ms, 7 for NTFS, 9 for ext4).  digits < 0 means "not set":
 * such a time is left out of every record.
 */
typedef struct tr_time {
	int64_t		sec;
	uint32_t	nsec;
	int8_t		digits;
} tr_time;

#define TR_TIME_UNSET	((tr_time){ 0, 0, -1 })
#define TR_TIME_STR_MAX	48

/* True when t holds a value. */
#define tr_time_isset(t)	((t)->digits >= 0)

/*
 * Format t as RFC 3339 UTC, "2023-04-05T06:07:08.123456789Z", with exactly
 * t->digits fraction digits.  Returns buf, or NULL when t is unset or
 * outside years 0000-9999.
 */
TR_API char *tr_time_format(const tr_time *t, char buf[TR_TIME_STR_MAX]);

/*
 * Parse an RFC 3339 / ISO 8601 date-time ("2023-04-05T06:07:08.5+02:00",
 * "2023-04-05 06:07:08Z", "2023-04-05" = midnight UTC) into UTC.  A time
 * with no offset is taken as UTC.  Returns TR_OK or TR_EFORMAT.
 */
TR_API int tr_time_parse(const char *s, tr_time *t, tr_error *err);

/* Microseconds since the epoch, rounded down. */
TR_API int64_t tr_time_usec(const tr_time *t);

/*
 * A record under construction or read back: an opaque JSON value (object
 * or array).  Keys keep the order they were set in.
 */
typedef struct tr_rec tr_rec;

/* New object whose first key is "record": kind.  NULL on no memory. */
TR_API tr_rec *tr_rec_new(const char *kind);
/* New empty object (no "record" key) or array, for nested values. */
TR_API tr_rec *tr_rec_new_object(void);
TR_API tr_rec *tr_rec_new_array(void);
TR_API void tr_rec_free(tr_rec *r);		/* NULL is a no-op */
/* Deep copy; NULL on no memory. */
TR_API tr_rec *tr_rec_copy(const tr_rec *r);

/*
 * Setters.  Each replaces an existing key in place (keeping its position)
 * or appends it.  A NULL string value removes nothing and sets nothing, so
 * absent values stay absent.  Return TR_OK or TR_ENOMEM.
 */
/*
 * A NUL-terminated string; if it is not valid UTF-8 it is stored as
 * tr_rec_set_text() stores it (U+FFFD plus "<key>_hex").
 */
TR_API int tr_rec_set_str(tr_rec *r, const char *key, const char *val);
/*
 * Text from evidence: invalid UTF-8 bytes become U+FFFD and, only then, the
 * exact bytes go to "<key>_hex" as lowercase hex right after key.
 */
TR_API int tr_rec_set_text(tr_rec *r, const char *key, const char *bytes,
    size_t len);
TR_API int tr_rec_set_int(tr_rec *r, const char *key, int64_t val);
TR_API int tr_rec_set_uint(tr_rec *r, const char *key, uint64_t val);
TR_API int tr_rec_set_real(tr_rec *r, const char *key, double val);
TR_API int tr_rec_set_bool(tr_rec *r, const char *key, int val);
/* An unset time sets nothing. */
TR_API int tr_rec_set_time(tr_rec *r, const char *key, const tr_time *t);
/* Takes ownership of child (object or array) even on failure. */
TR_API int tr_rec_set_rec(tr_rec *r, const char *key, tr_rec *child);
/* Append to an array; takes ownership of child even on failure. */
TR_API int tr_rec_append(tr_rec *array, tr_rec *child);
TR_API int tr_rec_append_str(tr_rec *array, const char *val);
TR_API int tr_rec_del(tr_rec *r, const char *key);

/*
 * Getters (borrowed values, valid while r lives).  tr_rec_kind() is the
 * "record" key or NULL.  tr_rec_get_str() returns NULL when the key is
 * missing or not a string.  tr_rec_get_int() returns 1 and sets *val when
 * the key holds an integer, else 0.  tr_rec_get_bool(): 1, 0, or -1 when
 * missing.  tr_rec_get_rec(): a nested object or array, or NULL.
 */
TR_API const char *tr_rec_kind(const tr_rec *r);
TR_API const char *tr_rec_get_str(const tr_rec *r, const char *key);
TR_API int tr_rec_get_int(const tr_rec *r, const char *key, int64_t *val);
TR_API int tr_rec_get_bool(const tr_rec *r, const char *key);
TR_API tr_rec *tr_rec_get_rec(const tr_rec *r, const char *key);
TR_API int tr_rec_has(const tr_rec *r, const char *key);
TR_API size_t tr_rec_array_size(const tr_rec *array);
TR_API tr_rec *tr_rec_array_get(const tr_rec *array, size_t i);
/*
 * Iterate an object's keys in order: start with it = NULL; returns the
 * next key or NULL at the end.
 */
TR_API const char *tr_rec_next_key(const tr_rec *r, void **it);
/* The time held at key, parsed; TR_OK, TR_ENOTFOUND or TR_EFORMAT. */
TR_API int tr_rec_get_time(const tr_rec *r, const char *key, tr_time *t,
    tr_error *err);

/*
 * Text for a terminal: in's bytes with every control byte (C0, DEL, and
 * the C1 controls U+0080..U+009F) and every byte that is not valid UTF-8
 * written as \xHH, so a name read from evidence can never move the
 * cursor, retitle or clear the examiner's terminal.  Always NUL-terminates
 * out (len > 0); cuts at a character boundary when out is too small.
 * Returns out.  Every message that quotes evidence goes through it.
 */
TR_API char *tr_text_safe(const char *in, char *out, size_t len);

/* Compact one-line JSON (no newline).  Caller frees with free(). */
TR_API char *tr_rec_dump(const tr_rec *r);

/*
 * JSON Lines writer.  Each write is one fwrite of the line and "\n" under
 * the writer's mutex, so threads never interleave.  tr_jsonl_close() flushes,
 * checks ferror and fcloses the stream (stdout too): TR_EIO on failure.
 */
#define TR_JSONL_UNBUFFERED	0x1u	/* fflush after every record */
#define TR_JSONL_NOCLOSE	0x2u	/* close: flush and check, no fclose */
typedef struct tr_jsonl tr_jsonl;
TR_API int tr_jsonl_open(tr_jsonl **out, FILE *fp, unsigned flags,
    tr_error *err);
TR_API int tr_jsonl_write(tr_jsonl *w, const tr_rec *r, tr_error *err);
TR_API int tr_jsonl_close(tr_jsonl *w, tr_error *err);	/* NULL ok */
TR_API uint64_t tr_jsonl_count(const tr_jsonl *w);

/*
 * JSON Lines reader over a file path ("-" is stdin).  tr_jsonl_read()
 * returns 1 with *out set (caller frees), 0 at end of input, or a negative
 * status whose message names the input and line number, e.g.
 * "'files.jsonl' line 12: not a JSON object: ...".  Blank lines are
 * skipped.  After an error the reader may be read on (the bad line is
 * skipped).
 */
typedef struct tr_jsonl_reader tr_jsonl_reader;
TR_API int tr_jsonl_reader_open(tr_jsonl_reader **out, const char *path,
    tr_error *err);
TR_API int tr_jsonl_reader_fdopen(tr_jsonl_reader **out, FILE *fp,
    const char *name, tr_error *err);
TR_API int tr_jsonl_read(tr_jsonl_reader *rd, tr_rec **out, tr_error *err);
/* Line number of the last line read (1-based). */
TR_API uint64_t tr_jsonl_reader_line(const tr_jsonl_reader *rd);
TR_API const char *tr_jsonl_reader_name(const tr_jsonl_reader *rd);
/* Raw text of the last line read (borrowed, without "\n"). */
TR_API const char *tr_jsonl_reader_text(const tr_jsonl_reader *rd);
TR_API void tr_jsonl_reader_close(tr_jsonl_reader *rd);	/* NULL ok */

#ifdef __cplusplus
}
#endif
#endif
