/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: the extraction run (extractrun.c) on the committed fixtures. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/extract.h"

static char tmp[256], data[512];

/* What a run handed to its callbacks. */
typedef struct seen {
	char		errors[8192], warnings[8192];
	char		outputs[4096];	/* "output\n" per record */
	size_t		nrec, nerr, nwarn;
	int		fail_write;
} seen;

static void
append(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, cap - n, "%s\n", s);
}

static void
error_cb(void *arg, const char *msg)
{
	seen *s = arg;

	s->nerr++;
	append(s->errors, sizeof(s->errors), msg);
}

static void
warn_cb(void *arg, const char *msg)
{
	seen *s = arg;

	s->nwarn++;
	append(s->warnings, sizeof(s->warnings), msg);
}

static int
out_cb(void *arg, const tr_rec *rec, tr_error *err)
{
	seen *s = arg;

	if (s->fail_write) {
		snprintf(err->msg, sizeof(err->msg), "cannot write record: "
		    "test");
		err->code = TR_EIO;
		return TR_EIO;
	}
	CHECK_STR(tr_rec_kind(rec), "extracted");
	CHECK(tr_rec_get_str(rec, "output") != NULL);
	append(s->outputs, sizeof(s->outputs), tr_rec_get_str(rec, "output"));
	s->nrec++;
	return TR_OK;
}

static void
opts_init(tr_extract_opts *o, seen *s, const char *outdir)
{
	memset(s, 0, sizeof(*s));
	memset(o, 0, sizeof(*o));
	o->output = outdir;
	o->volume = TR_VOLUME_ALL;
	o->out = out_cb;
	o->out_arg = s;
	o->error = error_cb;
	o->error_arg = s;
	o->warn = warn_cb;
	o->warn_arg = s;
}

static const char *
fixture(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", data, name);
	if (access(buf, R_OK) != 0)
		SKIP(name);
	return buf;
}

/* The outputs of the manifest, one a line, as out_cb collects them. */
static void
manifest_outputs(const char *outdir, char *buf, size_t cap, size_t *n)
{
	char path[600];
	tr_jsonl_reader *rd;
	tr_rec *r;
	tr_error err;
	int rc;

	buf[0] = '\0';
	*n = 0;
	snprintf(path, sizeof(path), "%s/manifest.jsonl", outdir);
	CHECK_STATUS(tr_jsonl_reader_open(&rd, path, &err), TR_OK);
	while ((rc = tr_jsonl_read(rd, &r, &err)) == 1) {
		append(buf, cap, tr_rec_get_str(r, "output"));
		(*n)++;
		tr_rec_free(r);
	}
	CHECK(rc == 0);
	tr_jsonl_reader_close(rd);
}

static void
test_extractrun_globs_inodes(void)
{
	char img[600], out[300], file[400], man[4096];
	const char *src[1], *globs[] = { "/etc/*" }, *inodes[] = { "22" };
	tr_extract_opts o;
	tr_extract_stats st;
	tr_error err;
	seen s;
	size_t n;

	src[0] = fixture(img, sizeof(img), "ext4.img");
	snprintf(out, sizeof(out), "%s/globs", tmp);
	opts_init(&o, &s, out);
	o.globs = globs;
	o.nglobs = 1;
	o.inodes = inodes;
	o.ninodes = 1;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_OK);
	CHECK(st.errors == 0 && s.nerr == 0);
	CHECK(st.written == s.nrec && st.selected == s.nrec);
	CHECK_CONTAINS(s.outputs, "etc/passwd\n");
	CHECK_CONTAINS(s.outputs, "home/alice/docs/report.txt\n");
	CHECK(strstr(s.outputs, "vol") == NULL);	/* one filesystem */
	/* The records out got are the manifest, in the same order. */
	manifest_outputs(out, man, sizeof(man), &n);
	CHECK(n == s.nrec);
	CHECK_STR(man, s.outputs);
	snprintf(file, sizeof(file), "%s/etc/passwd", out);
	CHECK(access(file, R_OK) == 0);

	/* Nothing selected is not an error: no record, a manifest. */
	globs[0] = "/no/such/*";
	snprintf(out, sizeof(out), "%s/none", tmp);
	opts_init(&o, &s, out);
	o.globs = globs;
	o.nglobs = 1;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_OK);
	CHECK(st.written == 0 && st.selected == 0 && st.errors == 0);
	manifest_outputs(out, man, sizeof(man), &n);
	CHECK(n == 0);
}

