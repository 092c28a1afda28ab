/* SPDX-License-Identifier: Apache-2.0 */
/* triage-extract: copy selected files and artifact sets out of evidence. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "triage/artifacts.h"
#include "triage/extract.h"

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
"  -q, --quiet            no warnings\n"
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

typedef struct list {
	char	**v;
	size_t	n;
} list;

/*
 * Records from stdin for one source: sorted, unique "volume\tinode\tpath"
 * keys, and which of them the walk found.
 */
typedef struct wanted {
	char		*source;
	list		keys;
	unsigned char	*found;
} wanted;

typedef struct ctx {
	tr_jsonl	*out;
	tr_extract	*x;
	tr_artifacts	*defs;
	list		artifacts, globs, inodes;
	wanted		*want;		/* stdin mode: this source's keys */
	int		deleted, volume, multi;
	char		prefix[32];
	tr_fs		*fs;
	tr_artifact_paths *apaths;
	unsigned	fold;
	int		status;
	uint64_t	selected;
} ctx;

static void
add(list *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (v == NULL || (v[l->n] = strdup(s)) == NULL) {
		cli_error("out of memory");
		exit(CLI_EXIT_TROUBLE);
	}
	l->v = v;
	l->n++;
}

static void
add_owned(list *l, char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (v == NULL) {
		cli_error("out of memory");
		exit(CLI_EXIT_TROUBLE);
	}
	v[l->n++] = s;
	l->v = v;
}

