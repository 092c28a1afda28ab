/* SPDX-License-Identifier: Apache-2.0 */
/* triage-detect: Sigma rules over event records, as "detection" records. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "triage/detect.h"

#define USAGE "usage: triage-detect [-hnpquV] [-j jobs] [-l level] " \
	"[-L file] [-P file] [-S status] [-T tag] [--strict] -r rules ... " \
	"[source ...]"

static const char help[] = USAGE "\n"
"\n"
"Evaluate Sigma rules over the 'event' records (triage-parse) read from\n"
"each source (a JSON Lines file, or '-' for stdin, the default) and write\n"
"one 'detection' record per rule matched, with the rule's metadata and\n"
"the event's time and address, then a 'detect_summary' record listing\n"
"every rule refused (file, line, reason) and every rule whose logsource\n"
"maps to no event kind (see triage-detect(1), triage-records(5)).\n"
"\n"
"  -r, --rules PATH         rule file, folder or glob (repeatable)\n"
"  -L, --logsources FILE    logsource mapping (default: the shipped one)\n"
"  -P, --placeholders FILE  values for the expand modifier's %names%\n"
"  -l, --level LEVEL        only rules of at least this level\n"
"  -S, --status STATUS      only rules with this status (repeatable)\n"
"  -T, --tags TAG           only rules with this tag (repeatable)\n"
"      --strict             a refused rule is an error (exit 2)\n"
"  -p, --pass               write the records read on to stdout too\n"
"  -n, --no-summary         no detect_summary record\n"
"  -j, --jobs N             accepted for compatibility; one thread\n"
"  -q, --quiet              no warnings about refused rules\n"
"  -u, --unbuffered         flush after every record\n"
"  -h, --help               this help\n"
"  -V, --version            versions of triage and its libraries\n"
"\n"
"Exit status: 0 something detected, 1 nothing detected, 2 misuse or any\n"
"error (unreadable input, with --strict a refused rule).\n"
"Example: triage parse Security.evtx | triage detect -r sigma/rules -l high -\n";

enum { OPT_STRICT = 256 };

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "level", required_argument, NULL, 'l' },
	{ "logsources", required_argument, NULL, 'L' },
	{ "no-summary", no_argument, NULL, 'n' },
	{ "pass", no_argument, NULL, 'p' },
	{ "placeholders", required_argument, NULL, 'P' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rules", required_argument, NULL, 'r' },
	{ "status", required_argument, NULL, 'S' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "tags", required_argument, NULL, 'T' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char	**rules, **status, **tags;
	size_t		nrules, nstatus, ntags;
	const char	*level, *logsources, *placeholders;
	int		pass, nosummary, strict, unbuffered, jobs;
};

static void
add(const char ***list, size_t *n, const char *v)
{
	if ((*list = realloc(*list, (*n + 1) * sizeof(**list))) == NULL) {
		cli_error("out of memory");
		exit(CLI_EXIT_TROUBLE);
	}
	(*list)[(*n)++] = v;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "hj:l:L:npP:qr:S:T:uV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			cli_help(help);
		case 'j':
			if (cli_parse_int(optarg, 1, 256, &o->jobs) != 0)
				cli_usage_error(USAGE, "invalid jobs '%s'",
				    optarg);
			break;
		case 'l':
			o->level = optarg;
			break;
		case 'L':
			o->logsources = optarg;
			break;
		case 'n':
			o->nosummary = 1;
			break;
		case 'p':
			o->pass = 1;
			break;
		case 'P':
			o->placeholders = optarg;
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 'r':
			add(&o->rules, &o->nrules, optarg);
			break;
		case 'S':
			add(&o->status, &o->nstatus, optarg);
			break;
		case 'T':
			add(&o->tags, &o->ntags, optarg);
			break;
		case 'u':
			o->unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case OPT_STRICT:
			o->strict = 1;
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
}

static int
write_cb(void *arg, const tr_rec *rec, tr_error *err)
{
	return tr_jsonl_write(arg, rec, err);
}

static void
error_cb(void *arg, const char *msg)
{
	(void)arg;
	cli_error("%s", msg);
}

/*
 * triage-detect runs Sigma rules, compiled once and indexed by logsource
 * and event id, over a stream of event records.
 */
int
main(int argc, char *argv[])
{
	static const char *const stdin_only[] = { "-" };
	struct opts o = { 0 };
	tr_sigma_opts so = { 0 };
	tr_detect_run_opts ro = { 0 };
	tr_detect_stats st;
	tr_sigma *rules;
	tr_jsonl *out;
	tr_error err;
	int status;

	cli_init(argv[0]);
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if (o.nrules == 0)
		cli_usage_error(USAGE, "no rules given (-r)");
	so.logsources = o.logsources;
	so.placeholders = o.placeholders;
	so.min_level = o.level;
	so.status = o.status;
	so.nstatus = o.nstatus;
	so.tags = o.tags;
	so.ntags = o.ntags;
	so.warn = cli_warn_cb;
	if (tr_sigma_load(&rules, o.rules, o.nrules, &so, &err) != TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
		goto out;
	}
	if (o.strict && tr_sigma_refused(rules) > 0) {
		cli_error("%zu rule(s) refused (--strict)",
		    tr_sigma_refused(rules));
		tr_sigma_free(rules);
		status = CLI_EXIT_TROUBLE;
		goto out;
	}
	out = cli_open_output(o.unbuffered);
	ro.flags = (o.pass ? TR_DETECT_PASS : 0) |
	    (o.nosummary ? 0 : TR_DETECT_SUMMARY);
	ro.jobs = o.jobs;
	ro.out = write_cb;
	ro.out_arg = out;
	ro.error = error_cb;
	if (tr_detect_run(rules, argc > 0 ? (const char *const *)argv :
	    stdin_only, argc > 0 ? (size_t)argc : 1, &ro, &st, &err) !=
	    TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
	} else
		status = st.errors > 0 ? CLI_EXIT_TROUBLE : st.detections > 0 ?
		    CLI_EXIT_OK : CLI_EXIT_NONE;
	tr_sigma_free(rules);
	status = cli_close_output(out, status);
out:
	free(o.rules);
	free(o.status);
	free(o.tags);
	return status;
}
