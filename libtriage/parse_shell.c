/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shell histories: bash (#EPOCH lines from HISTTIMEFORMAT; without them one
 * event at the file's modification time holding the commands in order),
 * zsh extended history (": start:elapsed;command"), fish ("- cmd:" /
 * "when:").
 */
#include "internal.h"
#include "parse_linux.h"

#include <stdlib.h>
#include <string.h>

#define CMD_MAX		(1u << 20)	/* bytes of one command */

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int
binary(const uint8_t *p, size_t n)
{
	return memchr(p, 0, n) != NULL;
}

/* "#1380630977" */
static int
epoch_line(const char *p, size_t n, int64_t *sec)
{
	size_t i;

	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n < 2 || n > 12 || p[0] != '#')
		return 0;
	for (i = 1; i < n; i++)
		if (!isdig(p[i]))
			return 0;
	*sec = tri_digits(p + 1, n - 1);
	return 1;
}

static const char *const bash_names[] = { ".bash_history", "bash_history",
	".sh_history", NULL };

static int
bash_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	const char *p = (const char *)head, *e = p + len, *nl;
	int64_t s;
	int named = tri_name_is(name, bash_names), epochs = 0, cmds = 0,
	    prev_epoch = 0;

	(void)size;
	if (len == 0 || binary(head, len))
		return 0;
	while (p < e && (nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		if (epoch_line(p, (size_t)(nl - p), &s)) {
			if (prev_epoch)
				return named ? 30 : 0;
			epochs++;
			prev_epoch = 1;
		} else {
			cmds++;
			prev_epoch = 0;
		}
		p = nl + 1;
	}
	nl = memchr(head, '\n', len);
	if (epochs > 0 && cmds > 0 && nl != NULL &&
	    epoch_line((const char *)head, (size_t)(nl - (const char *)head),
	    &s))
		return named ? 85 : 55;
	return named && cmds > 0 ? 35 : 0;
}

static int
emit_cmd(tri_parse_ctx *ctx, const char *dt, const tr_time *t,
    const char *desc, const char *cmd, size_t len, uint64_t off)
{
	tr_rec *ev;
	int rc;

	if (len > 0 && cmd[len - 1] == '\r')
		len--;
	if (len > CMD_MAX) {
		tri_parse_warn(ctx, off, "command of %zu bytes cut at %u", len,
		    CMD_MAX);
		len = CMD_MAX;
	}
	if ((ev = tri_event_new(ctx, dt, t, desc)) == NULL)
		return TR_ENOMEM;
	rc = tri_event_message(ev, "Command executed: %.*s", (int)len, cmd);
	rc |= tr_rec_set_text(ev, "command", cmd, len);
	rc |= tr_rec_set_uint(ev, "offset", off);
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

/* Commands without a time: one event at the file's mtime. */
static int
untimed(tri_parse_ctx *ctx, const tr_artifact *a, const char *s,
    const char *e)
{
	const char *p = s, *nl;
	tr_rec *ev, *arr;
	size_t n = 0;
	int rc = 0;

	if (!tr_time_isset(&a->mtime)) {
		tri_parse_warn(ctx, 0, "commands without time stamps and no "
		    "modification time: not read");
		tri_parse_lost(ctx);
		return TR_OK;
	}
	if ((ev = tri_event_new(ctx, "bash:history:entry", &a->mtime,
	    "File Modification Time")) == NULL ||
	    (arr = tr_rec_new_array()) == NULL) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	while (p < e && rc == 0) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (nl > p) {
			char *c = strndup(p, (size_t)(nl - p) > CMD_MAX ?
			    CMD_MAX : (size_t)(nl - p));

			if (c == NULL) {
				rc = TR_ENOMEM;
				break;
			}
			rc |= tr_rec_append_str(arr, c);
			free(c);
			n++;
		}
		p = nl + 1;
	}
	rc |= tri_event_message(ev, "%zu commands without time stamps "
	    "(event at the file's modification time)", n);
	rc |= tr_rec_set_rec(ev, "commands", arr);
	rc |= tr_rec_set_uint(ev, "command_count", n);
	rc |= tr_rec_set_bool(ev, "time_from_file", 1);
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

static int
bash_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *nl;
	const char *cs = NULL, *first = NULL;
	int64_t sec, cur = 0;
	tr_time t;
	int rc = TR_OK, have = 0;

	while (p < e && rc == TR_OK) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (epoch_line(p, (size_t)(nl - p), &sec)) {
			if (have && cs != NULL) {
				t = tri_time(cur, 0, 0);
				rc = emit_cmd(ctx, "bash:history:entry", &t,
				    "Last Time Executed", cs,
				    (size_t)(p - 1 - cs), (uint64_t)(cs - d));
			} else if (!have && first == NULL && p > d)
				first = p;	/* untimed lines before */
			have = 1;
			cur = sec;
			cs = nl < e ? nl + 1 : NULL;
		}
		p = nl + 1;
	}
	if (rc == TR_OK && have && cs != NULL && cs < e) {
		size_t n = (size_t)(e - cs);

		while (n > 0 && cs[n - 1] == '\n')
			n--;
		t = tri_time(cur, 0, 0);
		rc = emit_cmd(ctx, "bash:history:entry", &t,
		    "Last Time Executed", cs, n, (uint64_t)(cs - d));
	}
	if (rc == TR_OK && !have)
		rc = untimed(ctx, a, d, e);
	else if (rc == TR_OK && first != NULL)
		rc = untimed(ctx, a, d, first);
	return rc;
}

