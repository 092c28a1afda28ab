/* SPDX-License-Identifier: Apache-2.0 */
/* ForensicArtifacts definitions (libyaml) and their path expansion per filesystem. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "triage/artifacts.h"
#include "triage/extract.h"

enum src_type { SRC_FILE, SRC_PATH, SRC_GROUP };

typedef struct strv {
	char	**v;
	size_t	n, cap;
} strv;

struct art_source {
	enum src_type	type;
	strv		items;		/* paths, or names of a group */
	char		sep;
};

struct artifact {
	char			*name;
	char			*doc;
	char			*file;
	strv			os, urls, skipped;
	struct art_source	*src;
	size_t			nsrc;
};

struct tr_artifacts {
	struct artifact	*a;
	size_t		n, cap;
};

struct tr_artifact_paths {
	strv	glob, name;
};

static int
strv_add(strv *s, const char *val)
{
	char **v;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 8;
		if ((v = realloc(s->v, cap * sizeof(*v))) == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	if ((s->v[s->n] = strdup(val)) == NULL)
		return -1;
	s->n++;
	return 0;
}

static int
strv_has(const strv *s, const char *val)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], val) == 0)
			return 1;
	return 0;
}

static void
strv_free(strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void
artifact_release(struct artifact *a)
{
	size_t i;

	free(a->name);
	free(a->doc);
	free(a->file);
	strv_free(&a->os);
	strv_free(&a->urls);
	strv_free(&a->skipped);
	for (i = 0; i < a->nsrc; i++)
		strv_free(&a->src[i].items);
	free(a->src);
}

int
tr_artifacts_new(tr_artifacts **out, tr_error *err)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	return TR_OK;
}

void
tr_artifacts_free(tr_artifacts *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		artifact_release(&set->a[i]);
	free(set->a);
	free(set);
}

static const struct artifact *
find(const tr_artifacts *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->a[i].name, name) == 0)
			return &set->a[i];
	for (i = 0; i < set->n; i++)
		if (strcasecmp(set->a[i].name, name) == 0)
			return &set->a[i];
	return NULL;
}

/* ---- YAML document helpers ---- */

static yaml_node_t *
map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(d, p->key);
		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *
