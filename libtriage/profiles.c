/* SPDX-License-Identifier: Apache-2.0 */
/* Profile folders from the ProfileList of a SOFTWARE hive (libregf). */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <unistd.h>
#include <libregf.h>
#include "yal.h"

#define HIVE_MAX	((uint64_t)512 << 20)
#define SUBKEYS_MAX	10000

/*
 * libregf and libbfio are loaded with dlmopen() into a namespace of their
 * own (yal.c), never linked.  Each libyal library exports its private copy of
 * libcdata, libcerror, libuna, libbfio... (libewf, and libvmdk/libvhdi under
 * libtsk, do too), all of other versions: in one namespace the first copy
 * loaded serves every library, and libewf then crashed on truncated E01s
 * with libbfio 2017's structures.  The table is filled once and only read.
 */
#define REGF_SONAME	"libregf.so.1"
#if defined(LIBREGF_HAVE_BFIO)
#define BFIO_API(X) X(libbfio_error_free) X(libbfio_error_sprint) \
	X(libbfio_handle_free) X(libbfio_memory_range_initialize) \
	X(libbfio_memory_range_set) X(libregf_file_open_file_io_handle)
#else
#define BFIO_API(X) X(libregf_file_open)
#endif
#define REGF_API(X) BFIO_API(X) \
	X(libregf_get_version) X(libregf_error_backtrace_sprint) X(libregf_error_free) \
	X(libregf_file_close) X(libregf_file_free) \
	X(libregf_file_get_key_by_utf8_path) X(libregf_file_initialize) \
	X(libregf_key_free) X(libregf_key_get_number_of_sub_keys) \
	X(libregf_key_get_sub_key) X(libregf_key_get_utf8_name) \
	X(libregf_key_get_utf8_name_size) \
	X(libregf_key_get_value_by_utf8_name) X(libregf_value_free) \
	X(libregf_value_get_value_type) \
	X(libregf_value_get_value_utf8_string) \
	X(libregf_value_get_value_utf8_string_size)

static struct {
	REGF_API(TRI_YAL_MEMBER)
	tri_yal	lib;
} rg;
static const char *const rg_names[] = { REGF_API(TRI_YAL_NAME) NULL };
static pthread_once_t rg_once = PTHREAD_ONCE_INIT;

static void
rg_load(void)
{
	tri_yal_load(&rg.lib, REGF_SONAME, rg_names, (void **)&rg);
}

const char *
tri_regf_version(void)
{
	pthread_once(&rg_once, rg_load);
	return rg.lib.ok ? rg.libregf_get_version() : "(not loaded)";
}

static const char profile_list[] =
    "Microsoft\\Windows NT\\CurrentVersion\\ProfileList";
static const char current_version[] = "Microsoft\\Windows NT\\CurrentVersion";

/* A prefix of s, case-insensitively; returns what follows, or NULL. */
static const char *
skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(s, prefix, n) == 0 ? s + n : NULL;
}

int
tri_profile_path(const char *value, char drive, const char *sysroot,
    char *buf, size_t len)
{
	const char *rest, *s;
	char *o = buf;
	size_t n;

	if (len < 2)
		return -1;
	if ((rest = skip_prefix(value, "%SystemRoot%")) != NULL ||
	    (rest = skip_prefix(value, "%windir%")) != NULL) {
		n = strlen(sysroot);
		if (n + 1 > len)
			return -1;
		memcpy(o, sysroot, n);
		o += n;
	} else if ((rest = skip_prefix(value, "%SystemDrive%")) == NULL) {
		if (isalpha((unsigned char)value[0]) && value[1] == ':') {
			if (toupper((unsigned char)value[0]) !=
			    toupper((unsigned char)drive))
				return -1;	/* another drive */
			rest = value + 2;
		} else if (value[0] == '\\' && value[1] != '\\')
			rest = value;	/* the root of the system drive */
		else
			return -1;	/* UNC, relative, other variables */
	}
	if (*rest != '\0' && *rest != '\\' && *rest != '/')
		return -1;		/* "C:Users", "%SystemRoot%x" */
	/* Each component once, with "/"; "." and ".." are refused. */
	for (s = rest; *s != '\0';) {
		while (*s == '\\' || *s == '/')
			s++;
		if (*s == '\0')
			break;
		n = strcspn(s, "\\/");
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' &&
		    s[1] == '.'))
			return -1;
		if ((size_t)(o - buf) + 1 + n + 1 > len)
			return -1;
		*o++ = '/';
		memcpy(o, s, n);
		o += n;
		s += n;
	}
	*o = '\0';
	return o > buf ? 0 : -1;
}

