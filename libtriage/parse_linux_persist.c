/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What persists on a Linux system, as events at the file's modification
 * time (the files hold no times of their own): crontab entries (user
 * crontabs, and /etc/crontab and /etc/cron.d with their user column),
 * systemd unit files, SSH authorized_keys entries (type, SHA256
 * fingerprint as ssh-keygen -l prints it, options, comment), /etc/passwd
 * accounts; and /etc/shadow, whose last-password-change day is a time of
 * its own.
 */
#include "internal.h"
#include "parse_linux.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARN_LINES	20

static int
binary(const uint8_t *p, size_t n)
{
	return memchr(p, 0, n) != NULL;
}

/* Next line of [*p, e): its start and length (no "\n", no "\r"). */
static int
next_line(const char **p, const char *e, const char **ls, size_t *ll)
{
	const char *nl;

	if (*p >= e)
		return 0;
	if ((nl = memchr(*p, '\n', (size_t)(e - *p))) == NULL)
		nl = e;
	*ls = *p;
	*ll = (size_t)(nl - *p);
	if (*ll > 0 && (*ls)[*ll - 1] == '\r')
		(*ll)--;
	*p = nl + 1;
	return 1;
}

static int
blank_or_comment(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i == n || p[i] == '#';
}

/* The file's time, or a warning. */
static int
file_time(tri_parse_ctx *ctx, const tr_artifact *a, tr_time *t)
{
	if (!tr_time_isset(&a->mtime)) {
		tri_parse_warn(ctx, UINT64_MAX, "no modification time: entries "
		    "not written");
		tri_parse_lost(ctx);
		return 0;
	}
	*t = a->mtime;
	return 1;
}

/* crontab */

/* Up to max space-separated fields of p: starts and lengths; count. */
static size_t
fields(const char *p, size_t n, const char **f, size_t *fl, size_t max)
{
	size_t i = 0, k = 0;

	while (k < max) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n)
			break;
		f[k] = p + i;
		if (k == max - 1) {	/* the rest */
			fl[k++] = n - i;
			break;
		}
		while (i < n && p[i] != ' ' && p[i] != '\t')
			i++;
		fl[k] = (size_t)(p + i - f[k]);
		k++;
	}
	return k;
}

static int
cron_time_field(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || p[i] == '*' ||
		    p[i] == ',' || p[i] == '-' || p[i] == '/' ||
		    (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' &&
		    p[i] <= 'Z')))
			return 0;
	/* names only as a whole (jan, mon...) */
	return 1;
}

/* 0 not an entry; 5 "m h dom mon dow"; 1 "@reboot" etc. */
static int
cron_sched(const char **f, const size_t *fl, size_t k)
{
	static const char *const at[] = { "@reboot", "@yearly", "@annually",
		"@monthly", "@weekly", "@daily", "@midnight", "@hourly", NULL };
	size_t i;

	if (k >= 2 && fl[0] > 1 && f[0][0] == '@') {
		for (i = 0; at[i] != NULL; i++)
			if (strlen(at[i]) == fl[0] &&
			    memcmp(at[i], f[0], fl[0]) == 0)
				return 1;
		return 0;
	}
	if (k < 6)
		return 0;
	for (i = 0; i < 5; i++)
		if (!cron_time_field(f[i], fl[i]))
			return 0;
	/* at least one field must look numeric or '*' */
	for (i = 0; i < 5; i++)
		if (f[i][0] == '*' || (f[i][0] >= '0' && f[i][0] <= '9'))
			return 5;
	return 0;
}

