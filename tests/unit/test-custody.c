/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/custody.h"

/* Problems collected from tr_custody_verify(), one per line. */
static char problems[8192];

static void
collect(void *arg, const char *msg)
{
	(void)arg;
	strncat(problems, msg, sizeof(problems) - strlen(problems) - 2);
	strcat(problems, "\n");
}

static size_t
verify(const char *dir)
{
	size_t n = 99, entries;
	char head[TR_HASH_HEX_MAX];

	problems[0] = '\0';
	CHECK_STATUS(tr_custody_verify(dir, collect, NULL, &n, &entries,
	    head, NULL), TR_OK);
	CHECK(strlen(head) == 64);
	return n;
}

static void
put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	CHECK((fp = fopen(path, "w")) != NULL);
	fputs(text, fp);
	CHECK(fclose(fp) == 0);
}

static char *
read_all(const char *path)
{
	static char buf[16384];
	FILE *fp;
	size_t n;

	CHECK((fp = fopen(path, "r")) != NULL);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* A case folder with three steps: a.jsonl, d/{y,x}.txt, then c.jsonl. */
static void
make_case(char *dir)
{
	char path[512];
	tr_rec *e;
	tr_error err;

	strcpy(dir, "/tmp/test-custody.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	put(dir, "a.jsonl", "{\"record\":\"image\"}\n");
	snprintf(path, sizeof(path), "%s/d", dir);
	CHECK(mkdir(path, 0755) == 0);
	put(dir, "d/y.txt", "why\n");
	put(dir, "d/x.txt", "ex\n");
	put(dir, "c.jsonl", "");

	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_rec_set_str(e, "step", "one"), TR_OK);
	CHECK_STATUS(tr_custody_add_output(e, dir, "a.jsonl", &err), TR_OK);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_OK);
	tr_rec_free(e);
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_rec_set_str(e, "step", "two"), TR_OK);
	CHECK_STATUS(tr_custody_add_output(e, dir, "d", &err), TR_OK);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_OK);
	tr_rec_free(e);
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_rec_set_str(e, "step", "three"), TR_OK);
	CHECK_STATUS(tr_custody_add_output(e, dir, "c.jsonl", &err), TR_OK);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_OK);
	tr_rec_free(e);
}

