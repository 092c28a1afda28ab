/* SPDX-License-Identifier: Apache-2.0 */
/* One-shot case collection: the steps, the child runner, the custody log. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>
#include <unistd.h>

#include "triage/collect.h"
#include "triage/custody.h"

enum step_id {
	S_HASH, S_INFO, S_ACQUIRE, S_WALK, S_KNOWN, S_EXTRACT, S_PARSE,
	S_DETECT, S_SCAN, S_TIMELINE, S_REPORT, NSTEPS
};

static const struct step {
	const char	*name;
	const char	*tool;
	const char	*out;		/* stdout goes here, or NULL */
	const char	*owns[3];	/* what it writes; "x*" = prefix */
} steps[NSTEPS] = {
	{ "hash", "triage-collect", "hash.jsonl", { "hash.jsonl" } },
	{ "info", "triage-info", "info.jsonl", { "info.jsonl" } },
	{ "acquire", "triage-acquire", "acquire.jsonl",
	    { "acquire.jsonl", "image.*" } },
	{ "walk", "triage-walk", "files.jsonl", { "files.jsonl" } },
	{ "known", "triage-known", "known.jsonl", { "known.jsonl" } },
	{ "extract", "triage-extract", NULL, { "artifacts" } },
	{ "parse", "triage-parse", "parsed.jsonl", { "parsed.jsonl" } },
	{ "detect", "triage-detect", "detections.jsonl",
	    { "detections.jsonl" } },
	{ "scan", "triage-scan", "hits.jsonl", { "hits.jsonl" } },
	{ "timeline", "triage-timeline", "timeline.jsonl",
	    { "timeline.jsonl" } },
	{ "report", "triage-report", NULL, { "report.html" } },
};

#define TAIL_MAX	2048
#define HASH_BUF	(1 << 20)
#define KILL_GRACE	10	/* seconds from SIGTERM to SIGKILL */

struct collect {
	const char	*source;	/* as given */
	const char	*src;		/* what the analysis steps read */
	const char	*dir;		/* CASE */
	const char	*examiner;
	const char	*case_number;
	char		host[256];
	char		ex_buf[256], cn_buf[256];	/* from the log */
	char		image[PATH_MAX];	/* CASE/image.E01 */
	int		acquire, is_dir;
	const char	*rules;		/* for the scan step */
	const char	*known;		/* --known DB, or NULL */
	char		sigma_buf[PATH_MAX];
	unsigned	timeout;	/* --step-timeout seconds, 0 none */
	int		sealed;		/* the log read back ends with a seal */
	unsigned	bad[2];		/* resume: log problems, added files */
	char		rules_buf[PATH_MAX];
	int		status[NSTEPS];	/* 0 not run, else an exit code + 1 */
	unsigned	failed;
	tr_collect_msg_fn msg;
	void		*msg_arg;
	tr_error	*err;
	int		rc;		/* TR_OK until the log cannot go on */
	int		lock_fd;	/* CASE, flock()ed for the run, or -1 */
};

/* Status of one step's run. */
struct run {
	int	code;			/* exit code, -1 when killed */
	int	sig;
	int	timed_out;		/* killed by us: 1 SIGTERM, 2 SIGKILL */
	int	interrupted;		/* the signal we got meanwhile, or 0 */
	char	tail[TAIL_MAX + 1];
};

/*
 * The signals that stop triage-collect while a step runs.  The step is in a
 * process group of its own, out of reach of the terminal's ^C, so they are
 * caught, the group is stopped and reaped, and only then is the signal
 * handed back to what the caller had set up.  A handler can only reach a
 * global.
 */
static const int stop_sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
#define NSTOP_SIGS	(sizeof(stop_sigs) / sizeof(stop_sigs[0]))
static volatile sig_atomic_t got_sig, nsigs;

struct sigstate {
	struct sigaction old[NSTOP_SIGS];
	int		caught[NSTOP_SIGS];	/* not ignored by the caller */
	struct sigaction chld;			/* the caller's SIGCHLD */
	sigset_t	mask;			/* the caller's */
	sigset_t	run_mask;		/* it, the stop signals, SIGCHLD */
	sigset_t	wait_mask;		/* in ppoll(): it, plus SIGCHLD */
};

static void
say(struct collect *c, tr_collect_level level, const char *fmt, ...)
    TRI_PRINTF(3, 4);

/* Format a message and hand it to the caller's callback. */
static void
say(struct collect *c, tr_collect_level level, const char *fmt, ...)
{
	va_list ap;
	char small[1024], *buf = small;
	int n;

	if (c->msg == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		if ((buf = malloc((size_t)n + 1)) == NULL)
			return;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	c->msg(c->msg_arg, level, buf);
	if (buf != small)
		free(buf);
}

static void
now_utc(char buf[TR_TIME_STR_MAX])
{
	struct timespec ts;
	tr_time t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = ts.tv_sec;
	t.nsec = (uint32_t)(ts.tv_nsec / 1000000 * 1000000);
	t.digits = 3;
	tr_time_format(&t, buf);
}

/* Find triage-X beside this program, else on PATH (as cmd/triage.c). */
static void
tool_path(const char *tool, char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			if (snprintf(buf, len, "%s/%s", self, tool) <
			    (int)len && access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, len, "%s", tool);
}

/* The shipped YARA rules: $TRIAGE_RULES, the source tree, pkgdatadir. */
static const char *
rules_path(char *buf, size_t len)
{
	char self[PATH_MAX], build[PATH_MAX];
	const char *env = getenv("TRIAGE_RULES");
	struct stat st;
	ssize_t n;

	if (env != NULL && *env != '\0')
		return env;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0 &&
	    realpath(TR_ABS_BUILDDIR "/cmd", build) != NULL) {
		self[n] = '\0';
		if (strrchr(self, '/') != NULL)
			*strrchr(self, '/') = '\0';
		if (strcmp(self, build) == 0 &&
		    stat(TR_ABS_SRCDIR "/rules/yara", &st) == 0)
			return TR_ABS_SRCDIR "/rules/yara";
	}
	snprintf(buf, len, "%s/rules/yara", TR_PKGDATADIR);
	return buf;
}

