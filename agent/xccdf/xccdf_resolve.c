/*
 * xccdf_resolve.c - benchmark resolution: Profile, Group, Rule and
 * Value extends chains, then application of one profile (selects by
 * item or cluster id, refine-value, refine-rule, set-value) to the
 * model in place.  Without a profile the virtual "(all)" profile keeps
 * every item's own @selected.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "xccdf.h"
#include "xccdf_load.h"

#define RESOLVE_MAX_DEPTH	64

/* Concatenate two arena arrays of elsize elements. */
static void *
cat_arrays(struct xccdf_content *c, const void *a, size_t na, const void *b,
    size_t nb, size_t elsize)
{
	char *p;

	if ((p = xccdf_alloc(c, (na + nb) * elsize)) == NULL)
		return NULL;
	if (na > 0)
		memcpy(p, a, na * elsize);
	if (nb > 0)
		memcpy(p + na * elsize, b, nb * elsize);
	return p;
}

/* The profile that p extends; a tailoring profile may extend the
 * benchmark profile it shadows (same id). */
static struct xccdf_profile *
profile_base(struct xccdf_content *c, struct xccdf_profile *p)
{
	size_t i;

	if (p->from_tailoring && strcmp(p->extends, p->id) == 0) {
		for (i = 0; i < c->nbm_profiles; i++)
			if (strcmp(c->bm.profiles[i].id, p->id) == 0)
				return &c->bm.profiles[i];
		return NULL;
	}
	return xccdf_map_get(&c->profiles, p->extends);
}

/* Fold the extends chain of p into its lists, base first. */
static int
resolve_profile(struct xccdf_content *c, struct xccdf_profile *p, int depth,
    struct plumb_err *err)
{
	struct xccdf_profile *b;
	int rc;

	if (p->resolved || p->extends == NULL) {
		p->resolved = 1;
		return PLUMB_OK;
	}
	if (depth > RESOLVE_MAX_DEPTH)
		return plumb_err_set(err, PLUMB_EINVAL, "%s:%ld: Profile "
		    "extends loop at '%s'", c->path, xmlGetLineNo(p->node),
		    p->id);
	if ((b = profile_base(c, p)) == NULL || b == p)
		return plumb_err_set(err, PLUMB_EINVAL, "%s:%ld: Profile '%s' "
		    "extends unknown Profile '%s'", c->path,
		    xmlGetLineNo(p->node), p->id, p->extends);
	if ((rc = resolve_profile(c, b, depth + 1, err)) != PLUMB_OK)
		return rc;
	p->selects = cat_arrays(c, b->selects, b->nselects, p->selects,
	    p->nselects, sizeof(*p->selects));
	p->refine_values = cat_arrays(c, b->refine_values, b->nrefine_values,
	    p->refine_values, p->nrefine_values, sizeof(*p->refine_values));
	p->refine_rules = cat_arrays(c, b->refine_rules, b->nrefine_rules,
	    p->refine_rules, p->nrefine_rules, sizeof(*p->refine_rules));
	p->set_values = cat_arrays(c, b->set_values, b->nset_values,
	    p->set_values, p->nset_values, sizeof(*p->set_values));
	if (p->selects == NULL || p->refine_values == NULL ||
	    p->refine_rules == NULL || p->set_values == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	p->nselects += b->nselects;
	p->nrefine_values += b->nrefine_values;
	p->nrefine_rules += b->nrefine_rules;
	p->nset_values += b->nset_values;
	if (p->title == NULL)
		p->title = b->title;
	if (p->description == NULL)
		p->description = b->description;
	p->resolved = 1;
	return PLUMB_OK;
}

/*
 * Item extends: what the extending item does not give itself it
 * inherits from the base (XCCDF 1.2 7.1: properties not set are taken
 * over; lists are prepended).  Memo: extends set to NULL once done.
 */
static int
resolve_item(struct xccdf_content *c, struct xccdf_item *it, int depth,
    struct plumb_err *err)
{
	struct xccdf_item *b;
	int rc;

