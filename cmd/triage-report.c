/* SPDX-License-Identifier: Apache-2.0 */
/* triage-report: an HTML or Markdown case report from records. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "triage/report.h"

#define USAGE "usage: triage-report [-hquV] [-c events] [-f format] " \
	"[-o file] case | file ..."

static const char help[] = USAGE "\n"
"\n"
"Write one self-contained case report (HTML with inline CSS and SVG, nothing\n"
"fetched from the network, or Markdown) from a case folder made by\n"
"triage-collect, or from record files ('-' is standard input): case and\n"
"examiner, evidence and its hashes, volumes and filesystems, YARA hits,\n"
"artifacts collected, a timeline chart with the events around each hit,\n"
"warnings and errors, the chain of custody, tool and library versions.\n"
"\n"
"  -c, --context N       timeline events shown before and after each hit\n"
"                        (default: 5)\n"
"  -f, --format FMT      html (default) or md\n"
"  -o, --output FILE     write the report to FILE (default: standard output)\n"
"  -q, --quiet           no warnings\n"
"  -u, --unbuffered      accepted for symmetry; the report is one document\n"
"  -h, --help            this help\n"
"  -V, --version         versions of triage and its libraries\n"
"\n"
"Exit status: 0 done, 2 misuse, unreadable input or records skipped.\n"
"Example: triage-report -o case/report.html case\n";

static const struct option longopts[] = {
	{ "context", required_argument, NULL, 'c' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
warn_line(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
}

/* Read every input into rep; returns 0, or -1 when any input had trouble. */
static int
gather(tr_report *rep, int argc, char *argv[])
{
	struct stat st;
	tr_error err;
	int i, rc, status = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 &&
		    S_ISDIR(st.st_mode))
			rc = tr_report_add_case(rep, argv[i], warn_line, NULL,
			    &err);
		else
			rc = tr_report_add_file(rep, argv[i], warn_line, NULL,
			    &err);
		if (rc == TR_EFORMAT) {
			status = -1;
		} else if (rc != TR_OK) {
			cli_error("%s", err.msg);
			status = -1;
		}
	}
	return status;
}

/*
 * triage-report reads records and writes one report document for lab staff;
 * bad lines are reported and skipped, so a report is written whenever any
 * input could be read.
 */
int
main(int argc, char *argv[])
{
	const char *output = NULL;
	tr_report *rep = NULL;
	tr_error err;
	FILE *fp;
	int ch, format = TR_REPORT_HTML, context = 5, status = CLI_EXIT_OK;

	cli_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "c:f:ho:quV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			if (cli_parse_int(optarg, 0, 1000, &context) != 0)
				cli_usage_error(USAGE,
				    "invalid number of events '%s'", optarg);
			break;
		case 'f':
			if (strcmp(optarg, "html") == 0)
				format = TR_REPORT_HTML;
			else if (strcmp(optarg, "md") == 0 ||
			    strcmp(optarg, "markdown") == 0)
				format = TR_REPORT_MARKDOWN;
			else
				cli_usage_error(USAGE,
				    "unknown format '%s' (html or md)", optarg);
			break;
		case 'h':
			cli_help(help);
		case 'o':
			output = optarg;
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 'u':
			break;
		case 'V':
			cli_version();
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cli_usage_error(USAGE, "no case folder or record file given");
	if (tr_report_new(&rep, (unsigned)context, &err) != TR_OK) {
		cli_error("%s", err.msg);
		return CLI_EXIT_TROUBLE;
	}
	if (gather(rep, argc, argv) != 0)
		status = CLI_EXIT_TROUBLE;
	if (output != NULL && (fp = fopen(output, "w")) == NULL) {
		cli_error("cannot create '%s': %s", output, strerror(errno));
		tr_report_free(rep);
		return CLI_EXIT_TROUBLE;
	}
	if (output == NULL)
		fp = stdout;
	if (tr_report_write(rep, fp, format, &err) != TR_OK) {
		cli_error("%s%s%s", err.msg, output != NULL ? " to " : "",
		    output != NULL ? output : "");
		status = CLI_EXIT_TROUBLE;
	}
	if (fclose(fp) != 0) {
		cli_error("cannot write '%s': %s", output != NULL ? output :
		    "standard output", strerror(errno));
		status = CLI_EXIT_TROUBLE;
	}
	tr_report_free(rep);
	return status;
}