/* NAME=value */
static int
cron_env(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && (p[i] == '_' || (p[i] >= 'A' && p[i] <= 'Z') ||
	    (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9'));
	    i++)
		;
	while (i < n && p[i] == ' ')
		i++;
	return i > 0 && i < n && p[i] == '=';
}

static int
crontab_match(const uint8_t *head, size_t len, uint64_t size,
    const char *name)
{
	const char *p = (const char *)head, *e = p + len, *ls, *f[7];
	size_t ll, fl[7], k;
	int entries = 0;

	(void)size;
	if (len == 0 || binary(head, len))
		return 0;
	while (next_line(&p, e, &ls, &ll)) {
		if (p > e && len >= 4096)
			break;			/* cut line of the head */
		if (blank_or_comment(ls, ll) || cron_env(ls, ll))
			continue;
		k = fields(ls, ll, f, fl, 7);
		if (cron_sched(f, fl, k) == 0)
			return 0;
		entries++;
	}
	if (entries == 0)
		return 0;
	return name != NULL && strcmp(name, "crontab") == 0 ? 60 : 40;
}

static int
crontab_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *ls;
	const char *f[7];
	size_t ll, fl[7], k, ns, cmd;
	int sys, rc = TR_OK, r, s;
	tr_rec *ev;
	tr_time t;

	if (!file_time(ctx, a, &t))
		return TR_OK;
	/* /etc/crontab and /etc/cron.d/ have a user column. */
	sys = (a->name != NULL && strcmp(a->name, "crontab") == 0 &&
	    a->path != NULL && strstr(a->path, "/spool/") == NULL) ||
	    (a->path != NULL && strstr(a->path, "cron.d/") != NULL);
	while (rc == TR_OK && next_line(&p, e, &ls, &ll)) {
		if (blank_or_comment(ls, ll) || cron_env(ls, ll))
			continue;
		k = fields(ls, ll, f, fl, 7);
		if ((s = cron_sched(f, fl, k)) == 0) {
			tri_parse_warn(ctx, (uint64_t)(ls - d), "not a crontab "
			    "entry: skipped");
			tri_parse_lost(ctx);
			continue;
		}
		ns = (size_t)s;
		cmd = ns + (sys ? 1 : 0);
		if (k <= cmd) {
			/* re-split: the command is the rest after user */
			tri_parse_warn(ctx, (uint64_t)(ls - d), "crontab entry "
			    "without a command: skipped");
			tri_parse_lost(ctx);
			continue;
		}
		/* the command is everything after the schedule (and user) */
		k = fields(ls, ll, f, fl, cmd + 1);
		if ((ev = tri_event_new(ctx, "linux:cron:entry", &t,
		    "File Modification Time")) == NULL)
			return TR_ENOMEM;
		r = tri_event_message(ev, "%.*s", (int)ll, ls);
		r |= tr_rec_set_text(ev, "schedule", f[0],
		    (size_t)(f[ns - 1] + fl[ns - 1] - f[0]));
		if (sys)
			r |= tr_rec_set_text(ev, "username", f[ns], fl[ns]);
		r |= tr_rec_set_text(ev, "command", f[cmd], fl[cmd]);
		r |= tr_rec_set_uint(ev, "offset", (uint64_t)(ls - d));
		if (r != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
	}
	return rc;
}

static const char *const crontab_types[] = { "linux:cron:entry", NULL };
static const char *const crontab_artifacts[] = { "LinuxCronTabs", NULL };

const tri_parser tri_parser_crontab = {
	"crontab",
	"crontab files (user, /etc/crontab, /etc/cron.d): one event per entry "
	    "at the file's modification time",
	crontab_types,
	crontab_artifacts,
	crontab_match,
	crontab_parse,
};

/* systemd unit files */

static const char *const unit_ext[] = { ".service", ".timer", ".socket",
	".path", ".mount", ".target", ".automount", NULL };

static int
unit_named(const char *name)
{
	size_t i, n, l;

	if (name == NULL)
		return 0;
	n = strlen(name);
	for (i = 0; unit_ext[i] != NULL; i++) {
		l = strlen(unit_ext[i]);
		if (n > l && strcmp(name + n - l, unit_ext[i]) == 0)
			return 1;
	}
	return 0;
}

static int
unit_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	(void)size;
	if (!unit_named(name) || binary(head, len))
		return 0;
	if (memmem(head, len, "[Unit]", 6) == NULL &&
	    memmem(head, len, "[Service]", 9) == NULL &&
	    memmem(head, len, "[Timer]", 7) == NULL &&
	    memmem(head, len, "[Socket]", 8) == NULL &&
	    memmem(head, len, "[Install]", 9) == NULL)
		return 0;
	return 70;
}

