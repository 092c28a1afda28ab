/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A progress line redrawn in place on a terminal: items and bytes (walk,
 * scan, extract), or bytes of a known total with an ETA (acquire, verify),
 * the latter also as JSON objects for wrappers.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct tr_progress {
	FILE		*fp;
	const char	*prefix, *noun;
	uint64_t	items, bytes;
	double		t0, next;	/* start, next redraw (in s) */
	unsigned	calls;
	int		shown;		/* width of the line drawn */
	unsigned	flags;		/* TR_PROGRESS_*, for tr_progress_bytes */
};

#define INTERVAL	0.25

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

tr_progress *
tr_progress_new(FILE *fp, const char *prefix, const char *noun)
{
	tr_progress *p;

	if (fp == NULL || !isatty(fileno(fp)) ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->fp = fp;
	p->prefix = prefix;
	p->noun = noun;
	p->t0 = p->next = now();	/* the first update draws at once */
	return p;
}

/* Append to the line, which stays NUL-terminated when full. */
static void
put(char *line, size_t cap, size_t *len, const char *fmt, ...)
    TRI_PRINTF(4, 5);

static void
put(char *line, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

void
tr_progress_add(tr_progress *p, uint64_t items, uint64_t bytes)
{
	char line[200];
	double t, secs, mib;
	size_t len = 0;
	unsigned el;

	if (p == NULL)
		return;
	p->items += items;
	p->bytes += bytes;
	if (bytes == 0 && (p->calls++ & 63) != 0)
		return;
	if ((t = now()) < p->next)
		return;
	p->next = t + INTERVAL;
	secs = t - p->t0;
	el = (unsigned)secs;
	mib = (double)p->bytes / 1048576.0;
	put(line, sizeof(line), &len, "%s: %llu %s", p->prefix,
	    (unsigned long long)p->items, p->noun);
	if (p->bytes > 0)
		put(line, sizeof(line), &len, ", %.1f MiB", mib);
	if (secs >= INTERVAL)		/* rates once they mean a thing */
		put(line, sizeof(line), &len, ", %.0f %s/s",
		    (double)p->items / secs, p->noun);
	if (secs >= INTERVAL && p->bytes > 0)
		put(line, sizeof(line), &len, ", %.1f MiB/s", mib / secs);
	put(line, sizeof(line), &len, ", %u:%02u", el / 60, el % 60);
	/* Blank out what is left of a longer line drawn before. */
	fprintf(p->fp, "\r%s%*s", line,
	    (int)len < p->shown ? p->shown - (int)len : 0, "");
	if ((int)len > p->shown)
		p->shown = (int)len;
	fflush(p->fp);
}

void
tr_progress_clear(tr_progress *p)
{
	if (p == NULL || p->shown == 0)
		return;
	fprintf(p->fp, "\r%*s\r", p->shown, "");
	fflush(p->fp);
	p->shown = 0;
}

void
tr_progress_free(tr_progress *p)
{
	tr_progress_clear(p);
	free(p);
}

tr_progress *
tr_progress_new_total(FILE *fp, const char *prefix, unsigned flags)
{
	tr_progress *p;

	if (fp == NULL || (!(flags & TR_PROGRESS_FORCE) && !isatty(fileno(fp)))
	    || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->fp = fp;
	p->prefix = prefix;
	p->flags = flags;
	p->t0 = now();
	p->next = p->t0;		/* the first call draws */
	return p;
}

/* "1:02:03", "2:03" or, under a minute, "4.2 s". */
static const char *
hms(double secs, char buf[32])
{
	unsigned long long s = secs > 0 ? (unsigned long long)(secs + 0.5) : 0;

	if (secs < 59.5)
		snprintf(buf, 32, "%.1f s", secs > 0 ? secs : 0);
	else if (s >= 3600)
		snprintf(buf, 32, "%llu:%02llu:%02llu", s / 3600,
		    s / 60 % 60, s % 60);
	else
		snprintf(buf, 32, "%llu:%02llu", s / 60, s % 60);
	return buf;
}

void
tr_progress_bytes(void *arg, uint64_t done, uint64_t total)
{
	tr_progress *p = arg;
	double t, secs, rate;
	char eta[32], took[32];
	int json, end = done >= total;

	if (p == NULL)
		return;
	json = (p->flags & TR_PROGRESS_JSON) != 0;
	if ((t = now()) < p->next && !end)
		return;
	p->next = t + (json ? 1.0 : 0.5);
	secs = t - p->t0;
	rate = secs >= 1.0 || (end && secs > 0) ? (double)done / secs : 0;
	if (json) {
		fprintf(p->fp, "{\"record\":\"progress\",\"bytes\":%llu,"
		    "\"total\":%llu,\"rate\":%.0f,\"elapsed\":%.1f}\n",
		    (unsigned long long)done, (unsigned long long)total, rate,
		    secs);
		return;
	}
	fprintf(p->fp, "\r%s: %llu of %llu MiB (%.0f%%)", p->prefix,
	    (unsigned long long)(done >> 20), (unsigned long long)(total >> 20),
	    total ? 100.0 * (double)done / (double)total : 100.0);
	if (rate > 0)
		fprintf(p->fp, ", %.1f MiB/s", rate / 1048576.0);
	if (end)
		fprintf(p->fp, ", took %s   \n", hms(secs, took));
	else if (rate > 0)
		fprintf(p->fp, ", ETA %s   ",
		    hms((double)(total - done) / rate, eta));
	else
		fprintf(p->fp, ", ETA --   ");
	fflush(p->fp);
}
