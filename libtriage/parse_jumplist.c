/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Jump lists.  Automatic destinations (plaso's olecf plugin
 * "olecf_automatic_destinations"): an OLE compound file read through
 * libolecf; its DestList stream gives olecf:dest_list:entry events (one
 * per entry, at its last modification time: hostname, droid ids, entry
 * number, pin status, entry_path: plaso's "path", renamed because path is
 * the artifact's address in every event) and distributed link tracking
 * events from the droid ids; every other stream (named by a hexadecimal
 * entry number) holds a shell link, handed to the LNK parser.  Custom destinations
 * ("custom_destinations"): a sequence of shell links between headers and
 * footers; every ShellLinkHeader in the file is handed to the LNK parser.
 */
#include "internal.h"
#include "parse_internal.h"
#include "parse_win.h"
#include "yal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libolecf.h>

#define STREAM_MAX	((uint32_t)64 << 20)
#define DL_HEAD		32
#define DL_ENTRY_V1	114		/* up to the path */
#define DL_ENTRY_V3	130

#define OLECF_API(X) \
	X(libolecf_error_free) X(libolecf_error_sprint) \
	X(libolecf_file_initialize) X(libolecf_file_free) \
	X(libolecf_file_open_file_io_handle) X(libolecf_file_close) \
	X(libolecf_file_get_root_item) X(libolecf_item_free) \
	X(libolecf_item_get_utf8_name_size) X(libolecf_item_get_utf8_name) \
	X(libolecf_item_get_size) X(libolecf_item_get_type) \
	X(libolecf_item_get_number_of_sub_items) \
	X(libolecf_item_get_sub_item) \
	X(libolecf_stream_read_buffer_at_offset) \
	X(libbfio_handle_initialize) \
	X(libbfio_handle_free) X(libbfio_error_free)

static struct {
	OLECF_API(TRI_YAL_MEMBER)
	tri_yal lib;
} ol;
static const char *const ol_names[] = { OLECF_API(TRI_YAL_NAME) NULL };
static pthread_once_t ol_once = PTHREAD_ONCE_INIT;

static void
ol_load(void)
{
	tri_yal_load(&ol.lib, "libolecf.so.1", ol_names, (void **)&ol);
}

static const uint8_t olecf_magic[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1,
    0x1a, 0xe1 };
static const uint8_t lnk_head[20] = { 0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0,
    0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };

static int
ends_with(const char *name, const char *suffix)
{
	size_t nl, sl = strlen(suffix);

	return name != NULL && (nl = strlen(name)) >= sl &&
	    strcasecmp(name + nl - sl, suffix) == 0;
}

static void
guid_text(const uint8_t *g, char *buf)
{
	snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    tri_le32(g), tri_le16(g + 4), tri_le16(g + 6), g[8], g[9], g[10],
	    g[11], g[12], g[13], g[14], g[15]);
}