/* The shipped Sigma rules: the source tree's from the build tree, else
 * pkgdatadir's; NULL when there are none. */
static const char *
sigma_path(char *buf, size_t len)
{
	char self[PATH_MAX], build[PATH_MAX];
	struct stat st;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0 &&
	    realpath(TR_ABS_BUILDDIR "/cmd", build) != NULL) {
		self[n] = '\0';
		if (strrchr(self, '/') != NULL)
			*strrchr(self, '/') = '\0';
		if (strcmp(self, build) == 0 &&
		    stat(TR_ABS_SRCDIR "/rules/sigma", &st) == 0)
			return TR_ABS_SRCDIR "/rules/sigma";
	}
	snprintf(buf, len, "%s/rules/sigma", TR_PKGDATADIR);
	return stat(buf, &st) == 0 ? buf : NULL;
}

/*
 * 1 when tool can be run: beside this program, or on PATH.  The optional
 * steps (known, detect) are left out silently when their program is not
 * installed.
 */
static int
tool_exists(const char *tool)
{
	char path[PATH_MAX], *env, *dirs, *d, *save = NULL;
	int found = 0;

	tool_path(tool, path, sizeof(path));
	if (strchr(path, '/') != NULL)
		return access(path, X_OK) == 0;
	if ((env = getenv("PATH")) == NULL || (dirs = strdup(env)) == NULL)
		return 0;
	for (d = strtok_r(dirs, ":", &save); d != NULL && !found;
	    d = strtok_r(NULL, ":", &save))
		found = snprintf(path, sizeof(path), "%s/%s", *d ? d : ".",
		    tool) < (int)sizeof(path) && access(path, X_OK) == 0;
	free(dirs);
	return found;
}

/* Keep the last TAIL_MAX bytes of what went to stderr. */
static void
tail_add(struct run *r, size_t *tl, const char *buf, size_t n)
{
	if (n >= TAIL_MAX) {
		memcpy(r->tail, buf + n - TAIL_MAX, TAIL_MAX);
		*tl = TAIL_MAX;
		return;
	}
	if (*tl + n > TAIL_MAX) {
		memmove(r->tail, r->tail + (*tl + n - TAIL_MAX), TAIL_MAX - n);
		*tl = TAIL_MAX - n;
	}
	memcpy(r->tail + *tl, buf, n);
	*tl += n;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read what is ready on the child's pipes: pfd[0] its stderr, pfd[1] its
 * stdout when captured.  A pipe at its end (or failing) is closed and its
 * fd set to -1.  With all set, read until nothing is left.
 */
static void
read_pipes(struct pollfd pfd[2], int all, struct run *r, size_t *tl,
    char *capture, size_t *cl, size_t len)
{
	char buf[4096];
	ssize_t n, k;
	int i;

	for (i = 0; i < 2; i++) {
		while (pfd[i].fd >= 0 && (all || pfd[i].revents != 0)) {
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				break;
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				break;
			}
			if (i == 0)
				tail_add(r, tl, buf, (size_t)n);
			else
				for (k = 0; k < n; k++)
					if (*cl + 1 < len)
						capture[(*cl)++] = buf[k];
			if (!all)
				break;
		}
	}
}

static void
on_stop_sig(int sig)
{
	if (got_sig == 0)
		got_sig = sig;
	if (nsigs < 2)
		nsigs++;
}

/*
 * Catch the stop signals the caller does not ignore, and block them: they
 * are taken only inside ppoll(), so none is missed between a check and the
 * wait.  A background job of a shell ignores SIGINT; so do we then.
 * SIGCHLD goes to its default and stays blocked, as in system(3): a caller
 * ignoring it would have the kernel reap the step, and a handler of the
 * caller reaping with waitpid(-1) would take it from us.
 */
static void
catch_stop_sigs(struct sigstate *ss)
{
	struct sigaction sa;
	sigset_t block;
	size_t i;

	got_sig = nsigs = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_sig;
	/* One at a time: a second signal must count (SIGKILL at once). */
	sigfillset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &block, &ss->mask);
	for (i = 0; i < NSTOP_SIGS; i++) {
		ss->caught[i] = sigaction(stop_sigs[i], NULL,
		    &ss->old[i]) == 0 && ss->old[i].sa_handler != SIG_IGN;
		if (ss->caught[i]) {
			sigaddset(&block, stop_sigs[i]);
			sigaction(stop_sigs[i], &sa, NULL);
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &ss->chld);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	pthread_sigmask(SIG_BLOCK, NULL, &ss->run_mask);
	ss->wait_mask = ss->mask;
	sigaddset(&ss->wait_mask, SIGCHLD);
}

/*
 * Undo catch_stop_sigs(): a SIGCHLD that came meanwhile goes to the
 * caller's handler once it is back, as after system(3).
 */
static void
restore_stop_sigs(const struct sigstate *ss)
{
	size_t i;

	for (i = 0; i < NSTOP_SIGS; i++)
		if (ss->caught[i])
			sigaction(stop_sigs[i], &ss->old[i], NULL);
	sigaction(SIGCHLD, &ss->chld, NULL);
	pthread_sigmask(SIG_SETMASK, &ss->mask, NULL);
}

/* The message of errno e, with no stdio, locale or malloc (after fork). */
static const char *
errno_text(int e)
{
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 32)
	const char *s = strerrordesc_np(e);

	return s != NULL ? s : "unknown error";
#else
	return strerror(e);
#endif
}

/* In the child: "cannot <what> '<path>': <errno>" to fd, then exit 127. */
static _Noreturn void
child_fail(int fd, const char *what, const char *path, int e)
{
	const char *parts[] = { "cannot ", what, " '", path, "': ",
	    errno_text(e), "\n" };
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (write(fd, parts[i], strlen(parts[i])) < 0)
			break;
	_exit(127);
}

