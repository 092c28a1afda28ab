/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Messages of sshd, sudo, su, cron, PAM and the shadow tools (useradd,
 * groupadd, usermod, userdel, passwd) as their own data types.  Names
 * follow plaso where plaso has them (syslog:ssh:*, syslog:cron:task_run)
 * and EVENTS.md (linux:sudo:command); the others are ours, in the same
 * style, and listed in triage-records(5).
 */
#include "internal.h"
#include "parse_syslog_auth.h"

#include <string.h>

struct cur {
	const char	*p, *end;
};

static int
lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

static void
spaces(struct cur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

/* A run of non-space bytes (at least one). */
static int
word(struct cur *c, const char **w, size_t *wl)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p != ' ')
		c->p++;
	*w = s;
	*wl = (size_t)(c->p - s);
	return *wl > 0;
}

static int
number(struct cur *c, int64_t *v)
{
	int64_t n = 0;
	const char *s = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' &&
	    c->p - s < 18)
		n = n * 10 + (*c->p++ - '0');
	*v = n;
	return c->p > s;
}

static void
put(struct tri_auth *a, const char *key, const char *val, size_t len)
{
	if (a->n < TRI_KV_MAX) {
		a->kv[a->n].key = key;
		a->kv[a->n].val = val;
		a->kv[a->n].len = len;
		a->n++;
	}
}

static void
puti(struct tri_auth *a, const char *key, int64_t v)
{
	if (a->n < TRI_KV_MAX) {
		a->kv[a->n].key = key;
		a->kv[a->n].val = NULL;
		a->kv[a->n].ival = v;
		a->n++;
	}
}

static int
rep_is(const char *r, size_t rl, const char *s)
{
	return rl == strlen(s) && memcmp(r, s, rl) == 0;
}

/* "... from ADDR port PORT[ ssh2[: FINGERPRINT]]" */
static int
from_port(struct cur *c, struct tri_auth *a)
{
	const char *w;
	size_t wl;
	int64_t port;

	if (!lit(c, "from ") || !word(c, &w, &wl))
		return 0;
	put(a, "address", w, wl);
	spaces(c);
	if (lit(c, "port ") && number(c, &port))
		puti(a, "port", port);
	spaces(c);
	if (word(c, &w, &wl)) {
		if (w[wl - 1] == ':')
			wl--;
		put(a, "protocol", w, wl);
		spaces(c);
		if (c->p < c->end)
			put(a, "fingerprint", c->p, (size_t)(c->end - c->p));
	}
	return 1;
}

static int
sshd(struct cur *c, struct tri_auth *a)
{
	const char *body = c->p;
	const char *w;
	size_t wl;
	int64_t port;

	if (lit(c, "Accepted ") || lit(c, "Failed ")) {
		a->data_type = *body == 'A' ? "syslog:ssh:login" :
		    "syslog:ssh:failed_connection";
		if (!word(c, &w, &wl))
			return 0;
		put(a, "authentication_method", w, wl);
		spaces(c);
		if (!lit(c, "for "))
			return 0;
		if (lit(c, "invalid user "))
			puti(a, "invalid_user", 1);
		if (!word(c, &w, &wl))
			return 0;
		put(a, "username", w, wl);
		spaces(c);
		return from_port(c, a);
	}
	if (lit(c, "Invalid user ")) {
		a->data_type = "syslog:ssh:invalid_user";
		if (lit(c, "from ")) {		/* empty user name */
			put(a, "username", "", 0);
			c->p -= 5;
		} else if (word(c, &w, &wl)) {
			put(a, "username", w, wl);
			spaces(c);
		}
		return from_port(c, a);
	}
	if (lit(c, "Connection from ")) {
		a->data_type = "syslog:ssh:opened_connection";
		if (!word(c, &w, &wl))
			return 0;
		put(a, "address", w, wl);
		spaces(c);
		if (lit(c, "port ") && number(c, &port))
			puti(a, "port", port);
		return 1;
	}
	return 0;
}

static int
cron(struct cur *c, struct tri_auth *a)
{
	const char *u;
	const char *e;

	if (!lit(c, "("))
		return 0;
	u = c->p;
	while (c->p < c->end && *c->p != ')')
		c->p++;
	if (c->p == c->end)
		return 0;
	e = c->p;
	c->p++;
	if (!lit(c, " CMD ("))
		return 0;
	a->data_type = "syslog:cron:task_run";
	put(a, "username", u, (size_t)(e - u));
	e = c->end;
	if (e > c->p && e[-1] == ')')
		e--;
	put(a, "command", c->p, (size_t)(e - c->p));
	return 1;
}