static const char *const bash_types[] = { "bash:history:entry", NULL };
static const char *const bash_artifacts[] = { "UnixShellHistoryFile",
	"LinuxBashHistory", NULL };

const tri_parser tri_parser_bash_history = {
	"bash_history",
	"bash history (#EPOCH time stamps; without them one event at the "
	    "file's modification time)",
	bash_types,
	bash_artifacts,
	bash_match,
	bash_parse,
};

/* ": 1457771210:0;command" -> bytes before the command, or 0 */
static size_t
zsh_head(const char *p, size_t n, int64_t *start, int64_t *elapsed)
{
	size_t i = 2, s;

	if (n < 6 || p[0] != ':' || p[1] != ' ')
		return 0;
	for (s = i; i < n && isdig(p[i]) && i - s < 12; i++)
		;
	if (i == s || i >= n || p[i] != ':')
		return 0;
	*start = tri_digits(p + s, i - s);
	for (s = ++i; i < n && isdig(p[i]) && i - s < 12; i++)
		;
	if (i == s || i >= n || p[i] != ';')
		return 0;
	*elapsed = tri_digits(p + s, i - s);
	return i + 1;
}

static int
zsh_ok(const char *p, size_t n)
{
	int64_t a, b;

	return zsh_head(p, n, &a, &b) != 0;
}

static int
zsh_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	int64_t a, b;
	size_t good, total;

	(void)size;
	(void)name;
	if (binary(head, len) || zsh_head((const char *)head, len, &a, &b) ==
	    0)
		return 0;
	good = tri_lines_ok(head, len, zsh_ok, &total);
	return good * 10 >= total * 5 ? 80 : 0;
}

static int
zsh_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *nl;
	const char *ce;
	int64_t start, elapsed;
	size_t k, bad = 0;
	tr_rec *ev;
	tr_time t;
	int rc = TR_OK, r;

	while (p < e && rc == TR_OK) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if ((k = zsh_head(p, (size_t)(nl - p), &start, &elapsed)) ==
		    0) {
			if (nl > p && bad++ < 20)
				tri_parse_warn(ctx, (uint64_t)(p - d), "not a "
				    "zsh history line: skipped");
			if (nl > p)
				tri_parse_lost(ctx);
			p = nl + 1;
			continue;
		}
		/* A line ending in '\' goes on on the next line. */
		ce = nl;
		while (ce < e && ce > p && ce[-1] == '\\' &&
		    (nl = memchr(ce + 1, '\n', (size_t)(e - ce - 1))) != NULL)
			ce = nl;
		if (ce > e)
			ce = e;
		t = tri_time(start, 0, 0);
		if ((ev = tri_event_new(ctx, "shell:zsh:history", &t,
		    "Last Time Executed")) == NULL)
			return TR_ENOMEM;
		r = tri_event_message(ev, "%.*s Time elapsed: %lld seconds",
		    (int)(ce - p - (ptrdiff_t)k), p + k, (long long)elapsed);
		r |= tr_rec_set_text(ev, "command", p + k,
		    (size_t)(ce - p) - k);
		r |= tr_rec_set_int(ev, "elapsed_seconds", elapsed);
		r |= tr_rec_set_uint(ev, "offset", (uint64_t)(p - d));
		if (r != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		rc = tri_parse_emit(ctx, ev);
		p = ce + 1;
	}
	return rc;
}

