/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "check.h"
#include "triage/triage.h"

static void
test_error_names(void)
{
	CHECK_STR(tr_status_name(TR_OK), "TR_OK");
	CHECK_STR(tr_status_name(TR_EIO), "TR_EIO");
	CHECK_STR(tr_status_name(TR_EINTR), "TR_EINTR");
	CHECK_STR(tr_status_name(-99), "TR_EUNKNOWN");
	CHECK_STR(tr_status_name(3), "TR_EUNKNOWN");
}

static void
test_error_clear(void)
{
	tr_error err;

	err.code = TR_EIO;
	err.sys_errno = 5;
	strcpy(err.msg, "x");
	tr_error_clear(&err);
	CHECK(err.code == TR_OK && err.sys_errno == 0 && err.msg[0] == '\0');
	tr_error_clear(NULL);
}

static void
test_error_versions(void)
{
	CHECK(strlen(tr_version()) > 0);
	CHECK_CONTAINS(tr_version_tsk(), "4.");
	CHECK(strlen(tr_version_ewf()) >= 8);
	CHECK(strlen(tr_version_yara()) > 0);
	CHECK(strlen(tr_version_jansson()) > 0);
}

int
main(void)
{
	test_error_names();
	test_error_clear();
	test_error_versions();
	return 0;
}