static void
list_free(list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
entry_key(int volume, const char *inode, const char *path)
{
	char *k;

	if (asprintf(&k, "%d\t%s\t%s", volume, inode, path) < 0) {
		cli_error("out of memory");
		exit(CLI_EXIT_TROUBLE);
	}
	return k;
}

/* Which selection e answers, and the artifact name (or NULL). */
static int
selected(ctx *c, const tr_entry *e, const char **artifact)
{
	const tr_fs_info *fi = tr_fs_get_info(c->fs);
	size_t i;
	char *k, **hit_at;

	*artifact = NULL;
	if (c->want != NULL) {
		k = entry_key(fi->volume, e->inode, e->path);
		hit_at = bsearch(&k, c->want->keys.v, c->want->keys.n,
		    sizeof(char *), cmpstr);
		free(k);
		if (hit_at == NULL)
			return 0;
		c->want->found[hit_at - c->want->keys.v] = 1;
		return 1;
	}
	for (i = 0; i < c->inodes.n; i++)
		if (strcmp(c->inodes.v[i], e->inode) == 0)
			return 1;
	for (i = 0; i < c->globs.n; i++)
		if (tr_glob_match(c->globs.v[i], e->path, c->fold))
			return 1;
	for (i = 0; i < tr_artifact_paths_count(c->apaths); i++)
		if (tr_glob_match(tr_artifact_paths_glob(c->apaths, i),
		    e->path, c->fold)) {
			*artifact = tr_artifact_paths_name(c->apaths, i);
			return 1;
		}
	return 0;
}

static int
walk_cb(void *arg, const tr_entry *e)
{
	ctx *c = arg;
	tr_extract_item item;
	tr_rec *r = NULL;
	tr_error err;
	int del = e->deleted || e->meta_deleted;

	/* A record on stdin is found even when it names no regular file. */
	if (c->want != NULL && !selected(c, e, &item.artifact))
		return TR_WALK_CONTINUE;
	if (e->type != TR_FT_FILE || e->realloc)
		return TR_WALK_CONTINUE;
	if (del && !c->deleted && c->want == NULL)
		return TR_WALK_CONTINUE;
	if (c->want == NULL && !selected(c, e, &item.artifact))
		return TR_WALK_CONTINUE;
	c->selected++;
	if (del && !e->recoverable) {
		cli_warn("'%s' inode %s '%s': deleted, content not "
		    "recoverable; skipped", tr_source_path(tr_fs_source(c->fs)),
		    e->inode, e->path);
		return TR_WALK_CONTINUE;
	}
	item.prefix = c->multi ? c->prefix : NULL;
	if (tr_extract_entry(c->x, c->fs, e, &item, &r, &err) != TR_OK) {
		if (del) {
			cli_warn("%s", err.msg);
			return TR_WALK_CONTINUE;
		}
		cli_error("%s", err.msg);
		c->status = CLI_EXIT_TROUBLE;
		if (err.code == TR_EIO && err.sys_errno == ENOSPC)
			return TR_WALK_ERROR;
		return TR_WALK_CONTINUE;
	}
	if (tr_jsonl_write(c->out, r, &err) != TR_OK) {
		cli_error("%s", err.msg);
		c->status = CLI_EXIT_TROUBLE;
		tr_rec_free(r);
		return TR_WALK_ERROR;
	}
	tr_rec_free(r);
	return TR_WALK_CONTINUE;
}

static int
fs_cb(void *arg, tr_fs *fs)
{
	ctx *c = arg;
	const tr_fs_info *fi = tr_fs_get_info(fs);
	tr_walk_opts o;
	tr_error err;
	uint64_t warnings = 0;
	unsigned nwarn = 0;
	int rc;

	c->fs = fs;
	c->fold = tr_fs_case_insensitive(fs) ? TR_GLOB_CASEFOLD : 0;
	snprintf(c->prefix, sizeof(c->prefix), "vol%d", fi->volume);
	c->apaths = NULL;
	if (c->artifacts.n > 0 && tr_artifacts_expand(c->defs,
	    (const char *const *)c->artifacts.v, c->artifacts.n, fs,
	    cli_warn_cb, &nwarn, &c->apaths, &err) != TR_OK) {
		cli_error("%s", err.msg);
		c->status = CLI_EXIT_TROUBLE;
		return TR_OK;
	}
	memset(&o, 0, sizeof(o));
	o.flags = TR_WALK_ALLOC | TR_WALK_STREAMS;
	if (c->deleted || c->want != NULL)
		o.flags |= TR_WALK_UNALLOC;
	o.max_depth = -1;
	o.warn = cli_warn_cb;
	o.warn_arg = &nwarn;
	rc = tr_fs_walk(fs, &o, walk_cb, c, &warnings, &err);
	tr_artifact_paths_free(c->apaths);
	c->apaths = NULL;
	if (warnings > 0)	/* a folder not read: files may be missing */
		c->status = CLI_EXIT_TROUBLE;
	if (rc != TR_OK && rc != TR_EINTR) {
		cli_error("%s", err.msg);
		c->status = CLI_EXIT_TROUBLE;
	}
	return rc == TR_EINTR ? TR_EINTR : TR_OK;
}

/* Refuse an output folder inside (or equal to) a live source folder. */
static void
check_output(const char *outdir, const char *source)
{
	char src[PATH_MAX], out[PATH_MAX], *dup, *slash;
	struct stat st;
	size_t n;

	if (stat(source, &st) != 0 || realpath(source, src) == NULL)
		return;
	if (realpath(outdir, out) == NULL) {
		/* Not there yet: its parent decides. */
		if ((dup = strdup(outdir)) == NULL)
			return;
		slash = strrchr(dup, '/');
		if (slash == dup)
			strcpy(dup, "/");
		else if (slash != NULL)
			*slash = '\0';
		else
			strcpy(dup, ".");
		if (realpath(dup, out) == NULL) {
			free(dup);
			return;
		}
		free(dup);
	}
	n = strlen(src);
	if (strcmp(out, src) == 0 || (S_ISDIR(st.st_mode) &&
	    strncmp(out, src, n) == 0 && (out[n] == '/' || n == 1))) {
		cli_error("output folder '%s' is inside the source '%s'",
		    outdir, source);
		exit(CLI_EXIT_TROUBLE);
	}
}

static int
run_source(ctx *c, const char *path, const char *format, unsigned ss)
{
	tr_source *src = NULL;
	tr_layout *l = NULL;
	tr_error err;
	unsigned warnings = 0, failed = 0;
	int rc;

	if (tr_source_open(&src, path, format, ss, &err) != TR_OK) {
		cli_error("%s", err.msg);
		return CLI_EXIT_TROUBLE;
	}
	if (tr_source_layout(src, &l, cli_warn_cb, &warnings, &err) != TR_OK) {
		cli_error("%s", err.msg);
		tr_source_close(src);
		return CLI_EXIT_TROUBLE;
	}
	c->multi = l->nfs > 1;
	rc = tr_source_each_fs(src, c->volume, cli_warn_cb, &warnings, fs_cb,
	    c, &failed, &err);
	if (rc != TR_OK && rc != TR_EINTR) {
		cli_error("%s", err.msg);
		c->status = CLI_EXIT_TROUBLE;
	}
	if (failed > 0 || (l->nfs == 0 && c->volume == TR_VOLUME_ALL)) {
		if (l->nfs == 0)
			cli_error("no filesystem found in '%s'", path);
		c->status = CLI_EXIT_TROUBLE;
	}
	tr_layout_free(l);
	tr_source_close(src);
	return rc == TR_EINTR ? CLI_EXIT_TROUBLE : CLI_EXIT_OK;
}

static wanted *
find_wanted(wanted **w, size_t *n, const char *source)
{
	wanted *v;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*w)[i].source, source) == 0)
			return &(*w)[i];
	if ((v = realloc(*w, (*n + 1) * sizeof(*v))) == NULL ||
	    (v[*n].source = strdup(source)) == NULL) {
		cli_error("out of memory");
		exit(CLI_EXIT_TROUBLE);
	}
	v[*n].keys.v = NULL;
	v[*n].keys.n = 0;
	v[*n].found = NULL;
	*w = v;
	return &v[(*n)++];
}

