/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows NT/2000/XP/2003 event logs (.Evt) on libevt: one
 * `windows:evt:record` event per record at its creation time, the records
 * libevt recovers from the free space too (marked `recovered`).  libevt
 * and its libbfio are loaded into a namespace of their own (yal.c); the
 * artifact is opened in memory through libbfio's memory range handle.
 */
#include "internal.h"
#include "parse_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libevt.h>
#include "yal.h"
#include "parse_winevt.h"

#define STR_MAX		((size_t)16 << 20)

#define EVT_API(X) \
	X(libbfio_handle_free) X(libbfio_memory_range_initialize) \
	X(libbfio_memory_range_set) X(libbfio_error_free) \
	X(libevt_error_backtrace_sprint) X(libevt_error_free) \
	X(libevt_file_initialize) X(libevt_file_free) \
	X(libevt_file_open_file_io_handle) X(libevt_file_close) \
	X(libevt_file_get_number_of_records) \
	X(libevt_file_get_record_by_index) \
	X(libevt_file_get_number_of_recovered_records) \
	X(libevt_file_get_recovered_record_by_index) \
	X(libevt_record_free) X(libevt_record_get_offset) \
	X(libevt_record_get_identifier) X(libevt_record_get_creation_time) \
	X(libevt_record_get_written_time) \
	X(libevt_record_get_event_identifier) \
	X(libevt_record_get_event_type) X(libevt_record_get_event_category) \
	X(libevt_record_get_utf8_source_name_size) \
	X(libevt_record_get_utf8_source_name) \
	X(libevt_record_get_utf8_computer_name_size) \
	X(libevt_record_get_utf8_computer_name) \
	X(libevt_record_get_utf8_user_security_identifier_size) \
	X(libevt_record_get_utf8_user_security_identifier) \
	X(libevt_record_get_number_of_strings) \
	X(libevt_record_get_utf8_string_size) \
	X(libevt_record_get_utf8_string)

static struct {
	EVT_API(TRI_YAL_MEMBER)
	tri_yal	lib;
} el;
static const char *const el_names[] = { EVT_API(TRI_YAL_NAME) NULL };
static pthread_once_t el_once = PTHREAD_ONCE_INIT;

static void
el_load(void)
{
	tri_yal_load(&el.lib, "libevt.so.1", el_names, (void **)&el);
}

static const char *const evt_types[] = { "windows:evt:record", NULL };
static const char *const evt_artifacts[] = { "TriageWindowsEventLogs",
	"WindowsEventLogs", "WindowsEventLogApplication",
	"WindowsEventLogSecurity", "WindowsEventLogSystem", NULL };

/* The innermost cause in libevt's error, without the function; frees it. */
static const char *
evt_err(libevt_error_t **e, char *buf, size_t len)
{
	char tmp[2048], *p, *q;

	tmp[0] = '\0';
	if (*e != NULL && el.libevt_error_backtrace_sprint(*e, tmp,
	    sizeof(tmp)) < 0)
		tmp[0] = '\0';
	if (*e != NULL)
		el.libevt_error_free(e);
	tmp[strcspn(tmp, "\r\n")] = '\0';
	p = tmp;
	if (strncmp(p, "lib", 3) == 0 && (q = strstr(p, ": ")) != NULL &&
	    strcspn(p, " ") > (size_t)(q - p))
		p = q + 2;
	if ((q = strchr(p, '\0')) > p && q[-1] == '.')
		q[-1] = '\0';
	snprintf(buf, len, "%s", p[0] != '\0' ? p : "libevt error");
	return buf;
}

struct evt_run {
	tri_parse_ctx	*ctx;
	char		*buf;
	size_t		cap;
	struct tri_sbuf	msg;
	char		why[512];
};

static int
reserve(struct evt_run *w, size_t n)
{
	char *p;
	size_t cap;

	if (n <= w->cap)
		return 0;
	if (n > STR_MAX)
		return -1;
	cap = w->cap ? w->cap : 1024;
	while (cap < n)
		cap *= 2;
	if ((p = realloc(w->buf, cap)) == NULL)
		return -1;
	w->buf = p;
	w->cap = cap;
	return 0;
}

typedef int (*size_fn)(libevt_record_t *, size_t *, libevt_error_t **);
typedef int (*str_fn)(libevt_record_t *, uint8_t *, size_t,
    libevt_error_t **);

/* A string of the record as a new string, or NULL when absent. */
static char *
get_str(struct evt_run *w, libevt_record_t *r, size_fn sf, str_fn gf)
{
	libevt_error_t *e = NULL;
	size_t n = 0;

	if (sf(r, &n, &e) != 1 || n == 0 || reserve(w, n) != 0 ||
	    gf(r, (uint8_t *)w->buf, n, &e) != 1) {
		if (e != NULL)
			el.libevt_error_free(&e);
		return NULL;
	}
	w->buf[n - 1] = '\0';
	return strdup(w->buf);
}

static const char *const severities[] = { "Success", "Informational",
	"Warning", "Error" };

