/* SPDX-License-Identifier: Apache-2.0 */
/*
 * utmp, wtmp and btmp: glibc's struct utmp as x86-64 writes it (384 bytes:
 * 32-bit session and time fields) and as aarch64, s390x and other 64-bit
 * ports write it (400 bytes: long session, struct timeval of two longs),
 * in either byte order, recognised from the records themselves; and
 * lastlog (one 292-byte record per UID).
 */
#include "internal.h"
#include "parse_linux.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define UT_LINE		8
#define UT_ID		40
#define UT_USER		44
#define UT_HOST		76
#define UT_EXIT		332
#define UT_SESSION	336
#define PROBE_RECS	64
#define WARN_RECS	20
#define LASTLOG_REC	292

struct layout {
	const char	*name;
	size_t		rec;
	int		be;
	size_t		tv, addr;	/* offsets of ut_tv, ut_addr_v6 */
	int		wide;		/* 64-bit session and tv fields */
};

static const struct layout layouts[] = {
	{ "384-byte little-endian (x86-64)", 384, 0, 340, 348, 0 },
	{ "384-byte big-endian", 384, 1, 340, 348, 0 },
	{ "400-byte little-endian (aarch64)", 400, 0, 344, 360, 1 },
	{ "400-byte big-endian (s390x)", 400, 1, 344, 360, 1 },
};
#define NLAYOUTS	(sizeof(layouts) / sizeof(layouts[0]))

static const char *const type_names[] = { "EMPTY", "RUN_LVL", "BOOT_TIME",
	"NEW_TIME", "OLD_TIME", "INIT_PROCESS", "LOGIN_PROCESS",
	"USER_PROCESS", "DEAD_PROCESS", "ACCOUNTING" };

static uint64_t
rd(const uint8_t *p, size_t n, int be)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
	return v;
}

struct ut {
	int		type;
	int32_t		pid;
	int64_t		sec, usec, session;
	int16_t		term, exit;
	uint32_t	id;
};

static void
decode(const struct layout *l, const uint8_t *r, struct ut *u)
{
	u->type = (int16_t)rd(r, 2, l->be);
	u->pid = (int32_t)rd(r + 4, 4, l->be);
	u->term = (int16_t)rd(r + UT_EXIT, 2, l->be);
	u->exit = (int16_t)rd(r + UT_EXIT + 2, 2, l->be);
	u->id = (uint32_t)rd(r + UT_ID, 4, 0);
	if (l->wide) {
		u->session = (int64_t)rd(r + UT_SESSION, 8, l->be);
		u->sec = (int64_t)rd(r + l->tv, 8, l->be);
		u->usec = (int64_t)rd(r + l->tv + 8, 8, l->be);
	} else {
		u->session = (int32_t)rd(r + UT_SESSION, 4, l->be);
		u->sec = (int32_t)rd(r + l->tv, 4, l->be);
		u->usec = (int32_t)rd(r + l->tv + 4, 4, l->be);
	}
}

/* A NUL-padded text field: printable bytes, then only NULs. */
static int
text_ok(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] != 0) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
		i++;
	}
	return 1;
}

static int
rec_ok(const struct layout *l, const uint8_t *r, struct ut *u)
{
	decode(l, r, u);
	if (u->type < 0 || u->type > 9 || u->usec < 0 || u->usec >= 1000000 ||
	    u->sec < 0 || u->sec > 4102444800LL)	/* 2100 */
		return 0;
	if (u->type != 0 && u->sec != 0 && u->sec < 315532800)	/* 1980 */
		return 0;
	if (l->wide && (uint64_t)rd(r + 396, 4, l->be) != 0)
		return 0;			/* padding */
	return text_ok(r + UT_LINE, 32) && text_ok(r + UT_USER, 32) &&
	    text_ok(r + UT_HOST, 256);
}

