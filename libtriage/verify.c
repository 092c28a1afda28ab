/* SPDX-License-Identifier: Apache-2.0 */
/* Verification: recompute an image's hashes and compare them. */
#include "acqint.h"

#include <ctype.h>
#include <libewf.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BLOCK_SIZE	(1024 * 1024)

struct ver {
	const tr_verify_opts *o;
	tr_source	*src;
	libewf_handle_t	*ewf;
	uint64_t	size;
	char		want[TRI_NALGOS][TR_HASH_HEX_MAX];
	unsigned	bits;
	const char	*from;
	uint64_t	window;
	tr_rec		*windows;	/* borrowed from rec */
	tr_rec		*rec;		/* acquisition record */
};

void
tr_verify_opts_init(tr_verify_opts *o)
{
	memset(o, 0, sizeof(*o));
}

static int
set_want(struct ver *v, unsigned bit, const char *hex, const char *where,
    tr_error *err)
{
	size_t len = bit == TR_HASH_MD5 ? 32 : bit == TR_HASH_SHA1 ? 40 : 64;
	int k = tri_hash_index(bit);
	size_t i;

	if (hex == NULL)
		return TR_OK;
	for (i = 0; hex[i] != '\0'; i++)
		if (!isxdigit((unsigned char)hex[i]))
			break;
	if (i != len || hex[i] != '\0')
		return tri_error_set(err, TR_EINVAL, "invalid %s '%s' in %s: "
		    "want %zu hex digits", tr_hash_name(bit), hex, where,
		    len);
	for (i = 0; i < len; i++)
		v->want[k][i] = (char)tolower((unsigned char)hex[i]);
	v->want[k][len] = '\0';
	v->bits |= bit;
	return TR_OK;
}

static int
load_record(struct ver *v, tr_error *err)
{
	tr_jsonl_reader *rd = NULL;
	const char *s;
	int64_t w;
	int rc, k;

	if ((rc = tr_jsonl_reader_open(&rd, v->o->record, err)) != TR_OK)
		return rc;
	while ((rc = tr_jsonl_read(rd, &v->rec, err)) == 1) {
		s = tr_rec_kind(v->rec);
		if (s != NULL && strcmp(s, "acquisition") == 0)
			break;
		tr_rec_free(v->rec);
		v->rec = NULL;
	}
	tr_jsonl_reader_close(rd);
	if (rc < 0)
		return rc;
	if (v->rec == NULL)
		return tri_error_set(err, TR_EFORMAT, "'%s' holds no "
		    "acquisition record", v->o->record);
	for (k = 0; k < TRI_NALGOS; k++)
		if ((rc = set_want(v, 1u << k, tr_rec_get_str(v->rec,
		    tr_hash_name(1u << k)), v->o->record, err)) != TR_OK)
			return rc;
	if (tr_rec_get_int(v->rec, "hash_window", &w) && w > 0 &&
	    (v->windows = tr_rec_get_rec(v->rec, "hash_windows")) != NULL)
		v->window = (uint64_t)w;
	v->from = "record";
	return TR_OK;
}

static int
ewf_err(tr_error *err, int code, libewf_error_t *e, const char *what,
    const char *path, unsigned long long off)
{
	char lib[512] = "", *p;

	if (e != NULL) {
		libewf_error_sprint(e, lib, sizeof(lib));
		libewf_error_free(&e);
		while ((p = strrchr(lib, '\n')) != NULL && p[1] == '\0')
			*p = '\0';
		if ((p = strrchr(lib, '\n')) != NULL)
			memmove(lib, p + 1, strlen(p + 1) + 1);
	}
	return tri_error_set(err, code, "%s '%s' at offset %llu%s%s", what,
	    path, off, lib[0] ? ": " : "", lib);
}

static int
open_ewf(struct ver *v, tr_error *err)
{
	libewf_error_t *e = NULL;
	char **names = NULL;
	int n = 0, rc = TR_OK;
	size64_t size;

	if (libewf_glob(v->o->image, strlen(v->o->image),
	    LIBEWF_FORMAT_UNKNOWN, &names, &n, &e) != 1)
		return ewf_err(err, TR_EFORMAT, e, "cannot open", v->o->image,
		    0);
	if (libewf_handle_initialize(&v->ewf, &e) != 1 ||
	    libewf_handle_open(v->ewf, names, n, LIBEWF_OPEN_READ, &e) != 1 ||
	    libewf_handle_get_media_size(v->ewf, &size, &e) != 1)
		rc = ewf_err(err, TR_EFORMAT, e, "cannot open", v->o->image, 0);
	else
		v->size = size;
	libewf_glob_free(names, n, NULL);
	return rc;
}

