/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows Task Scheduler task definitions (Windows\System32\Tasks\...: XML,
 * UTF-16LE with a byte order mark), read with libxml2 ("windows_task_xml").
 * One windows:task_scheduler:task event per task, at its registration date
 * ("Registration Time"; a date without a zone is taken as UTC and the event
 * says so with time_zone "UTC (assumed)"), or, when the task has none, at
 * the file's modification time ("Content Modification Time").
 *
 * libxml2 is linked normally: it carries no libyal copies.  The parser
 * never loads external entities or DTDs (no XML_PARSE_NOENT,
 * XML_PARSE_DTDLOAD) and uses no network (XML_PARSE_NONET).
 */
#include "internal.h"
#include "parse_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#define TASK_MAX	((size_t)16 << 20)

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser();
}

static const char task_ns[] = "schemas.microsoft.com/windows/2004/02/mit/task";

/* s (len bytes) holds needle as ASCII or as UTF-16LE. */
static int
holds(const uint8_t *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	if (memmem(s, len, needle, n) != NULL)
		return 1;
	for (i = 0; i + 2 * n <= len; i++) {
		for (j = 0; j < n; j++)
			if (s[i + 2 * j] != (uint8_t)needle[j] ||
			    s[i + 2 * j + 1] != 0)
				break;
		if (j == n)
			return 1;
	}
	return 0;
}

static int
task_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	(void)name;
	if (size > TASK_MAX)
		return 0;
	if (holds(head, len, "<Task") && holds(head, len, task_ns))
		return 90;
	return 0;
}

/* First child element called name, or NULL. */
static xmlNode *
child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	if (n == NULL)
		return NULL;
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* Text of the child called name (xmlFree it), or NULL. */
static char *
text(const xmlNode *n, const char *name)
{
	xmlNode *c = child(n, name);

	return c != NULL ? (char *)xmlNodeGetContent(c) : NULL;
}

static int
set(tr_rec *ev, const char *key, char *val)
{
	int rc = TR_OK;

	if (val != NULL) {
		rc = tr_rec_set_text(ev, key, val, strlen(val));
		xmlFree(val);
	}
	return rc;
}

/*
 * "2019-03-04T05:06:07[.fffffff][Z|+hh:mm]" to a time; *zoned is set when
 * the text has a zone.  0 on success.
 */
static int
task_time(const char *s, tr_time *t, int *zoned)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, digits = 0, sign, zh, zm;
	uint32_t frac = 0;
	int64_t off = 0;
	const char *p;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	    &n) != 6 || n == 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	p = s + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits < 9) {
				frac = frac * 10 + (uint32_t)(*p - '0');
				digits++;
			}
		for (n = digits; n < 9; n++)
			frac *= 10;
	}
	*zoned = 0;
	if (*p == 'Z') {
		*zoned = 1;
		p++;
	} else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &zh,
	    &zm) == 2) {
		sign = *p == '-' ? -1 : 1;
		off = sign * ((int64_t)zh * 3600 + zm * 60);
		*zoned = 1;
		p += 6;
	}
	if (*p != '\0')
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = tri_time((int64_t)timegm(&tm) - off, frac, digits > 0 ?
	    (digits > 7 ? 9 : 7) : 0);
	return 0;
}