scalar(yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* A scalar or a sequence of scalars into s. */
static int
get_list(yaml_document_t *d, yaml_node_t *n, strv *s)
{
	yaml_node_item_t *it;
	const char *v;

	if (n == NULL)
		return 0;
	if ((v = scalar(n)) != NULL)
		return strv_add(s, v);
	if (n->type != YAML_SEQUENCE_NODE)
		return 0;
	for (it = n->data.sequence.items.start;
	    it < n->data.sequence.items.top; it++)
		if ((v = scalar(yaml_document_get_node(d, *it))) != NULL &&
		    strv_add(s, v) != 0)
			return -1;
	return 0;
}

static int
add_artifact(tr_artifacts *set, struct artifact *a)
{
	struct artifact *v;
	size_t cap;

	if (set->n == set->cap) {
		cap = set->cap ? set->cap * 2 : 64;
		if ((v = realloc(set->a, cap * sizeof(*v))) == NULL)
			return -1;
		set->a = v;
		set->cap = cap;
	}
	set->a[set->n++] = *a;
	return 0;
}

static void
notef(tr_warn_fn note, void *arg, const char *fmt, ...) TRI_PRINTF(3, 4);

static void
notef(tr_warn_fn note, void *arg, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	note(arg, buf);
}

/* One document (one definition). */
static int
load_doc(tr_artifacts *set, yaml_document_t *d, const char *path,
    tr_warn_fn note, void *note_arg, tr_error *err)
{
	yaml_node_t *root = yaml_document_get_root_node(d), *srcs, *s, *attr;
	yaml_node_item_t *it;
	struct artifact a;
	struct art_source *as;
	const char *name, *type, *sep;
	int rc = TR_ENOMEM;

	if (root == NULL)
		return TR_OK;		/* empty document */
	if (root->type != YAML_MAPPING_NODE || (name = scalar(map_get(d, root,
	    "name"))) == NULL)
		return tri_error_set(err, TR_EFORMAT,
		    "'%s' line %lu: definition without a name", path,
		    (unsigned long)root->start_mark.line + 1);
	if (find(set, name) != NULL) {
		notef(note, note_arg, "'%s': artifact '%s' is defined "
		    "already; the first definition stays", path, name);
		return TR_OK;
	}
	memset(&a, 0, sizeof(a));
	if ((a.name = strdup(name)) == NULL || (a.file = strdup(path)) == NULL)
		goto fail;
	if (scalar(map_get(d, root, "doc")) != NULL &&
	    (a.doc = strdup(scalar(map_get(d, root, "doc")))) == NULL)
		goto fail;
	if (get_list(d, map_get(d, root, "supported_os"), &a.os) != 0 ||
	    get_list(d, map_get(d, root, "urls"), &a.urls) != 0)
		goto fail;
	srcs = map_get(d, root, "sources");
	if (srcs != NULL && srcs->type == YAML_SEQUENCE_NODE) {
		size_t n = (size_t)(srcs->data.sequence.items.top -
		    srcs->data.sequence.items.start);
		if (n > 0 && (a.src = calloc(n, sizeof(*a.src))) == NULL)
			goto fail;
	}
	for (it = srcs != NULL && srcs->type == YAML_SEQUENCE_NODE ?
	    srcs->data.sequence.items.start : NULL;
	    it != NULL && it < srcs->data.sequence.items.top; it++) {
		s = yaml_document_get_node(d, *it);
		type = scalar(map_get(d, s, "type"));
		attr = map_get(d, s, "attributes");
		if (type == NULL)
			type = "(none)";
		as = &a.src[a.nsrc];
		if (strcmp(type, "FILE") == 0 || strcmp(type, "PATH") == 0) {
			as->type = strcmp(type, "FILE") == 0 ? SRC_FILE :
			    SRC_PATH;
			if (get_list(d, map_get(d, attr, "paths"),
			    &as->items) != 0)
				goto fail;
			sep = scalar(map_get(d, attr, "separator"));
			as->sep = sep != NULL && sep[0] != '\0' ? sep[0] : '/';
			a.nsrc++;
		} else if (strcmp(type, "ARTIFACT_GROUP") == 0) {
			as->type = SRC_GROUP;
			if (get_list(d, map_get(d, attr, "names"),
			    &as->items) != 0)
				goto fail;
			as->sep = '/';
			a.nsrc++;
		} else if (!strv_has(&a.skipped, type)) {
			if (strv_add(&a.skipped, type) != 0)
				goto fail;
			notef(note, note_arg, "'%s': artifact '%s': %s source "
			    "skipped (only FILE, PATH and ARTIFACT_GROUP are "
			    "collected)", path, name, type);
		}
	}
	if (add_artifact(set, &a) != 0)
		goto fail;
	return TR_OK;
fail:
	artifact_release(&a);
	return tri_error_set(err, rc, "out of memory");
}

/*
 * PyYAML, which the ForensicArtifacts project checks its files with, reads
 * "{paths:['x']}" (no space after ':' in a flow mapping); libyaml does not.
 * Insert the space after a ':' outside quotes that is followed by a flow
 * opener or a quote.  Returns a new buffer or NULL.
 */
static char *
pyyaml_compat(const char *text, size_t len, size_t *outlen)
{
	char *out = malloc(len * 2 + 1), *o = out, q = 0;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		char c = text[i];
		*o++ = c;
		if (q != 0) {
			if (c == q)
				q = 0;
			continue;
		}
		if (c == '\'' || c == '"')
			q = c;
		else if (c == '#' && (i == 0 || text[i - 1] == ' ' ||
		    text[i - 1] == '\n'))
			while (i + 1 < len && text[i + 1] != '\n')
				*o++ = text[++i];
		else if (c == ':' && i + 1 < len && strchr("[{'\"",
		    text[i + 1]) != NULL && text[i + 1] != '\0')
			*o++ = ' ';
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

/* Parse every document; with set == NULL only check the syntax. */
static int
parse_all(tr_artifacts *set, const char *text, size_t len, const char *path,
    tr_warn_fn note, void *note_arg, tr_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = TR_OK;

	if (!yaml_parser_initialize(&parser))
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_load(&parser, &doc)) {
			rc = tri_error_set(err, TR_EFORMAT,
			    "cannot read definitions '%s' line %lu column %lu:"
			    " %s", path,
			    (unsigned long)parser.problem_mark.line + 1,
			    (unsigned long)parser.problem_mark.column + 1,
			    parser.problem != NULL ? parser.problem :
			    "YAML error");
			break;
		}
		if (yaml_document_get_root_node(&doc) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		if (set != NULL)
			rc = load_doc(set, &doc, path, note, note_arg, err);
		yaml_document_delete(&doc);
		if (rc != TR_OK)
			break;
	}
	yaml_parser_delete(&parser);
	return rc;
}

int
tr_artifacts_load(tr_artifacts *set, const char *path, tr_warn_fn note,
    void *note_arg, tr_error *err)
{
	FILE *fp;
	char *text = NULL, *fixed = NULL, *p;
	size_t len = 0, cap = 0, n, flen;
	int rc;

	if ((fp = fopen(path, "rb")) == NULL)
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot open definitions '%s'", path);
	for (;;) {
		if (len + 65536 > cap) {
			cap = cap ? cap * 2 : 65536 * 2;
			if (cap > (64u << 20) || (p = realloc(text, cap)) ==
			    NULL) {
				free(text);
				fclose(fp);
				return tri_error_set(err, TR_EFORMAT,
				    "definitions '%s' are too large", path);
			}
			text = p;
		}
		n = fread(text + len, 1, cap - len - 1, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		rc = tri_error_errno(err, TR_EIO, errno,
		    "cannot read definitions '%s'", path);
		fclose(fp);
		free(text);
		return rc;
	}
	fclose(fp);
	text[len] = '\0';
	if (parse_all(NULL, text, len, path, NULL, NULL, err) != TR_OK) {
		fixed = pyyaml_compat(text, len, &flen);
		if (fixed != NULL && parse_all(NULL, fixed, flen, path, NULL,
		    NULL, NULL) == TR_OK) {
			notef(note, note_arg, "'%s': read with a space added "
			    "after ':' in flow mappings (%s)", path,
			    err != NULL ? err->msg : "YAML error");
			free(text);
			text = fixed;
			len = flen;
			fixed = NULL;
		}
	}
	rc = parse_all(set, text, len, path, note, note_arg, err);
	free(fixed);
	free(text);
	return rc;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
tr_artifacts_load_dir(tr_artifacts *set, const char *dir, tr_warn_fn note,
    void *note_arg, tr_error *err)
{
	DIR *dp;
	struct dirent *de;
	strv files = { NULL, 0, 0 };
	char *p;
	size_t i, len;
	int rc = TR_OK;

	if ((dp = opendir(dir)) == NULL)
		return tri_error_errno(err, errno == ENOENT ? TR_ENOTFOUND :
		    TR_EIO, errno, "cannot open definitions folder '%s'", dir);
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0) {
			rc = tri_error_set(err, TR_ENOMEM, "out of memory");
			break;
		}
		if (strv_add(&files, p) != 0)
			rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		free(p);
		if (rc != TR_OK)
			break;
	}
	closedir(dp);
	if (files.n > 0)
		qsort(files.v, files.n, sizeof(*files.v), cmpstr);
	for (i = 0; rc == TR_OK && i < files.n; i++)
		rc = tr_artifacts_load(set, files.v[i], note, note_arg, err);
	strv_free(&files);
	return rc;
}

size_t
tr_artifacts_count(const tr_artifacts *set)
{
	return set->n;
}

const char *
tr_artifacts_name(const tr_artifacts *set, size_t i)
{
	return i < set->n ? set->a[i].name : NULL;
}

int
tr_artifacts_has(const tr_artifacts *set, const char *name)
{
	return set != NULL && find(set, name) != NULL;
}

static tr_rec *
list_rec(const strv *s)
{
	tr_rec *arr = tr_rec_new_array();
	size_t i;

	for (i = 0; arr != NULL && i < s->n; i++)
		if (tr_rec_append_str(arr, s->v[i]) != TR_OK) {
			tr_rec_free(arr);
			return NULL;
		}
	return arr;
}

static const char *const type_names[] = { "FILE", "PATH", "ARTIFACT_GROUP" };

tr_rec *
tr_artifacts_record(const tr_artifacts *set, size_t i)
{
	const struct artifact *a;
	tr_rec *r, *srcs, *s;
	char sep[2] = { 0, 0 };
	size_t j;
	int bad = 0;

	if (i >= set->n || (r = tr_rec_new("artifact")) == NULL)
		return NULL;
	a = &set->a[i];
	bad |= tr_rec_set_text(r, "name", a->name, strlen(a->name));
	if (a->doc != NULL)
		bad |= tr_rec_set_text(r, "doc", a->doc, strlen(a->doc));
	if (a->os.n > 0)
		bad |= tr_rec_set_rec(r, "supported_os", list_rec(&a->os));
	if ((srcs = tr_rec_new_array()) == NULL)
		bad = 1;
	for (j = 0; srcs != NULL && j < a->nsrc; j++) {
		if ((s = tr_rec_new_object()) == NULL) {
			bad = 1;
			break;
		}
		bad |= tr_rec_set_str(s, "type", type_names[a->src[j].type]);
		bad |= tr_rec_set_rec(s, a->src[j].type == SRC_GROUP ?
		    "names" : "paths", list_rec(&a->src[j].items));
		if (a->src[j].sep != '/') {
			sep[0] = a->src[j].sep;
			bad |= tr_rec_set_text(s, "separator", sep, 1);
		}
		bad |= tr_rec_append(srcs, s);
	}
	bad |= tr_rec_set_rec(r, "sources", srcs);
	if (a->skipped.n > 0)
		bad |= tr_rec_set_rec(r, "skipped", list_rec(&a->skipped));
	if (a->urls.n > 0)
		bad |= tr_rec_set_rec(r, "urls", list_rec(&a->urls));
	bad |= tr_rec_set_text(r, "definitions", a->file, strlen(a->file));
	if (bad) {
		tr_rec_free(r);
		return NULL;
	}
	return r;
}

/* ---- expansion against one filesystem ---- */

typedef struct env {
	strv	user, home, sid;	/* parallel; sid "" when unknown */
	strv	sysroot;		/* "/Windows" */
	int	windows;
	int	fold;			/* names compare case-insensitively */
} env;

struct scan_ctx {
	env	*env;
	int	nomem;
};

static void
strv_pop(strv *s)
{
	free(s->v[--s->n]);
}

/*
 * A user once per home folder; sid (or NULL) fills in that of a user
 * found first by the folder listing.  Two SIDs with one home stay two
 * users: each may have its own Recycle Bin.
 */
static void
add_user(env *e, const char *name, const char *home, const char *sid)
{
	char *dup;
	size_t i;

	for (i = 0; i < e->home.n; i++) {
		if ((e->fold ? strcasecmp(e->home.v[i], home) :
		    strcmp(e->home.v[i], home)) != 0)
			continue;
		if (sid == NULL || strcmp(e->sid.v[i], sid) == 0)
			return;
		if (e->sid.v[i][0] == '\0') {
			if ((dup = strdup(sid)) != NULL) {
				free(e->sid.v[i]);
				e->sid.v[i] = dup;
			}
			return;
		}
	}
	if (strv_add(&e->user, name) != 0)
		return;
	if (strv_add(&e->home, home) != 0) {
		strv_pop(&e->user);
		return;
	}
	if (strv_add(&e->sid, sid != NULL ? sid : "") != 0) {
		strv_pop(&e->user);
		strv_pop(&e->home);
	}
}

static int
scan_cb(void *arg, const tr_entry *en)
{
	struct scan_ctx *c = arg;

	if (en->type != TR_FT_DIR || en->deleted)
		return TR_WALK_CONTINUE;
	if (en->depth == 0) {
		if (strcasecmp(en->name, "Windows") == 0 ||
		    strcasecmp(en->name, "WINNT") == 0) {
			c->env->windows = 1;
			strv_add(&c->env->sysroot, en->path);
		} else if (strcmp(en->name, "root") == 0)
			add_user(c->env, "root", en->path, NULL);
		return (strcasecmp(en->name, "Users") == 0 ||
		    strcasecmp(en->name, "Documents and Settings") == 0 ||
		    strcmp(en->name, "home") == 0) ? TR_WALK_CONTINUE :
		    TR_WALK_SKIP;
	}
	if (en->name[0] != '.' && strchr(en->name, '/') == NULL &&
	    strcasecmp(en->name, "All Users") != 0)
		add_user(c->env, en->name, en->path, NULL);
	return TR_WALK_CONTINUE;
}

static void
read_passwd(tr_fs *fs, env *e)
{
	tr_file *f = NULL;
	char *buf, *line, *save = NULL, *fld[7];
	int64_t n;
	int i;

	if (tr_file_open(&f, fs, NULL, "/etc/passwd", NULL) != TR_OK)
		return;
	if ((buf = malloc(1 << 20)) == NULL) {
		tr_file_close(f);
		return;
	}
	n = tr_file_read(f, 0, buf, (1 << 20) - 1, NULL);
	tr_file_close(f);
	buf[n > 0 ? n : 0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		fld[0] = line;
		for (i = 1; i < 7; i++) {
			fld[i] = fld[i - 1] != NULL ? strchr(fld[i - 1], ':') :
			    NULL;
			if (fld[i] != NULL)
				*fld[i]++ = '\0';
		}
		if (fld[5] != NULL && fld[5][0] == '/' && fld[0][0] != '\0' &&
		    fld[0][0] != '#')
			add_user(e, fld[0], fld[5], NULL);
	}
	free(buf);
}

/*
 * A profile folder from the registry's ProfileList, with its SID; the
 * folder's name is the user's (%%users.username%%).
 */
static void
add_profile(void *arg, const char *home, const char *sid)
{
	const char *slash = strrchr(home, '/');

	add_user(arg, slash != NULL ? slash + 1 : home, home, sid);
}

static void
env_release(env *e)
{
	strv_free(&e->user);
	strv_free(&e->home);
	strv_free(&e->sid);
	strv_free(&e->sysroot);
}

static int
env_scan(tr_fs *fs, env *e, tr_warn_fn note, void *note_arg, tr_error *err)
{
	struct scan_ctx c = { e, 0 };
	tr_walk_opts o;
	size_t i, n;

	memset(&o, 0, sizeof(o));
	o.flags = TR_WALK_ALLOC | TR_WALK_NOORPHAN;
	o.max_depth = 1;
	memset(e, 0, sizeof(*e));
	e->fold = tr_fs_case_insensitive(fs);
	if (tr_fs_walk(fs, &o, scan_cb, &c, NULL, err) != TR_OK)
		return err != NULL ? err->code : TR_EIO;
	/* Profiles outside Users/ (moved, service accounts) are listed here. */
	for (i = 0, n = e->sysroot.n; i < n; i++)
		tri_profiles_read(fs, e->sysroot.v[i], add_profile, e, note,
		    note_arg);
	read_passwd(fs, e);
	if (e->sysroot.n == 0)
		strv_add(&e->sysroot, "/Windows");
	return TR_OK;
}

tr_rec *
tr_artifacts_users(tr_fs *fs)
{
	env e;
	tr_rec *arr, *u;
	size_t i;

	if (env_scan(fs, &e, NULL, NULL, NULL) != TR_OK)
		memset(&e, 0, sizeof(e));
	if ((arr = tr_rec_new_array()) == NULL)
		goto out;
	for (i = 0; i < e.user.n; i++) {
		if ((u = tr_rec_new_object()) == NULL ||
		    tr_rec_set_text(u, "name", e.user.v[i],
		    strlen(e.user.v[i])) != TR_OK ||
		    tr_rec_set_text(u, "home", e.home.v[i],
		    strlen(e.home.v[i])) != TR_OK ||
		    (e.sid.v[i][0] != '\0' && tr_rec_set_str(u, "sid",
		    e.sid.v[i]) != TR_OK) ||
		    tr_rec_append(arr, u) != TR_OK) {
			tr_rec_free(arr);
			arr = NULL;
			break;
		}
	}
out:
	env_release(&e);
	return arr;
}

/*
 * Values of one %%variable%% for user u (or -1 for none); 0 if unknown.
 * A known one may have no value for u (a user without a SID).
 */
static int
var_values(const env *e, const char *var, ssize_t u, strv *vals)
{
	const char *h = u >= 0 ? e->home.v[u] : NULL;
	const char *sr = e->sysroot.v[0];
	char buf[4096];
	int known = 1;

#define V(...) do { snprintf(buf, sizeof(buf), __VA_ARGS__); \
	strv_add(vals, buf); } while (0)
	if (strncmp(var, "users.", 6) == 0 && h == NULL)
		return 0;
	if (strcmp(var, "users.homedir") == 0 ||
	    strcmp(var, "users.userprofile") == 0)
		V("%s", h);
	else if (strcmp(var, "users.username") == 0)
		V("%s", e->user.v[u]);
	else if (strcmp(var, "users.sid") == 0) {
		if (e->sid.v[u][0] != '\0')
			V("%s", e->sid.v[u]);
	} else if (strcmp(var, "users.appdata") == 0) {
		V("%s/AppData/Roaming", h);
		V("%s/Application Data", h);
	} else if (strcmp(var, "users.localappdata") == 0) {
		V("%s/AppData/Local", h);
		V("%s/Local Settings/Application Data", h);
	} else if (strcmp(var, "users.localappdata_low") == 0)
		V("%s/AppData/LocalLow", h);
	else if (strcmp(var, "users.temp") == 0) {
		V("%s/AppData/Local/Temp", h);
		V("%s/Local Settings/Temp", h);
	} else if (strcmp(var, "users.desktop") == 0)
		V("%s/Desktop", h);
	else if (strcmp(var, "environ_systemroot") == 0 ||
	    strcmp(var, "environ_windir") == 0)
		V("%s", sr);
	else if (strcmp(var, "environ_systemdrive") == 0)
		V("%s", "");
	else if (strcmp(var, "environ_programdata") == 0 ||
	    strcmp(var, "environ_allusersappdata") == 0) {
		V("/ProgramData");
		V("/Documents and Settings/All Users/Application Data");
	} else if (strcmp(var, "environ_allusersprofile") == 0) {
		V("/ProgramData");
		V("/Documents and Settings/All Users");
	} else if (strcmp(var, "environ_programfiles") == 0)
		V("/Program Files");
	else if (strcmp(var, "environ_programfilesx86") == 0)
		V("/Program Files (x86)");
	else if (strcmp(var, "environ_temp") == 0 ||
	    strcmp(var, "environ_tmp") == 0)
		V("%s/Temp", sr);
	else
		known = 0;
#undef V
	return known;
}

