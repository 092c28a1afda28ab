/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading Sigma rules (libyaml), the logsource mapping and placeholders;
 * binding rules to event kinds and indexing them by channel and event id.
 */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "internal.h"
#include "sigma_internal.h"

#define WHY_MAX	512

/* YAML helpers over a loaded document. */
typedef struct ydoc {
	yaml_document_t	d;
	const char	*path;
} ydoc;

static yaml_node_t *
ynode(ydoc *y, int id)
{
	return id == 0 ? NULL : yaml_document_get_node(&y->d, id);
}

static int
yline(const yaml_node_t *n)
{
	return n != NULL ? (int)n->start_mark.line + 1 : 0;
}

static int
yisnull(const yaml_node_t *n)
{
	const char *v;

	if (n == NULL)
		return 1;
	if (n->type != YAML_SCALAR_NODE)
		return 0;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	v = (const char *)n->data.scalar.value;
	return *v == '\0' || strcmp(v, "null") == 0 || strcmp(v, "~") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static const char *
yscalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *
yget(ydoc *y, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	const char *k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	    p++) {
		k = yscalar(ynode(y, p->key));
		if (k != NULL && strcmp(k, key) == 0)
			return ynode(y, p->value);
	}
	return NULL;
}

static const char *
ygets(ydoc *y, yaml_node_t *map, const char *key)
{
	return yscalar(yget(y, map, key));
}

/* A scalar or a sequence of scalars as a new string list. */
static int
ylist(ydoc *y, yaml_node_t *n, char ***out, size_t *nout, int lower)
{
	yaml_node_item_t *it;
	const char *s;
	char **l, *c;
	size_t cap, i;

	*out = NULL;
	*nout = 0;
	if (n == NULL || yisnull(n))
		return 0;
	cap = n->type == YAML_SEQUENCE_NODE ? (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start) : 1;
	if ((l = calloc(cap + 1, sizeof(*l))) == NULL)
		return -1;
	*out = l;
	if (n->type == YAML_SCALAR_NODE) {
		if ((l[0] = strdup(yscalar(n))) == NULL)
			return -1;
		*nout = 1;
	} else if (n->type == YAML_SEQUENCE_NODE) {
		for (it = n->data.sequence.items.start;
		    it < n->data.sequence.items.top; it++)
			if ((s = yscalar(ynode(y, *it))) != NULL) {
				if ((l[*nout] = strdup(s)) == NULL)
					return -1;
				(*nout)++;
			}
	}
	if (lower)
		for (i = 0; i < *nout; i++)
			for (c = l[i]; *c != '\0'; c++)
				*c = (char)tolower((unsigned char)*c);
	return 0;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static int
open_doc_file(const char *path, FILE **fp, yaml_parser_t *p, tr_error *err)
{
	if ((*fp = fopen(path, "rb")) == NULL)
		return tri_error_errno(err, TR_EIO, errno, "cannot open '%s'",
		    path);
	if (!yaml_parser_initialize(p)) {
		fclose(*fp);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	yaml_parser_set_input_file(p, *fp);
	return TR_OK;
}

/* Load the single document of a configuration file. */
static int
load_conf(const char *path, ydoc *y, tr_error *err)
{
	yaml_parser_t p;
	FILE *fp;
	int rc;

	memset(y, 0, sizeof(*y));
	y->path = path;
	if ((rc = open_doc_file(path, &fp, &p, err)) != TR_OK)
		return rc;
	if (!yaml_parser_load(&p, &y->d)) {
		rc = tri_error_set(err, TR_EFORMAT, "'%s' line %zu: %s", path,
		    p.problem_mark.line + 1, p.problem ? p.problem : "bad YAML");
		yaml_parser_delete(&p);
		fclose(fp);
		return rc;
	}
	yaml_parser_delete(&p);
	fclose(fp);
	if (yaml_document_get_root_node(&y->d) == NULL ||
	    yaml_document_get_root_node(&y->d)->type != YAML_MAPPING_NODE) {
		yaml_document_delete(&y->d);
		return tri_error_set(err, TR_EFORMAT, "'%s': not a YAML mapping",
		    path);
	}
	return TR_OK;
}

/* The logsource mapping. */
static void
lsalt_release(struct lsalt *a)
{
	strv_free(a->data_type, a->ndata_type);
	strv_free(a->channel, a->nchannel);
	free(a->eid);
	strv_free(a->where_k, a->nwhere);
	strv_free(a->where_v, a->nwhere);
	strv_free(a->ren_from, a->nren);
	strv_free(a->ren_to, a->nren);
}

static void
lsmap_release(struct lsmap *m)
{
	size_t i, k;

	for (i = 0; i < m->nprod; i++) {
		struct lsproduct *p = &m->prod[i];

		free(p->name);
		strv_free(p->data_type, p->ndata_type);
		strv_free(p->fmap_from, p->nfmap);
		strv_free(p->fmap_k1, p->nfmap);
		strv_free(p->fmap_k2, p->nfmap);
		free(p->prefix);
		strv_free(p->kw, p->nkw);
		lsalt_release(&p->any);
	}
	free(m->prod);
	for (i = 0; i < m->nent; i++) {
		free(m->ent[i].product);
		free(m->ent[i].category);
		free(m->ent[i].service);
		for (k = 0; k < m->ent[i].nalt; k++)
			lsalt_release(&m->ent[i].alt[k]);
		free(m->ent[i].alt);
	}
	free(m->ent);
	memset(m, 0, sizeof(*m));
}

/* A mapping of scalars as two parallel lists. */
static int
ypairs(ydoc *y, yaml_node_t *n, char ***from, char ***to, size_t *np)
{
	yaml_node_pair_t *p;
	size_t cap;

	*from = *to = NULL;
	*np = 0;
	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return 0;
	cap = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if ((*from = calloc(cap + 1, sizeof(char *))) == NULL ||
	    (*to = calloc(cap + 1, sizeof(char *))) == NULL)
		return -1;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		const char *k = yscalar(ynode(y, p->key));
		yaml_node_t *vn = ynode(y, p->value);
		const char *v = yscalar(vn);

		if (k == NULL)
			continue;
		if (v == NULL && vn != NULL && vn->type == YAML_SEQUENCE_NODE &&
		    vn->data.sequence.items.top > vn->data.sequence.items.start)
			v = yscalar(ynode(y, *vn->data.sequence.items.start));
		if (v == NULL)
			continue;
		if (((*from)[*np] = strdup(k)) == NULL ||
		    ((*to)[*np] = strdup(v)) == NULL) {
			(*np)++;
			return -1;
		}
		(*np)++;
	}
	return 0;
}

static struct lsproduct *
find_product(struct lsmap *m, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < m->nprod; i++)
		if (strcmp(m->prod[i].name, name) == 0)
			return &m->prod[i];
	return NULL;
}

