/* SPDX-License-Identifier: Apache-2.0 */
/* triage-walk: one file record per entry of every filesystem of a source. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "triage/known.h"

#define USAGE "usage: triage-walk [-adhquVx] [-b sector-size] " \
	"[-f image-format] [-H algorithms] [-m max-depth] [-o format] " \
	"[-p path-prefix] [-t types] [-z zone] [--label name] " \
	"[--known index] [--volume n] source ..."

static const char help[] = USAGE "\n"
"\n"
"List every entry of every filesystem of each source (disk image or live\n"
"folder), deleted ones too, as one 'file' record per entry on stdout\n"
"(JSON Lines, see triage-records(5)), or as a TSK bodyfile.\n"
"\n"
"  -a, --allocated          only allocated entries\n"
"  -b, --sector-size N      sector size of a raw image (default: 512)\n"
"  -d, --deleted            only deleted entries\n"
"  -f, --image-format FMT   auto, raw, ewf, vmdk, vhd, aff, dir\n"
"  -H, --hash LIST          digests of file content: md5,sha1,sha256\n"
"      --known INDEX        flag files in its hash sets (triage-known):\n"
"                           \"known\", \"known_bad\" and hashset hits;\n"
"                           hashes with the index's digests unless -H\n"
"  -m, --max-depth N        0: entries of the root folder only\n"
"  -o, --format FMT         jsonl (default) or bodyfile (fls -m)\n"
"  -p, --path-prefix PATH   only PATH and what is below it\n"
"  -t, --type LIST          only these types: file,dir,link,fifo,chr,blk,\n"
"                           sock,whiteout,virtual,virtual_dir,unknown\n"
"      --volume N           only the filesystem of volume N (triage-info)\n"
"      --label NAME         evidence label: \"evidence\" in every record\n"
"  -x, --one-file-system    live folder: do not cross mount points\n"
"  -z, --timezone ZONE      zone of FAT/exFAT local times (default UTC,\n"
"                           never the TZ variable), e.g. Europe/Berlin\n"
"  -q, --quiet              no warnings, no progress line\n"
"  -u, --unbuffered         flush after every record\n"
"  -h, --help               this help\n"
"  -V, --version            versions of triage and its libraries\n"
"\n"
"Exit status: 0 done, 2 misuse or any error (records written stay valid).\n"
"Example: triage-walk -d disk.E01 | jq -r 'select(.type==\"file\") | .path'\n";

enum { OPT_VOLUME = 256, OPT_LABEL, OPT_KNOWN };

static const struct option longopts[] = {
	{ "allocated", no_argument, NULL, 'a' },
	{ "sector-size", required_argument, NULL, 'b' },
	{ "deleted", no_argument, NULL, 'd' },
	{ "image-format", required_argument, NULL, 'f' },
	{ "known", required_argument, NULL, OPT_KNOWN },
	{ "hash", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "max-depth", required_argument, NULL, 'm' },
	{ "format", required_argument, NULL, 'o' },
	{ "path-prefix", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "type", required_argument, NULL, 't' },
	{ "unbuffered", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ "volume", required_argument, NULL, OPT_VOLUME },
	{ "one-file-system", no_argument, NULL, 'x' },
	{ "timezone", required_argument, NULL, 'z' },
	{ NULL, 0, NULL, 0 }
};

struct walk {
	tr_jsonl	*out;
	int		bodyfile;
	int		unbuffered;
	int		only_deleted, only_allocated;
	unsigned	types;		/* bit per tr_ftype; 0: all */
	const char	*prefix;
	size_t		prefix_len;
	tr_hash		*hash;
	const char	*label;		/* --label, or NULL */
	tr_known	*known;		/* --known */
	char		*kline;
	size_t		kcap;
	tr_progress	*progress;	/* NULL unless stderr is a terminal */
	char		*line;
	size_t		line_cap;
	unsigned	errors;
	unsigned	nfs;
	tr_fs		*fs;
	int		failed;		/* stdout failed: stop */
};

