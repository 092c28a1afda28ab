/* SPDX-License-Identifier: Apache-2.0 */
/*
 * E01 output: chunks are deflated by the pipeline's workers (libdeflate's
 * zlib format, one compressor per worker) and handed to
 * libewf_handle_write_chunk() in order, in the form
 * libewf_handle_prepare_write_chunk() would give them.
 */
#include "acqint.h"

#include <libdeflate.h>
#include <libewf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SECTORS_PER_CHUNK	64
/*
 * libdeflate levels.  Level 1 is about 2.3x the speed of zlib's level 1
 * (ewfacquire's "fast") with a slightly smaller output; level 9 matches
 * zlib's 9 ("best").  Empty chunks get the best level, once.
 */
#define LEVEL_FAST		1
#define LEVEL_BEST		9
#define LEVEL_EMPTY		12

struct tri_ewf {
	libewf_handle_t	*h;
	char		*base;
	size_t		chunk;
	unsigned	sector;
	int		level;		/* libdeflate; 0 = store */
	/* Made by worker i on its first chunk, only used by it. */
	struct libdeflate_compressor *zc[TRI_MAX_WORKERS];
	/* A full all-zero chunk, deflated once (libewf's empty block
	 * compression): most images have many. */
	unsigned char	*zero_z;
	size_t		zero_zlen;
	uint32_t	zero_ck;
};

static uint32_t
zlib_trailer(const unsigned char *end)
{
	/* The big-endian adler32 at the end, read as libewf reads it. */
	return (uint32_t)end[-4] | (uint32_t)end[-3] << 8 |
	    (uint32_t)end[-2] << 16 | (uint32_t)end[-1] << 24;
}

static void
free_compressors(tri_ewf *w)
{
	size_t i;

	for (i = 0; i < TRI_MAX_WORKERS; i++) {
		if (w->zc[i] != NULL)
			libdeflate_free_compressor(w->zc[i]);
		w->zc[i] = NULL;
	}
	free(w->zero_z);
	w->zero_z = NULL;
}

/* Deflate an all-zero chunk once; returns -1 when out of memory. */
static int
make_zero_chunk(tri_ewf *w)
{
	struct libdeflate_compressor *c;
	unsigned char *zero;
	size_t n;

	if ((c = libdeflate_alloc_compressor(LEVEL_EMPTY)) == NULL)
		return -1;
	zero = calloc(1, w->chunk);
	w->zero_z = malloc(w->chunk);
	n = zero != NULL && w->zero_z != NULL ?
	    libdeflate_zlib_compress(c, zero, w->chunk, w->zero_z,
	    w->chunk) : 0;
	libdeflate_free_compressor(c);
	free(zero);
	if (n == 0)
		return -1;
	w->zero_zlen = n;
	w->zero_ck = zlib_trailer(w->zero_z + n);
	return 0;
}

void
tri_ewf_strerror(libewf_error_t *e, char *buf, size_t len)
{
	char *p;

	buf[0] = '\0';
	if (e == NULL)
		return;
	if (libewf_error_sprint(e, buf, len) < 0)
		buf[0] = '\0';
	libewf_error_free(&e);
	/* Keep libewf's last (innermost) line: it says why. */
	while ((p = strrchr(buf, '\n')) != NULL && p[1] == '\0')
		*p = '\0';
	if ((p = strrchr(buf, '\n')) != NULL)
		memmove(buf, p + 1, strlen(p + 1) + 1);
}

static int
ewf_fail(tr_error *err, int code, libewf_error_t *e, const char *fmt, ...)
    TRI_PRINTF(4, 5);