/* fd moved to 3 or above (close-on-exec), so dup2() onto 0-2 is safe. */
static int
above_stdio(int fd)
{
	return fd >= 0 && fd < 3 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : fd;
}

/*
 * The child, from fork() to exec: every signal blocked on entry.  It gets
 * stdin from /dev/null, stdout to out (or outfd), stderr to errfd, and no
 * other descriptor (the pipes and files here are close-on-exec; those the
 * caller left open are closed); the default action for every signal the
 * caller (or we) catch, SIGCHLD at its default, and an empty mask.  Only
 * async-signal-safe calls: the caller may have threads.
 */
static _Noreturn void
child(const char *path, char *const argv[], const char *out, int outfd,
    int errfd, pid_t parent)
{
	struct sigaction sa, cur;
	sigset_t none;
	int fd, in, sig;

	setpgid(0, 0);
#ifdef PR_SET_PDEATHSIG
	/* triage-collect killed (SIGKILL, OOM): the step must not go on. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
#endif
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, NULL, &cur) == 0 &&
		    cur.sa_handler != SIG_DFL && cur.sa_handler != SIG_IGN)
			sigaction(sig, &sa, NULL);
	errfd = above_stdio(errfd);
	if (outfd != -1)
		fd = outfd;
	else if ((fd = open(out != NULL ? out : "/dev/null", O_WRONLY |
	    O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1)
		child_fail(errfd, "create", out != NULL ? out : "/dev/null",
		    errno);
	/* A step in a background group must never read the tty. */
	if ((in = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		child_fail(errfd, "open", "/dev/null", errno);
	fd = above_stdio(fd);
	in = above_stdio(in);
	if (errfd == -1 || fd == -1 || in == -1 || dup2(in, 0) == -1 ||
	    dup2(fd, 1) == -1 || dup2(errfd, 2) == -1)
		_exit(127);
#ifdef CLOSE_RANGE_CLOEXEC
	if (close_range(3, ~0U, 0) != 0)
#endif
	{
		long max = sysconf(_SC_OPEN_MAX);

		for (fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close(fd);
	}
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	if (strchr(path, '/') != NULL)
		execv(path, argv);
	else
		execvp(path, argv);
	child_fail(2, "run", path, errno);
}

/*
 * Stop the step's process group (the step and whatever it started): past
 * the deadline, or on a stop signal, SIGTERM, then SIGKILL KILL_GRACE
 * seconds later or at a second stop signal.  *kill_at is when SIGKILL is
 * due, 0 when not yet.
 */
static void
stop_group(pid_t pgid, struct run *r, int64_t *deadline, int64_t *kill_at)
{
	int64_t now = now_ms();
	int term = 0;

	if (*deadline > 0 && now >= *deadline) {
		*deadline = 0;
		r->timed_out = 1;
		term = 1;
	}
	if (got_sig != 0 && r->interrupted == 0) {
		r->interrupted = got_sig;
		term = 1;
	}
	if (term && *kill_at == 0) {
		/* A stopped member would not see SIGTERM before SIGKILL. */
		kill(-pgid, SIGTERM);
		kill(-pgid, SIGCONT);
		*kill_at = now + KILL_GRACE * 1000;
	}
	if (*kill_at > 0 && (now >= *kill_at || nsigs > 1)) {
		kill(-pgid, SIGKILL);
		*kill_at = -1;
		if (r->timed_out)
			r->timed_out = 2;
	}
}

/*
 * Run argv with stdout to the file out (or /dev/null), stdin from /dev/null
 * and stderr into r->tail (its last TAIL_MAX bytes).  When capture is not
 * NULL, stdout goes there instead (up to len - 1 bytes).  Both pipes are
 * read as data comes, so a child filling one while we wait on the other
 * cannot deadlock.  The child leads a process group of its own; after
 * timeout seconds (0: none), or when a stop signal arrives, the whole group
 * gets SIGTERM, KILL_GRACE seconds later SIGKILL.  When the child has
 * ended, what it left running in its group is killed before it is reaped
 * (so the group id cannot have been reused).  A stop signal caught is then
 * raised again (r->interrupted) once the caller's handling is back, also
 * when fork() failed.  Meanwhile SIGCHLD is at its default and blocked.
 */
static int
run_tool(const char *path, char *const argv[], const char *out,
    struct run *r, char *capture, size_t len, unsigned timeout)
{
	int errp[2], outp[2] = { -1, -1 }, st, ms, rc = -1, saved;
	int64_t deadline = 0, kill_at = 0, now;
	struct sigstate ss;
	struct pollfd pfd[2];
	struct timespec ts;
	size_t tl = 0, cl = 0;
	sigset_t all;
	siginfo_t si;
	pid_t pid, w, self = getpid();

	memset(r, 0, sizeof(*r));
	if (pipe2(errp, O_CLOEXEC) != 0)
		return -1;
	if (capture != NULL && pipe2(outp, O_CLOEXEC) != 0) {
		close(errp[0]);
		close(errp[1]);
		return -1;
	}
	pfd[0].fd = errp[0];
	pfd[1].fd = outp[0];
	catch_stop_sigs(&ss);
	/* No handler of ours or the caller's may run in the child. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	if ((pid = fork()) == 0)
		child(path, argv, out, outp[1], errp[1], self);
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &ss.run_mask, NULL);
	close(errp[1]);
	if (outp[1] != -1)
		close(outp[1]);
	if (pid == -1) {
		errno = saved;
		goto out;
	}
	/* Also here: kill(-pid) must not find no group, nor another one. */
	setpgid(pid, pid);
	pfd[0].events = pfd[1].events = POLLIN;
	fcntl(pfd[0].fd, F_SETFL, O_NONBLOCK);
	if (pfd[1].fd >= 0)
		fcntl(pfd[1].fd, F_SETFL, O_NONBLOCK);
	if (timeout > 0)
		deadline = now_ms() + (int64_t)timeout * 1000;
	/*
	 * Wake up now and then to see whether the child is gone: a grandchild
	 * may hold its pipes open.  WNOWAIT leaves it a zombie, which keeps
	 * its pid, and so its group's id, from being reused until reaped.
	 */
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG |
		    WNOWAIT) != 0) {
			if (errno != EINTR)
				break;
		} else if (si.si_pid == pid) {
			break;
		}
		stop_group(pid, r, &deadline, &kill_at);
		ms = pfd[0].fd < 0 && pfd[1].fd < 0 ? 20 : 200;
		now = now_ms();
		if (deadline > 0 && deadline - now < ms)
			ms = deadline < now ? 0 : (int)(deadline - now);
		if (kill_at > 0 && kill_at - now < ms)
			ms = kill_at < now ? 0 : (int)(kill_at - now);
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (long)(ms % 1000) * 1000000;
		if (ppoll(pfd, 2, &ts, &ss.wait_mask) > 0)
			read_pipes(pfd, 0, r, &tl, capture, &cl, len);
	}
	/*
	 * Also when waitid() failed (the step reaped behind our back, which
	 * the SIGCHLD setting above should rule out): leftovers are killed.
	 */
	saved = errno;
	kill(-pid, SIGKILL);
	while ((w = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		;
	if (w != pid)
		saved = w == -1 ? errno : saved;
	read_pipes(pfd, 1, r, &tl, capture, &cl, len);
	if (w != pid) {
		errno = saved;
		goto out;
	}
	r->tail[tl] = '\0';
	if (capture != NULL)
		capture[cl] = '\0';
	if (WIFEXITED(st)) {
		r->code = WEXITSTATUS(st);
	} else {
		r->code = -1;
		r->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
	rc = 0;
out:
	saved = errno;
	if (pfd[0].fd >= 0)
		close(pfd[0].fd);
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	restore_stop_sigs(&ss);
	/* Taken now by the caller's handler, or the default: we end here. */
	if (got_sig != 0) {
		r->interrupted = got_sig;
		raise(got_sig);
	}
	errno = saved;
	return rc;
}

/* "triage-walk (triage) 0.1.0\nlibtsk 4.12.0\n..." as an object. */
static tr_rec *
versions_of(const char *path, const char *tool, unsigned timeout)
{
	char out[2048], *line, *save = NULL, *sp;
	char *argv[] = { (char *)tool, "--version", NULL };
	struct run r;
	tr_rec *v;

	if ((v = tr_rec_new_object()) == NULL)
		return NULL;
	if (strcmp(tool, "triage-collect") == 0) {
		/* What every tool's --version prints, so the keys match. */
		tr_version_text(tool, out, sizeof(out));
	} else if (run_tool(path, argv, NULL, &r, out, sizeof(out), timeout) != 0 ||
	    r.code != 0) {
		return v;
	}
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp++ = '\0';
		if (strncmp(sp, "(triage) ", 9) == 0)
			sp += 9;
		tr_rec_set_text(v, line, sp, strlen(sp));
	}
	return v;
}

static int
owned(const struct step *s, const char *name)
{
	size_t i, n;

	for (i = 0; i < 3 && s->owns[i] != NULL; i++) {
		n = strlen(s->owns[i]);
		if (s->owns[i][n - 1] == '*' ?
		    strncmp(name, s->owns[i], n - 1) == 0 :
		    strcmp(name, s->owns[i]) == 0)
			return 1;
	}
	return 0;
}

static tr_rec *rm_list;
static size_t rm_skip;

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag != FTW_DP && rm_list != NULL)
		tr_rec_append_str(rm_list, path + rm_skip);
	return remove(path) == 0 ? 0 : -1;
}

