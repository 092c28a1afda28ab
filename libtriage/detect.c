/* SPDX-License-Identifier: Apache-2.0 */
/*
 * triage-detect's engine: events in, detection records out; correlation
 * state with windows that expire by timespan.
 */
#include <config.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sigma_internal.h"

#define GROUP_BUCKETS	1024
#define CORR_KEEP_EVENTS 32	/* event addresses kept per group */
#define SWEEP_EVERY	4096

/* One correlation group: the events (times) inside the window. */
struct centry {
	int64_t		t;
	int		rule;		/* index into corr->rules */
	char		*value;		/* value_count */
	json_t		*addr;
};

struct cgroup {
	char		*key;
	json_t		*gvals;		/* group-by field -> value */
	struct centry	*e;
	size_t		n, cap;
	int64_t		last;
	struct cgroup	*next;
};

struct cstate {
	struct rule	*r;
	struct cgroup	*g[GROUP_BUCKETS];
	size_t		ngroups;
};

struct tr_detect {
	const tr_sigma	*s;
	uint64_t	*stamp;
	uint64_t	serial, matches, events;
	struct mscratch	ms;
	struct cstate	*cs;		/* per rule index, correlations only */
};

int
tr_detect_new(tr_detect **out, const tr_sigma *s, tr_error *err)
{
	tr_detect *d;
	size_t i;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->stamp = calloc(s->nrules + 1, sizeof(*d->stamp))) == NULL ||
	    (d->cs = calloc(s->nrules + 1, sizeof(*d->cs))) == NULL) {
		tr_detect_free(d);
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	}
	d->s = s;
	for (i = 0; i < s->nrules; i++)
		d->cs[i].r = s->rules[i];
	*out = d;
	return TR_OK;
}

static void
centry_release(struct centry *e)
{
	free(e->value);
	json_decref(e->addr);
}

static void
group_free(struct cgroup *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		centry_release(&g->e[i]);
	free(g->e);
	free(g->key);
	json_decref(g->gvals);
	free(g);
}

void
tr_detect_free(tr_detect *d)
{
	struct cgroup *g, *nx;
	size_t i, b;

	if (d == NULL)
		return;
	for (i = 0; d->cs != NULL && i < d->s->nrules; i++)
		for (b = 0; b < GROUP_BUCKETS; b++)
			for (g = d->cs[i].g[b]; g != NULL; g = nx) {
				nx = g->next;
				group_free(g);
			}
	free(d->cs);
	free(d->stamp);
	tri_sigma_scratch_free(&d->ms);
	free(d);
}

uint64_t
tr_detect_matches(const tr_detect *d)
{
	return d->matches;
}

static int
set_strv(json_t *o, const char *key, char **v, size_t n)
{
	json_t *a;
	size_t i;

	if (n == 0)
		return 0;
	if ((a = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return json_object_set_new(o, key, a);
}

static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

static void
copy_key(json_t *dst, json_t *src, const char *key)
{
	json_t *v = json_object_get(src, key);

	if (v != NULL)
		json_object_set(dst, key, v);
}

/* A detection record with the rule's metadata. */
static json_t *
rule_record(const struct rule *r)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "record", json_string("detection"));
	set_str(o, "rule_id", r->id);
	set_str(o, "rule_title", r->title);
	set_str(o, "level", r->level);
	set_str(o, "status", r->status);
	set_strv(o, "tags", r->tags, r->ntags);
	set_str(o, "author", r->author);
	set_strv(o, "references", r->refs, r->nrefs);
	set_str(o, "rule_path", r->path);
	set_str(o, "rule_description", r->desc);
	set_str(o, "rule_date", r->date);
	set_str(o, "rule_modified", r->modified);
	set_strv(o, "falsepositives", r->fps, r->nfps);
	return o;
}

static const char *const addr_keys[] = { "datetime", "timestamp",
	"timestamp_desc", "source", "volume", "inode", "path",
	"record_number", "data_type", "event_identifier", "channel",
	"computer_name" };

static void
copy_addr(json_t *dst, json_t *ev)
{
	size_t i;

	for (i = 0; i < sizeof(addr_keys) / sizeof(addr_keys[0]); i++)
		copy_key(dst, ev, addr_keys[i]);
}