static const char *const zsh_types[] = { "shell:zsh:history", NULL };
static const char *const zsh_artifacts[] = { "UnixShellHistoryFile", NULL };

const tri_parser tri_parser_zsh_extended_history = {
	"zsh_extended_history",
	"zsh extended history (: start:elapsed;command)",
	zsh_types,
	zsh_artifacts,
	zsh_match,
	zsh_parse,
};

static int
fish_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	(void)size;
	(void)name;
	if (len < 7 || binary(head, len) || memcmp(head, "- cmd: ", 7) != 0)
		return 0;
	return memmem(head, len, "\n  when: ", 9) != NULL || len < 4096 ? 80 :
	    0;
}

/* fish escapes "\\" and "\n" in the command. */
static char *
fish_unescape(const char *s, size_t n, size_t *outlen)
{
	char *o = malloc(n + 1);
	size_t i, k = 0;

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' ||
		    s[i + 1] == '\\')) {
			o[k++] = s[i + 1] == 'n' ? '\n' : '\\';
			i++;
		} else
			o[k++] = s[i];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

static int
fish_entry(tri_parse_ctx *ctx, const char *cmd, size_t cl, int64_t when,
    tr_rec *paths, uint64_t off)
{
	tr_rec *ev;
	tr_time t = tri_time(when, 0, 0);
	char *c;
	size_t n;
	int r;

	if ((c = fish_unescape(cmd, cl, &n)) == NULL ||
	    (ev = tri_event_new(ctx, "fish:history:entry", &t,
	    "Last Time Executed")) == NULL) {
		free(c);
		tr_rec_free(paths);
		return TR_ENOMEM;
	}
	r = tri_event_message(ev, "Command executed: %s", c);
	r |= tr_rec_set_text(ev, "command", c, n);
	free(c);
	if (paths != NULL)
		r |= tr_rec_set_rec(ev, "paths", paths);
	r |= tr_rec_set_uint(ev, "offset", off);
	if (r != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

static int
fish_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *d = (const char *)a->data, *p = d, *e = d + a->size, *nl;
	const char *cmd = NULL;
	size_t cl = 0, ln;
	uint64_t coff = 0;
	int64_t when = -1;
	tr_rec *paths = NULL;
	int rc = TR_OK, in_paths = 0;

	while (p <= e && rc == TR_OK) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		ln = (size_t)(nl - p);
		if (p == e || (ln >= 7 && memcmp(p, "- cmd: ", 7) == 0)) {
			if (cmd != NULL && when >= 0) {
				rc = fish_entry(ctx, cmd, cl, when, paths,
				    coff);
				paths = NULL;
			} else if (cmd != NULL) {
				tri_parse_warn(ctx, coff, "fish entry without "
				    "when: skipped");
				tri_parse_lost(ctx);
			}
			tr_rec_free(paths);
			paths = NULL;
			in_paths = 0;
			when = -1;
			cmd = p == e ? NULL : p + 7;
			cl = p == e ? 0 : ln - 7;
			coff = (uint64_t)(p - d);
			if (p == e)
				break;
		} else if (ln > 8 && memcmp(p, "  when: ", 8) == 0) {
			when = tri_digits(p + 8, ln - 8 > 18 ? 18 : ln - 8);
		} else if (ln >= 8 && memcmp(p, "  paths:", 8) == 0) {
			in_paths = 1;
		} else if (in_paths && ln > 6 && memcmp(p, "    - ", 6) == 0) {
			char *s = strndup(p + 6, ln - 6);

			if (s == NULL ||
			    (paths == NULL &&
			    (paths = tr_rec_new_array()) == NULL)) {
				free(s);
				rc = TR_ENOMEM;
				break;
			}
			rc = tr_rec_append_str(paths, s);
			free(s);
		}
		p = nl < e ? nl + 1 : e;
	}
	tr_rec_free(paths);
	return rc;
}

static const char *const fish_types[] = { "fish:history:entry", NULL };
static const char *const fish_artifacts[] = { "UnixShellHistoryFile", NULL };

const tri_parser tri_parser_fish_history = {
	"fish_history",
	"fish shell history (- cmd: / when:)",
	fish_types,
	fish_artifacts,
	fish_match,
	fish_parse,
};
