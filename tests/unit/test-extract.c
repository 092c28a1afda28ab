/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: globs, safe names and the output folder (extract.c). */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/extract.h"

static void
test_extract_glob(void)
{
	CHECK(tr_glob_match("/etc/passwd", "/etc/passwd", 0));
	CHECK(!tr_glob_match("/etc/passwd", "/etc/passwd2", 0));
	CHECK(!tr_glob_match("/etc/passwd", "/ETC/passwd", 0));
	CHECK(tr_glob_match("/etc/passwd", "/ETC/PassWD", TR_GLOB_CASEFOLD));
	CHECK(tr_glob_match("/var/log/*.log", "/var/log/auth.log", 0));
	CHECK(!tr_glob_match("/var/log/*.log", "/var/log/x/auth.log", 0));
	CHECK(tr_glob_match("/var/log/auth.log*", "/var/log/auth.log.1", 0));
	CHECK(tr_glob_match("/a/?.txt", "/a/b.txt", 0));
	CHECK(tr_glob_match("/a/?.txt", "/a/\xc3\xa9.txt", 0));
	CHECK(!tr_glob_match("/a/?.txt", "/a/bb.txt", 0));
	CHECK(tr_glob_match("/a/[bc].txt", "/a/c.txt", 0));
	CHECK(!tr_glob_match("/a/[!bc].txt", "/a/c.txt", 0));
	CHECK(tr_glob_match("/a/[a-z]x", "/a/qx", 0));
	CHECK(tr_glob_match("**", "/x", 0));
	CHECK(tr_glob_match("**", "/x/y/z", 0));
	CHECK(tr_glob_match("/a/**", "/a/b/c/d", 0));
	CHECK(tr_glob_match("/a/**/d", "/a/d", 0));
	CHECK(tr_glob_match("/a/**/d", "/a/b/c/d", 0));
	CHECK(!tr_glob_match("/a/**/d", "/a/b/c/e", 0));
	CHECK(tr_glob_match("/a/**2/d", "/a/b/c/d", 0));
	CHECK(!tr_glob_match("/a/**1/d", "/a/b/c/d", 0));
	CHECK(tr_glob_match("/Windows/Prefetch/*.pf",
	    "/WINDOWS/prefetch/CMD.EXE-1.PF", TR_GLOB_CASEFOLD));
	CHECK(!tr_glob_match("/b/*", "/a/x", 0));
	CHECK(tr_glob_match("etc/passwd", "/etc/passwd", 0));
	CHECK(!tr_glob_match("/a/[b", "/a/b", 0));
	CHECK(tr_glob_match("/a/[b", "/a/[b", 0));
	CHECK(tr_glob_is_pattern("/a/*") && !tr_glob_is_pattern("/a/b"));
}

static void
roundtrip(const char *name, size_t len, const char *want)
{
	char *enc = tr_safename(name, len), *dec;
	size_t dlen;

	CHECK(enc != NULL);
	if (want != NULL)
		CHECK_STR(enc, want);
	CHECK(strchr(enc, '/') == NULL);
	CHECK(strlen(enc) <= TR_SAFENAME_MAX);
	CHECK(strcmp(enc, ".") != 0 && strcmp(enc, "..") != 0);
	dec = tr_safename_decode(enc, &dlen);
	CHECK(dec != NULL);
	CHECK(dlen == len && memcmp(dec, name, len) == 0);
	free(dec);
	free(enc);
}

static void
test_extract_safename(void)
{
	char big[300], *enc;
	size_t len;

	roundtrip("report.txt", 10, "report.txt");
	roundtrip("..", 2, "%2E%2E");
	roundtrip(".", 1, "%2E");
	roundtrip("...", 3, "...");
	roundtrip("a/b", 3, "a%2Fb");
	roundtrip("../../etc/evil", 14, "..%2F..%2Fetc%2Fevil");
	roundtrip("new\nline", 8, "new%0Aline");
	roundtrip("ctl\x01x", 5, "ctl%01x");
	roundtrip("100%", 4, "100%25");
	roundtrip("bad\xff\xfe", 5, "bad%FF%FE");
	roundtrip("caf\xc3\xa9", 5, "caf\xc3\xa9");
	roundtrip("a\\b", 3, "a%5Cb");
	roundtrip("", 0, "%");
	/* Too long once encoded: cut with a hash, still unique. */
	memset(big, 0x7f, sizeof(big));
	enc = tr_safename(big, 250);
	CHECK(enc != NULL && strlen(enc) <= TR_SAFENAME_MAX);
	CHECK_CONTAINS(enc, "~h");
	CHECK(tr_safename_decode(enc, &len) == NULL);
	big[0] = 'x';
	{
		char *enc2 = tr_safename(big, 250);
		CHECK(enc2 != NULL && strcmp(enc, enc2) != 0);
		free(enc2);
	}
	free(enc);
	CHECK(tr_safename_decode("%zz", &len) == NULL);
	CHECK(tr_safename_decode("%4", &len) == NULL);
}

static void
test_extract_open_refuses(void)
{
	char tmpl[] = "/tmp/test-extract.XXXXXX", path[512], target[512];
	tr_extract *x = NULL;
	tr_error err;
	int fd;

	CHECK(mkdtemp(tmpl) != NULL);
	/* Fresh folder: manifest created. */
	snprintf(path, sizeof(path), "%s/out", tmpl);
	CHECK_STATUS(tr_extract_open(&x, path, 0, &err), TR_OK);
	CHECK(tr_extract_count(x) == 0);
	CHECK_STATUS(tr_extract_close(x, &err), TR_OK);
	/* Not empty now: refused without force, accepted with it. */
	x = NULL;
	CHECK_STATUS(tr_extract_open(&x, path, 0, &err), TR_EINVAL);
	CHECK(x == NULL);
	CHECK_CONTAINS(err.msg, "is not empty");
	CHECK_CONTAINS(err.msg, path);
	CHECK_STATUS(tr_extract_open(&x, path, TR_EXTRACT_FORCE, &err), TR_OK);
	CHECK_STATUS(tr_extract_close(x, &err), TR_OK);
	/* A symbolic link as the output folder is refused. */
	snprintf(path, sizeof(path), "%s/link", tmpl);
	CHECK(symlink("out", path) == 0);
	CHECK_STATUS(tr_extract_open(&x, path, TR_EXTRACT_FORCE, &err),
	    TR_EINVAL);
	CHECK_CONTAINS(err.msg, "cannot open output folder");
	/* Parent missing: TR_EIO naming the folder. */
	snprintf(path, sizeof(path), "%s/no/such", tmpl);
	CHECK_STATUS(tr_extract_open(&x, path, 0, &err), TR_EIO);
	CHECK_CONTAINS(err.msg, "cannot create output folder");
	/* A planted manifest symlink is not followed, even with force. */
	snprintf(path, sizeof(path), "%s/planted", tmpl);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(target, sizeof(target), "%s/should-not-exist", tmpl);
	snprintf(path, sizeof(path), "%s/planted/manifest.jsonl", tmpl);
	CHECK(symlink(target, path) == 0);
	snprintf(path, sizeof(path), "%s/planted", tmpl);
	CHECK_STATUS(tr_extract_open(&x, path, TR_EXTRACT_FORCE, &err),
	    TR_EIO);
	CHECK(access(target, F_OK) != 0);
	fd = open(tmpl, O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmpl);
	CHECK(system(path) == 0);
}

int
main(void)
{
	test_extract_glob();
	test_extract_safename();
	test_extract_open_refuses();
	return 0;
}
