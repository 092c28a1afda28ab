/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the Linux parsers (parse_syslog.c, parse_utmp.c,
 * parse_journal.c, parse_shell.c, parse_linux_*.c): local time through the
 * tz database without touching TZ, civil dates, bounded gunzip in memory,
 * text-line scanning.
 */
#ifndef TRIAGE_PARSE_LINUX_H
#define TRIAGE_PARSE_LINUX_H

#include <stddef.h>
#include <stdint.h>
#include "parse_internal.h"

/*
 * A time zone read from /usr/share/zoneinfo (TZif, read once per name and
 * kept for the run: thread-safe, no setenv("TZ")).  NULL or "UTC" gives
 * UTC.  NULL with a reason in why when the zone cannot be read.
 */
typedef struct tri_tz tri_tz;
const tri_tz	*tri_tz_get(const char *name, char *why, size_t len);
const char	*tri_tz_name(const tri_tz *tz);
int		tri_tz_is_utc(const tri_tz *tz);
/* Seconds of local wall-clock time in tz to POSIX seconds (UTC). */
int64_t		tri_tz_to_utc(const tri_tz *tz, int64_t local);
/* UTC offset (seconds east) in effect at POSIX time t. */
int32_t		tri_tz_offset_at(const tri_tz *tz, int64_t t);
/*
 * The run's zone (-z) for a parser: warns once per artifact and falls back
 * to UTC when it cannot be read.
 */
const tri_tz	*tri_tz_of(tri_parse_ctx *ctx);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t	tri_days_civil(int64_t y, int m, int d);
/* 1 when y-m-d exists. */
int	tri_date_valid(int64_t y, int m, int d);
/* "Jan".."Dec" (any case) at p to 1..12, or 0. */
int	tri_month_abbr(const char *p);

/*
 * gunzip data (all members) into a new buffer of at most max bytes.
 * Returns 0 with *out and *outlen set (free() it), 1 when the output was cut
 * at max, 2 when the stream is damaged or truncated (what came out is
 * kept; *bad is the input offset), -1 on no memory or not gzip.
 */
int	tri_gunzip(const uint8_t *data, size_t size, size_t max, uint8_t **out,
	    size_t *outlen, uint64_t *bad);
/* Up to max bytes of the start of a gzip stream (for match()); 0 if none. */
size_t	tri_gunzip_head(const uint8_t *data, size_t size, uint8_t *out,
	    size_t max);

/* Digits at p (up to n of them, at least 1): value, or -1. */
static inline int64_t
tri_digits(const char *p, size_t n)
{
	int64_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* How many of the (complete) lines in head satisfy ok(); *total: lines. */
size_t	tri_lines_ok(const uint8_t *head, size_t len,
	    int (*ok)(const char *line, size_t len), size_t *total);

/* 1 when name (may be NULL) equals one of the NULL-terminated names or
 * starts with one followed by '.', '-' or '_' ("auth.log.1"). */
int	tri_name_is(const char *name, const char *const *names);

/*
 * "YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|+hh:mm|-hhmm]" at p (n bytes available):
 * bytes used, or 0.  *sec is the wall-clock seconds, *nsec and *digits the
 * fraction, *has_off 1 when an offset was given (then *sec is UTC).
 * sep_spaces allows "YYYY-MM-DD  HH:MM:SS" (apt).
 */
size_t	tri_iso_time(const char *p, size_t n, int64_t *sec, uint32_t *nsec,
	    int *digits, int *has_off);

#endif
