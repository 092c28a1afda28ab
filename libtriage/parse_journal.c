/* SPDX-License-Identifier: Apache-2.0 */
/*
 * systemd journal files, read by libsystemd from a memfd holding the
 * artifact's bytes (sd_journal_open_files_fd): nothing is written next to
 * the evidence and images work like plain files.  One event per entry at
 * its realtime, with its hostname, identifier, PID, message and every
 * other field under the journal's own name.  sshd, sudo, su, cron, PAM
 * and account messages take their own data type (parse_syslog_auth.c),
 * keeping the journal's fields.
 *
 * A damaged journal gives what libsystemd can read and a warning; the
 * iteration is bounded by the header's object count and stops when the
 * sequence numbers stop increasing (a cycle in the entry arrays).
 */
#include "internal.h"
#include "parse_linux.h"
#include "parse_syslog_auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#define JOURNAL_SIG	"LPKSHHRH"
#define FIELD_MAX	(1u << 20)	/* bytes kept of one field */

static int
journal_match(const uint8_t *head, size_t len, uint64_t size,
    const char *name)
{
	(void)size;
	(void)name;
	return len >= 208 && memcmp(head, JOURNAL_SIG, 8) == 0 ? 100 : 0;
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Add FIELD=value: a repeated field becomes an array, as journalctl. */
static int
add_field(tr_rec *ev, const char *key, const char *val, size_t len)
{
	tr_rec *arr, *old;
	const char *s;
	int rc;

	if (!tr_rec_has(ev, key))
		return tr_rec_set_text(ev, key, val, len);
	if ((old = tr_rec_get_rec(ev, key)) != NULL) {
		char *copy = strndup(val, len);

		if (copy == NULL)
			return TR_ENOMEM;
		rc = tr_rec_append_str(old, copy);
		free(copy);
		return rc;
	}
	if ((s = tr_rec_get_str(ev, key)) == NULL ||
	    (arr = tr_rec_new_array()) == NULL)
		return TR_ENOMEM;
	rc = tr_rec_append_str(arr, s);
	{
		char *copy = strndup(val, len);

		if (copy == NULL) {
			tr_rec_free(arr);
			return TR_ENOMEM;
		}
		rc |= tr_rec_append_str(arr, copy);
		free(copy);
	}
	return rc | tr_rec_set_rec(ev, key, arr);
}

/* The value of field (NUL-terminated copy into buf) or NULL. */
static const char *
get(sd_journal *j, const char *field, char *buf, size_t len)
{
	const void *d;
	size_t n, fl = strlen(field);

	if (sd_journal_get_data(j, field, &d, &n) < 0 || n <= fl)
		return NULL;
	n -= fl + 1;
	if (n >= len)
		n = len - 1;
	memcpy(buf, (const char *)d + fl + 1, n);
	buf[n] = '\0';
	return buf;
}

static int
entry(tri_parse_ctx *ctx, sd_journal *j, uint64_t usec, const char *cursor)
{
	char host[256], rep[256], pidb[32], key[256];
	const char *h, *r, *pid;
	const void *d;
	const char *msg = NULL, *eq;
	size_t n, ml = 0;
	struct tri_auth au;
	int classified = 0, rc = 0, k;
	uint64_t mono;
	sd_id128_t boot;
	char *mbuf = NULL;
	tr_rec *ev;
	tr_time t = tri_posix_usec((int64_t)usec);

	h = get(j, "_HOSTNAME", host, sizeof(host));
	if ((r = get(j, "SYSLOG_IDENTIFIER", rep, sizeof(rep))) == NULL)
		r = get(j, "_COMM", rep, sizeof(rep));
	if ((pid = get(j, "_PID", pidb, sizeof(pidb))) == NULL)
		pid = get(j, "SYSLOG_PID", pidb, sizeof(pidb));
	if (sd_journal_get_data(j, "MESSAGE", &d, &n) >= 0 && n >= 8) {
		ml = n - 8;
		if ((mbuf = malloc(ml + 1)) == NULL)
			return TR_ENOMEM;
		memcpy(mbuf, (const char *)d + 8, ml);
		mbuf[ml] = '\0';
		msg = mbuf;
	}
	if (r != NULL && msg != NULL)
		classified = tri_auth_classify(r, strlen(r), msg, ml, &au);
	if ((ev = tri_event_new(ctx, classified ? au.data_type :
	    "systemd:journal", &t, "Written Time")) == NULL) {
		free(mbuf);
		return TR_ENOMEM;
	}
	if (r != NULL && pid != NULL)
		rc |= tri_event_message(ev, "[%s, pid: %s] %.*s", r, pid,
		    (int)ml, msg != NULL ? msg : "");
	else if (r != NULL)
		rc |= tri_event_message(ev, "[%s] %.*s", r, (int)ml,
		    msg != NULL ? msg : "");
	else
		rc |= tri_event_message(ev, "%.*s", (int)ml,
		    msg != NULL ? msg : "");
	if (h != NULL)
		rc |= tr_rec_set_text(ev, "hostname", h, strlen(h));
	if (r != NULL)
		rc |= tr_rec_set_text(ev, "reporter", r, strlen(r));
	if (pid != NULL && tri_digits(pid, strlen(pid)) >= 0 &&
	    strlen(pid) < 19)
		rc |= tr_rec_set_int(ev, "pid", tri_digits(pid, strlen(pid)));
	if (msg != NULL)
		rc |= tr_rec_set_text(ev, "body", msg, ml);
	if (classified)
		rc |= tri_auth_set(ev, &au);
	rc |= tr_rec_set_str(ev, "cursor", cursor);
	if (sd_journal_get_monotonic_usec(j, &mono, &boot) >= 0)
		rc |= tr_rec_set_uint(ev, "monotonic_timestamp", mono);
	rc |= tr_rec_set_uint(ev, "realtime_timestamp", usec);
	free(mbuf);
	sd_journal_restart_data(j);
	while (rc == 0 &&
	    (k = sd_journal_enumerate_available_data(j, &d, &n)) > 0) {
		if ((eq = memchr(d, '=', n)) == NULL ||
		    (size_t)(eq - (const char *)d) >= sizeof(key) ||
		    eq == d)
			continue;
		memcpy(key, d, (size_t)(eq - (const char *)d));
		key[eq - (const char *)d] = '\0';
		rc |= add_field(ev, key, eq + 1,
		    n - (size_t)(eq + 1 - (const char *)d));
	}
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

static int
write_all(int fd, const uint8_t *d, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, d, n)) <= 0)
			return -1;
		d += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * A descriptor on a copy of the artifact's bytes in memory: a file in
 * /dev/shm (tmpfs) named in *tmp, unlinked by the caller once libsystemd
 * has opened it.  Never next to the evidence.
 */
