/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Two small parsers for testing triage-parse's driver before (and
 * independently of) the real ones, put in place of the registry with
 * tri_parse_set_registry():
 *
 * "testlines": files starting with "#triage-test\n"; each further line is
 * "SECONDS[.FRACTION] TEXT" (one event test:line at that time, fields
 * line_number and body), "@sibling NAME" (one event test:sibling at the
 * artifact's mtime with the size of the file NAME beside it, or a warning
 * when there is none), or anything else (a warning naming the offset; the
 * artifact counts as lost).
 *
 * "testtext": any other file whose first bytes are printable text (score
 * 1): one event test:text at the artifact's mtime with lines, bytes and
 * artifact.  It serves the definitions of shell histories and auth logs,
 * so on an image it reads only those.
 *
 * Linked into tests/unit/test-parse and into tests/unit/triage-parse-test
 * (cmd/triage-parse.c with these parsers, through a constructor).
 */
#include "internal.h"
#include "parse_internal.h"

#include <stdlib.h>
#include <string.h>

#include "parse-testparsers.h"

#define MAGIC		"#triage-test\n"
#define MAGIC_LEN	(sizeof(MAGIC) - 1)

static int
lines_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	(void)size;
	(void)name;
	return len >= MAGIC_LEN && memcmp(head, MAGIC, MAGIC_LEN) == 0 ? 100 :
	    0;
}

static int
sibling_event(tri_parse_ctx *ctx, const tr_artifact *a, const char *name,
    uint64_t off)
{
	uint8_t *data;
	size_t size;
	tr_rec *ev;

	if (a->sibling == NULL || a->sibling(a->sibling_arg, name, &data,
	    &size) != 0) {
		tri_parse_warn(ctx, off, "no sibling '%s'", name);
		return TR_OK;
	}
	free(data);
	if ((ev = tri_event_new(ctx, "test:sibling", &a->mtime,
	    "Content Modification Time")) == NULL)
		return TR_OK;
	tri_event_message(ev, "sibling %s: %zu bytes", name, size);
	tr_rec_set_text(ev, "sibling", name, strlen(name));
	tr_rec_set_uint(ev, "sibling_size", size);
	return tri_parse_emit(ctx, ev);
}

static int
lines_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *p = (const char *)a->data + MAGIC_LEN;
	const char *end = (const char *)a->data + a->size, *nl, *sp;
	char name[256], *stop, num[32];
	uint64_t lineno = 1;
	tr_rec *ev;
	tr_time t;
	double sec;
	size_t n;
	int rc, bad = 0;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		lineno++;
		n = (size_t)(nl - p);
		if (n > 9 && memcmp(p, "@sibling ", 9) == 0 && n - 9 <
		    sizeof(name)) {
			memcpy(name, p + 9, n - 9);
			name[n - 9] = '\0';
			if ((rc = sibling_event(ctx, a, name, (uint64_t)(p -
			    (const char *)a->data))) != TR_OK)
				return rc;
			continue;
		}
		sp = memchr(p, ' ', n);
		if (sp == NULL || (size_t)(sp - p) >= sizeof(num)) {
			tri_parse_warn(ctx, (uint64_t)(p - (const char *)a->data),
			    "line %llu: not 'SECONDS TEXT'",
			    (unsigned long long)lineno);
			bad = 1;
			continue;
		}
		memcpy(num, p, (size_t)(sp - p));
		num[sp - p] = '\0';
		sec = strtod(num, &stop);
		if (*stop != '\0' || sec < 0 || sec > 1e11) {
			tri_parse_warn(ctx, (uint64_t)(p - (const char *)a->data),
			    "line %llu: bad time '%s'",
			    (unsigned long long)lineno, num);
			bad = 1;
			continue;
		}
		t = tri_posix_usec((int64_t)(sec * 1e6 + 0.5));
		if ((ev = tri_event_new(ctx, "test:line", &t,
		    "Event Time")) == NULL)
			continue;
		tri_event_message(ev, "%.*s", (int)(nl - sp - 1), sp + 1);
		tr_rec_set_int(ev, "line_number", (int64_t)lineno);
		tr_rec_set_text(ev, "body", sp + 1, (size_t)(nl - sp - 1));
		if ((rc = tri_parse_emit(ctx, ev)) != TR_OK)
			return rc;
	}
	if (bad)
		tri_parse_lost(ctx);
	return TR_OK;
}

static int
text_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	size_t i;

	(void)size;
	(void)name;
	if (len == 0)
		return 0;
	for (i = 0; i < len && i < 256; i++)
		if (head[i] < 0x20 && head[i] != '\n' && head[i] != '\t' &&
		    head[i] != '\r')
			return 0;
	return 1;
}

static int
text_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	tr_rec *ev;
	uint64_t lines = 0;
	size_t i;

	if (!tr_time_isset(&a->mtime)) {
		tri_parse_warn(ctx, UINT64_MAX, "no modification time");
		return TR_OK;
	}
	for (i = 0; i < a->size; i++)
		lines += a->data[i] == '\n';
	if ((ev = tri_event_new(ctx, "test:text", &a->mtime,
	    "Content Modification Time")) == NULL)
		return TR_OK;
	tri_event_message(ev, "%s: %llu lines", a->name,
	    (unsigned long long)lines);
	tr_rec_set_uint(ev, "lines", lines);
	tr_rec_set_uint(ev, "bytes", a->size);
	if (a->artifact != NULL)
		tr_rec_set_str(ev, "artifact", a->artifact);
	return tri_parse_emit(ctx, ev);
}

static const char *const lines_types[] = { "test:line", "test:sibling",
    NULL };
static const char *const text_types[] = { "test:text", NULL };
static const char *const none[] = { NULL };
static const char *const text_arts[] = { "TriageLinuxShellHistory",
    "TriageLinuxAuthLogs", "TriageWindowsPowerShellHistory",
    "NoSuchDefinition", NULL };

const tri_parser tri_parser_testlines = {
	"testlines", "test lines (\"SECONDS TEXT\")", lines_types, none,
	lines_match, lines_parse
};

const tri_parser tri_parser_testtext = {
	"testtext", "any text file: one event at its mtime", text_types,
	text_arts, text_match, text_parse
};

const tri_parser *const tri_test_parsers[] = {
	&tri_parser_testlines, &tri_parser_testtext, NULL
};