static void
test_extractrun_deleted_volumes(void)
{
	char img[600], mbr[600], out[300];
	const char *src[2], *globs[] = { "/home/alice/docs/*", "/etc/motd" };
	tr_extract_opts o;
	tr_extract_stats st;
	tr_error err;
	seen s;

	src[0] = fixture(img, sizeof(img), "ext4.img");
	snprintf(out, sizeof(out), "%s/nodel", tmp);
	opts_init(&o, &s, out);
	o.globs = globs;
	o.nglobs = 1;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_OK);
	CHECK(st.written > 0 && st.errors == 0);
	CHECK(strstr(s.outputs, "~deleted-") == NULL);

	snprintf(out, sizeof(out), "%s/del", tmp);
	opts_init(&o, &s, out);
	o.globs = globs;
	o.nglobs = 1;
	o.flags = TR_EXTRACT_DELETED;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_OK);
	CHECK(st.errors == 0);
	CHECK_CONTAINS(s.outputs,
	    "home/alice/docs/deleted-secret.txt~deleted-33\n");

	/* Several filesystems: each copy under volN/; one volume only. */
	src[1] = fixture(mbr, sizeof(mbr), "mbr.img");
	snprintf(out, sizeof(out), "%s/vols", tmp);
	opts_init(&o, &s, out);
	o.globs = globs + 1;
	o.nglobs = 1;
	CHECK_STATUS(tr_extract_run(src, 2, &o, &st, &err), TR_OK);
	CHECK(st.errors == 0 && st.written == 1);
	CHECK_STR(s.outputs, "vol2/etc/motd\n");
	snprintf(out, sizeof(out), "%s/vol7", tmp);
	opts_init(&o, &s, out);
	o.globs = globs + 1;
	o.nglobs = 1;
	o.volume = 7;
	CHECK_STATUS(tr_extract_run(src + 1, 1, &o, &st, &err), TR_OK);
	CHECK(st.errors == 0 && st.written == 0);
}

static void
test_extractrun_artifacts(void)
{
	char img[600], out[300], bad[300];
	const char *src[1], *names[] = { "linux-triage" }, *extra[1];
	tr_artifacts *defs = NULL;
	tr_extract_opts o;
	tr_extract_stats st;
	tr_error err;
	seen s;
	FILE *fp;

	src[0] = fixture(img, sizeof(img), "sample.img");
	CHECK_STATUS(tr_extract_load_definitions(&defs,
	    TRIAGE_SRCDIR "/rules/artifacts", NULL, 0, NULL, NULL, &err),
	    TR_OK);
	CHECK(tr_artifacts_has(defs, "linux-triage"));
	snprintf(out, sizeof(out), "%s/linux", tmp);
	opts_init(&o, &s, out);
	o.defs = defs;
	o.artifacts = names;
	o.nartifacts = 1;
	o.volume = 2;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_OK);
	CHECK(st.errors == 0);
	CHECK(st.written == 19);	/* as triage-extract.bats lists them */
	CHECK_CONTAINS(s.outputs, "vol2/srv/carol/.zsh_history\n");
	tr_artifacts_free(defs);

	/* A broken extra file: its error, no set. */
	snprintf(bad, sizeof(bad), "%s/bad.yaml", tmp);
	CHECK((fp = fopen(bad, "w")) != NULL);
	fputs("name: X\nsources: [\n", fp);
	CHECK(fclose(fp) == 0);
	extra[0] = bad;
	defs = (tr_artifacts *)&err;
	CHECK_STATUS(tr_extract_load_definitions(&defs,
	    TRIAGE_SRCDIR "/rules/artifacts", extra, 1, NULL, NULL, &err),
	    TR_EFORMAT);
	CHECK(defs == NULL);
	CHECK_CONTAINS(err.msg, bad);
	CHECK_STATUS(tr_extract_load_definitions(&defs, "/no/such/folder",
	    NULL, 0, NULL, NULL, &err), TR_ENOTFOUND);
	CHECK(defs == NULL);
}

static void
test_extractrun_records(void)
{
	char img[600], out[300], in[4096];
	tr_extract_opts o;
	tr_extract_stats st;
	tr_error err;
	seen s;
	FILE *fp;

	fixture(img, sizeof(img), "ext4.img");
	snprintf(in, sizeof(in),
	    "{\"record\":\"file\",\"source\":\"%s\",\"inode\":\"14\","
	    "\"path\":\"/etc/passwd\"}\n"
	    "{\"record\":\"file\",\"source\":\"%s\",\"inode\":\"14\","
	    "\"path\":\"/etc/passwd\"}\n"
	    "not json\n"
	    "{\"record\":\"extracted\",\"source\":\"%s\",\"inode\":\"22\","
	    "\"path\":\"/x\",\"path_hex\":\"2f686f6d652f616c6963652f646f6373"
	    "2f7265706f72742e747874\"}\n"
	    "{\"record\":\"file\",\"source\":\"%s\",\"inode\":\"22\","
	    "\"path\":\"/x\",\"path_hex\":\"2f7\"}\n"
	    "{\"record\":\"file\",\"source\":\"%s\",\"inode\":\"99\","
	    "\"path\":\"/etc/passwd\"}\n"
	    "{\"record\":\"image\",\"source\":\"%s\"}\n",
	    img, img, img, img, img, img);
	CHECK((fp = fmemopen(in, strlen(in), "r")) != NULL);
	snprintf(out, sizeof(out), "%s/records", tmp);
	opts_init(&o, &s, out);
	o.in = fp;
	CHECK_STATUS(tr_extract_run(NULL, 0, &o, &st, &err), TR_OK);
	fclose(fp);
	/* The repeated record is copied once; the path_hex one by its bytes. */
	CHECK(st.written == 2);
	CHECK_CONTAINS(s.outputs, "etc/passwd\n");
	CHECK_CONTAINS(s.outputs, "home/alice/docs/report.txt\n");
	CHECK(st.errors == 4 && s.nerr == 4);
	CHECK_CONTAINS(s.errors, "'<stdin>' line 3");
	CHECK_CONTAINS(s.errors, "'<stdin>' line 5: bad path_hex");
	CHECK_CONTAINS(s.errors, "'<stdin>' line 7: not a file record");
	CHECK_CONTAINS(s.errors, "no inode 99 with path '/etc/passwd' in "
	    "volume -1 of '");
}

