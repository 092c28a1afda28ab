/* SPDX-License-Identifier: Apache-2.0 */
/* Error reporting: messages with context, dependency errors translated. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *names[] = {
	"TR_OK", "TR_ENOMEM", "TR_EIO", "TR_EFORMAT", "TR_EINVAL",
	"TR_ENOTFOUND", "TR_EUNSUPPORTED", "TR_EINTR"
};

const char *
tr_status_name(int status)
{
	if (status > 0 || -status >= (int)(sizeof(names) / sizeof(names[0])))
		return "TR_EUNKNOWN";
	return names[-status];
}

void
tr_error_clear(tr_error *err)
{
	if (err == NULL)
		return;
	err->code = TR_OK;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}

static void
vset(tr_error *err, int code, int errnum, const char *fmt, va_list ap)
{
	err->code = code;
	err->sys_errno = errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int
tri_error_set(tr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int
tri_error_errno(tr_error *err, int code, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, errnum, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	return code;
}

const char *
tri_tsk_errstr(char *buf, size_t len)
{
	const char *e = tsk_error_get();
	char *p;

	snprintf(buf, len, "%s", e != NULL && *e != '\0' ? e : "unknown error");
	/* TSK puts newlines and tabs between its parts; keep one line. */
	for (p = buf; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	while (p > buf && p[-1] == ' ')
		*--p = '\0';
	tsk_error_reset();
	return buf;
}

int
tri_error_tsk(tr_error *err, int code, const char *fmt, ...)
{
	char tsk[256];
	va_list ap;
	size_t n;

	tri_tsk_errstr(tsk, sizeof(tsk));
	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vset(err, code, 0, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", tsk);
	return code;
}

void
tri_vwarn(tr_warn_fn warn, void *arg, const char *fmt, va_list ap)
{
	char msg[600];

	if (warn == NULL)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	warn(arg, msg);
}

void
tri_warn(tr_warn_fn warn, void *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tri_vwarn(warn, arg, fmt, ap);
	va_end(ap);
}