	if (it->extends == NULL)
		return PLUMB_OK;
	if (depth > RESOLVE_MAX_DEPTH)
		return plumb_err_set(err, PLUMB_EINVAL, "%s:%ld: extends "
		    "loop at '%s'", c->path, xmlGetLineNo(it->node), it->id);
	if ((b = xccdf_map_get(&c->items, it->extends)) == NULL ||
	    b == it || b->kind != it->kind)
		return plumb_err_set(err, PLUMB_EINVAL, "%s:%ld: '%s' extends "
		    "unknown item '%s'", c->path, xmlGetLineNo(it->node),
		    it->id, it->extends);
	if ((rc = resolve_item(c, b, depth + 1, err)) != PLUMB_OK)
		return rc;
	if (it->title == NULL)
		it->title = b->title;
	if (it->description == NULL)
		it->description = b->description;
	if (it->rationale == NULL)
		it->rationale = b->rationale;
	if (it->fixtext == NULL)
		it->fixtext = b->fixtext;
	if (it->cluster_id == NULL)
		it->cluster_id = b->cluster_id;
	if (xccdf_attr(it->node, "severity") == NULL)
		it->severity = b->severity;
	if (xccdf_attr(it->node, "weight") == NULL)
		it->weight = b->weight;
	if (xccdf_attr(it->node, "role") == NULL)
		it->role = b->role;
	if (xccdf_attr(it->node, "selected") == NULL)
		it->selected = it->selected_default = b->selected_default;
	if (it->nchecks == 0) {
		it->checks = b->checks;
		it->nchecks = b->nchecks;
	}
	if (it->nfixes == 0) {
		it->fixes = b->fixes;
		it->nfixes = b->nfixes;
	}
	it->platforms = cat_arrays(c, b->platforms, b->nplatforms,
	    it->platforms, it->nplatforms, sizeof(*it->platforms));
	it->idents = cat_arrays(c, b->idents, b->nidents, it->idents,
	    it->nidents, sizeof(*it->idents));
	it->refs = cat_arrays(c, b->refs, b->nrefs, it->refs, it->nrefs,
	    sizeof(*it->refs));
	it->requires = cat_arrays(c, b->requires, b->nrequires, it->requires,
	    it->nrequires, sizeof(*it->requires));
	it->conflicts = cat_arrays(c, b->conflicts, b->nconflicts,
	    it->conflicts, it->nconflicts, sizeof(*it->conflicts));
	if (it->platforms == NULL || it->idents == NULL || it->refs == NULL ||
	    it->requires == NULL || it->conflicts == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	it->nplatforms += b->nplatforms;
	it->nidents += b->nidents;
	it->nrefs += b->nrefs;
	it->nrequires += b->nrequires;
	it->nconflicts += b->nconflicts;
	it->extends = NULL;
	return PLUMB_OK;
}

static int
resolve_value(struct xccdf_content *c, struct xccdf_value *v, int depth,
    struct plumb_err *err)
{
	struct xccdf_value *b;
	int rc;

	if (v->extends == NULL)
		return PLUMB_OK;
	if (depth > RESOLVE_MAX_DEPTH)
		return plumb_err_set(err, PLUMB_EINVAL, "%s:%ld: extends "
		    "loop at Value '%s'", c->path, xmlGetLineNo(v->node),
		    v->id);
	if ((b = xccdf_map_get(&c->values, v->extends)) == NULL || b == v)
		return plumb_err_set(err, PLUMB_EINVAL, "%s:%ld: Value '%s' "
		    "extends unknown Value '%s'", c->path,
		    xmlGetLineNo(v->node), v->id, v->extends);
	if ((rc = resolve_value(c, b, depth + 1, err)) != PLUMB_OK)
		return rc;
	if (v->title == NULL)
		v->title = b->title;
	if (v->description == NULL)
		v->description = b->description;
	if (xccdf_attr(v->node, "type") == NULL)
		v->type = b->type;
	if (xccdf_attr(v->node, "operator") == NULL)
		v->operator = b->operator;
	if (v->nvalues == 0) {
		v->values = b->values;
		v->nvalues = b->nvalues;
	}
	if (v->ndefaults == 0) {
		v->defaults = b->defaults;
		v->ndefaults = b->ndefaults;
	}
	v->extends = NULL;
	return PLUMB_OK;
}

static int
resolve_tree(struct xccdf_content *c, struct xccdf_item **items, size_t n,
    struct plumb_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = resolve_item(c, items[i], 0, err)) != PLUMB_OK)
			return rc;
		if ((rc = resolve_tree(c, items[i]->kids, items[i]->nkids,
		    err)) != PLUMB_OK)
			return rc;
	}
	return PLUMB_OK;
}

