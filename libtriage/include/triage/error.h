/* SPDX-License-Identifier: Apache-2.0 */
/* Status codes and the caller-owned error struct every fallible call fills. */
#ifndef TRIAGE_ERROR_H
#define TRIAGE_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TR_API __attribute__((visibility("default")))
#else
#define TR_API
#endif

#define TR_ERROR_MSG_MAX 512

/*
 * Every fallible public function returns one of these as an int: 0 on
 * success, negative on failure.
 */
typedef enum tr_status {
	TR_OK = 0,
	TR_ENOMEM = -1,		/* out of memory */
	TR_EIO = -2,		/* read/write failed; sys_errno says why */
	TR_EFORMAT = -3,	/* the evidence or input is not what it should be */
	TR_EINVAL = -4,		/* bad argument from the caller */
	TR_ENOTFOUND = -5,	/* no such file, volume, inode, record */
	TR_EUNSUPPORTED = -6,	/* a format this build cannot read */
	TR_EINTR = -7		/* stopped by a signal or a callback */
} tr_status;

/*
 * Filled by the function that detects a failure, with the context (path,
 * offset, inode).  Callers pass it up unchanged.  May be NULL everywhere.
 */
typedef struct tr_error {
	int	code;			/* a tr_status */
	int	sys_errno;		/* errno when code == TR_EIO, else 0 */
	char	msg[TR_ERROR_MSG_MAX];	/* "cannot open image 'a.E01': ..." */
} tr_error;

/* Short name of a status, "TR_EIO" and so on; never NULL. */
TR_API const char *tr_status_name(int status);

/* Reset err to TR_OK with an empty message.  NULL is a no-op. */
TR_API void tr_error_clear(tr_error *err);

/*
 * Library-wide set-up and tear-down: call tr_library_init() once in main
 * before any thread starts (it initialises libyara), tr_library_fini() at
 * the end.  Returns TR_OK or a negative status.
 */
TR_API int tr_library_init(tr_error *err);
TR_API void tr_library_fini(void);

/*
 * The time zone in which FAT and exFAT store their local times (and in
 * which libewf gives E01 dates): a tz database name ("America/New_York"),
 * NULL or "UTC" for UTC.  tr_library_init() sets UTC: the examiner's own
 * TZ never changes what a record says.  Process-wide (it sets TZ): call
 * before any thread starts.  TR_EINVAL for an unknown zone.
 */
TR_API int tr_timezone_set(const char *zone, tr_error *err);
/* The zone set ("UTC" by default). */
TR_API const char *tr_timezone(void);

/* Version strings for --version and reports; static, never freed. */
TR_API const char *tr_version(void);
TR_API const char *tr_version_tsk(void);
TR_API const char *tr_version_ewf(void);
TR_API const char *tr_version_yara(void);
TR_API const char *tr_version_jansson(void);
TR_API const char *tr_version_openssl(void);
TR_API const char *tr_version_yaml(void);
TR_API const char *tr_version_deflate(void);
/* libregf is loaded on first use (see triage-extract(1)): this loads it. */
TR_API const char *tr_version_regf(void);
/*
 * What --version prints: "PROG (triage) VERSION" and one "library version"
 * line each, cut to fit len (NUL-terminated).  Returns the full length.
 */
TR_API size_t tr_version_text(const char *prog, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
