/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internet Explorer 4-9 cache and history files (index.dat, MSIECF) through
 * libmsiecf, loaded into a namespace of its own (yal.h) and fed from memory
 * through its own libbfio, by a bounded reader of ours: Debian's libbfio
 * 20170123 memory-range handle reads past the end of its range (SIGBUS on
 * a truncated index.dat).  One event per URL item, allocated and
 * recovered, at its primary time.
 */
#include "internal.h"
#include "parse_internal.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmsiecf.h>
#include "yal.h"

#define MSIECF_API(X) \
	X(libbfio_error_free) X(libbfio_handle_free) \
	X(libbfio_handle_initialize) \
	X(libmsiecf_error_free) X(libmsiecf_error_sprint) \
	X(libmsiecf_file_initialize) X(libmsiecf_file_free) \
	X(libmsiecf_file_open_file_io_handle) X(libmsiecf_file_close) \
	X(libmsiecf_file_get_format_version) \
	X(libmsiecf_file_get_number_of_cache_directories) \
	X(libmsiecf_file_get_cache_directory_name) \
	X(libmsiecf_file_get_number_of_items) \
	X(libmsiecf_file_get_item_by_index) \
	X(libmsiecf_file_get_number_of_recovered_items) \
	X(libmsiecf_file_get_recovered_item_by_index) \
	X(libmsiecf_item_free) X(libmsiecf_item_get_type) \
	X(libmsiecf_item_get_offset) X(libmsiecf_url_get_type) \
	X(libmsiecf_url_get_primary_time) X(libmsiecf_url_get_secondary_time) \
	X(libmsiecf_url_get_expiration_time) \
	X(libmsiecf_url_get_last_checked_time) \
	X(libmsiecf_url_get_cached_file_size) \
	X(libmsiecf_url_get_cache_directory_index) \
	X(libmsiecf_url_get_number_of_hits) \
	X(libmsiecf_url_get_utf8_location_size) \
	X(libmsiecf_url_get_utf8_location) \
	X(libmsiecf_url_get_utf8_filename_size) \
	X(libmsiecf_url_get_utf8_filename) \
	X(libmsiecf_url_get_data_size) X(libmsiecf_url_get_data)

static struct {
	MSIECF_API(TRI_YAL_MEMBER)
	tri_yal lib;
} ms;
static const char *const ms_names[] = { MSIECF_API(TRI_YAL_NAME) NULL };
static pthread_once_t ms_once = PTHREAD_ONCE_INIT;

static void
ms_load(void)
{
	tri_yal_load(&ms.lib, "libmsiecf.so.1", ms_names, (void **)&ms);
}

/* The artifact's bytes as a libbfio handle: reads never leave them. */
struct memio {
	const uint8_t	*data;
	size_t		size;
	size_t		pos;
};

static int
mio_free(intptr_t **io, libbfio_error_t **e)
{
	return 1;
}

static int
mio_open(intptr_t *io, int flags, libbfio_error_t **e)
{
	((struct memio *)io)->pos = 0;
	return 1;
}

static int
mio_close(intptr_t *io, libbfio_error_t **e)
{
	return 0;
}

static ssize_t
mio_read(intptr_t *io, uint8_t *buf, size_t size, libbfio_error_t **e)
{
	struct memio *m = (struct memio *)io;
	size_t n;

	if (m->pos >= m->size)
		return 0;
	n = m->size - m->pos < size ? m->size - m->pos : size;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static ssize_t
mio_write(intptr_t *io, const uint8_t *buf, size_t size, libbfio_error_t **e)
{
	return -1;
}

static off64_t
mio_seek(intptr_t *io, off64_t off, int whence, libbfio_error_t **e)
{
	struct memio *m = (struct memio *)io;
	off64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ?
	    (off64_t)m->pos : (off64_t)m->size;

	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return -1;
	if ((off < 0 && base + off < 0) ||
	    (off > 0 && off > INT64_MAX - base))
		return -1;
	m->pos = (size_t)(base + off);
	return base + off;
}

static int
mio_yes(intptr_t *io, libbfio_error_t **e)
{
	return 1;
}

static int
mio_size(intptr_t *io, size64_t *size, libbfio_error_t **e)
{
	*size = ((struct memio *)io)->size;
	return 1;
}

static const char *const data_types[] = { "msiecf:url", NULL };
static const char *const artifacts[] = {
	"InternetExplorerIndexDatFiles", NULL
};
static const char sig[] = "Client UrlCache MMF Ver ";

static int
match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	return len >= 28 && memcmp(head, sig, sizeof(sig) - 1) == 0 ? 100 : 0;
}

