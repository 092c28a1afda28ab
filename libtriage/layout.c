/* SPDX-License-Identifier: Apache-2.0 */
/* Volumes and filesystems inside a source (mmls + fsstat + pstat). */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
tri_fs_type_name(TSK_FS_TYPE_ENUM t, char *buf, size_t len)
{
	const char *n = tsk_fs_type_toname(t);
	size_t i;

	snprintf(buf, len, "%s", n != NULL ? n : "unknown");
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
}

void
tr_layout_free(tr_layout *l)
{
	if (l == NULL)
		return;
	free(l->volumes);
	free(l->fs);
	free(l);
}

static int
add_fs(tr_layout *l, const tr_fs_info *fi)
{
	tr_fs_info *n;

	if ((n = realloc(l->fs, (l->nfs + 1) * sizeof(*n))) == NULL)
		return TR_ENOMEM;
	l->fs = n;
	l->fs[l->nfs++] = *fi;
	return TR_OK;
}

/* Copy a label of fixed size, trimming padding; keeps raw bytes. */
static void
set_label(tr_fs_info *fi, const unsigned char *b, size_t n)
{
	size_t i;

	while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\0'))
		n--;
	if (n >= sizeof(fi->label))
		n = sizeof(fi->label) - 1;
	for (i = 0; i < n; i++)
		fi->label[i] = b[i] == '\0' ? ' ' : (char)b[i];
	fi->label[n] = '\0';
}

/* Volume label from the superblock or boot sector, where it is easy. */
static void
read_label(TSK_FS_INFO *fs, tr_fs_info *fi)
{
	unsigned char b[2048];

	if (TSK_FS_TYPE_ISEXT(fs->ftype)) {
		if (tsk_fs_read(fs, 1024 + 120, (char *)b, 16) == 16)
			set_label(fi, b, 16);
	} else if (fs->ftype == TSK_FS_TYPE_FAT32) {
		if (tsk_fs_read(fs, 0, (char *)b, 90) == 90 && b[66] == 0x29)
			set_label(fi, b + 71, 11);
	} else if (fs->ftype == TSK_FS_TYPE_FAT12 ||
	    fs->ftype == TSK_FS_TYPE_FAT16) {
		if (tsk_fs_read(fs, 0, (char *)b, 62) == 62 && b[38] == 0x29)
			set_label(fi, b + 43, 11);
	} else if (fs->ftype == TSK_FS_TYPE_ISO9660) {
		if (tsk_fs_read(fs, 0x8000, (char *)b, 72) == 72)
			set_label(fi, b + 40, 32);
	}
	if (strcmp(fi->label, "NO NAME") == 0)
		fi->label[0] = '\0';
	tsk_error_reset();
}

static void
format_uuid(TSK_FS_INFO *fs, tr_fs_info *fi)
{
	const uint8_t *u = fs->fs_id;
	size_t n = fs->fs_id_used, i, o = 0;

	fi->uuid[0] = '\0';
	if (n == 16) {
		snprintf(fi->uuid, sizeof(fi->uuid),
		    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
		    u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		    u[14], u[15]);
	} else if (n == 4) {
		snprintf(fi->uuid, sizeof(fi->uuid), "%02X%02X-%02X%02X",
		    u[3], u[2], u[1], u[0]);
	} else if (n > 0 && n <= 16) {
		/* NTFS and others: a little-endian serial number. */
		for (i = n; i > 0; i--)
			o += (size_t)snprintf(fi->uuid + o,
			    sizeof(fi->uuid) - o, "%02X", u[i - 1]);
	}
}

static void
fill_fs(TSK_FS_INFO *fs, int volume, uint64_t offset, uint64_t pool_block,
    tr_fs_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	fi->volume = volume;
	fi->offset = offset;
	fi->pool_block = pool_block;
	tri_fs_type_name(fs->ftype, fi->fs, sizeof(fi->fs));
	fi->block_size = fs->block_size;
	fi->blocks = (uint64_t)fs->block_count;
	format_uuid(fs, fi);
	read_label(fs, fi);
}

