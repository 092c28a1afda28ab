/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared by libtriage's own files (tri_*); never installed. */
#ifndef TRIAGE_INTERNAL_H
#define TRIAGE_INTERNAL_H

#include <config.h>
#include <stdarg.h>
#include <jansson.h>
#include <tsk/libtsk.h>
#include "triage/triage.h"

#define TRI_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Fill err (when not NULL) and return code. */
int	tri_error_set(tr_error *err, int code, const char *fmt, ...)
	    TRI_PRINTF(3, 4);
/* Same, with ": strerror(errno)" appended and sys_errno set. */
int	tri_error_errno(tr_error *err, int code, int errnum, const char *fmt,
	    ...) TRI_PRINTF(4, 5);
/*
 * Same, with ": " and libtsk's last error appended (then reset).  Call
 * tsk_error_reset() before the TSK call.
 */
int	tri_error_tsk(tr_error *err, int code, const char *fmt, ...)
	    TRI_PRINTF(3, 4);
/* Format a message and hand it to warn (when not NULL). */
void	tri_vwarn(tr_warn_fn warn, void *arg, const char *fmt, va_list ap)
	    TRI_PRINTF(3, 0);
void	tri_warn(tr_warn_fn warn, void *arg, const char *fmt, ...)
	    TRI_PRINTF(3, 4);
/* libtsk's last error as one line, without the "Error: " clutter. */
const char *tri_tsk_errstr(char *buf, size_t len);

/* tr_rec is a jansson value. */
#define TRI_JSON(r)	((json_t *)(r))
#define TRI_REC(j)	((tr_rec *)(j))

/* The TSK image under a source (NULL for a directory). */
TSK_IMG_INFO	*tri_source_tsk(const tr_source *src);
/* The filesystem's TSK handle (NULL for a directory). */
TSK_FS_INFO	*tri_fs_tsk(const tr_fs *fs);

/* TSK's name of a filesystem type, lowercased ("ext4", "fat32"). */
void	tri_fs_type_name(TSK_FS_TYPE_ENUM t, char *buf, size_t len);
/* Fill a tr_time from seconds and nanoseconds at the given precision. */
tr_time	tri_time(int64_t sec, uint32_t nsec, int digits);
/* Seconds since 1970 (UTC) as a proleptic Gregorian date and time of day. */
struct tri_utc {
	int64_t	year;
	int	month, day, hour, min, sec;
};
void	tri_utc_split(int64_t sec, struct tri_utc *u);
/* A hex digit's value, or -1. */
int	tri_hexval(int c);
/* len hex digits (even, digits only: no sign, space or 0x) to len / 2 bytes;
 * 0, or -1 when hex is not that. */
int	tri_unhex(const char *hex, size_t len, uint8_t *out);
/* RFC 3339 UTC at t->digits; returns its length, 0 when unset or out of
 * years 0000-9999.  tr_time_format() without snprintf. */
size_t	tri_time_put(const tr_time *t, char buf[TR_TIME_STR_MAX]);
/* Length (1-4) of the valid UTF-8 sequence at p, or 0 when invalid. */
size_t	tri_utf8_seq(const unsigned char *p, size_t left);

/* An open file: TSK attribute, or a descriptor on a live source. */
struct tr_file {
	tr_fs		*fs;
	TSK_FS_FILE	*file;
	const TSK_FS_ATTR *attr;
	uint64_t	size;
	char		*path;		/* live files */
	int		fd;
	char		inode[64];
};

/*
 * Write len bytes of records already encoded as JSON lines (nrec of them)
 * to w in one fwrite under its lock, as tr_jsonl_write() does one record.
 */
int	tri_jsonl_write_raw(tr_jsonl *w, const char *buf, size_t len,
	    uint64_t nrec, tr_error *err);

/* Live directories (walk_dir.c). */
int	tri_dir_walk(tr_fs *fs, const char *root, const tr_walk_opts *opts,
	    tr_walk_fn fn, void *arg, uint64_t *warnings, tr_error *err);
int	tri_dir_file_open(tr_file **out, tr_fs *fs, const char *path,
	    tr_error *err);
int64_t	tri_dir_entry_read(const tr_entry *e, uint64_t offset, void *buf,
	    size_t len, tr_error *err);

/*
 * Windows profile folders from the registry (profiles.c).  A ProfileList
 * ProfileImagePath ("C:\Users\bob", "%SystemDrive%\Users\x",
 * "%SystemRoot%\ServiceProfiles\LocalService") as a "/" path inside the
 * volume whose system drive letter is drive and whose Windows folder is
 * sysroot ("/Windows").  0, or -1 when it is not on that volume (another
 * drive, UNC, other variables, "." or "..", the root itself) or does not
 * fit in len.
 */
int	tri_profile_path(const char *value, char drive, const char *sysroot,
	    char *buf, size_t len);
/*
 * Call add with each profile folder of the ProfileList of the SOFTWARE
 * hive under sysroot (System32/config/SOFTWARE), when fs has one, and the
 * profile's SID: the name of its ProfileList subkey ("S-1-5-21-...-1001";
 * ".bak" dropped), or NULL when that name is no SID (a warning says so).  A
 * hive that cannot be read or parsed, and a profile that is not on this
 * volume, go to warn; never fails.
 */
typedef void (*tri_profile_fn)(void *arg, const char *home, const char *sid);
void	tri_profiles_read(tr_fs *fs, const char *sysroot, tri_profile_fn add,
	    void *arg, tr_warn_fn warn, void *warn_arg);

/*
 * The SID a ProfileList subkey is named after ("S-1-" and numbers with
 * single dashes), into buf, without the ".bak" Windows gives an account's
 * old key when it makes it a new profile.  0, or -1 when name is no SID
 * or does not fit: it goes into paths, so it is never taken as it is.
 */
int	tri_profile_sid(const char *name, char *buf, size_t len);
/* libregf's version, loading it (profiles.c); "(not loaded)" when it cannot be. */
const char *tri_regf_version(void);

#endif