static int
unit_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	static const char *const keys[][2] = {
		{ "Description", "description" }, { "ExecStart", "exec_start" },
		{ "ExecStartPre", "exec_start_pre" },
		{ "ExecStop", "exec_stop" }, { "User", "user" },
		{ "Group", "group" }, { "Type", "service_type" },
		{ "WantedBy", "wanted_by" }, { "OnCalendar", "on_calendar" },
		{ "OnBootSec", "on_boot_sec" },
		{ "OnUnitActiveSec", "on_unit_active_sec" },
		{ "ListenStream", "listen_stream" }, { "Unit", "unit_target" },
		{ "Environment", "environment" }, { "Restart", "restart" } };
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *ls;
	const char *eq, *x0 = NULL;
	char key[64];
	size_t ll, i, kl, x0l = 0;
	tr_rec *ev, *arr;
	tr_time t;
	int r = 0;

	if (!file_time(ctx, a, &t))
		return TR_OK;
	if ((ev = tri_event_new(ctx, "linux:systemd:unit", &t,
	    "File Modification Time")) == NULL)
		return TR_ENOMEM;
	r |= tr_rec_set_str(ev, "unit", a->name);
	while (r == 0 && next_line(&p, e, &ls, &ll)) {
		if (blank_or_comment(ls, ll) || ls[0] == '[' ||
		    (eq = memchr(ls, '=', ll)) == NULL)
			continue;
		kl = (size_t)(eq - ls);
		while (kl > 0 && ls[kl - 1] == ' ')
			kl--;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			const char *v = eq + 1, *ve = ls + ll;

			if (strlen(keys[i][0]) != kl ||
			    memcmp(keys[i][0], ls, kl) != 0)
				continue;
			while (v < ve && *v == ' ')
				v++;
			snprintf(key, sizeof(key), "%s", keys[i][1]);
			if (strncmp(key, "exec_", 5) != 0) {
				r |= tr_rec_set_text(ev, key, v,
				    (size_t)(ve - v));
				break;
			}
			/* Exec lines may repeat: an array. */
			if ((arr = tr_rec_get_rec(ev, key)) == NULL) {
				if ((arr = tr_rec_new_array()) == NULL ||
				    tr_rec_set_rec(ev, key, arr) != TR_OK) {
					r = 1;
					break;
				}
			}
			{
				char *s = strndup(v, (size_t)(ve - v));

				r |= s == NULL ? 1 : tr_rec_append_str(arr, s);
				free(s);
			}
			if (x0 == NULL && strcmp(key, "exec_start") == 0) {
				x0 = v;
				x0l = (size_t)(ve - v);
			}
			break;
		}
	}
	{
		const char *desc = tr_rec_get_str(ev, "description");

		r |= tri_event_message(ev, "systemd unit %s%s%s%s%s%.*s",
		    a->name, desc != NULL ? " (" : "", desc != NULL ? desc : "",
		    desc != NULL ? ")" : "", x0 != NULL ? ": runs " : "",
		    (int)x0l, x0 != NULL ? x0 : "");
	}
	if (r != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

static const char *const unit_types[] = { "linux:systemd:unit", NULL };
static const char *const unit_artifacts[] = { "LinuxSystemdServices", NULL };

const tri_parser tri_parser_systemd_unit = {
	"systemd_unit",
	"systemd unit files (.service, .timer, .socket...): what they run, at "
	    "the file's modification time",
	unit_types,
	unit_artifacts,
	unit_match,
	unit_parse,
};

/* authorized_keys */

static const char *const key_types[] = { "ssh-rsa", "ssh-ed25519",
	"ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com", "ssh-rsa-cert-v01@openssh.com",
	"ssh-ed25519-cert-v01@openssh.com", NULL };

static int
key_type_at(const char *p, size_t n)
{
	size_t i, l;

	for (i = 0; key_types[i] != NULL; i++) {
		l = strlen(key_types[i]);
		if (n > l && memcmp(p, key_types[i], l) == 0 && p[l] == ' ')
			return (int)l;
	}
	return 0;
}

/*
 * Where the key type starts: at 0, or after an options field (which may
 * hold quoted spaces).  -1 when the line is no key.
 */
static ssize_t
key_start(const char *p, size_t n)
{
	size_t i = 0;
	int q = 0;

	if (key_type_at(p, n))
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '"' && (i == 0 || p[i - 1] != '\\'))
			q = !q;
		else if (p[i] == ' ' && !q)
			break;
	}
	while (i < n && p[i] == ' ')
		i++;
	return i < n && key_type_at(p + i, n - i) ? (ssize_t)i : -1;
}

