/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of tr_acquire() and tr_verify() on the committed fixtures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/hash.h"
#include "triage/acquire.h"

#define MBR_MD5 "a2da1c6d0b4f261de10ed788c110f5f2"
#define MBR_SHA1 "636dc029168a3bad49ad0a04206a90391f873ccd"
#define MBR_SIZE 3833856

static char data[512], mbr[600], tmp[256];

static void
md5_of_file(const char *path, char hex[TR_HASH_HEX_MAX])
{
	unsigned char buf[65536];
	tr_hash *h;
	FILE *fp;
	size_t n;

	CHECK((fp = fopen(path, "rb")) != NULL);
	CHECK_STATUS(tr_hash_new(&h, TR_HASH_MD5, NULL), TR_OK);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		tr_hash_update(h, buf, n);
	fclose(fp);
	tr_hash_final(h, hex, NULL, NULL);
	tr_hash_free(h);
}

static void
out_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmp, name);
}

static void
test_acquire_raw_copy(void)
{
	tr_acquire_opts o;
	tr_rec *r = NULL, *outs;
	tr_error err;
	char out[300], hex[TR_HASH_HEX_MAX];
	int64_t v;

	tr_acquire_opts_init(&o);
	out_path(out, sizeof(out), "raw1");
	o.source = mbr;
	o.output = out;
	o.format = TR_ACQ_RAW;
	o.hashes = TR_HASH_MD5 | TR_HASH_SHA1;
	o.hash_window = 1024 * 1024;
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_OK);
	CHECK_STR(tr_rec_kind(r), "acquisition");
	CHECK_STR(tr_rec_get_str(r, "status"), "complete");
	CHECK_STR(tr_rec_get_str(r, "md5"), MBR_MD5);
	CHECK_STR(tr_rec_get_str(r, "sha1"), MBR_SHA1);
	CHECK(tr_rec_get_int(r, "bytes", &v) && v == MBR_SIZE);
	/* 3.66 MiB in 1 MiB windows: 4, the last one short. */
	CHECK(tr_rec_array_size(tr_rec_get_rec(r, "hash_windows")) == 4);
	CHECK(tr_rec_get_int(tr_rec_array_get(tr_rec_get_rec(r,
	    "hash_windows"), 3), "length", &v) && v == MBR_SIZE - 3 * 1048576);
	outs = tr_rec_get_rec(r, "outputs");
	CHECK(tr_rec_array_size(outs) == 1);
	CHECK_STR(tr_rec_get_str(tr_rec_array_get(outs, 0), "path"), out);
	md5_of_file(out, hex);
	CHECK_STR(hex, MBR_MD5);
	tr_rec_free(r);

	/* The same output again is refused. */
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_EINVAL);
	CHECK(r == NULL);
	CHECK_CONTAINS(err.msg, "exists");
	/* A finished acquisition cannot be resumed. */
	o.resume = 1;
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "complete");
}

static void
test_acquire_e01_and_verify(void)
{
	tr_acquire_opts o;
	tr_verify_opts vo;
	tr_rec *r = NULL;
	tr_error err;
	char out[300], e01[300];
	int match = -1;

	tr_acquire_opts_init(&o);
	out_path(out, sizeof(out), "ewf1");
	o.source = mbr;
	o.output = out;
	o.hashes = TR_HASH_ALL;
	o.case_number = "c-1";
	o.threads = 2;
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_OK);
	CHECK_STR(tr_rec_get_str(r, "md5"), MBR_MD5);
	CHECK_STR(tr_rec_get_str(r, "case_number"), "c-1");
	CHECK_STR(tr_rec_get_str(r, "format"), "e01");
	tr_rec_free(r);

	out_path(e01, sizeof(e01), "ewf1.E01");
	tr_verify_opts_init(&vo);
	vo.image = e01;
	CHECK_STATUS(tr_verify(&vo, &match, &r, &err), TR_OK);
	CHECK(match == 1);
	CHECK_STR(tr_rec_get_str(r, "expected_from"), "image");
	CHECK(tr_rec_get_bool(r, "match") == 1);
	tr_rec_free(r);

	/* A wrong expected hash is a mismatch, not an error. */
	vo.md5 = "00000000000000000000000000000000";
	CHECK_STATUS(tr_verify(&vo, &match, &r, &err), TR_OK);
	CHECK(match == 0);
	CHECK_STR(tr_rec_get_str(r, "expected_from"), "options");
	tr_rec_free(r);

	vo.md5 = "xyz";
	CHECK_STATUS(tr_verify(&vo, &match, &r, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "invalid md5 'xyz'");
	CHECK(r == NULL);

	/* E01 cannot be resumed with libewf 20140813. */
	o.resume = 1;
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_EUNSUPPORTED);
	CHECK_CONTAINS(err.msg, "only raw");
}