static int
emit(json_t *o, tr_detect_out_fn out, void *arg, tr_error *err)
{
	int rc;

	if (o == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	rc = out != NULL ? out(arg, TRI_REC(o), err) : TR_OK;
	json_decref(o);
	return rc;
}

static int
detection(tr_detect *d, const struct rule *r, size_t b, json_t *ev,
    tr_detect_out_fn out, void *arg, tr_error *err)
{
	json_t *o = rule_record(r), *m, *v;
	size_t i;

	(void)d;
	if (o == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	copy_addr(o, ev);
	if ((m = json_object()) != NULL) {
		for (i = 0; i < r->nfields; i++)
			if ((v = tri_sigma_field(&r->bind[b], ev, (int)i)) !=
			    NULL && !json_is_null(v))
				json_object_set(m, r->fields[i], v);
		json_object_set_new(o, "matched", m);
	}
	return emit(o, out, arg, err);
}

static int64_t
event_time(json_t *ev)
{
	json_t *t = json_object_get(ev, "timestamp");
	tr_time tt;

	if (json_is_integer(t))
		return json_integer_value(t);
	if (json_is_string(json_object_get(ev, "datetime")) &&
	    tr_time_parse(json_string_value(json_object_get(ev, "datetime")),
	    &tt, NULL) == TR_OK)
		return tr_time_usec(&tt);
	return 0;
}

static int
cmp_ok(int op, int64_t have, int64_t want)
{
	switch (op) {
	case '>':
		return have > want;
	case 'g':
		return have >= want;
	case '<':
		return have < want;
	case 'l':
		return have <= want;
	case '=':
		return have == want;
	case '!':
		return have != want;
	default:
		return 1;
	}
}

static int corr_feed(tr_detect *d, struct rule *cr, const struct rule *from,
    int64_t t, json_t *gvals, const char *value, json_t *addr,
    tr_detect_out_fn out, void *arg, tr_error *err);

/* The group-by values of a base rule's match. */
static json_t *
group_values(const struct corr *c, const struct rule *r, size_t b,
    json_t *ev)
{
	json_t *g = json_object(), *v;
	const char *f;
	size_t i, a, k;

	if (g == NULL)
		return NULL;
	for (i = 0; i < c->ngroup; i++) {
		f = c->group[i];
		for (a = 0; a < c->nalias; a++)
			if (strcmp(c->alias_from[a], f) == 0 &&
			    ((r->id != NULL && strcmp(c->alias_rule[a],
			    r->id) == 0) || (r->name != NULL &&
			    strcmp(c->alias_rule[a], r->name) == 0)))
				f = c->alias_to[a];
		for (k = 0; k < r->nfields; k++)
			if (strcmp(r->fields[k], f) == 0)
				break;
		v = k < r->nfields ? tri_sigma_field(&r->bind[b], ev, (int)k) :
		    NULL;
		json_object_set(g, c->group[i], v != NULL ? v : json_null());
	}
	return g;
}

static int
feed_parents(tr_detect *d, const struct rule *r, size_t b, json_t *ev,
    tr_detect_out_fn out, void *arg, tr_error *err)
{
	char tmp[64];
	const char *vp;
	size_t i, k, vn;
	json_t *g, *addr, *v;
	char *value;
	int rc = TR_OK;

	for (i = 0; i < r->nparents && rc == TR_OK; i++) {
		struct rule *cr = r->parents[i];
		struct corr *c = cr->corr;

		g = group_values(c, r, b, ev);
		value = NULL;
		if (c->field != NULL) {
			for (k = 0; k < r->nfields; k++)
				if (strcmp(r->fields[k], c->field) == 0)
					break;
			v = k < r->nfields ? tri_sigma_field(&r->bind[b], ev,
			    (int)k) : NULL;
			if (v == NULL || tri_sigma_value_str(v, tmp,
			    sizeof(tmp), &vp, &vn) != 0) {
				json_decref(g);
				continue;
			}
			value = strndup(vp, vn);
		}
		if ((addr = json_object()) != NULL) {
			copy_addr(addr, ev);
			set_str(addr, "rule_id", r->id);
			set_str(addr, "rule_title", r->title);
		}
		if (g == NULL || addr == NULL || (c->field != NULL &&
		    value == NULL))
			rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		else
			rc = corr_feed(d, cr, r, event_time(ev), g, value, addr,
			    out, arg, err);
		free(value);
		json_decref(g);
		json_decref(addr);
	}
	return rc;
}

static struct cgroup *
group_get(struct cstate *cs, json_t *gvals)
{
	char *key = json_dumps(gvals, JSON_COMPACT | JSON_SORT_KEYS);
	uint64_t h;
	struct cgroup *g;

	if (key == NULL)
		return NULL;
	h = tri_sigma_hash(key, strlen(key)) % GROUP_BUCKETS;
	for (g = cs->g[h]; g != NULL; g = g->next)
		if (strcmp(g->key, key) == 0) {
			free(key);
			return g;
		}
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		free(key);
		return NULL;
	}
	g->key = key;
	g->gvals = json_incref(gvals);
	g->next = cs->g[h];
	cs->g[h] = g;
	cs->ngroups++;
	return g;
}

static void
group_expire(struct cgroup *g, int64_t t, int64_t span)
{
	size_t i = 0, k;

	while (i < g->n && g->e[i].t < t - span)
		i++;
	if (i == 0)
		return;
	for (k = 0; k < i; k++)
		centry_release(&g->e[k]);
	memmove(g->e, g->e + i, (g->n - i) * sizeof(*g->e));
	g->n -= i;
}

static void
group_clear(struct cgroup *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		centry_release(&g->e[i]);
	g->n = 0;
}

/* Evaluate group g of correlation c; *count gets the measured figure. */
static int
corr_fires(const struct corr *c, struct cgroup *g, int64_t *count)
{
	size_t i, k, next;

	switch (c->type) {
	case CT_EVENT_COUNT:
		*count = (int64_t)g->n;
		break;
	case CT_VALUE_COUNT:
		*count = 0;
		for (i = 0; i < g->n; i++) {
			for (k = 0; k < i; k++)
				if (strcmp(g->e[k].value, g->e[i].value) == 0)
					break;
			if (k == i)
				(*count)++;
		}
		break;
	case CT_TEMPORAL:
		*count = 0;
		for (k = 0; k < c->nrefs; k++)
			for (i = 0; i < g->n; i++)
				if (g->e[i].rule == (int)k) {
					(*count)++;
					break;
				}
		break;
	case CT_TEMPORAL_ORDERED:
		next = 0;
		for (i = 0; i < g->n && next < c->nrefs; i++)
			if (g->e[i].rule == (int)next)
				next++;
		*count = (int64_t)next;
		return next == c->nrefs;
	}
	return cmp_ok(c->cop, *count, c->cval) && (c->cop2 == 0 ||
	    cmp_ok(c->cop2, *count, c->cval2));
}

static int
corr_output(tr_detect *d, struct rule *cr, struct cgroup *g, int64_t count,
    tr_detect_out_fn out, void *arg, tr_error *err)
{
	static const char *const tn[] = { "event_count", "value_count",
		"temporal", "temporal_ordered" };
	json_t *o, *evs, *first = NULL;
	size_t i;
	int rc = TR_OK;

	if (!cr->corr_only) {
		if ((o = rule_record(cr)) == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		if (g->n > 0) {
			first = g->e[g->n - 1].addr;
			copy_key(o, first, "datetime");
			copy_key(o, first, "timestamp");
			copy_key(o, first, "source");
			copy_key(o, first, "path");
		}
		json_object_set_new(o, "correlation_type",
		    json_string(tn[cr->corr->type]));
		json_object_set(o, "group", g->gvals);
		json_object_set_new(o, "count", json_integer(count));
		if ((evs = json_array()) != NULL) {
			i = g->n > CORR_KEEP_EVENTS ? g->n - CORR_KEEP_EVENTS :
			    0;
			for (; i < g->n; i++)
				json_array_append(evs, g->e[i].addr);
			json_object_set_new(o, "events", evs);
		}
		d->matches++;
		rc = emit(o, out, arg, err);
	}
	for (i = 0; rc == TR_OK && i < cr->nparents; i++) {
		json_t *addr = json_object();

		if (addr == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		set_str(addr, "rule_id", cr->id);
		set_str(addr, "rule_title", cr->title);
		if (first != NULL) {
			copy_key(addr, first, "datetime");
			copy_key(addr, first, "timestamp");
		}
		rc = corr_feed(d, cr->parents[i], cr, g->last, g->gvals, NULL,
		    addr, out, arg, err);
		json_decref(addr);
	}
	return rc;
}

static int
corr_feed(tr_detect *d, struct rule *cr, const struct rule *from, int64_t t,
    json_t *gvals, const char *value, json_t *addr, tr_detect_out_fn out,
    void *arg, tr_error *err)
{
	struct corr *c = cr->corr;
	struct cstate *cs = &d->cs[cr->index];
	struct cgroup *g;
	struct centry *ne;
	json_t *gv = gvals;
	int64_t count = 0;
	size_t k, keep;
	int ri = -1, rc;

	for (k = 0; k < c->nrefs; k++)
		if (c->rules[k] == from)
			ri = (int)k;
	/* A chained correlation keeps only its own group-by fields. */
	if (from->kind == RK_CORRELATION) {
		if ((gv = json_object()) == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		for (k = 0; k < c->ngroup; k++) {
			json_t *v = json_object_get(gvals, c->group[k]);

			json_object_set(gv, c->group[k], v ? v : json_null());
		}
	}
	g = group_get(cs, gv);
	if (gv != gvals)
		json_decref(gv);
	if (g == NULL)
		return tri_error_set(err, TR_ENOMEM, "out of memory");
	group_expire(g, t, c->timespan);
	/* Bounded: beyond what the condition can need, drop the oldest. */
	keep = c->type == CT_VALUE_COUNT ? 65536 : c->type == CT_EVENT_COUNT ?
	    (size_t)(c->cval > 0 && c->cval < 65536 ? c->cval + 1 : 65536) :
	    1024;
	if (g->n >= keep) {
		centry_release(&g->e[0]);
		memmove(g->e, g->e + 1, (g->n - 1) * sizeof(*g->e));
		g->n--;
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 8;
		if ((ne = realloc(g->e, g->cap * sizeof(*ne))) == NULL)
			return tri_error_set(err, TR_ENOMEM, "out of memory");
		g->e = ne;
	}
	ne = &g->e[g->n++];
	ne->t = t;
	ne->rule = ri;
	ne->value = value != NULL ? strdup(value) : NULL;
	ne->addr = json_incref(addr);
	if (t > g->last)
		g->last = t;
	if (!corr_fires(c, g, &count))
		return TR_OK;
	rc = corr_output(d, cr, g, count, out, arg, err);
	group_clear(g);
	return rc;
}

/* Drop groups whose window has passed (bounded correlation memory). */
static void
sweep(tr_detect *d, int64_t now)
{
	struct cgroup **pp, *g;
	size_t i, b;

	for (i = 0; i < d->s->nrules; i++) {
		struct cstate *cs = &d->cs[i];

		if (cs->ngroups == 0)
			continue;
		for (b = 0; b < GROUP_BUCKETS; b++)
			for (pp = &cs->g[b]; (g = *pp) != NULL;) {
				if (g->last < now - cs->r->corr->timespan) {
					*pp = g->next;
					group_free(g);
					cs->ngroups--;
				} else
					pp = &g->next;
			}
	}
}

static int
alt_ok(const struct lsalt *a, json_t *ev, const char *dt, const char *ch,
    int64_t eid, int haseid)
{
	char tmp[64], look[512];
	const char *p;
	size_t i, n;
	json_t *v;

	if (a->ndata_type > 0) {
		for (i = 0; i < a->ndata_type; i++)
			if (dt != NULL && strcmp(a->data_type[i], dt) == 0)
				break;
		if (i == a->ndata_type)
			return 0;
	}
	if (a->nchannel > 0) {
		for (i = 0; i < a->nchannel; i++)
			if (ch != NULL && strcmp(a->channel[i], ch) == 0)
				break;
		if (i == a->nchannel)
			return 0;
	}
	if (a->neid > 0) {
		if (!haseid)
			return 0;
		for (i = 0; i < a->neid; i++)
			if (a->eid[i] == eid)
				break;
		if (i == a->neid)
			return 0;
	}
	for (i = 0; i < a->nwhere; i++) {
		if ((p = strchr(a->where_k[i], '.')) != NULL) {
			v = json_object_get(ev, "");
			n = (size_t)(p - a->where_k[i]);
			if (n < sizeof(look)) {
				memcpy(look, a->where_k[i], n);
				look[n] = '\0';
				v = json_object_get(json_object_get(ev, look),
				    p + 1);
			}
		} else
			v = json_object_get(ev, a->where_k[i]);
		if (v == NULL || tri_sigma_value_str(v, tmp, sizeof(tmp), &p,
		    &n) != 0 || n + 3 > sizeof(look))
			return 0;
		look[0] = '\n';
		for (size_t k = 0; k < n; k++)
			look[k + 1] = (char)tolower((unsigned char)p[k]);
		look[n + 1] = '\n';
		look[n + 2] = '\0';
		if (strstr(a->where_v[i], look) == NULL)
			return 0;
	}
	return 1;
}

static const struct ibucket *
lookup(const tr_sigma *s, const char *key, int klen)
{
	const struct ibucket *ib;

	if (klen <= 0)
		return NULL;
	for (ib = s->idx[tri_sigma_hash(key, (size_t)klen) % SIGMA_IBUCKETS];
	    ib != NULL; ib = ib->next)
		if (ib->klen == (size_t)klen &&
		    memcmp(ib->key, key, (size_t)klen) == 0)
			return ib;
	return NULL;
}

int
tr_detect_event(tr_detect *d, const tr_rec *event, tr_detect_out_fn out,
    void *arg, tr_error *err)
{
	json_t *ev = TRI_JSON(event), *je;
	const char *kind = tr_rec_kind(event), *dt, *chraw;
	const struct ibucket *cand[5];
	char ch[256], key[600];
	int64_t eid = 0;
	int haseid = 0, rc;
	size_t i, k, n;
	char *end;

	if (kind == NULL || strcmp(kind, "event") != 0)
		return TR_OK;
	d->events++;
	d->serial++;
	d->ms.serial = d->serial;
	d->ms.alen = 0;
	dt = json_string_value(json_object_get(ev, "data_type"));
	chraw = json_string_value(json_object_get(ev, "channel"));
	je = json_object_get(ev, "event_identifier");
	if (json_is_integer(je)) {
		eid = json_integer_value(je);
		haseid = 1;
	} else if (json_is_string(je) && *json_string_value(je) != '\0') {
		eid = strtoll(json_string_value(je), &end, 10);
		haseid = *end == '\0';
	}
	ch[0] = '\0';
	if (chraw != NULL) {
		for (i = 0; chraw[i] != '\0' && i + 1 < sizeof(ch); i++)
			ch[i] = (char)tolower((unsigned char)chraw[i]);
		ch[i] = '\0';
	}
	n = 0;
	if (chraw != NULL && haseid)
		cand[n++] = lookup(d->s, key, tri_sigma_key(key, sizeof(key),
		    'C', ch, strlen(ch), eid, 1));
	if (chraw != NULL)
		cand[n++] = lookup(d->s, key, tri_sigma_key(key, sizeof(key),
		    'C', ch, strlen(ch), 0, 0));
	if (haseid)
		cand[n++] = lookup(d->s, key, tri_sigma_key(key, sizeof(key),
		    'E', "", 0, eid, 1));
	if (dt != NULL)
		cand[n++] = lookup(d->s, key, tri_sigma_key(key, sizeof(key),
		    'D', dt, strlen(dt), 0, 0));
	cand[n++] = lookup(d->s, "*", 1);
	for (k = 0; k < n; k++) {
		if (cand[k] == NULL)
			continue;
		for (i = 0; i < cand[k]->n; i++) {
			const struct rule *r = cand[k]->e[i].r;
			size_t b = cand[k]->e[i].b;

			if (d->stamp[r->index] == d->serial ||
			    !alt_ok(r->bind[b].alt, ev, dt, chraw ? ch : NULL,
			    eid, haseid) ||
			    !tri_sigma_rule_match(r, b, ev, &d->ms))
				continue;
			d->stamp[r->index] = d->serial;
			if (!r->corr_only) {
				d->matches++;
				if ((rc = detection(d, r, b, ev, out, arg,
				    err)) != TR_OK)
					return rc;
			}
			if (r->nparents > 0 && (rc = feed_parents(d, r, b, ev,
			    out, arg, err)) != TR_OK)
				return rc;
		}
	}
	if (d->events % SWEEP_EVERY == 0)
		sweep(d, event_time(ev));
	return TR_OK;
}

tr_rec *
tr_detect_summary(const tr_detect *d, uint64_t events)
{
	const tr_sigma *s = d->s;
	json_t *o = json_object(), *a, *e;
	size_t i;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "record", json_string("detect_summary"));
	json_object_set_new(o, "rules_loaded", json_integer((json_int_t)
	    s->nrules));
	json_object_set_new(o, "rules_refused", json_integer((json_int_t)
	    s->nrefused));
	json_object_set_new(o, "rules_unmapped", json_integer((json_int_t)
	    s->nunmapped));
	json_object_set_new(o, "logsources", json_string(s->lspath));
	json_object_set_new(o, "events", json_integer((json_int_t)events));
	json_object_set_new(o, "detections", json_integer((json_int_t)
	    d->matches));
	if ((a = json_array()) != NULL) {
		for (i = 0; i < s->nrefused; i++) {
			const struct refused *f = &s->refused[i];

			if ((e = json_object()) == NULL)
				break;
			set_str(e, "path", f->path);
			json_object_set_new(e, "line", json_integer(f->line));
			set_str(e, "rule_id", f->id);
			set_str(e, "rule_title", f->title);
			set_str(e, "reason", f->reason);
			json_array_append_new(a, e);
		}
		json_object_set_new(o, "refused", a);
	}
	if ((a = json_array()) != NULL) {
		for (i = 0; i < s->nrules; i++) {
			const struct rule *r = s->rules[i];

			if (r->unmapped == NULL)
				continue;
			if ((e = json_object()) == NULL)
				break;
			set_str(e, "path", r->path);
			set_str(e, "rule_id", r->id);
			set_str(e, "rule_title", r->title);
			set_str(e, "reason", r->unmapped);
			json_array_append_new(a, e);
		}
		json_object_set_new(o, "unmapped", a);
	}
	return TRI_REC(o);
}

/* The run over inputs. */
struct runctx {
	const tr_detect_run_opts *o;
	tr_detect_stats	*st;
};

static int
count_out(void *arg, const tr_rec *rec, tr_error *err)
{
	struct runctx *rc = arg;

	rc->st->detections++;
	return rc->o->out != NULL ? rc->o->out(rc->o->out_arg, rec, err) :
	    TR_OK;
}

int
tr_detect_run(const tr_sigma *s, const char *const *inputs, size_t ninputs,
    const tr_detect_run_opts *o, tr_detect_stats *st, tr_error *err)
{
	tr_jsonl_reader *rd = NULL;
	tr_detect *d = NULL;
	struct runctx ctx = { o, st };
	tr_rec *rec, *sum;
	tr_error e;
	size_t i;
	int rc = TR_OK, r;

	memset(st, 0, sizeof(*st));
	if ((rc = tr_detect_new(&d, s, err)) != TR_OK)
		return rc;
	for (i = 0; i < ninputs && rc == TR_OK; i++) {
		if (strcmp(inputs[i], "-") == 0)
			rc = tr_jsonl_reader_fdopen(&rd, stdin, "(stdin)", err);
		else
			rc = tr_jsonl_reader_open(&rd, inputs[i], err);
		if (rc != TR_OK)
			break;
		for (;;) {
			r = tr_jsonl_read(rd, &rec, &e);
			if (r == 0)
				break;
			if (r < 0) {
				st->errors++;
				if (o->error != NULL)
					o->error(o->error_arg, e.msg);
				if (r == TR_EIO)
					break;
				continue;
			}
			st->records++;
			if (tr_rec_kind(rec) != NULL &&
			    strcmp(tr_rec_kind(rec), "event") == 0)
				st->events++;
			if ((o->flags & TR_DETECT_PASS) && o->out != NULL &&
			    (rc = o->out(o->out_arg, rec, err)) != TR_OK) {
				tr_rec_free(rec);
				break;
			}
			rc = tr_detect_event(d, rec, count_out, &ctx, err);
			tr_rec_free(rec);
			if (rc != TR_OK)
				break;
		}
		tr_jsonl_reader_close(rd);
		rd = NULL;
	}
	if (rc == TR_OK && (o->flags & TR_DETECT_SUMMARY) && o->out != NULL) {
		if ((sum = tr_detect_summary(d, st->events)) == NULL)
			rc = tri_error_set(err, TR_ENOMEM, "out of memory");
		else {
			rc = o->out(o->out_arg, sum, err);
			tr_rec_free(sum);
		}
	}
	tr_detect_free(d);
	return rc;
}