static int
copy_fd(tri_parse_ctx *ctx, const tr_artifact *a, char **tmp)
{
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	int fd;

	*tmp = NULL;
	if (asprintf(tmp, "%s/triage-journal-XXXXXX", dir) < 0) {
		*tmp = NULL;
		return -1;
	}
	if ((fd = mkostemp(*tmp, O_CLOEXEC)) < 0) {
		tri_parse_warn(ctx, UINT64_MAX, "cannot make a copy of the "
		    "journal in %s: %s", dir, strerror(errno));
		tri_parse_lost(ctx);
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	if (write_all(fd, a->data, a->size) != 0) {
		tri_parse_warn(ctx, UINT64_MAX, "cannot copy the journal to "
		    "%s: %s", *tmp, strerror(errno));
		tri_parse_lost(ctx);
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	return fd;
}

/* "s=...;i=SEQNUM;..." -> SEQNUM */
static uint64_t
cursor_seqnum(const char *c)
{
	const char *p = strstr(c, ";i=");

	return p != NULL ? strtoull(p + 3, NULL, 16) : 0;
}

static int
journal_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	sd_journal *j = NULL;
	uint64_t n_entries, n_objects, bound, count = 0, usec, seq, last = 0;
	char *cursor, *tmp;
	int fd, r, rc = TR_OK;

	n_objects = le64(a->data + 144);
	n_entries = le64(a->data + 152);
	if ((fd = copy_fd(ctx, a, &tmp)) < 0)
		return TR_EIO;
	r = sd_journal_open_files_fd(&j, &fd, 1, 0);
	if (tmp != NULL) {
		/*
		 * libsystemd refuses a file with no links (memfd, O_TMPFILE):
		 * the copy lives in tmpfs under a private name while
		 * libsystemd opens it.
		 */
		unlink(tmp);
		free(tmp);
	}
	if (r < 0) {
		tri_parse_warn(ctx, 0, "libsystemd cannot open this journal: "
		    "%s", strerror(-r));
		tri_parse_lost(ctx);
		close(fd);
		return TR_EFORMAT;
	}
	(void)sd_journal_set_data_threshold(j, FIELD_MAX);
	/* Every entry is an object of at least 64 bytes. */
	bound = a->size / 64 + 1;
	if (n_objects < bound)
		bound = n_objects + 1;
	while (rc == TR_OK) {
		if ((r = sd_journal_next(j)) <= 0) {
			if (r < 0) {
				tri_parse_warn(ctx, UINT64_MAX, "after %llu "
				    "entries: %s: the rest not read",
				    (unsigned long long)count, strerror(-r));
				tri_parse_lost(ctx);
			}
			break;
		}
		if (++count > bound) {
			tri_parse_warn(ctx, UINT64_MAX, "more entries than the "
			    "file has objects (%llu): stopped",
			    (unsigned long long)n_objects);
			tri_parse_lost(ctx);
			break;
		}
		if (sd_journal_get_realtime_usec(j, &usec) < 0 ||
		    sd_journal_get_cursor(j, &cursor) < 0) {
			tri_parse_warn(ctx, UINT64_MAX, "entry %llu unreadable:"
			    " skipped", (unsigned long long)count);
			tri_parse_lost(ctx);
			continue;
		}
		seq = cursor_seqnum(cursor);
		if (count > 1 && seq <= last) {
			tri_parse_warn(ctx, UINT64_MAX, "entry %llu: sequence "
			    "number %llu after %llu (a loop in the entry "
			    "arrays?): stopped", (unsigned long long)count,
			    (unsigned long long)seq, (unsigned long long)last);
			tri_parse_lost(ctx);
			free(cursor);
			break;
		}
		last = seq;
		rc = entry(ctx, j, usec, cursor);
		free(cursor);
	}
	if (rc == TR_OK && count < n_entries) {
		tri_parse_warn(ctx, UINT64_MAX, "the header counts %llu "
		    "entries, %llu read", (unsigned long long)n_entries,
		    (unsigned long long)(count > 0 ? count : 0));
		tri_parse_lost(ctx);
	}
	sd_journal_close(j);
	close(fd);
	return rc;
}

static const char *const data_types[] = { "systemd:journal",
	TRI_AUTH_DATA_TYPES, NULL };
static const char *const artifacts[] = { "LinuxSystemdJournalLogs", NULL };

const tri_parser tri_parser_systemd_journal = {
	"systemd_journal",
	"systemd journal files (libsystemd, from memory)",
	data_types,
	artifacts,
	journal_match,
	journal_parse,
};