struct expand_ctx {
	const env		*env;
	tr_artifact_paths	*out;
	const char		*artifact;
	strv			*unknown;
	strv			nosid;		/* users lacking a SID */
	const char		*nosid_art;	/* the first artifact needing it */
	tr_warn_fn		note;
	void			*note_arg;
	int			nomem;
};

/* Normalise to an absolute '/' path and add it once. */
static void
emit(struct expand_ctx *c, const char *p)
{
	char buf[4096], *o = buf;
	const char *s = p;

	if (((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
	    s[1] == ':')
		s += 2;
	*o++ = '/';
	for (; *s != '\0' && o < buf + sizeof(buf) - 1; s++)
		if (*s != '/' || o[-1] != '/')
			*o++ = *s;
	if (o > buf + 1 && o[-1] == '/')
		o--;
	*o = '\0';
	if (strv_has(&c->out->glob, buf))
		return;
	if (strv_add(&c->out->glob, buf) != 0 ||
	    strv_add(&c->out->name, c->artifact) != 0)
		c->nomem = 1;
}

/*
 * Expand the %%variables%% of p from byte "from" on.  A value is never
 * scanned again: names from evidence (a home folder called
 * "%%users.homedir%%") would otherwise expand without end.
 */
static void
expand_one(struct expand_ctx *c, const char *p, size_t from, ssize_t u)
{
	const char *a = strstr(p + from, "%%"), *b;
	char var[128], *np;
	strv vals = { NULL, 0, 0 };
	size_t i, vl;

	if (a == NULL || (b = strstr(a + 2, "%%")) == NULL) {
		emit(c, p);
		return;
	}
	vl = (size_t)(b - a - 2);
	if (vl >= sizeof(var))
		vl = sizeof(var) - 1;
	memcpy(var, a + 2, vl);
	var[vl] = '\0';
	if (!var_values(c->env, var, u, &vals)) {
		if (strncmp(var, "users.", 6) != 0 && !strv_has(c->unknown,
		    var)) {
			strv_add(c->unknown, var);
			notef(c->note, c->note_arg, "artifact '%s': no value "
			    "for %%%%%s%%%% here; paths using it are left out",
			    c->artifact, var);
		} else if (u >= 0 && !strv_has(c->unknown, var)) {
			strv_add(c->unknown, var);
			notef(c->note, c->note_arg, "artifact '%s': no value "
			    "for %%%%%s%%%% (not supported); paths using it are "
			    "left out", c->artifact, var);
		}
		strv_free(&vals);
		return;
	}
	if (vals.n == 0 && u >= 0) {
		/* users.sid of a user the ProfileList does not name */
		if (c->nosid_art == NULL)
			c->nosid_art = c->artifact;
		if (!strv_has(&c->nosid, c->env->user.v[u]) &&
		    strv_add(&c->nosid, c->env->user.v[u]) != 0)
			c->nomem = 1;
		return;
	}
	for (i = 0; i < vals.n; i++) {
		if (asprintf(&np, "%.*s%s%s", (int)(a - p), p, vals.v[i],
		    b + 2) < 0) {
			c->nomem = 1;
			break;
		}
		expand_one(c, np, (size_t)(a - p) + strlen(vals.v[i]), u);
		free(np);
	}
	strv_free(&vals);
}

static void
expand_path(struct expand_ctx *c, const char *raw, char sep)
{
	char *p = strdup(raw), *q;
	size_t u;

	if (p == NULL) {
		c->nomem = 1;
		return;
	}
	if (sep == '\\')
		for (q = p; *q != '\0'; q++)
			if (*q == '\\')
				*q = '/';
	if (strstr(p, "%%users.") != NULL)
		for (u = 0; u < c->env->user.n; u++)
			expand_one(c, p, 0, (ssize_t)u);
	else
		expand_one(c, p, 0, -1);
	free(p);
}

static int
expand_art(struct expand_ctx *c, const tr_artifacts *set, const char *name,
    strv *seen, tr_error *err)
{
	const struct artifact *a = find(set, name);
	size_t i, j;
	int rc;

	if (a == NULL)
		return tri_error_set(err, TR_ENOTFOUND, "unknown artifact '%s'",
		    name);
	if (strv_has(seen, a->name))
		return TR_OK;
	if (strv_add(seen, a->name) != 0)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	for (i = 0; i < a->nsrc; i++) {
		for (j = 0; j < a->src[i].items.n; j++) {
			if (a->src[i].type == SRC_GROUP) {
				rc = expand_art(c, set, a->src[i].items.v[j],
				    seen, err);
				if (rc == TR_ENOTFOUND) {
					notef(c->note, c->note_arg, "group "
					    "'%s': %s", a->name, err->msg);
					continue;
				}
				if (rc != TR_OK)
					return rc;
				continue;
			}
			c->artifact = a->name;
			expand_path(c, a->src[i].items.v[j], a->src[i].sep);
		}
	}
	return c->nomem ? tri_error_set(err, TR_ENOMEM, "out of memory") :
	    TR_OK;
}

/*
 * Once per volume: the users whose paths needing %%users.sid%% were left
 * out.  Only on a Windows volume: elsewhere no user has one.
 */
static void
note_nosid(const struct expand_ctx *c)
{
	char list[300];
	size_t i, len = 0;
	int n;

	if (c->nosid.n == 0 || !c->env->windows)
		return;
	list[0] = '\0';
	for (i = 0; i < c->nosid.n; i++) {
		/* 32 bytes stay for " and N more" */
		n = snprintf(list + len, sizeof(list) - 32 - len, "%s'%s'",
		    i > 0 ? ", " : "", c->nosid.v[i]);
		if (n < 0 || (size_t)n >= sizeof(list) - 32 - len) {
			list[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
	if (i < c->nosid.n)
		snprintf(list + len, sizeof(list) - len, "%s%zu more",
		    i > 0 ? " and " : "", c->nosid.n - i);
	notef(c->note, c->note_arg, "artifact '%s': no value for "
	    "%%%%users.sid%%%% for %s %s (not in the registry's ProfileList); "
	    "paths using it are left out for %s", c->nosid_art,
	    c->nosid.n > 1 ? "users" : "user", list,
	    c->nosid.n > 1 ? "them" : "that user");
}

int
tr_artifacts_expand(const tr_artifacts *set, const char *const *names,
    size_t nnames, tr_fs *fs, tr_warn_fn note, void *note_arg,
    tr_artifact_paths **out, tr_error *err)
{
	struct expand_ctx c;
	tr_artifact_paths *p;
	strv seen = { NULL, 0, 0 }, unknown = { NULL, 0, 0 };
	env e;
	tr_error local;
	size_t i;
	int rc;

	*out = NULL;
	if (err == NULL)
		err = &local;
	for (i = 0; i < nnames; i++)
		if (find(set, names[i]) == NULL)
			return tri_error_set(err, TR_ENOTFOUND,
			    "unknown artifact '%s'", names[i]);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	if ((rc = env_scan(fs, &e, note, note_arg, err)) != TR_OK) {
		env_release(&e);
		tr_artifact_paths_free(p);
		return rc;
	}
	memset(&c, 0, sizeof(c));
	c.env = &e;
	c.out = p;
	c.unknown = &unknown;
	c.note = note;
	c.note_arg = note_arg;
	for (i = 0, rc = TR_OK; rc == TR_OK && i < nnames; i++)
		rc = expand_art(&c, set, names[i], &seen, err);
	if (rc == TR_OK)
		note_nosid(&c);
	strv_free(&c.nosid);
	strv_free(&seen);
	strv_free(&unknown);
	env_release(&e);
	if (rc != TR_OK) {
		tr_artifact_paths_free(p);
		return rc;
	}
	*out = p;
	return TR_OK;
}

size_t
tr_artifact_paths_count(const tr_artifact_paths *p)
{
	return p != NULL ? p->glob.n : 0;
}

const char *
tr_artifact_paths_glob(const tr_artifact_paths *p, size_t i)
{
	return p != NULL && i < p->glob.n ? p->glob.v[i] : NULL;
}

const char *
tr_artifact_paths_name(const tr_artifact_paths *p, size_t i)
{
	return p != NULL && i < p->name.n ? p->name.v[i] : NULL;
}

void
tr_artifact_paths_free(tr_artifact_paths *p)
{
	if (p == NULL)
		return;
	strv_free(&p->glob);
	strv_free(&p->name);
	free(p);
}