static int
key_ok(const char *p, size_t n)
{
	return blank_or_comment(p, n) || key_start(p, n) >= 0;
}

static int
akeys_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	static const char *const nm[] = { "authorized_keys",
		"authorized_keys2", NULL };
	size_t good, total;

	(void)size;
	if (binary(head, len))
		return 0;
	good = tri_lines_ok(head, len, key_ok, &total);
	if (good == 0 || good * 10 < total * 9)
		return 0;
	return tri_name_is(name, nm) ? 90 : 50;
}

/* base64 to bytes: length, or -1. */
static ssize_t
unbase64(const char *s, size_t n, uint8_t *out)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0, c;

	for (i = 0; i < n; i++) {
		if (s[i] == '=')
			break;
		if (s[i] >= 'A' && s[i] <= 'Z')
			c = s[i] - 'A';
		else if (s[i] >= 'a' && s[i] <= 'z')
			c = s[i] - 'a' + 26;
		else if (s[i] >= '0' && s[i] <= '9')
			c = s[i] - '0' + 52;
		else if (s[i] == '+')
			c = 62;
		else if (s[i] == '/')
			c = 63;
		else
			return -1;
		acc = acc << 6 | (uint32_t)c;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return (ssize_t)o;
}

/* "SHA256:" + unpadded base64 of SHA-256(blob), as ssh-keygen -l. */
static int
fingerprint(const char *b64, size_t n, char *fp, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";
	uint8_t *blob, md[32];
	unsigned mdl = 0;
	ssize_t bl;
	size_t i, o;

	if ((blob = malloc(n)) == NULL)
		return -1;
	bl = unbase64(b64, n, blob);
	if (bl <= 0 || EVP_Digest(blob, (size_t)bl, md, &mdl, EVP_sha256(),
	    NULL) != 1) {
		free(blob);
		return -1;
	}
	free(blob);
	o = (size_t)snprintf(fp, len, "SHA256:");
	for (i = 0; i < 32 && o + 5 < len; i += 3) {
		uint32_t v = (uint32_t)md[i] << 16 |
		    (i + 1 < 32 ? (uint32_t)md[i + 1] << 8 : 0) |
		    (i + 2 < 32 ? md[i + 2] : 0);

		fp[o++] = tab[v >> 18 & 63];
		fp[o++] = tab[v >> 12 & 63];
		if (i + 1 < 32)
			fp[o++] = tab[v >> 6 & 63];
		if (i + 2 < 32)
			fp[o++] = tab[v & 63];
	}
	fp[o] = '\0';
	return 0;
}

static int
akeys_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *ls;
	const char *kt, *kb, *c;
	char fp[64];
	size_t ll, ktl, kbl;
	ssize_t ks;
	tr_rec *ev;
	tr_time t;
	int rc = TR_OK, r;

	if (!file_time(ctx, a, &t))
		return TR_OK;
	while (rc == TR_OK && next_line(&p, e, &ls, &ll)) {
		if (blank_or_comment(ls, ll))
			continue;
		if ((ks = key_start(ls, ll)) < 0) {
			tri_parse_warn(ctx, (uint64_t)(ls - d), "not an "
			    "authorized_keys entry: skipped");
			tri_parse_lost(ctx);
			continue;
		}
		kt = ls + ks;
		ktl = (size_t)key_type_at(kt, ll - (size_t)ks);
		kb = kt + ktl;
		while (kb < ls + ll && *kb == ' ')
			kb++;
		for (c = kb; c < ls + ll && *c != ' '; c++)
			;
		kbl = (size_t)(c - kb);
		while (c < ls + ll && *c == ' ')
			c++;
		if ((ev = tri_event_new(ctx, "linux:ssh:authorized_key", &t,
		    "File Modification Time")) == NULL)
			return TR_ENOMEM;
		r = tr_rec_set_text(ev, "key_type", kt, ktl);
		if (fingerprint(kb, kbl, fp, sizeof(fp)) == 0)
			r |= tr_rec_set_str(ev, "fingerprint", fp);
		else {
			tri_parse_warn(ctx, (uint64_t)(kb - d), "key is not "
			    "base64");
			fp[0] = '\0';
		}
		if (c < ls + ll)
			r |= tr_rec_set_text(ev, "comment", c,
			    (size_t)(ls + ll - c));
		if (ks > 0) {
			size_t ol = (size_t)ks;

			while (ol > 0 && ls[ol - 1] == ' ')
				ol--;
			r |= tr_rec_set_text(ev, "options", ls, ol);
		}
		r |= tri_event_message(ev, "authorized key %.*s %s %.*s",
		    (int)ktl, kt, fp, (int)(ls + ll - c), c);
		r |= tr_rec_set_uint(ev, "offset", (uint64_t)(ls - d));
		if (r != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
	}
	return rc;
}

