/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the Linux parsers: time zones against glibc's own tz code
 * (localtime_r with TZ set: this test is single-threaded), civil dates,
 * ISO times, bounded gunzip (a bomb is cut, a truncated stream is said),
 * and what the auth classifier makes of sshd, sudo, su, cron, PAM and
 * account messages.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "check.h"
#include "parse_linux.h"
#include "parse_syslog_auth.h"

/* Every 97 minutes of 2019..2024: the offset equals glibc's, and local
 * times that are not ambiguous go back to the same instant. */
static void
zone_vs_glibc(const char *zone)
{
	const tri_tz *tz;
	char why[256];
	struct tm tm;
	time_t t;
	int64_t local;
	long checked = 0;

	if ((tz = tri_tz_get(zone, why, sizeof(why))) == NULL)
		SKIP(why);
	CHECK_STR(tri_tz_name(tz), zone);
	setenv("TZ", zone, 1);
	tzset();
	for (t = 1546300800; t < 1735689600; t += 97 * 60) {
		CHECK(localtime_r(&t, &tm) != NULL);
		if (tri_tz_offset_at(tz, t) != tm.tm_gmtoff) {
			fprintf(stderr, "%s at %lld: %d, glibc %ld\n", zone,
			    (long long)t, tri_tz_offset_at(tz, t),
			    tm.tm_gmtoff);
			exit(1);
		}
		local = (int64_t)t + tm.tm_gmtoff;
		/* ambiguous: the same wall clock an offset change away */
		if (tri_tz_offset_at(tz, t - 7200) != tm.tm_gmtoff ||
		    tri_tz_offset_at(tz, t + 7200) != tm.tm_gmtoff)
			continue;
		CHECK(tri_tz_to_utc(tz, local) == (int64_t)t);
		checked++;
	}
	CHECK(checked > 20000);
}

static void
test_zones(void)
{
	const tri_tz *tz;
	char why[256];
	int64_t l;

	zone_vs_glibc("Europe/Berlin");
	zone_vs_glibc("America/New_York");
	zone_vs_glibc("Australia/Lord_Howe");	/* 30-minute DST */
	zone_vs_glibc("Asia/Kolkata");

	tz = tri_tz_get(NULL, why, sizeof(why));
	CHECK(tz != NULL && tri_tz_is_utc(tz));
	CHECK(tri_tz_to_utc(tz, 1000) == 1000);
	CHECK(tri_tz_get("../../etc/passwd", why, sizeof(why)) == NULL);
	CHECK_CONTAINS(why, "not a time zone name");
	CHECK(tri_tz_get("No/Such_Zone", why, sizeof(why)) == NULL);
	/* Same zone twice: the cached one. */
	CHECK(tri_tz_get("Europe/Berlin", why, sizeof(why)) ==
	    tri_tz_get("Europe/Berlin", why, sizeof(why)));

	/* New York, 2021-11-07 01:30 happens twice: the earlier (EDT). */
	tz = tri_tz_get("America/New_York", why, sizeof(why));
	CHECK(tz != NULL);
	l = tri_days_civil(2021, 11, 7) * 86400 + 5400;
	CHECK(tri_tz_to_utc(tz, l) == l + 4 * 3600);
	/* 2021-03-14 02:30 does not exist: taken with EST (before). */
	l = tri_days_civil(2021, 3, 14) * 86400 + 9000;
	CHECK(tri_tz_to_utc(tz, l) == l + 5 * 3600);
}

static void
test_dates(void)
{
	int64_t s;
	uint32_t ns;
	int d, off;

	CHECK(tri_days_civil(1970, 1, 1) == 0);
	CHECK(tri_days_civil(2000, 3, 1) == 11017);
	CHECK(tri_days_civil(1969, 12, 31) == -1);
	CHECK(tri_date_valid(2012, 2, 29));
	CHECK(!tri_date_valid(2013, 2, 29));
	CHECK(!tri_date_valid(1900, 2, 29));
	CHECK(tri_date_valid(2000, 2, 29));
	CHECK(!tri_date_valid(2013, 4, 31));
	CHECK(tri_month_abbr("Jan") == 1 && tri_month_abbr("dec") == 12);
	CHECK(tri_month_abbr("MMM") == 0);

	CHECK(tri_iso_time("2020-05-31T00:00:45.698463+00:00 x", 34, &s, &ns,
	    &d, &off) == 32);
	CHECK(s == 1590883245 && ns == 698463000 && d == 6 && off);
	CHECK(tri_iso_time("2016-10-25T12:37:23.297265-07:00", 32, &s, &ns,
	    &d, &off) == 32);
	CHECK(s == 1477424243 && off);
	CHECK(tri_iso_time("2019-07-10  16:38:08", 20, &s, &ns, &d, &off) ==
	    20);
	CHECK(s == 1562776688 && !off && d == 0);
	CHECK(tri_iso_time("2019-02-29 16:38:08", 19, &s, &ns, &d, &off) == 0);
	CHECK(tri_iso_time("2019-07-10 25:38:08", 19, &s, &ns, &d, &off) == 0);
}

