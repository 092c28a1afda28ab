/* SPDX-License-Identifier: Apache-2.0 */
/* triage-info: image, volume and filesystem records of each source. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>

#include "common.h"

#define USAGE "usage: triage-info [-hquV] [-b sector-size] [-f format] " \
	"source ..."

static const char help[] = USAGE "\n"
"\n"
"Describe evidence: one 'image' record per source, one 'volume' record per\n"
"partition table entry and one 'filesystem' record per filesystem found,\n"
"as JSON Lines on stdout (see triage-records(5)).\n"
"\n"
"  -b, --sector-size N   sector size of a raw image (default: 512)\n"
"  -f, --format FMT      image format: auto, raw, ewf, vmdk, vhd, aff, dir\n"
"  -q, --quiet           no warnings\n"
"  -u, --unbuffered      flush after every record\n"
"  -h, --help            this help\n"
"  -V, --version         versions of triage and its libraries\n"
"\n"
"Exit status: 0 done, 2 misuse or any source that could not be read.\n"
"Example: triage-info disk.E01 | jq 'select(.record==\"filesystem\")'\n";

static const struct option longopts[] = {
	{ "sector-size", required_argument, NULL, 'b' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static int
write_rec(tr_jsonl *out, tr_rec *r)
{
	tr_error err;
	int rc;

	if (r == NULL) {
		cli_error("out of memory");
		return -1;
	}
	rc = tr_jsonl_write(out, r, &err);
	tr_rec_free(r);
	if (rc != TR_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/* Describe one source; returns 0, or -1 after an error was printed. */
static int
describe(tr_jsonl *out, const char *path, const char *format, unsigned ss)
{
	tr_source *src = NULL;
	tr_layout *l = NULL;
	tr_error err;
	unsigned warnings = 0;
	size_t i;
	int rc = -1;

	if (tr_source_open(&src, path, format, ss, &err) != TR_OK) {
		cli_error("%s", err.msg);
		return -1;
	}
	if (write_rec(out, tr_source_record(src)) != 0)
		goto out;
	if (tr_source_layout(src, &l, cli_warn_cb, &warnings, &err) !=
	    TR_OK) {
		cli_error("%s", err.msg);
		goto out;
	}
	for (i = 0; i < l->nvolumes; i++)
		if (write_rec(out, tr_volume_record(src, l, &l->volumes[i])) != 0)
			goto out;
	for (i = 0; i < l->nfs; i++)
		if (write_rec(out, tr_fs_info_record(src, &l->fs[i])) != 0)
			goto out;
	rc = 0;
out:
	tr_layout_free(l);
	tr_source_close(src);
	return rc;
}

/*
 * triage-info describes each source: the image, its partition table and the
 * filesystems inside, as mmls, fsstat and ewfinfo would, in records.
 */
int
main(int argc, char *argv[])
{
	const char *format = NULL;
	tr_jsonl *out;
	int ch, status = CLI_EXIT_OK, unbuffered = 0, ss = 0, i;

	cli_init(argv[0]);
	while ((ch = getopt_long(argc, argv, "b:f:hquV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'b':
			if (cli_parse_int(optarg, 512, 65536, &ss) != 0 ||
			    (ss & (ss - 1)) != 0)
				cli_usage_error(USAGE,
				    "invalid sector size '%s'", optarg);
			break;
		case 'f':
			format = optarg;
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
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	out = cli_open_output(unbuffered);
	for (i = 0; i < argc; i++)
		if (describe(out, argv[i], format, (unsigned)ss) != 0)
			status = CLI_EXIT_TROUBLE;
	return cli_close_output(out, status);
}