/* One record: its event.  TR_OK, TR_EFORMAT (w->why), or emit's failure. */
static int
do_record(struct evt_run *w, libevt_record_t *r, int recovered)
{
	libevt_error_t *e = NULL;
	uint32_t id = 0, ctime = 0, wtime = 0, eid = 0;
	uint16_t type = 0, category = 0;
	int have_type, have_cat, nstr = 0, i, rc = 0;
	char *source, *computer, *sid, h[160];
	tr_time created, written;
	const char *desc = "Creation Time";
	struct tri_sbuf *m = &w->msg;
	tr_rec *evt, *strs = NULL;

	if (el.libevt_record_get_identifier(r, &id, &e) != 1) {
		evt_err(&e, w->why, sizeof(w->why));
		return TR_EFORMAT;
	}
	if (el.libevt_record_get_creation_time(r, &ctime, &e) != 1)
		el.libevt_error_free(&e);
	if (el.libevt_record_get_written_time(r, &wtime, &e) != 1)
		el.libevt_error_free(&e);
	if (el.libevt_record_get_event_identifier(r, &eid, &e) != 1)
		el.libevt_error_free(&e);
	have_type = el.libevt_record_get_event_type(r, &type, &e) == 1;
	if (e != NULL)
		el.libevt_error_free(&e);
	have_cat = el.libevt_record_get_event_category(r, &category, &e) == 1;
	if (e != NULL)
		el.libevt_error_free(&e);
	created = ctime != 0 ? tri_posix_usec((int64_t)ctime * 1000000) :
	    TR_TIME_UNSET;
	written = wtime != 0 ? tri_posix_usec((int64_t)wtime * 1000000) :
	    TR_TIME_UNSET;
	if (tr_time_isset(&created))
		created.digits = 0;
	if (tr_time_isset(&written))
		written.digits = 0;
	if (!tr_time_isset(&created)) {
		created = written;
		desc = "Content Modification Time";
	}
	if ((evt = tri_event_new(w->ctx, "windows:evt:record", &created,
	    desc)) == NULL) {
		snprintf(w->why, sizeof(w->why), "record %u: no time", id);
		return TR_EFORMAT;
	}
	source = get_str(w, r, el.libevt_record_get_utf8_source_name_size,
	    el.libevt_record_get_utf8_source_name);
	computer = get_str(w, r, el.libevt_record_get_utf8_computer_name_size,
	    el.libevt_record_get_utf8_computer_name);
	sid = get_str(w, r,
	    el.libevt_record_get_utf8_user_security_identifier_size,
	    el.libevt_record_get_utf8_user_security_identifier);

	rc |= tr_rec_set_str(evt, "parser", "winevt");
	rc |= tr_rec_set_uint(evt, "record_number", id);
	rc |= tr_rec_set_int(evt, "event_identifier", eid & 0xffff);
	rc |= tr_rec_set_uint(evt, "message_identifier", eid);
	rc |= tr_rec_set_int(evt, "severity", eid >> 30);
	rc |= tr_rec_set_int(evt, "facility", (eid >> 16) & 0x0fff);
	if (have_type)
		rc |= tr_rec_set_int(evt, "event_type", type);
	if (have_cat)
		rc |= tr_rec_set_int(evt, "event_category", category);
	if (source != NULL)
		rc |= tr_rec_set_text(evt, "source_name", source,
		    strlen(source));
	if (computer != NULL) {
		rc |= tr_rec_set_text(evt, "computer_name", computer,
		    strlen(computer));
		rc |= tr_rec_set_text(evt, "hostname", computer,
		    strlen(computer));
	}
	if (sid != NULL)
		rc |= tr_rec_set_text(evt, "user_sid", sid, strlen(sid));

	/*
	 * "[40961 / 0xa001] Severity: Warning Record Number: 1392 Event
	 * Type: 2 Event Category: 3 Source Name: LSASRV Computer Name: ...
	 * Strings: [...]", in plaso's order.
	 */
	m->len = 0;
	m->oom = 0;
	snprintf(h, sizeof(h), "[%u / 0x%04x] Severity: %s Record Number: %u",
	    eid & 0xffff, eid & 0xffff, severities[eid >> 30], id);
	tri_sb_str(m, h);
	if (have_type) {
		snprintf(h, sizeof(h), " Event Type: %u", (unsigned)type);
		tri_sb_str(m, h);
	}
	if (have_cat) {
		snprintf(h, sizeof(h), " Event Category: %u",
		    (unsigned)category);
		tri_sb_str(m, h);
	}
	if (source != NULL) {
		tri_sb_str(m, " Source Name: ");
		tri_sb_str(m, source);
	}
	if (computer != NULL) {
		tri_sb_str(m, " Computer Name: ");
		tri_sb_str(m, computer);
	}
	if (el.libevt_record_get_number_of_strings(r, &nstr, &e) != 1) {
		if (e != NULL)
			el.libevt_error_free(&e);
		nstr = 0;
	}
	if (nstr > 0 && (strs = tr_rec_new_array()) == NULL)
		rc |= TR_ENOMEM;
	if (strs != NULL)
		tri_sb_str(m, " Strings: [");
	for (i = 0; i < nstr && strs != NULL; i++) {
		size_t sz = 0;
		const char *v = "";

		if (el.libevt_record_get_utf8_string_size(r, i, &sz,
		    &e) == 1 && sz > 0 && reserve(w, sz) == 0 &&
		    el.libevt_record_get_utf8_string(r, i, (uint8_t *)w->buf,
		    sz, &e) == 1) {
			w->buf[sz - 1] = '\0';
			v = w->buf;
		}
		if (e != NULL)
			el.libevt_error_free(&e);
		rc |= tr_rec_append_str(strs, v);
		if (i > 0)
			tri_sb_str(m, ", ");
		tri_sb_pyrepr(m, v);
	}
	if (strs != NULL) {
		tri_sb_str(m, "]");
		rc |= tr_rec_set_rec(evt, "strings", strs);
	}
	if (recovered)
		rc |= tr_rec_set_bool(evt, "recovered", 1);
	rc |= tr_rec_set_time(evt, "written_time", &written);
	if (m->oom)
		rc |= TR_ENOMEM;
	else
		rc |= tri_event_message(evt, "%s", m->s);
	free(source);
	free(computer);
	free(sid);
	if (rc != 0) {
		tr_rec_free(evt);
		return TR_ENOMEM;
	}
	return tri_parse_emit(w->ctx, evt);
}

