/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux audit logs (audit.log, SELinux's messages in it): "[node=N ]type=T
 * msg=audit(SEC.MS:SERIAL): key=value ...".  SELinux records (AVC,
 * USER_AVC, SELINUX_ERR...) are selinux:line as plaso names them, every
 * other record linux:audit:event.  The key=value pairs become fields
 * (those that would clash with the event's own keys get "audit_" in
 * front), including the ones inside msg='...'; EXECVE's a0..aN, USER_CMD's
 * cmd and PROCTITLE's proctitle are decoded from hex into command_line.
 */
#include "internal.h"
#include "parse_linux.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARN_LINES	20
#define ARGS_MAX	(1u << 16)

struct aline {
	const char	*node, *type, *body;
	size_t		nl, tl, bl;
	int64_t		sec, serial;
	uint32_t	nsec;
	int		digits;
};

/* 1 when the line is an audit record; fills o. */
static int
audit_line(const char *p, size_t n, struct aline *o)
{
	const char *e = p + n, *q;
	size_t k;

	memset(o, 0, sizeof(*o));
	if (n > 0 && e[-1] == '\r')
		e--;
	if ((size_t)(e - p) > 5 && memcmp(p, "node=", 5) == 0) {
		o->node = p + 5;
		for (q = o->node; q < e && *q != ' '; q++)
			;
		o->nl = (size_t)(q - o->node);
		p = q < e ? q + 1 : e;
	}
	if (e - p < 6 || memcmp(p, "type=", 5) != 0)
		return 0;
	o->type = p + 5;
	for (q = o->type; q < e && *q != ' '; q++)
		;
	o->tl = (size_t)(q - o->type);
	if (o->tl == 0 || e - q < 12 || memcmp(q, " msg=audit(", 11) != 0)
		return 0;
	p = q + 11;
	for (q = p; q < e && *q >= '0' && *q <= '9'; q++)
		;
	if (q == p || q - p > 12 || q >= e || *q != '.')
		return 0;
	o->sec = tri_digits(p, (size_t)(q - p));
	p = ++q;
	for (; q < e && *q >= '0' && *q <= '9'; q++)
		;
	if (q == p || q >= e || *q != ':')
		return 0;
	o->digits = (int)(q - p) > 9 ? 9 : (int)(q - p);
	o->nsec = (uint32_t)tri_digits(p, (size_t)o->digits);
	for (k = (size_t)o->digits; k < 9; k++)
		o->nsec *= 10;
	p = ++q;
	for (; q < e && *q >= '0' && *q <= '9'; q++)
		;
	if (q == p || q - p > 18 || e - q < 2 || q[0] != ')' || q[1] != ':')
		return 0;
	o->serial = tri_digits(p, (size_t)(q - p));
	p = q + 2;
	while (p < e && *p == ' ')
		p++;
	o->body = p;
	o->bl = (size_t)(e - p);
	return 1;
}

static int
audit_ok(const char *p, size_t n)
{
	/* For recognition: the shape, time included or not. */
	return (n > 5 && (memcmp(p, "type=", 5) == 0 ||
	    memcmp(p, "node=", 5) == 0)) ||
	    (n > 10 && memcmp(p, "msg=audit(", 10) == 0);
}

static int
audit_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	size_t good, total;

	(void)size;
	(void)name;
	if (memmem(head, len, " msg=audit(", 11) == NULL)
		return 0;
	good = tri_lines_ok(head, len, audit_ok, &total);
	return good > 0 && good * 10 >= total * 8 ? 85 : 0;
}

static int
is_selinux(const char *t, size_t n)
{
	static const char *const s[] = { "AVC", "USER_AVC", "SELINUX_ERR",
		"USER_SELINUX_ERR", "MAC_POLICY_LOAD", "MAC_STATUS",
		"MAC_CONFIG_CHANGE", NULL };
	size_t i;

	for (i = 0; s[i] != NULL; i++)
		if (strlen(s[i]) == n && memcmp(s[i], t, n) == 0)
			return 1;
	return 0;
}

static int
reserved(const char *k)
{
	static const char *const r[] = { "record", "datetime", "timestamp",
		"timestamp_desc", "time", "message", "data_type", "parser",
		"evidence", "source", "volume", "inode", "path", "offset",
		"body", "audit_type", "serial", "node", "command_line",
		"timezone", NULL };
	size_t i;

	for (i = 0; r[i] != NULL; i++)
		if (strcmp(r[i], k) == 0)
			return 1;
	return 0;
}

/* Even-length upper-case hex (how auditd writes values with spaces). */
static int
hexval(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n % 2 != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') ||
		    (v[i] >= 'A' && v[i] <= 'F')))
			return 0;
	return 1;
}

struct args {
	char	buf[ARGS_MAX];
	size_t	len;
};

static void
args_add(struct args *a, const char *v, size_t n, int hex)
{
	size_t i;
	int c;

	if (a->len > 0 && a->len < sizeof(a->buf))
		a->buf[a->len++] = ' ';
	for (i = 0; i < n && a->len < sizeof(a->buf); i++) {
		if (hex) {
			if (i + 1 >= n)
				break;
			c = tri_hexval(v[i]) << 4 | tri_hexval(v[i + 1]);
			i++;
			a->buf[a->len++] = c == 0 ? ' ' : (char)c;
		} else
			a->buf[a->len++] = v[i];
	}
}