static void	sort_unique(wanted *);

/* Hex string to bytes in place; -1 when it is not hex. */
static int
unhex(char *s)
{
	size_t i, n = strlen(s);
	unsigned b;

	if (n % 2 != 0)
		return -1;
	for (i = 0; i < n; i += 2) {
		if (sscanf(s + i, "%2x", &b) != 1 || b == 0)
			return -1;
		s[i / 2] = (char)b;
	}
	s[n / 2] = '\0';
	return 0;
}

/* Read "file" records from stdin, grouped by source. */
static int
read_stdin(wanted **w, size_t *nw)
{
	tr_jsonl_reader *rd;
	tr_rec *r;
	tr_error err;
	const char *src, *inode, *path, *hex, *kind;
	char *p;
	int64_t vol;
	int rc, status = CLI_EXIT_OK;
	size_t i;

	if (tr_jsonl_reader_fdopen(&rd, stdin, "<stdin>", &err) != TR_OK) {
		cli_error("%s", err.msg);
		return CLI_EXIT_TROUBLE;
	}
	while ((rc = tr_jsonl_read(rd, &r, &err)) != 0) {
		if (rc < 0) {
			cli_error("%s", err.msg);
			status = CLI_EXIT_TROUBLE;
			continue;
		}
		kind = tr_rec_kind(r);
		src = tr_rec_get_str(r, "source");
		inode = tr_rec_get_str(r, "inode");
		path = tr_rec_get_str(r, "path");
		hex = tr_rec_get_str(r, "path_hex");
		if (kind == NULL || (strcmp(kind, "file") != 0 &&
		    strcmp(kind, "extracted") != 0) || src == NULL ||
		    inode == NULL || path == NULL) {
			cli_error("'<stdin>' line %llu: not a file record "
			    "with source, inode and path",
			    (unsigned long long)tr_jsonl_reader_line(rd));
			status = CLI_EXIT_TROUBLE;
			tr_rec_free(r);
			continue;
		}
		if ((p = strdup(hex != NULL ? hex : path)) == NULL ||
		    (hex != NULL && unhex(p) != 0)) {
			cli_error("'<stdin>' line %llu: bad path_hex",
			    (unsigned long long)tr_jsonl_reader_line(rd));
			status = CLI_EXIT_TROUBLE;
			free(p);
			tr_rec_free(r);
			continue;
		}
		if (!tr_rec_get_int(r, "volume", &vol))
			vol = -1;
		else if (vol < 0 || vol > INT_MAX) {
			cli_error("'<stdin>' line %llu: invalid volume %lld",
			    (unsigned long long)tr_jsonl_reader_line(rd),
			    (long long)vol);
			status = CLI_EXIT_TROUBLE;
			free(p);
			tr_rec_free(r);
			continue;
		}
		add_owned(&find_wanted(w, nw, src)->keys,
		    entry_key((int)vol, inode, p));
		free(p);
		tr_rec_free(r);
	}
	tr_jsonl_reader_close(rd);
	for (i = 0; i < *nw; i++)
		sort_unique(&(*w)[i]);
	return status;
}