/*
 * The first cause in libregf's error (its backtrace lists the innermost
 * call first), without the function name and final full stop; frees it.
 */
static const char *
regf_err(libregf_error_t **e, char *buf, size_t len)
{
	char tmp[2048], *p, *q;

	tmp[0] = '\0';
	if (*e != NULL && rg.libregf_error_backtrace_sprint(*e, tmp,
	    sizeof(tmp)) < 0)
		tmp[0] = '\0';
	rg.libregf_error_free(e);
	tmp[strcspn(tmp, "\r\n")] = '\0';
	p = tmp;
	if (strncmp(p, "lib", 3) == 0 && (q = strstr(p, ": ")) != NULL &&
	    strcspn(p, " ") > (size_t)(q - p))
		p = q + 2;
	if ((q = strchr(p, '\0')) > p && q[-1] == '.')
		q[-1] = '\0';
	snprintf(buf, len, "%s", p[0] != '\0' ? p : "libregf error");
	return buf;
}

/* A string value of key as UTF-8: 1, 0 when absent or not a string, -1. */
static int
get_string(libregf_key_t *key, const char *name, char *buf, size_t len,
    libregf_error_t **e)
{
	libregf_value_t *v = NULL;
	uint32_t type = 0;
	size_t size = 0;
	int rc;

	rc = rg.libregf_key_get_value_by_utf8_name(key, (const uint8_t *)name,
	    strlen(name), &v, e);
	if (rc != 1)
		return rc;
	if (rg.libregf_value_get_value_type(v, &type, e) != 1)
		rc = -1;
	else if (type != LIBREGF_VALUE_TYPE_STRING &&
	    type != LIBREGF_VALUE_TYPE_EXPANDABLE_STRING)
		rc = 0;
	else if (rg.libregf_value_get_value_utf8_string_size(v, &size,
	    e) != 1 || size == 0 || size > len ||
	    rg.libregf_value_get_value_utf8_string(v, (uint8_t *)buf, size,
	    e) != 1)
		rc = -1;
	rg.libregf_value_free(&v, NULL);
	return rc;
}

int
tri_profile_sid(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name), i;

	if (n > 4 && strcasecmp(name + n - 4, ".bak") == 0)
		n -= 4;
	if (n < 5 || n >= len || (name[0] != 'S' && name[0] != 's') ||
	    strncmp(name + 1, "-1-", 3) != 0 || name[n - 1] == '-')
		return -1;
	for (i = 4; i < n; i++)
		if (!isdigit((unsigned char)name[i]) && (name[i] != '-' ||
		    name[i - 1] == '-'))
			return -1;
	memcpy(buf, name, n);
	buf[0] = 'S';
	buf[n] = '\0';
	return 0;
}

/* Where the hive is, for messages: "volume 3 of 'disk.img'". */
static void
where(tr_fs *fs, char *buf, size_t len)
{
	const tr_fs_info *fi = tr_fs_get_info(fs);
	const char *src = tr_source_path(tr_fs_source(fs));

	if (fi->volume >= 0)
		snprintf(buf, len, "volume %d of '%s'", fi->volume, src);
	else
		snprintf(buf, len, "'%s'", src);
}

struct hive {
	tr_fs		*fs;
	const char	*path, *sysroot;
	char		where[600];
	tri_profile_fn	add;
	void		*arg;
	tr_warn_fn	warn;
	void		*warn_arg;
};

