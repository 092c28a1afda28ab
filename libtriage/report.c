/* SPDX-License-Identifier: Apache-2.0 */
/* Case reports from records: one self-contained HTML page, or Markdown. */
#include "internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "triage/custody.h"
#include "triage/report.h"

#define MAX_HITS	2000
#define MAX_EXTRACTED	2000
#define MAX_WINDOWS	50
#define MAX_EVENTS	(1u << 24)	/* timestamps kept for the chart */
#define MAX_PROBLEMS	200
#define CHART_BARS	96
#define MAX_NOTABLE	1000	/* notable events listed */
#define MAX_SOURCES	200	/* source addresses of failed logons */

struct tr_report {
	unsigned	context;
	json_t		*custody, *images, *hashes, *volumes, *filesystems;
	json_t		*acquisitions, *verifications, *hits, *extracted;
	json_t		*artifacts;	/* name -> {files, bytes} */
	json_t		*fstats;	/* "volume|source" -> counts */
	json_t		*problems;	/* strings */
	json_t		*windows;	/* [{rules:{}, events:[]}] */
	json_t		**ring;		/* last context events */
	size_t		ring_n, ring_pos;
	json_t		*cur;		/* window being filled, or NULL */
	unsigned	after;
	int64_t		*ts;		/* event seconds */
	size_t		nts, capts;
	json_t		*hitmarks;	/* [[sec, "rule"], ...] */
	uint64_t	nhits, nextracted, nevents, nfiles, ignored;
	uint64_t	hits_unshown;	/* hit events past MAX_WINDOWS */
	int		custody_checked;
	size_t		custody_problems, custody_entries;
	char		custody_head[TR_HASH_HEX_MAX];
	json_t		*custody_msgs;
	json_t		*notable;	/* [{time, what, detail, where}] */
	json_t		*notable_n;	/* what -> count */
	json_t		*failed_src;	/* address -> {n, users{}, first, last} */
	uint64_t	nnotable;
	uint64_t	nparsed;	/* events of triage-parse seen */
};

int
tr_report_new(tr_report **out, unsigned context, tr_error *err)
{
	tr_report *r;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	r->context = context;
	r->custody = json_array();
	r->images = json_array();
	r->hashes = json_array();
	r->volumes = json_array();
	r->filesystems = json_array();
	r->acquisitions = json_array();
	r->verifications = json_array();
	r->hits = json_array();
	r->extracted = json_array();
	r->artifacts = json_object();
	r->fstats = json_object();
	r->problems = json_array();
	r->windows = json_array();
	r->hitmarks = json_array();
	r->custody_msgs = json_array();
	r->notable = json_array();
	r->notable_n = json_object();
	r->failed_src = json_object();
	r->ring = calloc(context > 0 ? context : 1, sizeof(json_t *));
	if (r->custody == NULL || r->images == NULL || r->hashes == NULL ||
	    r->volumes == NULL || r->filesystems == NULL ||
	    r->acquisitions == NULL || r->verifications == NULL ||
	    r->hits == NULL || r->extracted == NULL || r->artifacts == NULL ||
	    r->fstats == NULL || r->problems == NULL || r->windows == NULL ||
	    r->hitmarks == NULL || r->custody_msgs == NULL || r->ring == NULL ||
	    r->notable == NULL || r->notable_n == NULL ||
	    r->failed_src == NULL) {
		tr_report_free(r);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	*out = r;
	return TR_OK;
}

void
tr_report_free(tr_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	json_decref(r->custody);
	json_decref(r->images);
	json_decref(r->hashes);
	json_decref(r->volumes);
	json_decref(r->filesystems);
	json_decref(r->acquisitions);
	json_decref(r->verifications);
	json_decref(r->hits);
	json_decref(r->extracted);
	json_decref(r->artifacts);
	json_decref(r->fstats);
	json_decref(r->problems);
	json_decref(r->windows);
	json_decref(r->hitmarks);
	json_decref(r->custody_msgs);
	json_decref(r->notable);
	json_decref(r->notable_n);
	json_decref(r->failed_src);
	if (r->ring != NULL)
		for (i = 0; i < r->context; i++)
			json_decref(r->ring[i]);
	free(r->ring);
	free(r->ts);
	free(r);
}

static const char *
sget(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
oom(tr_error *err)
{
	return tri_error_set(err, TR_ENOMEM, "out of memory");
}

static int
push(json_t *arr, const json_t *v, tr_error *err)
{
	return json_array_append(arr, (json_t *)v) == 0 ? TR_OK : oom(err);
}

static void
add_problem(tr_report *r, const char *msg)
{
	if (json_array_size(r->problems) < MAX_PROBLEMS)
		json_array_append_new(r->problems, json_string(msg));
}

/* Counts of files per filesystem, keyed "volume|source". */
static int
add_file(tr_report *r, const json_t *f, tr_error *err)
{
	char key[4200];
	const char *type = sget(f, "type");
	json_t *s;
	json_int_t size;

	snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT "|%s",
	    json_integer_value(json_object_get(f, "volume")),
	    sget(f, "source") != NULL ? sget(f, "source") : "");
	if ((s = json_object_get(r->fstats, key)) == NULL) {
		if ((s = json_pack("{s:I,s:I,s:I,s:I}", "files", 0, "dirs", 0,
		    "deleted", 0, "bytes", 0)) == NULL ||
		    json_object_set_new(r->fstats, key, s) != 0)
			return oom(err);
	}
#define BUMP(k, n) json_object_set_new(s, k, json_integer( \
	json_integer_value(json_object_get(s, k)) + (n)))
	if (type != NULL && strcmp(type, "dir") == 0) {
		BUMP("dirs", 1);
	} else {
		BUMP("files", 1);
		size = json_integer_value(json_object_get(f, "size"));
		if (type != NULL && strcmp(type, "file") == 0 && size > 0)
			BUMP("bytes", size);
	}
	if (json_is_true(json_object_get(f, "deleted")))
		BUMP("deleted", 1);
#undef BUMP
	r->nfiles++;
	return TR_OK;
}

static int
add_extracted(tr_report *r, const json_t *x, tr_error *err)
{
	const char *name = sget(x, "artifact");
	json_t *a;

	if (name == NULL)
		name = "(by path)";
	if ((a = json_object_get(r->artifacts, name)) == NULL) {
		if ((a = json_pack("{s:I,s:I}", "files", 0, "bytes", 0)) ==
		    NULL || json_object_set_new(r->artifacts, name, a) != 0)
			return oom(err);
	}
	json_object_set_new(a, "files", json_integer(
	    json_integer_value(json_object_get(a, "files")) + 1));
	json_object_set_new(a, "bytes", json_integer(
	    json_integer_value(json_object_get(a, "bytes")) +
	    json_integer_value(json_object_get(x, "size"))));
	r->nextracted++;
	if (json_array_size(r->extracted) < MAX_EXTRACTED)
		return push(r->extracted, x, err);
	return TR_OK;
}

/* The rules of an event's "yara:RULE" tags, space separated; "" if none. */
static void
event_rules(const json_t *e, char *buf, size_t len)
{
	const json_t *tags = json_object_get(e, "tag"), *t;
	const char *s;
	size_t i, n = 0;

	buf[0] = '\0';
	json_array_foreach(tags, i, t) {
		s = json_string_value(t);
		if (s == NULL || strncmp(s, "yara:", 5) != 0)
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
		    n > 0 ? " " : "", s + 5);
		if (n >= len)
			break;
	}
}

static int
event_sec(const json_t *e, int64_t *sec)
{
	json_t *us = json_object_get(e, "timestamp");
	tr_time t;

	if (json_is_integer(us)) {
		json_int_t v = json_integer_value(us);

		*sec = v >= 0 ? v / 1000000 : -((-v + 999999) / 1000000);
		return 1;
	}
	if (sget(e, "datetime") != NULL &&
	    tr_time_parse(sget(e, "datetime"), &t, NULL) == TR_OK) {
		*sec = t.sec;
		return 1;
	}
	return 0;
}

/*
 * Notable events: what a responder asks first of the parsed artifacts
 * (logons, new processes, services, accounts, cleared logs, tasks,
 * PowerShell, RDP, program execution, USB devices; Linux logins, sudo,
 * accounts, persistence, packages; downloads of executables), by
 * data_type and the field names of triage-records(5) (plaso's).
 */

/* A field of the event, or of its event_data; NULL when absent/empty. */
static const char *
fld(const json_t *e, const char *key)
{
	const json_t *v = json_object_get(e, key);
	const char *s;

	if (v == NULL)
		v = json_object_get(json_object_get(e, "event_data"), key);
	s = json_string_value(v);
	return s != NULL && *s != '\0' && strcmp(s, "-") != 0 ? s : NULL;
}

static json_int_t
event_id(const json_t *e)
{
	const json_t *v = json_object_get(e, "event_identifier");

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return -1;
}

