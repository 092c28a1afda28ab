/* SPDX-License-Identifier: Apache-2.0 */
/* triage-acquire: image a device, file or image to E01 or raw. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "triage/acquire.h"

#define USAGE "usage: triage-acquire [-hquV] [-C case] [-c compression] " \
	"[-D description] [-E evidence] [-e examiner] [-f format] " \
	"[-H hashes] [-j threads] [-m media-type] [-N notes] [-r retries] " \
	"[-S size] [--hash-window size] [--progress[=json]] [--resume] " \
	"[--split size] -o path source"

static const char help[] = USAGE "\n"
"\n"
"Image a block device, a file or any image triage reads (E01, split raw,\n"
"VMDK, VHD...) to E01 (PATH.E01, PATH.E02...) or raw (PATH, or PATH.001...),\n"
"hashing in the same pass.  The 'acquisition' record goes to stdout and to\n"
"PATH.json (see triage-records(5)).\n"
"\n"
"  -o, --output PATH         output path, without extension for E01\n"
"  -f, --format FMT          e01 (default) or raw\n"
"  -c, --compression LEVEL   E01: none, fast (default) or best\n"
"  -S, --segment-size SIZE   E01 segment size (default 1500M)\n"
"      --split SIZE          raw: cut into PATH.001, PATH.002... of SIZE\n"
"  -H, --hash LIST           md5,sha1,sha256 (default md5)\n"
"      --hash-window SIZE    also a digest of every SIZE bytes\n"
"  -r, --retries N           re-reads of a failed block (default 2)\n"
"      --resume              continue an interrupted raw acquisition\n"
"  -C, --case-number TEXT    case metadata stored in the E01 and record\n"
"  -E, --evidence-number TEXT\n"
"  -e, --examiner TEXT\n"
"  -D, --description TEXT\n"
"  -N, --notes TEXT\n"
"  -m, --media-type TYPE     fixed (default), removable, optical, memory\n"
"  -j, --threads N           compression threads (default: one per CPU)\n"
"      --progress[=json]     progress on stderr (default: when a terminal)\n"
"  -q, --quiet               no warnings\n"
"  -u, --unbuffered          flush after every record\n"
"  -h, --help                this help\n"
"  -V, --version             versions of triage and its libraries\n"
"\n"
"Exit status: 0 complete, 2 misuse, interrupted, failed, or read errors.\n"
"Example: triage-acquire -H md5,sha256 -C 42 -o /cases/42/disk /dev/sdb\n";

enum { OPT_HASH_WINDOW = 256, OPT_PROGRESS, OPT_RESUME, OPT_SPLIT };

static const struct option longopts[] = {
	{ "case-number", required_argument, NULL, 'C' },
	{ "compression", required_argument, NULL, 'c' },
	{ "description", required_argument, NULL, 'D' },
	{ "evidence-number", required_argument, NULL, 'E' },
	{ "examiner", required_argument, NULL, 'e' },
	{ "format", required_argument, NULL, 'f' },
	{ "hash", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "threads", required_argument, NULL, 'j' },
	{ "media-type", required_argument, NULL, 'm' },
	{ "notes", required_argument, NULL, 'N' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "retries", required_argument, NULL, 'r' },
	{ "segment-size", required_argument, NULL, 'S' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "hash-window", required_argument, NULL, OPT_HASH_WINDOW },
	{ "progress", optional_argument, NULL, OPT_PROGRESS },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "split", required_argument, NULL, OPT_SPLIT },
	{ NULL, 0, NULL, 0 }
};

static void
parse_size(const char *what, const char *s, uint64_t *out)
{
	if (cli_parse_size(s, out) != 0 || *out == 0)
		cli_usage_error(USAGE, "invalid %s '%s'", what, s);
}

static void
parse_opts(int argc, char *argv[], tr_acquire_opts *o, int *unbuffered,
    int *progress)
{
	tr_error err;
	int ch, n;

	while ((ch = getopt_long(argc, argv, "C:c:D:E:e:f:H:hj:m:N:o:qr:S:uV",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			o->case_number = optarg;
			break;
		case 'c':
			if (strcmp(optarg, "none") == 0)
				o->compression = TR_ACQ_COMPRESS_NONE;
			else if (strcmp(optarg, "fast") == 0)
				o->compression = TR_ACQ_COMPRESS_FAST;
			else if (strcmp(optarg, "best") == 0)
				o->compression = TR_ACQ_COMPRESS_BEST;
			else
				cli_usage_error(USAGE, "invalid compression "
				    "'%s': use none, fast or best", optarg);
			break;
		case 'D':
			o->description = optarg;
			break;
		case 'E':
			o->evidence_number = optarg;
			break;
		case 'e':
			o->examiner = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "e01") == 0)
				o->format = TR_ACQ_E01;
			else if (strcmp(optarg, "raw") == 0)
				o->format = TR_ACQ_RAW;
			else
				cli_usage_error(USAGE, "invalid format '%s': "
				    "use e01 or raw", optarg);
			break;
		case 'H':
			if (tr_hash_parse(optarg, &o->hashes, &err) != TR_OK)
				cli_usage_error(USAGE, "%s", err.msg);
			break;
		case 'h':
			cli_help(help);
		case 'j':
			if (cli_parse_int(optarg, 1, 64, &o->threads) != 0)
				cli_usage_error(USAGE, "invalid thread count "
				    "'%s'", optarg);
			break;
		case 'm':
			if (strcmp(optarg, "fixed") != 0 &&
			    strcmp(optarg, "removable") != 0 &&
			    strcmp(optarg, "optical") != 0 &&
			    strcmp(optarg, "memory") != 0)
				cli_usage_error(USAGE, "invalid media type "
				    "'%s': use fixed, removable, optical or "
				    "memory", optarg);
			o->media_type = optarg;
			break;
		case 'N':
			o->notes = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 'r':
			if (cli_parse_int(optarg, 0, 1000, &n) != 0)
				cli_usage_error(USAGE, "invalid retry count "
				    "'%s'", optarg);
			o->retries = (unsigned)n;
			break;
		case 'S':
			parse_size("segment size", optarg, &o->segment_size);
			break;
		case 'u':
			*unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case OPT_HASH_WINDOW:
			parse_size("hash window", optarg, &o->hash_window);
			break;
		case OPT_PROGRESS:
			*progress = cli_parse_progress(USAGE, optarg);
			break;
		case OPT_RESUME:
			o->resume = 1;
			break;
		case OPT_SPLIT:
			parse_size("split size", optarg, &o->split);
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
}

/*
 * triage-acquire copies one source to an E01 set or raw image, hashing in
 * the same pass, and reports the acquisition as a record.
 */
