/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to acquire.c, ewfwrite.c and verify.c: the block pipeline
 * (reader -> one hasher thread per digest -> compression workers -> ordered
 * writer) and the E01 writer on top of libewf.
 */
#ifndef TRIAGE_ACQINT_H
#define TRIAGE_ACQINT_H

#include "internal.h"
#include "triage/acquire.h"

#include <libewf.h>

#define TRI_NALGOS	3
#define TRI_ZSLACK	1024	/* room for deflate overhead and a checksum */
#define TRI_MAX_WORKERS	64	/* compression threads */
#define TRI_MIN_SLOTS	16	/* blocks in flight, at least */
#define TRI_BUF_ALIGN	4096	/* block buffers, for O_DIRECT */

/* One block in flight.  Compression fills z/zlen/zck per chunk. */
typedef struct tri_blk {
	uint64_t	offset;
	size_t		len;
	unsigned char	*data;
	unsigned char	*z;		/* nchunks * (chunk + TRI_ZSLACK) */
	uint32_t	*zlen;		/* 0: store the chunk uncompressed */
	uint32_t	*zck;		/* checksum handed to libewf */
	int		skip_write;	/* resumed: already in the output */
} tri_blk;

typedef struct tri_pipe_ops {
	/* Fill b->data (b->len bytes at b->offset).  Runs on the caller. */
	int	(*read)(void *ctx, tri_blk *b, tr_error *err);
	/*
	 * Optional; any worker thread, any order.  worker (0 to
	 * workers - 1) is the calling thread's: one block at a time each.
	 */
	void	(*compress)(void *ctx, tri_blk *b, size_t chunk,
		    int worker);
	/* Optional; one thread, in offset order. */
	int	(*write)(void *ctx, tri_blk *b, tr_error *err);
	void	*ctx;
} tri_pipe_ops;

typedef struct tri_pipe_cfg {
	uint64_t	size;		/* bytes from offset 0 */
	size_t		block;		/* read block, a multiple of chunk */
	size_t		chunk;		/* compression unit */
	unsigned	hashes;
	uint64_t	hash_window;
	int		workers;	/* compression threads */
	const volatile int *stop;
	tr_progress_fn	progress;
	void		*progress_arg;
} tri_pipe_cfg;

typedef struct tri_window {
	char		hex[TRI_NALGOS][TR_HASH_HEX_MAX];
} tri_window;

typedef struct tri_pipe_result {
	uint64_t	done;		/* bytes written (or hashed, no writer) */
	int		stopped;	/* cfg->stop ended it */
	char		hex[TRI_NALGOS][TR_HASH_HEX_MAX];	/* md5 sha1 sha256 */
	tri_window	*windows;	/* size/hash_window rounded up; free() */
	size_t		nwindows;
} tri_pipe_result;

/*
 * Run the pipeline over [0, cfg->size).  The hashes are final only when
 * the whole size went through (done == size).  Returns TR_OK (also when
 * stopped) or the first error of read/write.
 */
int	tri_pipe_run(const tri_pipe_cfg *cfg, const tri_pipe_ops *ops,
	    tri_pipe_result *res, tr_error *err);

/* E01 writer (ewfwrite.c). */
typedef struct tri_ewf tri_ewf;
int	tri_ewf_open(tri_ewf **out, const tr_acquire_opts *o, uint64_t size,
	    unsigned sector_size, const char *model, const char *serial,
	    tr_error *err);
size_t	tri_ewf_chunk(const tri_ewf *e);
void	tri_ewf_compress(void *ewf, tri_blk *b, size_t chunk, int worker);
int	tri_ewf_write(void *ewf, tri_blk *b, tr_error *err);
int	tri_ewf_add_error(tri_ewf *e, uint64_t offset, uint64_t len,
	    tr_error *err);
/* Store the hashes (hex, NULL when absent), finalize and close. */
int	tri_ewf_finish(tri_ewf *e, const char *md5, const char *sha1,
	    tr_error *err);
void	tri_ewf_abort(tri_ewf *e);	/* close without hashes; NULL ok */
/* libewf's innermost message into buf ("" when e is NULL); frees e. */
void	tri_ewf_strerror(libewf_error_t *e, char *buf, size_t len);
/* Path of segment i (0 = .E01), as libewf names them; caller frees. */
char	*tri_ewf_segment_name(const char *base, unsigned i);

/* Index of a single hash bit in hex[] (0 md5, 1 sha1, 2 sha256). */
int	tri_hash_index(unsigned bit);

#endif
