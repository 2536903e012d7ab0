/*
 * xccdf_load.c - load a SCAP 1.2/1.3 source data stream or a standalone
 * XCCDF 1.1/1.2 Benchmark (plus tailoring) into the model of xccdf.h.
 *
 * The source document is parsed once with the safe loader and stays
 * in memory: OVAL components are indexed in place (oval_doc_from_xml
 * with own 0) when a check first needs them.  Ids are indexed once in
 * hash tables; nothing walks the document again per lookup.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "plumb/error.h"
#include "common/grow.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "xccdf.h"
#include "xccdf_load.h"
#include "xml_load.h"

/* ---------------------------------------------------------------- map */

static size_t
map_hash(const char *s)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

static int
map_grow(struct xccdf_map *m)
{
	struct xccdf_map nm;
	size_t i, j;

	nm.cap = m->cap == 0 ? 64 : m->cap * 2;
	nm.n = 0;
	nm.keys = calloc(nm.cap, sizeof(*nm.keys));
	nm.vals = calloc(nm.cap, sizeof(*nm.vals));
	if (nm.keys == NULL || nm.vals == NULL) {
		free(nm.keys);
		free(nm.vals);
		return PLUMB_ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i] == NULL)
			continue;
		j = map_hash(m->keys[i]) & (nm.cap - 1);
		while (nm.keys[j] != NULL)
			j = (j + 1) & (nm.cap - 1);
		nm.keys[j] = m->keys[i];
		nm.vals[j] = m->vals[i];
		nm.n++;
	}
	free(m->keys);
	free(m->vals);
	*m = nm;
	return PLUMB_OK;
}

int
xccdf_map_put(struct xccdf_map *m, const char *key, void *val)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap && map_grow(m) != PLUMB_OK)
		return PLUMB_ENOMEM;
	j = map_hash(key) & (m->cap - 1);
	while (m->keys[j] != NULL) {
		if (strcmp(m->keys[j], key) == 0) {
			m->vals[j] = val;
			return PLUMB_OK;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->vals[j] = val;
	m->n++;
	return PLUMB_OK;
}

void *
xccdf_map_get(const struct xccdf_map *m, const char *key)
{
	size_t j;

	if (m->cap == 0 || key == NULL)
		return NULL;
	j = map_hash(key) & (m->cap - 1);
	while (m->keys[j] != NULL) {
		if (strcmp(m->keys[j], key) == 0)
			return m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

void
xccdf_map_clear(struct xccdf_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* -------------------------------------------------------------- arena */

void *
xccdf_alloc(struct xccdf_content *c, size_t n)
{
	void **na, *p;
	size_t nc;

	if (c->narena == c->carena) {
		nc = c->carena == 0 ? 256 : c->carena * 2;
		na = reallocarray(c->arena, nc, sizeof(*na));
		if (na == NULL)
			return NULL;
		c->arena = na;
		c->carena = nc;
	}
	if ((p = calloc(1, n == 0 ? 1 : n)) == NULL)
		return NULL;
	c->arena[c->narena++] = p;
	return p;
}

char *
xccdf_strdup(struct xccdf_content *c, const char *s)
{
	size_t len;
	char *p;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if ((p = xccdf_alloc(c, len + 1)) != NULL)
		memcpy(p, s, len + 1);
	return p;
}

/* ------------------------------------------------------------ helpers */

int
xccdf_is(xmlNodePtr n, const char *ns, const char *name)
{
	const char *href;

	if (n == NULL || n->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)n->name, name) != 0)
		return 0;
	href = n->ns != NULL ? (const char *)n->ns->href : "";
	if (ns != NULL)
		return strcmp(href, ns) == 0;
	return strcmp(href, XCCDF_NS_12) == 0 || strcmp(href, XCCDF_NS_11) == 0;
}

const char *
xccdf_attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) == 0 &&
		    a->children != NULL && a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
		if (strcmp((const char *)a->name, name) == 0)
			return "";
	}
	return NULL;
}

/* An attribute in a namespace (xlink:href). */
static const char *
attr_ns(xmlNodePtr n, const char *name, const char *ns)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0 || a->ns == NULL ||
		    strcmp((const char *)a->ns->href, ns) != 0)
			continue;
		if (a->children != NULL && a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
		return "";
	}
	return NULL;
}

static int
attr_bool(xmlNodePtr n, const char *name, int def)
{
	const char *v = xccdf_attr(n, name);

	if (v == NULL)
		return def;
	return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

/* Text content, whitespace-trimmed, in the arena; "" for none. */
static char *
text_of(struct xccdf_content *c, xmlNodePtr n)
{
	xmlChar *t;
	char *s, *p, *e;

	if ((t = xmlNodeGetContent(n)) == NULL)
		return xccdf_strdup(c, "");
	for (p = (char *)t; *p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'; p++)
		;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	*e = '\0';
	s = xccdf_strdup(c, p);
	xmlFree(t);
	return s;
}

static xmlNodePtr
first_elem(xmlNodePtr n)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

static size_t
count_kids(xmlNodePtr n, const char *name)
{
	xmlNodePtr k;
	size_t cnt = 0;

	for (k = n->children; k != NULL; k = k->next)
		if (xccdf_is(k, NULL, name))
			cnt++;
	return cnt;
}

/* Text of the first XCCDF child called name (the title...), or NULL. */
static char *
kid_text(struct xccdf_content *c, xmlNodePtr n, const char *name, int *nomem)
{
	xmlNodePtr k;
	char *s;

	for (k = n->children; k != NULL; k = k->next) {
		if (!xccdf_is(k, NULL, name))
			continue;
		if ((s = text_of(c, k)) == NULL)
			*nomem = 1;
		return s;
	}
	return NULL;
}

static int
err_at(struct plumb_err *err, int code, const char *file, xmlNodePtr n,
    const char *what, const char *arg)
{
	return plumb_err_set(err, code, "%s:%ld: %s%s%s%s", file,
	    n != NULL ? xmlGetLineNo(n) : 0L, what,
	    arg != NULL ? " '" : "", arg != NULL ? arg : "",
	    arg != NULL ? "'" : "");
}

static enum xccdf_severity
parse_severity(const char *s)
{
	if (s == NULL)
		return XCCDF_SEV_UNKNOWN;
	if (strcmp(s, "info") == 0)
		return XCCDF_SEV_INFO;
	if (strcmp(s, "low") == 0)
		return XCCDF_SEV_LOW;
	if (strcmp(s, "medium") == 0)
		return XCCDF_SEV_MEDIUM;
	if (strcmp(s, "high") == 0)
		return XCCDF_SEV_HIGH;
	return XCCDF_SEV_UNKNOWN;
}

static enum xccdf_role
parse_role(const char *s)
{
	if (s != NULL && strcmp(s, "unscored") == 0)
		return XCCDF_ROLE_UNSCORED;
	if (s != NULL && strcmp(s, "unchecked") == 0)
		return XCCDF_ROLE_UNCHECKED;
	return XCCDF_ROLE_FULL;
}

/* xsd:decimal weight >= 0; -1 when malformed. */
static double
parse_weight(const char *s)
{
	char *end;
	double d;

	if (s == NULL)
		return 1.0;
	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || d < 0 || d != d)
		return -1;
	return d;
}

/* Split an NMTOKENS attribute into a NULL-terminated arena list. */
static char **
split_tokens(struct xccdf_content *c, const char *s)
{
	const char *p, *q;
	char **v;
	size_t n = 0, i = 0;

	for (p = s; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		n++;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
	}
	if ((v = xccdf_alloc(c, (n + 1) * sizeof(*v))) == NULL)
		return NULL;
	for (p = s; *p != '\0' && i < n;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		for (q = p; *q != '\0' && *q != ' ' && *q != '\t' &&
		    *q != '\n'; q++)
			;
		if ((v[i] = xccdf_alloc(c, (size_t)(q - p) + 1)) == NULL)
			return NULL;
		memcpy(v[i], p, (size_t)(q - p));
		i++;
		p = q;
	}
	return v;
}

/* ----------------------------------------------------- benchmark parse */

struct parse_ctx {
	struct xccdf_content *c;
	const char *file;
	struct plumb_err *err;
	size_t crules, cvalues;
};

static int
push_ptr(void ***arr, size_t *n, size_t *cap, void *p)
{
	if (grow_array(arr, *n, cap, sizeof(**arr), 64) != 0)
		return PLUMB_ENOMEM;
	(*arr)[(*n)++] = p;
	return PLUMB_OK;
}

static int parse_check(struct parse_ctx *, xmlNodePtr, struct xccdf_check *);

static int
parse_complex(struct parse_ctx *pc, xmlNodePtr n, struct xccdf_check *ck)
{
	struct xccdf_content *c = pc->c;
	const char *op;
	xmlNodePtr k;
	size_t i = 0;
	int rc;

	ck->complex = 1;
	ck->node = n;
	ck->negate = attr_bool(n, "negate", 0);
	op = xccdf_attr(n, "operator");
	if (op == NULL || strcmp(op, "AND") == 0)
		ck->op = XCCDF_OP_AND;
	else if (strcmp(op, "OR") == 0)
		ck->op = XCCDF_OP_OR;
	else
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "bad complex-check operator", op);
	ck->nkids = count_kids(n, "check") + count_kids(n, "complex-check");
	if ((ck->kids = xccdf_alloc(c, ck->nkids * sizeof(*ck->kids))) == NULL)
		return PLUMB_ENOMEM;
	for (k = n->children; k != NULL; k = k->next) {
		if (xccdf_is(k, NULL, "check"))
			rc = parse_check(pc, k, &ck->kids[i++]);
		else if (xccdf_is(k, NULL, "complex-check"))
			rc = parse_complex(pc, k, &ck->kids[i++]);
		else
			continue;
		if (rc != PLUMB_OK)
			return rc;
	}
	return PLUMB_OK;
}

