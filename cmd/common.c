/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the triage programs: exit codes, diagnostics, number parsing. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common.h"

const char *cli_progname = "triage";
int cli_quiet;

void
cli_init(const char *progname)
{
	tr_error err;
	const char *slash = strrchr(progname, '/');

	cli_progname = slash != NULL ? slash + 1 : progname;
	if (strncmp(cli_progname, "lt-", 3) == 0)
		cli_progname += 3;
	if (tr_library_init(&err) != TR_OK) {
		cli_error("%s", err.msg);
		exit(CLI_EXIT_TROUBLE);
	}
	atexit(tr_library_fini);
}

static void
vmsg(const char *fmt, va_list ap)
{
	char buf[2048], safe[4 * sizeof(buf)];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "%s: %s\n", cli_progname,
	    tr_text_safe(buf, safe, sizeof(safe)));
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	if (cli_quiet)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
cli_warn_cb(void *counter, const char *msg)
{
	if (counter != NULL)
		(*(unsigned *)counter)++;
	cli_warn("%s", msg);
}

void
cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\nTry '%s --help'.\n", usage, cli_progname);
	exit(CLI_EXIT_TROUBLE);
}

void
cli_help(const char *text)
{
	fputs(text, stdout);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? CLI_EXIT_OK :
	    CLI_EXIT_TROUBLE);
}

void
cli_version(void)
{
	char buf[1024];

	tr_version_text(cli_progname, buf, sizeof(buf));
	fputs(buf, stdout);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? CLI_EXIT_OK :
	    CLI_EXIT_TROUBLE);
}

int
cli_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (s == NULL || *s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

int
cli_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	char num[32];
	const char *p = s, *u;
	uint64_t v, mul = 1;
	size_t n;

	if (s == NULL)
		return -1;
	while (*p >= '0' && *p <= '9')
		p++;
	n = (size_t)(p - s);
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	if (cli_parse_u64(num, &v) != 0)
		return -1;
	if (*p != '\0') {
		if ((u = strchr(units, *p >= 'a' ? *p - 32 : *p)) == NULL)
			return -1;
		mul = 1024;
		for (n = 0; units[n] != *u; n++)
			mul *= 1024;
		p++;
		if (strcasecmp(p, "") != 0 && strcasecmp(p, "B") != 0 &&
		    strcasecmp(p, "iB") != 0)
			return -1;
	}
	if (v != 0 && mul > UINT64_MAX / v)
		return -1;
	*out = v * mul;
	return 0;
}

int
cli_parse_int(const char *s, int min, int max, int *out)
{
	uint64_t v;

	if (cli_parse_u64(s, &v) != 0 || v > (uint64_t)max ||
	    (int64_t)v < (int64_t)min)
		return -1;
	*out = (int)v;
	return 0;
}

int
cli_parse_volume(const char *s, int *out)
{
	return cli_parse_int(s, 0, 1 << 30, out);
}

static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;

void
cli_progress_error(void *progress, const char *msg)
{
	pthread_mutex_lock(&progress_lock);
	tr_progress_clear(progress);
	cli_error("%s", msg);
	pthread_mutex_unlock(&progress_lock);
}

void
cli_progress_warn(void *progress, const char *msg)
{
	pthread_mutex_lock(&progress_lock);
	tr_progress_clear(progress);
	cli_warn("%s", msg);
	pthread_mutex_unlock(&progress_lock);
}

void
cli_progress_count(void *progress, uint64_t items, uint64_t bytes)
{
	pthread_mutex_lock(&progress_lock);
	tr_progress_add(progress, items, bytes);
	pthread_mutex_unlock(&progress_lock);
}

int
cli_parse_progress(const char *usage, const char *arg)
{
	if (arg == NULL)
		return 1;
	if (strcmp(arg, "json") == 0)
		return 2;
	cli_usage_error(usage, "invalid progress '%s': use --progress or "
	    "--progress=json", arg);
}

tr_progress *
cli_progress_start(int mode)
{
	if (mode == 0 && isatty(STDERR_FILENO))
		mode = 1;
	if (mode == 0)
		return NULL;
	return tr_progress_new_total(stderr, cli_progname, TR_PROGRESS_FORCE |
	    (mode == 2 ? TR_PROGRESS_JSON : 0));
}
volatile int cli_stop;

static void
on_stop(int sig)
{
	(void)sig;
	cli_stop = 1;
}

void
cli_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

tr_jsonl *
cli_open_output(int unbuffered)
{
	tr_jsonl *w;
	tr_error err;

	if (tr_jsonl_open(&w, stdout, unbuffered ? TR_JSONL_UNBUFFERED : 0,
	    &err) != TR_OK) {
		cli_error("%s", err.msg);
		exit(CLI_EXIT_TROUBLE);
	}
	return w;
}

int
cli_close_output(tr_jsonl *w, int status)
{
	tr_error err;

	if (tr_jsonl_close(w, &err) != TR_OK) {
		cli_error("%s", err.msg);
		return CLI_EXIT_TROUBLE;
	}
	return status;
}

/* Optimal string alignment distance (Damerau: a swap of two neighbours is
 * one edit), for "did you mean".  Words longer than 63 bytes: no match. */
static int
edit_distance(const char *a, const char *b)
{
	int d[64][64], i, j, la = (int)strlen(a), lb = (int)strlen(b), c;

	if (la > 63 || lb > 63)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = a[i - 1] != b[j - 1];
			d[i][j] = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < d[i][j])
				d[i][j] = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + c < d[i][j])
				d[i][j] = d[i - 1][j - 1] + c;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

const char *
cli_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	int bd = 3, d;
	size_t i;

	for (i = 0; i < n; i++) {
		d = edit_distance(word, cands[i]);
		/* One edit for short words, two from five letters on. */
		if (d < bd && (d <= 1 || strlen(cands[i]) >= 5)) {
			bd = d;
			best = cands[i];
		}
	}
	return best;
}

void
cli_set_timezone(const char *usage, const char *zone)
{
	tr_error err;

	if (tr_timezone_set(zone, &err) != TR_OK)
		cli_usage_error(usage, "%s", err.msg);
}
