/* SPDX-License-Identifier: Apache-2.0 */
/*
 * syslog text files: traditional BSD lines ("Mmm dd hh:mm:ss host
 * prog[pid]: msg", the year left out), rsyslog's RFC 3339 high-precision
 * lines, RFC 5424 ("<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG"),
 * ChromeOS ("TIMESTAMP SEVERITY prog[pid]: msg") and macOS ("prog[pid]
 * <Level>: msg") variants; rotated and gzip'ed files.  Lines that start
 * with white space continue the previous message.  sshd, sudo, su, cron,
 * PAM and account messages become their own data types
 * (parse_syslog_auth.c).
 *
 * Years: a year-less file takes the year of its modification time for its
 * last line and walks back across the month roll-overs between its lines
 * (plaso's rule: the year goes up when a month is more than one month
 * before the previous line's, and back down on a Jan -> Dec step after a
 * roll-over), and its events say year_inferred.  Local times are read in
 * the -z zone (default UTC) and the events name it.
 */
#include "internal.h"
#include "parse_linux.h"
#include "parse_syslog_auth.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MAX_LEN	(1u << 20)	/* longer lines are skipped */
#define GUNZIP_MAX	((size_t)512 << 20)
#define WARN_LINES	20		/* lines named one by one */

struct sl {
	int64_t		sec;		/* wall clock (or UTC when !local) */
	uint32_t	nsec;
	int		digits;
	int		local;		/* sec is local time */
	int		month, day;	/* BSD: year-less */
	int		pri;		/* -1: none */
	const char	*host, *rep, *body, *sev, *msgid, *sd;
	size_t		hl, rl, bl, sevl, msgidl, sdl;
	int64_t		pid;		/* -1: none */
};

static const char *const names[] = { "syslog", "messages", "auth.log",
	"secure", "kern.log", "daemon.log", "user.log", "cron", "cron.log",
	"mail.log", "maillog", "debug", "system.log", "authpriv",
	"syslog_ssh.log", "syslog_cron.log", "syslog_rsyslog", NULL };

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* "hh:mm:ss[.frac]" at p; bytes used or 0. */
static size_t
hms(const char *p, size_t n, int *h, int *m, int *s, uint32_t *nsec,
    int *digits)
{
	size_t i;
	uint32_t f = 0;
	int nd = 0;

	if (n < 8 || p[2] != ':' || p[5] != ':' || !isdig(p[0]) ||
	    !isdig(p[1]) || !isdig(p[3]) || !isdig(p[4]) || !isdig(p[6]) ||
	    !isdig(p[7]))
		return 0;
	*h = (p[0] - '0') * 10 + p[1] - '0';
	*m = (p[3] - '0') * 10 + p[4] - '0';
	*s = (p[6] - '0') * 10 + p[7] - '0';
	if (*h > 23 || *m > 59 || *s > 60)
		return 0;
	i = 8;
	if (i + 1 < n && p[i] == '.' && isdig(p[i + 1])) {
		for (i++; i < n && isdig(p[i]); i++)
			if (nd < 9) {
				f = f * 10 + (uint32_t)(p[i] - '0');
				nd++;
			}
	}
	*digits = nd;
	for (; nd < 9; nd++)
		f *= 10;
	*nsec = f;
	return i;
}

/* "Mmm dd hh:mm:ss[.frac]": bytes used, or 0. */
static size_t
bsd_time(const char *p, size_t n, struct sl *o)
{
	size_t i, k;
	int h, m, s;

	if (n < 15 || p[3] != ' ' || (o->month = tri_month_abbr(p)) == 0)
		return 0;
	i = 4;
	if (p[i] == ' ' && isdig(p[i + 1]) && p[i + 2] == ' ') {
		o->day = p[i + 1] - '0';
		i += 3;
	} else if (isdig(p[i]) && p[i + 1] == ' ') {
		o->day = p[i] - '0';
		i += 2;
	} else if (isdig(p[i]) && isdig(p[i + 1]) && p[i + 2] == ' ') {
		o->day = (p[i] - '0') * 10 + p[i + 1] - '0';
		i += 3;
	} else
		return 0;
	if (o->day < 1 || o->day > 31)
		return 0;
	if ((k = hms(p + i, n - i, &h, &m, &s, &o->nsec, &o->digits)) == 0)
		return 0;
	o->sec = (int64_t)h * 3600 + m * 60 + (s > 59 ? 59 : s);
	o->local = 1;
	return i + k;
}

