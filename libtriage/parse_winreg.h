/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Windows registry parser (winreg): shared between parse_winreg.c (the
 * loader, the key walk, value decoding) and parse_winreg_decoded.c (the
 * plaso-style plugins: Run, Services, UserAssist, SAM...).
 */
#ifndef TRIAGE_PARSE_WINREG_H
#define TRIAGE_PARSE_WINREG_H

#include <libregf.h>
#include "parse_internal.h"
#include "yal.h"

#define TRI_WR_API(X) \
	X(libregf_get_version) X(libregf_error_backtrace_sprint) \
	X(libregf_error_free) X(libregf_file_initialize) \
	X(libregf_file_free) X(libregf_file_open_file_io_handle) \
	X(libregf_file_close) X(libregf_file_get_root_key) \
	X(libregf_file_get_key_by_utf8_path) X(libregf_key_free) \
	X(libregf_key_get_offset) X(libregf_key_get_utf8_name_size) \
	X(libregf_key_get_utf8_name) X(libregf_key_get_last_written_time) \
	X(libregf_key_get_number_of_values) X(libregf_key_get_value) \
	X(libregf_key_get_value_by_utf8_name) \
	X(libregf_key_get_number_of_sub_keys) X(libregf_key_get_sub_key) \
	X(libregf_key_get_sub_key_by_utf8_name) \
	X(libregf_value_free) X(libregf_value_get_offset) \
	X(libregf_value_get_utf8_name_size) X(libregf_value_get_utf8_name) \
	X(libregf_value_get_value_type) X(libregf_value_get_value_data_size) \
	X(libregf_value_get_value_data) \
	X(libbfio_memory_range_initialize) X(libbfio_memory_range_set) \
	X(libbfio_handle_free) X(libbfio_error_free)

struct tri_wr_api {
	TRI_WR_API(TRI_YAL_MEMBER)
	tri_yal	lib;
};
extern struct tri_wr_api tri_wr;

enum {
	TRI_HIVE_UNKNOWN, TRI_HIVE_SYSTEM, TRI_HIVE_SOFTWARE, TRI_HIVE_SAM,
	TRI_HIVE_SECURITY, TRI_HIVE_NTUSER, TRI_HIVE_USRCLASS,
	TRI_HIVE_AMCACHE
};

#define TRI_WR_NAME_MAX		1024	/* bytes of one key or value name */
#define TRI_WR_BINARY_MAX	512	/* bytes of binary data shown as hex */

/* One hive being parsed. */
struct tri_wr_hive {
	tri_parse_ctx		*ctx;
	const tr_artifact	*a;
	libregf_file_t		*file;
	int			type;		/* TRI_HIVE_* */
	const char		*prefix;	/* "HKEY_LOCAL_MACHINE\\System", "" */
	char			ccs[16];	/* "ControlSet001" or "" */
	int			rc;		/* TR_OK, or why to stop */
};

/* A key at path (below the root, "\\"-separated, no leading "\\"), or NULL. */
libregf_key_t	*tri_wr_key(struct tri_wr_hive *h, const char *path);
libregf_key_t	*tri_wr_sub(libregf_key_t *key, int i);
int		 tri_wr_nsub(libregf_key_t *key);
/* The key's name as UTF-8 into buf; 0, or -1 ("" in buf). */
int		 tri_wr_key_name(libregf_key_t *key, char *buf, size_t len);
tr_time		 tri_wr_key_time(libregf_key_t *key);
uint64_t	 tri_wr_key_offset(libregf_key_t *key);
/*
 * A value's raw data (malloc'd, *size bytes, NUL-padded by 2) and its type;
 * NULL when absent or unreadable.
 */
uint8_t		*tri_wr_data(libregf_key_t *key, const char *name,
		    uint32_t *type, size_t *size);
uint8_t		*tri_wr_value_data(libregf_value_t *v, uint32_t *type,
		    size_t *size);
/* A REG_SZ/EXPAND_SZ value as UTF-8 (malloc'd), or NULL. */
char		*tri_wr_string(libregf_key_t *key, const char *name);
/* A REG_DWORD (or 4-byte) value: 1 and *val, or 0. */
int		 tri_wr_dword(libregf_key_t *key, const char *name,
		    uint32_t *val);
/* UTF-16LE to UTF-8 up to the first NUL (malloc'd); bad units: U+FFFD. */
char		*tri_wr_utf16(const uint8_t *p, size_t size);
/* All values of key as an object name -> decoded value, or NULL. */
tr_rec		*tri_wr_values(struct tri_wr_hive *h, libregf_key_t *key,
		    const char *path);
/*
 * A new event with key_path = prefix + "\\" + path (path "" is the root);
 * NULL when t is unset or memory ran out.
 */
tr_rec		*tri_wr_event(struct tri_wr_hive *h, const char *data_type,
		    const tr_time *t, const char *desc, const char *path);
/* Emit ev; records the stop status in h->rc.  Returns h->rc. */
int		 tri_wr_emit(struct tri_wr_hive *h, tr_rec *ev);
/* The decoded events (parse_winreg_decoded.c). */
void		 tri_wr_decoded(struct tri_wr_hive *h);

#endif
