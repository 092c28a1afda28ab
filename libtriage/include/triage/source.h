/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evidence sources: disk images (raw, split raw, E01, VMDK, VHD, AFF), block
 * devices and live directories, opened read-only, and the layout inside
 * them (volumes and filesystems).
 */
#ifndef TRIAGE_SOURCE_H
#define TRIAGE_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"
#include "triage/record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_source tr_source;

/*
 * Open evidence at path, read-only.  format is NULL or "auto" to detect,
 * or one of "raw", "ewf", "vmdk", "vhd", "aff", "dir".  A split raw or E01
 * set is opened from its first segment; the others are found by name.
 * sector_size is 0 for the format's own (512 by default).  Errors:
 * TR_ENOTFOUND (no such file), TR_EIO, TR_EUNSUPPORTED (e.g. QCOW),
 * TR_EFORMAT (truncated or corrupt image); the message names the path.
 * A tr_source may be read from several threads at once.
 */
TR_API int tr_source_open(tr_source **out, const char *path,
    const char *format, unsigned sector_size, tr_error *err);
TR_API void tr_source_close(tr_source *src);	/* NULL is a no-op */

/* The path as given (borrowed). */
TR_API const char *tr_source_path(const tr_source *src);
/*
 * The evidence label ("laptop-17"), written as "evidence" right after
 * "source" in every record built from src, so that a merged timeline of
 * many items stays readable.  NULL (the default) writes none.  TR_OK or
 * TR_ENOMEM.
 */
TR_API int tr_source_set_label(tr_source *src, const char *label);
TR_API const char *tr_source_label(const tr_source *src);
/* "raw", "ewf", "vmdk", "vhd", "aff", "device" (a block device), "dir". */
TR_API const char *tr_source_format(const tr_source *src);
TR_API int tr_source_is_dir(const tr_source *src);
/* Media size in bytes (0 for a directory) and sector size. */
TR_API uint64_t tr_source_size(const tr_source *src);
TR_API unsigned tr_source_sector_size(const tr_source *src);
/* The files that make up the image, in order (borrowed). */
TR_API size_t tr_source_segments(const tr_source *src);
TR_API const char *tr_source_segment(const tr_source *src, size_t i);

/*
 * Read len bytes of media data at offset into buf.  Returns the number of
 * bytes read (short only at the end of the media) or a negative status with
 * the offset in the message.  Thread-safe.
 */
TR_API int64_t tr_source_read(tr_source *src, uint64_t offset, void *buf,
    size_t len, tr_error *err);

/*
 * Metadata an E01 stores (case, examiner, hashes...).  NULL fields are
 * absent.  Borrowed; valid while src is open.  All fields NULL for other
 * formats.
 */
typedef struct tr_image_meta {
	const char	*case_number;
	const char	*evidence_number;
	const char	*examiner;
	const char	*description;
	const char	*notes;
	const char	*acquired;		/* RFC 3339 when parseable */
	const char	*acquiry_software;
	const char	*acquiry_os;
	const char	*model;
	const char	*serial;
	const char	*media_type;
	const char	*md5;			/* stored hashes, hex */
	const char	*sha1;
} tr_image_meta;
TR_API const tr_image_meta *tr_source_meta(const tr_source *src);

/*
 * The "image" record of a source (triage-records(5)).  NULL on no memory.
 * Caller frees with tr_rec_free().
 */
TR_API tr_rec *tr_source_record(const tr_source *src);

/* One partition table entry, as mmls lists it. */
typedef struct tr_volume {
	int		index;		/* the volume number (mmls slot) */
	uint64_t	start;		/* bytes from the start of the media */
	uint64_t	length;		/* bytes */
	int		allocated;	/* a real partition (not free/meta) */
	int		meta;		/* the table itself or an extended container */
	char		description[128];
} tr_volume;

/* One filesystem TSK can open. */
typedef struct tr_fs_info {
	int		volume;		/* tr_volume.index, -1 for none */
	uint64_t	offset;		/* bytes from the start of the media */
	uint64_t	pool_block;	/* APFS volume superblock, 0 for none */
	char		fs[16];		/* "ntfs", "ext4", "fat32", "dir"... */
	uint32_t	block_size;
	uint64_t	blocks;
	char		label[128];	/* "" when none */
	char		uuid[64];	/* "" when none */
} tr_fs_info;

/*
 * What is inside a source: its partition scheme ("mbr", "gpt", "bsd",
 * "sun", "mac", or "" for none), every volume, and every filesystem found
 * in allocated volumes or on the bare media.  A directory source has one
 * filesystem with fs "dir" and offset 0.
 */
typedef struct tr_layout {
	char		scheme[16];
	uint64_t	scheme_offset;
	tr_volume	*volumes;
	size_t		nvolumes;
	tr_fs_info	*fs;
	size_t		nfs;
} tr_layout;

/*
 * Find the layout.  Damaged partition tables and unknown filesystems are not
 * errors: a volume with no filesystem simply has none in fs[] (warn is told,
 * when not NULL).  Errors only for a failed read.  Caller frees with
 * tr_layout_free().
 */
typedef void (*tr_warn_fn)(void *arg, const char *msg);
TR_API int tr_source_layout(tr_source *src, tr_layout **out,
    tr_warn_fn warn, void *warn_arg, tr_error *err);
TR_API void tr_layout_free(tr_layout *layout);	/* NULL is a no-op */

/* The filesystem of volume index v (-1: the bare filesystem), or NULL. */
TR_API const tr_fs_info *tr_layout_find(const tr_layout *layout, int v);

/* "volume" and "filesystem" records (triage-records(5)). */
TR_API tr_rec *tr_volume_record(const tr_source *src, const tr_layout *l,
    const tr_volume *v);
TR_API tr_rec *tr_fs_info_record(const tr_source *src, const tr_fs_info *fi);

#ifdef __cplusplus
}
#endif
#endif