/* "  alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls" */
static int
sudo(struct cur *c, struct tri_auth *a)
{
	const char *s, *seg, *sep;
	size_t n;

	spaces(c);
	s = c->p;
	while (c->p < c->end && *c->p != ' ' && *c->p != ':')
		c->p++;
	if (c->p == s)
		return 0;
	n = (size_t)(c->p - s);
	spaces(c);
	if (!lit(c, ": "))
		return 0;
	a->data_type = "linux:sudo:command";
	put(a, "username", s, n);
	while (c->p < c->end) {
		seg = c->p;
		if (lit(c, "COMMAND=")) {
			put(a, "command", c->p, (size_t)(c->end - c->p));
			return 1;
		}
		sep = memmem(seg, (size_t)(c->end - seg), " ; ", 3);
		n = sep != NULL ? (size_t)(sep - seg) : (size_t)(c->end - seg);
		if (n > 4 && memcmp(seg, "TTY=", 4) == 0)
			put(a, "terminal", seg + 4, n - 4);
		else if (n > 4 && memcmp(seg, "PWD=", 4) == 0)
			put(a, "working_directory", seg + 4, n - 4);
		else if (n > 5 && memcmp(seg, "USER=", 5) == 0)
			put(a, "target_username", seg + 5, n - 5);
		else if (n > 6 && memcmp(seg, "GROUP=", 6) == 0)
			put(a, "target_group", seg + 6, n - 6);
		else if (memchr(seg, '=', n) == NULL)
			put(a, "error", seg, n);
		c->p = sep != NULL ? sep + 3 : c->end;
	}
	return 1;
}

static int
su(struct cur *c, struct tri_auth *a)
{
	const char *w;
	size_t wl;
	int ok = 1;

	if (lit(c, "FAILED SU ") || lit(c, "FAILED su "))
		ok = 0;
	if (lit(c, "(to ")) {
		a->data_type = "linux:su:switch";
		w = c->p;
		while (c->p < c->end && *c->p != ')')
			c->p++;
		put(a, "target_username", w, (size_t)(c->p - w));
		if (!lit(c, ") "))
			return 0;
		if (word(c, &w, &wl))
			put(a, "username", w, wl);
		spaces(c);
		if (lit(c, "on ") && word(c, &w, &wl))
			put(a, "terminal", w, wl);
	} else if (lit(c, "Successful su for ") || lit(c, "for ")) {
		a->data_type = "linux:su:switch";
		if (word(c, &w, &wl))
			put(a, "target_username", w, wl);
		spaces(c);
		if (lit(c, "by ") && word(c, &w, &wl))
			put(a, "username", w, wl);
	} else
		return 0;
	puti(a, "success", ok);
	return 1;
}

/* "name=bob, UID=1001, ..." -> value of key up to ',' */
static int
field(const char *b, size_t bl, const char *key, const char **v, size_t *vl)
{
	const char *p = memmem(b, bl, key, strlen(key)), *e = b + bl, *s;

	if (p == NULL)
		return 0;
	s = p + strlen(key);
	for (p = s; p < e && *p != ','; p++)
		;
	*v = s;
	*vl = (size_t)(p - s);
	return 1;
}

/* 'quoted' name after prefix. */
static int
quoted(struct cur *c, const char **v, size_t *vl)
{
	const char *s;

	if (!lit(c, "'"))
		return 0;
	s = c->p;
	while (c->p < c->end && *c->p != '\'')
		c->p++;
	*v = s;
	*vl = (size_t)(c->p - s);
	return c->p < c->end;
}

static int
account(struct cur *c, struct tri_auth *a)
{
	const char *b = c->p, *v;
	size_t bl = (size_t)(c->end - c->p), vl;
	int64_t n;
	struct cur k;

	if (lit(c, "new user: ")) {
		a->data_type = "linux:account:user_added";
		if (field(b, bl, "name=", &v, &vl))
			put(a, "username", v, vl);
		if (field(b, bl, "UID=", &v, &vl)) {
			k.p = v;
			k.end = v + vl;
			if (number(&k, &n))
				puti(a, "uid", n);
		}
		if (field(b, bl, "GID=", &v, &vl)) {
			k.p = v;
			k.end = v + vl;
			if (number(&k, &n))
				puti(a, "gid", n);
		}
		if (field(b, bl, "home=", &v, &vl))
			put(a, "home", v, vl);
		if (field(b, bl, "shell=", &v, &vl))
			put(a, "shell", v, vl);
		return 1;
	}
	if (lit(c, "new group: ") || lit(c, "group added to ")) {
		a->data_type = "linux:account:group_added";
		if (field(b, bl, "name=", &v, &vl))
			put(a, "group", v, vl);
		if (field(b, bl, "GID=", &v, &vl)) {
			k.p = v;
			k.end = v + vl;
			if (number(&k, &n))
				puti(a, "gid", n);
		}
		return 1;
	}
	if (lit(c, "delete user ")) {
		a->data_type = "linux:account:user_deleted";
		if (quoted(c, &v, &vl))
			put(a, "username", v, vl);
		return 1;
	}
	if (lit(c, "password for ")) {
		a->data_type = "linux:account:password_changed";
		if (quoted(c, &v, &vl))
			put(a, "username", v, vl);
		return 1;
	}
	if (lit(c, "change user ") || lit(c, "add ") || lit(c, "lock user ") ||
	    lit(c, "unlock user ")) {
		a->data_type = "linux:account:user_modified";
		if (quoted(c, &v, &vl))
			put(a, "username", v, vl);
		put(a, "change", b, bl);
		return 1;
	}
	return 0;
}