static void
read_list(struct hive *h, libregf_file_t *file)
{
	libregf_error_t *e = NULL;
	libregf_key_t *cv = NULL, *list = NULL, *sub = NULL;
	char ebuf[512], sid[256], val[4096], home[4096], drive = 'C';
	char sidv[256];
	size_t n;
	int i, nsub = 0, rc;

	if (rg.libregf_file_get_key_by_utf8_path(file, (const uint8_t *)
	    current_version, strlen(current_version), &cv, &e) == 1 &&
	    get_string(cv, "SystemRoot", val, sizeof(val), &e) == 1 &&
	    isalpha((unsigned char)val[0]) && val[1] == ':')
		drive = val[0];
	rg.libregf_error_free(&e);
	rg.libregf_key_free(&cv, NULL);
	rc = rg.libregf_file_get_key_by_utf8_path(file, (const uint8_t *)
	    profile_list, strlen(profile_list), &list, &e);
	if (rc == 0) {
		tri_warn(h->warn, h->warn_arg, "registry hive '%s' in %s has "
		    "no key '%s'; user folders come from the folder listing "
		    "only", h->path, h->where, profile_list);
		return;
	}
	if (rc != 1) {
		tri_warn(h->warn, h->warn_arg, "cannot read key '%s' of "
		    "registry hive '%s' in %s: %s; user folders come from the "
		    "folder listing only", profile_list, h->path, h->where,
		    regf_err(&e, ebuf, sizeof(ebuf)));
		return;
	}
	if (rg.libregf_key_get_number_of_sub_keys(list, &nsub, &e) != 1) {
		tri_warn(h->warn, h->warn_arg, "cannot read key '%s' of "
		    "registry hive '%s' in %s: %s", profile_list, h->path,
		    h->where, regf_err(&e, ebuf, sizeof(ebuf)));
		nsub = 0;
	}
	if (nsub > SUBKEYS_MAX) {
		tri_warn(h->warn, h->warn_arg, "registry hive '%s' in %s: "
		    "'%s' has %d subkeys; only the first %d are read",
		    h->path, h->where, profile_list, nsub, SUBKEYS_MAX);
		nsub = SUBKEYS_MAX;
	}
	for (i = 0; i < nsub; i++) {
		rg.libregf_key_free(&sub, NULL);
		strcpy(sid, "?");
		if (rg.libregf_key_get_sub_key(list, i, &sub, &e) != 1 ||
		    rg.libregf_key_get_utf8_name_size(sub, &n, &e) != 1 ||
		    n == 0 || n > sizeof(sid) ||
		    rg.libregf_key_get_utf8_name(sub, (uint8_t *)sid, n,
		    &e) != 1) {
			tri_warn(h->warn, h->warn_arg, "registry hive '%s' in "
			    "%s: cannot read subkey %d of '%s': %s", h->path,
			    h->where, i, profile_list,
			    regf_err(&e, ebuf, sizeof(ebuf)));
			continue;
		}
		rc = get_string(sub, "ProfileImagePath", val, sizeof(val), &e);
		if (rc == 0)
			continue;	/* no profile folder: nothing to add */
		if (rc < 0) {
			tri_warn(h->warn, h->warn_arg, "registry hive '%s' in "
			    "%s: cannot read '%s\\%s' value ProfileImagePath: "
			    "%s", h->path, h->where, profile_list, sid,
			    regf_err(&e, ebuf, sizeof(ebuf)));
			continue;
		}
		if (tri_profile_path(val, drive, h->sysroot, home,
		    sizeof(home)) != 0) {
			tri_warn(h->warn, h->warn_arg, "registry hive '%s' in "
			    "%s: profile of %s (ProfileImagePath '%s') is not "
			    "on this volume; not searched", h->path, h->where,
			    sid, val);
			continue;
		}
		if (tri_profile_sid(sid, sidv, sizeof(sidv)) != 0) {
			tri_warn(h->warn, h->warn_arg, "registry hive '%s' in "
			    "%s: '%s' subkey '%s' is not a SID; profile '%s' "
			    "is searched without %%%%users.sid%%%%", h->path,
			    h->where, profile_list, sid, home);
			h->add(h->arg, home, NULL);
		} else
			h->add(h->arg, home, sidv);
	}
	rg.libregf_key_free(&sub, NULL);
	rg.libregf_key_free(&list, NULL);
	rg.libregf_error_free(&e);
}