static int
severity_word(const char *p, size_t n)
{
	static const char *const w[] = { "INFO", "WARNING", "WARN", "ERROR",
		"ERR", "DEBUG", "NOTICE", "CRITICAL", "CRIT", "ALERT",
		"EMERG", "VERBOSE", "FATAL", NULL };
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		if (strlen(w[i]) == n && memcmp(w[i], p, n) == 0)
			return 1;
	return 0;
}

/* "prog[pid][ <Level>]: body" at p: 1 and fills o, or 0. */
static int
reporter(const char *p, const char *e, struct sl *o)
{
	const char *q = p, *r;
	int64_t pid = -1;

	while (q < e && *q != ' ' && *q != '[' && *q != ':')
		q++;
	if (q == p || q == e)
		return 0;
	r = q;
	if (*q == '[') {
		pid = 0;
		for (q++; q < e && isdig(*q) && pid < 100000000000LL; q++)
			pid = pid * 10 + (*q - '0');
		if (q == e || *q != ']' || q == r + 1)
			return 0;
		q++;
	}
	if (q + 2 < e && q[0] == ' ' && q[1] == '<') {	/* macOS */
		const char *l = q + 2;

		while (q < e && *q != '>')
			q++;
		if (q == e)
			return 0;
		o->sev = l;
		o->sevl = (size_t)(q - l);
		q++;
	}
	if (q == e || *q != ':')
		return 0;
	q++;
	o->rep = p;
	o->rl = (size_t)(r - p);
	o->pid = pid;
	while (q < e && *q == ' ')
		q++;
	o->body = q;
	o->bl = (size_t)(e - q);
	return 1;
}

/* After the time stamp and its space: [host ][SEV ]prog[pid]: body */
static void
rest(const char *p, const char *e, struct sl *o)
{
	const char *t = p;

	while (t < e && *t != ' ' && *t != ':' && *t != '[')
		t++;
	if (t < e && *t == ' ' && severity_word(p, (size_t)(t - p)) &&
	    reporter(t + 1, e, o)) {			/* ChromeOS */
		if (o->sev == NULL) {
			o->sev = p;
			o->sevl = (size_t)(t - p);
		}
		return;
	}
	if (reporter(p, e, o))
		return;
	if (t < e && *t == ' ' && t > p) {
		o->host = p;
		o->hl = (size_t)(t - p);
		if (reporter(t + 1, e, o))
			return;
		p = t + 1;
	}
	o->body = p;
	o->bl = (size_t)(e - p);
}

