/* SPDX-License-Identifier: Apache-2.0 */
/* triage-timeline: sorted timelines of records and bodyfiles. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "triage/timeline.h"

#define USAGE "usage: triage-timeline [-hquV] [--macb] [--skip-bad] " \
	"[-f format] [-m size] [-T dir] [--from date] [--to date] [file ...]"

static const char help[] = USAGE "\n"
"\n"
"Sort every timestamp of file records (triage-walk), event records and TSK\n"
"bodyfiles (fls -r -m /) into one timeline; hit records (triage-scan) tag\n"
"the events of their file.  Reads the files given, or standard input.\n"
"\n"
"  -f, --format FMT   jsonl (default, Timesketch), mactime (as mactime -d -y),\n"
"                     l2tcsv, bodyfile or csv\n"
"      --from DATE    only events at or after DATE (RFC 3339, any offset)\n"
"      --to DATE      only events at or before DATE (a bare date: that day)\n"
"      --macb         one line per file and second, as mactime groups them\n"
"  -m, --memory SIZE  sort in SIZE bytes of memory, then on disk (512M)\n"
"  -T, --tmpdir DIR   sort files in DIR (default: $TMPDIR or /tmp)\n"
"      --skip-bad     warn about bad input lines and go on (still exit 2)\n"
"  -q, --quiet        no warnings\n"
"  -u, --unbuffered   flush after every line\n"
"  -h, --help         this help\n"
"  -V, --version      versions of triage and its libraries\n"
"\n"
"Exit status: 0 done, 2 misuse, unreadable or bad input, or a failed write.\n"
"Example: triage-walk disk.E01 | triage-timeline --from 2023-04-05 | jq .\n";

enum { OPT_FROM = 256, OPT_TO, OPT_MACB, OPT_SKIP_BAD };

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "help", no_argument, NULL, 'h' },
	{ "macb", no_argument, NULL, OPT_MACB },
	{ "memory", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
	{ "tmpdir", required_argument, NULL, 'T' },
	{ "to", required_argument, NULL, OPT_TO },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

static void
parse_date(const char *s, tr_time *t, int end_of_day)
{
	tr_error err;

	if (tr_time_parse(s, t, &err) != TR_OK)
		cli_usage_error(USAGE, "%s", err.msg);
	/* A bare date as --to means the whole of that day. */
	if (end_of_day && strlen(s) == 10) {
		t->sec += 86399;
		t->nsec = 999999999;
	}
}

static int
add_input(tr_timeline *tl, const char *path, tr_error *err)
{
	FILE *fp;
	int rc;

	if (strcmp(path, "-") == 0)
		return tr_timeline_add_file(tl, stdin, "<stdin>", err);
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "cannot open '%s': %s",
		    path, strerror(errno));
		return TR_EIO;
	}
	rc = tr_timeline_add_file(tl, fp, path, err);
	fclose(fp);
	return rc;
}

/*
 * triage-timeline reads records and bodyfiles, makes one event per
 * timestamp, sorts them in bounded memory and writes the timeline.
 */
int
main(int argc, char *argv[])
{
	tr_tl_opts o;
	tr_timeline *tl = NULL;
	tr_error err;
	const tr_tl_stats *st;
	int ch, i, status = CLI_EXIT_OK;

	cli_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.warn = warn_cb;
	while ((ch = getopt_long(argc, argv, "f:hm:qT:uV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			if (tr_tl_format_parse(optarg, &o.format, &err) !=
			    TR_OK)
				cli_usage_error(USAGE, "%s", err.msg);
			break;
		case 'h':
			cli_help(help);
		case 'm':
			if (cli_parse_size(optarg, &o.memory) != 0 ||
			    o.memory < 4096)
				cli_usage_error(USAGE, "invalid memory size "
				    "'%s': expected a size of at least 4K, "
				    "such as 512M", optarg);
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 'T':
			o.tmpdir = optarg;
			break;
		case 'u':
			o.unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case OPT_FROM:
			parse_date(optarg, &o.from, 0);
			o.has_from = 1;
			break;
		case OPT_TO:
			parse_date(optarg, &o.to, 1);
			o.has_to = 1;
			break;
		case OPT_MACB:
			o.macb = 1;
			break;
		case OPT_SKIP_BAD:
			o.skip_bad = 1;
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (o.has_from && o.has_to && (o.to.sec < o.from.sec ||
	    (o.to.sec == o.from.sec && o.to.nsec < o.from.nsec)))
		cli_usage_error(USAGE, "--to is before --from");
	if (tr_timeline_new(&tl, &o, &err) != TR_OK) {
		cli_error("%s", err.msg);
		return CLI_EXIT_TROUBLE;
	}
	for (i = 0; i < (argc > 0 ? argc : 1); i++)
		if (add_input(tl, argc > 0 ? argv[i] : "-", &err) != TR_OK) {
			cli_error("%s", err.msg);
			tr_timeline_free(tl);
			return CLI_EXIT_TROUBLE;
		}
	if (tr_timeline_write(tl, stdout, &err) != TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
	}
	st = tr_timeline_stats(tl);
	if (st->bad > 0) {
		cli_warn("skipped %llu bad line%s",
		    (unsigned long long)st->bad, st->bad == 1 ? "" : "s");
		status = CLI_EXIT_TROUBLE;
	}
	tr_timeline_free(tl);
	if (fclose(stdout) != 0 && status == CLI_EXIT_OK) {
		cli_error("cannot write output: %s", strerror(errno));
		status = CLI_EXIT_TROUBLE;
	}
	return status;
}