/* Remove what a step wrote before (an interrupted or failed run). */
static void
clear_outputs(struct collect *c, const struct step *s, tr_rec *entry)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp;

	if ((dp = opendir(c->dir)) == NULL)
		return;
	rm_list = tr_rec_new_array();
	rm_skip = strlen(c->dir) + 1;
	while ((d = readdir(dp)) != NULL) {
		if (!owned(s, d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->dir, d->d_name);
		if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
			say(c, TR_COLLECT_WARN, "cannot remove '%s': %s", path,
			    strerror(errno));
	}
	closedir(dp);
	if (rm_list != NULL && tr_rec_array_size(rm_list) > 0)
		tr_rec_set_rec(entry, "removed", rm_list);
	else
		tr_rec_free(rm_list);
	rm_list = NULL;
}

/* List every file the step owns in entry's outputs. */
static void
list_outputs(struct collect *c, const struct step *s, tr_rec *entry)
{
	struct dirent **names = NULL;
	tr_error err;
	int n, i;

	if ((n = scandir(c->dir, &names, NULL, alphasort)) < 0)
		return;
	for (i = 0; i < n; i++) {
		if (owned(s, names[i]->d_name) &&
		    tr_custody_add_output(entry, c->dir, names[i]->d_name,
		    &err) != TR_OK)
			say(c, TR_COLLECT_WARN, "%s", err.msg);
		free(names[i]);
	}
	free(names);
}

static tr_rec *
new_entry(struct collect *c, const struct step *s, const char *path,
    char *const argv[])
{
	tr_rec *e = tr_rec_new_object(), *a = tr_rec_new_array();
	size_t i;

	if (e == NULL || a == NULL) {
		tr_rec_free(e);
		tr_rec_free(a);
		c->rc = tri_error_set(c->err, TR_ENOMEM, "out of memory");
		return NULL;
	}
	tr_rec_set_str(e, "step", s->name);
	tr_rec_set_str(e, "tool", s->tool);
	if (path != NULL && strchr(path, '/') != NULL)
		tr_rec_set_text(e, "path", path, strlen(path));
	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		tr_rec_append_str(a, argv[i]);
	tr_rec_set_rec(e, "argv", a);
	if (s->out != NULL)
		tr_rec_set_str(e, "stdout", s->out);
	tr_rec_set_text(e, "source", c->source, strlen(c->source));
	tr_rec_set_text(e, "examiner", c->examiner, strlen(c->examiner));
	if (c->case_number != NULL)
		tr_rec_set_text(e, "case_number", c->case_number,
		    strlen(c->case_number));
	tr_rec_set_text(e, "host", c->host, strlen(c->host));
	return e;
}