static const char *const akeys_types[] = { "linux:ssh:authorized_key",
	NULL };
static const char *const akeys_artifacts[] = { "SshAuthorizedKeysFiles",
	NULL };

const tri_parser tri_parser_authorized_keys = {
	"authorized_keys",
	"SSH authorized_keys: each key (type, SHA256 fingerprint, options, "
	    "comment) at the file's modification time",
	akeys_types,
	akeys_artifacts,
	akeys_match,
	akeys_parse,
};

/* /etc/passwd and /etc/shadow */

/* Split a colon line into up to max fields; count. */
static size_t
colons(const char *p, size_t n, const char **f, size_t *fl, size_t max)
{
	size_t k = 0;
	const char *s = p, *e = p + n, *c;

	while (k < max) {
		c = memchr(s, ':', (size_t)(e - s));
		f[k] = s;
		fl[k] = (size_t)((c != NULL ? c : e) - s);
		k++;
		if (c == NULL)
			return k;
		s = c + 1;
	}
	return k + 1;		/* too many */
}

static int
num(const char *p, size_t n)
{
	return n > 0 && n < 12 && tri_digits(p, n) >= 0;
}

static int
passwd_ok(const char *p, size_t n)
{
	const char *f[8];
	size_t fl[8];

	return colons(p, n, f, fl, 7) == 7 && fl[0] > 0 && num(f[2], fl[2]) &&
	    num(f[3], fl[3]);
}

static int
shadow_ok(const char *p, size_t n)
{
	const char *f[10];
	size_t fl[10];

	return colons(p, n, f, fl, 9) == 9 && fl[0] > 0 &&
	    (fl[2] == 0 || num(f[2], fl[2]));
}

static int
colon_match(const uint8_t *head, size_t len, int (*ok)(const char *, size_t),
    const char *name, const char *want)
{
	size_t good, total;

	if (binary(head, len))
		return 0;
	good = tri_lines_ok(head, len, ok, &total);
	if (good == 0 || good < total)
		return 0;
	return name != NULL && (strcmp(name, want) == 0 ||
	    (strncmp(name, want, strlen(want)) == 0 &&
	    name[strlen(want)] == '-')) ? 80 : 30;
}

static int
passwd_match(const uint8_t *head, size_t len, uint64_t size,
    const char *name)
{
	(void)size;
	return colon_match(head, len, passwd_ok, name, "passwd");
}

static int
shadow_match(const uint8_t *head, size_t len, uint64_t size,
    const char *name)
{
	(void)size;
	return colon_match(head, len, shadow_ok, name, "shadow");
}

