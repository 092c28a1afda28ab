/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows XML event logs (.evtx) on libevtx: one `windows:evtx:record`
 * event per record at its TimeCreated, with plaso's fields and the named
 * <Data> values (event_data) read from the record's XML with libxml2.
 *
 * libevtx and its libbfio are loaded into a namespace of their own (yal.c);
 * the artifact is opened in memory through libbfio's memory range handle.
 * Damage is judged against our own walk of the chunk headers (signature,
 * CRC32 of header and records): one warning per damaged chunk naming its
 * offset, and tri_parse_lost() only when records were not read.  A large
 * log is parsed by record ranges on several threads (-j), each with its own
 * libevtx file handle.
 */
#include "internal.h"
#include "parse_internal.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <libevtx.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "yal.h"
#include "parse_winevt.h"

#define EVTX_HEADER_SIZE	4096
#define EVTX_CHUNK_SIZE		65536
#define EVTX_CHUNK_HEADER	512
#define EVTX_PAR_MIN		((size_t)4 << 20)	/* split larger logs */
#define EVTX_THREADS_MAX	16
#define STR_MAX			((size_t)64 << 20)	/* one value */

#define EVTX_API(X) \
	X(libbfio_handle_free) X(libbfio_memory_range_initialize) \
	X(libbfio_error_free) \
	X(libbfio_memory_range_set) \
	X(libevtx_get_version) X(libevtx_error_backtrace_sprint) \
	X(libevtx_error_free) X(libevtx_file_initialize) \
	X(libevtx_file_free) X(libevtx_file_open_file_io_handle) \
	X(libevtx_file_close) X(libevtx_file_get_number_of_records) \
	X(libevtx_file_get_record_by_index) \
	X(libevtx_file_get_number_of_recovered_records) \
	X(libevtx_file_get_recovered_record_by_index) \
	X(libevtx_record_free) \
	X(libevtx_record_get_identifier) X(libevtx_record_get_written_time) \
	X(libevtx_record_get_event_identifier) \
	X(libevtx_record_get_event_identifier_qualifiers) \
	X(libevtx_record_get_event_level) \
	X(libevtx_record_get_utf8_source_name_size) \
	X(libevtx_record_get_utf8_source_name) \
	X(libevtx_record_get_utf8_computer_name_size) \
	X(libevtx_record_get_utf8_computer_name) \
	X(libevtx_record_get_utf8_user_security_identifier_size) \
	X(libevtx_record_get_utf8_user_security_identifier) \
	X(libevtx_record_get_number_of_strings) \
	X(libevtx_record_get_utf8_string_size) \
	X(libevtx_record_get_utf8_string) \
	X(libevtx_record_get_utf8_xml_string_size) \
	X(libevtx_record_get_utf8_xml_string)

static struct {
	EVTX_API(TRI_YAL_MEMBER)
	tri_yal	lib;
} ev;
static const char *const ev_names[] = { EVTX_API(TRI_YAL_NAME) NULL };
static pthread_once_t ev_once = PTHREAD_ONCE_INIT;

static void
ev_load(void)
{
	xmlInitParser();
	tri_yal_load(&ev.lib, "libevtx.so.1", ev_names, (void **)&ev);
}

static const char *const evtx_types[] = { "windows:evtx:record", NULL };
static const char *const evtx_artifacts[] = { "TriageWindowsEventLogs",
	"WindowsEventLogs", "WindowsXMLEventLogApplication",
	"WindowsXMLEventLogSecurity", "WindowsXMLEventLogSystem",
	"WindowsXMLEventLogSysmon", "WindowsXMLEventLogPowerShell",
	"WindowsXMLEventLogTerminalServices", NULL };

/* ---- small helpers ---- */

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

void
tri_sb_add(struct tri_sbuf *b, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
tri_sb_str(struct tri_sbuf *b, const char *s)
{
	tri_sb_add(b, s, strlen(s));
}

void
tri_sb_pyrepr(struct tri_sbuf *b, const char *s)
{
	char esc[8];
	const char *run = s;

	tri_sb_add(b, "'", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c != '\'' && c != '\\' && c >= 0x20 && c != 0x7f)
			continue;
		tri_sb_add(b, run, (size_t)(s - run));
		if (c == '\'' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
		} else if (c == '\n')
			strcpy(esc, "\\n");
		else if (c == '\r')
			strcpy(esc, "\\r");
		else if (c == '\t')
			strcpy(esc, "\\t");
		else
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		tri_sb_str(b, esc);
		run = s + 1;
	}
	tri_sb_add(b, run, (size_t)(s - run));
	tri_sb_add(b, "'", 1);
}