static uint8_t *
gz(const uint8_t *in, size_t n, size_t *outlen)
{
	z_stream zs;
	uint8_t *out;
	size_t cap = n / 100 + 4096;

	memset(&zs, 0, sizeof(zs));
	CHECK(deflateInit2(&zs, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) ==
	    Z_OK);
	CHECK((out = malloc(cap)) != NULL);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

static void
test_gunzip(void)
{
	size_t n = 64u << 20, zl, len;
	uint8_t *zero = calloc(1, n), *z, *out, head[256];
	uint64_t bad;
	int i;

	CHECK(zero != NULL);
	z = gz(zero, n, &zl);
	CHECK(zl < n / 500);			/* a small bomb */
	/* cut at the cap, 1 MiB, not 64 */
	CHECK(tri_gunzip(z, zl, 1u << 20, &out, &len, &bad) == 1);
	CHECK(len == 1u << 20);
	free(out);
	CHECK(tri_gunzip(z, zl, n, &out, &len, &bad) == 0);
	CHECK(len == n && memcmp(out, zero, n) == 0);
	free(out);
	/* truncated: what came out is kept, the offset is the input's */
	CHECK(tri_gunzip(z, zl / 2, n, &out, &len, &bad) == 2);
	CHECK(len > 0 && len < n && bad > 0 && bad <= zl / 2);
	free(out);
	free(z);
	/* Two members (cat a.gz b.gz). */
	for (i = 0; i < 256; i++)
		head[i] = (uint8_t)('a' + i % 26);
	{
		uint8_t *z1, *z2, *both;
		size_t l1, l2;

		z1 = gz(head, 100, &l1);
		z2 = gz(head + 100, 156, &l2);
		CHECK((both = malloc(l1 + l2)) != NULL);
		memcpy(both, z1, l1);
		memcpy(both + l1, z2, l2);
		CHECK(tri_gunzip(both, l1 + l2, n, &out, &len, &bad) == 0);
		CHECK(len == 256 && memcmp(out, head, 256) == 0);
		free(out);
		CHECK(tri_gunzip_head(both, l1 + l2, zero, 50) == 50);
		CHECK(memcmp(zero, head, 50) == 0);
		free(z1);
		free(z2);
		free(both);
	}
	CHECK(tri_gunzip((const uint8_t *)"plain text, not gzip", 20, n, &out,
	    &len, &bad) == -1);
	free(zero);
}

/* The value of key in a (NULL when absent). */
static const char *
kv(const struct tri_auth *a, const char *key, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->kv[i].key, key) == 0) {
			if (a->kv[i].val == NULL)
				snprintf(buf, len, "%lld",
				    (long long)a->kv[i].ival);
			else
				snprintf(buf, len, "%.*s", (int)a->kv[i].len,
				    a->kv[i].val);
			return buf;
		}
	return NULL;
}

static void
classify(const char *rep, const char *body, const char *dt,
    const char *const *pairs)
{
	struct tri_auth a;
	char buf[512];
	size_t i;

	if (dt == NULL) {
		CHECK(!tri_auth_classify(rep, strlen(rep), body, strlen(body),
		    &a));
		return;
	}
	if (!tri_auth_classify(rep, strlen(rep), body, strlen(body), &a)) {
		fprintf(stderr, "not classified: %s: %s\n", rep, body);
		exit(1);
	}
	CHECK_STR(a.data_type, dt);
	for (i = 0; pairs[i] != NULL; i += 2)
		CHECK_STR(kv(&a, pairs[i], buf, sizeof(buf)), pairs[i + 1]);
}

