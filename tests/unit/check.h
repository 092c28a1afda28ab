/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal checks for unit tests: print file:line and exit 1 on failure. */
#ifndef TRIAGE_TEST_CHECK_H
#define TRIAGE_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		exit(1);						\
	}								\
} while (0)

#define CHECK_STATUS(call, want) do {					\
	int check_rc_ = (call);						\
	if (check_rc_ != (want)) {					\
		fprintf(stderr, "%s:%d: %s returned %d, want %d\n",	\
		    __FILE__, __LINE__, #call, check_rc_, (want));	\
		exit(1);						\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *check_g_ = (got), *check_w_ = (want);		\
	if (check_g_ == NULL || strcmp(check_g_, check_w_) != 0) {	\
		fprintf(stderr, "%s:%d: got '%s', want '%s'\n",		\
		    __FILE__, __LINE__, check_g_ ? check_g_ : "(null)",	\
		    check_w_);						\
		exit(1);						\
	}								\
} while (0)

#define CHECK_CONTAINS(hay, needle) do {				\
	const char *check_h_ = (hay);					\
	if (strstr(check_h_, (needle)) == NULL) {			\
		fprintf(stderr, "%s:%d: '%s' does not contain '%s'\n",	\
		    __FILE__, __LINE__, check_h_, (needle));		\
		exit(1);						\
	}								\
} while (0)

#define SKIP(why) do {							\
	fprintf(stderr, "skip: %s\n", (why));				\
	exit(77);							\
} while (0)

/* Directory of committed fixtures, from the test environment. */
static inline const char *
test_data_dir(char *buf, size_t len)
{
	const char *src = getenv("TRIAGE_SRCDIR");

	snprintf(buf, len, "%s/tests/data", src != NULL ? src : ".");
	return buf;
}

#endif