/* The innermost cause in libevtx's error, without the function; frees it. */
static const char *
evtx_err(libevtx_error_t **e, char *buf, size_t len)
{
	char tmp[2048], *p, *q;

	tmp[0] = '\0';
	if (*e != NULL && ev.libevtx_error_backtrace_sprint(*e, tmp,
	    sizeof(tmp)) < 0)
		tmp[0] = '\0';
	if (*e != NULL)
		ev.libevtx_error_free(e);
	tmp[strcspn(tmp, "\r\n")] = '\0';
	p = tmp;
	if (strncmp(p, "lib", 3) == 0 && (q = strstr(p, ": ")) != NULL &&
	    strcspn(p, " ") > (size_t)(q - p))
		p = q + 2;
	if ((q = strchr(p, '\0')) > p && q[-1] == '.')
		q[-1] = '\0';
	snprintf(buf, len, "%s", p[0] != '\0' ? p : "libevtx error");
	return buf;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * libevtx's SystemTime, "2010-11-21T03:55:59.626427100Z", to a time with
 * 7 digits (FILETIME's 100 ns).  Unset when it is not that shape.
 */
static tr_time
parse_systemtime(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	uint32_t ns = 0, scale = 100000000;
	const char *p;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d,
	    &h, &mi, &sec, &n) != 6 || n != 19 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return TR_TIME_UNSET;
	p = s + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			ns += (uint32_t)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p != 'Z' && *p != '\0')
		return TR_TIME_UNSET;
	ns -= ns % 100;
	return tri_time(days_from_civil(y, mo, d) * 86400 + h * 3600 +
	    mi * 60 + sec, ns, 7);
}

/* ---- chunks, as the file says they are ---- */

enum chunk_state {
	CH_OK, CH_EMPTY, CH_BADSIG, CH_HEADER_CRC, CH_DATA_CRC, CH_SHORT
};

struct chunk {
	uint64_t	off;
	uint64_t	first, last;	/* record numbers the header claims */
	uint64_t	got;		/* records libevtx gave from it */
	int		state;
	int		trusted;	/* header checksum good */
	int		open;		/* range guessed, no end */
};

static int
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

static void
check_chunk(const uint8_t *d, size_t size, struct chunk *c)
{
	const uint8_t *p = d + c->off;
	size_t have = size - c->off;
	uint32_t crc, free_off;
	int sig;

	if (have > EVTX_CHUNK_SIZE)
		have = EVTX_CHUNK_SIZE;
	sig = have >= 8 && memcmp(p, "ElfChnk", 8) == 0;
	if (!sig && all_zero(p, have)) {
		c->state = CH_EMPTY;
		return;
	}
	if (have < EVTX_CHUNK_HEADER) {
		c->state = sig ? CH_SHORT : CH_BADSIG;
		return;
	}
	crc = (uint32_t)crc32(0, p, 120);
	crc = (uint32_t)crc32(crc, p + 128, EVTX_CHUNK_HEADER - 128);
	if (crc == le32(p + 124)) {
		/* The record range is the header's (signature or not). */
		c->first = le64(p + 24);
		c->last = le64(p + 32);
		c->trusted = 1;
	}
	if (!sig)
		c->state = CH_BADSIG;
	else if (!c->trusted)
		c->state = CH_HEADER_CRC;
	else if (have < EVTX_CHUNK_SIZE)
		c->state = CH_SHORT;
	else if ((free_off = le32(p + 48)) < EVTX_CHUNK_HEADER ||
	    free_off > EVTX_CHUNK_SIZE)
		c->state = CH_DATA_CRC;
	else if ((uint32_t)crc32(0, p + EVTX_CHUNK_HEADER,
	    free_off - EVTX_CHUNK_HEADER) != le32(p + 52))
		c->state = CH_DATA_CRC;
	else
		c->state = CH_OK;
}

/*
 * A chunk whose header cannot be trusted holds the records between its
 * trusted neighbours' (when they are in order).
 */
static void
guess_ranges(struct chunk *c, size_t n)
{
	size_t k, j;

	for (k = 0; k < n; k++) {
		if (c[k].trusted || c[k].state == CH_EMPTY)
			continue;
		c[k].first = 1;
		c[k].last = 0;
		for (j = k; j-- > 0;)
			if (c[j].trusted) {
				c[k].first = c[j].last + 1;
				break;
			}
		for (j = k + 1; j < n; j++)
			if (c[j].trusted) {
				c[k].last = c[j].first - 1;
				break;
			}
		if (j == n) {	/* the last: open-ended, count unknown */
			c[k].last = UINT64_MAX - 1;
			c[k].open = 1;
		}
	}
}

/* ---- records ---- */

struct worker {
	tri_parse_ctx		*ctx;
	const tr_artifact	*a;
	const uint8_t		*data;		/* a->data, or a padded copy */
	size_t			size;
	int			lo, hi;		/* record indexes */
	int			recovered;	/* also the recovered ones */
	struct chunk		*chunks;	/* shared, read-only */
	size_t			nchunks;
	uint64_t		*ids;		/* record numbers read */
	size_t			nids, idcap;
	libbfio_handle_t	*bfio;
	libevtx_file_t		*file;
	char			*buf;		/* UTF-8 scratch */
	size_t			cap;
	char			*xml;		/* the record's XML */
	size_t			xcap;
	struct tri_sbuf		msg;
	uint64_t		failed;		/* records not read */
	int			first_failed;	/* index of the first */
	char			why[512];	/* and why */
	int			rc;		/* emit's failure */
	int			open_failed;
	pthread_t		tid;
};