static int
load_alt(ydoc *y, yaml_node_t *n, struct lsalt *a, struct lsproduct *prod)
{
	char **ids = NULL, *end, **wv;
	yaml_node_t *w;
	yaml_node_pair_t *p;
	size_t nids = 0, i, cap;

	a->prod = prod;
	if (ylist(y, yget(y, n, "data_type"), &a->data_type, &a->ndata_type,
	    0) != 0 || ylist(y, yget(y, n, "channel"), &a->channel,
	    &a->nchannel, 1) != 0 || ylist(y, yget(y, n, "event_id"), &ids,
	    &nids, 0) != 0 || ypairs(y, yget(y, n, "rename"), &a->ren_from,
	    &a->ren_to, &a->nren) != 0) {
		strv_free(ids, nids);
		return -1;
	}
	if (a->ndata_type == 0 && prod != NULL && prod->ndata_type > 0) {
		if ((a->data_type = calloc(prod->ndata_type + 1,
		    sizeof(char *))) == NULL)
			return -1;
		for (i = 0; i < prod->ndata_type; i++)
			if ((a->data_type[a->ndata_type++] =
			    strdup(prod->data_type[i])) == NULL)
				return -1;
	}
	if (nids > 0 && (a->eid = calloc(nids, sizeof(int64_t))) == NULL) {
		strv_free(ids, nids);
		return -1;
	}
	for (i = 0; i < nids; i++) {
		a->eid[a->neid] = strtoll(ids[i], &end, 10);
		if (*end == '\0')
			a->neid++;
	}
	strv_free(ids, nids);
	if ((w = yget(y, n, "where")) != NULL && w->type == YAML_MAPPING_NODE) {
		cap = (size_t)(w->data.mapping.pairs.top -
		    w->data.mapping.pairs.start);
		if ((a->where_k = calloc(cap + 1, sizeof(char *))) == NULL ||
		    (a->where_v = calloc(cap + 1, sizeof(char *))) == NULL)
			return -1;
		for (p = w->data.mapping.pairs.start;
		    p < w->data.mapping.pairs.top; p++) {
			const char *k = yscalar(ynode(y, p->key));
			size_t nv = 0, j, len = 2;
			char *joined;

			if (k == NULL || ylist(y, ynode(y, p->value), &wv, &nv,
			    1) != 0)
				continue;
			/* Values joined by "\n" for a quick membership test. */
			for (j = 0; j < nv; j++)
				len += strlen(wv[j]) + 1;
			if ((joined = malloc(len)) == NULL) {
				strv_free(wv, nv);
				return -1;
			}
			joined[0] = '\n';
			joined[1] = '\0';
			for (j = 0; j < nv; j++) {
				strcat(joined, wv[j]);
				strcat(joined, "\n");
			}
			strv_free(wv, nv);
			a->where_k[a->nwhere] = strdup(k);
			a->where_v[a->nwhere++] = joined;
			if (a->where_k[a->nwhere - 1] == NULL)
				return -1;
		}
	}
	return 0;
}

static int
load_lsmap(struct lsmap *m, const char *path, tr_error *err)
{
	yaml_node_t *root, *prods, *ls, *events;
	yaml_node_pair_t *p;
	yaml_node_item_t *it, *e;
	ydoc y;
	size_t cap, i;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = load_conf(path, &y, err)) != TR_OK)
		return rc;
	root = yaml_document_get_root_node(&y.d);
	prods = yget(&y, root, "products");
	ls = yget(&y, root, "logsources");
	if (prods == NULL || prods->type != YAML_MAPPING_NODE || ls == NULL ||
	    ls->type != YAML_SEQUENCE_NODE) {
		rc = tri_error_set(err, TR_EFORMAT, "'%s': needs 'products' "
		    "(mapping) and 'logsources' (list)", path);
		goto out;
	}
	cap = (size_t)(prods->data.mapping.pairs.top -
	    prods->data.mapping.pairs.start);
	if ((m->prod = calloc(cap + 1, sizeof(*m->prod))) == NULL)
		goto nomem;
	for (p = prods->data.mapping.pairs.start;
	    p < prods->data.mapping.pairs.top; p++) {
		struct lsproduct *pr = &m->prod[m->nprod];
		yaml_node_t *pn = ynode(&y, p->value);
		char **to = NULL;

		if (yscalar(ynode(&y, p->key)) == NULL)
			continue;
		m->nprod++;
		if ((pr->name = strdup(yscalar(ynode(&y, p->key)))) == NULL ||
		    ylist(&y, yget(&y, pn, "data_type"), &pr->data_type,
		    &pr->ndata_type, 0) != 0 ||
		    ylist(&y, yget(&y, pn, "keywords"), &pr->kw, &pr->nkw,
		    0) != 0 ||
		    ypairs(&y, yget(&y, pn, "fields"), &pr->fmap_from, &to,
		    &pr->nfmap) != 0)
			goto nomem;
		if ((pr->fmap_k1 = calloc(pr->nfmap + 1, sizeof(char *))) ==
		    NULL || (pr->fmap_k2 = calloc(pr->nfmap + 1,
		    sizeof(char *))) == NULL) {
			strv_free(to, pr->nfmap);
			goto nomem;
		}
		for (i = 0; i < pr->nfmap; i++) {
			char *dot = strchr(to[i], '.');

			if (dot != NULL) {
				*dot = '\0';
				pr->fmap_k2[i] = strdup(dot + 1);
			}
			pr->fmap_k1[i] = to[i];
		}
		free(to);
		if (ygets(&y, pn, "other_fields") != NULL &&
		    !yisnull(yget(&y, pn, "other_fields")) &&
		    (pr->prefix = strdup(ygets(&y, pn, "other_fields"))) ==
		    NULL)
			goto nomem;
		if (load_alt(&y, NULL, &pr->any, pr) != 0)
			goto nomem;
	}
	cap = (size_t)(ls->data.sequence.items.top -
	    ls->data.sequence.items.start);
	if ((m->ent = calloc(cap + 1, sizeof(*m->ent))) == NULL)
		goto nomem;
	for (it = ls->data.sequence.items.start; it < ls->data.sequence.items.top;
	    it++) {
		yaml_node_t *en = ynode(&y, *it);
		struct lsentry *le = &m->ent[m->nent];
		struct lsproduct *pr;

		events = yget(&y, en, "events");
		if (en == NULL || en->type != YAML_MAPPING_NODE ||
		    events == NULL || events->type != YAML_SEQUENCE_NODE) {
			rc = tri_error_set(err, TR_EFORMAT, "'%s' line %d: a "
			    "logsource needs an 'events' list", path,
			    yline(en));
			goto out;
		}
		m->nent++;
		le->product = xstrdup(ygets(&y, en, "product"));
		le->category = xstrdup(ygets(&y, en, "category"));
		le->service = xstrdup(ygets(&y, en, "service"));
		pr = find_product(m, le->product);
		if (le->product != NULL && pr == NULL) {
			rc = tri_error_set(err, TR_EFORMAT, "'%s' line %d: "
			    "product '%s' is not under 'products'", path,
			    yline(en), le->product);
			goto out;
		}
		cap = (size_t)(events->data.sequence.items.top -
		    events->data.sequence.items.start);
		if ((le->alt = calloc(cap + 1, sizeof(*le->alt))) == NULL)
			goto nomem;
		for (e = events->data.sequence.items.start;
		    e < events->data.sequence.items.top; e++)
			if (load_alt(&y, ynode(&y, *e), &le->alt[le->nalt++],
			    pr) != 0)
				goto nomem;
	}
	rc = TR_OK;
	goto out;
nomem:
	rc = tri_error_set(err, TR_ENOMEM, "out of memory");
out:
	yaml_document_delete(&y.d);
	if (rc != TR_OK)
		lsmap_release(m);
	return rc;
}

/* Placeholders: name -> list of values. */
struct phmap {
	char		**name;
	char		***val;
	size_t		*nval;
	size_t		n;
};

static void
phmap_release(struct phmap *ph)
{
	size_t i;

	for (i = 0; i < ph->n; i++) {
		free(ph->name[i]);
		strv_free(ph->val[i], ph->nval[i]);
	}
	free(ph->name);
	free(ph->val);
	free(ph->nval);
	memset(ph, 0, sizeof(*ph));
}

static int
load_placeholders(struct phmap *ph, const char *path, tr_error *err)
{
	yaml_node_t *root;
	yaml_node_pair_t *p;
	ydoc y;
	size_t cap;
	int rc;

	memset(ph, 0, sizeof(*ph));
	if ((rc = load_conf(path, &y, err)) != TR_OK)
		return rc;
	root = yaml_document_get_root_node(&y.d);
	cap = (size_t)(root->data.mapping.pairs.top -
	    root->data.mapping.pairs.start);
	if ((ph->name = calloc(cap + 1, sizeof(char *))) == NULL ||
	    (ph->val = calloc(cap + 1, sizeof(char **))) == NULL ||
	    (ph->nval = calloc(cap + 1, sizeof(size_t))) == NULL)
		goto nomem;
	for (p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		const char *k = yscalar(ynode(&y, p->key));

		if (k == NULL)
			continue;
		if ((ph->name[ph->n] = strdup(k)) == NULL) 
			goto nomem;
		if (ylist(&y, ynode(&y, p->value), &ph->val[ph->n],
		    &ph->nval[ph->n], 0) != 0) {
			ph->n++;
			goto nomem;
		}
		ph->n++;
	}
	yaml_document_delete(&y.d);
	return TR_OK;
nomem:
	yaml_document_delete(&y.d);
	phmap_release(ph);
	return tri_error_set(err, TR_ENOMEM, "out of memory");
}

