/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the Linux parsers: time zones read from TZif files (RFC 8536)
 * and cached for the run, civil dates, bounded in-memory gunzip, line
 * scanning.  See parse_linux.h.
 */
#include "internal.h"
#include "parse_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define ZONEINFO	"/usr/share/zoneinfo"
#define TZIF_MAX	(1u << 20)

struct tri_tz {
	struct tri_tz	*next;
	char		*name;
	int		utc;
	size_t		n;		/* transitions */
	int64_t		*at;		/* transition times (UTC) */
	int32_t		*off;		/* offset in effect from at[i] */
	int32_t		off0;		/* before the first transition */
};

static struct tri_tz tz_utc = { NULL, (char *)"UTC", 1, 0, NULL, NULL, 0 };
static struct tri_tz *tz_cache;
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64s(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Parse a TZif file (version 2+ data block when present). */
static int
tzif_load(struct tri_tz *z, const uint8_t *d, size_t n, char *why,
    size_t len)
{
	uint32_t cnt[6], i;
	size_t need, tsz = 4, o = 0;
	const uint8_t *tt, *idx, *ti;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (n - o < 44 || memcmp(d + o, "TZif", 4) != 0) {
			snprintf(why, len, "not a TZif file");
			return -1;
		}
		for (i = 0; i < 6; i++)
			cnt[i] = be32(d + o + 20 + 4 * i);
		/* isut, isstd, leap, time, type, char */
		if (cnt[3] > 100000 || cnt[4] == 0 || cnt[4] > 256 ||
		    cnt[5] > 100000 || cnt[2] > 100000) {
			snprintf(why, len, "TZif counts out of range");
			return -1;
		}
		need = 44 + (size_t)cnt[3] * (tsz + 1) + (size_t)cnt[4] * 6 +
		    cnt[5] + (size_t)cnt[2] * (tsz + 4) + cnt[1] + cnt[0];
		if (n - o < need) {
			snprintf(why, len, "TZif file truncated");
			return -1;
		}
		if (pass == 0 && d[o + 4] >= '2') {
			o += need;
			tsz = 8;
			continue;
		}
		break;
	}
	tt = d + o + 44;
	idx = tt + (size_t)cnt[3] * tsz;
	ti = idx + cnt[3];
	z->n = cnt[3];
	z->at = calloc(z->n + 1, sizeof(*z->at));
	z->off = calloc(z->n + 1, sizeof(*z->off));
	if (z->at == NULL || z->off == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	z->off0 = (int32_t)be32(ti);
	for (i = 0; i < cnt[3]; i++) {
		z->at[i] = tsz == 8 ? be64s(tt + 8 * i) :
		    (int64_t)(int32_t)be32(tt + 4 * i);
		if (idx[i] >= cnt[4]) {
			snprintf(why, len, "TZif type index out of range");
			return -1;
		}
		z->off[i] = (int32_t)be32(ti + 6 * idx[i]);
	}
	return 0;
}

static int
tz_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 200 || s[0] == '/' || s[0] == '.' ||
	    strstr(s, "..") != NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (!(*s == '/' || *s == '_' || *s == '-' || *s == '+' ||
		    (*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= 'a' && *s <= 'z')))
			return 0;
	return 1;
}

