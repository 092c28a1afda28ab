/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PowerShell PSReadLine history (ConsoleHost_history.txt, on Windows and,
 * with PowerShell 7, Linux and macOS): one command per line, a line ending
 * in a backtick continued on the next.  The file holds no times, so every
 * command becomes one powershell:history:command event at the file's
 * modification time ("Content Modification Time"), marked time_inferred,
 * with its position (command_index, from 1): one event per command, as
 * plaso's shell history parsers make, lets detections and searches match
 * one command at a time; only the last command is known to be that late.
 *
 * Text has no signature: recognised by its name, never by content alone.
 */
#include "internal.h"
#include "parse_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CMD_MAX	((size_t)1 << 20)	/* longest command kept whole */

static int
ps_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	size_t i;

	(void)size;
	if (name == NULL)
		return 0;
	/* text: no NUL in the head (UTF-8 or ASCII) */
	for (i = 0; i < len; i++)
		if (head[i] == 0)
			return 0;
	if (strcasecmp(name, "ConsoleHost_history.txt") == 0)
		return 60;
	/* other hosts: "Visual Studio Code Host_history.txt" */
	if (strlen(name) > 12 &&
	    strcasecmp(name + strlen(name) - 12, "_history.txt") == 0)
		return 30;
	return 0;
}

static int
emit(tri_parse_ctx *ctx, const tr_artifact *a, const char *cmd, size_t len,
    uint64_t index)
{
	tr_rec *ev;
	int rc = 0;

	if ((ev = tri_event_new(ctx, "powershell:history:command", &a->mtime,
	    "Content Modification Time")) == NULL)
		return TR_ENOMEM;
	rc |= tr_rec_set_text(ev, "message", cmd, len);
	rc |= tr_rec_set_text(ev, "command", cmd, len);
	rc |= tr_rec_set_uint(ev, "command_index", index);
	rc |= tr_rec_set_bool(ev, "time_inferred", 1);
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

static int
ps_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const char *p = (const char *)a->data, *end = p + a->size, *nl;
	const char *start = NULL;
	uint64_t index = 0;
	size_t len;
	int rc = TR_OK;

	if (!tr_time_isset(&a->mtime)) {
		tri_parse_warn(ctx, UINT64_MAX, "no modification time known: "
		    "the commands cannot be placed in time");
		tri_parse_lost(ctx);
		return TR_OK;
	}
	if (a->size >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && rc == TR_OK) {
		if (start == NULL)
			start = p;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		/* a backtick at the end continues the command */
		if (len > 0 && p[len - 1] == '`' && nl < end &&
		    (size_t)(nl - start) < CMD_MAX) {
			p = nl + 1;
			continue;
		}
		len = (size_t)(p + len - start);
		if (len > 0) {
			index++;
			rc = emit(ctx, a, start, len, index);
		}
		start = NULL;
		p = nl < end ? nl + 1 : end;
	}
	return rc;
}

static const char *const ps_types[] = { "powershell:history:command",
    NULL };
static const char *const ps_artifacts[] = { "WindowsPowerShellHistory",
    "TriageWindowsPowerShellHistory", NULL };

const tri_parser tri_parser_powershell_history = {
	"powershell_history",
	"PowerShell PSReadLine history (ConsoleHost_history.txt), times "
	"inferred from the file's modification time",
	ps_types,
	ps_artifacts,
	ps_match,
	ps_parse,
};
