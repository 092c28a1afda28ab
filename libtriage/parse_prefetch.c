/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows Prefetch files (plaso's "prefetch" parser): libscca reads
 * versions 17 (XP), 23 (Vista/7), 26 (8.x) and 30 (10).  The MAM
 * container of Windows 10 and 11 is decompressed here, once, through
 * libfwnt's LZXPRESS Huffman (a cut file still gives what decompresses).
 * Version 31 (Windows 11) is refused by Debian's libscca even
 * decompressed, so its v30/v31 sections (header, file information, file
 * metrics, filename strings, volume information) are read by this file,
 * as libscca's "Windows Prefetch File (PF) format" describes them; so is
 * a version 30 file that libscca cannot open.
 *
 * Events: windows:prefetch:execution at every stored run time ("Last Time
 * Executed" for the newest, "Previous Last Time Executed" for the others),
 * and windows:volume:creation for every volume with a creation time, as
 * plaso makes them.
 */
#include "internal.h"
#include "parse_internal.h"
#include "parse_win.h"
#include "yal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libscca.h>
#include <libfwnt.h>

#define PF_MAX		((size_t)64 << 20)	/* decompressed size bound */
#define PF_RUNS		8

#define SCCA_API(X) \
	X(libscca_error_free) X(libscca_error_sprint) \
	X(libscca_file_initialize) X(libscca_file_free) \
	X(libscca_file_open_file_io_handle) X(libscca_file_close) \
	X(libscca_file_get_format_version) \
	X(libscca_file_get_utf8_executable_filename_size) \
	X(libscca_file_get_utf8_executable_filename) \
	X(libscca_file_get_prefetch_hash) X(libscca_file_get_last_run_time) \
	X(libscca_file_get_run_count) \
	X(libscca_file_get_number_of_file_metrics_entries) \
	X(libscca_file_get_file_metrics_entry) \
	X(libscca_file_get_number_of_filenames) \
	X(libscca_file_get_utf8_filename_size) \
	X(libscca_file_get_utf8_filename) \
	X(libscca_file_get_number_of_volumes) \
	X(libscca_file_get_volume_information) \
	X(libscca_file_metrics_free) \
	X(libscca_file_metrics_get_utf8_filename_size) \
	X(libscca_file_metrics_get_utf8_filename) \
	X(libscca_file_metrics_get_file_reference) \
	X(libscca_volume_information_free) \
	X(libscca_volume_information_get_creation_time) \
	X(libscca_volume_information_get_serial_number) \
	X(libscca_volume_information_get_utf8_device_path_size) \
	X(libscca_volume_information_get_utf8_device_path) \
	X(libbfio_handle_initialize) \
	X(libbfio_handle_free) X(libbfio_error_free)

static struct {
	SCCA_API(TRI_YAL_MEMBER)
	tri_yal lib;
} sc;
static const char *const sc_names[] = { SCCA_API(TRI_YAL_NAME) NULL };
static pthread_once_t sc_once = PTHREAD_ONCE_INIT;

#define FWNT_API(X) X(libfwnt_lzxpress_huffman_decompress) \
	X(libfwnt_error_free) X(libfwnt_error_sprint)

static struct {
	FWNT_API(TRI_YAL_MEMBER)
	tri_yal lib;
} fw;
static const char *const fw_names[] = { FWNT_API(TRI_YAL_NAME) NULL };
static pthread_once_t fw_once = PTHREAD_ONCE_INIT;

static void
sc_load(void)
{
	tri_yal_load(&sc.lib, "libscca.so.1", sc_names, (void **)&sc);
}

static void
fw_load(void)
{
	tri_yal_load(&fw.lib, "libfwnt.so.1", fw_names, (void **)&fw);
}

/* What was read, whichever way. */
struct pf {
	int		version;
	char		*exe;
	uint32_t	hash;
	uint32_t	run_count;
	uint64_t	runs[PF_RUNS];
	tr_rec		*mapped;	/* array of strings */
	tr_rec		*hints;		/* path_hints */
	tr_rec		*serials;	/* volume_serial_numbers */
	tr_rec		*devices;	/* volume_device_paths */
	size_t		nvols;
	char		**vpath;	/* volume device paths */
	uint32_t	*vserial;
	uint64_t	*vctime;
	char		**names;	/* filename strings, for path hints */
	size_t		nnames;
};

static void
pf_free(struct pf *pf)
{
	size_t i;

	free(pf->exe);
	tr_rec_free(pf->mapped);
	tr_rec_free(pf->hints);
	tr_rec_free(pf->serials);
	tr_rec_free(pf->devices);
	for (i = 0; i < pf->nvols; i++)
		free(pf->vpath[i]);
	free(pf->vpath);
	free(pf->vserial);
	free(pf->vctime);
	for (i = 0; i < pf->nnames; i++)
		free(pf->names[i]);
	free(pf->names);
}

static int
pf_init(struct pf *pf, size_t nvols, size_t nnames)
{
	memset(pf, 0, sizeof(*pf));
	pf->mapped = tr_rec_new_array();
	pf->hints = tr_rec_new_array();
	pf->serials = tr_rec_new_array();
	pf->devices = tr_rec_new_array();
	pf->vpath = calloc(nvols + 1, sizeof(*pf->vpath));
	pf->vserial = calloc(nvols + 1, sizeof(*pf->vserial));
	pf->vctime = calloc(nvols + 1, sizeof(*pf->vctime));
	pf->names = calloc(nnames + 1, sizeof(*pf->names));
	if (pf->mapped == NULL || pf->hints == NULL || pf->serials == NULL ||
	    pf->devices == NULL || pf->vpath == NULL || pf->vserial == NULL ||
	    pf->vctime == NULL || pf->names == NULL)
		return TR_ENOMEM;
	return TR_OK;
}

/* "NAME [MFT entry: N, sequence: S]" as plaso writes mapped files. */
static int
add_mapped(struct pf *pf, const char *name, uint64_t ref)
{
	char *s;
	int rc;

	if (ref == 0)
		return tr_rec_append_str(pf->mapped, name);
	if (asprintf(&s, "%s [MFT entry: %llu, sequence: %llu]", name,
	    (unsigned long long)(ref & 0xffffffffffffULL),
	    (unsigned long long)(ref >> 48)) < 0)
		return TR_ENOMEM;
	rc = tr_rec_append_str(pf->mapped, s);
	free(s);
	return rc;
}

/*
 * Path hints: the filenames on a known volume whose last component is
 * the executable's name (or starts with it when the header cut it at 29
 * characters), without the volume's device path.
 */
static int
add_hints(struct pf *pf)
{
	size_t i, j, vl, el;
	const char *base;

	if (pf->exe == NULL || (el = strlen(pf->exe)) == 0)
		return TR_OK;
	for (i = 0; i < pf->nnames; i++) {
		base = strrchr(pf->names[i], '\\');
		base = base != NULL ? base + 1 : pf->names[i];
		/* equal, or the name was cut to fit the header */
		if (el < 29 ? strcasecmp(base, pf->exe) != 0 :
		    strncasecmp(base, pf->exe, el) != 0)
			continue;
		for (j = 0; j < pf->nvols; j++) {
			if (pf->vpath[j] == NULL ||
			    (vl = strlen(pf->vpath[j])) == 0 ||
			    strncasecmp(pf->names[i], pf->vpath[j], vl) != 0 ||
			    pf->names[i][vl] != '\\')
				continue;
			if (tr_rec_append_str(pf->hints, pf->names[i] + vl) !=
			    TR_OK)
				return TR_ENOMEM;
			break;
		}
	}
	return TR_OK;
}

static int
emit_events(tri_parse_ctx *ctx, const tr_artifact *a, struct pf *pf)
{
	tr_rec *ev;
	tr_time t;
	size_t i;
	int rc = 0, first = 1;
	char hash[16];

	snprintf(hash, sizeof(hash), "0x%08X", pf->hash);
	for (i = 0; i < pf->nvols; i++) {
		if (pf->vctime[i] == 0)
			continue;
		t = tri_filetime(pf->vctime[i]);
		if ((ev = tri_event_new(ctx, "windows:volume:creation", &t,
		    "Creation Time")) == NULL)
			return TR_ENOMEM;
		rc |= tri_event_message(ev, "%s Serial number: 0x%08X "
		    "Origin: %s", pf->vpath[i] != NULL ? pf->vpath[i] : "",
		    pf->vserial[i], (a->name != NULL ? a->name : ""));
		rc |= tr_rec_set_str(ev, "device_path", pf->vpath[i]);
		rc |= tr_rec_set_uint(ev, "serial_number", pf->vserial[i]);
		rc |= tr_rec_set_str(ev, "origin", (a->name != NULL ? a->name : ""));
		if (rc != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		if ((rc = tri_parse_emit(ctx, ev)) != TR_OK)
			return rc;
	}
	for (i = 0; i < PF_RUNS; i++) {
		if (pf->runs[i] == 0)
			continue;
		t = tri_filetime(pf->runs[i]);
		if ((ev = tri_event_new(ctx, "windows:prefetch:execution", &t,
		    first ? "Last Time Executed" :
		    "Previous Last Time Executed")) == NULL)
			return TR_ENOMEM;
		first = 0;
		rc |= tri_event_message(ev, "Prefetch [%s] was executed - "
		    "run count %u hash: %s volumes: %zu",
		    pf->exe != NULL ? pf->exe : "", pf->run_count, hash,
		    pf->nvols);
		rc |= tr_rec_set_str(ev, "executable", pf->exe);
		rc |= tr_rec_set_uint(ev, "run_count", pf->run_count);
		rc |= tr_rec_set_uint(ev, "prefetch_hash", pf->hash);
		rc |= tr_rec_set_int(ev, "version", pf->version);
		rc |= tr_rec_set_rec(ev, "path_hints", tr_rec_copy(pf->hints));
		rc |= tr_rec_set_uint(ev, "number_of_volumes", pf->nvols);
		rc |= tr_rec_set_rec(ev, "volume_serial_numbers",
		    tr_rec_copy(pf->serials));
		rc |= tr_rec_set_rec(ev, "volume_device_paths",
		    tr_rec_copy(pf->devices));
		rc |= tr_rec_set_rec(ev, "mapped_files",
		    tr_rec_copy(pf->mapped));
		if (rc != 0) {
			tr_rec_free(ev);
			return TR_ENOMEM;
		}
		if ((rc = tri_parse_emit(ctx, ev)) != TR_OK)
			return rc;
	}
	if (first)
		tri_parse_warn(ctx, UINT64_MAX, "no run time stored");
	return TR_OK;
}

/* libscca's message for a failed call, then its error freed. */
static void
sc_why(libscca_error_t **e, char *buf, size_t len)
{
	char *nl;

	buf[0] = '\0';
	if (*e != NULL) {
		sc.libscca_error_sprint(*e, buf, len);
		sc.libscca_error_free(e);
	}
	/* the last line of the backtrace says the most */
	while ((nl = strrchr(buf, '\n')) != NULL && nl[1] == '\0')
		*nl = '\0';
}

/* A libscca UTF-8 string getter's result, malloc'd, or NULL. */
#define SC_STRING(out, sizefn, getfn, ...) do {				\
	size_t n_ = 0;							\
	(out) = NULL;							\
	if (sc.sizefn(__VA_ARGS__, &n_, &e) == 1 && n_ > 0 &&		\
	    n_ < 65536 && ((out) = malloc(n_)) != NULL &&		\
	    sc.getfn(__VA_ARGS__, (uint8_t *)(out), n_, &e) != 1) {	\
		free(out);						\
		(out) = NULL;						\
	}								\
	if (e != NULL)							\
		sc.libscca_error_free(&e);				\
} while (0)

/*
 * Read through libscca.  Returns 1 when done (events emitted or a status
 * in *rc), 0 when libscca cannot open the data (*why says why).
 */
static int
read_libscca(tri_parse_ctx *ctx, const tr_artifact *a, const uint8_t *data,
    size_t size, int *rc, char *why, size_t whylen)
{
	libscca_file_t *f = NULL;
	libscca_error_t *e = NULL;
	libbfio_handle_t *h = NULL;
	libbfio_error_t *be = NULL;
	libscca_file_metrics_t *m;
	libscca_volume_information_t *v;
	struct pf pf;
	uint64_t ref;
	uint32_t u32;
	int i, n, nv = 0, nn = 0, done = 0;
	char *s;

	memset(&pf, 0, sizeof(pf));
	*rc = TR_OK;
	if (tri_bfio_memory(sc.libbfio_handle_initialize, &h, data,
	    size) != TR_OK) {
		snprintf(why, whylen, "libbfio memory range failed");
		goto out;
	}
	if (sc.libscca_file_initialize(&f, &e) != 1) {
		sc_why(&e, why, whylen);
		goto out;
	}
	if (sc.libscca_file_open_file_io_handle(f, h, LIBSCCA_OPEN_READ,
	    &e) != 1) {
		sc_why(&e, why, whylen);
		goto out;
	}
	done = 1;
	if (sc.libscca_file_get_number_of_volumes(f, &nv, &e) != 1 ||
	    nv < 0)
		nv = 0;
	if (sc.libscca_file_get_number_of_filenames(f, &nn, &e) != 1 ||
	    nn < 0)
		nn = 0;
	if (e != NULL)
		sc.libscca_error_free(&e);
	if ((*rc = pf_init(&pf, (size_t)nv, (size_t)nn)) != TR_OK)
		goto out;
	if (sc.libscca_file_get_format_version(f, &u32, &e) == 1)
		pf.version = (int)u32;
	SC_STRING(pf.exe, libscca_file_get_utf8_executable_filename_size,
	    libscca_file_get_utf8_executable_filename, f);
	if (sc.libscca_file_get_prefetch_hash(f, &pf.hash, &e) != 1 ||
	    sc.libscca_file_get_run_count(f, &pf.run_count, &e) != 1) {
		sc_why(&e, why, whylen);
		tri_parse_warn(ctx, 0, "%s", why);
		tri_parse_lost(ctx);
	}
	for (i = 0; i < (pf.version >= 26 ? PF_RUNS : 1); i++)
		if (sc.libscca_file_get_last_run_time(f, i, &pf.runs[i],
		    &e) != 1) {
			sc.libscca_error_free(&e);
			break;
		}
	for (i = 0; i < nv; i++) {
		v = NULL;
		if (sc.libscca_file_get_volume_information(f, i, &v,
		    &e) != 1) {
			sc_why(&e, why, whylen);
			tri_parse_warn(ctx, 0, "volume %d: %s", i, why);
			tri_parse_lost(ctx);
			continue;
		}
		SC_STRING(s, libscca_volume_information_get_utf8_device_path_size,
		    libscca_volume_information_get_utf8_device_path, v);
		pf.vpath[pf.nvols] = s;
		sc.libscca_volume_information_get_serial_number(v,
		    &pf.vserial[pf.nvols], &e);
		sc.libscca_volume_information_get_creation_time(v,
		    &pf.vctime[pf.nvols], &e);
		if (e != NULL)
			sc.libscca_error_free(&e);
		sc.libscca_volume_information_free(&v, &e);
		*rc |= tr_rec_append_str(pf.devices, s != NULL ? s : "");
		*rc |= tri_rec_append_uint(pf.serials, pf.vserial[pf.nvols]);
		pf.nvols++;
	}
	for (i = 0; i < nn; i++) {
		SC_STRING(s, libscca_file_get_utf8_filename_size,
		    libscca_file_get_utf8_filename, f, i);
		if (s != NULL)
			pf.names[pf.nnames++] = s;
	}
	if (sc.libscca_file_get_number_of_file_metrics_entries(f, &n,
	    &e) != 1)
		n = 0;
	for (i = 0; i < n && *rc == TR_OK; i++) {
		m = NULL;
		if (sc.libscca_file_get_file_metrics_entry(f, i, &m,
		    &e) != 1) {
			sc_why(&e, why, whylen);
			tri_parse_warn(ctx, 0, "file metrics entry %d: %s", i,
			    why);
			tri_parse_lost(ctx);
			continue;
		}
		SC_STRING(s, libscca_file_metrics_get_utf8_filename_size,
		    libscca_file_metrics_get_utf8_filename, m);
		ref = 0;
		sc.libscca_file_metrics_get_file_reference(m, &ref, &e);
		if (e != NULL)
			sc.libscca_error_free(&e);
		sc.libscca_file_metrics_free(&m, &e);
		if (s == NULL) {
			tri_parse_warn(ctx, 0, "file metrics entry %d: no "
			    "filename", i);
			continue;
		}
		*rc = add_mapped(&pf, s, ref);
		free(s);
	}
	if (*rc == TR_OK)
		*rc = add_hints(&pf);
	if (*rc == TR_OK)
		*rc = emit_events(ctx, a, &pf);
out:
	if (e != NULL)
		sc.libscca_error_free(&e);
	if (f != NULL) {
		if (done)
			sc.libscca_file_close(f, &e);
		if (e != NULL)
			sc.libscca_error_free(&e);
		sc.libscca_file_free(&f, &e);
		if (e != NULL)
			sc.libscca_error_free(&e);
	}
	if (h != NULL)
		sc.libbfio_handle_free(&h, &be);
	if (be != NULL)
		sc.libbfio_error_free(&be);
	pf_free(&pf);
	return done;
}

/*
 * Versions 30 and 31 read from decompressed data d (n bytes), for what
 * libscca refuses (31).  Offsets in warnings are in the decompressed data.
 */
#define HDR_SIZE	84
#define FI_V30_SIZE	224		/* file information, variant 1 */
#define METRIC_SIZE	32
#define VOL_V30_SIZE	96

static int
in_range(size_t n, uint64_t off, uint64_t len)
{
	return off <= n && len <= n - off;
}

static int
read_v30(tri_parse_ctx *ctx, const tr_artifact *a, const uint8_t *d,
    size_t n)
{
	struct pf pf;
	uint32_t moff, mcount, noff, nsize, voff, vcount, vsize, so, sl;
	uint32_t po, pl;
	const uint8_t *m, *v;
	uint64_t ref;
	size_t i, used, pos, nn = 0, nbad = 0, first_bad = 0;
	char *s;
	int rc;

	if (n < HDR_SIZE + FI_V30_SIZE) {
		tri_parse_warn(ctx, 8, "decompressed data too short for a "
		    "version %u header (%zu bytes)", tri_le32(d), n);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	moff = tri_le32(d + 84);
	mcount = tri_le32(d + 88);
	noff = tri_le32(d + 100);
	nsize = tri_le32(d + 104);
	voff = tri_le32(d + 108);
	vcount = tri_le32(d + 112);
	vsize = tri_le32(d + 116);
	if (!in_range(n, moff, (uint64_t)mcount * METRIC_SIZE)) {
		tri_parse_warn(ctx, 8, "decompressed offset 84: file metrics "
		    "array (%u entries at %u) outside the data", mcount, moff);
		tri_parse_lost(ctx);
		mcount = 0;
	}
	if (!in_range(n, noff, nsize)) {
		tri_parse_warn(ctx, 8, "decompressed offset 100: filename "
		    "strings (%u bytes at %u) outside the data", nsize, noff);
		tri_parse_lost(ctx);
		nsize = 0;
	}
	if (!in_range(n, voff, vsize) ||
	    (uint64_t)vcount * VOL_V30_SIZE > vsize) {
		tri_parse_warn(ctx, 8, "decompressed offset 108: volumes "
		    "information (%u volumes, %u bytes at %u) outside the data",
		    vcount, vsize, voff);
		tri_parse_lost(ctx);
		vcount = 0;
	}
	for (pos = 0; pos + 1 < nsize; pos += 2)
		if (tri_le16(d + noff + pos) == 0)
			nn++;
	if ((rc = pf_init(&pf, vcount, nn + 1)) != TR_OK)
		goto out;
	pf.version = (int)tri_le32(d);
	if ((pf.exe = tri_utf16le(d + 16, 30, NULL)) == NULL) {
		rc = TR_ENOMEM;
		goto out;
	}
	pf.hash = tri_le32(d + 76);
	for (i = 0; i < PF_RUNS; i++)
		pf.runs[i] = tri_le64(d + 128 + 8 * i);
	/* variant 2 (1903 and later, and 31) has a shorter file information */
	pf.run_count = tri_le32(d + (moff == 0x128 ? 200 : 208));
	for (pos = 0; pos + 1 < nsize && pf.nnames < nn + 1; pos += 2 * used) {
		if ((s = tri_utf16le(d + noff + pos, (nsize - pos) / 2,
		    &used)) == NULL) {
			rc = TR_ENOMEM;
			goto out;
		}
		pf.names[pf.nnames++] = s;
		if (used == 0)
			break;
	}
	for (i = 0; i < vcount; i++) {
		v = d + voff + i * VOL_V30_SIZE;
		po = tri_le32(v);
		pl = tri_le32(v + 4);
		if (!in_range(vsize, po, (uint64_t)pl * 2)) {
			tri_parse_warn(ctx, 8, "decompressed offset %zu: volume "
			    "%zu device path outside the volumes information",
			    (size_t)(v - d), i);
			tri_parse_lost(ctx);
			s = NULL;
		} else if ((s = tri_utf16le(d + voff + po, pl, NULL)) ==
		    NULL) {
			rc = TR_ENOMEM;
			goto out;
		}
		pf.vpath[pf.nvols] = s;
		pf.vctime[pf.nvols] = tri_le64(v + 8);
		pf.vserial[pf.nvols] = tri_le32(v + 16);
		rc = tr_rec_append_str(pf.devices, s != NULL ? s : "");
		rc |= tri_rec_append_uint(pf.serials, pf.vserial[pf.nvols]);
		pf.nvols++;
		if (rc != TR_OK)
			goto out;
	}
	for (i = 0; i < mcount; i++) {
		m = d + moff + i * METRIC_SIZE;
		so = tri_le32(m + 12);
		sl = tri_le32(m + 16);
		ref = tri_le64(m + 24);
		if (!in_range(nsize, so, (uint64_t)sl * 2)) {
			if (nbad++ == 0)
				first_bad = (size_t)(m - d);
			continue;
		}
		if ((s = tri_utf16le(d + noff + so, sl, NULL)) == NULL) {
			rc = TR_ENOMEM;
			goto out;
		}
		rc = add_mapped(&pf, s, ref);
		free(s);
		if (rc != TR_OK)
			goto out;
	}
	if (nbad > 0) {
		tri_parse_warn(ctx, 8, "decompressed offset %zu: %zu file "
		    "metrics entries with a filename outside the filename "
		    "strings, left out", first_bad, nbad);
		tri_parse_lost(ctx);
	}
	if ((rc = add_hints(&pf)) == TR_OK)
		rc = emit_events(ctx, a, &pf);
out:
	pf_free(&pf);
	return rc;
}

/* Whole MAM\x04 container decompressed (malloc'd), or NULL (warned). */
static uint8_t *
decompress(tri_parse_ctx *ctx, const tr_artifact *a, size_t *outlen)
{
	libfwnt_error_t *e = NULL;
	uint8_t *out;
	size_t want, got;
	char why[512];

	if (a->size < 8) {
		tri_parse_warn(ctx, 0, "MAM header truncated");
		return NULL;
	}
	want = tri_le32(a->data + 4);
	if (want < 8 || want > PF_MAX) {
		tri_parse_warn(ctx, 4, "MAM uncompressed size %zu out of "
		    "range", want);
		return NULL;
	}
	pthread_once(&fw_once, fw_load);
	if (!fw.lib.ok) {
		tri_parse_warn(ctx, UINT64_MAX, "%s", fw.lib.why);
		return NULL;
	}
	if ((out = malloc(want)) == NULL)
		return NULL;
	got = want;
	if (fw.libfwnt_lzxpress_huffman_decompress(a->data + 8, a->size - 8,
	    out, &got, &e) != 1) {
		why[0] = '\0';
		if (e != NULL) {
			fw.libfwnt_error_sprint(e, why, sizeof(why));
			fw.libfwnt_error_free(&e);
		}
		tri_parse_warn(ctx, 8, "LZXPRESS Huffman data cannot be "
		    "decompressed: %s", why);
		free(out);
		return NULL;
	}
	if (got != want) {
		/* a cut file: what was decompressed is still read */
		tri_parse_warn(ctx, a->size, "compressed data ends early: "
		    "%zu of %zu bytes decompressed", got, want);
		tri_parse_lost(ctx);
	}
	*outlen = got;
	return out;
}

static int
pf_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	size_t nl;

	(void)size;
	if (len >= 8 && memcmp(head + 4, "SCCA", 4) == 0)
		return 100;
	if (len >= 8 && memcmp(head, "MAM\x04", 4) == 0)
		return 100;
	/* a damaged or foreign file named .pf: take it, to say so */
	if (name != NULL && (nl = strlen(name)) > 3 &&
	    strcasecmp(name + nl - 3, ".pf") == 0)
		return 5;
	return 0;
}

/*
 * libscca appends every filename string to a list with a linear search:
 * damaged data whose filename strings section is one long run of empty
 * strings keeps it busy for minutes.  Refuse such data: a real file has
 * about one string per file metrics entry.
 */
static int
sane(tri_parse_ctx *ctx, const uint8_t *d, size_t n)
{
	uint32_t mcount, noff, nsize;
	size_t pos, nuls = 0;

	if (n < 120)
		return 1;		/* libscca says what is short */
	mcount = tri_le32(d + 88);
	noff = tri_le32(d + 100);
	nsize = tri_le32(d + 104);
	if (noff >= n)
		return 1;
	if (nsize > n - noff)
		nsize = (uint32_t)(n - noff);
	for (pos = 0; pos + 1 < nsize; pos += 2)
		if (d[noff + pos] == 0 && d[noff + pos + 1] == 0)
			nuls++;
	if (nuls > 4 * (size_t)mcount + 256) {
		tri_parse_warn(ctx, 100, "filename strings at %u hold %zu "
		    "strings for %u file metrics entries: damaged, not read",
		    noff, nuls, mcount);
		return 0;
	}
	return 1;
}

static int
pf_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	const uint8_t *data = a->data;
	size_t size = a->size;
	uint8_t *d = NULL;
	char why[1024];
	int rc = TR_OK;

	if (a->size < 8 || (memcmp(a->data + 4, "SCCA", 4) != 0 &&
	    memcmp(a->data, "MAM\x04", 4) != 0)) {
		tri_parse_warn(ctx, 0, "not a Prefetch file (no SCCA or "
		    "MAM\\x04 signature)");
		tri_parse_lost(ctx);
		return TR_OK;
	}
	pthread_once(&sc_once, sc_load);
	if (!sc.lib.ok) {
		tri_parse_warn(ctx, UINT64_MAX, "%s", sc.lib.why);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	/* Decompressed here once, for libscca and for version 31. */
	if (memcmp(a->data, "MAM\x04", 4) == 0) {
		if ((d = decompress(ctx, a, &size)) == NULL) {
			tri_parse_lost(ctx);
			return TR_OK;
		}
		data = d;
		if (size < 8 || memcmp(d + 4, "SCCA", 4) != 0) {
			tri_parse_warn(ctx, 8, "decompressed data has no SCCA "
			    "signature");
			tri_parse_lost(ctx);
			goto out;
		}
	}
	if (!sane(ctx, data, size)) {
		tri_parse_lost(ctx);
		goto out;
	}
	if (tri_le32(data) != 31 &&
	    read_libscca(ctx, a, data, size, &rc, why, sizeof(why)))
		goto out;
	if (d != NULL && (tri_le32(d) == 31 || tri_le32(d) == 30)) {
		/* 31: libscca refuses it; 30: libscca failed, try here */
		rc = read_v30(ctx, a, d, size);
		goto out;
	}
	tri_parse_warn(ctx, 0, "libscca: %s", why);
	tri_parse_lost(ctx);
out:
	free(d);
	return rc;
}

static const char *const pf_types[] = { "windows:prefetch:execution",
    "windows:volume:creation", NULL };
static const char *const pf_artifacts[] = { "WindowsPrefetchFiles",
    "TriageWindowsPrefetch", NULL };

const tri_parser tri_parser_prefetch = {
	"prefetch",
	"Windows Prefetch files (libscca; version 31 decompressed through "
	"libfwnt and read here)",
	pf_types,
	pf_artifacts,
	pf_match,
	pf_parse,
};