static int
task_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	xmlDoc *doc;
	xmlNode *root, *reg, *n, *c;
	tr_rec *ev = NULL, *trig = NULL, *acts = NULL;
	char *date, *uri, *cmd, *args, *buf;
	const char *desc = "Registration Time", *tname;
	tr_time t = TR_TIME_UNSET;
	int rc = 0, zoned = 0;

	pthread_once(&xml_once, xml_init);
	if (a->size > TASK_MAX || a->size > INT32_MAX) {
		tri_parse_warn(ctx, 0, "task of %zu bytes: too large", a->size);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	doc = xmlReadMemory((const char *)a->data, (int)a->size, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();

		tri_parse_warn(ctx, 0, "not well-formed XML (line %d: %s)",
		    e != NULL ? e->line : 0, e != NULL && e->message != NULL ?
		    e->message : "?");
		tri_parse_lost(ctx);
		return TR_OK;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "Task") != 0) {
		tri_parse_warn(ctx, 0, "no Task element");
		tri_parse_lost(ctx);
		xmlFreeDoc(doc);
		return TR_OK;
	}
	reg = child(root, "RegistrationInfo");
	date = text(reg, "Date");
	if (date == NULL || task_time(date, &t, &zoned) != 0) {
		if (date != NULL)
			tri_parse_warn(ctx, UINT64_MAX, "registration date "
			    "'%s' not understood", date);
		t = a->mtime;
		desc = "Content Modification Time";
	}
	if (date != NULL)
		xmlFree(date);
	if ((ev = tri_event_new(ctx, "windows:task_scheduler:task", &t,
	    desc)) == NULL) {
		if (!tr_time_isset(&t)) {
			tri_parse_warn(ctx, UINT64_MAX, "no registration date "
			    "and no modification time: task left out");
			tri_parse_lost(ctx);
			xmlFreeDoc(doc);
			return TR_OK;
		}
		xmlFreeDoc(doc);
		return TR_ENOMEM;
	}
	uri = text(reg, "URI");
	tname = uri != NULL ? strrchr(uri, '\\') : NULL;
	tname = tname != NULL ? tname + 1 : uri != NULL ? uri : a->name;
	if (tname != NULL)
		rc |= tr_rec_set_text(ev, "task_name", tname, strlen(tname));
	if (uri != NULL)
		rc |= tr_rec_set_text(ev, "uri", uri, strlen(uri));
	rc |= set(ev, "author", text(reg, "Author"));
	rc |= set(ev, "description", text(reg, "Description"));
	if (!zoned && desc[0] == 'R')
		rc |= tr_rec_set_str(ev, "time_zone", "UTC (assumed)");
	n = child(child(root, "Principals"), "Principal");
	rc |= set(ev, "user_id", text(n, "UserId"));
	rc |= set(ev, "group_id", text(n, "GroupId"));
	rc |= set(ev, "logon_type", text(n, "LogonType"));
	rc |= set(ev, "run_level", text(n, "RunLevel"));
	buf = text(child(root, "Settings"), "Enabled");
	rc |= tr_rec_set_bool(ev, "enabled", buf == NULL ||
	    strcmp(buf, "false") != 0);
	if (buf != NULL)
		xmlFree(buf);
	buf = text(child(root, "Settings"), "Hidden");
	if (buf != NULL) {
		rc |= tr_rec_set_bool(ev, "hidden", strcmp(buf, "true") == 0);
		xmlFree(buf);
	}
	trig = tr_rec_new_array();
	acts = tr_rec_new_array();
	if (trig == NULL || acts == NULL)
		rc = 1;
	for (c = (n = child(root, "Triggers")) != NULL ? n->children : NULL;
	    c != NULL && rc == 0; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			rc |= tr_rec_append_str(trig, (const char *)c->name);
	for (c = (n = child(root, "Actions")) != NULL ? n->children : NULL;
	    c != NULL && rc == 0; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "Exec") == 0) {
			cmd = text(c, "Command");
			args = text(c, "Arguments");
			if (asprintf(&buf, "%s%s%s", cmd != NULL ? cmd : "",
			    args != NULL ? " " : "", args != NULL ? args : "")
			    < 0)
				rc = 1;
			else {
				rc |= tr_rec_append_str(acts, buf);
				free(buf);
			}
			if (cmd != NULL)
				xmlFree(cmd);
			if (args != NULL)
				xmlFree(args);
		} else if (strcmp((const char *)c->name, "ComHandler") == 0) {
			cmd = text(c, "ClassId");
			if (asprintf(&buf, "ComHandler %s", cmd != NULL ? cmd :
			    "") < 0)
				rc = 1;
			else {
				rc |= tr_rec_append_str(acts, buf);
				free(buf);
			}
			if (cmd != NULL)
				xmlFree(cmd);
		} else
			rc |= tr_rec_append_str(acts, (const char *)c->name);
	}
	if (rc == 0)
		rc |= tri_event_message(ev, "Task: %s Actions: %zu Triggers: "
		    "%zu", tname != NULL ? tname : "", tr_rec_array_size(acts),
		    tr_rec_array_size(trig));
	if (uri != NULL)
		xmlFree(uri);
	rc |= tr_rec_set_rec(ev, "triggers", trig);
	rc |= tr_rec_set_rec(ev, "actions", acts);
	xmlFreeDoc(doc);
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

static const char *const task_types[] = { "windows:task_scheduler:task",
    NULL };
static const char *const task_artifacts[] = { "WindowsScheduledTasks",
    "TriageWindowsScheduledTasks", NULL };

const tri_parser tri_parser_windows_task_xml = {
	"windows_task_xml",
	"Windows Task Scheduler task definitions (XML, libxml2)",
	task_types,
	task_artifacts,
	task_match,
	task_parse,
};