static void
test_extractrun_source_problems(void)
{
	char img[600], rnd[600], out[300];
	const char *src[3], *globs[] = { "/etc/passwd" };
	tr_extract_opts o;
	tr_extract_stats st;
	tr_error err;
	seen s;

	src[0] = "/no/such.img";
	src[1] = fixture(img, sizeof(img), "ext4.img");
	src[2] = fixture(rnd, sizeof(rnd), "random.bin");
	snprintf(out, sizeof(out), "%s/problems", tmp);
	opts_init(&o, &s, out);
	o.globs = globs;
	o.nglobs = 1;
	/* The others go on past a source that cannot be read. */
	CHECK_STATUS(tr_extract_run(src, 3, &o, &st, &err), TR_OK);
	CHECK(st.written == 1);
	CHECK(st.errors == 2);
	CHECK_CONTAINS(s.errors, "'/no/such.img'");
	CHECK_CONTAINS(s.errors, "no filesystem found in '");
	CHECK_CONTAINS(s.warnings, "random.bin': no partition table");
	/* A failed write ends the source and counts. */
	snprintf(out, sizeof(out), "%s/nowrite", tmp);
	opts_init(&o, &s, out);
	o.globs = globs;
	o.nglobs = 1;
	s.fail_write = 1;
	CHECK_STATUS(tr_extract_run(src + 1, 1, &o, &st, &err), TR_OK);
	CHECK(st.written == 0 && st.errors == 1);
	CHECK_CONTAINS(s.errors, "cannot write record: test");
}

static void
test_extractrun_refuses(void)
{
	char img[600], out[300], live[300], path[400];
	const char *src[1], *globs[] = { "**" };
	tr_extract_opts o;
	tr_extract_stats st;
	tr_error err;
	seen s;
	FILE *fp;

	src[0] = fixture(img, sizeof(img), "ext4.img");
	snprintf(out, sizeof(out), "%s/refused", tmp);
	opts_init(&o, &s, out);
	o.globs = globs;
	o.nglobs = 1;
	o.out = NULL;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "no output");
	o.out = out_cb;
	CHECK_STATUS(tr_extract_run(NULL, 0, &o, &st, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "no source given");
	o.nglobs = 0;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "nothing selected");
	o.artifacts = globs;
	o.nartifacts = 1;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "no artifact definitions");
	CHECK(access(out, F_OK) != 0);
	/* Each stopping error also went to the error callback, in full. */
	CHECK(s.nerr == 4);
	CHECK_CONTAINS(s.errors, "no artifact definitions\n");

	/* Output inside a live source folder: nothing created. */
	snprintf(live, sizeof(live), "%s/live", tmp);
	CHECK(mkdir(live, 0755) == 0);
	snprintf(path, sizeof(path), "%s/a.txt", live);
	CHECK((fp = fopen(path, "w")) != NULL);
	fputs("hello\n", fp);
	CHECK(fclose(fp) == 0);
	snprintf(path, sizeof(path), "%s/out", live);
	opts_init(&o, &s, path);
	o.globs = globs;
	o.nglobs = 1;
	src[0] = live;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "is inside the source");
	CHECK_CONTAINS(err.msg, live);
	CHECK(strncmp(s.errors, "output folder '", 15) == 0 && s.nerr == 1);
	CHECK(access(path, F_OK) != 0);

	/* An error of tr_extract_open() is passed on as it is. */
	opts_init(&o, &s, live);
	o.globs = globs;
	o.nglobs = 1;
	src[0] = img;
	CHECK_STATUS(tr_extract_run(src, 1, &o, &st, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "is not empty");
	CHECK(s.nerr == 1 && st.errors == 1 && st.written == 0);
}

int
main(void)
{
	tr_error err;
	char cmd[400];

	test_data_dir(data, sizeof(data));
	snprintf(tmp, sizeof(tmp), "%s/test-extractrun.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(tmp) != NULL);
	CHECK_STATUS(tr_library_init(&err), TR_OK);
	test_extractrun_globs_inodes();
	test_extractrun_deleted_volumes();
	test_extractrun_artifacts();
	test_extractrun_records();
	test_extractrun_source_problems();
	test_extractrun_refuses();
	tr_library_fini();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	(void)!system(cmd);
	return 0;
}