static int
ewf_fail(tr_error *err, int code, libewf_error_t *e, const char *fmt, ...)
{
	char msg[256], lib[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tri_ewf_strerror(e, lib, sizeof(lib));
	return tri_error_set(err, code, "%s%s%s", msg, lib[0] ? ": " : "",
	    lib);
}

char *
tri_ewf_segment_name(const char *base, unsigned i)
{
	size_t n = strlen(base) + 8;
	unsigned j;
	char *s;

	if ((s = malloc(n)) == NULL)
		return NULL;
	if (i < 99) {
		snprintf(s, n, "%s.E%02u", base, i + 1);
	} else {
		j = i - 99;
		snprintf(s, n, "%s.%c%c%c", base, 'E' + (j / 676) % 26,
		    'A' + (j / 26) % 26, 'A' + j % 26);
	}
	return s;
}

static int
media_type(const char *s)
{
	if (s == NULL || strcmp(s, "fixed") == 0)
		return LIBEWF_MEDIA_TYPE_FIXED;
	if (strcmp(s, "removable") == 0)
		return LIBEWF_MEDIA_TYPE_REMOVABLE;
	if (strcmp(s, "optical") == 0)
		return LIBEWF_MEDIA_TYPE_OPTICAL;
	if (strcmp(s, "memory") == 0)
		return LIBEWF_MEDIA_TYPE_MEMORY;
	return -1;
}

static int
set_header(libewf_handle_t *h, const char *key, const char *val)
{
	libewf_error_t *e = NULL;

	if (val == NULL || *val == '\0')
		return 1;
	if (libewf_handle_set_utf8_header_value(h, (const uint8_t *)key,
	    strlen(key), (const uint8_t *)val, strlen(val), &e) != 1) {
		libewf_error_free(&e);
		return -1;
	}
	return 1;
}

int
tri_ewf_open(tri_ewf **out, const tr_acquire_opts *o, uint64_t size,
    unsigned sector_size, const char *model, const char *serial,
    tr_error *err)
{
	libewf_error_t *e = NULL;
	char *name = NULL;
	tri_ewf *w;
	int mt, lvl, rc;

	*out = NULL;
	if ((mt = media_type(o->media_type)) < 0)
		return tri_error_set(err, TR_EINVAL, "unknown media type "
		    "'%s': use fixed, removable, optical or memory",
		    o->media_type);
	if (o->segment_size != 0 && (o->segment_size < 1024 * 1024 ||
	    o->segment_size > 0x7fffffffULL))
		return tri_error_set(err, TR_EINVAL, "segment size %llu is "
		    "out of range (1 MiB to 2 GiB - 1 for EnCase 6)",
		    (unsigned long long)o->segment_size);
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->base = strdup(o->output)) == NULL) {
		free(w);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	w->sector = sector_size;
	w->chunk = (size_t)sector_size * SECTORS_PER_CHUNK;
	w->level = o->compression == TR_ACQ_COMPRESS_NONE ? 0 :
	    o->compression == TR_ACQ_COMPRESS_BEST ? LEVEL_BEST : LEVEL_FAST;
	lvl = o->compression == TR_ACQ_COMPRESS_NONE ?
	    LIBEWF_COMPRESSION_NONE : o->compression ==
	    TR_ACQ_COMPRESS_BEST ? LIBEWF_COMPRESSION_BEST :
	    LIBEWF_COMPRESSION_FAST;
	if ((name = strdup(o->output)) == NULL || make_zero_chunk(w) != 0) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto fail;
	}
	if (libewf_handle_initialize(&w->h, &e) != 1) {
		rc = ewf_fail(err, TR_ENOMEM, e, "cannot create '%s'", name);
		goto fail;
	}
	if (libewf_handle_open(w->h, &name, 1, LIBEWF_OPEN_WRITE, &e) != 1) {
		rc = ewf_fail(err, TR_EIO, e, "cannot create '%s'", name);
		goto fail;
	}
	if (libewf_handle_set_format(w->h, LIBEWF_FORMAT_ENCASE6, &e) != 1 ||
	    libewf_handle_set_media_size(w->h, size, &e) != 1 ||
	    libewf_handle_set_bytes_per_sector(w->h, sector_size, &e) != 1 ||
	    libewf_handle_set_sectors_per_chunk(w->h, SECTORS_PER_CHUNK,
	    &e) != 1 ||
	    libewf_handle_set_compression_values(w->h, (int8_t)lvl,
	    LIBEWF_COMPRESS_FLAG_USE_EMPTY_BLOCK_COMPRESSION, &e) != 1 ||
	    libewf_handle_set_maximum_segment_size(w->h, o->segment_size ?
	    o->segment_size : 1500ULL * 1024 * 1024, &e) != 1 ||
	    libewf_handle_set_media_type(w->h, (uint8_t)mt, &e) != 1 ||
	    libewf_handle_set_media_flags(w->h, LIBEWF_MEDIA_FLAG_PHYSICAL,
	    &e) != 1) {
		rc = ewf_fail(err, TR_EINVAL, e, "cannot set up '%s'", name);
		goto fail;
	}
	if (set_header(w->h, "case_number", o->case_number) != 1 ||
	    set_header(w->h, "evidence_number", o->evidence_number) != 1 ||
	    set_header(w->h, "examiner_name", o->examiner) != 1 ||
	    set_header(w->h, "description", o->description) != 1 ||
	    set_header(w->h, "notes", o->notes) != 1 ||
	    set_header(w->h, "model", model) != 1 ||
	    set_header(w->h, "serial_number", serial) != 1 ||
	    set_header(w->h, "acquiry_operating_system", "Linux") != 1 ||
	    set_header(w->h, "acquiry_software_version", tr_version()) != 1) {
		rc = tri_error_set(err, TR_EINVAL, "cannot set the case "
		    "metadata of '%s'", name);
		goto fail;
	}
	free(name);
	*out = w;
	return TR_OK;