const tri_tz *
tri_tz_get(const char *name, char *why, size_t len)
{
	struct tri_tz *z;
	char path[512];
	struct stat st;
	uint8_t *buf = NULL;
	ssize_t r;
	size_t got = 0;
	int fd = -1;

	if (name == NULL || strcmp(name, "UTC") == 0 ||
	    strcmp(name, "Etc/UTC") == 0 || strcmp(name, "Z") == 0 ||
	    strcmp(name, "UTC0") == 0)
		return &tz_utc;
	if (!tz_name_ok(name)) {
		snprintf(why, len, "'%s' is not a time zone name", name);
		return NULL;
	}
	pthread_mutex_lock(&tz_lock);
	for (z = tz_cache; z != NULL; z = z->next)
		if (strcmp(z->name, name) == 0)
			goto out;
	snprintf(path, sizeof(path), "%s/%s", ZONEINFO, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > TZIF_MAX) {
		snprintf(why, len, "time zone '%s': %s", name,
		    fd < 0 ? strerror(errno) : "not a TZif file");
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	while (got < (size_t)st.st_size &&
	    (r = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	if ((z = calloc(1, sizeof(*z))) == NULL ||
	    (z->name = strdup(name)) == NULL) {
		free(z);
		z = NULL;
		goto fail;
	}
	if (tzif_load(z, buf, got, why, len) != 0) {
		free(z->at);
		free(z->off);
		free(z->name);
		free(z);
		z = NULL;
		goto fail;
	}
	z->next = tz_cache;
	tz_cache = z;
	goto out;
fail:
	z = NULL;
out:
	pthread_mutex_unlock(&tz_lock);
	if (fd >= 0)
		close(fd);
	free(buf);
	return z;
}

const char *
tri_tz_name(const tri_tz *tz)
{
	return tz->name;
}

int
tri_tz_is_utc(const tri_tz *tz)
{
	return tz->utc;
}

int32_t
tri_tz_offset_at(const tri_tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->n, mid;

	if (tz->utc)
		return 0;
	if (tz->n == 0 || t < tz->at[0])
		return tz->off0;
	/* last i with at[i] <= t */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->off[lo];
}

/*
 * Local wall-clock time to UTC.  An ambiguous time (clocks set back) is
 * the earlier instant; a time in a gap (clocks set forward) is taken with
 * the offset before the gap.
 */
int64_t
tri_tz_to_utc(const tri_tz *tz, int64_t local)
{
	int32_t o1, o2;
	int64_t t, best = INT64_MAX;

	if (tz->utc)
		return local;
	o1 = tri_tz_offset_at(tz, local - 50400);
	o2 = tri_tz_offset_at(tz, local + 50400);
	t = local - o1;
	if (tri_tz_offset_at(tz, t) == o1)
		best = t;
	t = local - o2;
	if (tri_tz_offset_at(tz, t) == o2 && t < best)
		best = t;
	return best != INT64_MAX ? best : local - o1;
}

const tri_tz *
tri_tz_of(tri_parse_ctx *ctx)
{
	const tri_tz *tz;
	char why[256];

	why[0] = '\0';
	tz = tri_tz_get(tri_parse_conf_of(ctx)->timezone, why, sizeof(why));
	if (tz == NULL) {
		tri_parse_warn(ctx, UINT64_MAX, "%s; local times taken as UTC",
		    why);
		tz = &tz_utc;
	}
	return tz;
}

int64_t
tri_days_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
tri_date_valid(int64_t y, int m, int d)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int leap;

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

int
tri_month_abbr(const char *p)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char a = (char)(p[0] | 0x20), b = (char)(p[1] | 0x20),
	    c = (char)(p[2] | 0x20);
	int i;

	for (i = 0; i < 12; i++)
		if (names[3 * i] == a && names[3 * i + 1] == b &&
		    names[3 * i + 2] == c)
			return i + 1;
	return 0;
}

int
tri_gunzip(const uint8_t *data, size_t size, size_t max, uint8_t **out,
    size_t *outlen, uint64_t *bad)
{
	z_stream zs;
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, len = 0;
	int zr, rc = 0;

	*out = NULL;
	*outlen = 0;
	*bad = 0;
	if (size < 18 || data[0] != 0x1f || data[1] != 0x8b)
		return -1;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return -1;
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = size > UINT32_MAX ? UINT32_MAX : (uInt)size;
	for (;;) {
		if (len == cap) {
			if (cap >= max) {
				rc = 1;
				break;
			}
			cap = cap == 0 ? (size * 4 < 65536 ? 65536 :
			    size * 4) : cap * 2;
			if (cap > max)
				cap = max;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				rc = -1;
				break;
			}
			buf = nb;
		}
		zs.next_out = buf + len;
		zs.avail_out = (uInt)(cap - len > UINT32_MAX ? UINT32_MAX :
		    cap - len);
		zr = inflate(&zs, Z_NO_FLUSH);
		len = (size_t)(zs.next_out - buf);
		if (zr == Z_STREAM_END) {
			/* Another member? (gzip -c a >> f) */
			if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f &&
			    zs.next_in[1] == 0x8b) {
				inflateReset(&zs);
				continue;
			}
			break;
		}
		if (zr == Z_BUF_ERROR && zs.avail_in == 0) {
			rc = 2;		/* truncated */
			*bad = (uint64_t)(zs.next_in - data);
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = 2;
			*bad = (uint64_t)(zs.next_in - data);
			break;
		}
	}
	inflateEnd(&zs);
	if (rc == -1) {
		free(buf);
		return -1;
	}
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return -1;
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return rc;
}

