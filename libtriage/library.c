/* SPDX-License-Identifier: Apache-2.0 */
/* Library set-up and the versions of everything we are built on. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libdeflate.h>
#include <libewf.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <yaml.h>
#include <yara.h>

int
tr_library_init(tr_error *err)
{
	int rc;

	/* FAT times are local: never the examiner's TZ unless asked (-z). */
	if ((rc = tr_timezone_set(NULL, err)) != TR_OK)
		return rc;

	if ((rc = yr_initialize()) != ERROR_SUCCESS)
		return tri_error_set(err, TR_ENOMEM,
		    "cannot initialise libyara: error %d", rc);
	return TR_OK;
}

void
tr_library_fini(void)
{
	yr_finalize();
}

const char *
tr_version(void)
{
	return PACKAGE_VERSION;
}

const char *
tr_version_tsk(void)
{
	return tsk_version_get_str();
}

const char *
tr_version_ewf(void)
{
	return libewf_get_version();
}

const char *
tr_version_yara(void)
{
	return YR_VERSION;
}

const char *
tr_version_jansson(void)
{
	return jansson_version_str();
}

const char *
tr_version_openssl(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

const char *
tr_version_yaml(void)
{
	return yaml_get_version_string();
}

const char *
tr_version_deflate(void)
{
	return LIBDEFLATE_VERSION_STRING;
}

const char *
tr_version_regf(void)
{
	return tri_regf_version();
}

size_t
tr_version_text(const char *prog, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%s (triage) %s\nlibtsk %s\nlibewf %s\n"
	    "libyara %s\njansson %s\n%s\nlibyaml %s\nlibdeflate %s\n"
	    "libregf %s\n", prog, tr_version(), tr_version_tsk(),
	    tr_version_ewf(), tr_version_yara(), tr_version_jansson(),
	    tr_version_openssl(), tr_version_yaml(), tr_version_deflate(),
	    tr_version_regf());
	return n < 0 ? 0 : (size_t)n;
}

static char tz_name[128] = "UTC";

/*
 * libtsk turns FAT and exFAT local times into UTC with mktime(), that is
 * in this process's TZ; libewf turns E01 acquisition dates into local time
 * with localtime().  Both follow the zone set here, and nothing else does.
 */
int
tr_timezone_set(const char *zone, tr_error *err)
{
	char path[512];
	const char *dir = getenv("TZDIR");

	if (zone == NULL || *zone == '\0')
		zone = "UTC";
	if (strlen(zone) >= sizeof(tz_name) || zone[0] == '/' ||
	    strstr(zone, "..") != NULL || strchr(zone, ',') != NULL)
		return tri_error_set(err, TR_EINVAL, "invalid time zone '%s': "
		    "expected a zone name such as Europe/Berlin or UTC",
		    zone);
	if (strcmp(zone, "UTC") != 0) {
		snprintf(path, sizeof(path), "%s/%s",
		    dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo",
		    zone);
		if (access(path, R_OK) != 0)
			return tri_error_set(err, TR_EINVAL, "unknown time zone "
			    "'%s': no %s (a name from the tz database, such as "
			    "America/New_York, is expected)", zone, path);
	}
	/* ":NAME" makes the C library read exactly that zone file. */
	snprintf(path, sizeof(path), "%s%s", strcmp(zone, "UTC") == 0 ? "" :
	    ":", strcmp(zone, "UTC") == 0 ? "UTC0" : zone);
	if (setenv("TZ", path, 1) != 0)
		return tri_error_errno(err, TR_ENOMEM, errno, "cannot set TZ");
	tzset();
	snprintf(tz_name, sizeof(tz_name), "%s", zone);
	return TR_OK;
}

const char *
tr_timezone(void)
{
	return tz_name;
}