/* RFC 5424 after "<PRI>1 ". */
static int
rfc5424(const char *p, const char *e, struct sl *o)
{
	const char *f[5];
	size_t fl[5], i, k;
	int has_off;
	int64_t pid;

	if (e - p >= 2 && p[0] == '-' && p[1] == ' ')
		return 0;			/* no time: no event */
	k = tri_iso_time(p, (size_t)(e - p), &o->sec, &o->nsec, &o->digits,
	    &has_off);
	if (k == 0 || p[10] != 'T')
		return 0;
	o->local = !has_off;
	p += k;
	for (i = 0; i < 4; i++) {
		if (p >= e || *p != ' ')
			return 0;
		f[i] = ++p;
		while (p < e && *p != ' ')
			p++;
		fl[i] = (size_t)(p - f[i]);
		if (fl[i] == 1 && f[i][0] == '-')
			fl[i] = 0;
	}
	if (p >= e || *p != ' ')
		return 0;
	f[4] = ++p;				/* structured data */
	if (p < e && *p == '[') {
		int inq = 0;

		for (; p < e; p++) {
			if (*p == '"' && p[-1] != '\\')
				inq = !inq;
			else if (*p == ']' && !inq &&
			    (p + 1 == e || p[1] != '['))
				break;
		}
		if (p < e)
			p++;
	} else
		while (p < e && *p != ' ')
			p++;
	fl[4] = (size_t)(p - f[4]);
	if (fl[4] == 1 && f[4][0] == '-')
		fl[4] = 0;
	if (p < e && *p == ' ')
		p++;
	if (e - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	o->host = f[0];
	o->hl = fl[0];
	o->rep = f[1];
	o->rl = fl[1];
	pid = fl[2] > 0 ? tri_digits(f[2], fl[2] > 18 ? 18 : fl[2]) : -1;
	o->pid = pid;
	o->msgid = f[3];
	o->msgidl = fl[3];
	o->sd = f[4];
	o->sdl = fl[4];
	o->body = p;
	o->bl = (size_t)(e - p);
	return 1;
}

/* One line: 1 parsed into o, 0 not a syslog line. */
static int
parse_line(const char *p, size_t n, struct sl *o)
{
	const char *e = p + n;
	size_t k;
	int has_off;

	memset(o, 0, sizeof(*o));
	o->pri = -1;
	o->pid = -1;
	if (n > 0 && p[n - 1] == '\r')
		e--;
	if (n >= 3 && p[0] == '<' && isdig(p[1])) {
		int pri = 0;

		for (k = 1; k < 5 && p + k < e && isdig(p[k]); k++)
			pri = pri * 10 + p[k] - '0';
		if (p + k >= e || p[k] != '>' || pri > 191)
			return 0;
		o->pri = pri;
		p += k + 1;
		if (e - p > 2 && p[0] == '1' && p[1] == ' ')
			return rfc5424(p + 2, e, o);
	}
	if ((k = bsd_time(p, (size_t)(e - p), o)) == 0) {
		o->month = 0;
		k = tri_iso_time(p, (size_t)(e - p), &o->sec, &o->nsec,
		    &o->digits, &has_off);
		if (k == 0 || p[10] != 'T')
			return 0;
		o->local = !has_off;
	}
	p += k;
	if (p < e && *p == ':') {		/* "Nov 18 01:15:43: --- ..." */
		for (p++; p < e && *p == ' '; p++)
			;
		o->body = p;
		o->bl = (size_t)(e - p);
		return 1;
	}
	if (p >= e || *p != ' ')
		return 0;
	rest(p + 1, e, o);
	return 1;
}

static int
line_ok(const char *p, size_t n)
{
	struct sl o;

	return parse_line(p, n, &o);
}

static int
syslog_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	uint8_t buf[4096];
	size_t good, total;
	int score, named = tri_name_is(name, names);

	(void)size;
	if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
		if (!named)
			return 0;
		len = tri_gunzip_head(head, len, buf, sizeof(buf));
		head = buf;
	}
	good = tri_lines_ok(head, len, line_ok, &total);
	if (good == 0 || good * 10 < total * 8)
		return 0;		/* most lines must be syslog lines */
	score = 40;
	if (good * 10 >= total * 9 && total >= 3)
		score += 10;
	if (named)
		score += 30;
	return score;
}

/* Year of the last line and the month roll-overs: plaso's rule. */
static int
next_rel(int rel, int prev, int month)
{
	if (prev != 0) {
		if (month + 1 < prev)
			return rel + 1;
		if (month == 12 && prev == 1 && rel > 0)
			return rel - 1;
	}
	return rel;
}

struct syslog_run {
	tri_parse_ctx	*ctx;
	const tri_tz	*tz;
	int64_t		base_year;
	int		rel, prev;
	uint64_t	bad, warned;
	int		rc;
};

