/* SPDX-License-Identifier: Apache-2.0 */
/* triage-scan: YARA rules over the files inside images, live folders and
 * unallocated space, in parallel, as "hit" records. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "triage/scan.h"

#define USAGE "usage: triage-scan [-adhHNquV] [-e glob] [-i glob] " \
	"[-j jobs] [-m size] [-s bytes] [-t seconds] [-v volume] " \
	"-r rules source ..."

static const char help[] = USAGE "\n"
"\n"
"Scan with YARA rules every allocated regular file of every filesystem in\n"
"each source (image, device, live folder or plain file), read in place,\n"
"and write one 'hit' record per rule matched as JSON Lines on stdout\n"
"(see triage-records(5)).  A source '-' reads 'file' records (triage-walk)\n"
"from stdin and scans those files of the other sources; the records read\n"
"are written on to stdout too, among the hits, so that\n"
"'triage-walk img | triage-scan -r rules img - | triage-timeline' works.\n"
"\n"
"  -r, --rules PATH      rule file, folder of rule files or compiled rules\n"
"                        (repeatable; at least one)\n"
"  -N, --no-cache        do not use the compiled-rules cache\n"
"  -a, --unallocated     also scan unallocated and unpartitioned space\n"
"  -d, --deleted         also scan deleted files that can be recovered\n"
"  -H, --hits-only       with '-': do not pass the records read through\n"
"  -v, --volume N        only the filesystem of volume N (triage-info)\n"
"  -i, --include GLOB    only files whose path matches (repeatable)\n"
"  -e, --exclude GLOB    skip files whose path matches (repeatable)\n"
"  -j, --jobs N          scanning threads (default: all cores)\n"
"  -m, --max-size SIZE   skip larger files with a warning (default: 256M)\n"
"  -s, --max-string N    bytes of matched data kept per match (default: 64)\n"
"  -t, --timeout SEC     give up on a file after SEC seconds (default: none)\n"
"  -q, --quiet           no warnings, no progress line\n"
"  -u, --unbuffered      flush after every record\n"
"  -h, --help            this help\n"
"  -V, --version         versions of triage and its libraries\n"
"\n"
"Exit status: 0 something matched, 1 nothing matched, 2 misuse or any\n"
"error (a file that could not be read or timed out, bad rules).\n"
"Example: triage-scan -r rules/yara disk.E01 | jq -r '[.path,.rule]|@tsv'\n";

static const struct option longopts[] = {
	{ "unallocated", no_argument, NULL, 'a' },
	{ "deleted", no_argument, NULL, 'd' },
	{ "exclude", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ "hits-only", no_argument, NULL, 'H' },
	{ "include", required_argument, NULL, 'i' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "max-size", required_argument, NULL, 'm' },
	{ "no-cache", no_argument, NULL, 'N' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rules", required_argument, NULL, 'r' },
	{ "max-string", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "volume", required_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char	**rules, **include, **exclude;
	size_t		nrules, ninclude, nexclude;
	int		unalloc, deleted, nocache, unbuffered, hits_only;
	int		volume, jobs, timeout;
	uint64_t	max_size, max_string;
};

static int
write_cb(void *arg, const tr_rec *rec, tr_error *err)
{
	return tr_jsonl_write(arg, rec, err);
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	const char ***list;
	size_t *n;
	uint64_t v;
	int ch;

	while ((ch = getopt_long(argc, argv, "ade:hHi:j:m:Nqr:s:t:uv:V",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			o->unalloc = 1;
			break;
		case 'd':
			o->deleted = 1;
			break;
		case 'e':
		case 'i':
		case 'r':
			list = ch == 'e' ? &o->exclude : ch == 'i' ?
			    &o->include : &o->rules;
			n = ch == 'e' ? &o->nexclude : ch == 'i' ?
			    &o->ninclude : &o->nrules;
			if ((*list = realloc(*list, (*n + 1) *
			    sizeof(**list))) == NULL) {
				cli_error("out of memory");
				exit(CLI_EXIT_TROUBLE);
			}
			(*list)[(*n)++] = optarg;
			break;
		case 'h':
			cli_help(help);
		case 'H':
			o->hits_only = 1;
			break;
		case 'j':
			if (cli_parse_int(optarg, 1, 256, &o->jobs) != 0)
				cli_usage_error(USAGE, "invalid jobs '%s'",
				    optarg);
			break;
		case 'm':
			if (cli_parse_size(optarg, &o->max_size) != 0)
				cli_usage_error(USAGE, "invalid size '%s'",
				    optarg);
			break;
		case 'N':
			o->nocache = 1;
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 's':
			if (cli_parse_u64(optarg, &v) != 0 || v > 1 << 20)
				cli_usage_error(USAGE,
				    "invalid max-string '%s'", optarg);
			o->max_string = v;
			break;
		case 't':
			if (cli_parse_int(optarg, 0, 86400 * 365, &o->timeout)
			    != 0)
				cli_usage_error(USAGE, "invalid timeout '%s'",
				    optarg);
			break;
		case 'u':
			o->unbuffered = 1;
			break;
		case 'v':
			if (cli_parse_volume(optarg, &o->volume) != 0)
				cli_usage_error(USAGE, "invalid volume '%s'",
				    optarg);
			break;
		case 'V':
			cli_version();
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
}

static void
free_opts(struct opts *o)
{
	free(o->rules);
	free(o->include);
	free(o->exclude);
}

/*
 * triage-scan runs YARA rules over the files inside each source, as yara -r
 * over the extracted files would, without extracting or mounting anything.
 */