/* key=value pairs of s into ev; depth 1 for the inside of msg='...'. */
static int
pairs(tr_rec *ev, const char *s, const char *e, struct args *cmd, int depth)
{
	char key[64], full[72];
	const char *k, *v, *ve;
	size_t kl, vl;
	int rc = 0, quoted;

	while (s < e && rc == 0) {
		while (s < e && *s == ' ')
			s++;
		k = s;
		while (s < e && *s != '=' && *s != ' ')
			s++;
		if (s >= e || *s != '=') {
			continue;
		}
		kl = (size_t)(s - k);
		v = ++s;
		quoted = 0;
		if (s < e && (*s == '"' || *s == '\'')) {
			char qc = *s;

			v = ++s;
			while (s < e && *s != qc)
				s++;
			ve = s;
			if (s < e)
				s++;
			quoted = qc == '"' ? 1 : 2;
		} else {
			while (s < e && *s != ' ')
				s++;
			ve = s;
		}
		vl = (size_t)(ve - v);
		if (kl == 0 || kl >= sizeof(key))
			continue;
		memcpy(key, k, kl);
		key[kl] = '\0';
		if (quoted == 2 && depth == 0 && strcmp(key, "msg") == 0) {
			rc |= pairs(ev, v, ve, cmd, 1);
			continue;
		}
		if (key[0] == 'a' && key[1] >= '0' && key[1] <= '9' &&
		    strspn(key + 1, "0123456789") == kl - 1)
			args_add(cmd, v, vl, !quoted && hexval(v, vl));
		else if ((strcmp(key, "cmd") == 0 ||
		    strcmp(key, "proctitle") == 0) && cmd->len == 0)
			args_add(cmd, v, vl, !quoted && hexval(v, vl));
		if (reserved(key)) {
			snprintf(full, sizeof(full), "audit_%s", key);
			rc |= tr_rec_set_text(ev, full, v, vl);
		} else if (strcmp(key, "pid") == 0 && !quoted &&
		    vl > 0 && vl < 12 && tri_digits(v, vl) >= 0)
			rc |= tr_rec_set_int(ev, "pid", tri_digits(v, vl));
		else if (!tr_rec_has(ev, key))
			rc |= tr_rec_set_text(ev, key, v, vl);
	}
	return rc;
}

static int
audit_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *nl;
	struct aline o;
	struct args *cmd;
	size_t bad = 0;
	tr_rec *ev;
	tr_time t;
	int rc = TR_OK, r, sel;

	if ((cmd = malloc(sizeof(*cmd))) == NULL)
		return TR_ENOMEM;
	while (p < e && rc == TR_OK) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (!audit_line(p, (size_t)(nl - p), &o)) {
			if (nl > p && !(nl - p == 1 && *p == '\r')) {
				if (bad++ < WARN_LINES)
					tri_parse_warn(ctx, (uint64_t)(p - d),
					    "not an audit record (type and "
					    "msg=audit(SEC.MS:SERIAL)): "
					    "skipped");
				tri_parse_lost(ctx);
			}
			p = nl + 1;
			continue;
		}
		sel = is_selinux(o.type, o.tl);
		t = tri_time(o.sec, o.nsec, o.digits);
		if ((ev = tri_event_new(ctx, sel ? "selinux:line" :
		    "linux:audit:event", &t, "Written Time")) == NULL) {
			free(cmd);
			return TR_ENOMEM;
		}
		cmd->len = 0;
		r = tr_rec_set_text(ev, "audit_type", o.type, o.tl);
		r |= tr_rec_set_int(ev, "serial", o.serial);
		if (o.nl > 0)
			r |= tr_rec_set_text(ev, "node", o.node, o.nl);
		r |= tr_rec_set_text(ev, "body", o.body, o.bl);
		r |= pairs(ev, o.body, o.body + o.bl, cmd, 0);
		if (cmd->len > 0)
			r |= tr_rec_set_text(ev, "command_line", cmd->buf,
			    cmd->len);
		{
			int64_t pid;

			if (tr_rec_get_int(ev, "pid", &pid))
				r |= tri_event_message(ev, "[%.*s, pid: %lld] "
				    "%.*s", (int)o.tl, o.type, (long long)pid,
				    (int)o.bl, o.body);
			else
				r |= tri_event_message(ev, "[%.*s] %.*s",
				    (int)o.tl, o.type, (int)o.bl, o.body);
		}
		r |= tr_rec_set_uint(ev, "offset", (uint64_t)(p - d));
		if (r != 0) {
			tr_rec_free(ev);
			free(cmd);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
		p = nl + 1;
	}
	free(cmd);
	if (bad > WARN_LINES)
		tri_parse_warn(ctx, UINT64_MAX, "%zu lines skipped in all", bad);
	return rc;
}

static const char *const data_types[] = { "linux:audit:event",
	"selinux:line", NULL };
static const char *const artifacts[] = { "LinuxAuditLogs", NULL };

const tri_parser tri_parser_selinux = {
	"selinux",
	"Linux audit logs (audit.log): SELinux records as selinux:line, the "
	    "others (EXECVE, USER_LOGIN, USER_CMD...) as linux:audit:event",
	data_types,
	artifacts,
	audit_match,
	audit_parse,
};