static int
emit(struct syslog_run *r, struct sl *o, uint64_t off)
{
	struct tri_auth au;
	const char *dt = "syslog:line";
	tr_rec *ev;
	tr_time t;
	int64_t sec = o->sec, y;
	int rc = 0, classified;

	if (o->month != 0) {
		r->rel = next_rel(r->rel, r->prev, o->month);
		r->prev = o->month;
		y = r->base_year + r->rel;
		if (!tri_date_valid(y, o->month, o->day)) {
			tri_parse_warn(r->ctx, off, "%04lld-%02d-%02d is not a "
			    "date (year inferred): line skipped",
			    (long long)y, o->month, o->day);
			tri_parse_lost(r->ctx);
			return TR_OK;
		}
		sec += tri_days_civil(y, o->month, o->day) * 86400;
	}
	if (o->local)
		sec = tri_tz_to_utc(r->tz, sec);
	t = tri_time(sec, o->nsec, o->digits);
	classified = tri_auth_classify(o->rep, o->rl, o->body, o->bl, &au);
	if (classified)
		dt = au.data_type;
	if ((ev = tri_event_new(r->ctx, dt, &t, "Content Modification Time"))
	    == NULL)
		return TR_ENOMEM;
	if (o->rl > 0 && o->pid >= 0)
		rc |= tri_event_message(ev, "[%.*s, pid: %lld] %.*s",
		    (int)o->rl, o->rep, (long long)o->pid, (int)o->bl,
		    o->body);
	else if (o->rl > 0)
		rc |= tri_event_message(ev, "[%.*s] %.*s", (int)o->rl, o->rep,
		    (int)o->bl, o->body);
	else
		rc |= tri_event_message(ev, "%.*s", (int)o->bl, o->body);
	if (o->hl > 0)
		rc |= tr_rec_set_text(ev, "hostname", o->host, o->hl);
	if (o->rl > 0)
		rc |= tr_rec_set_text(ev, "reporter", o->rep, o->rl);
	if (o->pid >= 0)
		rc |= tr_rec_set_int(ev, "pid", o->pid);
	rc |= tr_rec_set_text(ev, "body", o->body, o->bl);
	if (o->pri >= 0) {
		static const char *const sev[] = { "EMERG", "ALERT", "CRIT",
			"ERR", "WARNING", "NOTICE", "INFO", "DEBUG" };

		rc |= tr_rec_set_str(ev, "severity", sev[o->pri & 7]);
		rc |= tr_rec_set_int(ev, "facility", o->pri >> 3);
	} else if (o->sevl > 0)
		rc |= tr_rec_set_text(ev, "severity", o->sev, o->sevl);
	if (o->msgidl > 0)
		rc |= tr_rec_set_text(ev, "message_identifier", o->msgid,
		    o->msgidl);
	if (o->sdl > 0)
		rc |= tr_rec_set_text(ev, "structured_data", o->sd, o->sdl);
	if (classified)
		rc |= tri_auth_set(ev, &au);
	if (o->month != 0)
		rc |= tr_rec_set_bool(ev, "year_inferred", 1);
	if (o->local)
		rc |= tr_rec_set_str(ev, "timezone", tri_tz_name(r->tz));
	rc |= tr_rec_set_uint(ev, "offset", off);
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(r->ctx, ev);
}

static void
bad_line(struct syslog_run *r, uint64_t off, const char *why)
{
	r->bad++;
	tri_parse_lost(r->ctx);
	if (r->warned++ < WARN_LINES)
		tri_parse_warn(r->ctx, off, "%s", why);
}

/* The year of the first line: the mtime's, less the roll-overs after. */
static int64_t
base_year(tri_parse_ctx *ctx, const tr_artifact *a, const tri_tz *tz,
    const char *d, size_t n)
{
	const char *p = d, *e = d + n, *nl;
	struct tri_utc u;
	struct sl o;
	int rel = 0, prev = 0, last = 0;
	int64_t mt;

	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		if ((size_t)(nl - p) <= LINE_MAX_LEN &&
		    (size_t)(nl - p) >= 15 && ((*p >= 'A' && *p <= 'Z') ||
		    *p == '<') && parse_line(p, (size_t)(nl - p), &o) &&
		    o.month != 0) {
			rel = next_rel(rel, prev, o.month);
			prev = last = o.month;
		}
		p = nl + 1;
	}
	if (tr_time_isset(&a->mtime))
		mt = a->mtime.sec;
	else {
		tri_parse_warn(ctx, UINT64_MAX, "no modification time: years "
		    "of year-less lines taken from the current date");
		mt = (int64_t)time(NULL);
	}
	tri_utc_split(mt + tri_tz_offset_at(tz, mt), &u);
	if (last > u.month)
		u.year--;
	return u.year - rel;
}