/* Try an APFS container at offset; add each of its volumes. */
static int
try_pool(TSK_IMG_INFO *img, int volume, uint64_t offset, tr_layout *l,
    int *found)
{
	const TSK_POOL_INFO *pool;
	const TSK_POOL_VOLUME_INFO *v;
	TSK_IMG_INFO *pimg;
	TSK_FS_INFO *fs;
	tr_fs_info fi;
	int rc = TR_OK;

	*found = 0;
	tsk_error_reset();
	if ((pool = tsk_pool_open_img_sing(img, (TSK_OFF_T)offset,
	    TSK_POOL_TYPE_DETECT)) == NULL) {
		tsk_error_reset();
		return TR_OK;
	}
	for (v = pool->vol_list; v != NULL && rc == TR_OK; v = v->next) {
		if ((pimg = pool->get_img_info(pool, v->block)) == NULL)
			continue;
		fs = tsk_fs_open_img(pimg, 0, TSK_FS_TYPE_APFS);
		if (fs != NULL) {
			fill_fs(fs, volume, offset, v->block, &fi);
			if (v->desc != NULL && fi.label[0] == '\0')
				snprintf(fi.label, sizeof(fi.label), "%s",
				    v->desc);
			rc = add_fs(l, &fi);
			*found = 1;
			tsk_fs_close(fs);
		}
		tsk_img_close(pimg);
	}
	tsk_pool_close(pool);
	tsk_error_reset();
	return rc;
}

static const char *
scheme_name(TSK_VS_TYPE_ENUM t)
{
	switch (t) {
	case TSK_VS_TYPE_DOS:
		return "mbr";
	case TSK_VS_TYPE_GPT:
		return "gpt";
	case TSK_VS_TYPE_BSD:
		return "bsd";
	case TSK_VS_TYPE_SUN:
		return "sun";
	case TSK_VS_TYPE_MAC:
		return "mac";
	default:
		return "unknown";
	}
}

int
tr_source_layout(tr_source *src, tr_layout **out, tr_warn_fn warn,
    void *warn_arg, tr_error *err)
{
	TSK_IMG_INFO *img = tri_source_tsk(src);
	const TSK_VS_PART_INFO *p;
	TSK_VS_INFO *vs;
	TSK_FS_INFO *fs;
	tr_layout *l;
	tr_fs_info fi;
	tr_volume *vol;
	TSK_PNUM_T i;
	int rc = TR_OK, found;
	char tsk[256];

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	if (img == NULL) {
		memset(&fi, 0, sizeof(fi));
		fi.volume = -1;
		snprintf(fi.fs, sizeof(fi.fs), "dir");
		if ((rc = add_fs(l, &fi)) != TR_OK)
			goto nomem;
		*out = l;
		return TR_OK;
	}
	tsk_error_reset();
	vs = tsk_vs_open(img, 0, TSK_VS_TYPE_DETECT);
	if (vs == NULL) {
		tsk_error_reset();
		fs = tsk_fs_open_img(img, 0, TSK_FS_TYPE_DETECT);
		if (fs != NULL) {
			fill_fs(fs, -1, 0, 0, &fi);
			tsk_fs_close(fs);
			if ((rc = add_fs(l, &fi)) != TR_OK)
				goto nomem;
		} else {
			tri_tsk_errstr(tsk, sizeof(tsk));
			if ((rc = try_pool(img, -1, 0, l, &found)) != TR_OK)
				goto nomem;
			if (!found)
				tri_warn(warn, warn_arg, "'%s': no partition table "
				    "and no filesystem found (%s)",
				    tr_source_path(src), tsk);
		}
		*out = l;
		return TR_OK;
	}
	snprintf(l->scheme, sizeof(l->scheme), "%s", scheme_name(vs->vstype));
	l->scheme_offset = (uint64_t)vs->offset;
	if ((l->volumes = calloc(vs->part_count ? vs->part_count : 1,
	    sizeof(*l->volumes))) == NULL)
		goto nomem_vs;
	for (i = 0; i < vs->part_count; i++) {
		if ((p = tsk_vs_part_get(vs, i)) == NULL)
			continue;
		vol = &l->volumes[l->nvolumes++];
		vol->index = (int)p->addr;
		vol->start = (uint64_t)p->start * vs->block_size +
		    (uint64_t)vs->offset;
		vol->length = (uint64_t)p->len * vs->block_size;
		vol->allocated = (p->flags & TSK_VS_PART_FLAG_ALLOC) != 0;
		vol->meta = (p->flags & TSK_VS_PART_FLAG_META) != 0;
		snprintf(vol->description, sizeof(vol->description), "%s",
		    p->desc != NULL ? p->desc : "");
		if (!vol->allocated)
			continue;
		/* Written so that values from a hostile table cannot wrap. */
		if (vol->start > tr_source_size(src) ||
		    vol->length > tr_source_size(src) - vol->start)
			tri_warn(warn, warn_arg, "'%s': volume %d (%s) runs past "
			    "the end of the image (%llu + %llu > %llu bytes)",
			    tr_source_path(src), vol->index, vol->description,
			    (unsigned long long)vol->start,
			    (unsigned long long)vol->length,
			    (unsigned long long)tr_source_size(src));
		tsk_error_reset();
		fs = tsk_fs_open_vol(p, TSK_FS_TYPE_DETECT);
		if (fs != NULL) {
			fill_fs(fs, vol->index, vol->start, 0, &fi);
			tsk_fs_close(fs);
			if ((rc = add_fs(l, &fi)) != TR_OK)
				goto nomem_vs;
			continue;
		}
		tri_tsk_errstr(tsk, sizeof(tsk));
		if ((rc = try_pool(img, vol->index, vol->start, l, &found)) !=
		    TR_OK)
			goto nomem_vs;
		if (!found)
			tri_warn(warn, warn_arg, "'%s': volume %d (%s) at offset "
			    "%llu: no filesystem found (%s)",
			    tr_source_path(src), vol->index, vol->description,
			    (unsigned long long)vol->start, tsk);
	}
	tsk_vs_close(vs);
	*out = l;
	return TR_OK;
nomem_vs:
	tsk_vs_close(vs);
nomem:
	tr_layout_free(l);
	return tri_error_set(err, TR_ENOMEM, "out of memory");
}

