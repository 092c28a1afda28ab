/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the Windows parsers: see parse_win.h. */
#include "internal.h"
#include "parse_win.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
tri_utf16le(const uint8_t *p, size_t n, size_t *used)
{
	char *s, *o;
	size_t i;
	uint32_t c, d;

	if (n > SIZE_MAX / 3 - 1)
		return NULL;
	if ((s = malloc(n * 3 + 1)) == NULL)
		return NULL;
	o = s;
	for (i = 0; i < n; i++) {
		c = tri_le16(p + 2 * i);
		if (c == 0) {
			i++;
			break;
		}
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < n &&
		    (d = tri_le16(p + 2 * (i + 1))) >= 0xdc00 && d < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		if (c < 0x80)
			*o++ = (char)c;
		else if (c < 0x800) {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (char)(0xe0 | c >> 12);
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (char)(0xf0 | c >> 18);
			*o++ = (char)(0x80 | (c >> 12 & 0x3f));
			*o++ = (char)(0x80 | (c >> 6 & 0x3f));
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	if (used != NULL)
		*used = i;
	return s;
}

int
tri_rec_set_utf16(tr_rec *r, const char *key, const uint8_t *p, size_t n)
{
	char *s;
	int rc;

	if ((s = tri_utf16le(p, n, NULL)) == NULL)
		return TR_ENOMEM;
	rc = tr_rec_set_text(r, key, s, strlen(s));
	free(s);
	return rc;
}

int
tri_rec_append_uint(tr_rec *array, uint64_t v)
{
	json_t *j;

	if (v > INT64_MAX)
		v = INT64_MAX;
	if ((j = json_integer((json_int_t)v)) == NULL)
		return TR_ENOMEM;
	return json_array_append_new(TRI_JSON(array), j) == 0 ? TR_OK :
	    TR_ENOMEM;
}

/*
 * A libbfio handle over memory.  Debian's libbfio (20170123) has a
 * memory range handle whose read copies the whole request even past the
 * end of the range (ASan: heap-buffer-overflow under libscca's compressed
 * block reads), so this is a handle of our own with every read clamped.
 */
struct tri_mem {
	const uint8_t	*data;
	size_t		size;
	uint64_t	off;
	int		open;
};

static int
mem_free(intptr_t **io, libbfio_error_t **e)
{
	(void)e;
	free(*io);
	*io = NULL;
	return 1;
}

static int
mem_clone(intptr_t **dst, intptr_t *src, libbfio_error_t **e)
{
	struct tri_mem *m;

	(void)e;
	if ((m = malloc(sizeof(*m))) == NULL)
		return -1;
	memcpy(m, src, sizeof(*m));
	m->open = 0;
	m->off = 0;
	*dst = (intptr_t *)m;
	return 1;
}

static int
mem_open(intptr_t *io, int flags, libbfio_error_t **e)
{
	struct tri_mem *m = (struct tri_mem *)io;

	(void)e;
	if (flags & LIBBFIO_ACCESS_FLAG_WRITE)
		return -1;
	m->open = 1;
	m->off = 0;
	return 1;
}

static int
mem_close(intptr_t *io, libbfio_error_t **e)
{
	(void)e;
	((struct tri_mem *)io)->open = 0;
	return 0;
}

static ssize_t
mem_read(intptr_t *io, uint8_t *buf, size_t size, libbfio_error_t **e)
{
	struct tri_mem *m = (struct tri_mem *)io;
	size_t n;

	(void)e;
	if (!m->open || size > SSIZE_MAX)
		return -1;
	if (m->off >= m->size)
		return 0;
	n = m->size - (size_t)m->off;
	if (n > size)
		n = size;
	memcpy(buf, m->data + m->off, n);
	m->off += n;
	return (ssize_t)n;
}

static ssize_t
mem_write(intptr_t *io, const uint8_t *buf, size_t size, libbfio_error_t **e)
{
	(void)io;
	(void)buf;
	(void)size;
	(void)e;
	return -1;
}

static off64_t
mem_seek(intptr_t *io, off64_t off, int whence, libbfio_error_t **e)
{
	struct tri_mem *m = (struct tri_mem *)io;
	int64_t base;

	(void)e;
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = (int64_t)m->off;
	else if (whence == SEEK_END)
		base = (int64_t)m->size;
	else
		return -1;
	if ((off < 0 && base + off < 0) || (off > 0 && off > INT64_MAX - base))
		return -1;
	m->off = (uint64_t)(base + off);
	return (off64_t)m->off;
}

static int
mem_exists(intptr_t *io, libbfio_error_t **e)
{
	(void)io;
	(void)e;
	return 1;
}

static int
mem_is_open(intptr_t *io, libbfio_error_t **e)
{
	(void)e;
	return ((struct tri_mem *)io)->open;
}

static int
mem_get_size(intptr_t *io, size64_t *size, libbfio_error_t **e)
{
	(void)e;
	*size = ((struct tri_mem *)io)->size;
	return 1;
}

int
tri_bfio_memory(tri_bfio_init_fn init, libbfio_handle_t **h,
    const uint8_t *data, size_t size)
{
	struct tri_mem *m;
	libbfio_error_t *e = NULL;

	*h = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return TR_ENOMEM;
	m->data = data;
	m->size = size;
	if (init(h, (intptr_t *)m, mem_free, mem_clone, mem_open, mem_close,
	    mem_read, mem_write, mem_seek, mem_exists, mem_is_open,
	    mem_get_size, LIBBFIO_FLAG_IO_HANDLE_MANAGED |
	    LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION, &e) != 1) {
		free(m);
		*h = NULL;
		return TR_ENOMEM;	/* e leaks: freeing needs its namespace */
	}
	return TR_OK;
}