static int
parse_check(struct parse_ctx *pc, xmlNodePtr n, struct xccdf_check *ck)
{
	struct xccdf_content *c = pc->c;
	xmlNodePtr k;
	size_t ie = 0, ir = 0;
	const char *s;

	ck->node = n;
	if ((s = xccdf_attr(n, "system")) == NULL)
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "check without system", NULL);
	ck->system = xccdf_strdup(c, s);
	ck->id = xccdf_strdup(c, xccdf_attr(n, "id"));
	s = xccdf_attr(n, "selector");
	ck->selector = xccdf_strdup(c, s != NULL ? s : "");
	ck->multi_check = attr_bool(n, "multi-check", 0);
	ck->negate = attr_bool(n, "negate", 0);
	ck->has_content = count_kids(n, "check-content") > 0;
	ck->nexports = count_kids(n, "check-export");
	ck->nrefs = count_kids(n, "check-content-ref");
	ck->exports = xccdf_alloc(c, ck->nexports * sizeof(*ck->exports));
	ck->refs = xccdf_alloc(c, ck->nrefs * sizeof(*ck->refs));
	if (ck->system == NULL || ck->selector == NULL ||
	    ck->exports == NULL || ck->refs == NULL)
		return PLUMB_ENOMEM;
	for (k = n->children; k != NULL; k = k->next) {
		if (xccdf_is(k, NULL, "check-export")) {
			if (xccdf_attr(k, "value-id") == NULL ||
			    xccdf_attr(k, "export-name") == NULL)
				return err_at(pc->err, PLUMB_EINVAL, pc->file,
				    k, "check-export without value-id or "
				    "export-name", NULL);
			ck->exports[ie].value_id = xccdf_strdup(c,
			    xccdf_attr(k, "value-id"));
			ck->exports[ie].export_name = xccdf_strdup(c,
			    xccdf_attr(k, "export-name"));
			if (ck->exports[ie].value_id == NULL ||
			    ck->exports[ie].export_name == NULL)
				return PLUMB_ENOMEM;
			ie++;
		} else if (xccdf_is(k, NULL, "check-content-ref")) {
			if ((s = xccdf_attr(k, "href")) == NULL)
				return err_at(pc->err, PLUMB_EINVAL, pc->file,
				    k, "check-content-ref without href", NULL);
			ck->refs[ir].href = xccdf_strdup(c, s);
			if (ck->refs[ir].href == NULL)
				return PLUMB_ENOMEM;
			if ((s = xccdf_attr(k, "name")) != NULL &&
			    (ck->refs[ir].name = xccdf_strdup(c, s)) == NULL)
				return PLUMB_ENOMEM;
			ir++;
		}
	}
	return PLUMB_OK;
}

/* A Value element. */
static int
parse_value(struct parse_ctx *pc, xmlNodePtr n, struct xccdf_item *parent)
{
	struct xccdf_content *c = pc->c;
	struct xccdf_value *v;
	xmlNodePtr k;
	const char *s;
	size_t iv = 0, id = 0;
	int nomem = 0;

	if ((s = xccdf_attr(n, "id")) == NULL)
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "Value without id", NULL);
	if (xccdf_map_get(&c->values, s) != NULL)
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "duplicate Value id", s);
	if ((v = xccdf_alloc(c, sizeof(*v))) == NULL)
		return PLUMB_ENOMEM;
	v->node = n;
	v->parent = parent;
	v->id = xccdf_strdup(c, s);
	v->title = kid_text(c, n, "title", &nomem);
	v->description = kid_text(c, n, "description", &nomem);
	s = xccdf_attr(n, "type");
	if (s == NULL || strcmp(s, "string") == 0)
		v->type = XCCDF_VT_STRING;
	else if (strcmp(s, "number") == 0)
		v->type = XCCDF_VT_NUMBER;
	else if (strcmp(s, "boolean") == 0)
		v->type = XCCDF_VT_BOOLEAN;
	else
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "bad Value type", s);
	s = xccdf_attr(n, "operator");
	v->operator = xccdf_strdup(c, s != NULL ? s : "equals");
	v->hidden = attr_bool(n, "hidden", 0);
	v->abstract = attr_bool(n, "abstract", 0);
	v->extends = xccdf_strdup(c, xccdf_attr(n, "extends"));
	v->nvalues = count_kids(n, "value");
	v->ndefaults = count_kids(n, "default");
	v->values = xccdf_alloc(c, v->nvalues * sizeof(*v->values));
	v->defaults = xccdf_alloc(c, v->ndefaults * sizeof(*v->defaults));
	if (v->id == NULL || v->operator == NULL || nomem ||
	    v->values == NULL || v->defaults == NULL)
		return PLUMB_ENOMEM;
	for (k = n->children; k != NULL; k = k->next) {
		struct xccdf_value_inst *vi;

		if (xccdf_is(k, NULL, "value"))
			vi = &v->values[iv++];
		else if (xccdf_is(k, NULL, "default"))
			vi = &v->defaults[id++];
		else
			continue;
		s = xccdf_attr(k, "selector");
		vi->selector = xccdf_strdup(c, s != NULL ? s : "");
		vi->value = text_of(c, k);
		if (vi->selector == NULL || vi->value == NULL)
			return PLUMB_ENOMEM;
	}
	if (xccdf_map_put(&c->values, v->id, v) != PLUMB_OK ||
	    push_ptr((void ***)&c->bm.values, &c->bm.nvalues, &pc->cvalues,
	    v) != PLUMB_OK)
		return PLUMB_ENOMEM;
	return PLUMB_OK;
}

