/* SPDX-License-Identifier: Apache-2.0 */
/* triage-extract: copy selected files and artifact sets out of evidence. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "triage/artifacts.h"
#include "triage/extract.h"
#include "triage/progress.h"

#define USAGE "usage: triage-extract [-dFhlquV] [-a artifact] " \
	"[-b sector-size] [-D definitions] [-f format] [-i inode] " \
	"[-o folder] [-p glob] [-v volume] [source ...]"

static const char help[] = USAGE "\n"
"\n"
"Copy files out of evidence into a new folder, keeping their folders, with\n"
"one 'extracted' record per file on stdout and in FOLDER/manifest.jsonl.\n"
"Select with -a, -p, -i; with none of them, 'file' records are read on\n"
"stdin (from triage-walk) and each names its own source.\n"
"\n"
"  -a, --artifact NAME    an artifact definition or group (repeatable)\n"
"  -b, --sector-size N    sector size of a raw image (default: 512)\n"
"  -D, --definitions F    load more definitions: a YAML file or a folder\n"
"  -d, --deleted          also deleted files whose content is readable\n"
"  -F, --force            add to an output folder that is not empty\n"
"  -f, --format FMT       image format: auto, raw, ewf, vmdk, vhd, aff, dir\n"
"  -i, --inode N          the file with this inode (repeatable)\n"
"  -l, --list             print the artifact definitions and exit\n"
"  -o, --output FOLDER    where the copies go (required to extract)\n"
"  -p, --path GLOB        paths matching GLOB: * ? [..] ** (repeatable)\n"
"  -v, --volume N         only this volume (see triage-info)\n"
"  -q, --quiet            no warnings, no progress line\n"
"  -u, --unbuffered       flush after every record\n"
"  -h, --help             this help\n"
"  -V, --version          versions of triage and its libraries\n"
"\n"
"Exit status: 0 something extracted, 1 nothing selected, 2 misuse or any\n"
"error.\n"
"Example: triage-extract -a linux-triage -o case1 disk.E01 | jq .output\n";

static const struct option longopts[] = {
	{ "artifact", required_argument, NULL, 'a' },
	{ "sector-size", required_argument, NULL, 'b' },
	{ "definitions", required_argument, NULL, 'D' },
	{ "deleted", no_argument, NULL, 'd' },
	{ "force", no_argument, NULL, 'F' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "inode", required_argument, NULL, 'i' },
	{ "list", no_argument, NULL, 'l' },
	{ "output", required_argument, NULL, 'o' },
	{ "path", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "volume", required_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char	**artifacts, **globs, **inodes, **defs;
	size_t		nartifacts, nglobs, ninodes, ndefs;
	const char	*format, *outdir;
	unsigned	flags;
	int		ss, volume, unbuffered, listing;
};

/*
 * stdout's writer, opened on the first record or once the run is done: a
 * run refused before it starts leaves stdout alone.
 */
struct output {
	tr_jsonl	*w;
	int		unbuffered;
};

static void
add(const char ***v, size_t *n, const char *s)
{
	if ((*v = realloc(*v, (*n + 1) * sizeof(**v))) == NULL) {
		cli_error("out of memory");
		exit(CLI_EXIT_TROUBLE);
	}
	(*v)[(*n)++] = s;
}

static tr_jsonl *
output(struct output *o)
{
	if (o->w == NULL)
		o->w = cli_open_output(o->unbuffered);
	return o->w;
}

static int
write_cb(void *arg, const tr_rec *rec, tr_error *err)
{
	return tr_jsonl_write(output(arg), rec, err);
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "a:b:D:dFf:hi:lo:p:quVv:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			add(&o->artifacts, &o->nartifacts, optarg);
			break;
		case 'b':
			if (cli_parse_int(optarg, 512, 65536, &o->ss) != 0 ||
			    (o->ss & (o->ss - 1)) != 0)
				cli_usage_error(USAGE,
				    "invalid sector size '%s'", optarg);
			break;
		case 'D':
			add(&o->defs, &o->ndefs, optarg);
			break;
		case 'd':
			o->flags |= TR_EXTRACT_DELETED;
			break;
		case 'F':
			o->flags |= TR_EXTRACT_FORCE;
			break;
		case 'f':
			o->format = optarg;
			break;
		case 'h':
			cli_help(help);
		case 'i':
			if (optarg[0] == '\0' || strchr(optarg, '/') != NULL)
				cli_usage_error(USAGE, "invalid inode '%s'",
				    optarg);
			add(&o->inodes, &o->ninodes, optarg);
			break;
		case 'l':
			o->listing = 1;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case 'p':
			add(&o->globs, &o->nglobs, optarg);
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 'u':
			o->unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case 'v':
			if (cli_parse_volume(optarg, &o->volume) != 0)
				cli_usage_error(USAGE, "invalid volume '%s'",
				    optarg);
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
}

