/* SPDX-License-Identifier: Apache-2.0 */
/* triage-verify: recompute an image's hashes and compare them. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "triage/acquire.h"
#include "triage/custody.h"

#define USAGE "usage: triage-verify [-hquV] [-f format] [--md5 hash] " \
	"[--sha1 hash] [--sha256 hash] [--progress[=json]] [--record file] " \
	"image"
#define USAGE_CASE "       triage-verify [-hquV] [--head hash] --case case"

static const char help[] = USAGE "\n" USAGE_CASE "\n"
"\n"
"Recompute the hashes of an image's media data and compare them with the\n"
"ones stored in the E01, given on the command line, or in an acquisition\n"
"record (PATH.json of triage-acquire).  One 'verification' record goes to\n"
"stdout (see triage-records(5)); E01 chunks that fail their checksum are\n"
"listed by offset.\n"
"\n"
"  -f, --format FMT   image format: auto, raw, ewf, vmdk, vhd, aff\n"
"      --md5 HASH     expected MD5 (hex)\n"
"      --sha1 HASH    expected SHA-1\n"
"      --sha256 HASH  expected SHA-256\n"
"      --record FILE  expected hashes (and hash windows) from this record\n"
"      --progress[=json]  progress on stderr (default: when a terminal)\n"
"      --case CASE    check a case folder of triage-collect against its\n"
"                     hash-chained custody log instead\n"
"      --head HASH    with --case: the head triage-collect printed at the\n"
"                     end; the log must still end there\n"
"  -q, --quiet        no warnings\n"
"  -u, --unbuffered   flush after every record\n"
"  -h, --help         this help\n"
"  -V, --version      versions of triage and its libraries\n"
"\n"
"Exit status: 0 match, 1 mismatch, 2 misuse or the image cannot be read.\n"
"Example: triage-verify --record disk.json disk.E01 | jq .match\n";

enum { OPT_MD5 = 256, OPT_SHA1, OPT_SHA256, OPT_RECORD, OPT_CASE, OPT_HEAD,
	OPT_PROGRESS };

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "md5", required_argument, NULL, OPT_MD5 },
	{ "sha1", required_argument, NULL, OPT_SHA1 },
	{ "sha256", required_argument, NULL, OPT_SHA256 },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "case", required_argument, NULL, OPT_CASE },
	{ "head", required_argument, NULL, OPT_HEAD },
	{ "progress", optional_argument, NULL, OPT_PROGRESS },
	{ NULL, 0, NULL, 0 }
};

static void
case_problem(void *arg, const char *msg)
{
	cli_warn("%s: %s", (const char *)arg, msg);
}

/* --case: the custody log and outputs of a triage-collect case folder. */
static int
verify_case(const char *dir, const char *head, int unbuffered)
{
	tr_jsonl *out = cli_open_output(unbuffered);
	tr_rec *rec = NULL;
	tr_error err;
	int match = 0, status;

	if (tr_custody_verify_record(dir, head, case_problem, (void *)dir,
	    &rec, &match, &err) != TR_OK) {
		cli_error("%s", err.msg);
		return cli_close_output(out, CLI_EXIT_TROUBLE);
	}
	status = match ? CLI_EXIT_OK : CLI_EXIT_NONE;
	if (tr_jsonl_write(out, rec, &err) != TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
	}
	tr_rec_free(rec);
	return cli_close_output(out, status);
}

/*
 * triage-verify checks one image against the hashes it should have and
 * answers with a record and its exit status.
 */
int
main(int argc, char *argv[])
{
	tr_verify_opts o;
	tr_progress *prog;
	tr_jsonl *out;
	tr_rec *rec = NULL;
	tr_error err;
	const char *case_dir = NULL, *head = NULL;
	int ch, unbuffered = 0, match = 0, rc, status, progress = 0;

	cli_init(argv[0]);
	tr_verify_opts_init(&o);
	while ((ch = getopt_long(argc, argv, "f:hquV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			o.format = optarg;
			break;
		case 'h':
			cli_help(help);
		case 'q':
			cli_quiet = 1;
			break;
		case 'u':
			unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case OPT_MD5:
			o.md5 = optarg;
			break;
		case OPT_SHA1:
			o.sha1 = optarg;
			break;
		case OPT_SHA256:
			o.sha256 = optarg;
			break;
		case OPT_RECORD:
			o.record = optarg;
			break;
		case OPT_CASE:
			case_dir = optarg;
			break;
		case OPT_PROGRESS:
			progress = cli_parse_progress(USAGE, optarg);
			break;
		case OPT_HEAD:
			if (strlen(optarg) != 64 || strspn(optarg,
			    "0123456789abcdefABCDEF") != 64)
				cli_usage_error(USAGE, "invalid head '%s': want "
				    "64 hex digits", optarg);
			head = optarg;
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (case_dir != NULL) {
		if (argc > 0)
			cli_usage_error(USAGE, "--case takes no image");
		return verify_case(case_dir, head, unbuffered);
	}
	if (head != NULL)
		cli_usage_error(USAGE, "--head needs --case");
	if (argc == 0)
		cli_usage_error(USAGE, "no image given");
	if (argc > 1)
		cli_usage_error(USAGE, "one image at a time");
	o.image = argv[0];
	o.stop = &cli_stop;
	if ((prog = cli_progress_start(progress)) != NULL) {
		o.progress = tr_progress_bytes;
		o.progress_arg = prog;
	}
	cli_catch_stop();

	out = cli_open_output(unbuffered);
	rc = tr_verify(&o, &match, &rec, &err);
	if (rc != TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
	} else if (match) {
		status = CLI_EXIT_OK;
	} else {
		cli_warn("'%s' does not match its expected hashes", o.image);
		status = CLI_EXIT_NONE;
	}
	if (rec != NULL) {
		if (tr_jsonl_write(out, rec, &err) != TR_OK) {
			cli_error("%s", err.msg);
			status = CLI_EXIT_TROUBLE;
		}
		tr_rec_free(rec);
	}
	tr_progress_free(prog);
	return cli_close_output(out, status);
}