/* Append "label value" to a detail line when value is set. */
static void
part(char *buf, size_t len, const char *label, const char *value)
{
	size_t n = strlen(buf);

	if (value == NULL || n + 4 >= len)
		return;
	snprintf(buf + n, len - n, "%s%s%s", n > 0 ? "; " : "", label, value);
}

static int
ends_with_exec(const char *p)
{
	static const char *const ext[] = { ".exe", ".dll", ".msi", ".scr",
		".bat", ".cmd", ".ps1", ".vbs", ".js", ".hta", ".jar", ".com",
		".lnk", ".iso", ".sh", ".elf", ".bin", ".deb", ".rpm",
		".appimage", NULL };
	size_t i, n, k;

	if (p == NULL)
		return 0;
	n = strlen(p);
	for (i = 0; ext[i] != NULL; i++) {
		k = strlen(ext[i]);
		if (n > k && strcasecmp(p + n - k, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* Which notable kind an event is, with its detail; NULL when none. */
static const char *
classify(const json_t *e, char *d, size_t len, const char **addr)
{
	const char *dt = sget(e, "data_type"), *src = sget(e, "source_name"),
	    *v;
	json_int_t id;

	d[0] = '\0';
	*addr = NULL;
	if (dt == NULL)
		return NULL;
	if (strcmp(dt, "windows:evtx:record") == 0 ||
	    strcmp(dt, "windows:evt:record") == 0) {
		id = event_id(e);
		if (src != NULL && strstr(src, "Sysmon") != NULL) {
			if (id != 1)
				return NULL;
			part(d, len, "", fld(e, "Image"));
			part(d, len, "command line ", fld(e, "CommandLine"));
			part(d, len, "user ", fld(e, "User"));
			return "Process created (Sysmon 1)";
		}
		if (src != NULL && strstr(src, "TerminalServices") != NULL) {
			if (id == 1149) {
				part(d, len, "user ", fld(e, "Param1"));
				part(d, len, "from ", fld(e, "Param3"));
				*addr = fld(e, "Param3");
				return "RDP authentication";
			}
			if (id == 21 || id == 22 || id == 25) {
				part(d, len, "user ", fld(e, "User"));
				part(d, len, "from ", fld(e, "Address"));
				return id == 25 ? "RDP reconnection" :
				    "RDP session logon";
			}
			return NULL;
		}
		switch (id) {
		case 4624:
		case 4625:
			part(d, len, "type ", fld(e, "LogonType"));
			if (fld(e, "TargetDomainName") != NULL &&
			    fld(e, "TargetUserName") != NULL) {
				size_t n = strlen(d);

				snprintf(d + n, len - n, "%saccount %s\\%s",
				    n > 0 ? "; " : "", fld(e, "TargetDomainName"),
				    fld(e, "TargetUserName"));
			} else {
				part(d, len, "account ", fld(e, "TargetUserName"));
			}
			part(d, len, "from ", fld(e, "IpAddress"));
			part(d, len, "workstation ", fld(e, "WorkstationName"));
			if (id == 4625) {
				part(d, len, "status ", fld(e, "Status"));
				*addr = fld(e, "IpAddress");
				return "Failed logon (4625)";
			}
			v = fld(e, "LogonType");
			return v != NULL && strcmp(v, "10") == 0 ?
			    "RDP logon (4624 type 10)" : "Logon (4624)";
		case 4688:
			part(d, len, "", fld(e, "NewProcessName"));
			part(d, len, "command line ", fld(e, "CommandLine"));
			part(d, len, "by ", fld(e, "SubjectUserName"));
			part(d, len, "parent ", fld(e, "ParentProcessName"));
			return "Process created (4688)";
		case 7045:
			part(d, len, "", fld(e, "ServiceName"));
			part(d, len, "image ", fld(e, "ImagePath"));
			part(d, len, "account ", fld(e, "AccountName"));
			return "Service installed (7045)";
		case 4697:
			part(d, len, "", fld(e, "ServiceName"));
			part(d, len, "image ", fld(e, "ServiceFileName"));
			part(d, len, "by ", fld(e, "SubjectUserName"));
			return "Service installed (4697)";
		case 4720:
			part(d, len, "", fld(e, "TargetUserName"));
			part(d, len, "by ", fld(e, "SubjectUserName"));
			return "Account created (4720)";
		case 4732:
		case 4728:
		case 4756:
			part(d, len, "", fld(e, "MemberName"));
			part(d, len, "SID ", fld(e, "MemberSid"));
			part(d, len, "to ", fld(e, "TargetUserName"));
			part(d, len, "by ", fld(e, "SubjectUserName"));
			v = fld(e, "TargetUserName");
			return v != NULL && (strcasestr(v, "admin") != NULL ||
			    strcasestr(v, "remote desktop") != NULL) ?
			    "Added to an admin group" : "Added to a group";
		case 1102:
			part(d, len, "by ", fld(e, "SubjectUserName"));
			return "Security log cleared (1102)";
		case 104:
			part(d, len, "", fld(e, "Channel"));
			part(d, len, "by ", fld(e, "SubjectUserName"));
			return "Log cleared (104)";
		case 4698:
			part(d, len, "", fld(e, "TaskName"));
			part(d, len, "by ", fld(e, "SubjectUserName"));
			return "Scheduled task created (4698)";
		case 4104:
			part(d, len, "", fld(e, "ScriptBlockText"));
			return "PowerShell script block (4104)";
		default:
			return NULL;
		}
	}
	if (strcmp(dt, "windows:prefetch:execution") == 0) {
		part(d, len, "", fld(e, "executable"));
		if (json_is_integer(json_object_get(e, "run_count"))) {
			size_t n = strlen(d);

			snprintf(d + n, len - n, "; run %" JSON_INTEGER_FORMAT
			    " times", json_integer_value(json_object_get(e,
			    "run_count")));
		}
		return "Program execution (Prefetch)";
	}
	if (strcmp(dt, "windows:registry:amcache") == 0)
		return "Program execution (Amcache)";
	if (strcmp(dt, "windows:registry:userassist") == 0)
		return "Program execution (UserAssist)";
	if (strcmp(dt, "windows:registry:bam") == 0)
		return "Program execution (BAM)";
	if (strcmp(dt, "windows:registry:usb") == 0)
		return "USB device";
	if (strcmp(dt, "syslog:ssh:login") == 0) {
		part(d, len, "user ", fld(e, "username"));
		part(d, len, "from ", fld(e, "address"));
		part(d, len, "method ", fld(e, "authentication_method"));
		return "SSH login";
	}
	if (strcmp(dt, "syslog:ssh:failed_connection") == 0) {
		part(d, len, "user ", fld(e, "username"));
		part(d, len, "from ", fld(e, "address"));
		*addr = fld(e, "address");
		return "Failed SSH login";
	}
	if (strcmp(dt, "linux:sudo:command") == 0)
		return "sudo command";
	if (strstr(dt, "useradd") != NULL || strstr(dt, "account:add") !=
	    NULL || strstr(dt, "user_added") != NULL)
		return "Account created";
	if ((strstr(dt, "cron") != NULL && strstr(dt, "task_run") == NULL) ||
	    strstr(dt, "systemd:unit") != NULL)
		return "Persistence (cron, systemd)";
	if ((strcmp(dt, "dpkg:line") == 0 && (v = fld(e, "body")) != NULL &&
	    strstr(v, " install ") != NULL) || (strcmp(dt,
	    "apt:history:line") == 0 && (v = fld(e, "body")) != NULL &&
	    strstr(v, "Install:") != NULL))
		return "Package installed";
	if (strstr(dt, "download") != NULL) {
		v = fld(e, "full_path");
		if (v == NULL)
			v = fld(e, "target_path");
		if (!ends_with_exec(v) && !ends_with_exec(fld(e, "url")))
			return NULL;
		part(d, len, "", v);
		part(d, len, "from ", fld(e, "url"));
		return "Download of an executable";
	}
	return NULL;
}

/* "SOURCE[:vol N]:PATH" of an event's artifact. */
static void
event_where(const json_t *e, char *buf, size_t len)
{
	const json_t *vol = json_object_get(e, "volume");
	const char *src = sget(e, "source"), *path = sget(e, "path");

	if (json_is_integer(vol))
		snprintf(buf, len, "%s:vol %" JSON_INTEGER_FORMAT ":%s",
		    src ? src : "", json_integer_value(vol), path ? path : "");
	else if (src != NULL && path != NULL && strcmp(src, path) != 0)
		snprintf(buf, len, "%s:%s", src, path);
	else
		snprintf(buf, len, "%s", path ? path : src ? src : "");
}

static void
add_notable(tr_report *r, const json_t *e)
{
	char detail[1024], where[1024];
	const char *what, *addr, *user, *t;
	json_t *s, *users;

	if (sget(e, "parser") != NULL)
		r->nparsed++;
	if ((what = classify(e, detail, sizeof(detail), &addr)) == NULL)
		return;
	r->nnotable++;
	json_object_set_new(r->notable_n, what, json_integer(
	    json_integer_value(json_object_get(r->notable_n, what)) + 1));
	t = sget(e, "datetime");
	if (addr != NULL && (json_object_get(r->failed_src, addr) != NULL ||
	    json_object_size(r->failed_src) < MAX_SOURCES)) {
		if ((s = json_object_get(r->failed_src, addr)) == NULL) {
			s = json_pack("{s:I,s:{},s:s?,s:s?}", "n", 0, "users",
			    "first", t, "last", t);
			if (s == NULL || json_object_set_new(r->failed_src, addr,
			    s) != 0)
				return;
		}
		json_object_set_new(s, "n", json_integer(json_integer_value(
		    json_object_get(s, "n")) + 1));
		if (t != NULL) {
			if (sget(s, "first") == NULL ||
			    strcmp(t, sget(s, "first")) < 0)
				json_object_set_new(s, "first", json_string(t));
			if (sget(s, "last") == NULL ||
			    strcmp(t, sget(s, "last")) > 0)
				json_object_set_new(s, "last", json_string(t));
		}
		users = json_object_get(s, "users");
		user = fld(e, "TargetUserName");
		if (user == NULL)
			user = fld(e, "username");
		if (user != NULL && json_object_size(users) < 20)
			json_object_set_new(users, user, json_true());
	}
	if (json_array_size(r->notable) >= MAX_NOTABLE)
		return;
	if (detail[0] == '\0' && sget(e, "message") != NULL)
		snprintf(detail, sizeof(detail), "%s", sget(e, "message"));
	event_where(e, where, sizeof(where));
	json_array_append_new(r->notable, json_pack("{s:s?,s:s,s:s,s:s,s:s?}",
	    "time", t, "what", what, "detail", detail, "where", where,
	    "data_type", sget(e, "data_type")));
}

static int
add_event(tr_report *r, json_t *e, tr_error *err)
{
	char rules[512];
	int64_t sec, *nts;
	size_t i, k;

	r->nevents++;
	if (json_object_get(e, "data_type") != NULL)
		add_notable(r, e);
	event_rules(e, rules, sizeof(rules));
	if (event_sec(e, &sec) && r->nts < MAX_EVENTS) {
		if (r->nts == r->capts) {
			r->capts = r->capts == 0 ? 4096 : r->capts * 2;
			if ((nts = realloc(r->ts, r->capts * sizeof(*nts))) ==
			    NULL)
				return oom(err);
			r->ts = nts;
		}
		r->ts[r->nts++] = sec;
		if (rules[0] != '\0' && json_array_size(r->hitmarks) < 10000)
			json_array_append_new(r->hitmarks, json_pack("[I,s]",
			    (json_int_t)sec, rules));
	}
	if (r->cur != NULL) {
		json_array_append(json_object_get(r->cur, "events"), e);
		if (rules[0] != '\0') {
			json_object_set_new(json_object_get(r->cur, "rules"),
			    rules, json_true());
			r->after = r->context;
		} else if (r->after == 0 || --r->after == 0 ||
		    json_array_size(json_object_get(r->cur, "events")) >
		    8 * (size_t)r->context + 64) {
			r->cur = NULL;
		}
	} else if (rules[0] != '\0') {
		if (json_array_size(r->windows) >= MAX_WINDOWS) {
			r->hits_unshown++;
		} else {
			if ((r->cur = json_pack("{s:{},s:[]}", "rules",
			    "events")) == NULL ||
			    json_array_append_new(r->windows, r->cur) != 0)
				return oom(err);
			json_object_set_new(json_object_get(r->cur, "rules"),
			    rules, json_true());
			for (i = 0; i < r->ring_n; i++) {
				k = (r->ring_pos + r->context - r->ring_n + i) %
				    r->context;
				json_array_append(json_object_get(r->cur,
				    "events"), r->ring[k]);
			}
			json_array_append(json_object_get(r->cur, "events"), e);
			r->after = r->context;
			if (r->after == 0)
				r->cur = NULL;
		}
	}
	if (r->context > 0) {
		json_decref(r->ring[r->ring_pos]);
		r->ring[r->ring_pos] = json_incref(e);
		r->ring_pos = (r->ring_pos + 1) % r->context;
		if (r->ring_n < r->context)
			r->ring_n++;
	}
	return TR_OK;
}

int
tr_report_add(tr_report *r, const tr_rec *rec, tr_error *err)
{
	json_t *j = TRI_JSON(rec);
	const char *kind = sget(j, "record");

	if (kind == NULL) {
		r->ignored++;
		return TR_OK;
	}
	if (strcmp(kind, "file") == 0)
		return add_file(r, j, err);
	if (strcmp(kind, "event") == 0)
		return add_event(r, j, err);
	if (strcmp(kind, "hit") == 0) {
		r->nhits++;
		return json_array_size(r->hits) < MAX_HITS ?
		    push(r->hits, j, err) : TR_OK;
	}
	if (strcmp(kind, "extracted") == 0)
		return add_extracted(r, j, err);
	if (strcmp(kind, "custody") == 0)
		return push(r->custody, j, err);
	if (strcmp(kind, "image") == 0)
		return push(r->images, j, err);
	if (strcmp(kind, "hash") == 0)
		return push(r->hashes, j, err);
	if (strcmp(kind, "volume") == 0)
		return push(r->volumes, j, err);
	if (strcmp(kind, "filesystem") == 0)
		return push(r->filesystems, j, err);
	if (strcmp(kind, "acquisition") == 0)
		return push(r->acquisitions, j, err);
	if (strcmp(kind, "verification") == 0)
		return push(r->verifications, j, err);
	r->ignored++;
	return TR_OK;
}

int
tr_report_add_file(tr_report *r, const char *path,
    void (*warn)(void *arg, const char *msg), void *warn_arg, tr_error *err)
{
	tr_jsonl_reader *rd;
	tr_rec *rec;
	tr_error e;
	int rc, bad = 0;

	if ((rc = tr_jsonl_reader_open(&rd, path, err)) != TR_OK)
		return rc;
	for (;;) {
		rc = tr_jsonl_read(rd, &rec, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (rc == TR_ENOMEM || rc == TR_EIO) {
				tr_jsonl_reader_close(rd);
				if (err != NULL)
					*err = e;
				return rc;
			}
			bad++;
			add_problem(r, e.msg);
			if (warn != NULL)
				warn(warn_arg, e.msg);
			continue;
		}
		rc = tr_report_add(r, rec, err);
		tr_rec_free(rec);
		if (rc != TR_OK) {
			tr_jsonl_reader_close(rd);
			return rc;
		}
	}
	tr_jsonl_reader_close(rd);
	if (bad > 0)
		return tri_error_set(err, TR_EFORMAT,
		    "'%s': %d line%s skipped", path, bad, bad == 1 ? "" : "s");
	return TR_OK;
}

static void
custody_msg(void *arg, const char *msg)
{
	tr_report *r = arg;

	if (json_array_size(r->custody_msgs) < MAX_PROBLEMS)
		json_array_append_new(r->custody_msgs, json_string(msg));
}

int
tr_report_add_case(tr_report *r, const char *case_dir,
    void (*warn)(void *arg, const char *msg), void *warn_arg, tr_error *err)
{
	static const char *const files[] = {
		TR_CUSTODY_LOG, "hash.jsonl", "info.jsonl", "acquire.jsonl",
		"verify.jsonl", "files.jsonl", "artifacts/manifest.jsonl",
		"hits.jsonl", "timeline.jsonl", "parsed.jsonl"
	};
	char path[4096];
	struct stat st;
	tr_error e;
	size_t i, found = 0;
	int rc, status = TR_OK, found_tl = 0;

	if (stat(case_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return tri_error_errno(err, TR_ENOTFOUND, errno != 0 ? errno :
		    ENOTDIR, "cannot open case folder '%s'", case_dir);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", case_dir, files[i]);
		if (stat(path, &st) != 0)
			continue;
		/* The timeline holds the parsed events already. */
		if (strcmp(files[i], "parsed.jsonl") == 0 && found_tl)
			continue;
		if (strcmp(files[i], "timeline.jsonl") == 0)
			found_tl = 1;
		found++;
		rc = tr_report_add_file(r, path, warn, warn_arg, &e);
		if (rc == TR_EFORMAT) {
			if (status == TR_OK && err != NULL)
				*err = e;
			status = rc;
		} else if (rc != TR_OK) {
			if (err != NULL)
				*err = e;
			return rc;
		}
	}
	if (found == 0)
		return tri_error_set(err, TR_ENOTFOUND,
		    "'%s' is not a case folder: no custody.jsonl nor records",
		    case_dir);
	rc = tr_custody_verify(case_dir, custody_msg, r, &r->custody_problems,
	    &r->custody_entries, r->custody_head, &e);
	if (rc == TR_OK)
		r->custody_checked = 1;
	return status;
}

/* Output. */

struct out {
	FILE	*fp;
	int	md;
	int	pre;		/* inside <pre>: newlines kept */
};

static void
put(struct out *o, const char *s)
{
	fputs(s, o->fp);
}

static void putf(struct out *o, const char *fmt, ...) TRI_PRINTF(2, 3);

static void
putf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(o->fp, fmt, ap);
	va_end(ap);
}

/* Text from records, escaped for HTML or for a Markdown table cell. */
static void
esc(struct out *o, const char *s)
{
	const unsigned char *p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			put(o, "&amp;");
			break;
		case '<':
			put(o, "&lt;");
			break;
		case '>':
			put(o, "&gt;");
			break;
		case '"':
			put(o, o->md ? "\"" : "&quot;");
			break;
		case '\'':
			put(o, o->md ? "'" : "&#39;");
			break;
		case '\\': case '`': case '*': case '_': case '[': case ']':
		case '|': case '~': case '#':
			if (o->md)
				fputc('\\', o->fp);
			fputc(*p, o->fp);
			break;
		case '\n':
			if (o->pre)
				fputc('\n', o->fp);
			else
				put(o, o->md ? "<br>" : "\\x0a");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				putf(o, "\\x%02x", *p);
			else
				fputc(*p, o->fp);
		}
	}
}

static void
esc_key(struct out *o, const json_t *j, const char *key)
{
	esc(o, sget(j, key));
}

/* Any scalar as text (escaped); nothing for a missing key. */
static void
esc_val(struct out *o, const json_t *v)
{
	char buf[64];

	if (json_is_string(v))
		esc(o, json_string_value(v));
	else if (json_is_integer(v))
		putf(o, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_true(v))
		put(o, "yes");
	else if (json_is_false(v))
		put(o, "no");
	else if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%g", json_real_value(v));
		put(o, buf);
	}
}

static void
human_size(char *buf, size_t len, json_int_t n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT " B", n);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

static void
size_cell(struct out *o, const json_t *v)
{
	char buf[64];

	if (!json_is_integer(v))
		return;
	human_size(buf, sizeof(buf), json_integer_value(v));
	if (o->md)
		putf(o, "%s", buf);
	else
		putf(o, "<span title=\"%" JSON_INTEGER_FORMAT " bytes\">%s"
		    "</span>", json_integer_value(v), buf);
}

static void
h2(struct out *o, const char *id, const char *title)
{
	if (o->md)
		putf(o, "\n## %s\n\n", title);
	else
		putf(o, "<section id=\"%s\"><h2>%s</h2>\n", id, title);
}

static void
end_section(struct out *o)
{
	if (!o->md)
		put(o, "</section>\n");
}

static void
para(struct out *o, const char *cls, const char *text)
{
	if (o->md)
		putf(o, "%s\n\n", text);
	else
		putf(o, "<p class=\"%s\">%s</p>\n", cls, text);
}

/* Tables: HTML or Markdown pipes. */
static void
thead(struct out *o, const char *cls, const char *const *cols)
{
	size_t i;

	if (o->md) {
		for (i = 0; cols[i] != NULL; i++)
			putf(o, "| %s ", cols[i]);
		put(o, "|\n");
		for (i = 0; cols[i] != NULL; i++)
			put(o, "|---");
		put(o, "|\n");
		return;
	}
	putf(o, "<div class=\"scroll\"><table class=\"%s\"><thead><tr>", cls);
	for (i = 0; cols[i] != NULL; i++)
		putf(o, "<th>%s</th>", cols[i]);
	put(o, "</tr></thead><tbody>\n");
}

static void
tfoot(struct out *o)
{
	put(o, o->md ? "\n" : "</tbody></table></div>\n");
}

static void
tr_begin(struct out *o, const char *cls)
{
	if (!o->md) {
		if (cls != NULL)
			putf(o, "<tr class=\"%s\">", cls);
		else
			put(o, "<tr>");
	}
}

static void
tr_end(struct out *o)
{
	put(o, o->md ? "|\n" : "</tr>\n");
}

static void
td(struct out *o, const char *cls)
{
	if (o->md)
		put(o, "| ");
	else if (cls != NULL)
		putf(o, "<td class=\"%s\">", cls);
	else
		put(o, "<td>");
}

static void
tdx(struct out *o)
{
	put(o, o->md ? " " : "</td>");
}

static void
cell(struct out *o, const char *cls, const char *text)
{
	td(o, cls);
	esc(o, text);
	tdx(o);
}

static void
cell_val(struct out *o, const char *cls, const json_t *v)
{
	td(o, cls);
	esc_val(o, v);
	tdx(o);
}

static void
cell_code(struct out *o, const char *text)
{
	td(o, "mono");
	esc(o, text);
	tdx(o);
}

/* An RFC 3339 time, split at the "T" so it wraps as date, then time. */
static void
time_cell(struct out *o, const char *t)
{
	const char *sep = t != NULL ? strchr(t, 'T') : NULL;
	char date[32];

	td(o, "time");

	if (sep != NULL && !o->md && (size_t)(sep - t) < sizeof(date)) {
		snprintf(date, sizeof(date), "%.*s", (int)(sep - t), t);
		esc(o, date);
		put(o, "<br>");
		esc(o, sep + 1);
	} else {
		esc(o, t);
	}
	tdx(o);
}

static const json_t *
first_custody(const tr_report *r)
{
	return json_array_get(r->custody, 0);
}

static void
write_head(struct out *o, const tr_report *r)
{
	static const char css[] =
":root{--fg:#1d2433;--mute:#5b6578;--line:#d9dee7;--bg:#f6f7f9;"
"--accent:#1f5fa8;--bad:#b3261e;--ok:#1e7a3c;--warn:#9a6700}\n"
"*{box-sizing:border-box}\n"
"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
"color:var(--fg);margin:0;background:#fff}\n"
"main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}\n"
"header{border-bottom:3px solid var(--accent);margin-bottom:8px}\n"
"h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:30px 0 10px;"
"padding-bottom:4px;border-bottom:1px solid var(--line)}\n"
"h3{font-size:15px;margin:18px 0 6px}\n"
"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;"
"margin:10px 0 14px}dl.meta dt{color:var(--mute)}dl.meta dd{margin:0}\n"
".cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}\n"
".card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;"
"min-width:120px;background:var(--bg)}\n"
".card b{display:block;font-size:22px}.card span{color:var(--mute);"
"font-size:12px}.card.bad b{color:var(--bad)}.card.ok b{color:var(--ok)}\n"
".scroll{overflow-x:auto}\n"
"table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}\n"
"th,td{border:1px solid var(--line);padding:4px 7px;text-align:left;"
"vertical-align:top}\nth{background:var(--bg);font-weight:600}\n"
"td.mono,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;"
"font-size:12px;word-break:break-all}\n"
"td.num,td.nw,td.time{white-space:nowrap}td.num{text-align:right}\n"
"td.path{word-break:break-all;min-width:14em}\n"
"tr.hit td{background:#fdecea}tr.bad td{background:#fdecea}\n"
".st-ok{color:var(--ok);font-weight:600}.st-bad{color:var(--bad);"
"font-weight:600}.st-none{color:var(--warn);font-weight:600}\n"
"p.note{color:var(--mute)}p.bad{color:var(--bad);font-weight:600}"
"p.ok{color:var(--ok);font-weight:600}\n"
"pre{background:var(--bg);border:1px solid var(--line);padding:8px;"
"white-space:pre-wrap;word-break:break-all;font-size:12px;margin:4px 0}\n"
"svg{width:100%;height:auto;border:1px solid var(--line);background:#fff}\n"
"svg .bar{fill:#7ea6d8}svg .bar.h{fill:#d9534f}svg .ax{stroke:#8a94a6}"
"svg text{font:11px sans-serif;fill:#5b6578}svg .mk{fill:var(--bad)}\n"
".legend span{display:inline-block;width:12px;height:12px;margin:0 4px "
"0 12px;vertical-align:-2px}\n"
"footer{margin-top:36px;color:var(--mute);font-size:12px}\n"
"@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
"section{break-inside:auto}h2{break-after:avoid}tr{break-inside:avoid}"
".scroll{overflow:visible}table{font-size:9pt}a{color:inherit}"
"@page{size:A4;margin:14mm}}\n";
	const json_t *c = first_custody(r);

	put(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"generator\" content=\"triage ");
	esc(o, tr_version());
	put(o, "\">\n<title>Triage report");
	if (sget(c, "case_number") != NULL) {
		put(o, " \xe2\x80\x94 case ");
		esc_key(o, c, "case_number");
	}
	put(o, "</title>\n<style>\n");
	put(o, css);
	put(o, "</style>\n</head>\n<body>\n<main>\n");
}

static void
meta_row(struct out *o, const char *label, const char *value)
{
	if (value == NULL)
		return;
	if (o->md) {
		putf(o, "| %s | ", label);
		esc(o, value);
		put(o, " |\n");
	} else {
		putf(o, "<dt>%s</dt><dd>", label);
		esc(o, value);
		put(o, "</dd>\n");
	}
}

static void
write_header(struct out *o, const tr_report *r)
{
	const json_t *c = first_custody(r), *last;
	const json_t *img = json_array_get(r->images, 0);
	const char *case_no = sget(c, "case_number"), *examiner;

	if (case_no == NULL)
		case_no = sget(img, "case_number");
	examiner = sget(c, "examiner");
	if (examiner == NULL)
		examiner = sget(img, "examiner");
	last = json_array_get(r->custody, json_array_size(r->custody) - 1);
	if (o->md) {
		put(o, "# Triage report\n\n| | |\n|---|---|\n");
	} else {
		put(o, "<header><h1>Triage report</h1>\n<dl class=\"meta\">\n");
	}
	meta_row(o, "Case number", case_no);
	meta_row(o, "Examiner", examiner);
	meta_row(o, "Evidence number", sget(img, "evidence_number"));
	meta_row(o, "Collected on host", sget(c, "host"));
	meta_row(o, "Collection started", sget(c, "started"));
	meta_row(o, "Collection finished", sget(last, "finished"));
	meta_row(o, "Report by", "triage-report " PACKAGE_VERSION);
	put(o, o->md ? "\n" : "</dl></header>\n");
}

static void
card(struct out *o, const char *cls, uint64_t n, const char *label)
{
	if (o->md)
		putf(o, "| %s | %" PRIu64 " |\n", label, n);
	else
		putf(o, "<div class=\"card %s\"><b>%" PRIu64 "</b><span>%s"
		    "</span></div>\n", cls, n, label);
}

static size_t
failed_steps(const tr_report *r)
{
	const json_t *c;
	const char *st;
	size_t i, n = 0;

	json_array_foreach(r->custody, i, c) {
		st = sget(c, "status");
		if (st != NULL && strcmp(st, "failed") == 0)
			n++;
	}
	return n;
}

static void
write_summary(struct out *o, const tr_report *r)
{
	uint64_t deleted = 0;
	const char *k;
	json_t *s;

	json_object_foreach(r->fstats, k, s)
		deleted += (uint64_t)json_integer_value(json_object_get(s,
		    "deleted"));
	h2(o, "summary", "Summary");
	if (o->md)
		put(o, "| | |\n|---|---|\n");
	else
		put(o, "<div class=\"cards\">\n");
	card(o, "", json_array_size(r->images), "evidence items");
	card(o, "", json_array_size(r->filesystems), "filesystems");
	card(o, "", r->nfiles, "files listed");
	card(o, "", deleted, "deleted entries");
	card(o, r->nhits > 0 ? "bad" : "ok", r->nhits, "YARA hits");
	card(o, "", r->nextracted, "artifact files");
	card(o, "", r->nevents, "timeline events");
	card(o, failed_steps(r) > 0 ? "bad" : "ok", failed_steps(r),
	    "failed steps");
	put(o, o->md ? "\n" : "</div>\n");
	end_section(o);
}

static const json_t *
find_by_source(const json_t *arr, const char *source)
{
	const json_t *x;
	size_t i;

	json_array_foreach(arr, i, x) {
		if (source != NULL && sget(x, "source") != NULL &&
		    strcmp(sget(x, "source"), source) == 0)
			return x;
	}
	return NULL;
}

static void
kv_row(struct out *o, const char *label, const json_t *v, int mono)
{
	if (v == NULL)
		return;
	tr_begin(o, NULL);
	cell(o, NULL, label);
	td(o, mono ? "mono" : NULL);
	esc_val(o, v);
	tdx(o);
	tr_end(o);
}

static void
status_row(struct out *o, const char *label, const char *cls,
    const char *text)
{
	tr_begin(o, NULL);
	cell(o, NULL, label);
	td(o, NULL);
	if (o->md)
		putf(o, "**%s**", text);
	else
		putf(o, "<span class=\"%s\">%s</span>", cls, text);
	tdx(o);
	tr_end(o);
}

static void
write_evidence_one(struct out *o, const tr_report *r, const json_t *img,
    const char *source)
{
	static const char *const cols[] = { "Property", "Value", NULL };
	const json_t *h = find_by_source(r->hashes, source);
	const json_t *v = find_by_source(r->verifications, source);
	const json_t *a = find_by_source(r->acquisitions, source);
	const char *stored = sget(img, "md5"), *computed = sget(h, "md5");
	char sz[64];

	if (o->md)
		put(o, "### ");
	else
		put(o, "<h3 class=\"mono\">");
	esc(o, source);
	put(o, o->md ? "\n\n" : "</h3>\n");
	thead(o, "kv", cols);
	kv_row(o, "Format", json_object_get(img, "format"), 0);
	if (json_is_integer(json_object_get(img, "size"))) {
		human_size(sz, sizeof(sz), json_integer_value(
		    json_object_get(img, "size")));
		tr_begin(o, NULL);
		cell(o, NULL, "Size");
		td(o, NULL);
		putf(o, "%" JSON_INTEGER_FORMAT " bytes (%s)",
		    json_integer_value(json_object_get(img, "size")), sz);
		tdx(o);
		tr_end(o);
	}
	kv_row(o, "Sector size", json_object_get(img, "sector_size"), 0);
	kv_row(o, "SHA-256 (computed)", json_object_get(h, "sha256"), 1);
	kv_row(o, "MD5 (computed)", json_object_get(h, "md5"), 1);
	kv_row(o, "Hashed from", json_object_get(h, "started"), 0);
	kv_row(o, "MD5 (stored in image)", json_object_get(img, "md5"), 1);
	kv_row(o, "SHA-1 (stored in image)", json_object_get(img, "sha1"), 1);
	kv_row(o, "Acquired", json_object_get(img, "acquired"), 0);
	kv_row(o, "Device model", json_object_get(img, "model"), 0);
	kv_row(o, "Device serial", json_object_get(img, "serial"), 0);
	if (a != NULL) {
		kv_row(o, "Acquisition status", json_object_get(a, "status"),
		    0);
		kv_row(o, "Acquisition SHA-256", json_object_get(a, "sha256"),
		    1);
		kv_row(o, "Acquisition MD5", json_object_get(a, "md5"), 1);
	}
	if (v != NULL) {
		int match = json_is_true(json_object_get(v, "match"));

		status_row(o, "Verification", match ? "st-ok" : "st-bad",
		    match ? "verified: hashes match" :
		    "MISMATCH: the image does not match its hashes");
	} else if (stored != NULL && computed != NULL) {
		int match = strcmp(stored, computed) == 0;

		status_row(o, "Verification", match ? "st-ok" : "st-bad",
		    match ? "verified: computed MD5 equals the stored MD5" :
		    "MISMATCH: computed MD5 differs from the stored MD5");
	} else if (h != NULL) {
		status_row(o, "Verification", "st-none",
		    "hashed at collection; no stored hash to compare");
	} else {
		status_row(o, "Verification", "st-none", "not hashed");
	}
	tfoot(o);
}

static void
write_evidence(struct out *o, const tr_report *r)
{
	const json_t *img, *x;
	size_t i;

	h2(o, "evidence", "Evidence");
	json_array_foreach(r->images, i, img)
		write_evidence_one(o, r, img, sget(img, "source"));
	/* Sources hashed but not described by an image record. */
	json_array_foreach(r->hashes, i, x) {
		if (find_by_source(r->images, sget(x, "source")) == NULL)
			write_evidence_one(o, r, x, sget(x, "source"));
	}
	if (json_array_size(r->images) == 0 && json_array_size(r->hashes) == 0)
		para(o, "note", "No image or hash records.");
	end_section(o);
}

static void
write_volumes(struct out *o, const tr_report *r)
{
	static const char *const vcols[] = { "Volume", "Scheme", "Start",
		"Length", "Description", NULL };
	static const char *const fcols[] = { "Volume", "Offset", "Filesystem",
		"Label", "UUID / serial", "Block size", "Files", "Folders",
		"Deleted", "Bytes in files", NULL };
	const json_t *v, *f, *s;
	char key[4200];
	size_t i;

	h2(o, "volumes", "Volumes and filesystems");
	if (json_array_size(r->volumes) > 0) {
		thead(o, "volumes", vcols);
		json_array_foreach(r->volumes, i, v) {
			if (!json_is_true(json_object_get(v, "allocated")))
				continue;
			tr_begin(o, NULL);
			cell_val(o, "num", json_object_get(v, "volume"));
			cell_val(o, NULL, json_object_get(v, "scheme"));
			cell_val(o, "num", json_object_get(v, "start"));
			td(o, "num");
			size_cell(o, json_object_get(v, "length"));
			tdx(o);
			cell_val(o, NULL, json_object_get(v, "description"));
			tr_end(o);
		}
		tfoot(o);
	}
	if (json_array_size(r->filesystems) == 0) {
		para(o, "note", "No filesystem records.");
		end_section(o);
		return;
	}
	thead(o, "filesystems", fcols);
	json_array_foreach(r->filesystems, i, f) {
		snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT "|%s",
		    json_integer_value(json_object_get(f, "volume")),
		    sget(f, "source") != NULL ? sget(f, "source") : "");
		s = json_object_get(r->fstats, key);
		tr_begin(o, NULL);
		cell_val(o, "num", json_object_get(f, "volume"));
		cell_val(o, "num", json_object_get(f, "offset"));
		cell_val(o, NULL, json_object_get(f, "fs"));
		cell_val(o, NULL, json_object_get(f, "label"));
		cell_code(o, sget(f, "uuid"));
		cell_val(o, "num", json_object_get(f, "block_size"));
		cell_val(o, "num", json_object_get(s, "files"));
		cell_val(o, "num", json_object_get(s, "dirs"));
		cell_val(o, "num", json_object_get(s, "deleted"));
		td(o, "num");
		size_cell(o, json_object_get(s, "bytes"));
		tdx(o);
		tr_end(o);
	}
	tfoot(o);
	end_section(o);
}