static int
read_blk(void *ctx, tri_blk *b, tr_error *err)
{
	struct ver *v = ctx;
	libewf_error_t *e = NULL;
	ssize_t n;
	int64_t got;

	if (v->ewf != NULL) {
		n = libewf_handle_read_random(v->ewf, b->data, b->len,
		    (off64_t)b->offset, &e);
		if (n != (ssize_t)b->len)
			return ewf_err(err, TR_EIO, e, "cannot read",
			    v->o->image, (unsigned long long)b->offset);
		return TR_OK;
	}
	got = tr_source_read(v->src, b->offset, b->data, b->len, err);
	if (got < 0)
		return (int)got;
	if ((size_t)got != b->len)
		return tri_error_set(err, TR_EIO, "cannot read '%s' at offset "
		    "%llu: short read", v->o->image,
		    (unsigned long long)(b->offset + (uint64_t)got));
	return TR_OK;
}

static tr_rec *
hash_obj(const char hex[TRI_NALGOS][TR_HASH_HEX_MAX], unsigned bits)
{
	tr_rec *x = tr_rec_new_object();
	int k;

	for (k = 0; x != NULL && k < TRI_NALGOS; k++)
		if ((bits & (1u << k)) && hex[k][0] != '\0')
			tr_rec_set_str(x, tr_hash_name(1u << k), hex[k]);
	return x;
}

static void
add_range(tr_rec *arr, uint64_t off, uint64_t len)
{
	tr_rec *x = tr_rec_new_object();

	if (x == NULL)
		return;
	tr_rec_set_uint(x, "offset", off);
	tr_rec_set_uint(x, "length", len);
	tr_rec_append(arr, x);
}

/* Windows of the record whose digests differ from ours. */
static int
check_windows(struct ver *v, const tri_pipe_result *res, tr_rec *out)
{
	size_t i, n = tr_rec_array_size(v->windows);
	int64_t off, len;
	const char *s;
	tr_rec *w;
	int k, bad = 0, diff;

	for (i = 0; i < n; i++) {
		w = tr_rec_array_get(v->windows, i);
		if (!tr_rec_get_int(w, "offset", &off) ||
		    !tr_rec_get_int(w, "length", &len) || off < 0 ||
		    (uint64_t)off / v->window >= res->nwindows)
			continue;
		diff = 0;
		for (k = 0; k < TRI_NALGOS; k++) {
			s = tr_rec_get_str(w, tr_hash_name(1u << k));
			if (s != NULL && strcasecmp(s, res->windows[(uint64_t)
			    off / v->window].hex[k]) != 0)
				diff = 1;
		}
		if (diff) {
			add_range(out, (uint64_t)off, (uint64_t)len);
			bad++;
		}
	}
	return bad;
}

