/* SPDX-License-Identifier: Apache-2.0 */
/* The compiled form of Sigma rules, shared by sigma_*.c and detect.c. */
#ifndef TRIAGE_SIGMA_INTERNAL_H
#define TRIAGE_SIGMA_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <jansson.h>
#include <stdint.h>

#include "triage/detect.h"

/* How one value is compared with a field's value. */
enum sv_kind {
	SV_EQ, SV_PREFIX, SV_SUFFIX, SV_CONTAINS, SV_GLOB, SV_RE, SV_CIDR,
	SV_NUM, SV_NULL, SV_EXISTS, SV_FIELDREF, SV_TIME, SV_ANY
};

struct sval {
	enum sv_kind	kind;
	unsigned char	cased;		/* case-sensitive */
	unsigned char	neg;		/* neq: true when not equal */
	unsigned char	*s;		/* literal or pattern bytes */
	unsigned char	*wild;		/* SV_GLOB: '*', '?' or 0 per byte */
	size_t		len;
	pcre2_code	*re;
	unsigned char	addr[16];	/* SV_CIDR */
	int		fam, bits;
	double		num;		/* SV_NUM, SV_TIME */
	int		op;		/* SV_NUM: '<', 'l' (<=), '>', 'g' */
	int		tpart;		/* SV_TIME: 'm','h','d','w','M','y' */
	int		exists;		/* SV_EXISTS */
	int		ref;		/* SV_FIELDREF: field index */
	enum sv_kind	refmode;
};

/* One "field|modifiers: values" item; field -1 is a keyword search. */
struct fcond {
	int		field;
	int		all;		/* all values must match */
	struct sval	*v;
	size_t		nv;
};

/* A search: OR over alternatives, each an AND of field conditions. */
struct salt {
	struct fcond	*c;
	size_t		n;
};

struct search {
	char		*name;
	struct salt	*alt;
	size_t		nalt;
};

enum cn_op { CN_SEARCH, CN_AND, CN_OR, CN_NOT, CN_ANYOF, CN_ALLOF, CN_NOF };

struct cnode {
	enum cn_op	op;
	int		idx;		/* CN_SEARCH */
	struct cnode	*a, *b;
	int		*set;		/* CN_ANYOF, CN_ALLOF, CN_NOF */
	size_t		nset;
	int		n;		/* CN_NOF */
};

/* Where a Sigma field is in an event: top-level k1, or k1.k2. */
struct fpath {
	const char	*k1, *k2;
};

/* One way a logsource reaches events (from the mapping file). */
struct lsalt {
	char		**data_type;
	size_t		ndata_type;
	char		**channel;	/* lower case */
	size_t		nchannel;
	int64_t		*eid;
	size_t		neid;
	char		**where_k;	/* further event field = value(s) */
	char		**where_v;	/* lower case */
	size_t		nwhere;
	char		**ren_from, **ren_to;	/* field renaming */
	size_t		nren;
	const struct lsproduct *prod;
};

struct lsproduct {
	char		*name;
	char		**data_type;
	size_t		ndata_type;
	char		**fmap_from, **fmap_k1, **fmap_k2; /* -> event path */
	size_t		nfmap;
	char		*prefix;	/* other fields: prefix.NAME; NULL top */
	char		**kw;		/* keyword search in these keys */
	size_t		nkw;
	struct lsalt	any;		/* every event of the product */
};

struct lsentry {
	char		*product, *category, *service;
	struct lsalt	*alt;
	size_t		nalt;
};

struct lsmap {
	struct lsproduct *prod;
	size_t		nprod;
	struct lsentry	*ent;
	size_t		nent;
};

/* A rule bound to one logsource alternative. */
struct rbind {
	const struct lsalt *alt;
	struct fpath	*path;		/* per rule field */
};

enum rkind { RK_DETECTION, RK_CORRELATION, RK_FILTER };

struct corr;