static void
remove_case(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

/* Rewrite the log keeping lines in the order given (1-based, 0 ends). */
static void
rewrite_log(const char *dir, const int *order)
{
	char path[512], lines[8][4096], *text, *nl;
	FILE *fp;
	int n = 0, i;

	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	text = read_all(path);
	while ((nl = strchr(text, '\n')) != NULL && n < 8) {
		snprintf(lines[n++], sizeof(lines[0]), "%.*s",
		    (int)(nl - text), text);
		text = nl + 1;
	}
	CHECK((fp = fopen(path, "w")) != NULL);
	for (i = 0; order[i] != 0; i++)
		fprintf(fp, "%s\n", lines[order[i] - 1]);
	CHECK(fclose(fp) == 0);
}

static void
test_custody_chain(void)
{
	char dir[64], path[512], hex[TR_HASH_HEX_MAX], head[TR_HASH_HEX_MAX];
	char *log, *l2;
	tr_error err;
	tr_rec *e;

	make_case(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	log = read_all(path);
	CHECK(strncmp(log, "{\"record\":\"custody\",\"seq\":1,\"step\":\"one\","
	    "\"outputs\":[{\"path\":\"a.jsonl\",\"size\":19,\"sha256\":", 80) ==
	    0);
	/* Line 2 points at the SHA-256 of line 1, and lists d/ sorted. */
	l2 = strchr(log, '\n') + 1;
	{
		tr_hash *h;
		char want[200];

		CHECK_STATUS(tr_hash_new(&h, TR_HASH_SHA256, NULL), TR_OK);
		tr_hash_update(h, log, (size_t)(l2 - log - 1));
		tr_hash_final(h, NULL, NULL, hex);
		tr_hash_free(h);
		snprintf(want, sizeof(want), "{\"record\":\"custody\",\"seq\":2,"
		    "\"prev\":\"%s\",\"step\":\"two\"", hex);
		CHECK(strncmp(l2, want, strlen(want)) == 0);
	}
	CHECK(strstr(l2, "\"d/x.txt\"") < strstr(l2, "\"d/y.txt\""));
	CHECK(verify(dir) == 0);
	CHECK_STR(problems, "");

	/* A fourth entry that removes c.jsonl and records a new head. */
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_rec_set_str(e, "step", "four"), TR_OK);
	{
		tr_rec *arr = tr_rec_new_array();

		CHECK_STATUS(tr_rec_append_str(arr, "c.jsonl"), TR_OK);
		CHECK_STATUS(tr_rec_set_rec(e, "removed", arr), TR_OK);
	}
	CHECK_STATUS(tr_custody_append(dir, e, head, &err), TR_OK);
	tr_rec_free(e);
	snprintf(path, sizeof(path), "%s/c.jsonl", dir);
	CHECK(unlink(path) == 0);
	CHECK(verify(dir) == 0);
	remove_case(dir);
}

static void
test_custody_changed_deleted_added(void)
{
	char dir[64], path[512];

	make_case(dir);
	put(dir, "d/x.txt", "EX\n");
	CHECK(verify(dir) == 1);
	CHECK_CONTAINS(problems, "'d/x.txt' (line 2, step two): changed: 3 bytes");
	put(dir, "d/x.txt", "ex\n");
	CHECK(verify(dir) == 0);

	snprintf(path, sizeof(path), "%s/a.jsonl", dir);
	CHECK(unlink(path) == 0);
	put(dir, "d/new.txt", "new\n");
	CHECK(verify(dir) == 2);
	CHECK_CONTAINS(problems, "'a.jsonl' (line 1, step one): deleted");
	CHECK_CONTAINS(problems, "'d/new.txt': added: not in the custody log");
	remove_case(dir);
}

static void
test_custody_entries_tampered(void)
{
	static const int swapped[] = { 1, 3, 2, 0 }, dropped[] = { 1, 3, 0 },
	    first_gone[] = { 2, 3, 0 };
	char dir[64], path[512], *log, *p;
	FILE *fp;

	make_case(dir);
	rewrite_log(dir, swapped);
	CHECK(verify(dir) >= 2);
	CHECK_CONTAINS(problems, "custody.jsonl line 2: entry number 3 where 2 "
	    "was expected");
	CHECK_CONTAINS(problems, "custody.jsonl line 2: hash chain broken");
	remove_case(dir);

	make_case(dir);
	rewrite_log(dir, dropped);
	verify(dir);
	CHECK_CONTAINS(problems, "line 2: hash chain broken");
	/* The outputs of the dropped entry are now unexplained. */
	CHECK_CONTAINS(problems, "'d/x.txt': added");
	remove_case(dir);

	make_case(dir);
	rewrite_log(dir, first_gone);
	verify(dir);
	CHECK_CONTAINS(problems, "line 1: the first entry points back");
	remove_case(dir);

	/* One byte of an entry changed: the next entry's prev no longer fits. */
	make_case(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	log = read_all(path);
	CHECK((p = strstr(log, "\"step\":\"one\"")) != NULL);
	p[8] = 'O';
	CHECK((fp = fopen(path, "w")) != NULL);
	fputs(log, fp);
	CHECK(fclose(fp) == 0);
	CHECK(verify(dir) == 1);
	CHECK_CONTAINS(problems, "line 2: hash chain broken: 'prev' is not the "
	    "SHA-256 of line 1");
	remove_case(dir);

	/* Garbage and an unfinished line. */
	make_case(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	CHECK((fp = fopen(path, "a")) != NULL);
	fputs("not json\n{\"record\":\"custody\"", fp);
	CHECK(fclose(fp) == 0);
	verify(dir);
	CHECK_CONTAINS(problems, "line 4: not a custody entry");
	CHECK_CONTAINS(problems, "line 5: unfinished line");
	remove_case(dir);
}

static void
test_custody_errors(void)
{
	char dir[64], path[512];
	tr_error err;
	tr_rec *e, *arr;
	size_t n;
	FILE *fp;

	make_case(dir);
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_custody_add_output(e, dir, "../etc/passwd", &err),
	    TR_EINVAL);
	CHECK_CONTAINS(err.msg, "'../etc/passwd' is not relative");
	CHECK_STATUS(tr_custody_add_output(e, dir, "/etc/passwd", &err),
	    TR_EINVAL);
	CHECK_STATUS(tr_custody_add_output(e, dir, "d/./x.txt", &err),
	    TR_EINVAL);
	CHECK_STATUS(tr_custody_add_output(e, dir, "nope.jsonl", &err),
	    TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "nope.jsonl");
	tr_rec_free(e);

	CHECK((arr = tr_rec_new_array()) != NULL);
	CHECK_STATUS(tr_custody_append(dir, arr, NULL, &err), TR_EINVAL);
	CHECK_CONTAINS(err.msg, "not an object");
	tr_rec_free(arr);

	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	CHECK((fp = fopen(path, "a")) != NULL);
	fputs("{\"record\":\"custody\"", fp);
	CHECK(fclose(fp) == 0);
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "last line is unfinished");
	tr_rec_free(e);

	CHECK(unlink(path) == 0);
	CHECK_STATUS(tr_custody_verify(dir, NULL, NULL, &n, NULL, NULL, &err),
	    TR_ENOTFOUND);
	CHECK_CONTAINS(err.msg, "custody.jsonl");
	CHECK_STATUS(tr_custody_hash_file("/nonexistent/x", path, NULL, &err),
	    TR_ENOTFOUND);
	remove_case(dir);
}

/* An output replaced by a symbolic link or a FIFO never checks out. */
static void
test_custody_not_regular(void)
{
	char dir[64], path[512], copy[512], sha[TR_HASH_HEX_MAX];
	tr_error err;
	tr_rec *e;

	make_case(dir);
	snprintf(path, sizeof(path), "%s/a.jsonl", dir);
	snprintf(copy, sizeof(copy), "%s.copy", dir);
	CHECK(rename(path, copy) == 0);
	CHECK(symlink(copy, path) == 0);
	CHECK_STATUS(tr_custody_hash_file(path, sha, NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "a.jsonl' is a symbolic link, not a regular "
	    "file");
	CHECK(verify(dir) == 1);
	CHECK_CONTAINS(problems, "'a.jsonl' (line 1, step one): '");
	CHECK_CONTAINS(problems, "is a symbolic link, not a regular file");
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_custody_add_output(e, dir, "a.jsonl", &err),
	    TR_EFORMAT);
	tr_rec_free(e);
	CHECK(unlink(path) == 0);
	CHECK(mkfifo(path, 0644) == 0);
	CHECK_STATUS(tr_custody_hash_file(path, sha, NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "a.jsonl' is a FIFO, not a regular file");
	CHECK(verify(dir) == 1);
	CHECK(unlink(path) == 0);
	CHECK(rename(copy, path) == 0);
	CHECK(verify(dir) == 0);
	remove_case(dir);
}

/*
 * A symbolic link planted at CASE/custody.jsonl is never followed: not to
 * append (nothing written or created through it), not to verify; nor is a
 * FIFO opened (it would hang) or anything but a regular file.
 */
static void
test_custody_log_not_regular(void)
{
	char dir[64], path[512], copy[512], gone[512], before[16384];
	tr_error err;
	tr_rec *e;
	size_t n;

	make_case(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	snprintf(copy, sizeof(copy), "%s.log", dir);
	snprintf(gone, sizeof(gone), "%s.gone", dir);
	CHECK(rename(path, copy) == 0);
	snprintf(before, sizeof(before), "%s", read_all(copy));
	CHECK(symlink(copy, path) == 0);
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_rec_set_str(e, "step", "four"), TR_OK);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, dir);
	CHECK_CONTAINS(err.msg, "/custody.jsonl' is a symbolic link, not a "
	    "regular file");
	CHECK_STR(read_all(copy), before);
	CHECK_STATUS(tr_custody_verify(dir, NULL, NULL, &n, NULL, NULL, &err),
	    TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "custody.jsonl' is a symbolic link");

	/* A link to nowhere: following it would create the file. */
	CHECK(unlink(path) == 0);
	CHECK(symlink(gone, path) == 0);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "is a symbolic link");
	CHECK(access(gone, F_OK) != 0);

	CHECK(unlink(path) == 0);
	CHECK(mkfifo(path, 0644) == 0);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "custody.jsonl' is a FIFO, not a regular file");
	CHECK_STATUS(tr_custody_verify(dir, NULL, NULL, &n, NULL, NULL, &err),
	    TR_EFORMAT);
	CHECK_CONTAINS(err.msg, "is a FIFO");

	/* The log back in place appends as before. */
	CHECK(unlink(path) == 0);
	CHECK(rename(copy, path) == 0);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_OK);
	tr_rec_free(e);
	CHECK(verify(dir) == 0);
	remove_case(dir);
}

