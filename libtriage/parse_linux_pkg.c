/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Package logs: dpkg.log ("YYYY-MM-DD HH:MM:SS action ...", local time)
 * and apt's history.log (blocks from "Start-Date:" to "End-Date:", one
 * event per block at its start).
 */
#include "internal.h"
#include "parse_linux.h"

#include <stdio.h>
#include <string.h>

#define WARN_LINES	20

static const char *const dpkg_actions[] = { "startup", "status", "install",
	"upgrade", "remove", "purge", "conffile", "configure", "trigproc",
	NULL };

/* The body after the time stamp, or NULL when p is not a dpkg line. */
static const char *
dpkg_line(const char *p, size_t n, int64_t *sec)
{
	uint32_t ns;
	int digits, off;
	size_t k, i, al;
	const char *b;

	if (n < 21 || p[10] != ' ' ||
	    (k = tri_iso_time(p, n, sec, &ns, &digits, &off)) != 19 ||
	    p[19] != ' ')
		return NULL;
	b = p + 20;
	for (i = 0; dpkg_actions[i] != NULL; i++) {
		al = strlen(dpkg_actions[i]);
		if ((size_t)(p + n - b) >= al &&
		    memcmp(b, dpkg_actions[i], al) == 0 &&
		    ((size_t)(p + n - b) == al || b[al] == ' ' ||
		    b[al] == '\r'))
			return b;
	}
	return NULL;
}

static int
dpkg_ok(const char *p, size_t n)
{
	int64_t s;

	return dpkg_line(p, n, &s) != NULL;
}

static int
dpkg_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	static const char *const nm[] = { "dpkg.log", NULL };
	size_t good, total;

	(void)size;
	good = tri_lines_ok(head, len, dpkg_ok, &total);
	if (good == 0 || good * 10 < total * 8)
		return 0;
	return tri_name_is(name, nm) ? 90 : 70;
}

static int
dpkg_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const tri_tz *tz = tri_tz_of(ctx);
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *nl;
	const char *b, *w;
	size_t bl, bad = 0;
	int64_t sec;
	tr_rec *ev;
	tr_time t;
	int rc = TR_OK, r;

	while (p < e && rc == TR_OK) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if ((b = dpkg_line(p, (size_t)(nl - p), &sec)) == NULL) {
			if (nl > p && !(nl - p == 1 && *p == '\r')) {
				if (bad++ < WARN_LINES)
					tri_parse_warn(ctx, (uint64_t)(p - d),
					    "not a dpkg.log line: skipped");
				tri_parse_lost(ctx);
			}
			p = nl + 1;
			continue;
		}
		bl = (size_t)(nl - b);
		if (bl > 0 && b[bl - 1] == '\r')
			bl--;
		t = tri_time(tri_tz_to_utc(tz, sec), 0, 0);
		if ((ev = tri_event_new(ctx, "dpkg:line", &t,
		    "Added Time")) == NULL)
			return TR_ENOMEM;
		r = tri_event_message(ev, "%.*s", (int)bl, b);
		r |= tr_rec_set_text(ev, "body", b, bl);
		w = memchr(b, ' ', bl);
		r |= tr_rec_set_text(ev, "action", b,
		    w != NULL ? (size_t)(w - b) : bl);
		r |= tr_rec_set_str(ev, "timezone", tri_tz_name(tz));
		r |= tr_rec_set_uint(ev, "offset", (uint64_t)(p - d));
		if (r != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
		p = nl + 1;
	}
	return rc;
}

static const char *const dpkg_types[] = { "dpkg:line", NULL };
static const char *const dpkg_artifacts[] = { "DebianPackagesLogFiles",
	NULL };

const tri_parser tri_parser_dpkg = {
	"dpkg",
	"dpkg.log (package installs, removals, status changes)",
	dpkg_types,
	dpkg_artifacts,
	dpkg_match,
	dpkg_parse,
};

/* apt history.log */

static int
apt_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	const char *p = (const char *)head;

	(void)size;
	(void)name;
	while (len > 0 && (*p == '\n' || *p == '\r')) {
		p++;
		len--;
	}
	if (len < 30 || memcmp(p, "Start-Date: ", 12) != 0)
		return 0;
	return 85;
}

struct apt_block {
	int64_t		start, end;
	int		have_start, have_end;
	uint64_t	off;
	const char	*key[16], *val[16];
	size_t		kl[16], vl[16], n;
};