struct rule {
	enum rkind	kind;
	int		index;
	char		*id, *name, *title, *level, *status, *author, *desc;
	char		*date, *modified, *path;
	int		line;
	char		**tags, **refs, **fps;
	size_t		ntags, nrefs, nfps;
	char		*ls_product, *ls_category, *ls_service;
	char		**fields;
	size_t		nfields;
	struct search	*s;
	size_t		ns;
	struct cnode	**cond;
	size_t		ncond;
	struct rbind	*bind;
	size_t		nbind;
	char		*unmapped;	/* why no event kind can match */
	struct rule	**filters;	/* filter rules applying here */
	struct rbind	**fbind;	/* per filter, per bind */
	size_t		nfilters;
	struct corr	*corr;		/* RK_CORRELATION */
	int		corr_only;	/* generate: false, used by a correlation */
	int		deselected;	/* left out by --level/--status/--tags */
	struct rule	**parents;	/* correlations using this rule */
	size_t		nparents;
};

enum corr_type { CT_EVENT_COUNT, CT_VALUE_COUNT, CT_TEMPORAL,
	CT_TEMPORAL_ORDERED };

struct corr {
	enum corr_type	type;
	char		**refs;		/* rule names or ids as written */
	size_t		nrefs;
	struct rule	**rules;
	char		**group;
	size_t		ngroup;
	char		**alias_from, **alias_rule, **alias_to;
	size_t		nalias;
	int64_t		timespan;	/* microseconds */
	int		cop;		/* '<', 'l', '>', 'g', '=' */
	int64_t		cval;
	int		cop2;		/* a second bound ("gte: 2, lte: 5") */
	int64_t		cval2;
	char		*field;		/* value_count */
	int		generate;
};

struct refused {
	char		*path, *id, *title, *reason;
	int		line;
};

/* Index bucket: rule bindings reached by one key. */
struct ibucket {
	char		*key;
	size_t		klen;
	struct {
		struct rule	*r;
		size_t		b;
	}		*e;
	size_t		n, cap;
	struct ibucket	*next;
};

#define SIGMA_IBUCKETS	4096

struct tr_sigma {
	struct rule	**rules;
	size_t		nrules;
	struct refused	*refused;
	size_t		nrefused;
	struct lsmap	ls;
	struct ibucket	*idx[SIGMA_IBUCKETS];
	struct rule	**corrs;
	size_t		ncorrs;
	size_t		nunmapped;
	char		*lspath;
	char		**intern;	/* one copy of each field path name */
	size_t		nintern, icap;
};

/* sigma_match.c */
#define LCACHE_SLOTS	256

struct mscratch {
	unsigned char	*buf;
	size_t		cap;
	/* Lower-cased field values of the current event, by json_t. */
	struct {
		const json_t	*key;
		uint64_t	serial;
		size_t		off, len;
	}		lc[LCACHE_SLOTS];
	unsigned char	*arena;
	size_t		alen, acap;
	uint64_t	serial;
	/* Field lookups of the current event, by interned path. */
	struct {
		const char	*k1, *k2;
		uint64_t	serial;
		json_t		*v;
	}		fc[LCACHE_SLOTS];
	pcre2_match_data *md;
	int8_t		*memo;
	size_t		memocap;
};
int	tri_sigma_rule_match(const struct rule *r, size_t b, json_t *ev,
	    struct mscratch *ms);
json_t *tri_sigma_field(const struct rbind *bd, json_t *ev, int field);
json_t *tri_sigma_field_cached(const struct rbind *bd, json_t *ev, int field,
	    struct mscratch *ms);
int	tri_sigma_value_str(json_t *v, char *tmp, size_t tlen,
	    const char **p, size_t *len);
void	tri_sigma_scratch_free(struct mscratch *ms);

/* sigma_compile.c */
int	tri_sigma_compile_value(struct fcond *fc, size_t *cap,
	    const char *raw, const char *const *mods, size_t nmods,
	    const char *const *fields, size_t nfields, char *why, size_t wlen);
void	tri_sigma_sval_release(struct sval *v);
struct cnode *tri_sigma_cond_parse(const char *text, const struct rule *r,
	    char *why, size_t wlen);
void	tri_sigma_cond_free(struct cnode *c);
uint64_t tri_sigma_hash(const char *p, size_t n);

/* sigma_load.c: an index key; its length or -1. */
int	tri_sigma_key(char *buf, size_t len, char kind, const char *a,
	    size_t alen, int64_t eid, int haseid);

#endif
