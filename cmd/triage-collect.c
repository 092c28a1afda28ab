/* SPDX-License-Identifier: Apache-2.0 */
/* triage-collect: one-shot case collection with a hash-chained custody log. */
#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "triage/collect.h"
#include "triage/custody.h"

#define USAGE "usage: triage-collect [-AHhqruV] [-c case-number] " \
	"[-e examiner] [-o case] [--step-timeout seconds] source"

static const char help[] = USAGE "\n"
"\n"
"Collect a case from SOURCE (an image, a device or a folder) into the folder\n"
"CASE, running the triage tools one after the other as separate programs:\n"
"hash (SHA-256 and MD5 of the media) -> info -> acquire (with -A) -> walk\n"
"with SHA-256 -> extract of the artifacts of the systems found -> scan with\n"
"the shipped YARA rules -> timeline -> report.  CASE/custody.jsonl records\n"
"every step (command, versions, examiner, host, UTC times, exit status, the\n"
"SHA-256 of every output) in a hash chain; check it with\n"
"'triage-verify --case CASE'.\n"
"\n"
"  -A, --acquire          also image SOURCE to CASE/image.E01 and analyse the\n"
"                         image instead of SOURCE\n"
"  -c, --case-number N    case number for the log, the report and the E01\n"
"  -e, --examiner NAME    examiner (default: the login name)\n"
"  -H, --hash-only        print the 'hash' record of SOURCE on stdout and exit\n"
"                         (the hash step, runnable by hand)\n"
"  -o, --output CASE      the case folder; must be new or empty\n"
"  -r, --resume           continue a collection in CASE after its last\n"
"                         completed step\n"
"  -q, --quiet            no progress and no warnings\n"
"      --step-timeout S   kill a step still running after S seconds, with\n"
"                         its process group (SIGTERM, SIGKILL 10 s later),\n"
"                         and record it as failed; default: no limit, as\n"
"                         imaging can take hours\n"
"  -u, --unbuffered       flush after every record (with -H)\n"
"  -h, --help             this help\n"
"  -V, --version          versions of triage and its libraries\n"
"\n"
"Environment: TRIAGE_RULES, the YARA rules to scan with.\n"
"Exit status: 0 every step done, 2 misuse or any step failed.\n"
"Example: triage-collect -e 'J. Doe' -c 2026-17 -o case1 /dev/sdb\n";

enum { OPT_STEP_TIMEOUT = 256 };

static const struct option longopts[] = {
	{ "acquire", no_argument, NULL, 'A' },
	{ "case-number", required_argument, NULL, 'c' },
	{ "examiner", required_argument, NULL, 'e' },
	{ "hash-only", no_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "resume", no_argument, NULL, 'r' },
	{ "step-timeout", required_argument, NULL, OPT_STEP_TIMEOUT },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Messages of the collection: progress unless -q, warnings, errors. */
static void
message(void *arg, tr_collect_level level, const char *msg)
{
	char safe[8192];

	(void)arg;
	if (level == TR_COLLECT_ERROR)
		cli_error("%s", msg);
	else if (level == TR_COLLECT_WARN)
		cli_warn("%s", msg);
	else if (!cli_quiet)
		fprintf(stderr, "%s: %s\n", cli_progname,
		    tr_text_safe(msg, safe, sizeof(safe)));
}

/* The hash step: one "hash" record of the media data on stdout. */
static int
hash_only(const char *source, int unbuffered)
{
	tr_jsonl *out;
	tr_error err;
	tr_rec *r;
	int rc = CLI_EXIT_TROUBLE;

	out = cli_open_output(unbuffered);
	if (tr_collect_hash(source, &r, &err) != TR_OK)
		cli_error("%s", err.msg);
	else if (tr_jsonl_write(out, r, &err) != TR_OK)
		cli_error("%s", err.msg);
	else
		rc = CLI_EXIT_OK;
	tr_rec_free(r);
	return cli_close_output(out, rc);
}

/*
 * triage-collect runs every triage tool over one source into a case folder,
 * logging each step in the custody chain; a failed step is logged and the
 * steps that do not need its output still run.
 */
int
main(int argc, char *argv[])
{
	tr_collect_opts o;
	tr_collect_result res;
	tr_error err;
	int ch, hash = 0, unbuffered = 0;
	uint64_t secs;

	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "Ac:e:Hho:quVr", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'A':
			o.acquire = 1;
			break;
		case 'c':
			o.case_number = optarg;
			break;
		case 'e':
			o.examiner = optarg;
			break;
		case 'H':
			hash = 1;
			break;
		case 'h':
			cli_help(help);
		case 'o':
			o.case_dir = optarg;
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 'r':
			o.resume = 1;
			break;
		case 'u':
			unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case OPT_STEP_TIMEOUT:
			if (cli_parse_u64(optarg, &secs) == -1 || secs == 0 ||
			    secs > UINT_MAX)
				cli_usage_error(USAGE, "invalid step timeout "
				    "'%s'", optarg);
			o.step_timeout = (unsigned)secs;
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	if (argc > 1)
		cli_usage_error(USAGE, "one source at a time");
	if (hash)
		return hash_only(argv[0], unbuffered);
	if (o.case_dir == NULL)
		cli_usage_error(USAGE, "no case folder given (-o case)");
	o.source = argv[0];
	o.msg = message;
	if (tr_collect_run(&o, &res, &err) != TR_OK) {
		cli_error("%s", err.msg);
		return CLI_EXIT_TROUBLE;
	}
	if (res.already_done) {
		if (!cli_quiet)
			fprintf(stderr, "%s: '%s': every step is already "
			    "done\n", cli_progname, o.case_dir);
		return CLI_EXIT_OK;
	}
	if (res.verified && !cli_quiet)
		fprintf(stderr, "%s: custody log %s/%s sealed: head %s%s; "
		    "write it down and check the case with 'triage-verify "
		    "--head %s --case %s'\n", cli_progname, o.case_dir,
		    TR_CUSTODY_LOG, res.head, res.problems > 0 ?
		    " (does NOT check out)" : "", res.head, o.case_dir);
	if (!cli_quiet)
		fprintf(stderr, "%s: report: %s/report.html\n", cli_progname,
		    o.case_dir);
	if (res.failed > 0)
		cli_error("%u step%s failed; see %s/%s", res.failed,
		    res.failed == 1 ? "" : "s", o.case_dir, TR_CUSTODY_LOG);
	return res.failed > 0 || res.problems > 0 ? CLI_EXIT_TROUBLE :
	    CLI_EXIT_OK;
}