int
main(int argc, char *argv[])
{
	tr_acquire_opts o;
	tr_progress *prog;
	tr_jsonl *out;
	tr_rec *rec = NULL;
	tr_error err;
	int unbuffered = 0, progress = 0, rc, status = CLI_EXIT_OK;
	int64_t nbad = 0;

	cli_init(argv[0]);
	tr_acquire_opts_init(&o);
	o.tool = "triage-acquire";
	parse_opts(argc, argv, &o, &unbuffered, &progress);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	if (argc > 1)
		cli_usage_error(USAGE, "one source at a time");
	if (o.output == NULL)
		cli_usage_error(USAGE, "no output given (-o path)");
	if (o.format == TR_ACQ_E01 && o.split != 0)
		cli_usage_error(USAGE, "--split is for raw: use "
		    "--segment-size with e01");
	if (o.format == TR_ACQ_RAW && o.segment_size != 0)
		cli_usage_error(USAGE, "--segment-size is for e01: use "
		    "--split with raw");
	o.source = argv[0];
	if ((prog = cli_progress_start(progress)) != NULL) {
		o.progress = tr_progress_bytes;
		o.progress_arg = prog;
	}
	o.warn = cli_warn_cb;
	o.stop = &cli_stop;
	cli_catch_stop();

	out = cli_open_output(unbuffered);
	rc = tr_acquire(&o, &rec, &err);
	if (rc != TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
	}
	if (rec != NULL) {
		tr_rec *bad = tr_rec_get_rec(rec, "read_errors");

		nbad = bad != NULL ? (int64_t)tr_rec_array_size(bad) : 0;
		if (rc == TR_OK && nbad > 0) {
			cli_warn("%lld unreadable range(s) zero-filled: see "
			    "read_errors", (long long)nbad);
			status = CLI_EXIT_TROUBLE;
		}
		if (tr_jsonl_write(out, rec, &err) != TR_OK) {
			cli_error("%s", err.msg);
			status = CLI_EXIT_TROUBLE;
		}
		tr_rec_free(rec);
	}
	tr_progress_free(prog);
	return cli_close_output(out, status);
}