/*
 * A stop signal came while a step ran and the caller's handler returned:
 * the step was stopped and gets no entry, and the collection ends unsealed
 * (as if killed), to go on with resume.
 */
static int
interrupted(struct collect *c, const struct step *s)
{
	int sig = got_sig;

	if (sig == 0)
		return 0;
	c->rc = tri_error_set(c->err, TR_EIO, "collection interrupted by %s "
	    "during step %s: its processes were stopped; go on with "
	    "--resume", sig == SIGHUP ? "SIGHUP" : sig == SIGINT ? "SIGINT" :
	    sig == SIGQUIT ? "SIGQUIT" : "SIGTERM", s->name);
	return 1;
}

static int
append(struct collect *c, tr_rec *e)
{
	c->rc = tr_custody_append(c->dir, e, NULL, c->err);
	tr_rec_free(e);
	return c->rc;
}

/* A step that did not run: recorded with its reason. */
static void
skip_step(struct collect *c, enum step_id id, const char *why)
{
	char t[TR_TIME_STR_MAX];
	tr_rec *e;

	if (c->rc != TR_OK || (e = new_entry(c, &steps[id], NULL, NULL)) == NULL)
		return;
	now_utc(t);
	tr_rec_set_str(e, "started", t);
	tr_rec_set_str(e, "finished", t);
	tr_rec_set_str(e, "status", "skipped");
	tr_rec_set_text(e, "note", why, strlen(why));
	if (append(c, e) != TR_OK)
		return;
	c->status[id] = -1;
	say(c, TR_COLLECT_PROGRESS, "[%s] skipped: %s", steps[id].name, why);
}

/* c->status[] of a step from its custody "status" and "exit". */
static int
status_of(const char *st, int code)
{
	if (st == NULL)
		return 0;
	if (strcmp(st, "ok") == 0)
		return 1;
	if (strcmp(st, "none") == 0)
		return 2;
	if (strcmp(st, "skipped") == 0)
		return -1;
	return code + 1 > 2 ? code + 1 : 3;
}

/*
 * Run one step: argv[0] is the tool's name; its stdout goes to the step's
 * file in CASE.  exit 1 ("nothing found") is a completed step.
 */
static void
run_step(struct collect *c, enum step_id id, char *argv[])
{
	const struct step *s = &steps[id];
	char path[PATH_MAX], out[PATH_MAX], t[TR_TIME_STR_MAX], note[128];
	const char *st, *last;
	struct run r;
	tr_rec *e;
	size_t i, len;
	char *line;

	if (c->rc != TR_OK)
		return;
	tool_path(s->tool, path, sizeof(path));
	if ((e = new_entry(c, s, path, argv)) == NULL)
		return;
	tr_rec_set_rec(e, "versions", versions_of(path, s->tool,
	    c->timeout));
	if (interrupted(c, s)) {
		tr_rec_free(e);
		return;
	}
	clear_outputs(c, s, e);
	if (s->out != NULL)
		snprintf(out, sizeof(out), "%s/%s", c->dir, s->out);
	if (c->msg != NULL) {
		len = strlen(s->name) + 3 + (s->out != NULL ? strlen(out) + 3 :
		    0);
		for (i = 0; argv[i] != NULL; i++)
			len += strlen(argv[i]) + 1;
		if ((line = malloc(len + 1)) != NULL) {
			len = (size_t)sprintf(line, "[%s]", s->name);
			for (i = 0; argv[i] != NULL; i++)
				len += (size_t)sprintf(line + len, " %s",
				    argv[i]);
			if (s->out != NULL)
				sprintf(line + len, " > %s", out);
			c->msg(c->msg_arg, TR_COLLECT_PROGRESS, line);
			free(line);
		}
	}
	now_utc(t);
	tr_rec_set_str(e, "started", t);
	if (run_tool(path, argv, s->out != NULL ? out : NULL, &r, NULL, 0,
	    c->timeout) != 0) {
		r.code = 127;
		snprintf(r.tail, sizeof(r.tail), "cannot run '%.1024s': %s", path,
		    strerror(errno));
	}
	if (interrupted(c, s)) {
		tr_rec_free(e);
		return;
	}
	now_utc(t);
	tr_rec_set_str(e, "finished", t);
	st = r.timed_out ? "failed" : r.code == 0 ? "ok" : r.code == 1 &&
	    (id == S_SCAN || id == S_EXTRACT || id == S_PARSE ||
	    id == S_DETECT) ? "none" : "failed";
	tr_rec_set_str(e, "status", st);
	if (r.code >= 0)
		tr_rec_set_int(e, "exit", r.code);
	if (r.sig > 0)
		tr_rec_set_int(e, "signal", r.sig);
	if (r.tail[0] != '\0')
		tr_rec_set_text(e, "stderr_tail", r.tail, strlen(r.tail));
	if (r.timed_out) {
		snprintf(note, sizeof(note), "timed out after %u s "
		    "(--step-timeout): killed with %s", c->timeout,
		    r.timed_out == 1 ? "SIGTERM" : "SIGKILL");
		tr_rec_set_str(e, "note", note);
	}
	list_outputs(c, s, e);
	if (append(c, e) != TR_OK)
		return;
	c->status[id] = status_of(st, r.code);
	if (r.timed_out) {
		c->failed++;
		say(c, TR_COLLECT_ERROR, "[%s] failed: %s", s->name, note);
	} else if (strcmp(st, "failed") == 0) {
		c->failed++;
		last = r.tail;
		while (strchr(last, '\n') != NULL && strchr(last, '\n')[1])
			last = strchr(last, '\n') + 1;
		say(c, TR_COLLECT_ERROR, "[%s] failed (%s %d): %.*s", s->name,
		    r.sig ? "signal" : "exit", r.sig ? r.sig : r.code,
		    (int)strcspn(last, "\n"), last);
	} else {
		say(c, TR_COLLECT_PROGRESS, "[%s] %s", s->name, r.code == 1 ?
		    "done, nothing found" : "done");
	}
}

