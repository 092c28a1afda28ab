/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "triage/triage.h"
#include "triage/collect.h"

static char tmp[64];
static pid_t leftover;
static volatile sig_atomic_t reaped;

/* Whatever a failed check leaves: the stray sleep and the folders. */
static void
cleanup(void)
{
	char cmd[128];

	if (leftover > 0)
		kill(leftover, SIGKILL);
	/* system() cannot wait with SIGCHLD ignored. */
	signal(SIGCHLD, SIG_DFL);
	if (tmp[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmp);
	}
}

static void
put_tool(const char *bin, const char *tool, const char *body)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", bin, tool);
	CHECK((fp = fopen(path, "w")) != NULL);
	fprintf(fp, "#!/bin/sh\n[ \"$1\" = --version ] && "
	    "echo '%s (triage) 0.0.0' && exit 0\n%s\nexit 0\n", tool, body);
	CHECK(fclose(fp) == 0);
	CHECK(chmod(path, 0755) == 0);
}

/*
 * Stubs of the tools a folder source runs, found on PATH (nothing named
 * triage-* is beside this program).  The walk starts a sleep in its process
 * group, writes its pid and ends.
 */
static void
stub_tools(void)
{
	static const char *tools[] = { "triage-info", "triage-extract",
	    "triage-parse", "triage-scan", "triage-timeline",
	    "triage-report" };
	char bin[128], path[512], body[512];
	size_t i;

	snprintf(bin, sizeof(bin), "%s/bin", tmp);
	CHECK(mkdir(bin, 0755) == 0);
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		put_tool(bin, tools[i], "");
	snprintf(body, sizeof(body), "sleep 1000 >/dev/null 2>&1 &\n"
	    "echo $! > '%s/left.tmp' && mv '%s/left.tmp' '%s/left.pid'\n"
	    "echo '{\"record\":\"file\",\"path\":\"/etc/passwd\"}'", tmp, tmp,
	    tmp);
	put_tool(bin, "triage-walk", body);
	snprintf(path, sizeof(path), "%s:/usr/bin:/bin", bin);
	CHECK(setenv("PATH", path, 1) == 0);
	snprintf(path, sizeof(path), "%s/live", tmp);
	CHECK(mkdir(path, 0755) == 0);
}

static pid_t
read_pid(const char *path)
{
	FILE *fp;
	long pid = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(fp, "%ld", &pid) != 1)
		pid = 0;
	fclose(fp);
	return (pid_t)pid;
}

/* Gone, or a zombie waiting for whoever inherited it; within 10 s. */
static int
gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *fp;
	int i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	for (i = 0; i < 100; i++) {
		if ((fp = fopen(path, "r")) == NULL)
			return 1;
		p = fgets(buf, sizeof(buf), fp);
		fclose(fp);
		if (p == NULL || ((p = strrchr(buf, ')')) != NULL &&
		    p[1] == ' ' && p[2] == 'Z'))
			return 1;
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	}
	return 0;
}

static void
on_chld(int sig)
{
	int saved = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		reaped++;
	errno = saved;
}

static void
msg(void *arg, tr_collect_level level, const char *text)
{
	(void)arg;
	if (level != TR_COLLECT_PROGRESS)
		fprintf(stderr, "collect: %s\n", text);
}

/*
 * One collection of a folder with stub tools while the caller has SIGCHLD
 * set as given: every step must be reaped by the engine itself (not "No
 * child processes", exit 127), what the walk left in its group killed, and
 * the caller's SIGCHLD action put back.
 */
static void
collect_with_sigchld(const char *what, void (*handler)(int))
{
	char live[128], case_dir[128], path[256];
	struct sigaction sa, now;
	tr_collect_opts o;
	tr_collect_result res;
	tr_error err;

	strcpy(tmp, "/tmp/test-collect.XXXXXX");
	CHECK(mkdtemp(tmp) != NULL);
	stub_tools();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
	snprintf(live, sizeof(live), "%s/live", tmp);
	snprintf(case_dir, sizeof(case_dir), "%s/case", tmp);
	memset(&o, 0, sizeof(o));
	o.source = live;
	o.case_dir = case_dir;
	o.examiner = "Test";
	o.rules = "/nonexistent/rules";
	o.step_timeout = 60;
	o.msg = msg;
	fprintf(stderr, "SIGCHLD %s\n", what);
	CHECK_STATUS(tr_collect_run(&o, &res, &err), TR_OK);
	snprintf(path, sizeof(path), "%s/left.pid", tmp);
	leftover = read_pid(path);
	CHECK(leftover > 0);
	CHECK(gone(leftover));
	leftover = 0;
	CHECK(res.failed == 0);
	CHECK(res.verified && res.problems == 0);
	CHECK(sigaction(SIGCHLD, NULL, &now) == 0);
	CHECK(now.sa_handler == handler);
	cleanup();
	tmp[0] = '\0';
}

int
main(void)
{
	atexit(cleanup);
	collect_with_sigchld("ignored", SIG_IGN);
	collect_with_sigchld("reaped by a handler", on_chld);
	collect_with_sigchld("default", SIG_DFL);
	return 0;
}