static int
parse_types(const char *list, unsigned *bits)
{
	char *copy, *tok, *save = NULL;
	tr_ftype t;
	int rc = 0;

	if ((copy = strdup(list)) == NULL)
		return -1;
	*bits = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		t = tr_ftype_parse(tok);
		if (t == TR_FT_UNKNOWN && strcmp(tok, "unknown") != 0) {
			cli_usage_error(USAGE, "invalid type '%s'", tok);
			rc = -1;
		}
		*bits |= 1u << t;
	}
	free(copy);
	return *bits == 0 ? -1 : rc;
}

/* Where does path stand to the prefix: 1 in it, 0 on the way, -1 apart. */
static int
prefix_match(const struct walk *w, const char *path)
{
	size_t n = w->prefix_len, pl;

	if (strncmp(path, w->prefix, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/' || w->prefix[n - 1] == '/'))
		return 1;
	pl = strlen(path);
	if (pl < n && strncmp(w->prefix, path, pl) == 0 &&
	    (w->prefix[pl] == '/' || (pl == 1 && path[0] == '/')))
		return 0;
	return -1;
}

/* Warnings take the place of the progress line, which comes back later. */
static void
warn_cb(void *arg, const char *msg)
{
	struct walk *w = arg;

	tr_progress_clear(w->progress);
	cli_warn_cb(NULL, msg);
}

static void
hashed_bytes(void *arg, uint64_t n)
{
	tr_progress_add(arg, 0, n);
}

/*
 * Digest the content of e into the hex strings; returns 0, or -1 after a
 * warning naming the entry.
 */
static int
hash_entry(struct walk *w, const tr_entry *e, char md5[TR_HASH_HEX_MAX],
    char sha1[TR_HASH_HEX_MAX], char sha256[TR_HASH_HEX_MAX])
{
	tr_error err;

	if (tr_entry_hash(w->fs, e, w->hash, NULL, &err) != TR_OK) {
		tr_progress_clear(w->progress);
		cli_warn("%s%s", e->deleted ? "deleted file: " : "", err.msg);
		return -1;
	}
	tr_hash_final(w->hash, md5, sha1, sha256);
	return 0;
}

/* --known: the record in w->line, flagged, into w->kline (length *len). */
static int
flag_known(struct walk *w, size_t *len)
{
	tr_known_result res;
	tr_error err;

	if (tr_known_line(w->known, w->line, *len, 0, &w->kline, &w->kcap,
	    len, &res, &err) != TR_OK) {
		tr_progress_clear(w->progress);
		cli_error("%s", err.msg);
		w->errors++;
		return -1;
	}
	return 0;
}

static int
on_entry(void *arg, const tr_entry *e)
{
	struct walk *w = arg;
	char md5[TR_HASH_HEX_MAX], sha1[TR_HASH_HEX_MAX];
	char sha256[TR_HASH_HEX_MAX];
	tr_hashes hx = { NULL, NULL, NULL };
	int hashed = 0, tried = 0, m;
	size_t len = 0;

	tr_progress_add(w->progress, 1, 0);
	if (w->prefix != NULL && (m = prefix_match(w, e->path)) != 1)
		return m < 0 ? TR_WALK_SKIP : TR_WALK_CONTINUE;
	if ((w->only_deleted && !e->deleted) ||
	    (w->only_allocated && e->deleted) ||
	    (w->types != 0 && !(w->types & (1u << e->type))))
		return TR_WALK_CONTINUE;
	if (w->hash != NULL && e->type == TR_FT_FILE && e->has_meta &&
	    e->recoverable) {
		tried = 1;
		if (hash_entry(w, e, md5, sha1, sha256) == 0) {
			hashed = 1;
			hx.md5 = (tr_hash_bits(w->hash) & TR_HASH_MD5) ?
			    md5 : NULL;
			hx.sha1 = (tr_hash_bits(w->hash) & TR_HASH_SHA1) ?
			    sha1 : NULL;
			hx.sha256 = (tr_hash_bits(w->hash) & TR_HASH_SHA256) ?
			    sha256 : NULL;
		} else if (!e->deleted) {
			w->errors++;
		}
	}
	if (w->bodyfile) {
		if (tr_entry_bodyfile(e, hx.md5, &w->line, &w->line_cap,
		    &len) != TR_OK) {
			cli_error("out of memory");
			return TR_WALK_ERROR;
		}
		if (fwrite(w->line, 1, len, stdout) != len ||
		    (w->unbuffered && fflush(stdout) != 0)) {
			w->failed = 1;
			return TR_WALK_ERROR;
		}
		return TR_WALK_CONTINUE;
	}
	if (tr_entry_json(w->fs, e, hashed ? &hx : NULL,
	    tried && e->deleted ? hashed : -1, &w->line, &w->line_cap, &len)
	    != TR_OK) {
		cli_error("out of memory");
		return TR_WALK_ERROR;
	}
	if (w->known != NULL && hashed && flag_known(w, &len) != 0)
		return TR_WALK_ERROR;
	/* The record is built in one buffer: one write, as tr_jsonl_write. */
	if (fwrite(w->kline != NULL && hashed && w->known != NULL ? w->kline :
	    w->line, 1, len, stdout) != len ||
	    (w->unbuffered && fflush(stdout) != 0)) {
		w->failed = 1;
		return TR_WALK_ERROR;
	}
	return TR_WALK_CONTINUE;
}

struct run {
	struct walk	*w;
	tr_walk_opts	opts;
};

static int
walk_one(void *arg, tr_fs *fs)
{
	struct run *run = arg;
	struct walk *w = run->w;
	tr_walk_opts opts = run->opts;
	uint64_t warnings = 0;
	char *folder = NULL;
	size_t n = w->prefix_len;
	tr_error err;
	int rc;

	w->fs = fs;
	w->nfs++;
	/*
	 * A prefix that is a whole folder: walk from it instead of walking
	 * everything and leaving the rest out (prefix_match() still filters).
	 */
	if (w->prefix != NULL && (folder = strdup(w->prefix)) != NULL) {
		if (folder[n - 1] == '/')
			folder[--n] = '\0';
		else
			opts.flags |= TR_WALK_START_SELF;
		if (n > 1 && tr_fs_folder_unique(fs, folder))
			opts.start = folder;
	}
	rc = tr_fs_walk(fs, &opts, on_entry, w, &warnings, &err);
	free(folder);
	w->fs = NULL;
	if (warnings > 0)
		w->errors++;
	if (rc == TR_EINTR && w->failed)
		return TR_EIO;
	if (rc != TR_OK && rc != TR_EINTR) {
		tr_progress_clear(w->progress);
		cli_error("%s", err.msg);
		w->errors++;
	}
	return rc == TR_EINTR ? rc : TR_OK;
}

/* Walk every filesystem of one source; 0, or -1 after an error. */
static int
walk_source(struct walk *w, const tr_walk_opts *opts, const char *path,
    const char *format, unsigned ss, int volume)
{
	struct run run = { w, *opts };
	tr_source *src = NULL;
	unsigned failed = 0, before = w->nfs;
	tr_error err;
	int rc;

	if (tr_source_open(&src, path, format, ss, &err) != TR_OK) {
		tr_progress_clear(w->progress);
		cli_error("%s", err.msg);
		return -1;
	}
	if (tr_source_set_label(src, w->label) != TR_OK) {
		tr_progress_clear(w->progress);
		cli_error("out of memory");
		tr_source_close(src);
		return -1;
	}
	rc = tr_source_each_fs(src, volume, warn_cb, w,
	    walk_one, &run, &failed, &err);
	tr_progress_clear(w->progress);
	if (rc != TR_OK && !w->failed && rc != TR_EINTR)
		cli_error("%s", err.msg);
	else if (rc == TR_OK && w->nfs == before && failed == 0) {
		cli_error("no filesystem to walk in '%s'", path);
		rc = TR_ENOTFOUND;
	}
	tr_source_close(src);
	return rc != TR_OK || failed > 0 ? -1 : 0;
}

/*
 * triage-walk lists every entry of every filesystem in each source, as
 * fls -r -m does, deleted names, orphans and NTFS streams included, with
 * full-precision times and, when asked, content digests.
 */
int
main(int argc, char *argv[])
{
	struct walk w;
	tr_walk_opts opts;
	const char *format = NULL, *hashes = NULL, *known = NULL;
	unsigned bits = 0;
	tr_error err;
	int ch, status = CLI_EXIT_OK, ss = 0, volume = TR_VOLUME_ALL, i;

	cli_init(argv[0]);
	memset(&w, 0, sizeof(w));
	memset(&opts, 0, sizeof(opts));
	opts.flags = TR_WALK_DEFAULT;
	opts.max_depth = -1;
	while ((ch = getopt_long(argc, argv, "ab:df:H:hm:o:p:qt:uVxz:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			w.only_allocated = 1;
			break;
		case 'b':
			if (cli_parse_int(optarg, 512, 65536, &ss) != 0 ||
			    (ss & (ss - 1)) != 0)
				cli_usage_error(USAGE,
				    "invalid sector size '%s'", optarg);
			break;
		case 'd':
			w.only_deleted = 1;
			break;
		case 'f':
			format = optarg;
			break;
		case 'H':
			hashes = optarg;
			break;
		case 'h':
			cli_help(help);
		case 'm':
			if (cli_parse_int(optarg, 0, 1 << 20,
			    &opts.max_depth) != 0)
				cli_usage_error(USAGE,
				    "invalid max depth '%s'", optarg);
			break;
		case 'o':
			if (strcmp(optarg, "bodyfile") == 0)
				w.bodyfile = 1;
			else if (strcmp(optarg, "jsonl") != 0)
				cli_usage_error(USAGE, "invalid format '%s': "
				    "expected jsonl or bodyfile", optarg);
			break;
		case 'p':
			if (optarg[0] != '/')
				cli_usage_error(USAGE, "invalid path prefix "
				    "'%s': must start with '/'", optarg);
			w.prefix = optarg;
			w.prefix_len = strlen(optarg);
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 't':
			if (parse_types(optarg, &w.types) != 0)
				cli_usage_error(USAGE, "invalid type list '%s'",
				    optarg);
			break;
		case 'u':
			w.unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case 'x':
			opts.flags |= TR_WALK_ONE_FS;
			break;
		case 'z':
			cli_set_timezone(USAGE, optarg);
			break;
		case OPT_LABEL:
			w.label = optarg;
			break;
		case OPT_KNOWN:
			known = optarg;
			break;
		case OPT_VOLUME:
			if (cli_parse_volume(optarg, &volume) != 0)
				cli_usage_error(USAGE, "invalid volume '%s'",
				    optarg);
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	if (w.only_deleted && w.only_allocated)
		cli_usage_error(USAGE,
		    "--deleted and --allocated exclude each other");
	if (w.prefix != NULL && strcmp(w.prefix, "/") == 0)
		w.prefix = NULL;
	if (known != NULL && w.bodyfile)
		cli_usage_error(USAGE, "--known writes records, not a bodyfile");
	if (hashes != NULL && tr_hash_parse(hashes, &bits, &err) != TR_OK)
		cli_usage_error(USAGE, "%s", err.msg);
	if (known != NULL) {
		if (tr_known_open(&w.known, known, &err) != TR_OK) {
			cli_error("%s", err.msg);
			return CLI_EXIT_TROUBLE;
		}
		if (hashes == NULL)
			bits = tr_known_algorithms(w.known);
		if ((bits & tr_known_algorithms(w.known)) == 0)
			cli_warn("index '%s' holds none of the digests asked "
			    "for: no file can match", known);
	}
	if (bits != 0) {
		if (tr_hash_new(&w.hash, bits, &err) != TR_OK) {
			cli_error("out of memory");
			return CLI_EXIT_TROUBLE;
		}
	}
	opts.warn = warn_cb;
	opts.warn_arg = &w;
	w.out = cli_open_output(w.unbuffered);
	if (!cli_quiet)
		w.progress = tr_progress_new(stderr, cli_progname, "entries");
	if (w.hash != NULL && w.progress != NULL)
		tr_hash_set_progress(w.hash, hashed_bytes, w.progress);
	for (i = 0; i < argc && !w.failed; i++)
		if (walk_source(&w, &opts, argv[i], format, (unsigned)ss,
		    volume) != 0)
			status = CLI_EXIT_TROUBLE;
	if (w.errors > 0 || w.failed)
		status = CLI_EXIT_TROUBLE;
	tr_progress_clear(w.progress);
	if (w.failed)
		cli_error("cannot write to standard output");
	tr_progress_free(w.progress);
	tr_hash_free(w.hash);
	tr_known_close(w.known);
	free(w.kline);
	free(w.line);
	return cli_close_output(w.out, status);
}
