/* SPDX-License-Identifier: Apache-2.0 */
/* YARA rules: loading sources, folders and compiled rules, and the cache. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yara.h>

#include "scan_internal.h"

/* One rule source file to compile. */
struct rule_file {
	char	*path;
	char	*ns;
	char	sha256[TR_HASH_HEX_MAX];
	int	has_include;
};

struct load {
	struct rule_file *files;
	size_t	n, cap;
	int	compiled;		/* a compiled-rules path was given */
	const tr_rules_opts *opts;
	tr_error *err;
	int	nerrors;
};

static void
lwarn(const tr_rules_opts *o, const char *fmt, ...) TRI_PRINTF(2, 3);

static void
lwarn(const tr_rules_opts *o, const char *fmt, ...)
{
	char msg[TR_ERROR_MSG_MAX];
	va_list ap;

	if (o == NULL || o->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->warn(o->warn_arg, msg);
}

static int
has_rule_ext(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot != NULL && (strcasecmp(dot, ".yar") == 0 ||
	    strcasecmp(dot, ".yara") == 0);
}

/* Namespace of a file: rel without its extension, unique in the set. */
static char *
make_ns(struct load *l, const char *rel)
{
	const char *dot = strrchr(rel, '.'), *slash = strrchr(rel, '/');
	size_t len = strlen(rel), i;
	char *ns;
	int k = 1;

	if (dot != NULL && dot != rel && (slash == NULL || dot > slash))
		len = (size_t)(dot - rel);
	if ((ns = malloc(len + 16)) == NULL)
		return NULL;
	memcpy(ns, rel, len);
	ns[len] = '\0';
again:
	for (i = 0; i < l->n; i++) {
		if (strcmp(l->files[i].ns, ns) == 0) {
			snprintf(ns + len, 16, "#%d", ++k);
			goto again;
		}
	}
	return ns;
}

/* Hash a file's content; note whether it uses "include". */
static int
hash_file(struct rule_file *rf, tr_error *err)
{
	unsigned char buf[6 + 65536];	/* 6 bytes carried over */
	tr_hash *h = NULL;
	size_t n, keep = 0;
	FILE *fp;
	int rc;

	if ((fp = fopen(rf->path, "rb")) == NULL)
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot open rules '%s'", rf->path);
	if ((rc = tr_hash_new(&h, TR_HASH_SHA256, err)) != TR_OK) {
		fclose(fp);
		return rc;
	}
	/* The tail of each block is kept so a word across blocks is seen. */
	while ((n = fread(buf + keep, 1, sizeof(buf) - keep, fp)) > 0) {
		tr_hash_update(h, buf + keep, n);
		if (memmem(buf, keep + n, "include", 7) != NULL)
			rf->has_include = 1;
		n += keep;
		keep = n < 6 ? n : 6;
		memmove(buf, buf + n - keep, keep);
	}
	rc = ferror(fp) ? tri_error_errno(err, TR_EIO, errno,
	    "cannot read rules '%s'", rf->path) : TR_OK;
	fclose(fp);
	tr_hash_final(h, NULL, NULL, rf->sha256);
	tr_hash_free(h);
	return rc;
}

static int
add_file(struct load *l, const char *path, const char *rel)
{
	struct rule_file *rf;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct rule_file *nf = realloc(l->files, cap * sizeof(*nf));

		if (nf == NULL)
			return tri_error_set(l->err, TR_ENOMEM, "out of memory");
		l->files = nf;
		l->cap = cap;
	}
	rf = &l->files[l->n];
	memset(rf, 0, sizeof(*rf));
	if ((rf->path = strdup(path)) == NULL ||
	    (rf->ns = make_ns(l, rel)) == NULL) {
		free(rf->path);
		return tri_error_set(l->err, TR_ENOMEM, "out of memory");
	}
	l->n++;
	return hash_file(rf, l->err);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every rule file under dir, in name order; rel is the path below root. */
static int
add_dir(struct load *l, const char *dir, const char *rel, int depth)
{
	char **names = NULL, *child = NULL, *crel = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = TR_OK;

	if (depth > 32)
		return tri_error_set(l->err, TR_EINVAL,
		    "rules folder '%s' is nested too deep", dir);
	if ((d = opendir(dir)) == NULL)
		return tri_error_errno(l->err, TR_EIO, errno,
		    "cannot open rules folder '%s'", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL) {
				rc = tri_error_set(l->err, TR_ENOMEM,
				    "out of memory");
				goto out;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = tri_error_set(l->err, TR_ENOMEM, "out of memory");
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && rc == TR_OK; i++) {
		free(child);
		free(crel);
		crel = NULL;
		if (asprintf(&child, "%s/%s", dir, names[i]) < 0) {
			child = NULL;
			rc = tri_error_set(l->err, TR_ENOMEM, "out of memory");
			break;
		}
		if (asprintf(&crel, "%s%s%s", rel, *rel ? "/" : "",
		    names[i]) < 0) {
			crel = NULL;
			rc = tri_error_set(l->err, TR_ENOMEM, "out of memory");
			break;
		}
		if (stat(child, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = add_dir(l, child, crel, depth + 1);
		else if (S_ISREG(st.st_mode) && has_rule_ext(names[i]))
			rc = add_file(l, child, crel);
	}
out:
	free(child);
	free(crel);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

static int
is_compiled(const char *path)
{
	char magic[4];
	FILE *fp;
	int yes;

	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	yes = fread(magic, 1, 4, fp) == 4 && memcmp(magic, "YARA", 4) == 0;
	fclose(fp);
	return yes;
}

static void
compiler_cb(int level, const char *file, int line, const YR_RULE *rule,
    const char *msg, void *arg)
{
	struct load *l = arg;

	(void)rule;
	if (level == YARA_ERROR_LEVEL_WARNING) {
		lwarn(l->opts, "%s:%d: warning: %s", file ? file : "(rules)",
		    line, msg);
		return;
	}
	if (l->nerrors++ == 0)
		tri_error_set(l->err, TR_EFORMAT, "%s:%d: error: %s",
		    file ? file : "(rules)", line, msg);
	else
		lwarn(l->opts, "%s:%d: error: %s", file ? file : "(rules)",
		    line, msg);
}

static int
define_externals(YR_COMPILER *c)
{
	if (yr_compiler_define_string_variable(c, "filename", "") != 0 ||
	    yr_compiler_define_string_variable(c, "filepath", "") != 0 ||
	    yr_compiler_define_string_variable(c, "extension", "") != 0 ||
	    yr_compiler_define_boolean_variable(c, "deleted", 0) != 0)
		return -1;
	return 0;
}

static int
compile(struct load *l, YR_RULES **out)
{
	YR_COMPILER *c = NULL;
	size_t i;
	FILE *fp;
	int rc = TR_OK, yr;

	*out = NULL;
	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		return tri_error_set(l->err, TR_ENOMEM, "out of memory");
	yr_compiler_set_callback(c, compiler_cb, l);
	if (define_externals(c) != 0) {
		rc = tri_error_set(l->err, TR_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < l->n; i++) {
		if ((fp = fopen(l->files[i].path, "rb")) == NULL) {
			rc = tri_error_errno(l->err, TR_EIO, errno,
			    "cannot open rules '%s'", l->files[i].path);
			goto out;
		}
		yr = yr_compiler_add_file(c, fp, l->files[i].ns,
		    l->files[i].path);
		fclose(fp);
		if (yr != 0 || l->nerrors > 0) {
			if (l->nerrors > 1)
				lwarn(l->opts, "%d errors in the rules",
				    l->nerrors);
			rc = TR_EFORMAT;
			goto out;
		}
	}
	yr = yr_compiler_get_rules(c, out);
	if (yr != ERROR_SUCCESS)
		rc = tri_error_set(l->err, yr == ERROR_INSUFFICIENT_MEMORY ?
		    TR_ENOMEM : TR_EFORMAT,
		    "cannot compile the rules: libyara error %d", yr);
out:
	yr_compiler_destroy(c);
	return rc;
}

/* The cache folder, created when missing; NULL when none can be had. */
static char *
cache_dir(const tr_rules_opts *o)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *dir = NULL, *p;

	if (o != NULL && o->cache_dir != NULL)
		dir = strdup(o->cache_dir);
	else if (x != NULL && x[0] == '/')
		(void)!asprintf(&dir, "%s/triage", x);
	else if (home != NULL && home[0] == '/')
		(void)!asprintf(&dir, "%s/.cache/triage", home);
	if (dir == NULL)
		return NULL;
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(dir, 0700);
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		lwarn(o, "cannot create the rules cache '%s': %s", dir,
		    strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* Cache file name for this set of files, or NULL when not cacheable. */
static char *
cache_path(struct load *l)
{
	char key[TR_HASH_HEX_MAX], *dir, *path = NULL;
	tr_hash *h;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->files[i].has_include)
			return NULL;
	if (tr_hash_new(&h, TR_HASH_SHA256, NULL) != TR_OK)
		return NULL;
	tr_hash_update(h, "triage-rules-cache 1", 21);
	tr_hash_update(h, YR_VERSION, strlen(YR_VERSION) + 1);
	tr_hash_update(h, &(int){ (int)sizeof(void *) }, sizeof(int));
	for (i = 0; i < l->n; i++) {
		tr_hash_update(h, l->files[i].ns, strlen(l->files[i].ns) + 1);
		tr_hash_update(h, l->files[i].sha256, 64);
	}
	tr_hash_final(h, NULL, NULL, key);
	tr_hash_free(h);
	if ((dir = cache_dir(l->opts)) == NULL)
		return NULL;
	if (asprintf(&path, "%s/rules-%s.yarc", dir, key) < 0)
		path = NULL;
	free(dir);
	return path;
}

static void
cache_save(const tr_rules_opts *o, YR_RULES *rules, const char *path)
{
	char *tmp = NULL;

	if (asprintf(&tmp, "%s.%ld.tmp", path, (long)getpid()) < 0)
		return;
	if (yr_rules_save(rules, tmp) != ERROR_SUCCESS ||
	    rename(tmp, path) != 0) {
		lwarn(o, "cannot write the rules cache '%s'", path);
		unlink(tmp);
	}
	free(tmp);
}

static size_t
count_rules(YR_RULES *r)
{
	const YR_RULE *rule;
	size_t n = 0;

	yr_rules_foreach(r, rule)
		n++;
	return n;
}

int
tr_rules_load(tr_rules **out, const char *const *paths, size_t npaths,
    const tr_rules_opts *opts, tr_error *err)
{
	struct load l;
	struct stat st;
	tr_rules *r = NULL;
	YR_RULES *yr = NULL;
	char *cpath = NULL;
	const char *base;
	size_t i;
	int rc, e;

	*out = NULL;
	memset(&l, 0, sizeof(l));
	l.opts = opts;
	l.err = err;
	if (npaths == 0)
		return tri_error_set(err, TR_EINVAL, "no rules given");
	for (i = 0; i < npaths; i++) {
		if (stat(paths[i], &st) != 0) {
			rc = tri_error_errno(err, errno == ENOENT ?
			    TR_ENOTFOUND : TR_EIO, errno,
			    "cannot open rules '%s'", paths[i]);
			goto out;
		}
		if (S_ISDIR(st.st_mode)) {
			size_t before = l.n;

			if ((rc = add_dir(&l, paths[i], "", 0)) != TR_OK)
				goto out;
			if (l.n == before) {
				rc = tri_error_set(err, TR_EINVAL,
				    "no *.yar or *.yara file in rules folder "
				    "'%s'", paths[i]);
				goto out;
			}
			continue;
		}
		if (is_compiled(paths[i])) {
			if (npaths > 1) {
				rc = tri_error_set(err, TR_EINVAL,
				    "compiled rules '%s' cannot be combined "
				    "with other rules", paths[i]);
				goto out;
			}
			e = yr_rules_load(paths[i], &yr);
			if (e != ERROR_SUCCESS) {
				rc = tri_error_set(err, e ==
				    ERROR_INSUFFICIENT_MEMORY ? TR_ENOMEM :
				    TR_EFORMAT, "cannot load compiled rules "
				    "'%s': %s", paths[i], e ==
				    ERROR_UNSUPPORTED_FILE_VERSION ?
				    "made by another version of libyara" :
				    e == ERROR_CORRUPT_FILE ? "corrupt file" :
				    "libyara error");
				goto out;
			}
			l.compiled = 1;
			continue;
		}
		base = strrchr(paths[i], '/');
		if ((rc = add_file(&l, paths[i], base ? base + 1 : paths[i]))
		    != TR_OK)
			goto out;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto out;
	}
	if (!l.compiled) {
		if (opts == NULL || !(opts->flags & TR_RULES_NOCACHE))
			cpath = cache_path(&l);
		if (cpath != NULL && access(cpath, R_OK) == 0) {
			if (yr_rules_load(cpath, &yr) == ERROR_SUCCESS)
				r->cached = 1;
			else
				lwarn(opts, "cannot read the rules cache '%s', "
				    "compiling again", cpath);
		}
		if (yr == NULL) {
			if ((rc = compile(&l, &yr)) != TR_OK)
				goto out;
			if (cpath != NULL)
				cache_save(opts, yr, cpath);
		}
	}
	r->rules = yr;
	r->count = count_rules(yr);
	yr = NULL;
	*out = r;
	r = NULL;
	rc = TR_OK;
out:
	if (yr != NULL)
		yr_rules_destroy(yr);
	free(r);
	free(cpath);
	for (i = 0; i < l.n; i++) {
		free(l.files[i].path);
		free(l.files[i].ns);
	}
	free(l.files);
	return rc;
}

void
tr_rules_free(tr_rules *rules)
{
	if (rules == NULL)
		return;
	if (rules->rules != NULL)
		yr_rules_destroy(rules->rules);
	free(rules);
}

size_t
tr_rules_count(const tr_rules *rules)
{
	return rules->count;
}

int
tr_rules_cached(const tr_rules *rules)
{
	return rules->cached;
}

int
tr_rules_save(const tr_rules *rules, const char *path, tr_error *err)
{
	if (yr_rules_save(rules->rules, path) != ERROR_SUCCESS)
		return tri_error_set(err, TR_EIO,
		    "cannot write compiled rules '%s'", path);
	return TR_OK;
}