/* The layout that reads most of the first records, or NULL. */
static const struct layout *
detect(const uint8_t *d, size_t size, int *score_out)
{
	const struct layout *best = NULL;
	struct ut u;
	size_t i, k, n;
	int score, top = 0;

	for (i = 0; i < NLAYOUTS; i++) {
		const struct layout *l = &layouts[i];

		n = size / l->rec;
		if (n == 0)
			continue;
		if (n > PROBE_RECS)
			n = PROBE_RECS;
		score = 0;
		for (k = 0; k < n; k++)
			score += rec_ok(l, d + k * l->rec, &u) ?
			    (u.type != 0 ? 3 : 1) : -4;
		if (size % l->rec == 0)
			score++;
		if (score > top) {
			top = score;
			best = l;
		}
	}
	*score_out = top;
	return best;
}

static int
utmp_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	static const char *const nm[] = { "utmp", "wtmp", "btmp", "utmpx",
		"wtmpx", NULL };
	struct ut u;
	const struct layout *l;
	int score;

	if (size < 384 || len < 384)
		return 0;
	if ((l = detect(head, len, &score)) == NULL || score < 3)
		return 0;
	/* The first record must be a real one, not EMPTY. */
	if (!rec_ok(l, head, &u))
		return 0;
	return tri_name_is(name, nm) ? 80 : 60;
}