/* Loading state. */
struct loader {
	tr_sigma	*s;
	const tr_sigma_opts *o;
	struct phmap	ph;
	int		have_ph;
	size_t		rcap, fcap, skipped;
	char		why[WHY_MAX];
	int		wline;
	tr_error	*err;
};

static void
cnode_list_free(struct cnode **c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tri_sigma_cond_free(c[i]);
	free(c);
}

static void
rule_free(struct rule *r)
{
	size_t i, a, k;

	if (r == NULL)
		return;
	free(r->id);
	free(r->name);
	free(r->title);
	free(r->level);
	free(r->status);
	free(r->author);
	free(r->desc);
	free(r->date);
	free(r->modified);
	free(r->path);
	strv_free(r->tags, r->ntags);
	strv_free(r->refs, r->nrefs);
	strv_free(r->fps, r->nfps);
	free(r->ls_product);
	free(r->ls_category);
	free(r->ls_service);
	strv_free(r->fields, r->nfields);
	for (i = 0; i < r->ns; i++) {
		free(r->s[i].name);
		for (a = 0; a < r->s[i].nalt; a++) {
			for (k = 0; k < r->s[i].alt[a].n; k++) {
				struct fcond *fc = &r->s[i].alt[a].c[k];
				size_t j;

				for (j = 0; j < fc->nv; j++)
					tri_sigma_sval_release(&fc->v[j]);
				free(fc->v);
			}
			free(r->s[i].alt[a].c);
		}
		free(r->s[i].alt);
	}
	free(r->s);
	cnode_list_free(r->cond, r->ncond);
	for (i = 0; i < r->nbind; i++)
		free(r->bind[i].path);
	free(r->bind);
	for (i = 0; i < r->nfilters; i++) {
		for (k = 0; r->fbind != NULL && r->fbind[i] != NULL &&
		    k < r->nbind; k++)
			free(r->fbind[i][k].path);
		if (r->fbind != NULL)
			free(r->fbind[i]);
	}
	free(r->fbind);
	free(r->filters);
	free(r->unmapped);
	free(r->parents);
	if (r->corr != NULL) {
		strv_free(r->corr->refs, r->corr->nrefs);
		free(r->corr->rules);
		strv_free(r->corr->group, r->corr->ngroup);
		strv_free(r->corr->alias_from, r->corr->nalias);
		strv_free(r->corr->alias_rule, r->corr->nalias);
		strv_free(r->corr->alias_to, r->corr->nalias);
		free(r->corr->field);
		free(r->corr);
	}
	free(r);
}

static int
refuse(struct loader *L, const char *path, int line, const char *id,
    const char *title, const char *why)
{
	struct refused *nr, *f;

	if ((nr = realloc(L->s->refused, (L->s->nrefused + 1) *
	    sizeof(*nr))) == NULL)
		return -1;
	L->s->refused = nr;
	f = &nr[L->s->nrefused++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->id = xstrdup(id);
	f->title = xstrdup(title);
	f->reason = xstrdup(why);
	f->line = line;
	tri_warn(L->o->warn, L->o->warn_arg, "'%s' line %d: rule %s refused: "
	    "%s", path, line, id != NULL ? id : title != NULL ? title : "?",
	    why);
	return 0;
}

static int
field_index(struct rule *r, const char *name)
{
	char **nf;
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i], name) == 0)
			return (int)i;
	if ((nf = realloc(r->fields, (r->nfields + 1) * sizeof(*nf))) == NULL)
		return -1;
	r->fields = nf;
	if ((nf[r->nfields] = strdup(name)) == NULL)
		return -1;
	return (int)r->nfields++;
}

#define FAIL(L, n, ...) (snprintf((L)->why, WHY_MAX, __VA_ARGS__), \
	(L)->wline = yline(n), -1)

/* Expand %name% placeholders of raw: every combination of values. */
static int
expand(struct loader *L, const char *raw, char ***out, size_t *nout)
{
	const char *a, *b;
	char name[256], **acc = NULL, **nacc;
	size_t nacc_n, i, j, k, nacc0 = 1;

	if ((acc = calloc(2, sizeof(char *))) == NULL ||
	    (acc[0] = strdup(raw)) == NULL) {
		free(acc);
		return -2;
	}
	for (;;) {
		a = strchr(acc[0], '%');
		b = a != NULL ? strchr(a + 1, '%') : NULL;
		if (a == NULL || b == NULL || (size_t)(b - a - 1) >=
		    sizeof(name))
			break;
		memcpy(name, a + 1, (size_t)(b - a - 1));
		name[b - a - 1] = '\0';
		for (k = 0; k < L->ph.n; k++)
			if (strcmp(L->ph.name[k], name) == 0)
				break;
		if (k == L->ph.n || L->ph.nval[k] == 0) {
			snprintf(L->why, WHY_MAX, "placeholder '%%%s%%' is not "
			    "in the placeholder file", name);
			strv_free(acc, nacc0);
			return -1;
		}
		nacc_n = nacc0 * L->ph.nval[k];
		if (nacc_n > 4096 || (nacc = calloc(nacc_n + 1,
		    sizeof(char *))) == NULL) {
			strv_free(acc, nacc0);
			return -2;
		}
		for (i = 0; i < nacc0; i++) {
			const char *s = acc[i], *pa = strchr(s, '%'),
			    *pb = strchr(pa + 1, '%');

			for (j = 0; j < L->ph.nval[k]; j++) {
				const char *v = L->ph.val[k][j];
				size_t len = (size_t)(pa - s) + strlen(v) +
				    strlen(pb + 1) + 1;
				char *t = malloc(len);

				if (t == NULL) {
					strv_free(nacc, nacc_n);
					strv_free(acc, nacc0);
					return -2;
				}
				snprintf(t, len, "%.*s%s%s", (int)(pa - s), s, v,
				    pb + 1);
				nacc[i * L->ph.nval[k] + j] = t;
			}
		}
		strv_free(acc, nacc0);
		acc = nacc;
		nacc0 = nacc_n;
	}
	*out = acc;
	*nout = nacc0;
	return 0;
}