static int parse_item(struct parse_ctx *, xmlNodePtr, struct xccdf_item *,
    struct xccdf_item **);

/* The Group/Rule children and Values of a Group or the Benchmark. */
static int
parse_kids(struct parse_ctx *pc, xmlNodePtr n, struct xccdf_item *parent,
    struct xccdf_item ***kids, size_t *nkids)
{
	xmlNodePtr k;
	size_t i = 0;
	int rc;

	*nkids = count_kids(n, "Group") + count_kids(n, "Rule");
	if ((*kids = xccdf_alloc(pc->c, *nkids * sizeof(**kids))) == NULL)
		return PLUMB_ENOMEM;
	for (k = n->children; k != NULL; k = k->next) {
		if (xccdf_is(k, NULL, "Value")) {
			if ((rc = parse_value(pc, k, parent)) != PLUMB_OK)
				return rc;
		} else if (xccdf_is(k, NULL, "Group") ||
		    xccdf_is(k, NULL, "Rule")) {
			if ((rc = parse_item(pc, k, parent, &(*kids)[i++])) !=
			    PLUMB_OK)
				return rc;
		}
	}
	return PLUMB_OK;
}

/* Platform idrefs of n into an arena array. */
static int
parse_platforms(struct xccdf_content *c, xmlNodePtr n, char ***out,
    size_t *nout)
{
	xmlNodePtr k;
	const char *s;

	*nout = 0;
	if ((*out = xccdf_alloc(c, (count_kids(n, "platform") + 1) *
	    sizeof(**out))) == NULL)
		return PLUMB_ENOMEM;
	for (k = n->children; k != NULL; k = k->next) {
		if (!xccdf_is(k, NULL, "platform") ||
		    (s = xccdf_attr(k, "idref")) == NULL)
			continue;
		if (((*out)[(*nout)++] = xccdf_strdup(c, s)) == NULL)
			return PLUMB_ENOMEM;
	}
	return PLUMB_OK;
}

static int
parse_item(struct parse_ctx *pc, xmlNodePtr n, struct xccdf_item *parent,
    struct xccdf_item **out)
{
	struct xccdf_content *c = pc->c;
	struct xccdf_item *it;
	xmlNodePtr k;
	const char *s;
	size_t ii = 0, ir = 0, ic = 0, iq = 0, ix = 0, ifx = 0;
	int nomem = 0, rc;

	if ((s = xccdf_attr(n, "id")) == NULL)
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "item without id", NULL);
	if (xccdf_map_get(&c->items, s) != NULL)
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "duplicate item id", s);
	if ((it = xccdf_alloc(c, sizeof(*it))) == NULL)
		return PLUMB_ENOMEM;
	*out = it;
	it->node = n;
	it->parent = parent;
	it->kind = xccdf_is(n, NULL, "Rule") ? XCCDF_ITEM_RULE :
	    XCCDF_ITEM_GROUP;
	it->id = xccdf_strdup(c, s);
	if (it->id == NULL || xccdf_map_put(&c->items, it->id, it) != PLUMB_OK)
		return PLUMB_ENOMEM;
	it->title = kid_text(c, n, "title", &nomem);
	it->description = kid_text(c, n, "description", &nomem);
	it->rationale = kid_text(c, n, "rationale", &nomem);
	it->fixtext = kid_text(c, n, "fixtext", &nomem);
	it->extends = xccdf_strdup(c, xccdf_attr(n, "extends"));
	it->cluster_id = xccdf_strdup(c, xccdf_attr(n, "cluster-id"));
	if (nomem)
		return PLUMB_ENOMEM;
	it->abstract = attr_bool(n, "abstract", 0);
	it->hidden = attr_bool(n, "hidden", 0);
	it->selected_default = attr_bool(n, "selected", 1);
	it->selected = it->selected_default;
	it->severity = parse_severity(xccdf_attr(n, "severity"));
	it->role = parse_role(xccdf_attr(n, "role"));
	if ((it->weight = parse_weight(xccdf_attr(n, "weight"))) < 0)
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "bad weight", xccdf_attr(n, "weight"));
	if ((rc = parse_platforms(c, n, &it->platforms, &it->nplatforms)) !=
	    PLUMB_OK)
		return rc;

	it->nidents = count_kids(n, "ident");
	it->nrefs = count_kids(n, "reference");
	it->nfixes = count_kids(n, "fix");
	it->nchecks = count_kids(n, "check") + count_kids(n, "complex-check");
	it->nrequires = count_kids(n, "requires");
	it->nconflicts = count_kids(n, "conflicts");
	it->idents = xccdf_alloc(c, it->nidents * sizeof(*it->idents));
	it->refs = xccdf_alloc(c, it->nrefs * sizeof(*it->refs));
	it->fixes = xccdf_alloc(c, it->nfixes * sizeof(*it->fixes));
	it->checks = xccdf_alloc(c, it->nchecks * sizeof(*it->checks));
	it->requires = xccdf_alloc(c, it->nrequires * sizeof(*it->requires));
	it->conflicts = xccdf_alloc(c, it->nconflicts * sizeof(*it->conflicts));
	if (it->idents == NULL || it->refs == NULL || it->fixes == NULL ||
	    it->checks == NULL || it->requires == NULL || it->conflicts == NULL)
		return PLUMB_ENOMEM;
	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		rc = PLUMB_OK;
		if (xccdf_is(k, NULL, "ident")) {
			it->idents[ii].system = xccdf_strdup(c,
			    xccdf_attr(k, "system"));
			if ((it->idents[ii++].text = text_of(c, k)) == NULL)
				rc = PLUMB_ENOMEM;
		} else if (xccdf_is(k, NULL, "reference")) {
			it->refs[ir].href = xccdf_strdup(c,
			    xccdf_attr(k, "href"));
			if ((it->refs[ir++].text = text_of(c, k)) == NULL)
				rc = PLUMB_ENOMEM;
		} else if (xccdf_is(k, NULL, "fix")) {
			it->fixes[ifx].id = xccdf_strdup(c, xccdf_attr(k, "id"));
			it->fixes[ifx].system = xccdf_strdup(c,
			    xccdf_attr(k, "system"));
			if ((it->fixes[ifx++].text = text_of(c, k)) == NULL)
				rc = PLUMB_ENOMEM;
		} else if (xccdf_is(k, NULL, "check")) {
			rc = parse_check(pc, k, &it->checks[ic++]);
		} else if (xccdf_is(k, NULL, "complex-check")) {
			rc = parse_complex(pc, k, &it->checks[ic++]);
		} else if (xccdf_is(k, NULL, "requires")) {
			if ((s = xccdf_attr(k, "idref")) == NULL)
				return err_at(pc->err, PLUMB_EINVAL, pc->file,
				    k, "requires without idref", NULL);
			if ((it->requires[iq++] = split_tokens(c, s)) == NULL)
				rc = PLUMB_ENOMEM;
		} else if (xccdf_is(k, NULL, "conflicts")) {
			if ((s = xccdf_attr(k, "idref")) == NULL)
				return err_at(pc->err, PLUMB_EINVAL, pc->file,
				    k, "conflicts without idref", NULL);
			if ((it->conflicts[ix++] = xccdf_strdup(c, s)) == NULL)
				rc = PLUMB_ENOMEM;
		}
		if (rc != PLUMB_OK)
			return rc;
	}
	if (it->kind == XCCDF_ITEM_RULE) {
		if (!it->abstract && push_ptr((void ***)&c->bm.rules,
		    &c->bm.nrules, &pc->crules, it) != PLUMB_OK)
			return PLUMB_ENOMEM;
		it->kids = NULL;
		return PLUMB_OK;
	}
	return parse_kids(pc, n, it, &it->kids, &it->nkids);
}

