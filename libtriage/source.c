/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence sources: images through libtsk (E01 metadata through libewf),
 * block devices and live directories; always read-only. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libewf.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define META_VALUE_MAX 1024

struct tr_source {
	char		*path;
	char		*label;		/* evidence label, or NULL */
	const char	*format;
	int		is_dir;
	TSK_IMG_INFO	*img;
	uint64_t	size;
	unsigned	sector_size;
	tr_image_meta	meta;
	char		*meta_buf[13];
};

static const struct {
	const char		*name;
	TSK_IMG_TYPE_ENUM	type;
} formats[] = {
	{ "raw", TSK_IMG_TYPE_RAW },
	{ "ewf", TSK_IMG_TYPE_EWF_EWF },
	{ "vmdk", TSK_IMG_TYPE_VMDK_VMDK },
	{ "vhd", TSK_IMG_TYPE_VHD_VHD },
	{ "aff", TSK_IMG_TYPE_AFF_ANY },
};

void
tr_source_close(tr_source *src)
{
	size_t i;

	if (src == NULL)
		return;
	if (src->img != NULL)
		tsk_img_close(src->img);
	for (i = 0; i < sizeof(src->meta_buf) / sizeof(src->meta_buf[0]); i++)
		free(src->meta_buf[i]);
	free(src->path);
	free(src->label);
	free(src);
}

/* Formats libtsk cannot read here, told apart by their magic. */
static const char *
unsupported_magic(const unsigned char *b, size_t n)
{
	if (n >= 4 && memcmp(b, "QFI\xfb", 4) == 0)
		return "QCOW";
	if (n >= 8 && memcmp(b, "vhdxfile", 8) == 0)
		return "VHDX";
	if (n >= 68 && memcmp(b + 64, "\x7f\x10\xda\xbe", 4) == 0)
		return "VDI";
	if (n >= 8 && memcmp(b, "EVF2\r\n\x81\x00", 8) == 0)
		return "Ex01 (EWF2)";
	if (n >= 8 && memcmp(b, "LVF\x09\r\n\xff\x00", 8) == 0)
		return "L01 (logical evidence)";
	return NULL;
}

static int
sniff(const char *path, const char **unsupported, tr_error *err)
{
	unsigned char b[512];
	ssize_t n;
	int fd;

	*unsupported = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot open '%s'", path);
	n = pread(fd, b, sizeof(b), 0);
	close(fd);
	if (n < 0)
		return tri_error_errno(err, TR_EIO, errno,
		    "cannot read '%s' at offset 0", path);
	*unsupported = unsupported_magic(b, (size_t)n);
	return TR_OK;
}

/* Copy one libewf header value into the meta buffers. */
static const char *
ewf_header(tr_source *src, libewf_handle_t *h, const char *id, int slot)
{
	uint8_t buf[META_VALUE_MAX];
	libewf_error_t *e = NULL;

	if (libewf_handle_get_utf8_header_value(h, (const uint8_t *)id,
	    strlen(id), buf, sizeof(buf), &e) != 1 || buf[0] == '\0') {
		libewf_error_free(&e);
		return NULL;
	}
	src->meta_buf[slot] = strdup((char *)buf);
	return src->meta_buf[slot];
}