/* "Field|mod|mod: value(s)" into one field condition. */
static int
load_fcond(struct loader *L, struct rule *r, const char *key,
    yaml_node_t *vn, ydoc *y, struct fcond *fc)
{
	char *k = strdup(key), *mods[16], *tok, *save = NULL;
	const char *cmods[16];
	yaml_node_item_t *it;
	yaml_node_t *item;
	size_t nm = 0, cap = 0, i, nraw, j;
	char **raw;
	int rc = -2, isexp = 0;

	memset(fc, 0, sizeof(*fc));
	if (k == NULL)
		return -2;
	tok = strchr(k, '|');
	if (tok != NULL) {
		*tok++ = '\0';
		for (tok = strtok_r(tok, "|", &save); tok != NULL;
		    tok = strtok_r(NULL, "|", &save)) {
			if (nm == 16) {
				rc = FAIL(L, vn, "too many modifiers");
				goto out;
			}
			if (strcmp(tok, "all") == 0)
				fc->all = 1;
			else if (strcmp(tok, "expand") == 0)
				isexp = 1;
			else
				mods[nm++] = tok;
		}
	}
	memcpy(cmods, mods, nm * sizeof(char *));
	if (isexp && !L->have_ph)
		cmods[nm++] = "expand";
	for (i = 0; i < nm; i++)
		if (strcmp(cmods[i], "fieldref") == 0) {
			if (vn != NULL && vn->type == YAML_SEQUENCE_NODE) {
				for (it = vn->data.sequence.items.start;
				    it < vn->data.sequence.items.top; it++)
					if (yscalar(ynode(y, *it)) != NULL &&
					    field_index(r, yscalar(ynode(y,
					    *it))) < 0)
						goto out;
			} else if (yscalar(vn) != NULL &&
			    field_index(r, yscalar(vn)) < 0)
				goto out;
		}
	if (*k == '\0') {
		/* Keywords are searched for anywhere in the event's text. */
		for (i = 0; i < nm; i++)
			if (strcmp(cmods[i], "startswith") == 0 ||
			    strcmp(cmods[i], "endswith") == 0 ||
			    strcmp(cmods[i], "contains") == 0 ||
			    strcmp(cmods[i], "re") == 0 ||
			    strcmp(cmods[i], "cidr") == 0)
				break;
		if (i == nm && nm < 16)
			cmods[nm++] = "contains";
		fc->field = -1;
	}
	else if ((fc->field = field_index(r, k)) < 0)
		goto out;
	if (vn != NULL && vn->type == YAML_MAPPING_NODE) {
		rc = FAIL(L, vn, "field '%s' has a mapping as its value", k);
		goto out;
	}
	it = vn != NULL && vn->type == YAML_SEQUENCE_NODE ?
	    vn->data.sequence.items.start : NULL;
	if (it != NULL && it == vn->data.sequence.items.top) {
		rc = FAIL(L, vn, "field '%s' has an empty list", k);
		goto out;
	}
	for (;;) {
		item = it != NULL ? ynode(y, *it) : vn;
		if (item != NULL && item->type != YAML_SCALAR_NODE) {
			rc = FAIL(L, item, "value of '%s' is not a scalar", k);
			goto out;
		}
		if (fc->field < 0 && yisnull(item)) {
			rc = FAIL(L, item, "null keyword");
			goto out;
		}
		if (isexp && L->have_ph && !yisnull(item)) {
			if ((rc = expand(L, yscalar(item), &raw, &nraw)) != 0) {
				L->wline = yline(item);
				goto out;
			}
		} else {
			raw = NULL;
			nraw = 1;
		}
		for (j = 0; j < nraw; j++) {
			rc = tri_sigma_compile_value(fc, &cap, raw != NULL ?
			    raw[j] : yisnull(item) ? NULL : yscalar(item),
			    cmods, nm, (const char *const *)r->fields,
			    r->nfields, L->why, WHY_MAX);
			if (rc != 0) {
				L->wline = yline(item);
				strv_free(raw, nraw);
				goto out;
			}
		}
		strv_free(raw, nraw);
		if (it == NULL || ++it == vn->data.sequence.items.top)
			break;
	}
	rc = 0;
out:
	free(k);
	if (rc != 0) {
		for (i = 0; i < fc->nv; i++)
			tri_sigma_sval_release(&fc->v[i]);
		free(fc->v);
		fc->v = NULL;
		fc->nv = 0;
	}
	return rc;
}

static int
load_salt(struct loader *L, struct rule *r, yaml_node_t *map, ydoc *y,
    struct salt *sa)
{
	yaml_node_pair_t *p;
	size_t cap;
	int rc;

	cap = (size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start);
	if ((sa->c = calloc(cap + 1, sizeof(*sa->c))) == NULL)
		return -2;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	    p++) {
		const char *k = yscalar(ynode(y, p->key));

		if (k == NULL)
			return FAIL(L, map, "a field name is not a scalar");
		if ((rc = load_fcond(L, r, k, ynode(y, p->value), y,
		    &sa->c[sa->n])) != 0)
			return rc;
		sa->n++;
	}
	if (sa->n == 0)
		return FAIL(L, map, "empty search");
	return 0;
}