static int
evt_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	/* Header: size 0x30, "LfLe", version 1.1. */
	return len >= 16 && memcmp(head, "\x30\0\0\0LfLe\x01\0\0\0\x01\0\0\0",
	    16) == 0 ? 100 : 0;
}

static int
evt_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	struct evt_run w;
	libbfio_handle_t *bfio = NULL;
	libbfio_error_t *be = NULL;
	libevt_file_t *file = NULL;
	libevt_error_t *e = NULL;
	libevt_record_t *r;
	char why[512];
	int nrec = 0, nrecov = 0, i, rc = TR_OK, lost = 0, failed = 0;

	pthread_once(&el_once, el_load);
	if (!el.lib.ok) {
		tri_parse_warn(ctx, UINT64_MAX, "%s", el.lib.why);
		tri_parse_lost(ctx);
		return TR_EUNSUPPORTED;
	}
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	if (el.libbfio_memory_range_initialize(&bfio, &be) != 1 ||
	    el.libbfio_memory_range_set(bfio, (uint8_t *)a->data, a->size,
	    &be) != 1) {
		if (be != NULL)
			el.libbfio_error_free(&be);
		if (bfio != NULL)
			el.libbfio_handle_free(&bfio, NULL);
		return TR_ENOMEM;
	}
	if (el.libevt_file_initialize(&file, &e) != 1 ||
	    el.libevt_file_open_file_io_handle(file, bfio, LIBEVT_OPEN_READ,
	    &e) != 1) {
		tri_parse_warn(ctx, 0, "not a readable event log: %s",
		    evt_err(&e, why, sizeof(why)));
		if (file != NULL)
			el.libevt_file_free(&file, NULL);
		el.libbfio_handle_free(&bfio, NULL);
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	if (el.libevt_file_get_number_of_records(file, &nrec, &e) != 1) {
		tri_parse_warn(ctx, 0, "%s", evt_err(&e, why, sizeof(why)));
		lost = 1;
	}
	if (el.libevt_file_get_number_of_recovered_records(file, &nrecov,
	    &e) != 1) {
		el.libevt_error_free(&e);
		nrecov = 0;
	}
	for (i = 0; i < nrec + nrecov && rc == TR_OK; i++) {
		int recovered = i >= nrec;

		r = NULL;
		if ((recovered ?
		    el.libevt_file_get_recovered_record_by_index(file,
		    i - nrec, &r, &e) :
		    el.libevt_file_get_record_by_index(file, i, &r, &e)) != 1) {
			evt_err(&e, w.why, sizeof(w.why));
			rc = TR_EFORMAT;
		} else {
			rc = do_record(&w, r, recovered);
			el.libevt_record_free(&r, NULL);
		}
		if (rc == TR_EFORMAT) {
			if (failed++ == 0)
				tri_parse_warn(ctx, UINT64_MAX, "%srecord "
				    "index %d: %s", recovered ? "recovered " :
				    "", recovered ? i - nrec : i, w.why);
			if (!recovered)
				lost = 1;
			rc = TR_OK;
		}
	}
	if (failed > 1)
		tri_parse_warn(ctx, UINT64_MAX, "%d of %d records could not "
		    "be read", failed, nrec + nrecov);
	el.libevt_file_close(file, NULL);
	el.libevt_file_free(&file, NULL);
	el.libbfio_handle_free(&bfio, NULL);
	free(w.buf);
	free(w.msg.s);
	if (lost)
		tri_parse_lost(ctx);
	if (rc != TR_OK)
		return rc;
	return lost ? TR_EFORMAT : TR_OK;
}

const tri_parser tri_parser_winevt = {
	"winevt",
	"Windows NT/XP event log (.Evt), recovered records too, on libevt",
	evt_types,
	evt_artifacts,
	evt_match,
	evt_parse,
};