static void
test_auth(void)
{
	classify("sshd", "Invalid user admin from 203.0.113.9 port 51234",
	    "syslog:ssh:invalid_user", (const char *const[]){ "username",
	    "admin", "address", "203.0.113.9", "port", "51234", NULL });
	classify("sshd", "Failed password for invalid user admin from "
	    "203.0.113.9 port 51234 ssh2", "syslog:ssh:failed_connection",
	    (const char *const[]){ "username", "admin", "invalid_user", "1",
	    "authentication_method", "password", NULL });
	classify("sshd", "Accepted publickey for bob from 10.0.0.5 port 22 "
	    "ssh2: ED25519 SHA256:abc", "syslog:ssh:login",
	    (const char *const[]){ "fingerprint", "ED25519 SHA256:abc",
	    "protocol", "ssh2", NULL });
	classify("sshd", "Server listening on 0.0.0.0 port 22.", NULL, NULL);
	classify("sudo", "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root "
	    "; COMMAND=/usr/bin/apt install nmap ; echo x",
	    "linux:sudo:command", (const char *const[]){ "username", "alice",
	    "terminal", "pts/0", "working_directory", "/home/alice",
	    "target_username", "root", "command",
	    "/usr/bin/apt install nmap ; echo x", NULL });
	classify("sudo", "mallory : 3 incorrect password attempts ; TTY=pts/1 "
	    "; PWD=/tmp ; USER=root ; COMMAND=/bin/sh", "linux:sudo:command",
	    (const char *const[]){ "username", "mallory", "error",
	    "3 incorrect password attempts", "command", "/bin/sh", NULL });
	classify("su", "(to root) alice on pts/2", "linux:su:switch",
	    (const char *const[]){ "username", "alice", "target_username",
	    "root", "terminal", "pts/2", "success", "1", NULL });
	classify("su", "FAILED SU (to root) eve on pts/3", "linux:su:switch",
	    (const char *const[]){ "username", "eve", "success", "0", NULL });
	classify("sshd", "pam_unix(sshd:session): session opened for user "
	    "bob(uid=1000) by (uid=0)", "linux:pam:session",
	    (const char *const[]){ "service", "sshd", "action", "opened",
	    "username", "bob", "by", "(uid=0)", NULL });
	classify("CRON", "pam_unix(cron:session): session closed for user "
	    "root", "linux:pam:session", (const char *const[]){ "action",
	    "closed", "username", "root", NULL });
	classify("sshd", "pam_unix(sshd:auth): authentication failure; "
	    "logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.7  "
	    "user=root", "linux:pam:authentication_failure",
	    (const char *const[]){ "address", "198.51.100.7", "username",
	    "root", NULL });
	classify("useradd", "new user: name=backdoor, UID=1001, GID=1001, "
	    "home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0",
	    "linux:account:user_added", (const char *const[]){ "username",
	    "backdoor", "uid", "1001", "gid", "1001", "home", "/home/backdoor",
	    "shell", "/bin/bash", NULL });
	classify("groupadd", "group added to /etc/group: name=ops, GID=1002",
	    "linux:account:group_added", (const char *const[]){ "group", "ops",
	    "gid", "1002", NULL });
	classify("usermod", "add 'backdoor' to group 'sudo'",
	    "linux:account:user_modified", (const char *const[]){ "username",
	    "backdoor", NULL });
	classify("userdel", "delete user 'backdoor'",
	    "linux:account:user_deleted", (const char *const[]){ "username",
	    "backdoor", NULL });
	classify("passwd", "pam_unix(passwd:chauthtok): password changed for "
	    "bob", "linux:account:password_changed", (const char *const[]){
	    "username", "bob", NULL });
	classify("CRON", "(www-data) CMD (php /var/www/cron.php)",
	    "syslog:cron:task_run", (const char *const[]){ "username",
	    "www-data", "command", "php /var/www/cron.php", NULL });
	classify("CRON", "(root) CMD", NULL, NULL);
	classify("kernel", "(root) CMD (x)", NULL, NULL);
}

int
main(void)
{
	test_dates();
	test_gunzip();
	test_auth();
	test_zones();		/* last: it may skip without tzdata */
	return 0;
}
