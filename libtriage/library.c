/* SPDX-License-Identifier: Apache-2.0 */
/* Library set-up and the versions of everything we are built on. */
#include "internal.h"

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