static int
parse_text(tri_parse_ctx *ctx, const tr_artifact *a, const char *d, size_t n)
{
	struct syslog_run r;
	const char *p = d, *e = d + n, *nl, *ls;
	struct sl cur, o;
	int have = 0, rc = TR_OK;
	uint64_t coff = 0;

	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.tz = tri_tz_of(ctx);
	r.base_year = base_year(ctx, a, r.tz, d, n);
	while (p < e && rc == TR_OK) {
		ls = p;
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		p = nl + 1;
		if ((size_t)(nl - ls) > LINE_MAX_LEN) {
			char why[128];

			snprintf(why, sizeof(why), "line of %zu bytes (longer "
			    "than %u): skipped", (size_t)(nl - ls),
			    LINE_MAX_LEN);
			bad_line(&r, (uint64_t)(ls - d), why);
			continue;
		}
		if (nl == ls || (nl - ls == 1 && *ls == '\r'))
			continue;
		if ((*ls == ' ' || *ls == '\t') && have) {
			/* continuation of the previous message */
			if ((size_t)(nl - cur.body) > LINE_MAX_LEN) {
				bad_line(&r, (uint64_t)(ls - d), "continuation "
				    "line past the message size limit: skipped");
				continue;
			}
			cur.bl = (size_t)(nl - cur.body);
			if (cur.bl > 0 && cur.body[cur.bl - 1] == '\r')
				cur.bl--;
			continue;
		}
		if (!parse_line(ls, (size_t)(nl - ls), &o)) {
			size_t k;

			for (k = 0; k < (size_t)(nl - ls) &&
			    (ls[k] == ' ' || ls[k] == '\t' || ls[k] == '\r');
			    k++)
				;
			if (k == (size_t)(nl - ls))
				continue;	/* blank */
			bad_line(&r, (uint64_t)(ls - d),
			    "not a syslog line: skipped");
			continue;
		}
		if (have)
			rc = emit(&r, &cur, coff);
		cur = o;
		coff = (uint64_t)(ls - d);
		have = 1;
	}
	if (have && rc == TR_OK)
		rc = emit(&r, &cur, coff);
	if (r.warned > WARN_LINES)
		tri_parse_warn(ctx, UINT64_MAX, "%llu lines not read in all "
		    "(the first %d named above)", (unsigned long long)r.bad,
		    WARN_LINES);
	return rc;
}

static int
syslog_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	uint8_t *buf;
	size_t len;
	uint64_t bad;
	int zr, rc;

	if (a->size < 2 || a->data[0] != 0x1f || a->data[1] != 0x8b)
		return parse_text(ctx, a, (const char *)a->data, a->size);
	zr = tri_gunzip(a->data, a->size, GUNZIP_MAX, &buf, &len, &bad);
	if (zr < 0) {
		tri_parse_warn(ctx, 0, "not a readable gzip stream");
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	if (zr == 1) {
		tri_parse_warn(ctx, UINT64_MAX, "gzip: more than %zu MiB "
		    "uncompressed, the rest not read", GUNZIP_MAX >> 20);
		tri_parse_lost(ctx);
	} else if (zr == 2) {
		tri_parse_warn(ctx, bad, "gzip stream damaged or truncated "
		    "(compressed offset): %zu bytes recovered, the rest lost",
		    len);
		tri_parse_lost(ctx);
	}
	/* A line cut by the damage is not a line. */
	if (zr != 0)
		while (len > 0 && buf[len - 1] != '\n')
			len--;
	rc = parse_text(ctx, a, (const char *)buf, len);
	free(buf);
	return rc;
}

static const char *const data_types[] = { "syslog:line", TRI_AUTH_DATA_TYPES,
	NULL };
static const char *const artifacts[] = { "LinuxSyslogFiles",
	"LinuxAuthLogs", "LinuxCronLogs", NULL };

const tri_parser tri_parser_syslog = {
	"syslog",
	"syslog text (BSD, RFC 5424, rsyslog RFC 3339, ChromeOS, macOS), "
	    "plain or gzip'ed; sshd, sudo, su, cron, PAM and account "
	    "messages as their own events",
	data_types,
	artifacts,
	syslog_match,
	syslog_parse,
};