/* Call fn on every item of the tree whose cluster-id is cid. */
static size_t
for_cluster(struct xccdf_item **items, size_t n, const char *cid,
    void (*fn)(struct xccdf_item *, const void *), const void *arg)
{
	size_t i, hits = 0;

	for (i = 0; i < n; i++) {
		if (items[i]->cluster_id != NULL &&
		    strcmp(items[i]->cluster_id, cid) == 0) {
			fn(items[i], arg);
			hits++;
		}
		hits += for_cluster(items[i]->kids, items[i]->nkids, cid, fn,
		    arg);
	}
	return hits;
}

static void
apply_select(struct xccdf_item *it, const void *arg)
{
	const struct xccdf_select *s = arg;

	it->selected = s->selected;
}

static void
apply_refine(struct xccdf_item *it, const void *arg)
{
	const struct xccdf_refine_rule *r = arg;

	if (r->has_severity)
		it->severity = r->severity;
	if (r->has_weight)
		it->weight = r->weight;
	if (r->has_role)
		it->role = r->role;
	if (r->selector != NULL)
		it->check_selector = r->selector;
}

/* Apply fn to the item idref, or to its cluster. */
static void
apply_idref(struct xccdf_content *c, const char *idref,
    void (*fn)(struct xccdf_item *, const void *), const void *arg)
{
	struct xccdf_item *it;

	if ((it = xccdf_map_get(&c->items, idref)) != NULL) {
		fn(it, arg);
		return;
	}
	(void)for_cluster(c->bm.items, c->bm.nitems, idref, fn, arg);
}

const char *
xccdf_value_effective(const struct xccdf_value *v)
{
	const char *sel = v->selector != NULL ? v->selector : "";
	size_t i;

	if (v->set != NULL)
		return v->set;
	for (i = 0; i < v->nvalues; i++)
		if (strcmp(v->values[i].selector, sel) == 0)
			return v->values[i].value;
	/* An unknown selector falls back to the unselected value. */
	for (i = 0; i < v->nvalues; i++)
		if (v->values[i].selector[0] == '\0')
			return v->values[i].value;
	return v->nvalues > 0 ? v->values[0].value : NULL;
}

int
xccdf_resolve(struct xccdf_content *c, const char *profile_id,
    struct plumb_err *err)
{
	struct xccdf_profile *p = NULL;
	struct xccdf_value *v;
	size_t i;
	int rc;

	if (c->resolved)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "benchmark already resolved");
	if (profile_id != NULL &&
	    (p = xccdf_map_get(&c->profiles, profile_id)) == NULL)
		return plumb_err_set(err, PLUMB_ENOENT, "%s: no Profile '%s'",
		    c->path, profile_id);
	for (i = 0; i < c->bm.nprofiles; i++)
		if ((rc = resolve_profile(c, &c->bm.profiles[i], 0, err)) !=
		    PLUMB_OK)
			return rc;
	if ((rc = resolve_tree(c, c->bm.items, c->bm.nitems, err)) !=
	    PLUMB_OK)
		return rc;
	for (i = 0; i < c->bm.nvalues; i++)
		if ((rc = resolve_value(c, c->bm.values[i], 0, err)) !=
		    PLUMB_OK)
			return rc;
	if (p != NULL) {
		if (p->abstract)
			return plumb_err_set(err, PLUMB_EINVAL, "%s: Profile "
			    "'%s' is abstract", c->path, p->id);
		for (i = 0; i < p->nselects; i++)
			apply_idref(c, p->selects[i].idref, apply_select,
			    &p->selects[i]);
		for (i = 0; i < p->nrefine_rules; i++)
			apply_idref(c, p->refine_rules[i].idref, apply_refine,
			    &p->refine_rules[i]);
		for (i = 0; i < p->nrefine_values; i++) {
			v = xccdf_map_get(&c->values, p->refine_values[i].idref);
			if (v == NULL)
				continue;
			if (p->refine_values[i].selector != NULL)
				v->selector = p->refine_values[i].selector;
			if (p->refine_values[i].operator != NULL)
				v->operator = p->refine_values[i].operator;
		}
		for (i = 0; i < p->nset_values; i++) {
			v = xccdf_map_get(&c->values, p->set_values[i].idref);
			if (v != NULL)
				v->set = p->set_values[i].value;
		}
	}
	for (i = 0; i < c->bm.nvalues; i++)
		c->bm.values[i]->chosen =
		    xccdf_value_effective(c->bm.values[i]);
	c->profile = p;
	c->resolved = 1;
	return PLUMB_OK;
}
