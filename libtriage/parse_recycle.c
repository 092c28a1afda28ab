/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recycle Bin metadata (plaso's "recycle_bin" and "recycle_bin_info2"
 * parsers in one): $I files of Windows Vista to 8 (version 1: size,
 * deletion time, 260-character name) and 10 and later (version 2: the
 * name's length, then the name), and the INFO2 file of Windows XP (a
 * header, then fixed-size records with the ANSI name, record index, drive
 * number, deletion time, size and, in 800-byte records, the UTF-16 name).
 * Small fixed formats, decoded here with every length checked.
 *
 * Events: windows:metadata:deleted_item at the deletion time ("Content
 * Deletion Time") with original_filename and file_size; INFO2 adds
 * record_index and drive_number.
 */
#include "internal.h"
#include "parse_internal.h"
#include "parse_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define I1_SIZE		544		/* 24 + 520 */
#define I2_HEAD		28
#define I2_NAME_MAX	32768		/* characters, NUL included */
#define INFO2_HEAD	20
#define INFO2_SMALL	280		/* 260 + 20 */
#define INFO2_LARGE	800		/* 280 + 520 */

enum { RB_NONE, RB_I1, RB_I2, RB_INFO2 };

static int
kind(const uint8_t *p, size_t len, uint64_t size)
{
	uint64_t v;
	uint32_t es;

	if (len < 24)
		return RB_NONE;
	v = tri_le64(p);
	if (v == 1 && size == I1_SIZE)
		return RB_I1;
	if (v == 2 && len >= I2_HEAD && tri_le32(p + 24) > 0 &&
	    tri_le32(p + 24) <= I2_NAME_MAX &&
	    size == I2_HEAD + 2 * (uint64_t)tri_le32(p + 24))
		return RB_I2;
	es = tri_le32(p + 12);
	if (tri_le32(p) == 5 && (es == INFO2_SMALL || es == INFO2_LARGE) &&
	    size >= INFO2_HEAD && (size - INFO2_HEAD) % es == 0)
		return RB_INFO2;
	return RB_NONE;
}

static int
rb_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	int k = kind(head, len, size);

	if (name != NULL && strncmp(name, "$I", 2) == 0 &&
	    (k == RB_I1 || k == RB_I2))
		return 90;
	if (name != NULL && strcasecmp(name, "INFO2") == 0 && k == RB_INFO2)
		return 90;
	if (k != RB_NONE)
		return 40;
	/* damaged metadata under its usual name: take it, to say so */
	if (name != NULL && (strncmp(name, "$I", 2) == 0 ||
	    strcasecmp(name, "INFO2") == 0))
		return 5;
	return 0;
}