/* "pam_unix(sshd:session): session opened for user bob(uid=1000) by ..." */
static int
pam(struct cur *c, struct tri_auth *a)
{
	const char *svc, *w, *b = c->p;
	size_t sl, wl, bl = (size_t)(c->end - c->p);

	if (!lit(c, "pam_unix("))
		return 0;
	svc = c->p;
	while (c->p < c->end && *c->p != ':' && *c->p != ')')
		c->p++;
	sl = (size_t)(c->p - svc);
	while (c->p < c->end && *c->p != ' ')
		c->p++;
	spaces(c);
	if (lit(c, "session opened for user ") ||
	    lit(c, "session closed for user ")) {
		a->data_type = "linux:pam:session";
		put(a, "service", svc, sl);
		put(a, "action", c->p[-16] == 'o' ? "opened" : "closed", 6);
		w = c->p;
		while (c->p < c->end && *c->p != ' ' && *c->p != '(')
			c->p++;
		put(a, "username", w, (size_t)(c->p - w));
		while (c->p < c->end && *c->p != ' ')
			c->p++;
		spaces(c);
		if (lit(c, "by ") && word(c, &w, &wl))
			put(a, "by", w, wl);
		return 1;
	}
	if (lit(c, "password changed for ")) {
		a->data_type = "linux:account:password_changed";
		put(a, "service", svc, sl);
		if (word(c, &w, &wl))
			put(a, "username", w, wl);
		return 1;
	}
	if (lit(c, "authentication failure;")) {
		a->data_type = "linux:pam:authentication_failure";
		put(a, "service", svc, sl);
		if (field(b, bl, " rhost=", &w, &wl)) {
			const char *e = memchr(w, ' ', wl);

			if (e != NULL)
				wl = (size_t)(e - w);
			if (wl > 0)
				put(a, "address", w, wl);
		}
		if (field(b, bl, " user=", &w, &wl)) {
			const char *e = memchr(w, ' ', wl);

			if (e != NULL)
				wl = (size_t)(e - w);
			put(a, "username", w, wl);
		}
		return 1;
	}
	return 0;
}

int
tri_auth_classify(const char *reporter, size_t rlen, const char *body,
    size_t blen, struct tri_auth *out)
{
	struct cur c = { body, body + blen };

	out->n = 0;
	out->data_type = NULL;
	if (reporter == NULL || rlen == 0)
		return 0;
	if (rep_is(reporter, rlen, "sshd") && sshd(&c, out))
		return 1;
	out->n = 0;
	c.p = body;
	if ((rep_is(reporter, rlen, "CRON") || rep_is(reporter, rlen, "cron") ||
	    rep_is(reporter, rlen, "crond")) && cron(&c, out))
		return 1;
	out->n = 0;
	c.p = body;
	if (memmem(body, blen, "pam_unix(", 9) == body && pam(&c, out))
		return 1;
	out->n = 0;
	c.p = body;
	if (rep_is(reporter, rlen, "sudo") && sudo(&c, out))
		return 1;
	out->n = 0;
	c.p = body;
	if (rep_is(reporter, rlen, "su") && su(&c, out))
		return 1;
	out->n = 0;
	c.p = body;
	if ((rep_is(reporter, rlen, "useradd") ||
	    rep_is(reporter, rlen, "groupadd") ||
	    rep_is(reporter, rlen, "usermod") ||
	    rep_is(reporter, rlen, "userdel") ||
	    rep_is(reporter, rlen, "passwd") ||
	    rep_is(reporter, rlen, "chpasswd") ||
	    rep_is(reporter, rlen, "adduser")) && account(&c, out))
		return 1;
	out->n = 0;
	out->data_type = NULL;
	return 0;
}

int
tri_auth_set(tr_rec *ev, const struct tri_auth *a)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < a->n; i++) {
		if (a->kv[i].val == NULL) {
			if (strcmp(a->kv[i].key, "success") == 0 ||
			    strcmp(a->kv[i].key, "invalid_user") == 0)
				rc |= tr_rec_set_bool(ev, a->kv[i].key,
				    (int)a->kv[i].ival);
			else
				rc |= tr_rec_set_int(ev, a->kv[i].key,
				    a->kv[i].ival);
		} else
			rc |= tr_rec_set_text(ev, a->kv[i].key, a->kv[i].val,
			    a->kv[i].len);
	}
	return rc != 0 ? TR_ENOMEM : TR_OK;
}
