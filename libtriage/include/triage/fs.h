/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Filesystems inside a source, their entries (walk), and reading the content
 * of files, all without mounting anything.  A live directory is a
 * filesystem too (fs "dir"), so every tool treats images and live hosts
 * alike.
 */
#ifndef TRIAGE_FS_H
#define TRIAGE_FS_H

#include <stddef.h>
#include <stdint.h>
#include "triage/error.h"
#include "triage/hash.h"
#include "triage/record.h"
#include "triage/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tr_fs tr_fs;
typedef struct tr_file tr_file;

/*
 * Open the filesystem described by info (from tr_source_layout()) inside
 * src.  src must outlive the tr_fs.  A tr_fs is NOT thread-safe: give each
 * thread its own (opening one is cheap).
 */
TR_API int tr_fs_open(tr_fs **out, tr_source *src, const tr_fs_info *info,
    tr_error *err);
TR_API void tr_fs_close(tr_fs *fs);		/* NULL is a no-op */
TR_API const tr_fs_info *tr_fs_get_info(const tr_fs *fs);
TR_API tr_source *tr_fs_source(const tr_fs *fs);
/* Fraction digits of this filesystem's times (9 ext4, 7 NTFS, 0 FAT...). */
TR_API int tr_fs_time_digits(const tr_fs *fs);
/* True for filesystems whose names compare case-insensitively. */
TR_API int tr_fs_case_insensitive(const tr_fs *fs);

/* What an entry is (from its metadata, else from its directory entry). */
typedef enum tr_ftype {
	TR_FT_UNKNOWN = 0,
	TR_FT_FILE,
	TR_FT_DIR,
	TR_FT_LINK,
	TR_FT_FIFO,
	TR_FT_CHR,
	TR_FT_BLK,
	TR_FT_SOCK,
	TR_FT_WHT,
	TR_FT_VIRT,		/* TSK virtual file ($OrphanFiles, $MBR...) */
	TR_FT_VDIR		/* TSK virtual directory */
} tr_ftype;

/* "file", "dir", "link", "fifo", "chr", "blk", "sock", "whiteout",
 * "virtual", "virtual_dir", "unknown". */
TR_API const char *tr_ftype_name(tr_ftype t);
/* Inverse of tr_ftype_name(); TR_FT_UNKNOWN for anything else. */
TR_API tr_ftype tr_ftype_parse(const char *name);

/*
 * One entry as a walk sees it.  All pointers are borrowed: valid only during
 * the callback.  path and name are the raw bytes from the filesystem
 * (NUL-terminated; may be invalid UTF-8); path starts with "/".
 */
typedef struct tr_entry {
	const char	*path;
	const char	*name;
	const char	*parent;	/* path of the directory, "/" for root */
	const char	*inode;		/* "12", or "1234-128-3" for a stream */
	uint64_t	meta_addr;
	const char	*stream;	/* NTFS ADS name, else NULL */
	const char	*link_target;	/* symlink target bytes, else NULL */
	tr_ftype	type;
	int		depth;		/* 0 for entries of the root folder */
	int		has_meta;	/* inode read; mode/uid/size valid */
	int		deleted;	/* name unallocated */
	int		realloc;	/* name deleted, inode used again */
	int		meta_deleted;	/* the inode itself is unallocated */
	int		orphan;		/* under $OrphanFiles */
	int		recoverable;	/* content readable (deleted: maybe) */
	uint64_t	size;
	uint32_t	mode;		/* permission bits and suid/sgid/sticky */
	uint32_t	uid, gid;
	uint32_t	nlink;
	tr_time		mtime, atime, ctime, btime;
	tr_time		fn_mtime, fn_atime, fn_ctime, fn_btime; /* NTFS $FN */
	/* Internal: lets tr_entry_read()/tr_file_open_entry() find the data. */
	void		*priv;
	/* What the directory entry says the entry is (fls's first letter). */
	tr_ftype	name_type;
	/*
	 * NTFS: the $FILE_NAME attribute whose times are fn_* ("43-48-3") and
	 * its size, set on the first entry of each name only (fls -m prints
	 * one "($FILE_NAME)" line per name); else NULL and 0.
	 */
	const char	*fn_attr;
	uint64_t	fn_size;
} tr_entry;