/* A Profile element of the benchmark or a tailoring into p. */
static int
parse_profile(struct parse_ctx *pc, xmlNodePtr n, struct xccdf_profile *p)
{
	struct xccdf_content *c = pc->c;
	xmlNodePtr k;
	const char *s;
	size_t is = 0, iv = 0, ir = 0, isv = 0;
	int nomem = 0;

	p->node = n;
	if ((s = xccdf_attr(n, "id")) == NULL)
		return err_at(pc->err, PLUMB_EINVAL, pc->file, n,
		    "Profile without id", NULL);
	p->id = xccdf_strdup(c, s);
	p->title = kid_text(c, n, "title", &nomem);
	p->description = kid_text(c, n, "description", &nomem);
	p->extends = xccdf_strdup(c, xccdf_attr(n, "extends"));
	p->abstract = attr_bool(n, "abstract", 0);
	p->nselects = count_kids(n, "select");
	p->nrefine_values = count_kids(n, "refine-value");
	p->nrefine_rules = count_kids(n, "refine-rule");
	p->nset_values = count_kids(n, "set-value") +
	    count_kids(n, "set-complex-value");
	p->selects = xccdf_alloc(c, p->nselects * sizeof(*p->selects));
	p->refine_values = xccdf_alloc(c, p->nrefine_values *
	    sizeof(*p->refine_values));
	p->refine_rules = xccdf_alloc(c, p->nrefine_rules *
	    sizeof(*p->refine_rules));
	p->set_values = xccdf_alloc(c, p->nset_values * sizeof(*p->set_values));
	if (p->id == NULL || nomem || p->selects == NULL ||
	    p->refine_values == NULL || p->refine_rules == NULL ||
	    p->set_values == NULL)
		return PLUMB_ENOMEM;
	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (xccdf_is(k, NULL, "select") ||
		    xccdf_is(k, NULL, "refine-value") ||
		    xccdf_is(k, NULL, "refine-rule") ||
		    xccdf_is(k, NULL, "set-value") ||
		    xccdf_is(k, NULL, "set-complex-value")) {
			if ((s = xccdf_attr(k, "idref")) == NULL)
				return err_at(pc->err, PLUMB_EINVAL, pc->file,
				    k, "profile element without idref",
				    (const char *)k->name);
		} else
			continue;
		if (xccdf_is(k, NULL, "select")) {
			if (xccdf_attr(k, "selected") == NULL)
				return err_at(pc->err, PLUMB_EINVAL, pc->file,
				    k, "select without selected", s);
			p->selects[is].idref = xccdf_strdup(c, s);
			p->selects[is].selected = attr_bool(k, "selected", 0);
			if (p->selects[is++].idref == NULL)
				return PLUMB_ENOMEM;
		} else if (xccdf_is(k, NULL, "refine-value")) {
			struct xccdf_refine_value *rv = &p->refine_values[iv++];

			rv->idref = xccdf_strdup(c, s);
			rv->selector = xccdf_strdup(c,
			    xccdf_attr(k, "selector"));
			rv->operator = xccdf_strdup(c,
			    xccdf_attr(k, "operator"));
			if (rv->idref == NULL)
				return PLUMB_ENOMEM;
		} else if (xccdf_is(k, NULL, "refine-rule")) {
			struct xccdf_refine_rule *rr = &p->refine_rules[ir++];

			rr->idref = xccdf_strdup(c, s);
			rr->selector = xccdf_strdup(c,
			    xccdf_attr(k, "selector"));
			if (rr->idref == NULL)
				return PLUMB_ENOMEM;
			if (xccdf_attr(k, "severity") != NULL) {
				rr->has_severity = 1;
				rr->severity = parse_severity(
				    xccdf_attr(k, "severity"));
			}
			if (xccdf_attr(k, "role") != NULL) {
				rr->has_role = 1;
				rr->role = parse_role(xccdf_attr(k, "role"));
			}
			if (xccdf_attr(k, "weight") != NULL) {
				rr->has_weight = 1;
				rr->weight = parse_weight(
				    xccdf_attr(k, "weight"));
				if (rr->weight < 0)
					return err_at(pc->err, PLUMB_EINVAL,
					    pc->file, k, "bad weight",
					    xccdf_attr(k, "weight"));
			}
		} else {
			struct xccdf_set_value *sv = &p->set_values[isv++];
			xmlNodePtr item;

			sv->idref = xccdf_strdup(c, s);
			item = NULL;
			if (xccdf_is(k, NULL, "set-complex-value"))
				for (item = k->children; item != NULL &&
				    !xccdf_is(item, NULL, "item");
				    item = item->next)
					;
			sv->value = text_of(c, item != NULL ? item : k);
			if (sv->idref == NULL || sv->value == NULL)
				return PLUMB_ENOMEM;
		}
	}
	return PLUMB_OK;
}

/* Append the Profile children of n (benchmark or Tailoring). */
static int
parse_profiles(struct parse_ctx *pc, xmlNodePtr n, int tailoring)
{
	struct xccdf_content *c = pc->c;
	struct xccdf_profile *np;
	xmlNodePtr k;
	size_t add, i;
	int rc;

	add = count_kids(n, "Profile");
	if (add == 0)
		return PLUMB_OK;
	np = reallocarray(c->bm.profiles, c->bm.nprofiles + add, sizeof(*np));
	if (np == NULL)
		return PLUMB_ENOMEM;
	c->bm.profiles = np;
	memset(np + c->bm.nprofiles, 0, add * sizeof(*np));
	i = c->bm.nprofiles;
	for (k = n->children; k != NULL; k = k->next) {
		if (!xccdf_is(k, NULL, "Profile"))
			continue;
		np[i].from_tailoring = tailoring;
		if ((rc = parse_profile(pc, k, &np[i])) != PLUMB_OK)
			return rc;
		if (!tailoring && xccdf_map_get(&c->profiles, np[i].id) != NULL)
			return err_at(pc->err, PLUMB_EINVAL, pc->file, k,
			    "duplicate Profile id", np[i].id);
		i++;
	}
	c->bm.nprofiles = i;
	/* The map is rebuilt because realloc may have moved the array;
	 * tailoring profiles come later and so shadow same-id ones. */
	xccdf_map_clear(&c->profiles);
	for (i = 0; i < c->bm.nprofiles; i++)
		if (xccdf_map_put(&c->profiles, np[i].id, &np[i]) != PLUMB_OK)
			return PLUMB_ENOMEM;
	return PLUMB_OK;
}

static int
parse_benchmark(struct xccdf_content *c, xmlNodePtr n, const char *file,
    struct plumb_err *err)
{
	struct parse_ctx pc = { c, file, err, 0, 0 };
	struct xccdf_benchmark *bm = &c->bm;
	xmlNodePtr k, p;
	const char *s;
	int nomem = 0, rc;

