/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <stdio.h>

#include "check.h"
#include "triage/triage.h"

static char dir[1024];

static const char *
data(const char *name)
{
	static char buf[1200];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static void
test_source_errors(void)
{
	tr_source *src;
	tr_error err;

	CHECK_STATUS(tr_source_open(&src, "/nonexistent.img", NULL, 0, &err),
	    TR_ENOTFOUND);
	CHECK(src == NULL);
	CHECK_CONTAINS(err.msg, "'/nonexistent.img'");
	CHECK_STATUS(tr_source_open(&src, data("empty.bin"), NULL, 0, &err),
	    TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "empty");
	CHECK_STATUS(tr_source_open(&src, data("ext4.img"), "qcow", 0, &err),
	    TR_EINVAL);
	CHECK_STATUS(tr_source_open(&src, data("ext4.img"), NULL, 1000, &err),
	    TR_EINVAL);
	CHECK_STATUS(tr_source_open(&src, data("truncated.E01"), NULL, 0,
	    &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "truncated.E01");
}

static void
test_source_layout_mbr(void)
{
	tr_source *src;
	tr_layout *l;
	tr_error err;
	size_t i;
	int alloc = 0;

	CHECK_STATUS(tr_source_open(&src, data("mbr.img"), NULL, 0, &err),
	    TR_OK);
	CHECK_STR(tr_source_format(src), "raw");
	CHECK(tr_source_sector_size(src) == 512);
	CHECK_STATUS(tr_source_layout(src, &l, NULL, NULL, &err), TR_OK);
	CHECK_STR(l->scheme, "mbr");
	for (i = 0; i < l->nvolumes; i++)
		alloc += l->volumes[i].allocated;
	CHECK(alloc == 3);
	CHECK(l->nfs == 3);
	CHECK(tr_layout_find(l, -1) == NULL);
	tr_layout_free(l);
	tr_source_close(src);
}

static void
test_source_ewf_meta(void)
{
	const tr_image_meta *m;
	tr_source *src, *raw;
	tr_error err;
	char a[4096], b[4096];

	CHECK_STATUS(tr_source_open(&src, data("mbr.E01"), NULL, 0, &err),
	    TR_OK);
	CHECK_STR(tr_source_format(src), "ewf");
	m = tr_source_meta(src);
	CHECK(m->case_number != NULL && m->md5 != NULL);
	CHECK_STATUS(tr_source_open(&raw, data("mbr.img"), NULL, 0, &err),
	    TR_OK);
	CHECK(tr_source_size(src) == tr_source_size(raw));
	CHECK(tr_source_read(src, 1048576, a, sizeof(a), &err) ==
	    (int64_t)sizeof(a));
	CHECK(tr_source_read(raw, 1048576, b, sizeof(b), &err) ==
	    (int64_t)sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK(tr_source_read(raw, tr_source_size(raw), b, sizeof(b), &err)
	    == 0);
	tr_source_close(raw);
	tr_source_close(src);
}

int
main(void)
{
	FILE *fp;

	test_data_dir(dir, sizeof(dir));
	if ((fp = fopen(data("mbr.img"), "r")) == NULL)
		SKIP("fixtures not built (tests/data/mkfixtures.sh)");
	fclose(fp);
	test_source_errors();
	test_source_layout_mbr();
	test_source_ewf_meta();
	return 0;
}
