/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a syslog (or journal) message from sshd, sudo, su, cron, PAM or the
 * shadow tools says, as its own data type and fields
 * (parse_syslog_auth.c).
 */
#ifndef TRIAGE_PARSE_SYSLOG_AUTH_H
#define TRIAGE_PARSE_SYSLOG_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include "triage/record.h"

#define TRI_KV_MAX	12

struct tri_kv {
	const char	*key;
	const char	*val;		/* NULL: integer ival */
	size_t		len;
	int64_t		ival;
};

struct tri_auth {
	const char	*data_type;
	struct tri_kv	kv[TRI_KV_MAX];
	size_t		n;
};

/*
 * Classify body (blen bytes) written by reporter (rlen bytes).  Returns 1
 * and fills *out when the message is one of the known kinds, else 0.  The
 * values point into body.
 */
int	tri_auth_classify(const char *reporter, size_t rlen, const char *body,
	    size_t blen, struct tri_auth *out);
/* Set out's fields on ev: TR_OK or TR_ENOMEM. */
int	tri_auth_set(tr_rec *ev, const struct tri_auth *out);

/* The data types tri_auth_classify() gives (for parsers' lists). */
#define TRI_AUTH_DATA_TYPES						\
	"syslog:ssh:login", "syslog:ssh:failed_connection",		\
	"syslog:ssh:opened_connection", "syslog:ssh:invalid_user",	\
	"syslog:cron:task_run", "linux:sudo:command", "linux:su:switch",\
	"linux:pam:session", "linux:pam:authentication_failure",\
	"linux:account:user_added",		\
	"linux:account:group_added", "linux:account:user_modified",	\
	"linux:account:user_deleted", "linux:account:password_changed"

#endif