/* libmsiecf's message for e (freed), in buf. */
static const char *
errmsg(libmsiecf_error_t **e, char *buf, size_t len)
{
	if (*e == NULL || ms.libmsiecf_error_sprint(*e, buf, len) < 0)
		snprintf(buf, len, "libmsiecf error");
	ms.libmsiecf_error_free(e);
	return buf;
}

static const char *
url_type_name(uint8_t t)
{
	switch (t) {
	case LIBMSIECF_URL_ITEM_TYPE_CACHE: return "cache";
	case LIBMSIECF_URL_ITEM_TYPE_COMPATIBILITY: return "compatibility";
	case LIBMSIECF_URL_ITEM_TYPE_COOKIE: return "cookie";
	case LIBMSIECF_URL_ITEM_TYPE_DOM_STORE: return "dom-store";
	case LIBMSIECF_URL_ITEM_TYPE_DOWNLOAD: return "download";
	case LIBMSIECF_URL_ITEM_TYPE_HISTORY: return "history";
	case LIBMSIECF_URL_ITEM_TYPE_HISTORY_DAILY: return "history-daily";
	case LIBMSIECF_URL_ITEM_TYPE_HISTORY_WEEKLY: return "history-weekly";
	case LIBMSIECF_URL_ITEM_TYPE_INPRIVATE_FILTERING:
		return "inprivate-filtering";
	case LIBMSIECF_URL_ITEM_TYPE_RSS_FEED: return "rss-feed";
	case LIBMSIECF_URL_ITEM_TYPE_TLD: return "tld";
	case LIBMSIECF_URL_ITEM_TYPE_USER_DATA: return "user-data";
	default: return NULL;
	}
}

/* What the primary time means, by URL type (plaso's msiecf parser). */
static const char *
primary_desc(uint8_t t)
{
	switch (t) {
	case LIBMSIECF_URL_ITEM_TYPE_CACHE:
	case LIBMSIECF_URL_ITEM_TYPE_COOKIE:
		return "Last Access Time";
	case LIBMSIECF_URL_ITEM_TYPE_HISTORY:
	case LIBMSIECF_URL_ITEM_TYPE_HISTORY_DAILY:
		return "Last Visited Time";
	case LIBMSIECF_URL_ITEM_TYPE_HISTORY_WEEKLY:
		return "Creation Time";
	default:
		return "Primary Time";
	}
}

/* FAT date (low 16 bits) and time (high 16 bits); unset when invalid. */
static tr_time
fat_time(uint32_t v)
{
	unsigned day = v & 0x1f, mon = (v >> 5) & 0x0f, year = (v >> 9) & 0x7f;
	unsigned sec = ((v >> 16) & 0x1f) * 2, min = (v >> 21) & 0x3f;
	unsigned hour = (v >> 27) & 0x1f;
	int64_t y, days;
	unsigned m;

	if (v == 0 || day == 0 || mon == 0 || mon > 12 || hour > 23 ||
	    min > 59 || sec > 59)
		return TR_TIME_UNSET;
	/* Days from civil (Howard Hinnant's algorithm). */
	y = 1980 + (int64_t)year - (mon <= 2);
	m = mon > 2 ? mon - 3 : mon + 9;
	days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 +
	    day - 1 - 719468;
	return tri_time(days * 86400 + hour * 3600 + min * 60 + sec, 0, 0);
}

/* A UTF-8 string from one of libmsiecf's size/get pairs, or NULL. */
#define GET_STRING(item, what, out) do {				\
	size_t sz_ = 0;							\
	(out) = NULL;							\
	if (ms.libmsiecf_url_get_utf8_##what##_size((item), &sz_,	\
	    NULL) == 1 && sz_ > 0 && sz_ < ((size_t)1 << 24) &&		\
	    ((out) = malloc(sz_)) != NULL &&				\
	    ms.libmsiecf_url_get_utf8_##what((item), (uint8_t *)(out),	\
	    sz_, NULL) != 1) {						\
		free(out);						\
		(out) = NULL;						\
	}								\
} while (0)

struct file_info {
	uint8_t		major, minor;
	int		dirs;
	libmsiecf_file_t *file;
};