const tr_fs_info *
tr_layout_find(const tr_layout *l, int v)
{
	size_t i;

	for (i = 0; i < l->nfs; i++)
		if (l->fs[i].volume == v)
			return &l->fs[i];
	return NULL;
}

tr_rec *
tr_volume_record(const tr_source *src, const tr_layout *l,
    const tr_volume *v)
{
	tr_rec *r;

	if ((r = tr_rec_new("volume")) == NULL)
		return NULL;
	tr_rec_set_text(r, "source", tr_source_path(src),
	    strlen(tr_source_path(src)));
	tr_rec_set_int(r, "volume", v->index);
	tr_rec_set_str(r, "scheme", l->scheme);
	tr_rec_set_uint(r, "start", v->start);
	tr_rec_set_uint(r, "length", v->length);
	tr_rec_set_text(r, "description", v->description,
	    strlen(v->description));
	tr_rec_set_bool(r, "allocated", v->allocated);
	if (v->meta)
		tr_rec_set_bool(r, "meta", 1);
	return r;
}

tr_rec *
tr_fs_info_record(const tr_source *src, const tr_fs_info *fi)
{
	tr_rec *r;

	if ((r = tr_rec_new("filesystem")) == NULL)
		return NULL;
	tr_rec_set_text(r, "source", tr_source_path(src),
	    strlen(tr_source_path(src)));
	if (fi->volume >= 0)
		tr_rec_set_int(r, "volume", fi->volume);
	tr_rec_set_uint(r, "offset", fi->offset);
	if (fi->pool_block != 0)
		tr_rec_set_uint(r, "pool_block", fi->pool_block);
	tr_rec_set_str(r, "fs", fi->fs);
	if (fi->block_size != 0) {
		tr_rec_set_uint(r, "block_size", fi->block_size);
		tr_rec_set_uint(r, "blocks", fi->blocks);
	}
	if (fi->label[0] != '\0')
		tr_rec_set_text(r, "label", fi->label, strlen(fi->label));
	if (fi->uuid[0] != '\0')
		tr_rec_set_str(r, "uuid", fi->uuid);
	return r;
}