static int
ok(const struct collect *c, enum step_id id)
{
	return c->status[id] == 1 || c->status[id] == 2;
}

/* Which artifact groups fit: /etc/passwd, Windows/System32 in files.jsonl. */
static unsigned
detect_os(const struct collect *c)
{
	char path[PATH_MAX];
	tr_jsonl_reader *rd;
	tr_rec *r;
	const char *p;
	unsigned os = 0;

	snprintf(path, sizeof(path), "%s/files.jsonl", c->dir);
	if (tr_jsonl_reader_open(&rd, path, NULL) != TR_OK)
		return 0;
	while (os != 3 && tr_jsonl_read(rd, &r, NULL) != 0) {
		if (r == NULL)
			continue;
		if ((p = tr_rec_get_str(r, "path")) != NULL) {
			if (strcmp(p, "/etc/passwd") == 0)
				os |= 1;
			if (strcasecmp(p, "/Windows/System32") == 0)
				os |= 2;
		}
		tr_rec_free(r);
	}
	tr_jsonl_reader_close(rd);
	return os;
}

/* argv[] = the arguments given, up to a NULL. */
static char **
setv(char **argv, ...)
{
	va_list ap;
	char *a;
	int n = 0;

	va_start(ap, argv);
	while ((a = va_arg(ap, char *)) != NULL && n < 15)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return argv;
}

/* Close the log: a seal entry, so that a log cut short is caught. */
static void
seal(struct collect *c)
{
	static const struct step s = { TR_CUSTODY_SEAL, "triage-collect",
	    NULL, { NULL } };
	char t[TR_TIME_STR_MAX];
	tr_rec *e;

	if (c->rc != TR_OK || (e = new_entry(c, &s, NULL, NULL)) == NULL)
		return;
	now_utc(t);
	tr_rec_set_str(e, "started", t);
	tr_rec_set_str(e, "finished", t);
	tr_rec_set_str(e, "status", "ok");
	tr_rec_set_int(e, "failed_steps", c->failed);
	(void)append(c, e);
}

static void
collect_steps(struct collect *c, enum step_id from)
{
	char p1[PATH_MAX], p2[PATH_MAX], p3[PATH_MAX], p4[PATH_MAX];
	char *argv[16], *src = (char *)c->source;
	const char *sigma;
	unsigned os;
	int n;

	if (from <= S_HASH) {
		if (c->is_dir)
			skip_step(c, S_HASH, "a folder has no media data");
		else
			run_step(c, S_HASH, setv(argv, "triage-collect",
			    "--hash-only", "--", src, NULL));
	}
	if (from <= S_INFO)
		run_step(c, S_INFO, setv(argv, "triage-info", "--", src, NULL));
	if (c->acquire && from <= S_ACQUIRE) {
		snprintf(p1, sizeof(p1), "%s/image", c->dir);
		n = 0;
		argv[n++] = "triage-acquire";
		argv[n++] = "--format=e01";
		argv[n++] = "--hash=md5,sha256";
		if (c->case_number != NULL) {
			argv[n++] = "--case-number";
			argv[n++] = (char *)c->case_number;
		}
		argv[n++] = "--examiner";
		argv[n++] = (char *)c->examiner;
		argv[n++] = "--output";
		argv[n++] = p1;
		argv[n++] = "--";
		argv[n++] = src;
		argv[n] = NULL;
		if (c->is_dir)
			skip_step(c, S_ACQUIRE, "a folder cannot be imaged");
		else
			run_step(c, S_ACQUIRE, argv);
	}
	if (c->acquire && (ok(c, S_ACQUIRE) || from > S_ACQUIRE) &&
	    access(c->image, R_OK) == 0)
		c->src = c->image;
	src = (char *)c->src;
	if (from <= S_WALK)
		run_step(c, S_WALK, setv(argv, "triage-walk", "--hash",
		    "sha256", "--", src, NULL));
	/* Known-file sets over the walk, when asked and installed. */
	if (from <= S_KNOWN && c->known != NULL && ok(c, S_WALK) &&
	    tool_exists("triage-known")) {
		snprintf(p2, sizeof(p2), "%s/files.jsonl", c->dir);
		run_step(c, S_KNOWN, setv(argv, "triage-known", "--db",
		    (char *)c->known, "--", p2, NULL));
	}
	if (from <= S_EXTRACT) {
		os = ok(c, S_WALK) ? detect_os(c) : 3;
		snprintf(p1, sizeof(p1), "%s/artifacts", c->dir);
		n = 0;
		argv[n++] = "triage-extract";
		if (os & 1)
			argv[n++] = "--artifact=linux-triage";
		if (os & 2)
			argv[n++] = "--artifact=windows-triage";
		setv(argv + n, "--output", p1, "--", src, NULL);
		if (os == 0)
			skip_step(c, S_EXTRACT,
			    "no Linux (/etc/passwd) nor Windows "
			    "(Windows/System32) system found");
		else
			run_step(c, S_EXTRACT, argv);
	}
	/* Events from the artifacts, read in place (the served ones). */
	if (from <= S_PARSE)
		run_step(c, S_PARSE, setv(argv, "triage-parse", "--", src,
		    NULL));
	/* Sigma over them, when triage-detect and its rules are here. */
	if (from <= S_DETECT && ok(c, S_PARSE) && tool_exists("triage-detect")
	    && (sigma = sigma_path(c->sigma_buf, sizeof(c->sigma_buf))) !=
	    NULL) {
		snprintf(p2, sizeof(p2), "%s/parsed.jsonl", c->dir);
		run_step(c, S_DETECT, setv(argv, "triage-detect", "--rules",
		    (char *)sigma, "--", p2, NULL));
	}
	if (from <= S_SCAN)
		run_step(c, S_SCAN, setv(argv, "triage-scan", "--rules",
		    (char *)c->rules, "--", src, NULL));
	if (from <= S_TIMELINE) {
		/* known.jsonl: the file records of files.jsonl, flagged. */
		snprintf(p2, sizeof(p2), "%s/%s", c->dir, ok(c, S_KNOWN) ?
		    "known.jsonl" : "files.jsonl");
		snprintf(p3, sizeof(p3), "%s/hits.jsonl", c->dir);
		snprintf(p4, sizeof(p4), "%s/parsed.jsonl", c->dir);
		n = 0;
		argv[n++] = "triage-timeline";
		argv[n++] = "--";
		argv[n++] = p2;
		if (ok(c, S_SCAN))
			argv[n++] = p3;
		if (ok(c, S_PARSE))
			argv[n++] = p4;
		argv[n] = NULL;
		if (!ok(c, S_WALK))
			skip_step(c, S_TIMELINE, "the walk step failed");
		else
			run_step(c, S_TIMELINE, argv);
	}
	snprintf(p1, sizeof(p1), "%s/report.html", c->dir);
	run_step(c, S_REPORT, setv(argv, "triage-report", "--output", p1, "--",
	    (char *)c->dir, NULL));
}