static void
test_acquire_refusals(void)
{
	tr_acquire_opts o;
	tr_rec *r = NULL;
	tr_error err;
	char out[300];

	tr_acquire_opts_init(&o);
	out_path(out, sizeof(out), "x");
	o.output = out;
	o.source = "/nonexistent/disk.img";
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "'/nonexistent/disk.img'");

	o.source = data;
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "directory");

	o.source = mbr;
	o.format = TR_ACQ_RAW;
	o.output = mbr;
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "source itself");

	o.output = "/nonexistent/dir/out";
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "'/nonexistent/dir'");

	o.output = out;
	o.format = TR_ACQ_E01;
	o.media_type = "floppy";
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "media type 'floppy'");
	CHECK(r == NULL);
}

static void
test_acquire_stop(void)
{
	static const volatile int stop = 1;
	tr_acquire_opts o;
	tr_rec *r = NULL;
	tr_error err;
	char out[300];
	int64_t v;

	tr_acquire_opts_init(&o);
	out_path(out, sizeof(out), "stopped");
	o.source = mbr;
	o.output = out;
	o.format = TR_ACQ_RAW;
	o.stop = &stop;
	CHECK_STATUS(tr_acquire(&o, &r, &err), TR_EINTR);
	CHECK(r != NULL);
	CHECK_STR(tr_rec_get_str(r, "status"), "interrupted");
	CHECK(tr_rec_get_int(r, "bytes", &v) && v == 0);
	CHECK(!tr_rec_has(r, "md5"));
	tr_rec_free(r);
}

static void
test_verify_errors(void)
{
	tr_verify_opts vo;
	tr_rec *r = NULL;
	tr_error err;
	int match = -1;

	tr_verify_opts_init(&vo);
	vo.image = "/nonexistent.E01";
	CHECK_STATUS(tr_verify(&vo, &match, &r, &err), TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "'/nonexistent.E01'");

	/* A raw image stores nothing: the record has the computed hashes. */
	vo.image = mbr;
	CHECK_STATUS(tr_verify(&vo, &match, &r, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "stores no hash");
	CHECK(r != NULL && match == 0);
	CHECK_STR(tr_rec_get_str(tr_rec_get_rec(r, "computed"), "md5"),
	    MBR_MD5);
	tr_rec_free(r);

	vo.record = mbr;	/* not JSON */
	CHECK(tr_verify(&vo, &match, &r, &err) == TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "mbr.img");
}

int
main(void)
{
	tr_error err;
	char cmd[300];

	test_data_dir(data, sizeof(data));
	snprintf(mbr, sizeof(mbr), "%s/mbr.img", data);
	if (access(mbr, R_OK) != 0)
		SKIP("no tests/data/mbr.img");
	snprintf(tmp, sizeof(tmp), "%s/triage-acq.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(tmp) != NULL);
	CHECK_STATUS(tr_library_init(&err), TR_OK);
	test_acquire_raw_copy();
	test_acquire_e01_and_verify();
	test_acquire_refusals();
	test_acquire_stop();
	test_verify_errors();
	tr_library_fini();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	CHECK(system(cmd) == 0);
	return 0;
}