static int
passwd_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *ls;
	const char *f[8];
	size_t ll, fl[8];
	tr_rec *ev;
	tr_time t;
	int rc = TR_OK, r;

	if (!file_time(ctx, a, &t))
		return TR_OK;
	while (rc == TR_OK && next_line(&p, e, &ls, &ll)) {
		if (ll == 0)
			continue;
		if (!passwd_ok(ls, ll)) {
			tri_parse_warn(ctx, (uint64_t)(ls - d), "not a passwd "
			    "line: skipped");
			tri_parse_lost(ctx);
			continue;
		}
		colons(ls, ll, f, fl, 7);
		if ((ev = tri_event_new(ctx, "linux:passwd:account", &t,
		    "File Modification Time")) == NULL)
			return TR_ENOMEM;
		r = tri_event_message(ev, "account %.*s uid %.*s shell %.*s",
		    (int)fl[0], f[0], (int)fl[2], f[2], (int)fl[6], f[6]);
		r |= tr_rec_set_text(ev, "username", f[0], fl[0]);
		r |= tr_rec_set_int(ev, "uid", tri_digits(f[2], fl[2]));
		r |= tr_rec_set_int(ev, "gid", tri_digits(f[3], fl[3]));
		r |= tr_rec_set_text(ev, "gecos", f[4], fl[4]);
		r |= tr_rec_set_text(ev, "home", f[5], fl[5]);
		r |= tr_rec_set_text(ev, "shell", f[6], fl[6]);
		r |= tr_rec_set_uint(ev, "offset", (uint64_t)(ls - d));
		if (r != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
	}
	return rc;
}

static const char *const passwd_types[] = { "linux:passwd:account", NULL };
static const char *const passwd_artifacts[] = { "LinuxPasswdFile", NULL };

const tri_parser tri_parser_passwd = {
	"passwd",
	"/etc/passwd accounts at the file's modification time",
	passwd_types,
	passwd_artifacts,
	passwd_match,
	passwd_parse,
};

static int
shadow_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	static const char *const nk[] = { NULL, NULL, NULL, "minimum_days",
		"maximum_days", "warning_days", "inactive_days",
		"expiration_day", NULL };
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *ls;
	const char *f[10], *status;
	char alg[16];
	size_t ll, fl[10], i;
	tr_rec *ev;
	tr_time t;
	int rc = TR_OK, r;

	while (rc == TR_OK && next_line(&p, e, &ls, &ll)) {
		if (ll == 0)
			continue;
		if (!shadow_ok(ls, ll)) {
			tri_parse_warn(ctx, (uint64_t)(ls - d), "not a shadow "
			    "line: skipped");
			tri_parse_lost(ctx);
			continue;
		}
		colons(ls, ll, f, fl, 9);
		if (fl[2] == 0)
			continue;	/* no last-change day: no time */
		t = tri_time(tri_digits(f[2], fl[2]) * 86400, 0, 0);
		if ((ev = tri_event_new(ctx, "linux:shadow:entry", &t,
		    "Last Password Change")) == NULL)
			return TR_ENOMEM;
		/* Never the hash itself: its kind. */
		alg[0] = '\0';
		if (fl[1] == 0)
			status = "no password";
		else if (f[1][0] == '!' || f[1][0] == '*')
			status = "locked";
		else
			status = "set";
		if (fl[1] > 3 && f[1][f[1][0] == '!' ? 1 : 0] == '$') {
			const char *h = f[1] + (f[1][0] == '!' ? 1 : 0);
			const char *q = memchr(h + 1, '$', fl[1] - 1 -
			    (size_t)(h - f[1]));

			if (q != NULL && (size_t)(q - h) + 1 < sizeof(alg))
				snprintf(alg, sizeof(alg), "%.*s",
				    (int)(q - h + 1), h);
		}
		r = tri_event_message(ev, "password of %.*s last changed "
		    "(%s%s%s)", (int)fl[0], f[0], status, alg[0] ? ", " : "",
		    alg);
		r |= tr_rec_set_text(ev, "username", f[0], fl[0]);
		r |= tr_rec_set_str(ev, "password_status", status);
		if (alg[0] != '\0')
			r |= tr_rec_set_str(ev, "hash_type", alg);
		for (i = 3; i < 8; i++)
			if (fl[i] > 0 && num(f[i], fl[i]))
				r |= tr_rec_set_int(ev, nk[i],
				    tri_digits(f[i], fl[i]));
		r |= tr_rec_set_uint(ev, "offset", (uint64_t)(ls - d));
		if (r != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
	}
	return rc;
}

static const char *const shadow_types[] = { "linux:shadow:entry", NULL };
static const char *const shadow_artifacts[] = { "LinuxShadowFile", NULL };

const tri_parser tri_parser_shadow = {
	"shadow",
	"/etc/shadow: each account's last password change (never the hash)",
	shadow_types,
	shadow_artifacts,
	shadow_match,
	shadow_parse,
};