static int
url_event(tri_parse_ctx *ctx, const struct file_info *fi,
    libmsiecf_item_t *item, int recovered)
{
	uint64_t prim = 0, sec = 0, exp = 0, fsize = 0;
	uint32_t checked = 0, hits = 0;
	uint8_t ut = 0, dir = 0xff;
	off64_t off = 0;
	tr_time tp, ts, te, tc;
	const tr_time *t;
	const char *desc;
	char *loc, *fname, dname[64], *data = NULL;
	size_t dsz = 0;
	tr_rec *ev;
	int rc = 0;

	ms.libmsiecf_item_get_offset(item, &off, NULL);
	ms.libmsiecf_url_get_type(item, &ut, NULL);
	ms.libmsiecf_url_get_primary_time(item, &prim, NULL);
	ms.libmsiecf_url_get_secondary_time(item, &sec, NULL);
	ms.libmsiecf_url_get_expiration_time(item, &exp, NULL);
	ms.libmsiecf_url_get_last_checked_time(item, &checked, NULL);
	tp = tri_filetime(prim);
	ts = tri_filetime(sec);
	/* Expiration: FILETIME in 4.7, FAT date time in 5.2. */
	te = fi->major == 4 ? tri_filetime(exp) : fat_time((uint32_t)exp);
	tc = fat_time(checked);
	t = &tp;
	desc = primary_desc(ut);
	if (!tr_time_isset(&tp)) {
		t = &ts;
		desc = ut == LIBMSIECF_URL_ITEM_TYPE_CACHE ||
		    ut == LIBMSIECF_URL_ITEM_TYPE_COOKIE ?
		    "Content Modification Time" : "Last Visited Time";
	}
	if ((ev = tri_event_new(ctx, "msiecf:url", t, desc)) == NULL) {
		if (tr_time_isset(t))
			return TR_ENOMEM;
		tri_parse_warn(ctx, (uint64_t)off, "%sURL item without a "
		    "primary or secondary time, left out",
		    recovered ? "recovered " : "");
		return TR_OK;
	}
	GET_STRING(item, location, loc);
	GET_STRING(item, filename, fname);
	ms.libmsiecf_url_get_cached_file_size(item, &fsize, NULL);
	ms.libmsiecf_url_get_cache_directory_index(item, &dir, NULL);
	ms.libmsiecf_url_get_number_of_hits(item, &hits, NULL);
	if (ut == LIBMSIECF_URL_ITEM_TYPE_CACHE &&
	    ms.libmsiecf_url_get_data_size(item, &dsz, NULL) == 1 &&
	    dsz > 4 && dsz < ((size_t)1 << 20) && (data = malloc(dsz)) != NULL &&
	    ms.libmsiecf_url_get_data(item, (uint8_t *)data, dsz, NULL) != 1) {
		free(data);
		data = NULL;
	}
	rc |= tri_event_message(ev, "Location: %s%s%s Number of hits: %u%s",
	    loc != NULL ? loc : "", fname != NULL ? " Cached file: " : "",
	    fname != NULL ? fname : "", (unsigned)hits,
	    recovered ? " (recovered)" : "");
	if (loc != NULL)
		rc |= tr_rec_set_text(ev, "url", loc, strlen(loc));
	rc |= tr_rec_set_str(ev, "url_type", url_type_name(ut));
	if (fname != NULL)
		rc |= tr_rec_set_text(ev, "cached_filename", fname,
		    strlen(fname));
	if (fname != NULL || fsize != 0)
		rc |= tr_rec_set_uint(ev, "cached_file_size", fsize);
	if (dir != 0xff && (int)dir < fi->dirs) {
		rc |= tr_rec_set_int(ev, "cache_directory_index", dir);
		if (ms.libmsiecf_file_get_cache_directory_name(fi->file, dir,
		    dname, sizeof(dname), NULL) == 1) {
			dname[sizeof(dname) - 1] = '\0';
			rc |= tr_rec_set_text(ev, "cache_directory_name",
			    dname, strnlen(dname, 8));
		}
	}
	rc |= tr_rec_set_uint(ev, "number_of_hits", hits);
	rc |= tr_rec_set_time(ev, "primary_time", &tp);
	rc |= tr_rec_set_time(ev, "secondary_time", &ts);
	rc |= tr_rec_set_time(ev, "expiration_time", &te);
	rc |= tr_rec_set_time(ev, "last_checked_time", &tc);
	if (data != NULL && memcmp(data, "HTTP", 4) == 0)
		rc |= tr_rec_set_text(ev, "http_headers", data,
		    strnlen(data, dsz));
	rc |= tr_rec_set_int(ev, "offset", (int64_t)off);
	if (recovered)
		rc |= tr_rec_set_bool(ev, "recovered", 1);
	free(loc);
	free(fname);
	free(data);
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

/* Every item (recovered: the recovered ones) that is a URL. */
static int
items(tri_parse_ctx *ctx, const struct file_info *fi, int recovered,
    int *lost)
{
	libmsiecf_error_t *e = NULL;
	libmsiecf_item_t *item;
	char ebuf[512];
	uint8_t type;
	int n = 0, i, r, rc = TR_OK;

	r = recovered ?
	    ms.libmsiecf_file_get_number_of_recovered_items(fi->file, &n, &e) :
	    ms.libmsiecf_file_get_number_of_items(fi->file, &n, &e);
	if (r != 1) {
		tri_parse_warn(ctx, UINT64_MAX, "cannot count %sitems: %s",
		    recovered ? "recovered " : "", errmsg(&e, ebuf,
		    sizeof(ebuf)));
		*lost = 1;
		return TR_OK;
	}
	for (i = 0; i < n && rc == TR_OK; i++) {
		item = NULL;
		r = recovered ?
		    ms.libmsiecf_file_get_recovered_item_by_index(fi->file, i,
		    &item, &e) :
		    ms.libmsiecf_file_get_item_by_index(fi->file, i, &item, &e);
		if (r != 1) {
			tri_parse_warn(ctx, UINT64_MAX, "%sitem %d of %d "
			    "unreadable: %s", recovered ? "recovered " : "",
			    i, n, errmsg(&e, ebuf, sizeof(ebuf)));
			if (!recovered)
				*lost = 1;
			continue;
		}
		if (ms.libmsiecf_item_get_type(item, &type, NULL) == 1 &&
		    type == LIBMSIECF_ITEM_TYPE_URL)
			rc = url_event(ctx, fi, item, recovered);
		ms.libmsiecf_item_free(&item, NULL);
	}
	return rc;
}

static int
parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	libbfio_handle_t *bfio = NULL;
	libbfio_error_t *be = NULL;
	struct memio mio = { a->data, a->size, 0 };
	libmsiecf_error_t *e = NULL;
	struct file_info fi;
	char ebuf[512];
	int rc = TR_OK, lost = 0, opened = 0;

	pthread_once(&ms_once, ms_load);
	if (!ms.lib.ok) {
		tri_parse_warn(ctx, UINT64_MAX, "%s", ms.lib.why);
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	memset(&fi, 0, sizeof(fi));
	/* The header's file size (offset 28): a shorter file was cut. */
	if (a->size >= 32) {
		uint32_t want = (uint32_t)a->data[28] |
		    (uint32_t)a->data[29] << 8 | (uint32_t)a->data[30] << 16 |
		    (uint32_t)a->data[31] << 24;

		if (want > a->size) {
			tri_parse_warn(ctx, a->size, "file truncated: the "
			    "header says %u bytes, %zu present: items past "
			    "the end are lost", want, a->size);
			lost = 1;
		}
	}
	if (ms.libbfio_handle_initialize(&bfio, (intptr_t *)&mio, mio_free,
	    NULL, mio_open, mio_close, mio_read, mio_write, mio_seek, mio_yes,
	    mio_yes, mio_size, LIBBFIO_FLAG_IO_HANDLE_NON_MANAGED |
	    LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_REFERENCE, &be) != 1) {
		ms.libbfio_error_free(&be);
		tri_parse_warn(ctx, UINT64_MAX, "libbfio: cannot make a handle");
		rc = TR_ENOMEM;
		lost = 1;
		goto out;
	}
	if (ms.libmsiecf_file_initialize(&fi.file, &e) != 1 ||
	    ms.libmsiecf_file_open_file_io_handle(fi.file, bfio,
	    LIBMSIECF_OPEN_READ, &e) != 1) {
		tri_parse_warn(ctx, 0, "cannot open the index.dat: %s",
		    errmsg(&e, ebuf, sizeof(ebuf)));
		lost = 1;
		goto out;
	}
	opened = 1;
	ms.libmsiecf_file_get_format_version(fi.file, &fi.major, &fi.minor,
	    NULL);
	if (ms.libmsiecf_file_get_number_of_cache_directories(fi.file,
	    &fi.dirs, NULL) != 1)
		fi.dirs = 0;
	rc = items(ctx, &fi, 0, &lost);
	if (rc == TR_OK)
		rc = items(ctx, &fi, 1, &lost);
out:
	if (opened)
		ms.libmsiecf_file_close(fi.file, NULL);
	if (fi.file != NULL)
		ms.libmsiecf_file_free(&fi.file, NULL);
	if (bfio != NULL)
		ms.libbfio_handle_free(&bfio, NULL);
	if (lost) {
		tri_parse_lost(ctx);
		if (rc == TR_OK)
			rc = TR_EFORMAT;
	}
	return rc;
}

const tri_parser tri_parser_msiecf = {
	"msiecf",
	"Internet Explorer 4-9 cache and history files (index.dat)",
	data_types, artifacts, match, parse
};