static const char *
ewf_hash(tr_source *src, libewf_handle_t *h, const char *id, int slot)
{
	uint8_t buf[META_VALUE_MAX];
	libewf_error_t *e = NULL;
	char *p;

	if (libewf_handle_get_utf8_hash_value(h, (const uint8_t *)id,
	    strlen(id), buf, sizeof(buf), &e) != 1 || buf[0] == '\0') {
		libewf_error_free(&e);
		return NULL;
	}
	for (p = (char *)buf; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	src->meta_buf[slot] = strdup((char *)buf);
	return src->meta_buf[slot];
}

/*
 * libewf prints ISO 8601 without an offset, in the local time of the
 * process; we run it in UTC terms by reformatting below only when the
 * value parses.  EnCase stores the acquisition time as seconds since the
 * epoch, so with TZ unset or UTC the value is exact.
 */
static void
ewf_read_meta(tr_source *src, int *corrupted)
{
	libewf_handle_t *h = NULL;
	libewf_error_t *e = NULL;
	char **names = NULL;
	int nnames = 0;
	uint8_t media;
	const char *acq;

	if (libewf_glob(src->path, strlen(src->path), LIBEWF_FORMAT_UNKNOWN,
	    &names, &nnames, &e) != 1)
		goto out;
	if (libewf_handle_initialize(&h, &e) != 1 ||
	    libewf_handle_open(h, names, nnames, LIBEWF_OPEN_READ, &e) != 1)
		goto out;
	*corrupted = libewf_handle_segment_files_corrupted(h, &e) == 1;
	libewf_handle_set_header_values_date_format(h,
	    LIBEWF_DATE_FORMAT_ISO8601, &e);
	src->meta.case_number = ewf_header(src, h, "case_number", 0);
	src->meta.evidence_number = ewf_header(src, h, "evidence_number", 1);
	src->meta.examiner = ewf_header(src, h, "examiner_name", 2);
	src->meta.description = ewf_header(src, h, "description", 3);
	src->meta.notes = ewf_header(src, h, "notes", 4);
	acq = ewf_header(src, h, "acquiry_date", 5);
	src->meta.acquired = acq;
	src->meta.acquiry_software = ewf_header(src, h,
	    "acquiry_software_version", 6);
	src->meta.acquiry_os = ewf_header(src, h, "acquiry_operating_system",
	    7);
	src->meta.model = ewf_header(src, h, "model", 8);
	src->meta.serial = ewf_header(src, h, "serial_number", 9);
	src->meta.md5 = ewf_hash(src, h, "MD5", 10);
	src->meta.sha1 = ewf_hash(src, h, "SHA1", 11);
	if (libewf_handle_get_media_type(h, &media, &e) == 1) {
		switch (media) {
		case LIBEWF_MEDIA_TYPE_REMOVABLE:
			src->meta.media_type = "removable";
			break;
		case LIBEWF_MEDIA_TYPE_FIXED:
			src->meta.media_type = "fixed";
			break;
		case LIBEWF_MEDIA_TYPE_OPTICAL:
			src->meta.media_type = "optical";
			break;
		case LIBEWF_MEDIA_TYPE_SINGLE_FILES:
			src->meta.media_type = "single_files";
			break;
		case LIBEWF_MEDIA_TYPE_MEMORY:
			src->meta.media_type = "memory";
			break;
		}
	}
out:
	libewf_error_free(&e);
	if (h != NULL) {
		libewf_handle_close(h, NULL);
		libewf_handle_free(&h, NULL);
	}
	if (names != NULL)
		libewf_glob_free(names, nnames, NULL);
}

/* A VHD whose footer says "differencing" needs its parent image. */
static int
is_differencing_vhd(const char *path)
{
	unsigned char f[512];
	struct stat st;
	int fd, diff = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) == 0 && st.st_size >= 512 &&
	    pread(fd, f, sizeof(f), st.st_size - 512) == 512 &&
	    memcmp(f, "conectix", 8) == 0)
		diff = f[60] == 0 && f[61] == 0 && f[62] == 0 && f[63] == 4;
	close(fd);
	return diff;
}

/*
 * A GPT made for 4096-byte sectors has its header ("EFI PART") in LBA 1 at
 * byte 4096, and nothing at byte 512 where a 512-byte-sector one has it.
 */
static int
is_gpt_4k(tr_source *src)
{
	char a[8], b[8];

	if (src->size < 8192 || (src->size % 4096) != 0)
		return 0;
	tsk_error_reset();
	if (tsk_img_read(src->img, 512, a, 8) != 8 ||
	    tsk_img_read(src->img, 4096, b, 8) != 8) {
		tsk_error_reset();
		return 0;
	}
	return memcmp(a, "EFI PART", 8) != 0 && memcmp(b, "EFI PART", 8) == 0;
}

/* Fail at open, not later, when not even the first sector reads. */
static int
probe_first_sector(tr_source *src, tr_error *err)
{
	char b[512];
	size_t n = src->size < sizeof(b) ? (size_t)src->size : sizeof(b);

	tsk_error_reset();
	if (tsk_img_read(src->img, 0, b, n) == (ssize_t)n)
		return TR_OK;
	if (strcmp(src->format, "vhd") == 0 && is_differencing_vhd(src->path))
		return tri_error_tsk(err, TR_EFORMAT, "cannot read image '%s' "
		    "at offset 0: a differencing VHD needs its parent image "
		    "beside it", src->path);
	return tri_error_tsk(err, TR_EFORMAT, "cannot read image '%s' at "
	    "offset 0", src->path);
}