static int
emit(tri_parse_ctx *ctx, uint64_t ft, const char *name, uint64_t fsize,
    int64_t index, int64_t drive)
{
	tr_time t = tri_filetime(ft);
	tr_rec *ev;
	int rc = 0;

	if (!tr_time_isset(&t)) {
		tri_parse_warn(ctx, UINT64_MAX, "%s: no deletion time", name);
		return TR_OK;
	}
	if ((ev = tri_event_new(ctx, "windows:metadata:deleted_item", &t,
	    "Content Deletion Time")) == NULL)
		return TR_ENOMEM;
	if (index >= 0)
		rc |= tri_event_message(ev, "DC%lld -> %s (from drive: %c)",
		    (long long)index, name, (char)('A' + (drive & 0x1f) % 26));
	else
		rc |= tri_event_message(ev, "%s", name);
	rc |= tr_rec_set_text(ev, "original_filename", name, strlen(name));
	rc |= tr_rec_set_uint(ev, "file_size", fsize);
	if (index >= 0) {
		rc |= tr_rec_set_int(ev, "record_index", index);
		rc |= tr_rec_set_int(ev, "drive_number", drive);
	}
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

static int
parse_i(tri_parse_ctx *ctx, const tr_artifact *a, int k)
{
	const uint8_t *p = a->data;
	size_t n;
	char *name;
	int rc;

	if (k == RB_I1)
		n = 260;
	else
		n = tri_le32(p + 24);
	if ((name = tri_utf16le(p + (k == RB_I1 ? 24 : I2_HEAD), n, NULL)) ==
	    NULL)
		return TR_ENOMEM;
	rc = emit(ctx, tri_le64(p + 16), name, tri_le64(p + 8), -1, -1);
	free(name);
	return rc;
}

static int
parse_info2(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const uint8_t *p = a->data, *r;
	uint32_t es = tri_le32(p + 12);
	size_t off, nl;
	char *name;
	int rc = TR_OK;

	for (off = INFO2_HEAD; off + es <= a->size && rc == TR_OK;
	    off += es) {
		r = p + off;
		if (es == INFO2_LARGE) {
			if ((name = tri_utf16le(r + 280, 260, NULL)) == NULL)
				return TR_ENOMEM;
		} else {
			nl = strnlen((const char *)r, 260);
			if ((name = strndup((const char *)r, nl)) == NULL)
				return TR_ENOMEM;
		}
		if (name[0] == '\0') {
			/* no Unicode name: the ANSI one */
			free(name);
			nl = strnlen((const char *)r, 260);
			if ((name = strndup((const char *)r, nl)) == NULL)
				return TR_ENOMEM;
		}
		rc = emit(ctx, tri_le64(r + 268), name, tri_le32(r + 276),
		    tri_le32(r + 260), tri_le32(r + 264));
		free(name);
	}
	return rc;
}

static int
rb_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	int k = kind(a->data, a->size, a->size);
	uint32_t es;

	switch (k) {
	case RB_I1:
	case RB_I2:
		return parse_i(ctx, a, k);
	case RB_INFO2:
		return parse_info2(ctx, a);
	}
	/* Say what is wrong, at its offset. */
	if (a->size >= 8 && (tri_le64(a->data) == 1 ||
	    tri_le64(a->data) == 2)) {
		if (a->size < 24)
			tri_parse_warn(ctx, a->size, "$I file truncated (%zu "
			    "bytes)", a->size);
		else if (tri_le64(a->data) == 1)
			tri_parse_warn(ctx, 24, "$I version 1: %zu bytes, "
			    "expected %d", a->size, I1_SIZE);
		else if (a->size < I2_HEAD)
			tri_parse_warn(ctx, a->size, "$I version 2 truncated "
			    "(%zu bytes)", a->size);
		else
			tri_parse_warn(ctx, 24, "$I version 2: name of %u "
			    "characters does not fit the file's %zu bytes",
			    tri_le32(a->data + 24), a->size);
	} else if (a->size >= INFO2_HEAD && tri_le32(a->data) == 5) {
		es = tri_le32(a->data + 12);
		if (es != INFO2_SMALL && es != INFO2_LARGE)
			tri_parse_warn(ctx, 12, "INFO2 record size %u "
			    "unknown", es);
		else {
			/* whole records are still read */
			tri_parse_warn(ctx, a->size - (a->size - INFO2_HEAD) %
			    es, "INFO2: %zu bytes after the last whole "
			    "record", (size_t)((a->size - INFO2_HEAD) % es));
			tri_parse_lost(ctx);
			return parse_info2(ctx, a);
		}
	} else
		tri_parse_warn(ctx, 0, "not Recycle Bin metadata ($I version "
		    "1 or 2, INFO2 version 5)");
	tri_parse_lost(ctx);
	return TR_OK;
}

static const char *const rb_types[] = { "windows:metadata:deleted_item",
    NULL };
static const char *const rb_artifacts[] = { "WindowsRecycleBinMetadata",
    "TriageWindowsRecycleBinMetadata", NULL };

const tri_parser tri_parser_recycle_bin = {
	"recycle_bin",
	"Windows Recycle Bin metadata ($I versions 1 and 2, INFO2)",
	rb_types,
	rb_artifacts,
	rb_match,
	rb_parse,
};