/* Sort want's keys, drop repeated ones, and clear their found marks. */
static void
sort_unique(wanted *want)
{
	list *l = &want->keys;
	size_t i, n = 0;

	qsort(l->v, l->n, sizeof(char *), cmpstr);
	for (i = 0; i < l->n; i++) {
		if (n > 0 && strcmp(l->v[n - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[n++] = l->v[i];
	}
	l->n = n;
	if ((want->found = calloc(n > 0 ? n : 1, 1)) == NULL) {
		cli_error("out of memory");
		exit(CLI_EXIT_TROUBLE);
	}
}

/* Report every record on stdin that names no file of its source. */
static int
report_missing(const wanted *want)
{
	const char *k, *t1, *t2;
	size_t i;
	int status = CLI_EXIT_OK;

	for (i = 0; i < want->keys.n; i++) {
		if (want->found[i])
			continue;
		k = want->keys.v[i];
		t1 = strchr(k, '\t');
		t2 = strchr(t1 + 1, '\t');
		cli_error("no inode %.*s with path '%s' in volume %.*s of '%s' "
		    "(a record on stdin)", (int)(t2 - t1 - 1), t1 + 1, t2 + 1,
		    (int)(t1 - k), k, want->source);
		status = CLI_EXIT_TROUBLE;
	}
	return status;
}

static tr_artifacts *
load_definitions(const list *extra)
{
	tr_artifacts *set;
	tr_error err;
	const char *dir = getenv("TRIAGE_ARTIFACTS");
	struct stat st;
	unsigned notes = 0;
	size_t i;
	int rc;

	if (tr_artifacts_new(&set, &err) != TR_OK) {
		cli_error("%s", err.msg);
		exit(CLI_EXIT_TROUBLE);
	}
	if (dir == NULL || dir[0] == '\0') {
		dir = TRIAGE_ARTIFACTS_DIR;
		if (stat(dir, &st) != 0)
			dir = TRIAGE_ARTIFACTS_SRCDIR;
	}
	if (tr_artifacts_load_dir(set, dir, cli_warn_cb, &notes, &err) !=
	    TR_OK) {
		cli_error("%s", err.msg);
		exit(CLI_EXIT_TROUBLE);
	}
	for (i = 0; i < extra->n; i++) {
		if (stat(extra->v[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = tr_artifacts_load_dir(set, extra->v[i],
			    cli_warn_cb, &notes, &err);
		else
			rc = tr_artifacts_load(set, extra->v[i], cli_warn_cb,
			    &notes, &err);
		if (rc != TR_OK) {
			cli_error("%s", err.msg);
			exit(CLI_EXIT_TROUBLE);
		}
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
	ctx c;
	list defs = { NULL, 0 };
	wanted *w = NULL;
	size_t nw = 0, i;
	const char *format = NULL, *outdir = NULL;
	tr_error err;
	unsigned flags = 0;
	int ch, ss = 0, unbuffered = 0, listing = 0, status;

	cli_init(argv[0]);
	memset(&c, 0, sizeof(c));
	c.volume = TR_VOLUME_ALL;
	while ((ch = getopt_long(argc, argv, "a:b:D:dFf:hi:lo:p:quVv:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			add(&c.artifacts, optarg);
			break;
		case 'b':
			if (cli_parse_int(optarg, 512, 65536, &ss) != 0 ||
			    (ss & (ss - 1)) != 0)
				cli_usage_error(USAGE,
				    "invalid sector size '%s'", optarg);
			break;
		case 'D':
			add(&defs, optarg);
			break;
		case 'd':
			c.deleted = 1;
			break;
		case 'F':
			flags |= TR_EXTRACT_FORCE;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			cli_help(help);
		case 'i':
			if (optarg[0] == '\0' || strchr(optarg, '/') != NULL)
				cli_usage_error(USAGE, "invalid inode '%s'",
				    optarg);
			add(&c.inodes, optarg);
			break;
		case 'l':
			listing = 1;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'p':
			add(&c.globs, optarg);
			break;
		case 'q':
			cli_quiet = 1;
			break;
		case 'u':
			unbuffered = 1;
			break;
		case 'V':
			cli_version();
		case 'v':
			if (cli_parse_volume(optarg, &c.volume) != 0)
				cli_usage_error(USAGE, "invalid volume '%s'",
				    optarg);
			break;
		default:
			cli_usage_error(USAGE, "invalid option");
		}
	}
	argc -= optind;
	argv += optind;
	if (listing || c.artifacts.n > 0 || defs.n > 0)
		c.defs = load_definitions(&defs);
	if (listing) {
		status = list_definitions(c.defs, unbuffered);
		goto out;
	}
	if (outdir == NULL)
		cli_usage_error(USAGE, "no output folder given (-o)");
	for (i = 0; i < c.artifacts.n; i++)
		if (!tr_artifacts_has(c.defs, c.artifacts.v[i]))
			cli_usage_error(USAGE, "unknown artifact '%s' (see "
			    "--list)", c.artifacts.v[i]);
	status = CLI_EXIT_OK;
	if (c.artifacts.n + c.globs.n + c.inodes.n == 0) {
		if (argc > 0)
			cli_usage_error(USAGE, "nothing selected: give -a, -p "
			    "or -i, or file records on stdin without a source");
		status = read_stdin(&w, &nw);
		for (i = 0; i < nw; i++)
			check_output(outdir, w[i].source);
	} else if (argc == 0)
		cli_usage_error(USAGE, "no source given");
	for (i = 0; i < (size_t)argc; i++)
		check_output(outdir, argv[i]);
	if (tr_extract_open(&c.x, outdir, flags, &err) != TR_OK) {
		cli_error("%s", err.msg);
		status = CLI_EXIT_TROUBLE;
		goto out;
	}
	c.out = cli_open_output(unbuffered);
	c.status = status;
	for (i = 0; i < (size_t)argc; i++)
		if (run_source(&c, argv[i], format, (unsigned)ss) != CLI_EXIT_OK)
			c.status = CLI_EXIT_TROUBLE;
	for (i = 0; i < nw; i++) {
		c.want = &w[i];
		if (run_source(&c, w[i].source, format, (unsigned)ss) !=
		    CLI_EXIT_OK)
			c.status = CLI_EXIT_TROUBLE;
		else if (report_missing(&w[i]) != CLI_EXIT_OK)
			c.status = CLI_EXIT_TROUBLE;
	}
	if (tr_extract_close(c.x, &err) != TR_OK) {
		cli_error("%s", err.msg);
		c.status = CLI_EXIT_TROUBLE;
	}
	status = c.status;
	if (status == CLI_EXIT_OK && tr_jsonl_count(c.out) == 0)
		status = CLI_EXIT_NONE;
	status = cli_close_output(c.out, status);
out:
	for (i = 0; i < nw; i++) {
		list_free(&w[i].keys);
		free(w[i].found);
		free(w[i].source);
	}
	free(w);
	list_free(&c.artifacts);
	list_free(&c.globs);
	list_free(&c.inodes);
	list_free(&defs);
	tr_artifacts_free(c.defs);
	return status;
}