size_t
tri_gunzip_head(const uint8_t *data, size_t size, uint8_t *out, size_t max)
{
	z_stream zs;
	size_t n;

	if (size < 10 || data[0] != 0x1f || data[1] != 0x8b)
		return 0;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return 0;
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)size;
	zs.next_out = out;
	zs.avail_out = (uInt)max;
	(void)inflate(&zs, Z_SYNC_FLUSH);
	n = max - zs.avail_out;
	inflateEnd(&zs);
	return n;
}

size_t
tri_lines_ok(const uint8_t *head, size_t len,
    int (*ok)(const char *line, size_t len), size_t *total)
{
	const char *p = (const char *)head, *end = p + len, *nl;
	size_t good = 0, n = 0;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl > p && !(*p == ' ' || *p == '\t')) {
			n++;
			if (ok(p, (size_t)(nl - p)))
				good++;
		}
		p = nl + 1;
	}
	/* A head that is one unterminated line (a short file). */
	if (n == 0 && p < end && len < 4096) {
		n = 1;
		good = (size_t)ok(p, (size_t)(end - p));
	}
	*total = n;
	return good;
}

int
tri_name_is(const char *name, const char *const *names)
{
	size_t i, n;

	if (name == NULL)
		return 0;
	for (i = 0; names[i] != NULL; i++) {
		n = strlen(names[i]);
		if (strncmp(name, names[i], n) == 0 &&
		    (name[n] == '\0' || name[n] == '.' || name[n] == '-' ||
		    name[n] == '_'))
			return 1;
	}
	return 0;
}

size_t
tri_iso_time(const char *p, size_t n, int64_t *sec, uint32_t *nsec,
    int *digits, int *has_off)
{
	int64_t y, mo, d, h, mi, s, oh, om;
	size_t i, k;
	uint32_t frac = 0;
	int nd = 0, sign;

	if (n < 19 || p[4] != '-' || p[7] != '-')
		return 0;
	y = tri_digits(p, 4);
	mo = tri_digits(p + 5, 2);
	d = tri_digits(p + 8, 2);
	i = 10;
	if (p[i] == 'T' || p[i] == ' ') {
		i++;
		while (i < n && p[i] == ' ' && i < 13)
			i++;
	} else
		return 0;
	if (n - i < 8 || p[i + 2] != ':' || p[i + 5] != ':')
		return 0;
	h = tri_digits(p + i, 2);
	mi = tri_digits(p + i + 3, 2);
	s = tri_digits(p + i + 6, 2);
	if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 ||
	    h > 23 || mi > 59 || s > 60 || !tri_date_valid(y, (int)mo, (int)d))
		return 0;
	i += 8;
	if (i < n && (p[i] == '.' || p[i] == ',') && i + 1 < n &&
	    p[i + 1] >= '0' && p[i + 1] <= '9') {
		for (k = i + 1; k < n && p[k] >= '0' && p[k] <= '9'; k++) {
			if (nd < 9) {
				frac = frac * 10 + (uint32_t)(p[k] - '0');
				nd++;
			}
		}
		i = k;
	}
	*digits = nd;
	for (k = (size_t)nd; k < 9; k++)
		frac *= 10;
	*nsec = frac;
	*sec = tri_days_civil(y, (int)mo, (int)d) * 86400 + h * 3600 +
	    mi * 60 + (s > 59 ? 59 : s);
	*has_off = 0;
	if (i < n && p[i] == 'Z') {
		*has_off = 1;
		return i + 1;
	}
	if (i < n && (p[i] == '+' || p[i] == '-') && n - i >= 5) {
		sign = p[i] == '-' ? -1 : 1;
		oh = tri_digits(p + i + 1, 2);
		k = i + 3;
		if (p[k] == ':')
			k++;
		if (n - k < 2 || oh < 0 || oh > 23 ||
		    (om = tri_digits(p + k, 2)) < 0 || om > 59)
			return i;
		*sec -= sign * (oh * 3600 + om * 60);
		*has_off = 1;
		return k + 2;
	}
	return i;
}