static void
write_hits(struct out *o, const tr_report *r)
{
	static const char *const cols[] = { "#", "Rule", "Volume",
		"Path and SHA-256", "Size", "Modified (UTC)", "Created (UTC)",
		"Strings", NULL };
	const json_t *h, *strs, *s;
	char buf[96];
	size_t i, j;

	h2(o, "hits", "YARA hits");
	if (r->nhits == 0) {
		para(o, "ok", "No YARA rule matched.");
		end_section(o);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 " hit%s.", r->nhits,
	    r->nhits == 1 ? "" : "s");
	para(o, "bad", buf);
	thead(o, "hits", cols);
	json_array_foreach(r->hits, i, h) {
		tr_begin(o, "hit");
		td(o, NULL);
		putf(o, "%zu", i + 1);
		tdx(o);
		td(o, NULL);
		if (o->md)
			put(o, "**");
		else
			put(o, "<b>");
		esc_key(o, h, "rule");
		put(o, o->md ? "**" : "</b>");
		if (sget(h, "namespace") != NULL) {
			put(o, o->md ? " (" : "<br><small>");
			esc_key(o, h, "namespace");
			put(o, o->md ? ")" : "</small>");
		}
		tdx(o);
		cell_val(o, "num", json_object_get(h, "volume"));
		td(o, "path");
		if (sget(h, "path") != NULL) {
			esc_key(o, h, "path");
			if (json_is_true(json_object_get(h, "deleted")))
				put(o, " (deleted)");
		} else if (json_is_integer(json_object_get(h, "offset"))) {
			putf(o, "offset %" JSON_INTEGER_FORMAT,
			    json_integer_value(json_object_get(h, "offset")));
		}
		if (sget(h, "sha256") != NULL) {
			put(o, o->md ? "<br>SHA-256 " :
			    "<br><small class=\"mono\">SHA-256 ");
			esc_key(o, h, "sha256");
			put(o, o->md ? "" : "</small>");
		}
		tdx(o);
		td(o, "num");
		size_cell(o, json_object_get(h, "size"));
		tdx(o);
		time_cell(o, sget(h, "mtime"));
		time_cell(o, sget(h, "btime"));
		td(o, "mono");
		strs = json_object_get(h, "strings");
		json_array_foreach(strs, j, s) {
			if (j >= 5) {
				putf(o, " +%zu", json_array_size(strs) - j);
				break;
			}
			if (j > 0)
				put(o, o->md ? ", " : "<br>");
			esc_key(o, s, "id");
			if (json_is_integer(json_object_get(s, "offset")))
				putf(o, "@%" JSON_INTEGER_FORMAT,
				    json_integer_value(json_object_get(s,
				    "offset")));
		}
		tdx(o);
		tr_end(o);
	}
	tfoot(o);
	if (r->nhits > json_array_size(r->hits)) {
		snprintf(buf, sizeof(buf), "The first %zu hits are listed.",
		    json_array_size(r->hits));
		para(o, "note", buf);
	}
	end_section(o);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
fmt_bucket(int64_t sec, int64_t width, char *buf, size_t len)
{
	char t[TR_TIME_STR_MAX];
	tr_time tt = { sec, 0, 0 };

	if (tr_time_format(&tt, t) == NULL) {
		snprintf(buf, len, "%" PRId64, sec);
		return;
	}
	t[10] = ' ';
	t[width < 86400 ? 16 : 10] = '\0';
	snprintf(buf, len, "%s", t);
}

static void
write_chart(struct out *o, const tr_report *r)
{
	static const int64_t widths[] = { 60, 300, 900, 3600, 3 * 3600,
		6 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400,
		3650 * 86400LL };
	static const char *const names[] = { "minute", "5 minutes",
		"15 minutes", "hour", "3 hours", "6 hours", "day", "week",
		"30 days", "365 days", "3650 days" };
	static const char *const mcols[] = { "From (UTC)", "Events",
		"With hits", "", NULL };
	int64_t *ts = NULL, lo, hi, w = 0, start, sec;
	uint64_t *cnt = NULL, *hcnt = NULL, maxc = 1, outside = 0;
	size_t nb = 0, i, k, wi = 0;
	const json_t *m;
	char label[64], note[256];
	double bw, x, hgt;

	h2(o, "timeline", "Timeline activity");
	if (r->nts == 0) {
		para(o, "note", "No timeline events.");
		goto out;
	}
	if ((ts = malloc(r->nts * sizeof(*ts))) == NULL)
		goto out;
	memcpy(ts, r->ts, r->nts * sizeof(*ts));
	qsort(ts, r->nts, sizeof(*ts), cmp_i64);
	/* Leave out outliers (1980 FAT dates, far-future garbage). */
	lo = ts[r->nts / 4];
	hi = ts[(r->nts - 1) * 3 / 4];
	w = (hi - lo) * 3 + 86400;
	for (i = 0; i < r->nts && ts[i] < lo - w; i++)
		;
	k = r->nts - 1;
	while (k > i && ts[k] > hi + w)
		k--;
	lo = ts[i];
	hi = ts[k];
	for (wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++) {
		w = widths[wi];
		start = lo - ((lo % w) + w) % w;
		if ((hi - start) / w + 1 <= CHART_BARS)
			break;
	}
	if (wi == sizeof(widths) / sizeof(widths[0]))
		wi--;
	start = lo - ((lo % w) + w) % w;
	nb = (size_t)((hi - start) / w + 1);
	if (nb > CHART_BARS * 4)
		nb = CHART_BARS * 4;
	if ((cnt = calloc(nb, sizeof(*cnt))) == NULL ||
	    (hcnt = calloc(nb, sizeof(*hcnt))) == NULL)
		goto out;
	for (i = 0; i < r->nts; i++) {
		if (ts[i] < start || (uint64_t)(ts[i] - start) / (uint64_t)w >=
		    nb) {
			outside++;
			continue;
		}
		k = (size_t)((ts[i] - start) / w);
		if (++cnt[k] > maxc)
			maxc = cnt[k];
	}
	json_array_foreach(r->hitmarks, i, m) {
		sec = json_integer_value(json_array_get(m, 0));
		if (sec >= start && (uint64_t)(sec - start) / (uint64_t)w < nb)
			hcnt[(sec - start) / w]++;
	}
	snprintf(note, sizeof(note), "%" PRIu64 " events, one bar per %s "
	    "(UTC); bars with events of files that YARA matched are red.",
	    (uint64_t)r->nts, names[wi]);
	para(o, "note", note);
	if (o->md) {
		thead(o, "chart", mcols);
		for (k = 0; k < nb; k++) {
			if (cnt[k] == 0)
				continue;
			fmt_bucket(start + (int64_t)k * w, w, label,
			    sizeof(label));
			putf(o, "| %s | %" PRIu64 " | %" PRIu64 " | `", label,
			    cnt[k], hcnt[k]);
			for (i = 0; i < 1 + cnt[k] * 40 / maxc; i++)
				put(o, hcnt[k] > 0 ? "#" : "=");
			put(o, "` |\n");
		}
		tfoot(o);
	} else {
		bw = 900.0 / (double)nb;
		put(o, "<svg viewBox=\"0 0 960 250\" role=\"img\" "
		    "aria-label=\"events per time bucket\" "
		    "xmlns=\"http://www.w3.org/2000/svg\">\n");
		putf(o, "<line class=\"ax\" x1=\"50\" y1=\"210\" x2=\"952\" "
		    "y2=\"210\"/><line class=\"ax\" x1=\"50\" y1=\"20\" "
		    "x2=\"50\" y2=\"210\"/>\n<text x=\"44\" y=\"24\" "
		    "text-anchor=\"end\">%" PRIu64 "</text><text x=\"44\" "
		    "y=\"210\" text-anchor=\"end\">0</text>\n", maxc);
		for (k = 0; k < nb; k++) {
			x = 51 + (double)k * bw;
			fmt_bucket(start + (int64_t)k * w, w, label,
			    sizeof(label));
			if (cnt[k] > 0) {
				hgt = 188.0 * (double)cnt[k] / (double)maxc;
				if (hgt < 1.5)
					hgt = 1.5;
				putf(o, "<rect class=\"bar%s\" x=\"%.1f\" "
				    "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
				    "<title>%s: %" PRIu64 " events%s</title>"
				    "</rect>\n", hcnt[k] > 0 ? " h" : "", x,
				    210 - hgt, bw > 2 ? bw - 1 : bw, hgt, label,
				    cnt[k], hcnt[k] > 0 ? ", YARA hits" : "");
			}
			if (hcnt[k] > 0)
				putf(o, "<path class=\"mk\" d=\"M%.1f 6 l5 9 "
				    "l-10 0 z\"><title>%s: %" PRIu64 " events "
				    "of matched files</title></path>\n",
				    x + bw / 2, label, hcnt[k]);
			if (k % ((nb + 5) / 6) == 0)
				putf(o, "<line class=\"ax\" x1=\"%.1f\" "
				    "y1=\"210\" x2=\"%.1f\" y2=\"215\"/>"
				    "<text x=\"%.1f\" y=\"230\">%s</text>\n",
				    x, x, x, label);
		}
		put(o, "</svg>\n<p class=\"legend note\"><span style=\""
		    "background:#7ea6d8\"></span>events<span style=\""
		    "background:#d9534f\"></span>events of files YARA "
		    "matched</p>\n");
	}
	if (outside > 0) {
		snprintf(note, sizeof(note), "%" PRIu64 " outlying event%s "
		    "outside the range drawn are not shown.", outside,
		    outside == 1 ? "" : "s");
		para(o, "note", note);
	}
out:
	free(ts);
	free(cnt);
	free(hcnt);
}

static void
write_context(struct out *o, const tr_report *r)
{
	static const char *const cols[] = { "Time (UTC)", "What", "Path",
		"Tags", NULL };
	const json_t *win, *e, *t, *tags;
	const char *rule;
	char rules[512], buf[160];
	size_t i, j, k;
	void *it;

	if (json_array_size(r->windows) == 0)
		return;
	if (o->md)
		put(o, "### Events around each hit\n\n");
	else
		put(o, "<h3>Events around each hit</h3>\n");
	snprintf(buf, sizeof(buf), "Up to %u events before and after each "
	    "event of a matched file; those rows are marked.", r->context);
	para(o, "note", buf);
	json_array_foreach(r->windows, i, win) {
		put(o, o->md ? "**" : "<h3>");
		putf(o, "%zu. ", i + 1);
		k = 0;
		for (it = json_object_iter(json_object_get(win, "rules"));
		    it != NULL; it = json_object_iter_next(json_object_get(win,
		    "rules"), it)) {
			rule = json_object_iter_key(it);
			if (k++ > 0)
				put(o, ", ");
			esc(o, rule);
		}
		put(o, o->md ? "**\n\n" : "</h3>\n");
		thead(o, "events", cols);
		json_array_foreach(json_object_get(win, "events"), j, e) {
			event_rules(e, rules, sizeof(rules));
			tr_begin(o, rules[0] != '\0' ? "hit" : NULL);
			td(o, "mono nw");
			if (o->md && rules[0] != '\0')
				put(o, "\xe2\x96\xb6 ");
			esc_key(o, e, sget(e, "time") != NULL ? "time" :
			    "datetime");
			tdx(o);
			cell(o, NULL, sget(e, "timestamp_desc"));
			cell(o, "path", sget(e, "path") != NULL ?
			    sget(e, "path") : sget(e, "message"));
			td(o, NULL);
			tags = json_object_get(e, "tag");
			json_array_foreach(tags, k, t) {
				if (k > 0)
					put(o, ", ");
				esc(o, json_string_value(t));
			}
			tdx(o);
			tr_end(o);
		}
		tfoot(o);
	}
	if (r->hits_unshown > 0) {
		snprintf(buf, sizeof(buf), "%" PRIu64 " further matched events "
		    "are not shown.", r->hits_unshown);
		para(o, "note", buf);
	}
}

static void
write_artifacts(struct out *o, const tr_report *r)
{
	static const char *const scols[] = { "Artifact", "Files", "Bytes",
		NULL };
	static const char *const cols[] = { "Artifact", "Volume",
		"Original path", "Copied to", "Size", "SHA-256", NULL };
	const char *k;
	const json_t *a, *x;
	char buf[96];
	size_t i;

	h2(o, "artifacts", "Artifacts collected");
	if (r->nextracted == 0) {
		para(o, "note", "No artifact files were extracted.");
		end_section(o);
		return;
	}
	thead(o, "artifact-sum", scols);
	json_object_foreach(r->artifacts, k, a) {
		tr_begin(o, NULL);
		cell(o, NULL, k);
		cell_val(o, "num", json_object_get(a, "files"));
		td(o, "num");
		size_cell(o, json_object_get(a, "bytes"));
		tdx(o);
		tr_end(o);
	}
	tfoot(o);
	thead(o, "artifacts", cols);
	json_array_foreach(r->extracted, i, x) {
		tr_begin(o, NULL);
		cell(o, NULL, sget(x, "artifact"));
		cell_val(o, "num", json_object_get(x, "volume"));
		cell(o, "path", sget(x, "path"));
		cell(o, "path", sget(x, "output"));
		td(o, "num");
		size_cell(o, json_object_get(x, "size"));
		tdx(o);
		cell_code(o, sget(x, "sha256"));
		tr_end(o);
	}
	tfoot(o);
	if (r->nextracted > json_array_size(r->extracted)) {
		snprintf(buf, sizeof(buf), "The first %zu files are listed.",
		    json_array_size(r->extracted));
		para(o, "note", buf);
	}
	end_section(o);
}

static void
pre(struct out *o, const char *text)
{
	put(o, o->md ? "\n```\n" : "<pre>");
	if (o->md) {
		/* Keep the fence closed whatever the text holds. */
		const char *p;

		for (p = text; *p != '\0'; p++) {
			if (*p == '`')
				put(o, "'");
			else if ((unsigned char)*p < 0x20 && *p != '\n')
				putf(o, "\\x%02x", (unsigned char)*p);
			else
				fputc(*p, o->fp);
		}
	} else {
		o->pre = 1;
		esc(o, text);
		o->pre = 0;
	}
	put(o, o->md ? "\n```\n\n" : "</pre>\n");
}

static void
write_problems(struct out *o, const tr_report *r)
{
	static const char *const cols[] = { "Step", "Status", "Exit",
		"Messages (end of standard error)", NULL };
	const json_t *c, *p;
	const char *st, *tail;
	size_t i, n = 0;

	h2(o, "problems", "Warnings and errors");
	json_array_foreach(r->custody, i, c) {
		st = sget(c, "status");
		tail = sget(c, "stderr_tail");
		if ((st == NULL || strcmp(st, "ok") == 0) && tail == NULL)
			continue;
		if (n++ == 0)
			thead(o, "problems", cols);
		tr_begin(o, st != NULL && strcmp(st, "failed") == 0 ? "bad" :
		    NULL);
		cell(o, NULL, sget(c, "step"));
		cell(o, NULL, st);
		cell_val(o, "num", json_object_get(c, "exit"));
		td(o, NULL);
		if (tail != NULL) {
			if (o->md) {
				/* A table cell cannot hold a block. */
				esc(o, tail);
			} else {
				pre(o, tail);
			}
		}
		tdx(o);
		tr_end(o);
	}
	if (n > 0)
		tfoot(o);
	json_array_foreach(r->problems, i, p) {
		if (i == 0)
			put(o, o->md ? "Records that could not be read:\n\n" :
			    "<p>Records that could not be read:</p>\n<ul>\n");
		put(o, o->md ? "- " : "<li>");
		esc(o, json_string_value(p));
		put(o, o->md ? "\n" : "</li>\n");
		n++;
	}
	if (json_array_size(r->problems) > 0)
		put(o, o->md ? "\n" : "</ul>\n");
	if (n == 0)
		para(o, "ok", "No step failed and no tool printed a warning.");
	end_section(o);
}

static void
argv_text(struct out *o, const json_t *argv)
{
	const json_t *a;
	size_t i;

	json_array_foreach(argv, i, a) {
		if (i > 0)
			put(o, " ");
		esc(o, json_string_value(a));
	}
}

/* The log read ends with the entry that closes a collection. */
static int
custody_sealed(const tr_report *r)
{
	const json_t *last = json_array_get(r->custody,
	    json_array_size(r->custody) - 1);
	const char *step = sget(last, "step");

	return step != NULL && strcmp(step, TR_CUSTODY_SEAL) == 0;
}

static void
write_custody(struct out *o, const tr_report *r)
{
	static const char *const cols[] = { "#", "Step", "Command", "Started",
		"Finished", "Exit", "Status", "Outputs", NULL };
	const json_t *c, *m;
	const char *st;
	char buf[256];
	size_t i;

	h2(o, "custody", "Chain of custody");
	if (json_array_size(r->custody) == 0) {
		para(o, "note", "No custody log.");
		end_section(o);
		return;
	}
	if (r->custody_checked) {
		if (r->custody_problems == 0) {
			snprintf(buf, sizeof(buf), "Custody log checked: %zu "
			    "entries, hash chain intact, every output file "
			    "matches its SHA-256.", r->custody_entries);
			para(o, "ok", buf);
		} else {
			snprintf(buf, sizeof(buf), "Custody log check FAILED: "
			    "%zu problem%s.", r->custody_problems,
			    r->custody_problems == 1 ? "" : "s");
			para(o, "bad", buf);
			put(o, o->md ? "" : "<ul>\n");
			json_array_foreach(r->custody_msgs, i, m) {
				put(o, o->md ? "- " : "<li>");
				esc(o, json_string_value(m));
				put(o, o->md ? "\n" : "</li>\n");
			}
			put(o, o->md ? "\n" : "</ul>\n");
		}
		/*
		 * During a collection the report step and the seal are logged
		 * after this page is made: this head is not the final one.
		 */
		if (o->md) {
			putf(o, "Head of the chain when this report was made "
			    "(SHA-256 of entry %zu): `%s`%s\n\n",
			    r->custody_entries, r->custody_head,
			    custody_sealed(r) ? "" : " \xe2\x80\x94 not the "
			    "final head: later entries (this report's step, the "
			    "seal) follow it");
		} else {
			putf(o, "<p>Head of the chain when this report was made "
			    "(SHA-256 of entry %zu): <span class=\"mono\">%s"
			    "</span>%s</p>\n", r->custody_entries,
			    r->custody_head, custody_sealed(r) ? "" :
			    "<br><small>Not the final head: later entries "
			    "(this report's step, the seal) follow it; "
			    "triage-collect prints the final one.</small>");
		}
	}
	thead(o, "custody", cols);
	json_array_foreach(r->custody, i, c) {
		st = sget(c, "status");
		tr_begin(o, st != NULL && strcmp(st, "failed") == 0 ? "bad" :
		    NULL);
		cell_val(o, "num", json_object_get(c, "seq"));
		cell(o, NULL, sget(c, "step"));
		td(o, "mono");
		argv_text(o, json_object_get(c, "argv"));
		tdx(o);
		cell(o, NULL, sget(c, "started"));
		cell(o, NULL, sget(c, "finished"));
		cell_val(o, "num", json_object_get(c, "exit"));
		cell(o, NULL, st);
		td(o, "num");
		putf(o, "%zu", json_array_size(json_object_get(c, "outputs")));
		tdx(o);
		tr_end(o);
	}
	tfoot(o);
	end_section(o);
}

static void
write_versions(struct out *o, const tr_report *r)
{
	static const char *const cols[] = { "Program or library", "Version",
		NULL };
	json_t *all = json_object();
	const json_t *c, *v;
	const char *k;
	size_t i;

	h2(o, "versions", "Tools and libraries");
	json_array_foreach(r->custody, i, c) {
		json_object_foreach(json_object_get(c, "versions"), k, v) {
			if (json_is_string(v) && all != NULL &&
			    json_object_get(all, k) == NULL)
				json_object_set(all, k, (json_t *)v);
		}
	}
	if (all != NULL)
		json_object_set_new(all, "triage-report",
		    json_string(PACKAGE_VERSION));
	thead(o, "versions", cols);
	json_object_foreach(all, k, v) {
		tr_begin(o, NULL);
		cell(o, NULL, k);
		cell_code(o, json_string_value(v));
		tr_end(o);
	}
	tfoot(o);
	json_decref(all);
	end_section(o);
}

static void
write_notable(struct out *o, const tr_report *r)
{
	static const char *const scols[] = { "What", "Events", NULL };
	static const char *const fcols[] = { "Source address", "Failures",
		"Accounts", "First (UTC)", "Last (UTC)", NULL };
	static const char *const cols[] = { "Time (UTC)", "What", "Details",
		"Source artifact", NULL };
	const char *k, *u;
	const json_t *v, *x, *ux;
	char buf[128];
	size_t i, j;

	h2(o, "notable", "Notable events");
	if (r->nnotable == 0 && r->nparsed == 0) {
		/* Not a clean negative: nothing was looked at. */
		para(o, "note", "No artifact was parsed (no event of "
		    "triage-parse in the case), so logons, processes, "
		    "services and the rest could not be looked for.");
		end_section(o);
		return;
	}
	if (r->nnotable == 0) {
		para(o, "note", "No notable event among the parsed artifacts "
		    "(logons, processes, services, accounts, cleared logs, "
		    "tasks, PowerShell, RDP, program execution, USB devices, "
		    "Linux logins, sudo, persistence, packages, downloads).");
		end_section(o);
		return;
	}
	thead(o, "notable-sum", scols);
	json_object_foreach(r->notable_n, k, v) {
		tr_begin(o, NULL);
		cell(o, NULL, k);
		cell_val(o, "num", v);
		tr_end(o);
	}
	tfoot(o);
	if (json_object_size(r->failed_src) > 0) {
		para(o, "bad", "Failed logons by source address:");
		thead(o, "failed-sources", fcols);
		json_object_foreach(r->failed_src, k, v) {
			tr_begin(o, NULL);
			cell_code(o, k);
			cell_val(o, "num", json_object_get(v, "n"));
			td(o, NULL);
			j = 0;
			json_object_foreach(json_object_get(v, "users"), u, ux) {
				if (j++ > 0)
					put(o, ", ");
				esc(o, u);
			}
			tdx(o);
			time_cell(o, sget(v, "first"));
			time_cell(o, sget(v, "last"));
			tr_end(o);
		}
		tfoot(o);
	}
	thead(o, "notable", cols);
	json_array_foreach(r->notable, i, x) {
		tr_begin(o, NULL);
		time_cell(o, sget(x, "time"));
		td(o, NULL);
		put(o, o->md ? "**" : "<b>");
		esc_key(o, x, "what");
		put(o, o->md ? "**" : "</b>");
		tdx(o);
		cell(o, "path", sget(x, "detail"));
		td(o, "path");
		esc_key(o, x, "where");
		if (sget(x, "data_type") != NULL) {
			put(o, o->md ? " (" : "<br><small class=\"mono\">");
			esc_key(o, x, "data_type");
			put(o, o->md ? ")" : "</small>");
		}
		tdx(o);
		tr_end(o);
	}
	tfoot(o);
	if (r->nnotable > json_array_size(r->notable)) {
		snprintf(buf, sizeof(buf), "The first %zu of %" PRIu64
		    " notable events are listed.", json_array_size(r->notable),
		    r->nnotable);
		para(o, "note", buf);
	}
	end_section(o);
}

int
tr_report_write(tr_report *r, FILE *fp, int format, tr_error *err)
{
	struct out o;

	if (format != TR_REPORT_HTML && format != TR_REPORT_MARKDOWN)
		return tri_error_set(err, TR_EINVAL,
		    "unknown report format %d", format);
	o.fp = fp;
	o.md = format == TR_REPORT_MARKDOWN;
	o.pre = 0;
	if (!o.md)
		write_head(&o, r);
	write_header(&o, r);
	write_summary(&o, r);
	write_evidence(&o, r);
	write_volumes(&o, r);
	write_hits(&o, r);
	write_notable(&o, r);
	write_chart(&o, r);
	write_context(&o, r);
	end_section(&o);
	write_artifacts(&o, r);
	write_problems(&o, r);
	write_custody(&o, r);
	write_versions(&o, r);
	if (!o.md)
		put(&o, "<footer>Made by triage-report " PACKAGE_VERSION
		    " from JSON Lines records; see triage-records(5)."
		    "</footer>\n</main>\n</body>\n</html>\n");
	if (fflush(fp) != 0 || ferror(fp))
		return tri_error_errno(err, TR_EIO, errno,
		    "cannot write the report");
	return TR_OK;
}