int
tr_source_open(tr_source **out, const char *path, const char *format,
    unsigned sector_size, tr_error *err)
{
	TSK_IMG_TYPE_ENUM type = TSK_IMG_TYPE_DETECT;
	const char *unsupported;
	tr_source *src;
	struct stat st;
	size_t i;
	int rc, fd;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return tri_error_set(err, TR_EINVAL, "no source given");
	if (sector_size != 0 && (sector_size < 512 || sector_size > 65536 ||
	    (sector_size & (sector_size - 1)) != 0))
		return tri_error_set(err, TR_EINVAL,
		    "invalid sector size %u: use a power of two from 512",
		    sector_size);
	if (stat(path, &st) != 0)
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot open '%s'", path);
	if ((src = calloc(1, sizeof(*src))) == NULL ||
	    (src->path = strdup(path)) == NULL) {
		free(src);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	if (S_ISDIR(st.st_mode)) {
		if (format != NULL && strcmp(format, "auto") != 0 &&
		    strcmp(format, "dir") != 0) {
			rc = tri_error_set(err, TR_EINVAL,
			    "'%s' is a directory, not a %s image", path,
			    format);
			goto fail;
		}
		src->is_dir = 1;
		src->format = "dir";
		*out = src;
		return TR_OK;
	}
	if (format != NULL && strcmp(format, "auto") != 0) {
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(format, formats[i].name) == 0)
				type = formats[i].type;
		if (type == TSK_IMG_TYPE_DETECT) {
			rc = tri_error_set(err, TR_EINVAL,
			    "unknown image format '%s': use raw, ewf, vmdk, "
			    "vhd, aff or dir", format);
			goto fail;
		}
		if ((type & tsk_img_type_supported()) == 0) {
			rc = tri_error_set(err, TR_EUNSUPPORTED,
			    "cannot open '%s': this libtsk has no %s support",
			    path, format);
			goto fail;
		}
	}
	if (S_ISREG(st.st_mode)) {
		if (st.st_size == 0) {
			rc = tri_error_set(err, TR_EFORMAT,
			    "cannot open '%s': the file is empty", path);
			goto fail;
		}
		if ((rc = sniff(path, &unsupported, err)) != TR_OK)
			goto fail;
		if (unsupported != NULL && type == TSK_IMG_TYPE_DETECT) {
			rc = tri_error_set(err, TR_EUNSUPPORTED,
			    "cannot open '%s': %s images are not supported by "
			    "this build of libtsk; convert it to raw first "
			    "(e.g. qemu-img convert -O raw)", path,
			    unsupported);
			goto fail;
		}
	} else if (S_ISBLK(st.st_mode) && sector_size == 0) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			int ss = 0;

			if (ioctl(fd, BLKSSZGET, &ss) == 0 && ss >= 512)
				sector_size = (unsigned)ss;
			close(fd);
		}
	}
	tsk_error_reset();
	src->img = tsk_img_open_utf8_sing(path, type, sector_size);
	if (src->img == NULL) {
		rc = tri_error_tsk(err, TR_EFORMAT, "cannot open image '%s'",
		    path);
		goto fail;
	}
	switch (src->img->itype) {
	case TSK_IMG_TYPE_EWF_EWF:
		src->format = "ewf";
		break;
	case TSK_IMG_TYPE_VMDK_VMDK:
		src->format = "vmdk";
		break;
	case TSK_IMG_TYPE_VHD_VHD:
		src->format = "vhd";
		break;
	case TSK_IMG_TYPE_RAW:
		src->format = S_ISBLK(st.st_mode) ? "device" : "raw";
		break;
	default:
		src->format = TSK_IMG_TYPE_ISAFF(src->img->itype) ? "aff" :
		    "unknown";
		break;
	}
	src->size = (uint64_t)src->img->size;
	src->sector_size = src->img->sector_size;
	if (src->size == 0) {
		rc = tri_error_set(err, TR_EFORMAT,
		    "cannot open image '%s': it holds no media data", path);
		goto fail;
	}
	if ((rc = probe_first_sector(src, err)) != TR_OK)
		goto fail;
	if (sector_size == 0 && src->sector_size == 512 && is_gpt_4k(src)) {
		/* A 4Kn disk: its GPT header is at 4096, not 512. */
		tsk_img_close(src->img);
		tsk_error_reset();
		if ((src->img = tsk_img_open_utf8_sing(path, type, 4096)) ==
		    NULL) {
			rc = tri_error_tsk(err, TR_EFORMAT,
			    "cannot open image '%s' with 4096-byte sectors",
			    path);
			goto fail;
		}
		src->sector_size = src->img->sector_size;
	}
	if (strcmp(src->format, "ewf") == 0) {
		int corrupted = 0;

		ewf_read_meta(src, &corrupted);
		/* libewf opens a truncated set and reads zeros past the cut. */
		if (corrupted) {
			rc = tri_error_set(err, TR_EFORMAT,
			    "cannot open image '%s': the E01 segment files are "
			    "truncated or corrupt (a segment missing or cut "
			    "short; ewfverify tells more)", path);
			goto fail;
		}
	}
	*out = src;
	return TR_OK;