static int
load_search(struct loader *L, struct rule *r, const char *name,
    yaml_node_t *n, ydoc *y, struct search *s)
{
	yaml_node_item_t *it;
	size_t cap, nmap = 0, nsc = 0;
	int rc;

	if ((s->name = strdup(name)) == NULL)
		return -2;
	if (n != NULL && n->type == YAML_MAPPING_NODE) {
		if ((s->alt = calloc(1, sizeof(*s->alt))) == NULL)
			return -2;
		s->nalt = 1;
		return load_salt(L, r, n, y, &s->alt[0]);
	}
	if (n == NULL || yisnull(n))
		return FAIL(L, n, "search '%s' is empty", name);
	if (n->type == YAML_SCALAR_NODE) {
		if ((s->alt = calloc(1, sizeof(*s->alt))) == NULL ||
		    (s->alt[0].c = calloc(1, sizeof(struct fcond))) == NULL)
			return -2;
		s->nalt = 1;
		s->alt[0].n = 1;
		return load_fcond(L, r, "", n, y, &s->alt[0].c[0]);
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++) {
		yaml_node_t *e = ynode(y, *it);

		if (e != NULL && e->type == YAML_MAPPING_NODE)
			nmap++;
		else if (e != NULL && e->type == YAML_SCALAR_NODE)
			nsc++;
		else
			return FAIL(L, e, "search '%s' holds a nested list",
			    name);
	}
	if (nmap == 0 && nsc == 0)
		return FAIL(L, n, "search '%s' is an empty list", name);
	if (nmap == 0) {
		if ((s->alt = calloc(1, sizeof(*s->alt))) == NULL ||
		    (s->alt[0].c = calloc(1, sizeof(struct fcond))) == NULL)
			return -2;
		s->nalt = 1;
		s->alt[0].n = 1;
		return load_fcond(L, r, "", n, y, &s->alt[0].c[0]);
	}
	cap = nmap + nsc;
	if ((s->alt = calloc(cap, sizeof(*s->alt))) == NULL)
		return -2;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	    it++) {
		yaml_node_t *e = ynode(y, *it);

		if (e->type == YAML_MAPPING_NODE) {
			rc = load_salt(L, r, e, y, &s->alt[s->nalt++]);
		} else {
			/* A keyword among maps: one more alternative. */
			if ((s->alt[s->nalt].c = calloc(1,
			    sizeof(struct fcond))) == NULL)
				return -2;
			s->alt[s->nalt++].n = 1;
			rc = load_fcond(L, r, "", e, y,
			    &s->alt[s->nalt - 1].c[0]);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
load_conditions(struct loader *L, struct rule *r, yaml_node_t *cn, ydoc *y)
{
	yaml_node_item_t *it;
	struct cnode *c;
	size_t cap;

	if (cn == NULL)
		return FAIL(L, cn, "no condition");
	cap = cn->type == YAML_SEQUENCE_NODE ? (size_t)(cn->data.sequence.items.top
	    - cn->data.sequence.items.start) : 1;
	if ((r->cond = calloc(cap + 1, sizeof(*r->cond))) == NULL)
		return -2;
	it = cn->type == YAML_SEQUENCE_NODE ? cn->data.sequence.items.start :
	    NULL;
	for (;;) {
		yaml_node_t *n = it != NULL ? ynode(y, *it) : cn;

		if (yscalar(n) == NULL)
			return FAIL(L, n, "condition is not a string");
		if ((c = tri_sigma_cond_parse(yscalar(n), r, L->why,
		    WHY_MAX)) == NULL) {
			L->wline = yline(n);
			return -1;
		}
		r->cond[r->ncond++] = c;
		if (it == NULL || ++it == cn->data.sequence.items.top)
			break;
	}
	if (r->ncond == 0)
		return FAIL(L, cn, "no condition");
	return 0;
}

static int
load_detection(struct loader *L, struct rule *r, yaml_node_t *det, ydoc *y)
{
	yaml_node_pair_t *p;
	size_t cap;
	int rc;

	if (det == NULL || det->type != YAML_MAPPING_NODE)
		return FAIL(L, det, "detection is not a mapping");
	cap = (size_t)(det->data.mapping.pairs.top -
	    det->data.mapping.pairs.start);
	if ((r->s = calloc(cap + 1, sizeof(*r->s))) == NULL)
		return -2;
	for (p = det->data.mapping.pairs.start; p < det->data.mapping.pairs.top;
	    p++) {
		const char *k = yscalar(ynode(y, p->key));

		if (k == NULL)
			return FAIL(L, det, "a search name is not a scalar");
		if (strcmp(k, "condition") == 0 || strcmp(k, "timeframe") == 0)
			continue;
		if ((rc = load_search(L, r, k, ynode(y, p->value), y,
		    &r->s[r->ns++])) != 0)
			return rc;
	}
	return load_conditions(L, r, yget(y, det, "condition"), y);
}

static int
parse_timespan(const char *s, int64_t *us)
{
	char *end;
	long long v;
	int64_t mul;

	if (s == NULL)
		return -1;
	v = strtoll(s, &end, 10);
	if (end == s || v < 0 || v > 1000000000LL)
		return -1;
	switch (*end) {
	case 's':
		mul = 1;
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	case 'w':
		mul = 7 * 86400;
		break;
	case 'M':
		mul = 30 * 86400;
		break;
	case 'y':
		mul = 365 * 86400;
		break;
	default:
		return -1;
	}
	if (end[1] != '\0')
		return -1;
	*us = (int64_t)v * mul * 1000000;
	return 0;
}

static int
cond_op(const char *k)
{
	return strcmp(k, "gt") == 0 ? '>' : strcmp(k, "gte") == 0 ? 'g' :
	    strcmp(k, "lt") == 0 ? '<' : strcmp(k, "lte") == 0 ? 'l' :
	    strcmp(k, "eq") == 0 ? '=' : strcmp(k, "neq") == 0 ? '!' : 0;
}

static int
load_correlation(struct loader *L, struct rule *r, yaml_node_t *cn, ydoc *y)
{
	struct corr *c;
	yaml_node_t *cond, *al, *n;
	yaml_node_pair_t *p, *q;
	const char *t, *g;
	char *end, **nf, **nr, **nt;
	int op;

	if ((c = r->corr = calloc(1, sizeof(*c))) == NULL)
		return -2;
	if (cn == NULL || cn->type != YAML_MAPPING_NODE)
		return FAIL(L, cn, "correlation is not a mapping");
	t = ygets(y, cn, "type");
	if (t == NULL)
		return FAIL(L, cn, "correlation has no type");
	if (strcmp(t, "event_count") == 0)
		c->type = CT_EVENT_COUNT;
	else if (strcmp(t, "value_count") == 0)
		c->type = CT_VALUE_COUNT;
	else if (strcmp(t, "temporal") == 0)
		c->type = CT_TEMPORAL;
	else if (strcmp(t, "temporal_ordered") == 0)
		c->type = CT_TEMPORAL_ORDERED;
	else
		return FAIL(L, cn, "unknown correlation type '%s'", t);
	if (ylist(y, yget(y, cn, "rules"), &c->refs, &c->nrefs, 0) != 0 ||
	    ylist(y, yget(y, cn, "group-by"), &c->group, &c->ngroup, 0) != 0)
		return -2;
	if (c->nrefs == 0)
		return FAIL(L, cn, "correlation names no rules");
	if (parse_timespan(ygets(y, cn, "timespan"), &c->timespan) != 0 &&
	    parse_timespan(ygets(y, cn, "timeframe"), &c->timespan) != 0)
		return FAIL(L, cn, "correlation needs a timespan like 5m");
	c->generate = (g = ygets(y, cn, "generate")) != NULL &&
	    strcmp(g, "true") == 0;
	cond = yget(y, cn, "condition");
	if (c->type == CT_TEMPORAL || c->type == CT_TEMPORAL_ORDERED) {
		c->cop = 'g';
		c->cval = (int64_t)c->nrefs;
	}
	if (cond != NULL && cond->type == YAML_MAPPING_NODE) {
		for (p = cond->data.mapping.pairs.start;
		    p < cond->data.mapping.pairs.top; p++) {
			const char *k = yscalar(ynode(y, p->key));
			const char *v = yscalar(ynode(y, p->value));

			if (k == NULL || v == NULL)
				return FAIL(L, cond, "bad correlation "
				    "condition");
			if (strcmp(k, "field") == 0) {
				if ((c->field = strdup(v)) == NULL)
					return -2;
				continue;
			}
			if ((op = cond_op(k)) == 0)
				return FAIL(L, cond, "unknown correlation "
				    "operator '%s'", k);
			if (c->cop == 0 || c->type == CT_TEMPORAL ||
			    c->type == CT_TEMPORAL_ORDERED) {
				c->cop = op;
				c->cval = strtoll(v, &end, 10);
			} else {
				c->cop2 = op;
				c->cval2 = strtoll(v, &end, 10);
			}
			if (*end != '\0')
				return FAIL(L, cond, "correlation condition "
				    "'%s' is not a number", v);
		}
	} else if (c->type == CT_EVENT_COUNT || c->type == CT_VALUE_COUNT)
		return FAIL(L, cn, "correlation needs a condition");
	if ((c->type == CT_EVENT_COUNT || c->type == CT_VALUE_COUNT) &&
	    (c->cop == '<' || c->cop == 'l' || c->cop2 == '<' ||
	    c->cop2 == 'l'))
		return FAIL(L, cond, "lt/lte correlation conditions (decided "
		    "at a window's end) are not supported");
	if (c->type == CT_VALUE_COUNT && c->field == NULL)
		return FAIL(L, cn, "value_count needs condition.field");
	if ((al = yget(y, cn, "aliases")) != NULL &&
	    al->type == YAML_MAPPING_NODE) {
		for (p = al->data.mapping.pairs.start;
		    p < al->data.mapping.pairs.top; p++) {
			n = ynode(y, p->value);
			if (n == NULL || n->type != YAML_MAPPING_NODE)
				continue;
			for (q = n->data.mapping.pairs.start;
			    q < n->data.mapping.pairs.top; q++) {
				size_t na = c->nalias + 1;

				if ((nf = realloc(c->alias_from, na *
				    sizeof(char *))) != NULL)
					c->alias_from = nf;
				if ((nr = realloc(c->alias_rule, na *
				    sizeof(char *))) != NULL)
					c->alias_rule = nr;
				if ((nt = realloc(c->alias_to, na *
				    sizeof(char *))) != NULL)
					c->alias_to = nt;
				if (nf == NULL || nr == NULL || nt == NULL)
					return -2;
				nf[c->nalias] = xstrdup(yscalar(ynode(y,
				    p->key)));
				nr[c->nalias] = xstrdup(yscalar(ynode(y,
				    q->key)));
				nt[c->nalias] = xstrdup(yscalar(ynode(y,
				    q->value)));
				c->nalias++;
			}
		}
	}
	return 0;
}

static const char *const levels[] = { "informational", "low", "medium",
	"high", "critical" };

static int
level_rank(const char *l)
{
	size_t i;

	for (i = 0; l != NULL && i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(l, levels[i]) == 0)
			return (int)i;
	return -1;
}

/* The user's --level/--status/--tags selection. */
static int
selected(struct loader *L, const struct rule *r)
{
	const tr_sigma_opts *o = L->o;
	size_t i, k;

	if (r->kind == RK_FILTER)
		return 1;
	if (o->min_level != NULL && level_rank(r->level) <
	    level_rank(o->min_level))
		return 0;
	if (o->nstatus > 0) {
		for (i = 0; i < o->nstatus; i++)
			if (r->status != NULL &&
			    strcmp(r->status, o->status[i]) == 0)
				break;
		if (i == o->nstatus)
			return 0;
	}
	if (o->ntags > 0) {
		for (i = 0; i < o->ntags; i++)
			for (k = 0; k < r->ntags; k++)
				if (strcasecmp(r->tags[k], o->tags[i]) == 0)
					return 1;
		return 0;
	}
	return 1;
}

static int
add_rule(struct loader *L, struct rule *r)
{
	struct rule **nr;

	if (L->s->nrules == L->rcap) {
		L->rcap = L->rcap ? L->rcap * 2 : 256;
		if ((nr = realloc(L->s->rules, L->rcap * sizeof(*nr))) == NULL)
			return -1;
		L->s->rules = nr;
	}
	r->index = (int)L->s->nrules;
	L->s->rules[L->s->nrules++] = r;
	return 0;
}

/* One YAML document of a rule file. */
static int
load_rule_doc(struct loader *L, ydoc *y, const char *path)
{
	yaml_node_t *root = yaml_document_get_root_node(&y->d), *ls, *det;
	struct rule *r;
	int rc;

	if (root == NULL)
		return 0;
	L->why[0] = '\0';
	L->wline = yline(root);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -2;
	r->line = yline(root);
	if (root->type != YAML_MAPPING_NODE) {
		rc = FAIL(L, root, "not a YAML mapping");
		goto refused;
	}
	r->id = xstrdup(ygets(y, root, "id"));
	r->name = xstrdup(ygets(y, root, "name"));
	r->title = xstrdup(ygets(y, root, "title"));
	r->level = xstrdup(ygets(y, root, "level"));
	r->status = xstrdup(ygets(y, root, "status"));
	r->author = xstrdup(ygets(y, root, "author"));
	r->desc = xstrdup(ygets(y, root, "description"));
	r->date = xstrdup(ygets(y, root, "date"));
	r->modified = xstrdup(ygets(y, root, "modified"));
	r->path = xstrdup(path);
	if (ylist(y, yget(y, root, "tags"), &r->tags, &r->ntags, 0) != 0 ||
	    ylist(y, yget(y, root, "references"), &r->refs, &r->nrefs, 0) !=
	    0 || ylist(y, yget(y, root, "falsepositives"), &r->fps, &r->nfps,
	    0) != 0 || r->path == NULL) {
		rule_free(r);
		return -2;
	}
	if (ygets(y, root, "action") != NULL) {
		rc = FAIL(L, yget(y, root, "action"), "Sigma 1.0 'action' "
		    "documents (global/reset/repeat) are not supported");
		goto refused;
	}
	ls = yget(y, root, "logsource");
	r->ls_product = xstrdup(ygets(y, ls, "product"));
	r->ls_category = xstrdup(ygets(y, ls, "category"));
	r->ls_service = xstrdup(ygets(y, ls, "service"));
	if (yget(y, root, "correlation") != NULL) {
		r->kind = RK_CORRELATION;
		rc = load_correlation(L, r, yget(y, root, "correlation"), y);
	} else if ((det = yget(y, root, "filter")) != NULL &&
	    yget(y, root, "detection") == NULL) {
		r->kind = RK_FILTER;
		if (ylist(y, yget(y, det, "rules"), &r->refs, &r->nrefs, 0) !=
		    0) {
			rule_free(r);
			return -2;
		}
		rc = load_detection(L, r, det, y);
	} else if ((det = yget(y, root, "detection")) != NULL) {
		r->kind = RK_DETECTION;
		rc = load_detection(L, r, det, y);
	} else
		rc = FAIL(L, root, "no detection, filter or correlation");
	if (rc == 0 && r->title == NULL)
		rc = FAIL(L, root, "no title");
	if (rc == -2) {
		rule_free(r);
		return -2;
	}
	if (rc != 0)
		goto refused;
	if (!selected(L, r)) {
		/* A deselected base rule may still feed a correlation. */
		if (r->kind != RK_DETECTION) {
			L->skipped++;
			rule_free(r);
			return 0;
		}
		r->deselected = 1;
	}
	if (add_rule(L, r) != 0) {
		rule_free(r);
		return -2;
	}
	return 0;
refused:
	rc = refuse(L, path, L->wline ? L->wline : r->line, r->id, r->title,
	    L->why[0] ? L->why : "cannot compile");
	rule_free(r);
	return rc == 0 ? 0 : -2;
}

static int
load_rule_file(struct loader *L, const char *path)
{
	yaml_parser_t p;
	ydoc y;
	FILE *fp;
	int rc, ndoc = 0;
	char why[WHY_MAX];

	if (open_doc_file(path, &fp, &p, L->err) != TR_OK)
		return -1;
	for (;;) {
		memset(&y, 0, sizeof(y));
		if (!yaml_parser_load(&p, &y.d)) {
			snprintf(why, sizeof(why), "bad YAML: %s",
			    p.problem ? p.problem : "?");
			rc = refuse(L, path, (int)p.problem_mark.line + 1, NULL,
			    NULL, why) == 0 ? 0 : -2;
			break;
		}
		if (yaml_document_get_root_node(&y.d) == NULL) {
			yaml_document_delete(&y.d);
			rc = 0;
			break;
		}
		y.path = path;
		rc = load_rule_doc(L, &y, path);
		yaml_document_delete(&y.d);
		if (rc != 0 || ++ndoc > 1000)
			break;
	}
	yaml_parser_delete(&p);
	fclose(fp);
	if (rc == -2)
		return tri_error_set(L->err, TR_ENOMEM, "out of memory");
	return 0;
}

static int
is_rule_name(const char *n)
{
	size_t len = strlen(n);

	return (len > 4 && strcmp(n + len - 4, ".yml") == 0) ||
	    (len > 5 && strcmp(n + len - 5, ".yaml") == 0);
}

static int
load_path(struct loader *L, const char *path, int depth)
{
	struct dirent **ents = NULL;
	struct stat st;
	char sub[PATH_MAX];
	int i, n, rc = 0;

	if (stat(path, &st) != 0)
		return tri_error_errno(L->err, TR_EIO, errno, "cannot open "
		    "rules '%s'", path);
	if (!S_ISDIR(st.st_mode))
		return load_rule_file(L, path);
	if (depth > 32)
		return 0;
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0)
		return tri_error_errno(L->err, TR_EIO, errno, "cannot read "
		    "rules folder '%s'", path);
	for (i = 0; i < n; i++) {
		if (rc == 0 && ents[i]->d_name[0] != '.' &&
		    snprintf(sub, sizeof(sub), "%s/%s", path,
		    ents[i]->d_name) < (int)sizeof(sub) &&
		    stat(sub, &st) == 0 && (S_ISDIR(st.st_mode) ||
		    is_rule_name(ents[i]->d_name)))
			rc = load_path(L, sub, depth + 1);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* Link correlations and filters to the rules they name. */
static struct rule *
find_ref(tr_sigma *s, const char *ref)
{
	size_t i;

	for (i = 0; i < s->nrules; i++)
		if ((s->rules[i]->id != NULL &&
		    strcmp(s->rules[i]->id, ref) == 0) ||
		    (s->rules[i]->name != NULL &&
		    strcmp(s->rules[i]->name, ref) == 0))
			return s->rules[i];
	return NULL;
}

static void
drop_rule(struct loader *L, size_t i)
{
	rule_free(L->s->rules[i]);
	memmove(&L->s->rules[i], &L->s->rules[i + 1],
	    (L->s->nrules - i - 1) * sizeof(*L->s->rules));
	L->s->nrules--;
}

static int
link_rules(struct loader *L)
{
	tr_sigma *s = L->s;
	struct rule *r, *t, **np;
	struct corr *c;
	size_t i, k, j;
	int changed = 1;

	/* Correlations: resolve references; refuse broken ones (repeat,
	 * since a correlation may name another that gets refused). */
	while (changed) {
		changed = 0;
		for (i = 0; i < s->nrules; i++) {
			r = s->rules[i];
			if (r->kind != RK_CORRELATION)
				continue;
			c = r->corr;
			free(c->rules);
			if ((c->rules = calloc(c->nrefs, sizeof(*c->rules))) ==
			    NULL)
				return -2;
			for (k = 0; k < c->nrefs; k++)
				if ((c->rules[k] = find_ref(s, c->refs[k])) ==
				    NULL || c->rules[k] == r)
					break;
			if (k < c->nrefs) {
				char why[WHY_MAX];

				snprintf(why, sizeof(why), "correlation names "
				    "rule '%s', which is not loaded",
				    c->refs[k]);
				if (refuse(L, r->path, r->line, r->id,
				    r->title, why) != 0)
					return -2;
				drop_rule(L, i);
				changed = 1;
				break;
			}
		}
	}
	for (i = 0; i < s->nrules; i++) {
		r = s->rules[i];
		if (r->kind != RK_CORRELATION)
			continue;
		c = r->corr;
		for (k = 0; k < c->nrefs; k++) {
			t = c->rules[k];
			if ((np = realloc(t->parents, (t->nparents + 1) *
			    sizeof(*np))) == NULL)
				return -2;
			t->parents = np;
			np[t->nparents++] = r;
			if (!c->generate)
				t->corr_only = 1;
			if (t->kind != RK_DETECTION)
				continue;
			for (j = 0; j < c->ngroup; j++) {
				const char *f = c->group[j];
				size_t a;

				for (a = 0; a < c->nalias; a++)
					if (strcmp(c->alias_from[a], f) == 0 &&
					    (strcmp(c->alias_rule[a],
					    t->id ? t->id : "") == 0 ||
					    strcmp(c->alias_rule[a],
					    t->name ? t->name : "") == 0))
						f = c->alias_to[a];
				if (field_index(t, f) < 0)
					return -2;
			}
			if (c->field != NULL && field_index(t, c->field) < 0)
				return -2;
		}
	}
	/* Filters. */
	for (i = 0; i < s->nrules; i++) {
		r = s->rules[i];
		if (r->kind != RK_FILTER)
			continue;
		for (k = 0; k < r->nrefs; k++) {
			if ((t = find_ref(s, r->refs[k])) == NULL ||
			    t->kind != RK_DETECTION)
				continue;
			if ((np = realloc(t->filters, (t->nfilters + 1) *
			    sizeof(*np))) == NULL)
				return -2;
			t->filters = np;
			np[t->nfilters++] = r;
		}
	}
	return 0;
}

/* Binding rules to logsource alternatives. */
static void
resolve(const struct lsalt *a, const char *field, struct fpath *fp)
{
	const struct lsproduct *pr = a->prod;
	size_t i;

	for (i = 0; i < a->nren; i++)
		if (strcmp(a->ren_from[i], field) == 0) {
			field = a->ren_to[i];
			break;
		}
	fp->k1 = field;
	fp->k2 = NULL;
	if (pr == NULL)
		return;
	for (i = 0; i < pr->nfmap; i++)
		if (strcmp(pr->fmap_from[i], field) == 0) {
			fp->k1 = pr->fmap_k1[i];
			fp->k2 = pr->fmap_k2[i];
			return;
		}
	if (pr->prefix != NULL) {
		fp->k1 = pr->prefix;
		fp->k2 = field;
	}
}

/* One shared copy of each name, so that lookups compare pointers. */
static const char *
intern(tr_sigma *s, const char *name)
{
	char **ni;
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < s->nintern; i++)
		if (strcmp(s->intern[i], name) == 0)
			return s->intern[i];
	if (s->nintern == s->icap) {
		s->icap = s->icap ? s->icap * 2 : 256;
		if ((ni = realloc(s->intern, s->icap * sizeof(*ni))) == NULL)
			return NULL;
		s->intern = ni;
	}
	if ((s->intern[s->nintern] = strdup(name)) == NULL)
		return NULL;
	return s->intern[s->nintern++];
}

static int
bind_one(tr_sigma *s, struct rule *r, const struct lsalt *a, struct rbind *bd)
{
	size_t i;

	bd->alt = a;
	if ((bd->path = calloc(r->nfields + 1, sizeof(*bd->path))) == NULL)
		return -1;
	for (i = 0; i < r->nfields; i++) {
		resolve(a, r->fields[i], &bd->path[i]);
		if ((bd->path[i].k1 = intern(s, bd->path[i].k1)) ==
		    NULL || (bd->path[i].k2 != NULL && (bd->path[i].k2 =
		    intern(s, bd->path[i].k2)) == NULL))
			return -1;
	}
	return 0;
}

static int
add_bind(tr_sigma *s, struct rule *r, const struct lsalt *a, size_t *cap)
{
	struct rbind *nb;
	size_t i;

	for (i = 0; i < r->nbind; i++)
		if (r->bind[i].alt == a)
			return 0;
	if (r->nbind == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		if ((nb = realloc(r->bind, *cap * sizeof(*nb))) == NULL)
			return -1;
		r->bind = nb;
	}
	if (bind_one(s, r, a, &r->bind[r->nbind]) != 0)
		return -1;
	r->nbind++;
	return 0;
}

static int
strv_has(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* Whether the service alternative sv narrows category alternative ca. */
static int
alt_compatible(const struct lsalt *ca, const struct lsalt *sv)
{
	size_t i;

	if (ca->nchannel == 0 || sv->nchannel == 0)
		return 1;
	for (i = 0; i < ca->nchannel; i++)
		if (strv_has(sv->channel, sv->nchannel, ca->channel[i]))
			return 1;
	return 0;
}

static int
bind_rule(tr_sigma *s, struct rule *r)
{
	struct lsmap *m = &s->ls;
	struct lsproduct *pr = find_product(m, r->ls_product);
	const char *P = r->ls_product, *C = r->ls_category,
	    *S = r->ls_service;
	char why[WHY_MAX];
	size_t i, k, e2, a2, cap = 0;
	int found = 0;

	if (r->kind == RK_CORRELATION)
		return 0;
	for (i = 0; i < m->nent; i++) {
		struct lsentry *e = &m->ent[i];

		if (e->product != NULL && P != NULL &&
		    strcmp(e->product, P) != 0)
			continue;
		if (C != NULL && e->category != NULL && e->service == NULL &&
		    strcmp(e->category, C) == 0) {
			for (k = 0; k < e->nalt; k++) {
				int ok = S == NULL;

				/* With a service too: the category's events
				 * on that service's channels. */
				for (e2 = 0; !ok && e2 < m->nent; e2++) {
					struct lsentry *se = &m->ent[e2];

					if (se->service == NULL ||
					    strcmp(se->service, S) != 0)
						continue;
					for (a2 = 0; a2 < se->nalt; a2++)
						if (alt_compatible(&e->alt[k],
						    &se->alt[a2]))
							ok = 1;
				}
				if (ok && add_bind(s, r, &e->alt[k], &cap) != 0)
					return -2;
				found |= ok;
			}
		} else if (C == NULL && S != NULL && e->service != NULL &&
		    e->category == NULL && strcmp(e->service, S) == 0) {
			for (k = 0; k < e->nalt; k++)
				if (add_bind(s, r, &e->alt[k], &cap) != 0)
					return -2;
			found = 1;
		}
	}
	if (!found && C == NULL && S == NULL && pr != NULL) {
		if (add_bind(s, r, &pr->any, &cap) != 0)
			return -2;
		found = 1;
	}
	if (found)
		return 0;
	if (P != NULL && pr == NULL)
		snprintf(why, sizeof(why), "no event kind for product '%s'",
		    P);
	else
		snprintf(why, sizeof(why), "no event kind for logsource%s%s"
		    "%s%s%s%s", P ? " product " : "", P ? P : "",
		    C ? " category " : "", C ? C : "", S ? " service " : "",
		    S ? S : "");
	if ((r->unmapped = strdup(why)) == NULL)
		return -2;
	s->nunmapped++;
	return 0;
}

static int
bind_filters(tr_sigma *s, struct rule *r)
{
	struct rule *f;
	size_t i, b;

	if (r->nfilters == 0)
		return 0;
	if ((r->fbind = calloc(r->nfilters, sizeof(*r->fbind))) == NULL)
		return -2;
	for (i = 0; i < r->nfilters; i++) {
		f = r->filters[i];
		if ((r->fbind[i] = calloc(r->nbind + 1,
		    sizeof(**r->fbind))) == NULL)
			return -2;
		for (b = 0; b < r->nbind; b++)
			if (bind_one(s, f, r->bind[b].alt, &r->fbind[i][b]) !=
			    0)
				return -2;
	}
	return 0;
}

/* The index: rule bindings by channel/event id/data type keys. */
static int
index_add(tr_sigma *s, const char *key, size_t klen, struct rule *r,
    size_t b)
{
	uint64_t h = tri_sigma_hash(key, klen) % SIGMA_IBUCKETS;
	struct ibucket *ib;
	void *ne;

	for (ib = s->idx[h]; ib != NULL; ib = ib->next)
		if (ib->klen == klen && memcmp(ib->key, key, klen) == 0)
			break;
	if (ib == NULL) {
		if ((ib = calloc(1, sizeof(*ib))) == NULL ||
		    (ib->key = malloc(klen + 1)) == NULL) {
			free(ib);
			return -1;
		}
		memcpy(ib->key, key, klen);
		ib->key[klen] = '\0';
		ib->klen = klen;
		ib->next = s->idx[h];
		s->idx[h] = ib;
	}
	if (ib->n == ib->cap) {
		ib->cap = ib->cap ? ib->cap * 2 : 8;
		if ((ne = realloc(ib->e, ib->cap * sizeof(*ib->e))) == NULL)
			return -1;
		ib->e = ne;
	}
	ib->e[ib->n].r = r;
	ib->e[ib->n++].b = b;
	return 0;
}

int
tri_sigma_key(char *buf, size_t len, char kind, const char *a, size_t alen,
    int64_t eid, int haseid)
{
	int n;

	if (haseid)
		n = snprintf(buf, len, "%c\x01%.*s\x01%lld", kind, (int)alen, a,
		    (long long)eid);
	else
		n = snprintf(buf, len, "%c\x01%.*s", kind, (int)alen, a);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static int
build_index(tr_sigma *s)
{
	char key[1024];
	struct rule *r;
	const struct lsalt *a;
	size_t i, b, c, e;
	int n;

	for (i = 0; i < s->nrules; i++) {
		r = s->rules[i];
		if (r->kind != RK_DETECTION)
			continue;
		for (b = 0; b < r->nbind; b++) {
			a = r->bind[b].alt;
			if (a->nchannel > 0) {
				for (c = 0; c < a->nchannel; c++) {
					for (e = 0; e < a->neid || (e == 0 &&
					    a->neid == 0); e++) {
						n = tri_sigma_key(key,
						    sizeof(key), 'C',
						    a->channel[c],
						    strlen(a->channel[c]),
						    a->neid ? a->eid[e] : 0,
						    a->neid > 0);
						if (n > 0 && index_add(s, key,
						    (size_t)n, r, b) != 0)
							return -1;
					}
				}
			} else if (a->neid > 0) {
				for (e = 0; e < a->neid; e++) {
					n = tri_sigma_key(key, sizeof(key), 'E',
					    "", 0, a->eid[e], 1);
					if (n > 0 && index_add(s, key,
					    (size_t)n, r, b) != 0)
						return -1;
				}
			} else if (a->ndata_type > 0) {
				for (c = 0; c < a->ndata_type; c++) {
					n = tri_sigma_key(key, sizeof(key), 'D',
					    a->data_type[c],
					    strlen(a->data_type[c]), 0, 0);
					if (n > 0 && index_add(s, key,
					    (size_t)n, r, b) != 0)
						return -1;
				}
			} else if (index_add(s, "*", 1, r, b) != 0)
				return -1;
		}
	}
	return 0;
}

static int
load_glob(struct loader *L, const char *pat)
{
	glob_t g;
	size_t i;
	int rc = 0;

	if (strpbrk(pat, "*?[") == NULL || access(pat, F_OK) == 0)
		return load_path(L, pat, 0);
	if (glob(pat, 0, NULL, &g) != 0)
		return tri_error_set(L->err, TR_EIO, "no rules match '%s'",
		    pat);
	for (i = 0; i < g.gl_pathc && rc == 0; i++)
		rc = load_path(L, g.gl_pathv[i], 0);
	globfree(&g);
	return rc;
}

int
tr_sigma_load(tr_sigma **out, const char *const *paths, size_t npaths,
    const tr_sigma_opts *o, tr_error *err)
{
	static const tr_sigma_opts none;
	struct loader L;
	tr_sigma *s;
	const char *lsp;
	size_t i;
	int rc;

	*out = NULL;
	if (o == NULL)
		o = &none;
	if (o->min_level != NULL && level_rank(o->min_level) < 0)
		return tri_error_set(err, TR_EINVAL, "unknown level '%s'",
		    o->min_level);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	memset(&L, 0, sizeof(L));
	L.s = s;
	L.o = o;
	L.err = err;
	lsp = o->logsources != NULL ? o->logsources :
	    tr_sigma_default_logsources();
	if ((s->lspath = strdup(lsp)) == NULL) {
		rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = load_lsmap(&s->ls, lsp, err)) != TR_OK)
		goto fail;
	if (o->placeholders != NULL) {
		if ((rc = load_placeholders(&L.ph, o->placeholders, err)) !=
		    TR_OK)
			goto fail;
		L.have_ph = 1;
	}
	for (i = 0; i < npaths; i++)
		if ((rc = load_glob(&L, paths[i])) != 0)
			goto fail;
	rc = tri_error_set(err, TR_ENOMEM, "out of memory");
	if (link_rules(&L) != 0)
		goto fail;
	for (i = 0; i < s->nrules;) {
		if (s->rules[i]->deselected && s->rules[i]->nparents == 0) {
			drop_rule(&L, i);
			L.skipped++;
			continue;
		}
		if (s->rules[i]->deselected)
			s->rules[i]->corr_only = 1;
		s->rules[i]->index = (int)i;
		i++;
	}
	for (i = 0; i < s->nrules; i++)
		if (bind_rule(s, s->rules[i]) != 0 ||
		    bind_filters(s, s->rules[i]) != 0)
			goto fail;
	if (build_index(s) != 0)
		goto fail;
	phmap_release(&L.ph);
	*out = s;
	return TR_OK;
fail:
	phmap_release(&L.ph);
	tr_sigma_free(s);
	return rc;
}

void
tr_sigma_free(tr_sigma *s)
{
	struct ibucket *ib, *nx;
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nrules; i++)
		rule_free(s->rules[i]);
	free(s->rules);
	for (i = 0; i < s->nrefused; i++) {
		free(s->refused[i].path);
		free(s->refused[i].id);
		free(s->refused[i].title);
		free(s->refused[i].reason);
	}
	free(s->refused);
	for (i = 0; i < SIGMA_IBUCKETS; i++)
		for (ib = s->idx[i]; ib != NULL; ib = nx) {
			nx = ib->next;
			free(ib->key);
			free(ib->e);
			free(ib);
		}
	lsmap_release(&s->ls);
	for (i = 0; i < s->nintern; i++)
		free(s->intern[i]);
	free(s->intern);
	free(s->corrs);
	free(s->lspath);
	free(s);
}

size_t
tr_sigma_count(const tr_sigma *s)
{
	return s->nrules;
}

size_t
tr_sigma_refused(const tr_sigma *s)
{
	return s->nrefused;
}

const char *
tr_sigma_default_logsources(void)
{
	static const char rel[] = "/rules/sigma-logsources.yml";
	static char buf[PATH_MAX];
	const char *env = getenv("TRIAGE_SIGMA_LOGSOURCES");
	char self[PATH_MAX], build[PATH_MAX];
	ssize_t n;

	if (env != NULL && *env != '\0')
		return env;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if (strrchr(self, '/') != NULL)
			*strrchr(self, '/') = '\0';
		/* The build tree's programs, and its unit tests. */
		if (realpath(TR_ABS_BUILDDIR "/cmd", build) != NULL &&
		    strcmp(self, build) == 0)
			return TR_ABS_SRCDIR "/rules/sigma-logsources.yml";
		if (realpath(TR_ABS_BUILDDIR "/tests/unit", build) != NULL &&
		    strcmp(self, build) == 0)
			return TR_ABS_SRCDIR "/rules/sigma-logsources.yml";
	}
	snprintf(buf, sizeof(buf), "%s%s", TR_PKGDATADIR, rel);
	return buf;
}
