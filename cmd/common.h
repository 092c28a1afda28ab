/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the triage programs: exit codes, diagnostics, number parsing. */
#ifndef TRIAGE_CLI_COMMON_H
#define TRIAGE_CLI_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include "triage/triage.h"

#define CLI_EXIT_OK		0	/* done (and something selected) */
#define CLI_EXIT_NONE		1	/* done, negative answer */
#define CLI_EXIT_TROUBLE	2	/* misuse or any error */

#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))

extern const char *cli_progname;
extern int cli_quiet;			/* -q: no warnings */

/*
 * Set the program name for messages and initialise libtriage; exits 2 when
 * that fails.  Call first in main().
 */
void	cli_init(const char *progname);

/* "prog: message" on stderr.  cli_warn is silenced by -q. */
void	cli_warn(const char *fmt, ...) CLI_PRINTF(1, 2);
void	cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* A tr_warn_fn that prints through cli_warn and counts in *(unsigned*)arg. */
void	cli_warn_cb(void *counter, const char *msg);

/*
 * Misuse: "prog: message", the usage line and a "Try" hint on stderr, then
 * exit 2.
 */
_Noreturn void cli_usage_error(const char *usage, const char *fmt, ...)
	    CLI_PRINTF(2, 3);
/* --help: text on stdout, exit 0. */
_Noreturn void cli_help(const char *text);
/* --version: program and library versions on stdout, exit 0. */
_Noreturn void cli_version(void);

/*
 * Strict numbers: digits only, no sign, no overflow.  cli_parse_size also
 * takes a K, M, G, T suffix (powers of 1024, "512M", "4GiB" too).  Return 0,
 * or -1 when s is not such a number.
 */
int	cli_parse_u64(const char *s, uint64_t *out);
int	cli_parse_size(const char *s, uint64_t *out);
int	cli_parse_int(const char *s, int min, int max, int *out);

/*
 * The candidate closest to word (at most one edit for short words, two
 * for longer; a swap of neighbours is one), for "did you mean"; NULL when
 * none is that close.
 */
const char *cli_suggest(const char *word, const char *const *cands, size_t n);

/* -z/--timezone ZONE: FAT/exFAT local times in ZONE; exits 2 when unknown. */
void	cli_set_timezone(const char *usage, const char *zone);

/* Parse --volume N (a number from triage-info; -1 is invalid here). */
int	cli_parse_volume(const char *s, int *out);

/*
 * Open the records writer on stdout (unbuffered with -u).  Exits 2 on
 * failure.  cli_close_output() returns CLI_EXIT_TROUBLE when stdout could
 * not be written, else status.
 */
tr_jsonl *cli_open_output(int unbuffered);
int	cli_close_output(tr_jsonl *w, int status);

/*
 * Callbacks for the engines that report files done (tr_scan_run,
 * tr_extract_run) while a progress line (arg: a tr_progress, NULL for none)
 * is on stderr: messages take the line's place, which comes back with the
 * next count.  One lock serialises them, so scanning threads may call them
 * at once.
 */
void	cli_progress_error(void *progress, const char *msg);
void	cli_progress_warn(void *progress, const char *msg);
void	cli_progress_count(void *progress, uint64_t items, uint64_t bytes);

/*
 * --progress[=json] of acquire and verify: 1 for the line, 2 for JSON;
 * anything else is a usage error (exit 2).  cli_progress_start() makes mode
 * 0 the line when stderr is a terminal, and returns the tr_progress to pass
 * with tr_progress_bytes as the progress callback, or NULL for none.
 */
int	cli_parse_progress(const char *usage, const char *arg);
tr_progress *cli_progress_start(int mode);

/*
 * Turn SIGINT and SIGTERM into cli_stop = 1, for libtriage's stop flags
 * (acquire, verify): the work ends cleanly and says it was interrupted.
 */
extern volatile int cli_stop;
void	cli_catch_stop(void);

#endif
