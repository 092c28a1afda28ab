/* SPDX-License-Identifier: Apache-2.0 */
/* What the two Windows event log parsers share (parse_evtx.c, parse_evt.c). */
#ifndef TRIAGE_PARSE_WINEVT_H
#define TRIAGE_PARSE_WINEVT_H

#include <stddef.h>

/* A growable string; oom is set (and stays) when memory ran out. */
struct tri_sbuf {
	char	*s;
	size_t	len, cap;
	int	oom;
};

void	tri_sb_add(struct tri_sbuf *b, const char *s, size_t n);
void	tri_sb_str(struct tri_sbuf *b, const char *s);
/* s as a Python string literal ('a\'b'), as plaso prints its strings. */
void	tri_sb_pyrepr(struct tri_sbuf *b, const char *s);

#endif