/* Walk callback results. */
#define TR_WALK_CONTINUE	0
#define TR_WALK_STOP		1
#define TR_WALK_ERROR		2
#define TR_WALK_SKIP		3	/* do not descend into this folder */

typedef int (*tr_walk_fn)(void *arg, const tr_entry *e);

/* What to walk. */
#define TR_WALK_ALLOC		0x01u	/* allocated names */
#define TR_WALK_UNALLOC		0x02u	/* deleted names */
#define TR_WALK_NOORPHAN	0x04u	/* skip $OrphanFiles */
#define TR_WALK_STREAMS		0x08u	/* one entry per NTFS named stream */
#define TR_WALK_ONE_FS		0x10u	/* live: stay on one filesystem */
#define TR_WALK_START_SELF	0x20u	/* the start folder's own entries too */
#define TR_WALK_DEFAULT		(TR_WALK_ALLOC | TR_WALK_UNALLOC | TR_WALK_STREAMS)

typedef struct tr_walk_opts {
	unsigned	flags;		/* TR_WALK_*; 0 means TR_WALK_DEFAULT */
	int		max_depth;	/* < 0: no limit; 0: root entries only */
	/*
	 * Folder to start from (NULL or "/": the root).  Depths still count
	 * from the root.  On an image, when tr_fs_folder_unique(start), the
	 * entries given are exactly those a walk from the root gives below
	 * start (with TR_WALK_START_SELF: at and below), in the same order;
	 * TSK's loop and depth limits are applied as from the root.
	 */
	const char	*start;
	tr_warn_fn	warn;		/* per-entry problems; may be NULL */
	void		*warn_arg;
} tr_walk_opts;

/*
 * Call fn once per entry of fs, depth first, in directory order, the folder
 * before its contents.  Unreadable folders, loops and bad inodes go to
 * opts->warn (with inode and path) and the walk goes on; *warnings counts
 * them when not NULL.  Returns TR_OK, TR_EINTR when fn said STOP or ERROR,
 * or a fatal status.  Memory stays flat: nothing is kept per entry.
 */
TR_API int tr_fs_walk(tr_fs *fs, const tr_walk_opts *opts, tr_walk_fn fn,
    void *arg, uint64_t *warnings, tr_error *err);

/*
 * 1 when path ("/a/b", no trailing "/") leads from the root, one exact
 * name at each step, through folders that hold no other entry of that
 * name (deleted ones included), to an allocated folder: then a walk from
 * it (tr_walk_opts.start) is a whole walk cut to that folder.  0 when not,
 * or when anything cannot be read, and on a live folder.  Reads only
 * the folders on the way.
 */
TR_API int tr_fs_folder_unique(tr_fs *fs, const char *path);

/*
 * Open the content of the entry given to a walk callback.  The tr_file may
 * outlive the callback but not the tr_fs.
 */
TR_API int tr_file_open_entry(tr_file **out, tr_fs *fs, const tr_entry *e,
    tr_error *err);
/*
 * Open a file by its inode string ("12", "1234-128-3") or, when inode is
 * NULL, by path (raw bytes; exact match, or case-insensitive where the
 * filesystem is).  TR_ENOTFOUND when there is no such file.
 */
TR_API int tr_file_open(tr_file **out, tr_fs *fs, const char *inode,
    const char *path, tr_error *err);
TR_API void tr_file_close(tr_file *f);		/* NULL is a no-op */
TR_API uint64_t tr_file_size(const tr_file *f);
/*
 * Read up to len bytes at offset.  Returns bytes read (0 at the end) or a
 * negative status naming the inode, path and offset.
 */
TR_API int64_t tr_file_read(tr_file *f, uint64_t offset, void *buf,
    size_t len, tr_error *err);

/*
 * Read up to len bytes of the content of the entry given to a walk
 * callback (the stream's, for an NTFS stream), at offset, without opening
 * it again.  Valid only during the callback.  Returns the bytes read (0 at
 * the end) or a negative status naming the inode, path and offset.  For
 * a deleted entry the bytes are whatever its old blocks now hold.
 */