int
main(int argc, char *argv[])
{
	struct opts o = { .volume = TR_VOLUME_ALL, .max_size = 256u << 20,
	    .max_string = 64 };
	tr_rules_opts ro = { 0, NULL, cli_warn_cb, NULL };
	tr_progress *progress = NULL;
	tr_scan_run_opts so;
	tr_scan_stats st;
	tr_rules *rules;
	tr_jsonl *out;
	tr_error err;
	int i, status, from_stdin = 0;

	cli_init(argv[0]);
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if (o.nrules == 0)
		cli_usage_error(USAGE, "no rules given (-r)");
	if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	ro.flags = o.nocache ? TR_RULES_NOCACHE : 0;
	if (tr_rules_load(&rules, o.rules, o.nrules, &ro, &err) != TR_OK) {
		cli_error("%s", err.msg);
		free_opts(&o);
		return CLI_EXIT_TROUBLE;
	}
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			from_stdin++;
	if (from_stdin == argc)
		cli_usage_error(USAGE, "'-' needs the source its records "
		    "come from");
	out = cli_open_output(o.unbuffered);
	memset(&so, 0, sizeof(so));
	so.flags = (o.unalloc ? TR_SCAN_UNALLOC : 0) |
	    (o.deleted ? TR_SCAN_DELETED : 0) |
	    (o.hits_only ? TR_SCAN_HITS_ONLY : 0);
	so.volume = o.volume;
	so.jobs = o.jobs;
	so.timeout = o.timeout;
	so.max_size = o.max_size;
	so.max_string = (size_t)o.max_string;
	so.include = o.include;
	so.ninclude = o.ninclude;
	so.exclude = o.exclude;
	so.nexclude = o.nexclude;
	so.in = stdin;
	so.out = write_cb;
	so.out_arg = out;
	/* Messages take the place of the progress line (NULL: none). */
	if (!cli_quiet &&
	    (progress = tr_progress_new(stderr, cli_progname, "files")) != NULL)
		so.progress = cli_progress_count;
	so.progress_arg = progress;
	so.error = cli_progress_error;
	so.error_arg = progress;
	so.warn = cli_progress_warn;
	so.warn_arg = progress;
	if (tr_scan_run(rules, (const char *const *)argv, (size_t)argc, &so,
	    &st, &err) != TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
	} else {
		status = st.errors > 0 ? CLI_EXIT_TROUBLE :
		    st.hits > 0 ? CLI_EXIT_OK : CLI_EXIT_NONE;
	}
	tr_progress_free(progress);
	free_opts(&o);
	tr_rules_free(rules);
	return cli_close_output(out, status);
}