/* The DestList stream d (n bytes). */
static int
dest_list(tri_parse_ctx *ctx, const char *origin, const uint8_t *d,
    size_t n)
{
	static const char *const gkeys[4] = { "droid_volume_identifier",
	    "droid_file_identifier", "birth_droid_volume_identifier",
	    "birth_droid_file_identifier" };
	uint32_t version, count, i;
	size_t off = DL_HEAD, fixed, plen, next;
	const uint8_t *e;
	char host[17], gt[40], *path;
	tr_rec *ev;
	tr_time t;
	int rc = TR_OK, k;

	if (n < DL_HEAD) {
		tri_parse_warn(ctx, UINT64_MAX, "%s: DestList stream of %zu "
		    "bytes, too short for its header", origin, n);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	version = tri_le32(d);
	count = tri_le32(d + 4);
	fixed = version >= 3 ? DL_ENTRY_V3 : DL_ENTRY_V1;
	for (i = 0; i < count && rc == TR_OK; i++) {
		if (off + fixed > n) {
			tri_parse_warn(ctx, UINT64_MAX, "%s: DestList offset "
			    "%zu: entry %u of %u truncated", origin, off, i,
			    count);
			tri_parse_lost(ctx);
			break;
		}
		e = d + off;
		plen = tri_le16(e + fixed - 2);
		next = off + fixed + 2 * plen + (version >= 3 ? 4 : 0);
		if (next > n) {
			tri_parse_warn(ctx, UINT64_MAX, "%s: DestList offset "
			    "%zu: entry %u path runs past the stream", origin,
			    off, i);
			tri_parse_lost(ctx);
			break;
		}
		if ((path = tri_utf16le(e + fixed, plen, NULL)) == NULL)
			return TR_ENOMEM;
		memcpy(host, e + 72, 16);
		host[16] = '\0';
		t = tri_filetime(tri_le64(e + 100));
		if (tr_time_isset(&t)) {
			if ((ev = tri_event_new(ctx, "olecf:dest_list:entry",
			    &t, "Content Modification Time")) == NULL) {
				free(path);
				return TR_ENOMEM;
			}
			rc = tri_event_message(ev, "Entry: %u Pin status: %s "
			    "Hostname: %s Path: %s", tri_le32(e + 88),
			    (int32_t)tri_le32(e + 108) == -1 ? "Unpinned" :
			    "Pinned", host, path);
			rc |= tr_rec_set_uint(ev, "entry_number",
			    tri_le32(e + 88));
			rc |= tr_rec_set_text(ev, "hostname", host,
			    strlen(host));
			rc |= tr_rec_set_text(ev, "entry_path", path,
			    strlen(path));
			rc |= tr_rec_set_int(ev, "pin_status",
			    (int32_t)tri_le32(e + 108));
			rc |= tr_rec_set_uint(ev, "offset", off);
			for (k = 0; k < 4; k++) {
				guid_text(e + 8 + 16 * k, gt);
				rc |= tr_rec_set_str(ev, gkeys[k], gt);
			}
			if (rc != 0) {
				tr_rec_free(ev);
				free(path);
				return TR_ENOMEM;
			}
			rc = tri_parse_emit(ctx, ev);
		}
		free(path);
		if (rc == TR_OK)
			rc = tri_droid_event(ctx, e + 24, origin, NULL);
		if (rc == TR_OK && memcmp(e + 24, e + 56, 16) != 0)
			rc = tri_droid_event(ctx, e + 56, origin, NULL);
		off = next;
	}
	return rc;
}

static void
ol_why(libolecf_error_t **e, char *buf, size_t len)
{
	buf[0] = '\0';
	if (*e != NULL) {
		ol.libolecf_error_sprint(*e, buf, len);
		ol.libolecf_error_free(e);
	}
}

static int
auto_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	libolecf_file_t *f = NULL;
	libolecf_error_t *e = NULL;
	libolecf_item_t *root = NULL, *it;
	libbfio_handle_t *h = NULL;
	libbfio_error_t *be = NULL;
	const char *origin = a->name != NULL ? a->name : "jump list";
	char name[256], why[1024], where[300];
	uint8_t *buf;
	uint32_t sz;
	uint8_t type;
	size_t nl;
	int i, nsub = 0, rc = TR_OK, open = 0;
	tr_rec *base;

	pthread_once(&ol_once, ol_load);
	if (!ol.lib.ok) {
		tri_parse_warn(ctx, UINT64_MAX, "%s", ol.lib.why);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	if (tri_bfio_memory(ol.libbfio_handle_initialize, &h, a->data,
	    a->size) != TR_OK) {
		rc = TR_ENOMEM;
		goto out;
	}
	if (ol.libolecf_file_initialize(&f, &e) != 1 ||
	    ol.libolecf_file_open_file_io_handle(f, h, LIBOLECF_OPEN_READ,
	    &e) != 1) {
		ol_why(&e, why, sizeof(why));
		tri_parse_warn(ctx, 0, "libolecf cannot read it: %s", why);
		tri_parse_lost(ctx);
		goto out;
	}
	open = 1;
	if (ol.libolecf_file_get_root_item(f, &root, &e) != 1 ||
	    ol.libolecf_item_get_number_of_sub_items(root, &nsub, &e) != 1) {
		ol_why(&e, why, sizeof(why));
		tri_parse_warn(ctx, 0, "libolecf: no root storage: %s", why);
		tri_parse_lost(ctx);
		goto out;
	}
	for (i = 0; i < nsub && rc == TR_OK; i++) {
		it = NULL;
		if (ol.libolecf_item_get_sub_item(root, i, &it, &e) != 1) {
			ol_why(&e, why, sizeof(why));
			tri_parse_warn(ctx, UINT64_MAX, "item %d: %s", i, why);
			tri_parse_lost(ctx);
			continue;
		}
		name[0] = '\0';
		if (ol.libolecf_item_get_utf8_name_size(it, &nl, &e) != 1 ||
		    nl > sizeof(name) || ol.libolecf_item_get_utf8_name(it,
		    (uint8_t *)name, sizeof(name), &e) != 1)
			name[0] = '\0';
		if (e != NULL)
			ol.libolecf_error_free(&e);
		sz = 0;
		type = 0;
		ol.libolecf_item_get_type(it, &type, &e);
		ol.libolecf_item_get_size(it, &sz, &e);
		if (e != NULL)
			ol.libolecf_error_free(&e);
		if (type != LIBOLECF_ITEM_TYPE_STREAM || sz == 0) {
			ol.libolecf_item_free(&it, &e);
			continue;
		}
		if (sz > STREAM_MAX) {
			tri_parse_warn(ctx, UINT64_MAX, "stream %s: %u bytes, "
			    "more than %u: skipped", name, sz, STREAM_MAX);
			tri_parse_lost(ctx);
			ol.libolecf_item_free(&it, &e);
			continue;
		}
		if ((buf = malloc(sz)) == NULL) {
			ol.libolecf_item_free(&it, &e);
			rc = TR_ENOMEM;
			break;
		}
		if (ol.libolecf_stream_read_buffer_at_offset(it, buf, sz, 0,
		    &e) != (ssize_t)sz) {
			ol_why(&e, why, sizeof(why));
			tri_parse_warn(ctx, UINT64_MAX, "stream %s: cannot be "
			    "read: %s", name, why);
			tri_parse_lost(ctx);
		} else if (strcmp(name, "DestList") == 0) {
			snprintf(where, sizeof(where), "%s: DestList", origin);
			rc = dest_list(ctx, where, buf, sz);
		} else if (name[0] != '\0' &&
		    strspn(name, "0123456789abcdefABCDEF") == strlen(name)) {
			snprintf(where, sizeof(where), "%s: stream %s",
			    origin, name);
			if ((base = tr_rec_new_object()) == NULL ||
			    tr_rec_set_str(base, "stream_name", name) !=
			    TR_OK)
				rc = TR_ENOMEM;
			else
				rc = tri_lnk_parse(ctx, buf, sz, UINT64_MAX,
				    where, base);
			tr_rec_free(base);
		}
		free(buf);
		ol.libolecf_item_free(&it, &e);
		if (e != NULL)
			ol.libolecf_error_free(&e);
	}
out:
	if (e != NULL)
		ol.libolecf_error_free(&e);
	if (root != NULL)
		ol.libolecf_item_free(&root, &e);
	if (e != NULL)
		ol.libolecf_error_free(&e);
	if (f != NULL) {
		if (open)
			ol.libolecf_file_close(f, &e);
		if (e != NULL)
			ol.libolecf_error_free(&e);
		ol.libolecf_file_free(&f, &e);
		if (e != NULL)
			ol.libolecf_error_free(&e);
	}
	if (h != NULL)
		ol.libbfio_handle_free(&h, &be);
	if (be != NULL)
		ol.libbfio_error_free(&be);
	return rc;
}

static int
auto_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	(void)size;
	if (len >= 8 && memcmp(head, olecf_magic, 8) == 0)
		/* other OLE files (Office, Thumbs.db) are not jump lists */
		return ends_with(name, ".automaticDestinations-ms") ? 100 :
		    10;
	if (ends_with(name, ".automaticDestinations-ms"))
		return 5;
	return 0;
}