/* Bytes after a NUL inside an entry are part of the chain too. */
static void
test_custody_nul_in_entry(void)
{
	char dir[64], path[512], *log, *nl, copy[16384];
	size_t n1, n;
	FILE *fp;

	make_case(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	log = read_all(path);
	snprintf(copy, sizeof(copy), "%s", log);
	nl = strchr(copy, '\n');
	n1 = (size_t)(nl - copy);
	CHECK((fp = fopen(path, "w")) != NULL);
	fwrite(copy, 1, n1, fp);
	fwrite("\0,\"planted\":1}", 1, 14, fp);
	fputs(nl, fp);
	CHECK(fclose(fp) == 0);
	n = verify(dir);
	CHECK(n == 3);
	CHECK_CONTAINS(problems, "custody.jsonl line 1: holds a NUL byte");
	CHECK_CONTAINS(problems, "custody.jsonl line 2: hash chain broken");
	CHECK_CONTAINS(problems, "'a.jsonl': added");
	remove_case(dir);
}

static off_t
size_of(const char *path)
{
	struct stat st;

	CHECK(stat(path, &st) == 0);
	return st.st_size;
}

/*
 * An entry that cannot be written whole (here the file size limit, which
 * makes write(2) short, then fail) leaves the log as it was, so that the
 * next append, and so --resume, still works.
 */
static void
test_custody_short_write(void)
{
	char dir[64], path[512], before[16384];
	struct rlimit old, lim;
	off_t size;
	tr_error err;
	tr_rec *e;

	make_case(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	snprintf(before, sizeof(before), "%s", read_all(path));
	size = size_of(path);
	CHECK(signal(SIGXFSZ, SIG_IGN) != SIG_ERR);
	CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
	lim = old;
	lim.rlim_cur = (rlim_t)size + 10;
	CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_rec_set_str(e, "step", "four"), TR_OK);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_EIO);
	CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
	CHECK(signal(SIGXFSZ, SIG_DFL) != SIG_ERR);
	CHECK_CONTAINS(err.msg, "cannot write '");
	CHECK_CONTAINS(err.msg, path);
	CHECK(err.sys_errno == EFBIG);
	CHECK(size_of(path) == size);
	CHECK_STR(read_all(path), before);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_OK);
	tr_rec_free(e);
	CHECK(verify(dir) == 0);
	CHECK_CONTAINS(read_all(path), "\"seq\":4,");
	remove_case(dir);
}

/* A second writer of the same log is refused while the first holds it. */
static void
test_custody_locked(void)
{
	char dir[64], path[512];
	off_t size;
	tr_error err;
	tr_rec *e;
	int fd;

	make_case(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, TR_CUSTODY_LOG);
	size = size_of(path);
	CHECK((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1);
	CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0);
	CHECK((e = tr_rec_new_object()) != NULL);
	CHECK_STATUS(tr_rec_set_str(e, "step", "four"), TR_OK);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_EIO);
	CHECK_CONTAINS(err.msg, "another process is writing '");
	CHECK_CONTAINS(err.msg, path);
	CHECK(size_of(path) == size);
	CHECK(close(fd) == 0);
	CHECK_STATUS(tr_custody_append(dir, e, NULL, &err), TR_OK);
	tr_rec_free(e);
	CHECK(verify(dir) == 0);
	remove_case(dir);
}

int
main(void)
{
	test_custody_chain();
	test_custody_changed_deleted_added();
	test_custody_entries_tampered();
	test_custody_errors();
	test_custody_nul_in_entry();
	test_custody_not_regular();
	test_custody_log_not_regular();
	test_custody_short_write();
	test_custody_locked();
	return 0;
}