	bm->node = n;
	if ((s = xccdf_attr(n, "id")) == NULL)
		return err_at(err, PLUMB_EINVAL, file, n,
		    "Benchmark without id", NULL);
	bm->id = xccdf_strdup(c, s);
	bm->ns = xccdf_strdup(c, (const char *)n->ns->href);
	bm->title = kid_text(c, n, "title", &nomem);
	bm->description = kid_text(c, n, "description", &nomem);
	bm->version = kid_text(c, n, "version", &nomem);
	bm->status = kid_text(c, n, "status", &nomem);
	bm->resolved_attr = attr_bool(n, "resolved", 0);
	if (bm->id == NULL || bm->ns == NULL || nomem)
		return PLUMB_ENOMEM;
	for (k = n->children; k != NULL; k = k->next)
		if (xccdf_is(k, NULL, "status")) {
			bm->status_date = xccdf_strdup(c,
			    xccdf_attr(k, "date"));
			break;
		}
	if ((rc = parse_platforms(c, n, &bm->platforms, &bm->nplatforms)) !=
	    PLUMB_OK)
		return rc;
	for (k = n->children; k != NULL; k = k->next) {
		if (!xccdf_is(k, XCCDF_NS_CPE_LANG, "platform-specification"))
			continue;
		for (p = k->children; p != NULL; p = p->next) {
			if (!xccdf_is(p, XCCDF_NS_CPE_LANG, "platform") ||
			    (s = xccdf_attr(p, "id")) == NULL)
				continue;
			if (xccdf_map_put(&c->platforms, s, p) != PLUMB_OK)
				return PLUMB_ENOMEM;
		}
	}
	if ((rc = parse_profiles(&pc, n, 0)) != PLUMB_OK)
		return rc;
	c->nbm_profiles = bm->nprofiles;
	return parse_kids(&pc, n, NULL, &bm->items, &bm->nitems);
}

/* -------------------------------------------------------- data stream */

/* The ds:component (or extended-component) of doc with this id. */
static xmlNodePtr
doc_component(struct xccdf_content *c, xmlDocPtr doc, const char *id)
{
	xmlNodePtr k;
	const char *kid;

	if (doc == c->xml)
		return xccdf_map_get(&c->comps, id);
	for (k = xmlDocGetRootElement(doc)->children; k != NULL; k = k->next)
		if ((xccdf_is(k, XCCDF_NS_DS, "component") ||
		    xccdf_is(k, XCCDF_NS_DS, "extended-component")) &&
		    (kid = xccdf_attr(k, "id")) != NULL &&
		    strcmp(kid, id) == 0)
			return k;
	return NULL;
}

/* The external document holding node n, or NULL for the content's. */
static struct xccdf_ext_doc *
ext_of(struct xccdf_content *c, xmlNodePtr n)
{
	size_t i;

	for (i = 0; i < c->next; i++)
		if (c->ext[i].xml == n->doc)
			return &c->ext[i];
	return NULL;
}

/*
 * Load (once) the file an external component reference names: path as
 * the href gives it, relative to the directory of the document holding
 * cref; no ".." segment, so a relative reference stays under that
 * directory; at most XCCDF_EXT_DOCS_MAX files, XCCDF_EXT_DEPTH_MAX deep.
 */
static int
ext_load(struct xccdf_content *c, xmlNodePtr cref, const char *path,
    struct xccdf_ext_doc **out, struct plumb_err *err)
{
	struct xccdf_ext_doc *from = ext_of(c, cref), *ne;
	/* from points into c->ext, which the reallocarray() below moves */
	unsigned depth = (from != NULL ? from->depth : 0) + 1;
	struct plumb_err le = { 0, "" };
	const char *base = from != NULL ? from->dir : c->dir, *p;
	char *full = NULL, *slash;
	size_t i, len;
	int rc;