/* Make room for n bytes in *buf. */
static int
grow(char **buf, size_t *bcap, size_t n)
{
	char *p;
	size_t cap;

	if (n <= *bcap)
		return 0;
	if (n > STR_MAX)
		return -1;
	cap = *bcap ? *bcap : 4096;
	while (cap < n)
		cap *= 2;
	if ((p = realloc(*buf, cap)) == NULL)
		return -1;
	*buf = p;
	*bcap = cap;
	return 0;
}

static int
reserve(struct worker *w, size_t n)
{
	return grow(&w->buf, &w->cap, n);
}

typedef int (*size_fn)(libevtx_record_t *, size_t *, libevtx_error_t **);
typedef int (*str_fn)(libevtx_record_t *, uint8_t *, size_t,
    libevtx_error_t **);

/* A string of the record into w->buf: its length, or -1 when absent. */
static ssize_t
get_str(struct worker *w, libevtx_record_t *r, size_fn sf, str_fn gf)
{
	libevtx_error_t *e = NULL;
	size_t n = 0;

	if (sf(r, &n, &e) != 1 || n == 0 || reserve(w, n) != 0 ||
	    gf(r, (uint8_t *)w->buf, n, &e) != 1) {
		if (e != NULL)
			ev.libevtx_error_free(&e);
		return -1;
	}
	w->buf[n - 1] = '\0';
	return (ssize_t)strlen(w->buf);
}

/* Text of an element: its one text child, or all of them joined. */
static const char *
node_text(xmlNode *n, xmlChar **owned)
{
	*owned = NULL;
	if (n->children == NULL)
		return "";
	if (n->children->next == NULL && n->children->type == XML_TEXT_NODE)
		return n->children->content != NULL ?
		    (const char *)n->children->content : "";
	*owned = xmlNodeGetContent(n);
	return *owned != NULL ? (const char *)*owned : "";
}

static int
has_element_child(const xmlNode *n)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

static int
set_once(tr_rec *obj, const char *key, const char *val)
{
	if (tr_rec_has(obj, key))
		return TR_OK;	/* the first of a repeated name stands */
	return tr_rec_set_text(obj, key, val, strlen(val));
}

/* UserData: every leaf element below n by its name. */
static int
user_data(tr_rec *obj, xmlNode *n, int depth)
{
	xmlChar *owned;
	int rc = TR_OK;

	for (n = n->children; n != NULL && rc == TR_OK; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (has_element_child(n)) {
			if (depth < 16)
				rc = user_data(obj, n, depth + 1);
			continue;
		}
		rc = set_once(obj, (const char *)n->name, node_text(n,
		    &owned));
		xmlFree(owned);
	}
	return rc;
}

struct xmlvals {
	tr_time		created;
	int64_t		version;	/* -1: none */
	char		*channel;	/* xmlFree */
	char		*guid;		/* Provider Guid, xmlFree */
	char		*provider;	/* Provider Name, xmlFree */
	tr_rec		*data;		/* event_data, or NULL */
};

static int
is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/*
 * XML parsers turn CR LF into LF (XML 1.0, 2.11); a value keeps its CR
 * when it is given to the parser as a character reference.  The copy goes
 * to w->buf.  Returns the text to parse and sets *len, or NULL.
 */
static const char *
keep_cr(struct worker *w, size_t *len)
{
	const char *x = w->xml, *cr;
	size_t n = 0, i, o = 0;

	if ((cr = memchr(x, '\r', *len)) == NULL)
		return x;
	for (i = (size_t)(cr - x); i < *len; i++)
		n += x[i] == '\r';
	if (reserve(w, *len + n * 4 + 1) != 0)
		return NULL;
	for (i = 0; i < *len; i++) {
		if (x[i] == '\r') {
			memcpy(w->buf + o, "&#13;", 5);
			o += 5;
		} else
			w->buf[o++] = x[i];
	}
	w->buf[o] = '\0';
	*len = o;
	return w->buf;
}