/* $TRIAGE_ARTIFACTS, the installed definitions or the source tree's. */
static tr_artifacts *
load_definitions(const struct opts *o)
{
	tr_artifacts *set;
	tr_error err;
	const char *dir = getenv("TRIAGE_ARTIFACTS");
	struct stat st;

	if (dir == NULL || dir[0] == '\0') {
		dir = TRIAGE_ARTIFACTS_DIR;
		if (stat(dir, &st) != 0)
			dir = TRIAGE_ARTIFACTS_SRCDIR;
	}
	if (tr_extract_load_definitions(&set, dir, o->defs, o->ndefs,
	    cli_warn_cb, NULL, &err) != TR_OK) {
		cli_error("%s", err.msg);
		exit(CLI_EXIT_TROUBLE);
	}
	return set;
}

static int
list_definitions(tr_artifacts *set, int unbuffered)
{
	tr_jsonl *out = cli_open_output(unbuffered);
	tr_error err;
	tr_rec *r;
	size_t i;
	int status = CLI_EXIT_OK;

	for (i = 0; i < tr_artifacts_count(set); i++) {
		if ((r = tr_artifacts_record(set, i)) == NULL) {
			cli_error("out of memory");
			status = CLI_EXIT_TROUBLE;
			break;
		}
		if (tr_jsonl_write(out, r, &err) != TR_OK) {
			cli_error("%s", err.msg);
			status = CLI_EXIT_TROUBLE;
			tr_rec_free(r);
			break;
		}
		tr_rec_free(r);
	}
	return cli_close_output(out, status);
}

/*
 * triage-extract copies files selected by artifact definitions, globs,
 * inodes or records out of evidence into a fresh folder that no name from
 * the evidence can escape, with hashes and a manifest.
 */
int
main(int argc, char *argv[])
{
	struct opts o = { .volume = TR_VOLUME_ALL };
	struct output so = { NULL, 0 };
	tr_artifacts *defs = NULL;
	tr_progress *progress = NULL;
	tr_extract_opts xo;
	tr_extract_stats st;
	tr_error err;
	size_t i;
	int rc, status;

	cli_init(argv[0]);
	parse_args(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if (o.listing || o.nartifacts > 0 || o.ndefs > 0)
		defs = load_definitions(&o);
	if (o.listing) {
		status = list_definitions(defs, o.unbuffered);
		goto out;
	}
	if (o.outdir == NULL)
		cli_usage_error(USAGE, "no output folder given (-o)");
	for (i = 0; i < o.nartifacts; i++)
		if (!tr_artifacts_has(defs, o.artifacts[i]))
			cli_usage_error(USAGE, "unknown artifact '%s' (see "
			    "--list)", o.artifacts[i]);
	if (o.nartifacts + o.nglobs + o.ninodes == 0) {
		if (argc > 0)
			cli_usage_error(USAGE, "nothing selected: give -a, -p "
			    "or -i, or file records on stdin without a source");
	} else if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	memset(&xo, 0, sizeof(xo));
	xo.output = o.outdir;
	xo.flags = o.flags;
	xo.format = o.format;
	xo.sector_size = (unsigned)o.ss;
	xo.volume = o.volume;
	xo.defs = defs;
	xo.artifacts = o.artifacts;
	xo.nartifacts = o.nartifacts;
	xo.globs = o.globs;
	xo.nglobs = o.nglobs;
	xo.inodes = o.inodes;
	xo.ninodes = o.ninodes;
	xo.in = stdin;
	xo.out = write_cb;
	xo.out_arg = &so;
	if (!cli_quiet)
		progress = tr_progress_new(stderr, cli_progname, "files");
	/* Messages take the place of the progress line (NULL: none). */
	xo.error = cli_progress_error;
	xo.error_arg = progress;
	xo.warn = cli_progress_warn;
	xo.warn_arg = progress;
	if (progress != NULL) {
		xo.progress = cli_progress_count;
		xo.progress_arg = progress;
	}
	so.unbuffered = o.unbuffered;
	/* Every problem, the one that stops the run too, went to xo.error. */
	rc = tr_extract_run((const char *const *)argv, (size_t)argc, &xo, &st,
	    &err);
	tr_progress_free(progress);
	if (rc != TR_OK)
		status = so.w != NULL ? cli_close_output(so.w,
		    CLI_EXIT_TROUBLE) : CLI_EXIT_TROUBLE;
	else
		status = cli_close_output(output(&so), st.errors > 0 ?
		    CLI_EXIT_TROUBLE : st.written > 0 ? CLI_EXIT_OK :
		    CLI_EXIT_NONE);
out:
	free(o.artifacts);
	free(o.globs);
	free(o.inodes);
	free(o.defs);
	tr_artifacts_free(defs);
	return status;
}
