/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the walk: entries, the JSON fast path, bodyfile lines, reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage/triage.h"
#include "check.h"

struct cmp {
	tr_fs	*fs;
	char	*buf;
	size_t	cap;
	unsigned n, streams, bad_utf8;
};

/* tr_entry_json() must equal the jansson dump of tr_entry_record(). */
static int
cmp_entry(void *arg, const tr_entry *e)
{
	struct cmp *c = arg;
	tr_hashes h = { "d41d8cd98f00b204e9800998ecf8427e", NULL,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" };
	tr_rec *r;
	char *want;
	size_t len = 0;

	r = tr_entry_record(c->fs, e, e->type == TR_FT_FILE ? &h : NULL);
	CHECK(r != NULL);
	if (e->deleted)
		CHECK_STATUS(tr_rec_set_bool(r, "recovered", 1), TR_OK);
	CHECK((want = tr_rec_dump(r)) != NULL);
	CHECK_STATUS(tr_entry_json(c->fs, e, e->type == TR_FT_FILE ? &h :
	    NULL, e->deleted ? 1 : -1, &c->buf, &c->cap, &len), TR_OK);
	CHECK(len == strlen(want) + 1 && c->buf[len - 1] == '\n');
	if (memcmp(c->buf, want, len - 1) != 0) {
		fprintf(stderr, "got  %.*s\nwant %s\n", (int)len, c->buf, want);
		exit(1);
	}
	c->n++;
	c->streams += e->stream != NULL;
	c->bad_utf8 += strstr(want, "\"path_hex\"") != NULL;
	free(want);
	tr_rec_free(r);
	return TR_WALK_CONTINUE;
}

static int
cmp_fs(void *arg, tr_fs *fs)
{
	struct cmp *c = arg;
	tr_error err;
	uint64_t warnings = 99;

	c->fs = fs;
	CHECK_STATUS(tr_fs_walk(fs, NULL, cmp_entry, c, &warnings, &err),
	    TR_OK);
	CHECK(warnings == 0);
	return TR_OK;
}

static void
test_walk_json_equals_record(void)
{
	static const char *imgs[] = { "ext4.img", "hostile.img", "fat32.img",
	    "mbr.img", "sample.img" };
	char dir[512], path[600];
	struct cmp c;
	tr_source *src;
	tr_error err;
	unsigned failed = 0, total = 0, bad = 0;
	size_t i;

	memset(&c, 0, sizeof(c));
	test_data_dir(dir, sizeof(dir));
	for (i = 0; i < sizeof(imgs) / sizeof(imgs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, imgs[i]);
		CHECK_STATUS(tr_source_open(&src, path, NULL, 0, &err), TR_OK);
		c.n = 0;
		CHECK_STATUS(tr_source_each_fs(src, TR_VOLUME_ALL, NULL, NULL,
		    cmp_fs, &c, &failed, &err), TR_OK);
		CHECK(failed == 0 && c.n >= 10);
		total += c.n;
		tr_source_close(src);
	}
	bad = c.bad_utf8;
	CHECK(total >= 150);
	CHECK(bad == 1);	/* ext4.img inode 20 (0x7f is valid UTF-8) */
	free(c.buf);
}

static void
test_walk_bodyfile_mode(void)
{
	char m[16];

	CHECK_STR(tr_bodyfile_mode(m, TR_FT_FILE, TR_FT_FILE, 0644, 1),
	    "r/rrw-r--r--");
	CHECK_STR(tr_bodyfile_mode(m, TR_FT_DIR, TR_FT_DIR, 01777, 1),
	    "d/drwxrwxrwt");
	CHECK_STR(tr_bodyfile_mode(m, TR_FT_FILE, TR_FT_FILE, 06644, 1),
	    "r/rrwSr-Sr--");
	CHECK_STR(tr_bodyfile_mode(m, TR_FT_FILE, TR_FT_FILE, 04755, 1),
	    "r/rrwsr-xr-x");
	CHECK_STR(tr_bodyfile_mode(m, TR_FT_LINK, TR_FT_LINK, 0777, 1),
	    "l/lrwxrwxrwx");
	CHECK_STR(tr_bodyfile_mode(m, TR_FT_VDIR, TR_FT_VDIR, 0, 1),
	    "V/V---------");
	CHECK_STR(tr_bodyfile_mode(m, TR_FT_FILE, TR_FT_FILE, 0644, 0),
	    "r/----------");
}

static void
test_walk_bodyfile_line(void)
{
	tr_entry e;
	char *buf = NULL;
	size_t cap = 0, len = 0;

	memset(&e, 0, sizeof(e));
	e.path = "/a\x01|b";
	e.name = "a\x01|b";
	e.inode = "43-128-1";
	e.stream = "ads\x02";
	e.type = e.name_type = TR_FT_FILE;
	e.has_meta = 1;
	e.deleted = 1;
	e.realloc = 1;
	e.mode = 0600;
	e.uid = 1;
	e.gid = 2;
	e.size = 3;
	e.mtime = (tr_time){ 1680674828, 5, 7 };
	e.atime = e.ctime = e.btime = TR_TIME_UNSET;
	e.fn_attr = "43-48-2";
	e.fn_size = 82;
	e.fn_mtime = e.fn_atime = e.fn_ctime = e.fn_btime =
	    (tr_time){ 4294967296 + 7, 0, 7 };
	CHECK_STATUS(tr_entry_bodyfile(&e, NULL, &buf, &cap, &len), TR_OK);
	CHECK(len == strlen(buf));
	CHECK_STR(buf,
	    "0|/a^|b ($FILE_NAME) (deleted-realloc)|43-48-2|r/rrw-------|1|2|"
	    "82|7|7|7|7\n"
	    "0|/a^|b:ads^ (deleted-realloc)|43-128-1|r/rrw-------|1|2|3|0|"
	    "1680674828|0|0\n");
	len = 0;
	memset(&e, 0, sizeof(e));
	e.path = "/l";
	e.inode = "5";
	e.type = e.name_type = TR_FT_LINK;
	e.link_target = "t";
	CHECK_STATUS(tr_entry_bodyfile(&e, "0123456789abcdef0123456789abcdef",
	    &buf, &cap, &len), TR_OK);
	CHECK_STR(buf, "0123456789abcdef0123456789abcdef|/l -> t|5|"
	    "l/----------|0|0|0|0|0|0|0\n");
	free(buf);
}

struct readc {
	tr_fs	*fs;
	int	found;
};

static int
read_eicar(void *arg, const tr_entry *e)
{
	struct readc *c = arg;
	char buf[128];
	tr_error err;
	int64_t n;

	if (strcmp(e->inode, "19") != 0)
		return TR_WALK_CONTINUE;
	n = tr_entry_read(c->fs, e, 0, buf, sizeof(buf), &err);
	CHECK(n == 68);
	CHECK(memcmp(buf, "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR", 33) == 0);
	CHECK(tr_entry_read(c->fs, e, 68, buf, sizeof(buf), &err) == 0);
	CHECK(tr_entry_read(c->fs, e, 60, buf, sizeof(buf), &err) == 8);
	c->found = 1;
	return TR_WALK_STOP;
}

static void
test_walk_entry_read_and_errors(void)
{
	char dir[512], path[600];
	tr_source *src;
	tr_layout *l;
	tr_fs *fs;
	tr_walk_opts opts;
	struct readc c = { NULL, 0 };
	static const char *bad[] = { "99999999999999999999", "-14", " 14",
	    "+14", "14junk", "14-", "14-128", "14-128-3junk", "14-128-65539",
	    "14-4294967296-3", "14--128-3", "" };
	tr_file *f;
	tr_error err;
	size_t i;

	test_data_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/ext4.img", dir);
	CHECK_STATUS(tr_source_open(&src, path, NULL, 0, &err), TR_OK);
	CHECK_STATUS(tr_source_layout(src, &l, NULL, NULL, &err), TR_OK);
	CHECK_STATUS(tr_fs_open(&fs, src, &l->fs[0], &err), TR_OK);
	c.fs = fs;
	CHECK_STATUS(tr_fs_walk(fs, NULL, read_eicar, &c, NULL, &err),
	    TR_EINTR);
	CHECK(c.found);
	memset(&opts, 0, sizeof(opts));
	opts.max_depth = -1;
	opts.start = "/no/such/folder";
	CHECK_STATUS(tr_fs_walk(fs, &opts, read_eicar, &c, NULL, &err),
	    TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "no folder '/no/such/folder' in '");
	opts.start = "/home/";
	CHECK_STATUS(tr_fs_walk(fs, &opts, read_eicar, &c, NULL, &err),
	    TR_EINVAL);
	CHECK_CONTAINS(err.msg, "ends with '/'");
	/* Inode strings from records: strict, never wrapped or cut. */
	CHECK_STATUS(tr_file_open(&f, fs, "14", NULL, &err), TR_OK);
	tr_file_close(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_STATUS(tr_file_open(&f, fs, bad[i], NULL, &err),
		    TR_EINVAL);
		CHECK(f == NULL);
		CHECK_CONTAINS(err.msg, "invalid inode");
	}
	tr_fs_close(fs);
	tr_layout_free(l);
	tr_source_close(src);
}

int
main(void)
{
	tr_error err;

	CHECK_STATUS(tr_library_init(&err), TR_OK);
	test_walk_bodyfile_mode();
	test_walk_bodyfile_line();
	test_walk_json_equals_record();
	test_walk_entry_read_and_errors();
	tr_library_fini();
	return 0;
}