int
tr_verify(const tr_verify_opts *o, int *match, tr_rec **record,
    tr_error *err)
{
	struct ver v;
	tri_pipe_cfg cfg;
	tri_pipe_ops ops;
	tri_pipe_result res;
	libewf_error_t *e = NULL;
	tr_rec *r = NULL, *arr, *mis;
	const tr_image_meta *m;
	uint32_t nerr = 0, i;
	uint64_t start, count;
	int rc, k, ok = 1, nothing;

	*match = 0;
	*record = NULL;
	memset(&v, 0, sizeof(v));
	memset(&res, 0, sizeof(res));
	v.o = o;
	if ((rc = tr_source_open(&v.src, o->image, o->format, 0, err)) !=
	    TR_OK)
		return rc;
	v.size = tr_source_size(v.src);
	if (o->record != NULL && (rc = load_record(&v, err)) != TR_OK)
		goto out;
	if (o->md5 != NULL || o->sha1 != NULL || o->sha256 != NULL) {
		v.bits = 0;
		memset(v.want, 0, sizeof(v.want));
		if ((rc = set_want(&v, TR_HASH_MD5, o->md5, "--md5", err)) !=
		    TR_OK || (rc = set_want(&v, TR_HASH_SHA1, o->sha1,
		    "--sha1", err)) != TR_OK || (rc = set_want(&v,
		    TR_HASH_SHA256, o->sha256, "--sha256", err)) != TR_OK)
			goto out;
		v.from = "options";
	}
	if (strcmp(tr_source_format(v.src), "ewf") == 0) {
		if ((rc = open_ewf(&v, err)) != TR_OK)
			goto out;
		if (v.from == NULL) {
			m = tr_source_meta(v.src);
			if ((rc = set_want(&v, TR_HASH_MD5, m->md5, o->image,
			    err)) != TR_OK || (rc = set_want(&v,
			    TR_HASH_SHA1, m->sha1, o->image, err)) != TR_OK)
				goto out;
			v.from = v.bits ? "image" : NULL;
		}
	}
	nothing = v.bits == 0;
	memset(&cfg, 0, sizeof(cfg));
	memset(&ops, 0, sizeof(ops));
	cfg.size = v.size;
	cfg.block = BLOCK_SIZE;
	cfg.chunk = BLOCK_SIZE;
	cfg.hashes = nothing ? TR_HASH_ALL : v.bits;
	cfg.hash_window = v.window;
	cfg.stop = o->stop;
	cfg.progress = o->progress;
	cfg.progress_arg = o->progress_arg;
	ops.read = read_blk;
	ops.ctx = &v;
	if ((rc = tri_pipe_run(&cfg, &ops, &res, err)) != TR_OK)
		goto out;
	if (res.stopped) {
		rc = tri_error_set(err, TR_EINTR, "verification of '%s' "
		    "interrupted after %llu bytes", o->image,
		    (unsigned long long)res.done);
		goto out;
	}
	if ((r = tr_rec_new("verification")) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	tr_rec_set_text(r, "source", o->image, strlen(o->image));
	tr_rec_set_str(r, "format", tr_source_format(v.src));
	tr_rec_set_uint(r, "size", v.size);
	tr_rec_set_uint(r, "bytes", res.done);
	tr_rec_set_str(r, "expected_from", v.from);
	if (!nothing)
		tr_rec_set_rec(r, "expected", hash_obj(
		    (const char (*)[TR_HASH_HEX_MAX])v.want, v.bits));
	tr_rec_set_rec(r, "computed", hash_obj(
	    (const char (*)[TR_HASH_HEX_MAX])res.hex, cfg.hashes));
	mis = tr_rec_new_array();
	for (k = 0; !nothing && k < TRI_NALGOS; k++)
		if ((v.bits & (1u << k)) &&
		    strcmp(v.want[k], res.hex[k]) != 0) {
			ok = 0;
			tr_rec_append_str(mis, tr_hash_name(1u << k));
		}
	if (v.ewf != NULL && libewf_handle_get_number_of_checksum_errors(
	    v.ewf, &nerr, &e) == 1 && nerr > 0) {
		uint32_t bps = tr_source_sector_size(v.src);

		arr = tr_rec_new_array();
		for (i = 0; i < nerr; i++)
			if (libewf_handle_get_checksum_error(v.ewf, i, &start,
			    &count, NULL) == 1)
				add_range(arr, start * bps, count * bps);
		tr_rec_set_rec(r, "bad_chunks", arr);
		ok = 0;
	}
	libewf_error_free(&e);
	if (v.windows != NULL && res.nwindows > 0) {
		arr = tr_rec_new_array();
		if (check_windows(&v, &res, arr) > 0) {
			tr_rec_set_rec(r, "bad_windows", arr);
			ok = 0;
		} else {
			tr_rec_free(arr);
		}
	}
	if (!nothing)
		tr_rec_set_rec(r, "mismatched", mis);
	else
		tr_rec_free(mis);
	if (!nothing)
		tr_rec_set_bool(r, "match", ok);
	*record = r;
	*match = !nothing && ok;
	rc = nothing ? tri_error_set(err, TR_EINVAL, "'%s' stores no hash to "
	    "compare with: give --md5, --sha1, --sha256 or --record",
	    o->image) : TR_OK;
	r = NULL;
out:
	tr_rec_free(r);
	free(res.windows);
	if (v.ewf != NULL) {
		libewf_handle_close(v.ewf, NULL);
		libewf_handle_free(&v.ewf, NULL);
	}
	tr_rec_free(v.rec);
	tr_source_close(v.src);
	return rc;
}