fail:
	tr_source_close(src);
	return rc;
}

const char *
tr_source_path(const tr_source *src)
{
	return src->path;
}

int
tr_source_set_label(tr_source *src, const char *label)
{
	char *l = NULL;

	if (label != NULL && (l = strdup(label)) == NULL)
		return TR_ENOMEM;
	free(src->label);
	src->label = l;
	return TR_OK;
}

const char *
tr_source_label(const tr_source *src)
{
	return src->label;
}

const char *
tr_source_format(const tr_source *src)
{
	return src->format;
}

int
tr_source_is_dir(const tr_source *src)
{
	return src->is_dir;
}

uint64_t
tr_source_size(const tr_source *src)
{
	return src->size;
}

unsigned
tr_source_sector_size(const tr_source *src)
{
	return src->sector_size;
}

size_t
tr_source_segments(const tr_source *src)
{
	if (src->img == NULL)
		return 1;
	return (size_t)src->img->num_img;
}

const char *
tr_source_segment(const tr_source *src, size_t i)
{
	if (src->img == NULL)
		return i == 0 ? src->path : NULL;
	if (i >= (size_t)src->img->num_img)
		return NULL;
	return src->img->images[i];
}

int64_t
tr_source_read(tr_source *src, uint64_t offset, void *buf, size_t len,
    tr_error *err)
{
	ssize_t n;

	if (src->img == NULL)
		return tri_error_set(err, TR_EINVAL,
		    "'%s' is a directory: it has no media data", src->path);
	if (offset >= src->size)
		return 0;
	if (len > src->size - offset)
		len = (size_t)(src->size - offset);
	tsk_error_reset();
	n = tsk_img_read(src->img, (TSK_OFF_T)offset, buf, len);
	if (n < 0)
		return tri_error_tsk(err, TR_EIO,
		    "cannot read '%s' at offset %llu", src->path,
		    (unsigned long long)offset);
	return n;
}

const tr_image_meta *
tr_source_meta(const tr_source *src)
{
	return &src->meta;
}

TSK_IMG_INFO *
tri_source_tsk(const tr_source *src)
{
	return src->img;
}

/*
 * libewf turns the acquisition time EnCase stores (seconds since the epoch)
 * into local time of this process; mktime() in the same time zone undoes
 * that, so the record holds UTC whatever TZ the examiner runs with.
 */
static int
ewf_date_utc(const char *s, tr_time *t)
{
	struct tm tm;
	time_t sec;
	char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	tm.tm_isdst = -1;
	if ((sec = mktime(&tm)) == (time_t)-1)
		return -1;
	*t = tri_time((int64_t)sec, 0, 0);
	return 0;
}

tr_rec *
tr_source_record(const tr_source *src)
{
	const tr_image_meta *m = &src->meta;
	tr_rec *r, *segs;
	tr_time t;
	size_t i;

	if ((r = tr_rec_new("image")) == NULL)
		return NULL;
	tr_rec_set_text(r, "source", src->path, strlen(src->path));
	tr_rec_set_str(r, "format", src->format);
	if (!src->is_dir) {
		tr_rec_set_uint(r, "size", src->size);
		tr_rec_set_uint(r, "sector_size", src->sector_size);
		if ((segs = tr_rec_new_array()) != NULL) {
			for (i = 0; i < tr_source_segments(src); i++)
				tr_rec_append_str(segs,
				    tr_source_segment(src, i));
			tr_rec_set_rec(r, "segments", segs);
		}
	}
	tr_rec_set_str(r, "md5", m->md5);
	tr_rec_set_str(r, "sha1", m->sha1);
	tr_rec_set_str(r, "case_number", m->case_number);
	tr_rec_set_str(r, "evidence_number", m->evidence_number);
	tr_rec_set_str(r, "examiner", m->examiner);
	tr_rec_set_str(r, "description", m->description);
	tr_rec_set_str(r, "notes", m->notes);
	if (m->acquired != NULL) {
		if (ewf_date_utc(m->acquired, &t) == 0) {
			tr_rec_set_time(r, "acquired", &t);
		} else {
			tr_rec_set_text(r, "acquired", m->acquired,
			    strlen(m->acquired));
		}
	}
	tr_rec_set_str(r, "media_type", m->media_type);
	tr_rec_set_str(r, "model", m->model);
	tr_rec_set_str(r, "serial", m->serial);
	tr_rec_set_str(r, "acquiry_software", m->acquiry_software);
	tr_rec_set_str(r, "acquiry_os", m->acquiry_os);
	return r;
}