fail:
	free(name);
	tri_ewf_abort(w);
	return rc;
}

size_t
tri_ewf_chunk(const tri_ewf *w)
{
	return w->chunk;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/*
 * Whether a chunk looks like uniformly random bytes (encrypted or already
 * compressed data), which deflate cannot shrink: it spends as long failing
 * on such a chunk as it does compressing text.  The test samples every 4th
 * byte and compares the sum of the squared byte counts with what uniform
 * bytes give (N * N / 256): within 5% means a collision entropy above 7.93
 * bits per byte, where Huffman coding saves under 1%.  Only LZ77 matches
 * of random data repeated within the chunk are given up.
 */
static int
looks_random(const unsigned char *p, size_t n)
{
	uint32_t count[256];
	uint64_t sum = 0, ns;
	size_t i;

	if (n < 4096)
		return 0;
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i += 4)
		count[p[i]]++;
	ns = (n + 3) / 4;
	for (i = 0; i < 256; i++)
		sum += (uint64_t)count[i] * count[i];
	return sum * 256 * 20 <= ns * ns * 21;
}

void
tri_ewf_compress(void *ewf, tri_blk *b, size_t chunk, int worker)
{
	tri_ewf *w = ewf;
	struct libdeflate_compressor *c;
	size_t i, off, n, zn, stride = chunk + TRI_ZSLACK;
	unsigned char *dst;
	int zero;

	c = w->zc[worker];
	if (c == NULL)
		c = w->zc[worker] = libdeflate_alloc_compressor(w->level ?
		    w->level : LEVEL_FAST);
	for (i = 0, off = 0; off < b->len; i++, off += n) {
		n = b->len - off < chunk ? b->len - off : chunk;
		dst = b->z + i * stride;
		zero = all_zero(b->data + off, n);
		if (zero && n == w->chunk) {
			memcpy(dst, w->zero_z, w->zero_zlen);
			b->zlen[i] = (uint32_t)w->zero_zlen;
			b->zck[i] = w->zero_ck;
			continue;
		}
		/* Less room than the chunk: what does not shrink is
		 * stored (libdeflate returns 0). */
		zn = 0;
		if (((w->level != 0 && !looks_random(b->data + off, n)) ||
		    zero) && c != NULL)
			zn = libdeflate_zlib_compress(c, b->data + off, n,
			    dst, n - 1);
		if (zn > 0) {
			b->zlen[i] = (uint32_t)zn;
			b->zck[i] = zlib_trailer(dst + zn);
		} else {
			b->zlen[i] = 0;
			b->zck[i] = libdeflate_adler32(1, b->data + off, n);
		}
	}
}