static int
apt_emit(tri_parse_ctx *ctx, const tri_tz *tz, struct apt_block *b)
{
	static const char *const map[][2] = { { "Commandline", "command" },
		{ "Requested-By", "requester" }, { "Error", "error" },
		{ "Install", "install" }, { "Upgrade", "upgrade" },
		{ "Remove", "remove" }, { "Purge", "purge" },
		{ "Downgrade", "downgrade" }, { "Reinstall", "reinstall" } };
	char key[64], endbuf[TR_TIME_STR_MAX];
	const char *action = NULL;
	size_t i, m;
	tr_rec *ev;
	tr_time t = tri_time(tri_tz_to_utc(tz, b->start), 0, 0), te;
	int r = 0;

	if ((ev = tri_event_new(ctx, "apt:history:line", &t, "Start Time")) ==
	    NULL)
		return TR_ENOMEM;
	for (i = 0; i < b->n; i++) {
		const char *k = NULL;
		int found = -1;

		for (m = 0; m < sizeof(map) / sizeof(map[0]); m++)
			if (strlen(map[m][0]) == b->kl[i] &&
			    memcmp(map[m][0], b->key[i], b->kl[i]) == 0) {
				k = map[m][1];
				found = (int)m;
			}
		if (k == NULL) {
			size_t j, n = b->kl[i] < sizeof(key) - 1 ? b->kl[i] :
			    sizeof(key) - 1;

			for (j = 0; j < n; j++)
				key[j] = b->key[i][j] == '-' ? '_' :
				    (char)(b->key[i][j] | 0x20);
			key[n] = '\0';
			k = key;
		}
		if (found >= 3 && action == NULL)
			action = map[found][0];
		r |= tr_rec_set_text(ev, k, b->val[i], b->vl[i]);
	}
	if (b->have_end) {
		te = tri_time(tri_tz_to_utc(tz, b->end), 0, 0);
		r |= tr_rec_set_str(ev, "end_time",
		    tr_time_format(&te, endbuf));
	}
	for (i = 0; i < b->n; i++)
		if (b->kl[i] == 11 && memcmp(b->key[i], "Commandline", 11) == 0)
			break;
	r |= tri_event_message(ev, "%s%s%.*s", action != NULL ? action : "",
	    action != NULL && i < b->n ? ": " : "", i < b->n ?
	    (int)b->vl[i] : 0, i < b->n ? b->val[i] : "");
	r |= tr_rec_set_str(ev, "timezone", tri_tz_name(tz));
	r |= tr_rec_set_uint(ev, "offset", b->off);
	if (r != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

/* "2019-07-10  16:38:08" (two spaces) to wall-clock seconds. */
static int
apt_time(const char *p, size_t n, int64_t *sec)
{
	uint32_t ns;
	int digits, off;

	return tri_iso_time(p, n, sec, &ns, &digits, &off) != 0;
}

static int
apt_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const tri_tz *tz = tri_tz_of(ctx);
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *nl;
	const char *c;
	struct apt_block b;
	size_t ln, bad = 0;
	int rc = TR_OK, in = 0;

	memset(&b, 0, sizeof(b));
	while (p < e && rc == TR_OK) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		ln = (size_t)(nl - p);
		if (ln > 0 && p[ln - 1] == '\r')
			ln--;
		if (ln > 12 && memcmp(p, "Start-Date: ", 12) == 0) {
			if (in && b.have_start)
				rc = apt_emit(ctx, tz, &b);
			memset(&b, 0, sizeof(b));
			in = 1;
			b.off = (uint64_t)(p - d);
			b.have_start = apt_time(p + 12, ln - 12, &b.start);
			if (!b.have_start) {
				tri_parse_warn(ctx, b.off, "bad Start-Date: "
				    "block skipped");
				tri_parse_lost(ctx);
			}
		} else if (ln > 10 && memcmp(p, "End-Date: ", 10) == 0 && in) {
			b.have_end = apt_time(p + 10, ln - 10, &b.end);
			if (b.have_start)
				rc = apt_emit(ctx, tz, &b);
			in = 0;
		} else if (ln > 0 && in && (c = memchr(p, ':', ln)) != NULL &&
		    c + 1 < p + ln && c[1] == ' ' && b.n < 16) {
			b.key[b.n] = p;
			b.kl[b.n] = (size_t)(c - p);
			b.val[b.n] = c + 2;
			b.vl[b.n] = ln - (size_t)(c + 2 - p);
			b.n++;
		} else if (ln > 0) {
			if (bad++ < WARN_LINES)
				tri_parse_warn(ctx, (uint64_t)(p - d),
				    "not an apt history line: skipped");
			tri_parse_lost(ctx);
		}
		p = nl + 1;
	}
	if (rc == TR_OK && in && b.have_start) {
		tri_parse_warn(ctx, b.off, "last block has no End-Date");
		rc = apt_emit(ctx, tz, &b);
	}
	return rc;
}

static const char *const apt_types[] = { "apt:history:line", NULL };
static const char *const apt_artifacts[] = { "AptHistoryLogFiles", NULL };

const tri_parser tri_parser_apt_history = {
	"apt_history",
	"apt history.log (one event per run: command, packages, requester)",
	apt_types,
	apt_artifacts,
	apt_match,
	apt_parse,
};