int
tr_collect_hash(const char *source, tr_rec **out, tr_error *err)
{
	char md5[TR_HASH_HEX_MAX], sha256[TR_HASH_HEX_MAX];
	char t0[TR_TIME_STR_MAX], t1[TR_TIME_STR_MAX];
	unsigned char *buf = NULL;
	tr_source *src = NULL;
	tr_hash *h = NULL;
	tr_rec *r;
	uint64_t off = 0, size;
	int64_t n;
	int rc;

	*out = NULL;
	if ((rc = tr_source_open(&src, source, NULL, 0, err)) != TR_OK ||
	    (rc = tr_hash_new(&h, TR_HASH_MD5 | TR_HASH_SHA256, err)) !=
	    TR_OK)
		goto out;
	if (tr_source_is_dir(src)) {
		rc = tri_error_set(err, TR_EINVAL,
		    "'%s' is a folder: no media data to hash", source);
		goto out;
	}
	if ((buf = malloc(HASH_BUF)) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	now_utc(t0);
	size = tr_source_size(src);
	while (off < size) {
		n = tr_source_read(src, off, buf, HASH_BUF, err);
		if (n <= 0) {
			rc = n < 0 ? TR_EIO : tri_error_set(err, TR_EIO,
			    "short read");
			goto out;
		}
		tr_hash_update(h, buf, (size_t)n);
		off += (uint64_t)n;
	}
	tr_hash_final(h, md5, NULL, sha256);
	now_utc(t1);
	if ((r = tr_rec_new("hash")) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	tr_rec_set_text(r, "source", source, strlen(source));
	tr_rec_set_str(r, "format", tr_source_format(src));
	tr_rec_set_uint(r, "size", size);
	tr_rec_set_str(r, "md5", md5);
	tr_rec_set_str(r, "sha256", sha256);
	tr_rec_set_str(r, "started", t0);
	tr_rec_set_str(r, "finished", t1);
	*out = r;
	rc = TR_OK;
out:
	free(buf);
	tr_hash_free(h);
	tr_source_close(src);
	return rc;
}

static void
resume_warn(void *arg, const char *msg)
{
	struct collect *c = arg;

	/* Leftovers of an interrupted step are removed when it runs again. */
	if (strstr(msg, "': added: ") != NULL) {
		c->bad[1]++;
		return;
	}
	c->bad[0]++;
	say(c, TR_COLLECT_ERROR, "%s", msg);
}

/* Where to go on in an existing case: the first step not completed. */
static int
resume_point(struct collect *c, enum step_id *from)
{
	char path[PATH_MAX];
	tr_jsonl_reader *rd;
	tr_error err;
	tr_rec *r;
	const char *name, *v;
	int64_t code;
	int id, first = 1, rc;

	if (tr_custody_verify(c->dir, resume_warn, c, NULL, NULL, NULL,
	    &err) != TR_OK)
		return tri_error_set(c->err, err.code, "cannot resume: %s",
		    err.msg);
	if (c->bad[1] > 0)
		say(c, TR_COLLECT_WARN, "%u files are not in the custody log "
		    "(left by an unfinished step?); those of the steps run "
		    "again are replaced", c->bad[1]);
	if (c->bad[0] > 0)
		return tri_error_set(c->err, TR_EINVAL, "cannot resume '%s': "
		    "its custody log does not check out (see above)", c->dir);
	snprintf(path, sizeof(path), "%s/%s", c->dir, TR_CUSTODY_LOG);
	if ((rc = tr_jsonl_reader_open(&rd, path, c->err)) != TR_OK)
		return rc;
	while ((rc = tr_jsonl_read(rd, &r, &err)) != 0) {
		if (rc < 0)
			continue;
		if (first) {
			v = tr_rec_get_str(r, "source");
			if (v == NULL || strcmp(v, c->source) != 0) {
				rc = tri_error_set(c->err, TR_EINVAL,
				    "cannot resume '%s': it was collected "
				    "from '%s', not '%s'", c->dir, v != NULL ?
				    v : "?", c->source);
				tr_rec_free(r);
				tr_jsonl_reader_close(rd);
				return rc;
			}
			if (c->examiner == NULL &&
			    (v = tr_rec_get_str(r, "examiner")) != NULL) {
				snprintf(c->ex_buf, sizeof(c->ex_buf), "%s", v);
				c->examiner = c->ex_buf;
			}
			if (c->case_number == NULL &&
			    (v = tr_rec_get_str(r, "case_number")) != NULL) {
				snprintf(c->cn_buf, sizeof(c->cn_buf), "%s", v);
				c->case_number = c->cn_buf;
			}
			first = 0;
		}
		name = tr_rec_get_str(r, "step");
		c->sealed = name != NULL && strcmp(name, TR_CUSTODY_SEAL) == 0;
		for (id = 0; id < NSTEPS && name != NULL; id++) {
			if (strcmp(name, steps[id].name) != 0)
				continue;
			code = 0;
			tr_rec_get_int(r, "exit", &code);
			c->status[id] = status_of(tr_rec_get_str(r, "status"),
			    (int)code);
			if (id == S_ACQUIRE)
				c->acquire = 1;
		}
		tr_rec_free(r);
	}
	tr_jsonl_reader_close(rd);
	for (id = 0; id < NSTEPS; id++) {
		if (id == S_ACQUIRE && !c->acquire)
			continue;
		/* Optional steps that would not run now. */
		if (c->status[id] == 0 && ((id == S_KNOWN && (c->known ==
		    NULL || !tool_exists("triage-known"))) || (id == S_DETECT &&
		    (!tool_exists("triage-detect") || sigma_path(c->sigma_buf,
		    sizeof(c->sigma_buf)) == NULL))))
			continue;
		if (!ok(c, (enum step_id)id) && !(c->status[id] == -1 &&
		    (id == S_HASH || id == S_ACQUIRE)))
			break;
	}
	*from = (enum step_id)id;
	return TR_OK;
}

/* Make or check CASE: new or empty, unless resuming. */
static int
prepare_case(struct collect *c, int resume)
{
	char rs[PATH_MAX], rc_[PATH_MAX], path[PATH_MAX];
	struct dirent *d;
	struct stat st;
	size_t n = 0, len;
	DIR *dp;

	if (mkdir(c->dir, 0755) != 0 && errno != EEXIST)
		return tri_error_set(c->err, TR_EIO, "cannot create case "
		    "folder '%s': %s", c->dir, strerror(errno));
	/*
	 * One collection at a time in a case folder, for the whole run: two
	 * --resume runs would otherwise run the same steps side by side.  The
	 * lock is on the folder itself, so the case holds no extra file.
	 */
	if ((c->lock_fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) <
	    0)
		return tri_error_set(c->err, TR_EIO, "cannot open case "
		    "folder '%s': %s", c->dir, strerror(errno));
	if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return tri_error_set(c->err, errno == EWOULDBLOCK ? TR_EINVAL :
		    TR_EIO, "case folder '%s': %s", c->dir,
		    errno == EWOULDBLOCK ? "another triage-collect is working "
		    "in it" : strerror(errno));
	if ((dp = opendir(c->dir)) == NULL)
		return tri_error_set(c->err, TR_EIO, "cannot open case "
		    "folder '%s': %s", c->dir, strerror(errno));
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	snprintf(path, sizeof(path), "%s/%s", c->dir, TR_CUSTODY_LOG);
	if (n > 0 && !resume)
		return tri_error_set(c->err, TR_EINVAL, "case folder '%s' is "
		    "not empty: use --resume to continue a collection, or "
		    "give a new folder", c->dir);
	if (n > 0 && lstat(path, &st) != 0)
		return tri_error_set(c->err, TR_EINVAL, "cannot resume '%s': "
		    "it has no %s", c->dir, TR_CUSTODY_LOG);
	/* Never write inside a live source. */
	if (c->is_dir && realpath(c->source, rs) != NULL &&
	    realpath(c->dir, rc_) != NULL) {
		len = strlen(rs);
		if (strncmp(rs, rc_, len) == 0 && (rc_[len] == '/' ||
		    rc_[len] == '\0' || strcmp(rs, "/") == 0)) {
			rmdir(c->dir);
			return tri_error_set(c->err, TR_EINVAL, "case folder "
			    "'%s' is inside the source '%s'", c->dir,
			    c->source);
		}
	}
	return TR_OK;
}

static const char *
login_name(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *u = getenv("USER");

	if (pw != NULL && pw->pw_name != NULL)
		return pw->pw_name;
	return u != NULL && *u != '\0' ? u : "unknown";
}

int
tr_collect_run(const tr_collect_opts *opts, tr_collect_result *res,
    tr_error *err)
{
	struct collect *c;
	struct stat st;
	enum step_id from = S_HASH;
	char path[PATH_MAX];
	int rc;

	memset(res, 0, sizeof(*res));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	c->source = c->src = opts->source;
	c->dir = opts->case_dir;
	c->examiner = opts->examiner;
	c->case_number = opts->case_number;
	c->acquire = opts->acquire;
	c->known = opts->known;
	c->timeout = opts->step_timeout;
	c->msg = opts->msg;
	c->msg_arg = opts->msg_arg;
	c->err = err;
	c->lock_fd = -1;
	got_sig = 0;
	if (stat(c->source, &st) != 0) {
		rc = tri_error_set(err, errno == ENOENT ? TR_ENOTFOUND : TR_EIO,
		    "cannot open '%s': %s", c->source, strerror(errno));
		goto out;
	}
	c->rules = opts->rules != NULL ? opts->rules : rules_path(c->rules_buf,
	    sizeof(c->rules_buf));
	c->is_dir = S_ISDIR(st.st_mode);
	if (gethostname(c->host, sizeof(c->host) - 1) != 0)
		strcpy(c->host, "unknown");
	snprintf(c->image, sizeof(c->image), "%s/image.E01", c->dir);
	if ((rc = prepare_case(c, opts->resume)) != TR_OK)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", c->dir, TR_CUSTODY_LOG);
	if (opts->resume && lstat(path, &st) == 0 &&
	    (rc = resume_point(c, &from)) != TR_OK)
		goto out;
	if (c->examiner == NULL)
		c->examiner = login_name();
	if (from == NSTEPS) {
		if (!c->sealed)
			seal(c);
		res->already_done = 1;
		rc = c->rc;
		goto out;
	}
	if (from > S_HASH)
		say(c, TR_COLLECT_PROGRESS, "resuming '%s' at step %s", c->dir,
		    steps[from].name);
	collect_steps(c, from);
	seal(c);
	if ((rc = c->rc) != TR_OK)
		goto out;
	res->failed = c->failed;
	if (tr_custody_verify(c->dir, NULL, NULL, &res->problems, NULL,
	    res->head, NULL) == TR_OK)
		res->verified = 1;
out:
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c);
	return rc;
}