int
tri_ewf_write(void *ewf, tri_blk *b, tr_error *err)
{
	tri_ewf *w = ewf;
	libewf_error_t *e = NULL;
	size_t i, off, n, stride = w->chunk + TRI_ZSLACK;
	unsigned char *z;
	ssize_t got;

	for (i = 0, off = 0; off < b->len; i++, off += n) {
		n = b->len - off < w->chunk ? b->len - off : w->chunk;
		z = b->z + i * stride;
		if (b->zlen[i] > 0) {
			got = libewf_handle_write_chunk(w->h, z, b->zlen[i], n,
			    1, NULL, b->zck[i], 0, &e);
		} else {
			memcpy(z, b->data + off, n);
			got = libewf_handle_write_chunk(w->h, z, n, n, 0,
			    z + n, b->zck[i], 1, &e);
		}
		/* It returns the bytes it stored, not the data size. */
		if (got <= 0)
			return ewf_fail(err, TR_EIO, e, "cannot write '%s' "
			    "at media offset %llu", w->base,
			    (unsigned long long)(b->offset + off));
	}
	return TR_OK;
}

int
tri_ewf_add_error(tri_ewf *w, uint64_t offset, uint64_t len, tr_error *err)
{
	libewf_error_t *e = NULL;

	if (libewf_handle_append_acquiry_error(w->h, offset / w->sector,
	    (len + w->sector - 1) / w->sector, &e) != 1)
		return ewf_fail(err, TR_EIO, e, "cannot record a read error "
		    "in '%s' at offset %llu", w->base,
		    (unsigned long long)offset);
	return TR_OK;
}

int
tri_ewf_finish(tri_ewf *w, const char *md5, const char *sha1,
    tr_error *err)
{
	libewf_error_t *e = NULL;
	uint8_t d[20];
	int rc = TR_OK;

	if (md5 != NULL && (strlen(md5) != 32 || tri_unhex(md5, 32, d) != 0 ||
	    libewf_handle_set_md5_hash(w->h, d, 16, &e) != 1))
		rc = ewf_fail(err, TR_EIO, e, "cannot store the MD5 in '%s'",
		    w->base);
	if (rc == TR_OK && sha1 != NULL && (strlen(sha1) != 40 ||
	    tri_unhex(sha1, 40, d) != 0 ||
	    libewf_handle_set_sha1_hash(w->h, d, 20, &e) != 1))
		rc = ewf_fail(err, TR_EIO, e, "cannot store the SHA-1 in "
		    "'%s'", w->base);
	if (rc == TR_OK && libewf_handle_write_finalize(w->h, &e) < 0)
		rc = ewf_fail(err, TR_EIO, e, "cannot finish '%s'",
		    w->base);
	if (libewf_handle_close(w->h, &e) != 0 && rc == TR_OK)
		rc = ewf_fail(err, TR_EIO, e, "cannot close '%s'", w->base);
	libewf_error_free(&e);
	libewf_handle_free(&w->h, NULL);
	free_compressors(w);
	free(w->base);
	free(w);
	return rc;
}

void
tri_ewf_abort(tri_ewf *w)
{
	if (w == NULL)
		return;
	if (w->h != NULL) {
		libewf_handle_close(w->h, NULL);
		libewf_handle_free(&w->h, NULL);
	}
	free_compressors(w);
	free(w->base);
	free(w);
}