#if defined(LIBREGF_HAVE_BFIO)
/* Open the hive from memory. */
static int
hive_open(libregf_file_t *file, uint8_t *data, size_t size,
    libbfio_handle_t **bfio, libregf_error_t **e, char *ebuf, size_t elen)
{
	libbfio_error_t *be = NULL;

	if (rg.libbfio_memory_range_initialize(bfio, &be) != 1 ||
	    rg.libbfio_memory_range_set(*bfio, data, size, &be) != 1) {
		if (be == NULL || rg.libbfio_error_sprint(be, ebuf, elen) < 0)
			snprintf(ebuf, elen, "libbfio error");
		rg.libbfio_error_free(&be);
		return -1;
	}
	if (rg.libregf_file_open_file_io_handle(file, *bfio, LIBREGF_OPEN_READ,
	    e) != 1) {
		regf_err(e, ebuf, elen);
		return -1;
	}
	return 0;
}
#else
/* No bfio in this libregf: a private temporary file, unlinked once open. */
static int
hive_open(libregf_file_t *file, uint8_t *data, size_t size, void **unused,
    libregf_error_t **e, char *ebuf, size_t elen)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];
	size_t off = 0;
	ssize_t w;
	int fd, rc = -1;

	(void)unused;
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/triage-hive.XXXXXX", dir);
	if ((fd = mkstemp(tmpl)) < 0) {
		snprintf(ebuf, elen, "cannot create a temporary file in '%s': "
		    "%s", dir, strerror(errno));
		return -1;
	}
	while (off < size) {
		if ((w = write(fd, data + off, size - off)) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(ebuf, elen, "cannot write temporary file "
			    "'%s': %s", tmpl, strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (rg.libregf_file_open(file, tmpl, LIBREGF_OPEN_READ, e) != 1)
		regf_err(e, ebuf, elen);
	else
		rc = 0;
out:
	unlink(tmpl);
	close(fd);
	return rc;
}
#endif

void
tri_profiles_read(tr_fs *fs, const char *sysroot, tri_profile_fn add,
    void *arg, tr_warn_fn warn, void *warn_arg)
{
	struct hive h;
	tr_file *f = NULL;
	tr_error err;
	libregf_file_t *file = NULL;
	libregf_error_t *e = NULL;
#if defined(LIBREGF_HAVE_BFIO)
	libbfio_handle_t *bfio = NULL;
#else
	void *bfio = NULL;
#endif
	char path[4096], ebuf[512];
	uint8_t *data = NULL;
	uint64_t size, off = 0;
	int64_t n;
	int rc;

	memset(&h, 0, sizeof(h));
	h.fs = fs;
	h.path = path;
	h.sysroot = sysroot;
	h.add = add;
	h.arg = arg;
	h.warn = warn;
	h.warn_arg = warn_arg;
	snprintf(path, sizeof(path), "%s/System32/config/SOFTWARE", sysroot);
	if ((rc = tr_file_open(&f, fs, NULL, path, &err)) != TR_OK) {
		if (rc != TR_ENOTFOUND)
			tri_warn(warn, warn_arg, "%s; user folders come from "
			    "the folder listing only", err.msg);
		return;
	}
	where(fs, h.where, sizeof(h.where));
	pthread_once(&rg_once, rg_load);
	if (!rg.lib.ok) {
		tri_warn(warn, warn_arg, "cannot read registry hive '%s' in "
		    "%s: %s; user folders come from the folder listing only",
		    path, h.where, rg.lib.why);
		goto out;
	}
	size = tr_file_size(f);
	if (size > HIVE_MAX) {
		tri_warn(warn, warn_arg, "registry hive '%s' in %s is %llu "
		    "bytes, more than the %llu read; user folders come from "
		    "the folder listing only", path, h.where,
		    (unsigned long long)size, (unsigned long long)HIVE_MAX);
		goto out;
	}
	if ((data = malloc(size > 0 ? (size_t)size : 1)) == NULL) {
		tri_warn(warn, warn_arg, "cannot read registry hive '%s' in "
		    "%s: out of memory", path, h.where);
		goto out;
	}
	while (off < size) {
		n = tr_file_read(f, off, data + off, (size_t)(size - off),
		    &err);
		if (n < 0) {
			tri_warn(warn, warn_arg, "%s; user folders come from "
			    "the folder listing only", err.msg);
			goto out;
		}
		if (n == 0)
			break;
		off += (uint64_t)n;
	}
	if (rg.libregf_file_initialize(&file, &e) != 1) {
		tri_warn(warn, warn_arg, "cannot read registry hive '%s' in "
		    "%s: %s", path, h.where, regf_err(&e, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (hive_open(file, data, (size_t)off, &bfio, &e, ebuf,
	    sizeof(ebuf)) != 0) {
		tri_warn(warn, warn_arg, "cannot parse registry hive '%s' "
		    "(%llu bytes) in %s: %s; user folders come from the folder "
		    "listing only", path, (unsigned long long)off, h.where,
		    ebuf);
		goto out;
	}
	read_list(&h, file);
	rg.libregf_file_close(file, NULL);
out:
	if (rg.lib.ok) {
		rg.libregf_file_free(&file, NULL);
		rg.libregf_error_free(&e);
#if defined(LIBREGF_HAVE_BFIO)
		rg.libbfio_handle_free(&bfio, NULL);
#endif
	}
	free(data);
	tr_file_close(f);
}