static int
custom_match(const uint8_t *head, size_t len, uint64_t size,
    const char *name)
{
	(void)size;
	if (!ends_with(name, ".customDestinations-ms"))
		return 0;
	/* a header of version 2, then links */
	if (len >= 4 && tri_le32(head) == 2)
		return 90;
	return 5;
}

static int
custom_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const uint8_t *p = a->data, *q, *end = a->data + a->size;
	const char *origin = a->name != NULL ? a->name : "jump list";
	char where[300];
	size_t off, nlinks = 0;
	int rc = TR_OK;

	if (a->size < 4 || tri_le32(p) != 2)
		tri_parse_warn(ctx, 0, "custom destinations header version "
		    "%u, expected 2", a->size >= 4 ? tri_le32(p) : 0);
	for (q = p; rc == TR_OK && q + sizeof(lnk_head) <= end; q++) {
		q = memchr(q, 0x4c, (size_t)(end - q));
		if (q == NULL || q + sizeof(lnk_head) > end)
			break;
		if (memcmp(q, lnk_head, sizeof(lnk_head)) != 0)
			continue;
		off = (size_t)(q - p);
		snprintf(where, sizeof(where), "%s: link at offset %zu",
		    origin, off);
		rc = tri_lnk_parse(ctx, q, (size_t)(end - q), off, where,
		    NULL);
		nlinks++;
	}
	if (rc == TR_OK && nlinks == 0) {
		tri_parse_warn(ctx, 0, "no shell link in the custom "
		    "destinations file");
		tri_parse_lost(ctx);
	}
	return rc;
}

static const char *const auto_types[] = { "olecf:dest_list:entry",
    "windows:lnk:link", "windows:distributed_link_tracking:creation",
    NULL };
static const char *const auto_artifacts[] = {
    "WindowsUserAutomaticDestinationsJumpLists", NULL };
static const char *const custom_types[] = { "windows:lnk:link",
    "windows:distributed_link_tracking:creation", NULL };
static const char *const custom_artifacts[] = {
    "WindowsUserCustomDestinationsJumpLists", NULL };

const tri_parser tri_parser_automatic_destinations = {
	"olecf_automatic_destinations",
	"Windows automatic destinations jump lists (libolecf, liblnk)",
	auto_types,
	auto_artifacts,
	auto_match,
	auto_parse,
};

const tri_parser tri_parser_custom_destinations = {
	"custom_destinations",
	"Windows custom destinations jump lists (liblnk)",
	custom_types,
	custom_artifacts,
	custom_match,
	custom_parse,
};