	*out = NULL;
	for (p = path; *p != '\0'; p += strcspn(p, "/")) {
		while (*p == '/')
			p++;
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return err_at(err, PLUMB_EINVAL, c->path, cref,
			    "component reference leaves the data stream's "
			    "directory", path);
	}
	len = strlen(base) + strlen(path) + 2;
	if ((full = malloc(len)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if (path[0] == '/')
		snprintf(full, len, "%s", path);
	else
		snprintf(full, len, "%s/%s", base, path);
	for (i = 0; i < c->next; i++)
		if (strcmp(c->ext[i].path, full) == 0) {
			free(full);
			*out = &c->ext[i];
			return PLUMB_OK;
		}
	if (depth > XCCDF_EXT_DEPTH_MAX) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s:%ld: external "
		    "component references nested deeper than %u files "
		    "('%s'; [limits] max_content_depth)", from != NULL ?
		    from->path : c->path, xmlGetLineNo(cref),
		    XCCDF_EXT_DEPTH_MAX, path);
		goto out;
	}
	if (c->next == XCCDF_EXT_DOCS_MAX) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s:%ld: more than %u "
		    "files of external components ('%s'; [limits] "
		    "max_content_files)", from != NULL ? from->path :
		    c->path, xmlGetLineNo(cref), XCCDF_EXT_DOCS_MAX, path);
		goto out;
	}
	if ((ne = reallocarray(c->ext, c->next + 1, sizeof(*ne))) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	c->ext = ne;
	ne = &c->ext[c->next];
	memset(ne, 0, sizeof(*ne));
	if ((rc = xml_load_file(full, &ne->xml, &le)) != PLUMB_OK) {
		plumb_err_set(err, rc, "%s:%ld: external component: %s",
		    c->path, xmlGetLineNo(cref), le.msg);
		goto out;
	}
	if ((ne->dir = strdup(full)) == NULL) {
		xmlFreeDoc(ne->xml);
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if ((slash = strrchr(ne->dir, '/')) != NULL)
		slash[slash == ne->dir ? 1 : 0] = '\0';
	ne->path = full;
	full = NULL;
	ne->depth = (int)depth;
	c->next++;
	*out = ne;
out:
	free(full);
	return rc;
}

/*
 * The element a component reference leads to: the first child of the
 * ds:component named by "#id" in the same document, or by
 * "file:PATH#id" / "PATH#id" in another data stream, or the root of
 * PATH without "#id".  *out NULL when it leads nowhere (err says why
 * for a file that cannot be used).
 */
static int
cref_resolve(struct xccdf_content *c, xmlNodePtr cref, xmlNodePtr *out,
    struct plumb_err *err)
{
	struct xccdf_ext_doc *ed;
	const char *h, *frag, *colon;
	xmlNodePtr comp;
	char *path;
	int rc;

	*out = NULL;
	if ((h = attr_ns(cref, "href", XCCDF_NS_XLINK)) == NULL)
		return PLUMB_OK;
	if (h[0] == '#') {
		if ((comp = doc_component(c, cref->doc, h + 1)) != NULL)
			*out = first_elem(comp->children);
		return PLUMB_OK;
	}
	if (strncmp(h, "file://", 7) == 0)
		h += 7;
	else if (strncmp(h, "file:", 5) == 0)
		h += 5;
	frag = strchr(h, '#');
	colon = strchr(h, ':');
	if (colon != NULL && (frag == NULL || colon < frag))
		return err_at(err, PLUMB_ENOTSUP, c->path, cref,
		    "remote component reference not fetched", h);
	if ((path = strndup(h, frag != NULL ? (size_t)(frag - h) :
	    strlen(h))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if (path[0] == '\0')
		rc = err_at(err, PLUMB_EINVAL, c->path, cref,
		    "component reference without a file", h);
	else
		rc = ext_load(c, cref, path, &ed, err);
	free(path);
	if (rc != PLUMB_OK)
		return rc;
	if (frag == NULL)
		*out = xmlDocGetRootElement(ed->xml);
	else if ((comp = doc_component(c, ed->xml, frag + 1)) != NULL)
		*out = first_elem(comp->children);
	return PLUMB_OK;
}

/* cref_resolve() for callers that only need to know where it leads. */
static xmlNodePtr
cref_target(struct xccdf_content *c, xmlNodePtr cref)
{
	struct plumb_err e = { 0, "" };
	xmlNodePtr t;

	return cref_resolve(c, cref, &t, &e) == PLUMB_OK ? t : NULL;
}

static xmlNodePtr ds_section(xmlNodePtr, const char *);

static int
index_ds(struct xccdf_content *c)
{
	xmlNodePtr root = xmlDocGetRootElement(c->xml), k;
	const char *id;

	for (k = root->children; k != NULL; k = k->next) {
		if (!xccdf_is(k, XCCDF_NS_DS, "component") &&
		    !xccdf_is(k, XCCDF_NS_DS, "extended-component"))
			continue;
		if ((id = xccdf_attr(k, "id")) != NULL &&
		    xccdf_map_put(&c->comps, id, k) != PLUMB_OK)
			return PLUMB_ENOMEM;
	}
	return PLUMB_OK;
}

/* Index the component-refs of stream ds (those whose id is indexed
 * already are left alone) and take its dictionary when none is known. */
static int
index_crefs(struct xccdf_content *c, xmlNodePtr ds)
{
	xmlNodePtr sec, k;
	const char *id;

	for (sec = ds->children; sec != NULL; sec = sec->next) {
		if (sec->type != XML_ELEMENT_NODE)
			continue;
		for (k = sec->children; k != NULL; k = k->next) {
			if (!xccdf_is(k, XCCDF_NS_DS, "component-ref") ||
			    (id = xccdf_attr(k, "id")) == NULL ||
			    xccdf_map_get(&c->crefs, id) != NULL)
				continue;
			if (xccdf_map_put(&c->crefs, id, k) != PLUMB_OK)
				return PLUMB_ENOMEM;
			if (xccdf_is(sec, XCCDF_NS_DS, "dictionaries") &&
			    c->dict_cref == NULL)
				c->dict_cref = k;
		}
	}
	return PLUMB_OK;
}

static int
index_stream(struct xccdf_content *c, xmlNodePtr ds)
{
	c->stream = ds;
	return index_crefs(c, ds);
}

/*
 * The Benchmark t lives in another data stream: its checks are named
 * through that stream's catalog and component-refs.  Take the stream
 * whose checklist leads to t: its checklist component-ref (checklist2),
 * its component-refs where the content's own stream has none of that
 * id, and its dictionary when the content's stream has none.
 */
static int
index_ext_stream(struct xccdf_content *c, xmlNodePtr t)
{
	xmlNodePtr root = xmlDocGetRootElement(t->doc), ds, sec, k = NULL;

	if (!xccdf_is(root, XCCDF_NS_DS, "data-stream-collection"))
		return PLUMB_OK;
	for (ds = root->children; ds != NULL; ds = ds->next) {
		if (!xccdf_is(ds, XCCDF_NS_DS, "data-stream") ||
		    (sec = ds_section(ds, "checklists")) == NULL)
			continue;
		for (k = sec->children; k != NULL; k = k->next)
			if (xccdf_is(k, XCCDF_NS_DS, "component-ref") &&
			    cref_target(c, k) == t)
				break;
		if (k != NULL)
			break;
	}
	if (ds == NULL)
		return PLUMB_OK;
	c->checklist2 = k;
	return index_crefs(c, ds);
}

/* The section (checklists...) element of stream ds, or NULL. */
static xmlNodePtr
ds_section(xmlNodePtr ds, const char *name)
{
	xmlNodePtr k;

	for (k = ds->children; k != NULL; k = k->next)
		if (xccdf_is(k, XCCDF_NS_DS, name))
			return k;
	return NULL;
}

/*
 * Pick the stream, checklist and Benchmark element per opts.  A
 * benchmark_id alone searches every checklist of the chosen stream(s).
 */
static int
ds_select(struct xccdf_content *c, const struct xccdf_load_opts *o,
    xmlNodePtr *bmout, struct plumb_err *err)
{
	xmlNodePtr root = xmlDocGetRootElement(c->xml), ds, sec, k, t;
	const char *id;
	int rc, seen_ds = 0;

	*bmout = NULL;
	if ((rc = index_ds(c)) != PLUMB_OK)
		return rc;
	for (ds = root->children; ds != NULL; ds = ds->next) {
		if (!xccdf_is(ds, XCCDF_NS_DS, "data-stream"))
			continue;
		id = xccdf_attr(ds, "id");
		if (o->datastream_id != NULL && (id == NULL ||
		    strcmp(id, o->datastream_id) != 0))
			continue;
		seen_ds = 1;
		if ((sec = ds_section(ds, "checklists")) == NULL)
			continue;
		for (k = sec->children; k != NULL; k = k->next) {
			const char *cid;

			if (!xccdf_is(k, XCCDF_NS_DS, "component-ref"))
				continue;
			cid = xccdf_attr(k, "id");
			if (o->xccdf_id != NULL && (cid == NULL ||
			    strcmp(cid, o->xccdf_id) != 0))
				continue;
			if ((rc = cref_resolve(c, k, &t, err)) != PLUMB_OK)
				return rc;
			if (t == NULL || !xccdf_is(t, NULL, "Benchmark")) {
				if (o->xccdf_id != NULL)
					return err_at(err, PLUMB_EINVAL,
					    c->path, k, "checklist is not "
					    "an XCCDF Benchmark", cid);
				continue;
			}
			if (o->benchmark_id != NULL && (xccdf_attr(t, "id") ==
			    NULL || strcmp(xccdf_attr(t, "id"),
			    o->benchmark_id) != 0))
				continue;
			if ((c->stream_id = xccdf_strdup(c, id)) == NULL ||
			    (c->checklist_id = xccdf_strdup(c, cid)) == NULL)
				return PLUMB_ENOMEM;
			c->checklist = k;
			*bmout = t;
			if ((rc = index_stream(c, ds)) != PLUMB_OK)
				return rc;
			return t->doc == c->xml ? PLUMB_OK :
			    index_ext_stream(c, t);
		}
	}
	if (o->datastream_id != NULL && !seen_ds)
		return plumb_err_set(err, PLUMB_ENOENT,
		    "%s: no data-stream '%s'", c->path, o->datastream_id);
	if (o->xccdf_id != NULL)
		return plumb_err_set(err, PLUMB_ENOENT,
		    "%s: no checklist component-ref '%s'", c->path,
		    o->xccdf_id);
	if (o->benchmark_id != NULL)
		return plumb_err_set(err, PLUMB_ENOENT,
		    "%s: no Benchmark '%s'", c->path, o->benchmark_id);
	return plumb_err_set(err, PLUMB_EINVAL,
	    "%s: the data stream has no XCCDF checklist", c->path);
}

static int
index_cpe_dict(struct xccdf_content *c)
{
	xmlNodePtr t, k;
	const char *name;

	if (c->dict_cref == NULL || (t = cref_target(c, c->dict_cref)) ==
	    NULL || !xccdf_is(t, XCCDF_NS_CPE_DICT, "cpe-list"))
		return PLUMB_OK;
	c->cpe_list = t;
	for (k = t->children; k != NULL; k = k->next) {
		if (!xccdf_is(k, XCCDF_NS_CPE_DICT, "cpe-item") ||
		    (name = xccdf_attr(k, "name")) == NULL)
			continue;
		if (xccdf_map_put(&c->cpe_items, name, k) != PLUMB_OK)
			return PLUMB_ENOMEM;
	}
	return PLUMB_OK;
}

/* ----------------------------------------------------------- tailoring */

static int
load_tailoring(struct xccdf_content *c, const struct xccdf_load_opts *o,
    struct plumb_err *err)
{
	struct parse_ctx pc = { c, NULL, err, 0, 0 };
	xmlNodePtr t = NULL, cref;
	int rc;

	if (o->tailoring_file != NULL) {
		pc.file = o->tailoring_file;
		if ((rc = xml_load_file(o->tailoring_file, &c->tailoring_xml,
		    err)) != PLUMB_OK)
			return rc;
		t = xmlDocGetRootElement(c->tailoring_xml);
		if (!xccdf_is(t, NULL, "Tailoring"))
			return err_at(err, PLUMB_EINVAL, pc.file, t,
			    "not an XCCDF Tailoring document", NULL);
	} else if (o->tailoring_id != NULL) {
		pc.file = c->path;
		if (!c->is_ds)
			return plumb_err_set(err, PLUMB_EINVAL,
			    "%s: --tailoring-id needs a data stream", c->path);
		if ((cref = xccdf_map_get(&c->crefs, o->tailoring_id)) ==
		    NULL)
			return plumb_err_set(err, PLUMB_ENOENT,
			    "%s: no component-ref '%s' in the stream",
			    c->path, o->tailoring_id);
		t = cref_target(c, cref);
		if (t == NULL || !xccdf_is(t, NULL, "Tailoring"))
			return err_at(err, PLUMB_EINVAL, c->path, cref,
			    "component is not an XCCDF Tailoring",
			    o->tailoring_id);
	} else
		return PLUMB_OK;
	c->tailoring = t;
	return parse_profiles(&pc, t, 1);
}

/* ---------------------------------------------------------- public */

/* What a lean load leaves out (xccdf_load_opts.lean): prose that only
 * the copies of the content and the HTML report show.  Rationale and
 * fixtext stay: the JSON summary carries them (capped). */
static const char *const lean_names[] = { "fix", "description",
    "warning", NULL };
static const struct xml_load_drop lean_drop = {
	"http://checklists.nist.gov/xccdf/", lean_names
};

/* A content with path, dir and the parsed document of path only. */
static int
content_new(const char *path, const struct xml_load_drop *drop,
    struct xccdf_content **out, struct plumb_err *err)
{
	struct xccdf_content *c;
	char *slash;
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if ((c->path = strdup(path)) == NULL || (c->dir = strdup(path)) ==
	    NULL) {
		xccdf_content_free(c);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	if ((slash = strrchr(c->dir, '/')) != NULL)
		slash[slash == c->dir ? 1 : 0] = '\0';
	else
		strcpy(c->dir, ".");
	if ((rc = xml_load_file_drop(path, drop, &c->xml, err)) != PLUMB_OK) {
		xccdf_content_free(c);
		return rc;
	}
	*out = c;
	return PLUMB_OK;
}

int
xccdf_content_open(const char *path, struct xccdf_content **out,
    struct plumb_err *err)
{
	int rc;

	if ((rc = content_new(path, NULL, out, err)) != PLUMB_OK)
		return rc;
	if (xccdf_is(xmlDocGetRootElement((*out)->xml), XCCDF_NS_DS,
	    "data-stream-collection")) {
		(*out)->is_ds = 1;
		if (index_ds(*out) != PLUMB_OK) {
			xccdf_content_free(*out);
			*out = NULL;
			return plumb_err_set(err, PLUMB_ENOMEM,
			    "%s: out of memory", path);
		}
	}
	return PLUMB_OK;
}

int
xccdf_content_cref(struct xccdf_content *c, xmlNodePtr cref,
    xmlNodePtr *out, struct plumb_err *err)
{
	return cref_resolve(c, cref, out, err);
}

int
xccdf_content_load(const char *path, const struct xccdf_load_opts *opts,
    struct xccdf_content **out, struct plumb_err *err)
{
	static const struct xccdf_load_opts none;
	struct xccdf_content *c;
	xmlNodePtr root, bm = NULL;
	int rc;

	*out = NULL;
	if (opts == NULL)
		opts = &none;
	if ((rc = content_new(path, opts->lean ? &lean_drop : NULL, &c,
	    err)) != PLUMB_OK)
		return rc;
	root = xmlDocGetRootElement(c->xml);
	if (xccdf_is(root, XCCDF_NS_DS, "data-stream-collection")) {
		c->is_ds = 1;
		if ((rc = ds_select(c, opts, &bm, err)) != PLUMB_OK)
			goto out;
		if ((rc = index_cpe_dict(c)) != PLUMB_OK)
			goto out;
	} else if (xccdf_is(root, NULL, "Benchmark")) {
		if (opts->datastream_id != NULL || opts->xccdf_id != NULL) {
			rc = plumb_err_set(err, PLUMB_EINVAL, "%s: not a "
			    "source data stream (--datastream-id, --xccdf-id)",
			    path);
			goto out;
		}
		if (opts->benchmark_id != NULL &&
		    strcmp(opts->benchmark_id, xccdf_attr(root, "id") != NULL ?
		    xccdf_attr(root, "id") : "") != 0) {
			rc = plumb_err_set(err, PLUMB_ENOENT,
			    "%s: no Benchmark '%s'", path, opts->benchmark_id);
			goto out;
		}
		bm = root;
	} else {
		rc = err_at(err, PLUMB_EINVAL, path, root,
		    "not a source data stream or an XCCDF Benchmark",
		    root != NULL ? (const char *)root->name : NULL);
		goto out;
	}
	if ((rc = parse_benchmark(c, bm, path, err)) != PLUMB_OK)
		goto out;
	if ((rc = load_tailoring(c, opts, err)) != PLUMB_OK)
		goto out;
	*out = c;
	c = NULL;
out:
	if (rc == PLUMB_ENOMEM && err != NULL && err->msg[0] == '\0')
		plumb_err_set(err, rc, "%s: out of memory", path);
	xccdf_content_free(c);
	return rc;
}

void
xccdf_content_free(struct xccdf_content *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->novals; i++) {
		oval_session_free(c->ovals[i]->session);
		oval_doc_free(c->ovals[i]->doc);
	}
	free(c->ovals);
	for (i = 0; i < c->next; i++) {
		xmlFreeDoc(c->ext[i].xml);
		free(c->ext[i].path);
		free(c->ext[i].dir);
	}
	free(c->ext);
	for (i = 0; i < c->narena; i++)
		free(c->arena[i]);
	free(c->arena);
	free(c->bm.profiles);
	free(c->bm.values);
	free(c->bm.rules);
	xccdf_map_clear(&c->comps);
	xccdf_map_clear(&c->crefs);
	xccdf_map_clear(&c->cpe_items);
	xccdf_map_clear(&c->platforms);
	xccdf_map_clear(&c->cpe_memo);
	xccdf_map_clear(&c->items);
	xccdf_map_clear(&c->values);
	xccdf_map_clear(&c->profiles);
	if (c->tailoring_xml != NULL)
		xmlFreeDoc(c->tailoring_xml);
	if (c->xml != NULL)
		xmlFreeDoc(c->xml);
	free(c->path);
	free(c->dir);
	free(c);
}

/* The uri a cat:catalog under cref maps name to, or NULL. */
static const char *
catalog_uri(xmlNodePtr cref, const char *name)
{
	xmlNodePtr cat, u;
	const char *n;

	if (cref == NULL)
		return NULL;
	for (cat = cref->children; cat != NULL; cat = cat->next) {
		if (!xccdf_is(cat, XCCDF_NS_CAT, "catalog"))
			continue;
		for (u = cat->children; u != NULL; u = u->next) {
			if (!xccdf_is(u, XCCDF_NS_CAT, "uri") ||
			    (n = xccdf_attr(u, "name")) == NULL ||
			    strcmp(n, name) != 0)
				continue;
			return xccdf_attr(u, "uri");
		}
	}
	return NULL;
}

/* Find the data stream component-ref for href; NULL when none. */
static xmlNodePtr
ds_href_cref(struct xccdf_content *c, const char *href, int cpe)
{
	const char *uri;
	size_t i, hl, kl;

	uri = catalog_uri(cpe ? c->dict_cref : c->checklist, href);
	if (uri == NULL)
		uri = catalog_uri(c->checklist2, href);
	if (uri == NULL)
		uri = catalog_uri(cpe ? c->checklist : c->dict_cref, href);
	if (uri == NULL && href[0] == '#')
		uri = href;
	if (uri != NULL)
		return uri[0] == '#' ? xccdf_map_get(&c->crefs, uri + 1) :
		    NULL;
	/* Last resort: a component-ref whose id ends with "_" + href, the
	 * naming the common data stream builders use. */
	hl = strlen(href);
	for (i = 0; i < c->crefs.cap; i++) {
		if (c->crefs.keys[i] == NULL)
			continue;
		kl = strlen(c->crefs.keys[i]);
		if (kl > hl && c->crefs.keys[i][kl - hl - 1] == '_' &&
		    strcmp(c->crefs.keys[i] + kl - hl, href) == 0)
			return c->crefs.vals[i];
	}
	return NULL;
}

int
xccdf_oval_get(struct xccdf_content *c, const char *href, int cpe,
    struct xccdf_oval_comp **out, struct plumb_err *err)
{
	struct xccdf_oval_comp *oc = NULL, **na;
	xmlNodePtr cref = NULL, t = NULL;
	const char *compid = NULL, *h;
	char *path = NULL;
	size_t i, len;
	int rc;

	*out = NULL;
	for (i = 0; i < c->novals; i++)
		if (c->ovals[i]->is_cpe == cpe &&
		    strcmp(c->ovals[i]->href, href) == 0) {
			if (c->ovals[i]->doc == NULL)
				return plumb_err_set(err, PLUMB_ENOTSUP,
				    "%s: check content '%s' did not load",
				    c->path, href);
			*out = c->ovals[i];
			return PLUMB_OK;
		}
	if (c->is_ds) {
		if ((cref = ds_href_cref(c, href, cpe)) == NULL)
			return plumb_err_set(err, PLUMB_ENOENT,
			    "%s: no component for check content '%s'",
			    c->path, href);
		h = attr_ns(cref, "href", XCCDF_NS_XLINK);
		compid = h != NULL && h[0] == '#' ? h + 1 : h;
		if ((rc = cref_resolve(c, cref, &t, err)) != PLUMB_OK)
			return rc;
		if (t == NULL)
			return err_at(err, PLUMB_ENOENT, c->path, cref,
			    "component-ref leads to no component", h);
		/* The same component under another name: share it. */
		for (i = 0; i < c->novals; i++)
			if (c->ovals[i]->comp_id != NULL &&
			    c->ovals[i]->doc != NULL &&
			    oval_doc_root(c->ovals[i]->doc) == t) {
				*out = c->ovals[i];
				return PLUMB_OK;
			}
	} else {
		if (href[0] == '/' || c->dir[0] == '\0')
			path = strdup(href);
		else {
			len = strlen(c->dir) + strlen(href) + 2;
			if ((path = malloc(len)) != NULL)
				snprintf(path, len, "%s/%s", c->dir, href);
		}
		if (path == NULL)
			return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		for (i = 0; i < c->novals; i++)
			if (c->ovals[i]->comp_id == NULL &&
			    c->ovals[i]->doc != NULL &&
			    strcmp(c->ovals[i]->path, path) == 0) {
				free(path);
				*out = c->ovals[i];
				return PLUMB_OK;
			}
	}
	if ((oc = xccdf_alloc(c, sizeof(*oc))) == NULL ||
	    (oc->href = xccdf_strdup(c, href)) == NULL ||
	    (oc->path = xccdf_strdup(c, path != NULL ? path : c->path)) ==
	    NULL || (compid != NULL && (oc->comp_id = xccdf_strdup(c,
	    compid)) == NULL)) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	oc->is_cpe = cpe;
	na = reallocarray(c->ovals, c->novals + 1, sizeof(*na));
	if (na == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	c->ovals = na;
	c->ovals[c->novals++] = oc;
	/* A failed load is remembered (doc NULL) so it is reported once. */
	if (c->is_ds) {
		if (!xccdf_is(t, OVAL_NS_DEF, "oval_definitions")) {
			rc = err_at(err, PLUMB_ENOTSUP, c->path, t,
			    "component is not OVAL definitions", href);
			goto out;
		}
		rc = oval_doc_from_xml(t->doc, t, 0, oc->href, &oc->doc, err);
	} else
		rc = oval_doc_load(path, &oc->doc, err);
	if (rc == PLUMB_OK)
		*out = oc;
out:
	free(path);
	return rc;
}

struct xccdf_benchmark *
xccdf_content_benchmark(struct xccdf_content *c)
{
	return &c->bm;
}

const char *
xccdf_content_path(const struct xccdf_content *c)
{
	return c->path;
}

xmlDocPtr
xccdf_content_xml(const struct xccdf_content *c)
{
	return c->xml;
}

int
xccdf_content_is_ds(const struct xccdf_content *c)
{
	return c->is_ds;
}

const char *
xccdf_content_stream_id(const struct xccdf_content *c)
{
	return c->stream_id;
}

const char *
xccdf_content_checklist_id(const struct xccdf_content *c)
{
	return c->checklist_id;
}

xmlNodePtr
xccdf_content_tailoring(const struct xccdf_content *c)
{
	return c->tailoring;
}

size_t
xccdf_content_oval_count(const struct xccdf_content *c)
{
	return c->novals;
}

struct xccdf_oval_comp *
xccdf_content_oval_nth(struct xccdf_content *c, size_t i)
{
	return i < c->novals ? c->ovals[i] : NULL;
}

struct xccdf_item *
xccdf_find_item(const struct xccdf_content *c, const char *id)
{
	return xccdf_map_get(&c->items, id);
}

struct xccdf_value *
xccdf_find_value(const struct xccdf_content *c, const char *id)
{
	return xccdf_map_get(&c->values, id);
}

struct xccdf_profile *
xccdf_find_profile(const struct xccdf_content *c, const char *id)
{
	return xccdf_map_get(&c->profiles, id);
}

const struct xccdf_profile *
xccdf_content_profile(const struct xccdf_content *c)
{
	return c->profile;
}