/* What only the XML has: TimeCreated, Version, Channel, named Data. */
static int
read_xml(struct worker *w, size_t len, struct xmlvals *xv)
{
	const char *xml;
	xmlDoc *doc;
	xmlNode *root, *sec, *n;
	xmlChar *s, *owned;
	const char *t;
	char *end;
	int rc = TR_OK;

	xv->created = TR_TIME_UNSET;
	xv->version = -1;
	xv->channel = NULL;
	xv->guid = NULL;
	xv->provider = NULL;
	xv->data = NULL;
	if ((xml = keep_cr(w, &len)) == NULL)
		return TR_ENOMEM;
	if (len > INT_MAX || (doc = xmlReadMemory(xml, (int)len, NULL,
	    "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | XML_PARSE_RECOVER)) == NULL)
		return TR_EFORMAT;
	if ((root = xmlDocGetRootElement(doc)) == NULL) {
		xmlFreeDoc(doc);
		return TR_EFORMAT;
	}
	for (sec = root->children; sec != NULL && rc == TR_OK;
	    sec = sec->next) {
		if (is(sec, "System")) {
			for (n = sec->children; n != NULL; n = n->next) {
				if (is(n, "TimeCreated")) {
					s = xmlGetProp(n,
					    (const xmlChar *)"SystemTime");
					xv->created = parse_systemtime(
					    (const char *)s);
					xmlFree(s);
				} else if (is(n, "Provider") &&
				    xv->guid == NULL) {
					xv->guid = (char *)xmlGetProp(n,
					    (const xmlChar *)"Guid");
					xv->provider = (char *)xmlGetProp(n,
					    (const xmlChar *)"Name");
				} else if (is(n, "Version")) {
					t = node_text(n, &owned);
					xv->version = strtoll(t, &end, 10);
					if (end == t || *end != '\0')
						xv->version = -1;
					xmlFree(owned);
				} else if (is(n, "Channel") &&
				    xv->channel == NULL)
					xv->channel = (char *)
					    xmlNodeGetContent(n);
			}
		} else if (is(sec, "EventData")) {
			for (n = sec->children; n != NULL && rc == TR_OK;
			    n = n->next) {
				if (!is(n, "Data") || (s = xmlGetProp(n,
				    (const xmlChar *)"Name")) == NULL)
					continue;
				if (xv->data == NULL &&
				    (xv->data = tr_rec_new_object()) == NULL)
					rc = TR_ENOMEM;
				else
					rc = set_once(xv->data,
					    (const char *)s, node_text(n,
					    &owned));
				xmlFree(s);
				if (rc == TR_OK)
					xmlFree(owned);
			}
		} else if (is(sec, "UserData")) {
			if (xv->data == NULL &&
			    (xv->data = tr_rec_new_object()) == NULL)
				rc = TR_ENOMEM;
			else
				rc = user_data(xv->data, sec, 0);
		}
	}
	xmlFreeDoc(doc);
	return rc;
}

/*
 * One record: its event.  Returns TR_OK, TR_EFORMAT when the record could
 * not be read (w->why says why), or emit's failure.
 */
static int
do_record(struct worker *w, libevtx_record_t *r, int recovered)
{
	libevtx_error_t *e = NULL;
	struct xmlvals xv = { TR_TIME_UNSET, -1, NULL, NULL, NULL,
	    NULL };
	uint64_t id = 0, written = 0;
	uint32_t eid = 0, qual = 0;
	uint8_t level = 0;
	int have_eid, have_qual, have_level, nstr = 0, i, rc = 0;
	tr_time created, wt;
	tr_rec *evt, *strs = NULL;
	size_t xlen;
	char *source = NULL, *computer = NULL, *guid = NULL;
	const char *desc = "Creation Time";
	struct tri_sbuf *m = &w->msg;

	if (ev.libevtx_record_get_identifier(r, &id, &e) != 1) {
		evtx_err(&e, w->why, sizeof(w->why));
		return TR_EFORMAT;
	}
	if (ev.libevtx_record_get_written_time(r, &written, &e) != 1)
		ev.libevtx_error_free(&e);
	have_eid = ev.libevtx_record_get_event_identifier(r, &eid, &e) == 1;
	if (e != NULL)
		ev.libevtx_error_free(&e);
	have_qual = ev.libevtx_record_get_event_identifier_qualifiers(r,
	    &qual, &e) == 1;
	if (e != NULL)
		ev.libevtx_error_free(&e);
	have_level = ev.libevtx_record_get_event_level(r, &level, &e) == 1;
	if (e != NULL)
		ev.libevtx_error_free(&e);

	/* The XML first: it has TimeCreated. */
	xlen = 0;
	if (ev.libevtx_record_get_utf8_xml_string_size(r, &xlen, &e) != 1 ||
	    xlen == 0 || grow(&w->xml, &w->xcap, xlen) != 0 ||
	    ev.libevtx_record_get_utf8_xml_string(r, (uint8_t *)w->xml, xlen,
	    &e) != 1) {
		char tmp[400];

		snprintf(w->why, sizeof(w->why),
		    "record %llu: libevtx cannot render its XML: %s",
		    (unsigned long long)id, e != NULL ? evtx_err(&e, tmp,
		    sizeof(tmp)) : "too large");
		return TR_EFORMAT;
	}
	w->xml[xlen - 1] = '\0';
	xlen = strlen(w->xml);
	if (read_xml(w, xlen, &xv) == TR_ENOMEM)
		return TR_ENOMEM;
	wt = tri_filetime(written);
	created = xv.created;
	if (!tr_time_isset(&created)) {
		created = wt;
		desc = "Content Modification Time";
	}
	if ((evt = tri_event_new(w->ctx, "windows:evtx:record", &created,
	    desc)) == NULL) {
		snprintf(w->why, sizeof(w->why), "record %llu: no time",
		    (unsigned long long)id);
		tr_rec_free(xv.data);
		xmlFree(xv.channel);
		xmlFree(xv.guid);
		xmlFree(xv.provider);
		return TR_EFORMAT;
	}
	rc |= tr_rec_set_str(evt, "parser", "winevtx");
	rc |= tr_rec_set_uint(evt, "record_number", id);
	if (have_eid)
		rc |= tr_rec_set_int(evt, "event_identifier", eid);
	if (have_eid && have_qual)
		rc |= tr_rec_set_int(evt, "message_identifier",
		    (int64_t)((uint64_t)(qual & 0xffff) << 16 | eid));
	if (xv.version >= 0)
		rc |= tr_rec_set_int(evt, "event_version", xv.version);
	if (have_level)
		rc |= tr_rec_set_int(evt, "event_level", level);
	if (get_str(w, r, ev.libevtx_record_get_utf8_source_name_size,
	    ev.libevtx_record_get_utf8_source_name) >= 0) {
		rc |= tr_rec_set_text(evt, "source_name", w->buf,
		    strlen(w->buf));
		source = strdup(w->buf);
	}
	if (xv.provider != NULL)
		rc |= tr_rec_set_text(evt, "provider_name", xv.provider,
		    strlen(xv.provider));
	if ((guid = xv.guid) != NULL)
		rc |= tr_rec_set_text(evt, "provider_identifier", guid,
		    strlen(guid));
	if (xv.channel != NULL)
		rc |= tr_rec_set_text(evt, "channel", xv.channel,
		    strlen(xv.channel));
	if (get_str(w, r, ev.libevtx_record_get_utf8_computer_name_size,
	    ev.libevtx_record_get_utf8_computer_name) >= 0) {
		rc |= tr_rec_set_text(evt, "computer_name", w->buf,
		    strlen(w->buf));
		rc |= tr_rec_set_text(evt, "hostname", w->buf,
		    strlen(w->buf));
		computer = strdup(w->buf);
	}
	if (get_str(w, r,
	    ev.libevtx_record_get_utf8_user_security_identifier_size,
	    ev.libevtx_record_get_utf8_user_security_identifier) >= 0)
		rc |= tr_rec_set_text(evt, "user_sid", w->buf,
		    strlen(w->buf));

	/* "[7036 / 0x1b7c] Provider identifier: ... Strings: [...]" */
	m->len = 0;
	m->oom = 0;
	tri_sb_str(m, "");
	if (have_eid) {
		char h[48];

		snprintf(h, sizeof(h), "[%u / 0x%04x] ", eid, eid);
		tri_sb_str(m, h);
	}
	if (guid != NULL) {
		tri_sb_str(m, "Provider identifier: ");
		tri_sb_str(m, guid);
		tri_sb_str(m, " ");
	}
	if (source != NULL) {
		tri_sb_str(m, "Source Name: ");
		tri_sb_str(m, source);
		tri_sb_str(m, " ");
	}
	if (ev.libevtx_record_get_number_of_strings(r, &nstr, &e) != 1) {
		if (e != NULL)
			ev.libevtx_error_free(&e);
		nstr = 0;
	}
	if (nstr > 0 && (strs = tr_rec_new_array()) == NULL)
		rc |= TR_ENOMEM;
	if (strs != NULL)
		tri_sb_str(m, "Strings: [");
	for (i = 0; i < nstr && strs != NULL; i++) {
		size_t sz = 0;
		const char *v = "";

		if (ev.libevtx_record_get_utf8_string_size(r, i, &sz,
		    &e) == 1 && sz > 0 && reserve(w, sz) == 0 &&
		    ev.libevtx_record_get_utf8_string(r, i,
		    (uint8_t *)w->buf, sz, &e) == 1) {
			w->buf[sz - 1] = '\0';
			v = w->buf;
		}
		if (e != NULL)
			ev.libevtx_error_free(&e);
		rc |= tr_rec_append_str(strs, v);
		if (i > 0)
			tri_sb_str(m, ", ");
		tri_sb_pyrepr(m, v);
	}
	if (strs != NULL) {
		tri_sb_str(m, "] ");
		rc |= tr_rec_set_rec(evt, "strings", strs);
	}
	if (xv.data != NULL)
		rc |= tr_rec_set_rec(evt, "event_data", xv.data);
	if (recovered)
		rc |= tr_rec_set_bool(evt, "recovered", 1);
	rc |= tr_rec_set_text(evt, "xml_string", w->xml, xlen);
	rc |= tr_rec_set_time(evt, "written_time", &wt);
	if (computer != NULL) {
		tri_sb_str(m, "Computer Name: ");
		tri_sb_str(m, computer);
		tri_sb_str(m, " ");
	}
	{
		char t[64];

		snprintf(t, sizeof(t), "Record Number: %llu",
		    (unsigned long long)id);
		tri_sb_str(m, t);
		if (have_level) {
			snprintf(t, sizeof(t), " Event Level: %u",
			    (unsigned)level);
			tri_sb_str(m, t);
		}
	}
	if (m->oom)
		rc |= TR_ENOMEM;
	else
		rc |= tri_event_message(evt, "%s", m->s);
	xmlFree(xv.channel);
	free(source);
	free(computer);
	xmlFree(guid);
	xmlFree(xv.provider);
	if (rc != 0) {
		tr_rec_free(evt);
		return TR_ENOMEM;
	}
	if (w->nids == w->idcap) {
		size_t cap = w->idcap ? w->idcap * 2 : 1024;
		uint64_t *p = realloc(w->ids, cap * sizeof(*p));

		if (p == NULL) {
			tr_rec_free(evt);
			return TR_ENOMEM;
		}
		w->ids = p;
		w->idcap = cap;
	}
	w->ids[w->nids++] = id;	/* recovered too: from damaged chunks */
	return tri_parse_emit(w->ctx, evt);
}

static int
open_file(struct worker *w)
{
	libbfio_error_t *be = NULL;
	libevtx_error_t *e = NULL;

	if (ev.libbfio_memory_range_initialize(&w->bfio, &be) != 1 ||
	    ev.libbfio_memory_range_set(w->bfio, (uint8_t *)w->data,
	    w->size, &be) != 1) {
		if (be != NULL)
			ev.libbfio_error_free(&be);
		snprintf(w->why, sizeof(w->why), "libbfio cannot map it");
		return -1;
	}
	if (ev.libevtx_file_initialize(&w->file, &e) != 1 ||
	    ev.libevtx_file_open_file_io_handle(w->file, w->bfio,
	    LIBEVTX_OPEN_READ, &e) != 1) {
		evtx_err(&e, w->why, sizeof(w->why));
		return -1;
	}
	return 0;
}

static void
close_file(struct worker *w)
{
	if (w->file != NULL) {
		ev.libevtx_file_close(w->file, NULL);
		ev.libevtx_file_free(&w->file, NULL);
	}
	if (w->bfio != NULL)
		ev.libbfio_handle_free(&w->bfio, NULL);
}

static void
note_failure(struct worker *w, int index, const char *why)
{
	if (w->failed++ == 0) {
		w->first_failed = index;
		if (why != w->why)
			snprintf(w->why, sizeof(w->why), "%s", why);
	}
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	libevtx_error_t *e = NULL;
	libevtx_record_t *r;
	char why[512];
	int i, nrec = 0, rc;

	if (w->file == NULL && open_file(w) != 0) {
		w->open_failed = 1;
		return NULL;
	}
	for (i = w->lo; i < w->hi && w->rc == TR_OK; i++) {
		if (tri_parse_stopped(w->ctx)) {
			w->rc = TR_EINTR;
			break;
		}
		r = NULL;
		if (ev.libevtx_file_get_record_by_index(w->file, i, &r,
		    &e) != 1) {
			note_failure(w, i, evtx_err(&e, why, sizeof(why)));
			continue;
		}
		rc = do_record(w, r, 0);
		ev.libevtx_record_free(&r, NULL);
		if (rc == TR_EFORMAT)
			note_failure(w, i, w->why);
		else if (rc != TR_OK)
			w->rc = rc;
	}
	if (w->recovered && w->rc == TR_OK &&
	    ev.libevtx_file_get_number_of_recovered_records(w->file, &nrec,
	    &e) != 1) {
		ev.libevtx_error_free(&e);
		nrec = 0;
	}
	for (i = 0; w->recovered && i < nrec && w->rc == TR_OK; i++) {
		r = NULL;
		if (ev.libevtx_file_get_recovered_record_by_index(w->file, i,
		    &r, &e) != 1) {
			ev.libevtx_error_free(&e);	/* not lost: extra */
			continue;
		}
		rc = do_record(w, r, 1);
		ev.libevtx_record_free(&r, NULL);
		if (rc != TR_OK && rc != TR_EFORMAT)
			w->rc = rc;
	}
	return NULL;
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* Index of the first id >= v in the sorted ids. */
static size_t
lower_bound(const uint64_t *ids, size_t n, uint64_t v)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * How many of the records read fall in each chunk's record number range
 * (libevtx does not say which chunk a record came from).
 */
static int
count_per_chunk(struct worker *ws, size_t nw, struct chunk *chunks,
    size_t nchunks)
{
	uint64_t *all;
	size_t n = 0, t, k;

	for (t = 0; t < nw; t++)
		n += ws[t].nids;
	if (n == 0)
		return 0;
	if ((all = malloc(n * sizeof(*all))) == NULL)
		return -1;
	for (n = 0, t = 0; t < nw; t++) {
		if (ws[t].nids > 0)
			memcpy(all + n, ws[t].ids, ws[t].nids * sizeof(*all));
		n += ws[t].nids;
	}
	qsort(all, n, sizeof(*all), cmp_u64);
	for (k = 0; k < nchunks; k++) {
		struct chunk *c = &chunks[k];

		if (c->state == CH_EMPTY || c->last < c->first)
			continue;
		c->got = lower_bound(all, n, c->last == UINT64_MAX ?
		    UINT64_MAX : c->last + 1) - lower_bound(all, n, c->first);
		if (c->last == UINT64_MAX)
			c->got += 0;
	}
	free(all);
	return 0;
}

static int
evtx_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	return len >= 8 && memcmp(head, "ElfFile", 8) == 0 ? 100 : 0;
}

static const char *const state_why[] = {
	[CH_BADSIG] = "no chunk signature",
	[CH_HEADER_CRC] = "bad chunk header checksum",
	[CH_DATA_CRC] = "bad event records checksum",
	[CH_SHORT] = "cut short by the end of the file",
};

/* Threads for a log of this size under -j. */
static int
threads_for(tri_parse_ctx *ctx, size_t size, int nrec)
{
	int jobs = tri_parse_conf_of(ctx)->jobs;

	if (jobs <= 1 || size < EVTX_PAR_MIN || nrec < 2000)
		return 1;
	if (jobs > EVTX_THREADS_MAX)
		jobs = EVTX_THREADS_MAX;
	return jobs;
}

static int
evtx_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	struct worker *ws = NULL;
	struct chunk *chunks = NULL;
	libevtx_error_t *e = NULL;
	size_t nchunks = 0, k, t;
	uint64_t claimed, failed = 0, missing = 0;
	int nrec = 0, nthreads, lost = 0, rc = TR_OK;
	uint8_t *padded = NULL;
	size_t psize = 0;
	int hdr_bad;
	uint64_t short_recs = 0, short_off = 0;
	size_t short_chunks = 0;
	char why[512], cut[128] = "";

	pthread_once(&ev_once, ev_load);
	if (!ev.lib.ok) {
		tri_parse_warn(ctx, UINT64_MAX, "%s", ev.lib.why);
		tri_parse_lost(ctx);
		return TR_EUNSUPPORTED;
	}

	/* The chunks the file holds, and the ones its header claims. */
	claimed = a->size >= 128 ? (uint64_t)(a->data[42] |
	    a->data[43] << 8) : 0;
	if (a->size > EVTX_HEADER_SIZE)
		nchunks = (a->size - EVTX_HEADER_SIZE + EVTX_CHUNK_SIZE - 1) /
		    EVTX_CHUNK_SIZE;
	if (nchunks > 0 && (chunks = calloc(nchunks, sizeof(*chunks))) ==
	    NULL)
		return TR_ENOMEM;
	for (k = 0; k < nchunks; k++) {
		chunks[k].off = EVTX_HEADER_SIZE + k * EVTX_CHUNK_SIZE;
		check_chunk(a->data, a->size, &chunks[k]);
	}
	guess_ranges(chunks, nchunks);

	/*
	 * libevtx gets a repaired copy when (a) the last chunk is cut
	 * short: it skips a chunk it cannot read whole, so the copy is
	 * zero-padded and the records that are there are read (the cut one
	 * fails its size check); (b) the file header fails its checksum:
	 * libevtx trusts its chunk count, so the copy's header counts the
	 * chunks the file holds (a checksum of 0 is none: some writers
	 * leave it out).
	 */
	hdr_bad = a->size >= 128 && le32(a->data + 124) != 0 &&
	    (uint32_t)crc32(0, a->data, 120) != le32(a->data + 124);
	if (hdr_bad) {
		claimed = 0;
		for (k = 0; k < nchunks; k++)
			if (chunks[k].state != CH_EMPTY &&
			    chunks[k].state != CH_BADSIG)
				claimed = k + 1;
	}
	if ((nchunks > 0 && chunks[nchunks - 1].state == CH_SHORT &&
	    a->size < EVTX_HEADER_SIZE + nchunks * EVTX_CHUNK_SIZE) ||
	    (hdr_bad && a->size >= EVTX_HEADER_SIZE)) {
		psize = EVTX_HEADER_SIZE + nchunks * EVTX_CHUNK_SIZE;
		if ((padded = calloc(1, psize)) == NULL) {
			free(chunks);
			return TR_ENOMEM;
		}
		memcpy(padded, a->data, a->size);
	}
	if (padded != NULL && hdr_bad) {
		uint32_t crc;

		padded[32] = 128;		/* header size */
		padded[33] = padded[34] = padded[35] = 0;
		padded[36] = 1;			/* version 3.1 */
		padded[37] = 0;
		padded[38] = 3;
		padded[39] = 0;
		padded[40] = 0;			/* header block size 4096 */
		padded[41] = 0x10;
		padded[42] = (uint8_t)(claimed & 0xff);
		padded[43] = (uint8_t)(claimed >> 8);
		crc = (uint32_t)crc32(0, padded, 120);
		padded[124] = (uint8_t)crc;
		padded[125] = (uint8_t)(crc >> 8);
		padded[126] = (uint8_t)(crc >> 16);
		padded[127] = (uint8_t)(crc >> 24);
		tri_parse_warn(ctx, 0, "file header: bad checksum; read as a "
		    "header counting the %llu chunks the file holds",
		    (unsigned long long)claimed);
	}
	if ((ws = calloc(EVTX_THREADS_MAX, sizeof(*ws))) == NULL) {
		free(padded);
		free(chunks);
		return TR_ENOMEM;
	}
	ws[0].ctx = ctx;
	ws[0].a = a;
	ws[0].data = padded != NULL ? padded : a->data;
	ws[0].size = padded != NULL ? psize : a->size;
	if (open_file(&ws[0]) != 0) {
		tri_parse_warn(ctx, 0, "not a readable event log: %s",
		    ws[0].why);
		close_file(&ws[0]);
		free(ws);
		free(chunks);
		free(padded);
		tri_parse_lost(ctx);
		return TR_EFORMAT;
	}
	if (ev.libevtx_file_get_number_of_records(ws[0].file, &nrec,
	    &e) != 1) {
		tri_parse_warn(ctx, 0, "%s", evtx_err(&e, why, sizeof(why)));
		nrec = 0;
		lost = 1;
	}
	nthreads = threads_for(ctx, a->size, nrec);
	for (t = 0; t < (size_t)nthreads; t++) {
		ws[t].ctx = ctx;
		ws[t].a = a;
		ws[t].data = ws[0].data;
		ws[t].size = ws[0].size;
		ws[t].lo = (int)((int64_t)nrec * (int64_t)t / nthreads);
		ws[t].hi = (int)((int64_t)nrec * (int64_t)(t + 1) / nthreads);
		ws[t].recovered = t == 0;
		ws[t].chunks = chunks;
		ws[t].nchunks = nchunks;
	}
	for (t = 1; t < (size_t)nthreads; t++)
		if (ws[t].rc != TR_OK || pthread_create(&ws[t].tid, NULL,
		    work, &ws[t]) != 0) {
			ws[t].rc = TR_OK;	/* run it here */
			work(&ws[t]);
			ws[t].tid = 0;
		}
	if (ws[0].rc == TR_OK)
		work(&ws[0]);
	for (t = 1; t < (size_t)nthreads; t++)
		if (ws[t].tid != 0)
			pthread_join(ws[t].tid, NULL);

	for (t = 0; t < (size_t)nthreads; t++) {
		if (ws[t].rc != TR_OK && rc == TR_OK)
			rc = ws[t].rc;
		if (ws[t].open_failed) {
			failed += (uint64_t)(ws[t].hi - ws[t].lo);
			snprintf(why, sizeof(why), "%s", ws[t].why);
		}
		if (ws[t].failed > 0) {
			if (failed == 0)
				snprintf(why, sizeof(why), "record index %d: "
				    "%s", ws[t].first_failed, ws[t].why);
			failed += ws[t].failed;
		}
	}
	if (rc == TR_OK && count_per_chunk(ws, (size_t)nthreads, chunks,
	    nchunks) != 0)
		rc = TR_ENOMEM;
	if (failed > 0) {
		tri_parse_warn(ctx, UINT64_MAX, "%llu of %d records could not "
		    "be read (the first: %s)", (unsigned long long)failed,
		    nrec, why);
		lost = 1;
	}

	/* Chunks the header counts that the file does not hold. */
	if (claimed > nchunks) {
		missing = claimed - nchunks;
		snprintf(cut, sizeof(cut), " (its "
		    "header counts %llu chunks, %zu are in the file)",
		    (unsigned long long)claimed, nchunks);
	}
	/* One warning per damaged chunk; lost when it held unread records. */
	for (k = 0; k < nchunks && rc == TR_OK; k++) {
		struct chunk *c = &chunks[k];
		uint64_t want = !c->open && c->last >= c->first &&
		    c->last - c->first < EVTX_CHUNK_SIZE ?
		    c->last - c->first + 1 : 0;
		const char *more = k + 1 == nchunks ? cut : "";

		if (c->state == CH_OK && c->got < want) {
			if (short_chunks++ == 0)
				short_off = c->off;
			short_recs += want - c->got;
		}
		if (c->state == CH_OK || c->state == CH_EMPTY)
			continue;
		if (c->state == CH_BADSIG && k >= claimed)
			continue;	/* slack past the log's chunks */
		if (c->got == 0 && want == 0) {
			tri_parse_warn(ctx, c->off, "chunk %zu: %s%s: no "
			    "records read", k, state_why[c->state], more);
			lost = 1;
		} else if (c->got < want ||
		    (c->got == 0 && c->state != CH_DATA_CRC)) {
			tri_parse_warn(ctx, c->off, "chunk %zu: %s%s: %llu "
			    "of %llu records read", k, state_why[c->state],
			    more, (unsigned long long)c->got,
			    (unsigned long long)want);
			lost = 1;
		} else
			tri_parse_warn(ctx, c->off, "chunk %zu: %s%s: all "
			    "%llu records read", k, state_why[c->state], more,
			    (unsigned long long)c->got);
		if (more[0] != '\0')
			cut[0] = '\0';
	}
	/* Sound chunks short of records not already said above. */
	if (rc == TR_OK && short_chunks > 0 && short_recs > failed) {
		tri_parse_warn(ctx, short_off, "%llu records of %zu sound "
		    "chunks could not be read (the first such chunk is here)",
		    (unsigned long long)short_recs, short_chunks);
		lost = 1;
	}
	if (rc == TR_OK && missing > 0) {
		if (cut[0] != '\0')
			tri_parse_warn(ctx, a->size, "file cut short: its "
			    "header counts %llu chunks, %zu are here",
			    (unsigned long long)claimed, nchunks);
		lost = 1;
	}

	for (t = 0; t < (size_t)nthreads; t++) {
		close_file(&ws[t]);
		free(ws[t].ids);
		free(ws[t].buf);
		free(ws[t].xml);
		free(ws[t].msg.s);
	}
	free(ws);
	free(chunks);
	free(padded);
	if (lost)
		tri_parse_lost(ctx);
	if (rc != TR_OK)
		return rc;
	return lost ? TR_EFORMAT : TR_OK;
}

const tri_parser tri_parser_winevtx = {
	"winevtx",
	"Windows XML event log (.evtx), on libevtx",
	evtx_types,
	evtx_artifacts,
	evtx_match,
	evtx_parse,
};