TR_API int64_t tr_entry_read(tr_fs *fs, const tr_entry *e, uint64_t offset,
    void *buf, size_t len, tr_error *err);

/*
 * Digest the content of f, or of the entry given to a walk callback (then
 * only during the callback), with tr_hash_stream(): reads overlap hashing
 * for files from TR_HASH_THREAD_MIN bytes on, in helper threads that never
 * touch fs; every read stays in the calling thread.  Sparse runs and NTFS
 * bytes past the initialised size digest as zeros, as tr_file_read()
 * returns them.  *total (when not NULL) gets the bytes digested.  On
 * TR_OK, tr_hash_final(h, ...) gives the hex; else the status and message
 * of the failed read (inode, path, offset).
 */
TR_API int tr_file_hash(tr_file *f, tr_hash *h, uint64_t *total,
    tr_error *err);
TR_API int tr_entry_hash(tr_fs *fs, const tr_entry *e, tr_hash *h,
    uint64_t *total, tr_error *err);

/*
 * The TSK bodyfile 3 line(s) of an entry, byte for byte as
 * "fls -r -m /" prints them (sanitised names, " (deleted)", " -> target",
 * ":stream", plus an NTFS "($FILE_NAME)" line when e->fn_attr is set),
 * each ending in "\n", appended at *len into *buf (grown with realloc,
 * *cap its size; NUL-terminated).  md5 is 32 hex digits or NULL for "0".
 * Returns TR_OK or TR_ENOMEM.  Thread-safe.
 */
TR_API int tr_entry_bodyfile(const tr_entry *e, const char *md5, char **buf,
    size_t *cap, size_t *len);
/*
 * fls's mode column, "r/rrw-r--r--" (name type, "/", meta type and the
 * rwx bits with s/S/t/T), or "r/----------" when has_meta is 0.  Returns
 * buf (at least 13 bytes).
 */
TR_API char *tr_bodyfile_mode(char *buf, tr_ftype name_type,
    tr_ftype meta_type, uint32_t mode, int has_meta);

/*
 * The "file" record of an entry (triage-records(5)): record, source, volume,
 * inode, path... in the documented order.  hashes may be NULL, or hex
 * strings for md5/sha1/sha256 (NULL members left out).  Caller frees.
 */
typedef struct tr_hashes {
	const char	*md5, *sha1, *sha256;
} tr_hashes;
TR_API tr_rec *tr_entry_record(const tr_fs *fs, const tr_entry *e,
    const tr_hashes *hashes);
/*
 * The same record as tr_rec_dump(tr_entry_record()) byte for byte, plus a
 * final "recovered" key when recovered is 0 or 1 (-1: none), and "\n",
 * appended at *len into *buf (grown with realloc, *cap its size;
 * NUL-terminated) without
 * building a tr_rec: the fast path of triage-walk.  TR_OK or TR_ENOMEM.
 */
TR_API int tr_entry_json(const tr_fs *fs, const tr_entry *e,
    const tr_hashes *hashes, int recovered, char **buf, size_t *cap,
    size_t *len);

/*
 * Open each filesystem of src in layout order (only those of volume
 * `volume` unless it is TR_VOLUME_ALL; -1 selects the bare filesystem) and
 * call fn with it; the tr_fs is closed when fn returns.  A filesystem that
 * fails to open goes to warn and counts in *failed (when not NULL); the
 * others still run.  TR_ENOTFOUND when the volume asked for has no
 * filesystem (the message lists those that do).  fn returns TR_OK to go
 * on, or a negative status that stops and is returned.
 */
#define TR_VOLUME_ALL	(-2)
typedef int (*tr_fs_fn)(void *arg, tr_fs *fs);
TR_API int tr_source_each_fs(tr_source *src, int volume, tr_warn_fn warn,
    void *warn_arg, tr_fs_fn fn, void *arg, unsigned *failed, tr_error *err);

#ifdef __cplusplus
}
#endif
#endif