static void
ip_text(const uint8_t *a, char *buf, size_t len)
{
	static const uint8_t zero[12];

	if (memcmp(a + 4, zero, 12) == 0)
		snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else if (inet_ntop(AF_INET6, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

static size_t
field_len(const uint8_t *p, size_t n)
{
	const uint8_t *z = memchr(p, 0, n);

	return z != NULL ? (size_t)(z - p) : n;
}

static int
utmp_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const struct layout *l;
	const uint8_t *r;
	struct ut u;
	tr_rec *ev;
	tr_time t;
	char ip[64];
	size_t k, n, bad = 0, ul, ll, hl;
	int score, rc = TR_OK, e;

	if ((l = detect(a->data, a->size, &score)) == NULL) {
		tri_parse_warn(ctx, 0, "no utmp record layout fits");
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	n = a->size / l->rec;
	for (k = 0; k < n && rc == TR_OK; k++) {
		r = a->data + k * l->rec;
		if (!rec_ok(l, r, &u)) {
			if (bad++ < WARN_RECS)
				tri_parse_warn(ctx, k * l->rec, "record %zu is "
				    "not a %s utmp record: skipped", k,
				    l->name);
			tri_parse_lost(ctx);
			continue;
		}
		t = tri_time(u.sec, (uint32_t)u.usec * 1000, 6);
		if ((ev = tri_event_new(ctx, "linux:utmp:event", &t,
		    "Start Time")) == NULL)
			return TR_ENOMEM;
		ul = field_len(r + UT_USER, 32);
		ll = field_len(r + UT_LINE, 32);
		hl = field_len(r + UT_HOST, 256);
		ip_text(r + l->addr, ip, sizeof(ip));
		e = tri_event_message(ev, "User: %.*s Terminal: %.*s Host: "
		    "%.*s Type: %s PID: %d", (int)ul, (const char *)r + UT_USER,
		    (int)ll, (const char *)r + UT_LINE, (int)hl,
		    (const char *)r + UT_HOST, type_names[u.type], u.pid);
		e |= tr_rec_set_text(ev, "username", (const char *)r + UT_USER,
		    ul);
		e |= tr_rec_set_text(ev, "terminal", (const char *)r + UT_LINE,
		    ll);
		e |= tr_rec_set_uint(ev, "terminal_identifier", u.id);
		e |= tr_rec_set_text(ev, "hostname", (const char *)r + UT_HOST,
		    hl);
		e |= tr_rec_set_str(ev, "ip_address", ip);
		e |= tr_rec_set_int(ev, "pid", u.pid);
		e |= tr_rec_set_int(ev, "type", u.type);
		e |= tr_rec_set_str(ev, "type_name", type_names[u.type]);
		e |= tr_rec_set_int(ev, "exit_status", u.exit);
		e |= tr_rec_set_int(ev, "termination_status", u.term);
		e |= tr_rec_set_int(ev, "session", u.session);
		e |= tr_rec_set_str(ev, "layout", l->name);
		e |= tr_rec_set_uint(ev, "offset", (uint64_t)(k * l->rec));
		if (e != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
	}
	if (bad > WARN_RECS)
		tri_parse_warn(ctx, UINT64_MAX, "%zu records skipped in all",
		    bad);
	if (rc == TR_OK && a->size % l->rec != 0) {
		const uint8_t *tail = a->data + n * l->rec;
		size_t tl = a->size % l->rec, i;

		for (i = 0; i < tl && tail[i] == 0; i++)
			;
		tri_parse_warn(ctx, n * l->rec, "%zu trailing bytes after the "
		    "last record%s", tl, i == tl ? " (all zero)" :
		    ": a partial record, not read");
		if (i != tl)
			tri_parse_lost(ctx);
	}
	return rc;
}

static const char *const utmp_types[] = { "linux:utmp:event", NULL };
static const char *const utmp_artifacts[] = { "LinuxUtmpFiles",
	"LinuxWtmp", NULL };

const tri_parser tri_parser_utmp = {
	"utmp",
	"utmp, wtmp and btmp login records (384-byte x86-64 and 400-byte "
	    "aarch64/s390x layouts, either byte order)",
	utmp_types,
	utmp_artifacts,
	utmp_match,
	utmp_parse,
};

/* lastlog: int32 time, char line[32], char host[256] per UID (x86-64). */
static int
lastlog_match(const uint8_t *head, size_t len, uint64_t size,
    const char *name)
{
	static const char *const nm[] = { "lastlog", NULL };

	if (!tri_name_is(name, nm) || size % LASTLOG_REC != 0 || size == 0)
		return 0;
	return 50;
}

static int
lastlog_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const uint8_t *r;
	tr_rec *ev;
	tr_time t;
	size_t k, n = a->size / LASTLOG_REC, ll, hl;
	int64_t sec;
	int rc = TR_OK, e;

	for (k = 0; k < n && rc == TR_OK; k++) {
		r = a->data + k * LASTLOG_REC;
		sec = (int32_t)rd(r, 4, 0);
		if (sec == 0)
			continue;		/* never logged in */
		if (!text_ok(r + 4, 32) || !text_ok(r + 36, 256)) {
			tri_parse_warn(ctx, k * LASTLOG_REC, "UID %zu: "
			    "lastlog record not text: skipped", k);
			tri_parse_lost(ctx);
			continue;
		}
		t = tri_time(sec, 0, 0);
		if ((ev = tri_event_new(ctx, "linux:lastlog:entry", &t,
		    "Last Login Time")) == NULL)
			return TR_ENOMEM;
		ll = field_len(r + 4, 32);
		hl = field_len(r + 36, 256);
		e = tri_event_message(ev, "UID %zu last login on %.*s from "
		    "%.*s", k, (int)ll, (const char *)r + 4, (int)hl,
		    (const char *)r + 36);
		e |= tr_rec_set_uint(ev, "uid", k);
		e |= tr_rec_set_text(ev, "terminal", (const char *)r + 4, ll);
		e |= tr_rec_set_text(ev, "hostname", (const char *)r + 36, hl);
		if (e != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
	}
	return rc;
}

static const char *const lastlog_types[] = { "linux:lastlog:entry", NULL };
static const char *const lastlog_artifacts[] = { "LinuxLastlogFile", NULL };

const tri_parser tri_parser_lastlog = {
	"lastlog",
	"lastlog: each UID's last login (x86-64 layout, by name)",
	lastlog_types,
	lastlog_artifacts,
	lastlog_match,
	lastlog_parse,
};
