/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LD_PRELOAD shim for tests: pread/read of one file fail with EIO where
 * they touch given byte ranges, as a disk with bad sectors would.
 *
 *   TRIAGE_FAULT_FILE=path             the file (matched by device+inode)
 *   TRIAGE_FAULT_RANGES=off+len,...    failing byte ranges (decimal)
 *   TRIAGE_FAULT_TRANSIENT=n           each range fails only its first n hits
 *   TRIAGE_FAULT_LOG=path              append "offset len ok|EIO" per read
 *   TRIAGE_FAULT_DELAY_US=n            sleep n microseconds per read (slow disk)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAXR 64

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int loaded;
static dev_t fdev;
static ino_t fino;
static int have_file;
static struct {
	unsigned long long off, len;
	long hits;
} ranges[MAXR];
static int nranges;
static long transient = -1;
static long delay_us;

static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off_t);
static ssize_t (*real_read)(int, void *, size_t);

static void
load(void)
{
	const char *f, *r, *t;
	struct stat st;
	char *end;

	if (loaded)
		return;
	loaded = 1;
	real_pread = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT,
	    "pread");
	real_pread64 = (ssize_t (*)(int, void *, size_t, off_t))dlsym(
	    RTLD_NEXT, "pread64");
	real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if ((f = getenv("TRIAGE_FAULT_FILE")) != NULL && stat(f, &st) == 0) {
		fdev = st.st_dev;
		fino = st.st_ino;
		have_file = 1;
	}
	if ((t = getenv("TRIAGE_FAULT_DELAY_US")) != NULL)
		delay_us = strtol(t, NULL, 10);
	if ((t = getenv("TRIAGE_FAULT_TRANSIENT")) != NULL)
		transient = strtol(t, NULL, 10);
	for (r = getenv("TRIAGE_FAULT_RANGES"); r != NULL && *r != '\0' &&
	    nranges < MAXR;) {
		ranges[nranges].off = strtoull(r, &end, 10);
		if (*end != '+')
			break;
		ranges[nranges].len = strtoull(end + 1, &end, 10);
		nranges++;
		if (*end != ',')
			break;
		r = end + 1;
	}
}

/* 1 when this read must fail. */
static int
faulty(int fd, unsigned long long off, size_t len)
{
	struct stat st;
	int i, fail = 0;
	const char *log;
	FILE *fp;

	pthread_mutex_lock(&mu);
	load();
	if (!have_file || len == 0 || fstat(fd, &st) != 0 ||
	    st.st_dev != fdev || st.st_ino != fino) {
		pthread_mutex_unlock(&mu);
		return 0;
	}
	for (i = 0; i < nranges; i++) {
		if (off >= ranges[i].off + ranges[i].len ||
		    off + len <= ranges[i].off)
			continue;
		if (transient >= 0 && ranges[i].hits >= transient)
			continue;
		ranges[i].hits++;
		fail = 1;
	}
	if ((log = getenv("TRIAGE_FAULT_LOG")) != NULL &&
	    (fp = fopen(log, "a")) != NULL) {
		fprintf(fp, "%llu %zu %s\n", off, len, fail ? "EIO" : "ok");
		fclose(fp);
	}
	pthread_mutex_unlock(&mu);
	if (delay_us > 0)
		usleep((useconds_t)delay_us);
	return fail;
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	if (faulty(fd, (unsigned long long)off, len)) {
		errno = EIO;
		return -1;
	}
	return real_pread(fd, buf, len, off);
}

ssize_t
pread64(int fd, void *buf, size_t len, off_t off)
{
	if (faulty(fd, (unsigned long long)off, len)) {
		errno = EIO;
		return -1;
	}
	return real_pread64(fd, buf, len, off);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	off_t off;

	if (!loaded) {
		pthread_mutex_lock(&mu);
		load();
		pthread_mutex_unlock(&mu);
	}
	if (have_file && (off = lseek(fd, 0, SEEK_CUR)) >= 0 &&
	    faulty(fd, (unsigned long long)off, len)) {
		errno = EIO;
		return -1;
	}
	return real_read(fd, buf, len);
}
