/*
 * oval_eval.c - the OVAL definitions engine: definitions -> criteria ->
 * tests -> objects / states / variables, memoised per session.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "plumb/error.h"
#include "common/grow.h"
#include "plumb/item.h"
#include "plumb/probe.h"
#include "plumb/values.h"
#include "oval_cmp.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "oval_func.h"
#include "oval_result.h"
#include "xml_load.h"

#define XSI_NS		"http://www.w3.org/2001/XMLSchema-instance"
#define MAX_DEPTH	256	/* nesting of criteria, sets and variables */

struct ext_binding {
	char *id;
	struct oval_values vals;
};

struct oval_session {
	const struct oval_doc *doc;
	char *root;
	time_t now;
	void **memo;			/* per doc node, by kind */
	unsigned char *busy;		/* per doc node: evaluation under way */
	struct ext_binding *ext;
	size_t next;
	size_t capext;
	struct oval_item_list items;	/* interned, item i has id i + 1 */
	size_t *ihash;			/* open addressing: index + 1 */
	size_t nihash;
	const char **var_ids;
	struct probe_env penv;
	int depth;
	int warned_none_exist;		/* the deprecation said once */
	int saw_invalid;		/* a variable used was invalid */
	char *cwd;			/* working directory, on first need */
	struct obj_stash **stash;	/* per doc node: collected in a batch */
};

/* An object collected in a batch with another, waiting to be needed. */
struct obj_stash {
	struct probe_result res;
	struct oval_var_uses vars;
};

static int var_eval(struct oval_session *, const char *,
    const struct oval_var_res **);
static int obj_collect(struct oval_session *, const struct oval_node *,
    const struct oval_obj_res **);
static int def_eval(struct oval_session *, const struct oval_node *,
    const struct oval_def_res **);
static enum oval_result state_eval(struct oval_session *,
    const struct oval_node *, const struct oval_item *,
    struct oval_var_uses *, struct plumb_err *);
static int state_uses(struct oval_session *, const struct oval_node *,
    const char *);

/* Longest working directory + relative path resolved (rel_paths). */
#define OVAL_REL_PATH_MAX	4096

/* ------------------------------------------------------------ helpers */

/* Local name of an element, e.g. "textfilecontent54_object". */
static const char *
ename(xmlNodePtr n)
{
	return (const char *)n->name;
}

static int
is_nil(xmlNodePtr n)
{
	xmlAttrPtr a = xmlHasNsProp(n, BAD_CAST "nil", BAD_CAST XSI_NS);

	return a != NULL && a->children != NULL &&
	    a->children->content != NULL &&
	    (strcmp((const char *)a->children->content, "true") == 0 ||
	    strcmp((const char *)a->children->content, "1") == 0);
}

/* Parse an enumerated attribute, falling back to the default on absence;
 * an invalid spelling is reported through *bad. */
#define ATTR_ENUM(node, name, parse, out, bad) do {			\
	const char *v_ = oval_attr((node), (name));			\
	if (parse(v_, (out)) != 0) {					\
		parse(NULL, (out));					\
		*(bad) = (name);					\
	}								\
} while (0)

/* A newly allocated message (NULL on ENOMEM, which only loses text). */
static char *msgf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
msgf(const char *fmt, ...)
{
	char buf[PLUMB_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return strdup(buf);
}

/* Record that var_id (with its memoised values) was used. */
static int
uses_add(struct oval_var_uses *u, const struct oval_var_res *vr)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (strcmp(u->v[i].var_id, vr->n->id) == 0)
			return PLUMB_OK;
	if (grow_array(&u->v, u->n, &u->cap, sizeof(*u->v), 4) != 0)
		return PLUMB_ENOMEM;
	u->v[u->n].var_id = vr->n->id;
	u->v[u->n].vals = &vr->vals;
	u->n++;
	return PLUMB_OK;
}

/* ------------------------------------------------------ item interning */

static uint64_t
hash_str(uint64_t h, const char *s)
{
	if (s == NULL)
		return (h ^ 0xff) * 1099511628211ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (h ^ 0) * 1099511628211ULL;
}

static uint64_t
hash_fields(uint64_t h, const struct oval_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h = hash_str(h, f[i].name);
		h = hash_str(h, f[i].value);
		h = (h ^ (unsigned)f[i].status) * 1099511628211ULL;
		h = hash_fields(h, f[i].sub, f[i].nsub);
	}
	return h;
}

static uint64_t
item_hash(const struct oval_item *it)
{
	uint64_t h = 1469598103934665603ULL;

	h = hash_str(h, it->ns);
	h = hash_str(h, it->type);
	h = (h ^ (unsigned)it->status) * 1099511628211ULL;
	return hash_fields(h, it->fields, it->nfields);
}

static int
ihash_grow(struct oval_session *s)
{
	size_t n = s->nihash ? s->nihash * 2 : 1024, i, j;
	size_t *t;

	if ((t = calloc(n, sizeof(*t))) == NULL)
		return PLUMB_ENOMEM;
	for (i = 0; i < s->items.n; i++) {
		j = item_hash(s->items.v[i]) & (n - 1);
		while (t[j] != 0)
			j = (j + 1) & (n - 1);
		t[j] = i + 1;
	}
	free(s->ihash);
	s->ihash = t;
	s->nihash = n;
	return PLUMB_OK;
}

/*
 * Replace *itp (a probe's item, reference taken over) by the session's
 * equal item, so items shared by objects are stored and reported once.
 * *itp becomes a new reference to the interned item.
 */
static int
item_intern(struct oval_session *s, struct oval_item **itp)
{
	struct oval_item *it = *itp;
	size_t j;
	int rc;

	if ((s->items.n + 1) * 2 > s->nihash && (rc = ihash_grow(s)) != 0)
		return rc;
	j = item_hash(it) & (s->nihash - 1);
	while (s->ihash[j] != 0) {
		struct oval_item *o = s->items.v[s->ihash[j] - 1];

		if (oval_item_equal(o, it)) {
			oval_item_unref(it);
			*itp = oval_item_ref(o);
			return PLUMB_OK;
		}
		j = (j + 1) & (s->nihash - 1);
	}
	it->id = s->items.n + 1;
	if ((rc = oval_item_list_take(&s->items, oval_item_ref(it))) != 0) {
		*itp = NULL;
		oval_item_unref(it);
		return rc;
	}
	s->ihash[j] = s->items.n;
	return PLUMB_OK;
}

/* ----------------------------------------------------------- variables */

static struct ext_binding *
ext_find(struct oval_session *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->next; i++)
		if (strcmp(s->ext[i].id, id) == 0)
			return &s->ext[i];
	return NULL;
}

int
oval_session_set_external(struct oval_session *s, const char *id,
    const struct oval_values *vals, struct plumb_err *err)
{
	struct ext_binding *b;
	struct oval_values copy;

	if (oval_values_copy(&copy, vals) != 0)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if ((b = ext_find(s, id)) != NULL) {
		oval_values_clear(&b->vals);
		b->vals = copy;
		return PLUMB_OK;
	}
	if (grow_array(&s->ext, s->next, &s->capext, sizeof(*s->ext),
	    16) != 0)
		goto nomem;
	if ((s->ext[s->next].id = strdup(id)) == NULL)
		goto nomem;
	s->ext[s->next++].vals = copy;
	return PLUMB_OK;
nomem:
	oval_values_clear(&copy);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

int
oval_session_load_variables(struct oval_session *s, const char *path,
    struct plumb_err *err)
{
	xmlDocPtr xml = NULL;
	xmlNodePtr root, sec, v, c;
	struct oval_values vals;
	const char *id, *dt;
	enum oval_datatype t;
	char *text;
	int rc;

	oval_values_init(&vals, OVAL_DT_STRING);
	if ((rc = xml_load_file(path, &xml, err)) != 0)
		return rc;
	root = xmlDocGetRootElement(xml);
	if (root == NULL || root->ns == NULL ||
	    strcmp((const char *)root->ns->href, OVAL_NS_VARS) != 0 ||
	    strcmp(ename(root), "oval_variables") != 0) {
		rc = plumb_err_set(err, PLUMB_EINVAL,
		    "%s: not an OVAL variables document", path);
		goto out;
	}
	for (sec = oval_elem(root->children); sec; sec = oval_elem(sec->next)) {
		if (strcmp(ename(sec), "variables") != 0)
			continue;
		for (v = oval_elem(sec->children); v; v = oval_elem(v->next)) {
			id = oval_attr(v, "id");
			dt = oval_attr(v, "datatype");
			if (id == NULL || oval_datatype_parse(dt, &t) != 0) {
				rc = plumb_err_set(err, PLUMB_EINVAL,
				    "%s:%ld: variable without a valid id or "
				    "datatype", path, xmlGetLineNo(v));
				goto out;
			}
			oval_values_init(&vals, t);
			for (c = oval_elem(v->children); c;
			    c = oval_elem(c->next)) {
				if (strcmp(ename(c), "value") != 0)
					continue;
				if ((text = oval_text(c)) == NULL ||
				    oval_values_take(&vals, text) != 0) {
					rc = plumb_err_set(err, PLUMB_ENOMEM,
					    "out of memory");
					goto out;
				}
			}
			if ((rc = oval_session_set_external(s, id, &vals,
			    err)) != 0)
				goto out;
			oval_values_clear(&vals);
		}
	}
	rc = PLUMB_OK;
out:
	oval_values_clear(&vals);
	xmlFreeDoc(xml);
	return rc;
}

/* Does value v satisfy the possible_value / possible_restriction
 * children of an external_variable (none at all: anything goes)? */
static int
ext_allowed(xmlNodePtr var, enum oval_datatype dt, const char *v)
{
	xmlNodePtr c, r;
	struct oval_rcount rc;
	enum oval_operation op;
	enum oval_operator opr;
	char *text;
	int any = 0, ok = 0;

	for (c = oval_elem(var->children); c && !ok; c = oval_elem(c->next)) {
		if (oval_is(c, "possible_value")) {
			any = 1;
			if ((text = oval_text(c)) == NULL)
				return 0;
			ok = oval_cmp(dt, OVAL_OP_EQUALS, v, text, NULL) ==
			    OVAL_R_TRUE;
			free(text);
		} else if (oval_is(c, "possible_restriction")) {
			any = 1;
			memset(&rc, 0, sizeof(rc));
			if (oval_operator_parse(oval_attr(c, "operator"),
			    &opr) != 0)
				return 0;
			for (r = oval_elem(c->children); r;
			    r = oval_elem(r->next)) {
				if (!oval_is(r, "restriction"))
					continue;
				if (oval_operation_parse(oval_attr(r,
				    "operation"), &op) != 0 ||
				    (text = oval_text(r)) == NULL)
					return 0;
				oval_rcount_add(&rc, oval_cmp(dt, op, v, text,
				    NULL));
				free(text);
			}
			ok = oval_result_operator(opr, &rc) == OVAL_R_TRUE;
		}
	}
	return !any || ok;
}

/* Values of an external_variable from the session's bindings. */
static int
var_external(struct oval_session *s, struct oval_var_res *vr)
{
	struct ext_binding *b = ext_find(s, vr->n->id);
	size_t i;
	int rc;

	if (b == NULL) {
		vr->rc = PLUMB_ENOENT;
		vr->msg = msgf("external variable %s has no value "
		    "(give one with --variables)", vr->n->id);
		return PLUMB_OK;
	}
	for (i = 0; i < b->vals.n; i++) {
		if (!ext_allowed(vr->n->node, vr->vals.dt, b->vals.v[i])) {
			vr->rc = PLUMB_EINVAL;
			vr->invalid = 1;
			vr->msg = msgf("value '%s' of external "
			    "variable %s is not one of its possible values",
			    b->vals.v[i], vr->n->id);
			return PLUMB_OK;
		}
		if ((rc = oval_values_add(&vr->vals, b->vals.v[i])) != 0)
			return rc;
	}
	return PLUMB_OK;
}

/* oval_func callback: values of another variable. */
static int
func_variable(void *eng, const char *id, struct oval_values *out,
    struct plumb_err *err)
{
	const struct oval_var_res *vr;
	int rc;

	oval_values_init(out, OVAL_DT_STRING);
	if ((rc = var_eval(eng, id, &vr)) != 0)
		return plumb_err_set(err, rc, "variable %s: %s", id,
		    plumb_strerror(rc));
	if (vr->invalid)
		((struct oval_session *)eng)->saw_invalid = 1;
	if (vr->rc != 0)
		return plumb_err_set(err, vr->rc, "%s",
		    vr->msg ? vr->msg : plumb_strerror(vr->rc));
	return oval_values_copy(out, &vr->vals);
}

/* Add the values of field name (or its record sub-field) of it; *seen
 * is set when it has that field (and sub-field) at all. */
static int
field_values(const struct oval_item *it, const char *name, const char *rec,
    struct oval_values *out, int *seen)
{
	const struct oval_field *f;
	size_t pos = 0, i;
	int rc;

	while ((f = oval_item_field(it, name, &pos)) != NULL) {
		for (i = 0; rec != NULL && i < f->nsub && !*seen; i++)
			*seen = strcmp(f->sub[i].name, rec) == 0;
		if (rec == NULL)
			*seen = 1;
		if (rec == NULL) {
			if (f->status != OVAL_ST_EXISTS || f->value == NULL)
				continue;
			out->dt = f->dt;
			if ((rc = oval_values_add(out, f->value)) != 0)
				return rc;
			continue;
		}
		for (i = 0; i < f->nsub; i++) {
			if (strcmp(f->sub[i].name, rec) != 0 ||
			    f->sub[i].status != OVAL_ST_EXISTS ||
			    f->sub[i].value == NULL)
				continue;
			out->dt = f->sub[i].dt;
			if ((rc = oval_values_add(out, f->sub[i].value)) != 0)
				return rc;
		}
	}
	return PLUMB_OK;
}

/* oval_func callback: values of an item field across an object's items. */
static int
func_object(void *eng, const char *obj_id, const char *item_field,
    const char *record_field, struct oval_values *out, struct plumb_err *err)
{
	struct oval_session *s = eng;
	const struct oval_node *n = oval_doc_get(s->doc, obj_id);
	const struct oval_obj_res *or;
	size_t i;
	int rc, seen = 0;

	oval_values_init(out, OVAL_DT_STRING);
	if (n == NULL || n->kind != OVAL_K_OBJ)
		return plumb_err_set(err, PLUMB_ENOENT,
		    "object_component refers to unknown object %s", obj_id);
	if ((rc = obj_collect(s, n, &or)) != 0)
		return plumb_err_set(err, rc, "object %s: %s", obj_id,
		    rc == PLUMB_ELIMIT ? "reference cycle" :
		    plumb_strerror(rc));
	if (or->flag == OVAL_FLAG_ERROR)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "object %s could not be collected%s%s", obj_id,
		    or->msg ? ": " : "", or->msg ? or->msg : "");
	for (i = 0; i < or->items.n; i++)
		if ((rc = field_values(or->items.v[i], item_field,
		    record_field, out, &seen)) != 0)
			return plumb_err_set(err, rc, "out of memory");
	/* Items that do not have the field named (ObjectComponentType
	 * item_field, record_field): the component names nothing there
	 * is, an error rather than "no value". */
	if (or->items.n > 0 && !seen) {
		s->saw_invalid = 1;
		return plumb_err_set(err, PLUMB_EINVAL, "the items of object "
		    "%s have no %s%s%s%s", obj_id, record_field != NULL ?
		    "record field " : "field ", record_field != NULL ?
		    record_field : item_field, record_field != NULL ?
		    " in " : "", record_field != NULL ? item_field : "");
	}
	return PLUMB_OK;
}

/* Evaluate the variable id (memoised). Content errors land in (*out)->rc. */
static int
var_eval(struct oval_session *s, const char *id,
    const struct oval_var_res **out)
{
	const struct oval_node *n = oval_doc_get(s->doc, id);
	struct oval_func_env env;
	struct oval_var_res *vr;
	struct plumb_err err;
	enum oval_datatype dt;
	xmlNodePtr c;
	char *text;
	int rc = PLUMB_OK, saw = 0;

	*out = NULL;
	if (n == NULL || n->kind != OVAL_K_VAR)
		return PLUMB_ENOENT;
	if ((vr = s->memo[n->idx]) != NULL) {
		*out = vr;
		return PLUMB_OK;
	}
	if (s->busy[n->idx] || s->depth >= MAX_DEPTH)
		return PLUMB_ELIMIT;
	if ((vr = calloc(1, sizeof(*vr))) == NULL)
		return PLUMB_ENOMEM;
	vr->n = n;
	if (oval_datatype_parse(oval_attr(n->node, "datatype"), &dt) != 0)
		dt = OVAL_DT_STRING;
	oval_values_init(&vr->vals, dt);
	s->busy[n->idx] = 1;
	s->depth++;
	if (strcmp(ename(n->node), "constant_variable") == 0) {
		for (c = oval_elem(n->node->children); c;
		    c = oval_elem(c->next)) {
			if (!oval_is(c, "value"))
				continue;
			if ((text = oval_text(c)) == NULL ||
			    (rc = oval_values_take(&vr->vals, text)) != 0) {
				rc = PLUMB_ENOMEM;
				break;
			}
		}
	} else if (strcmp(ename(n->node), "external_variable") == 0) {
		rc = var_external(s, vr);
	} else if (strcmp(ename(n->node), "local_variable") == 0) {
		for (c = oval_elem(n->node->children); c;
		    c = oval_elem(c->next))
			if (!oval_is(c, "notes"))
				break;
		env.eng = s;
		env.variable = func_variable;
		env.object = func_object;
		env.now = s->now;
		err.code = 0;
		err.msg[0] = '\0';
		if (c == NULL) {
			vr->rc = PLUMB_EINVAL;
			vr->msg = msgf("local variable %s has no "
			    "component", id);
		} else if ((saw = s->saw_invalid, s->saw_invalid = 0,
		    vr->rc = oval_func_eval(&env, c, dt, &vr->vals, &err)) !=
		    0) {
			vr->invalid = s->saw_invalid;
			oval_values_clear(&vr->vals);
			vr->msg = strdup(err.msg[0] ? err.msg :
			    plumb_strerror(vr->rc));
			if (vr->rc == PLUMB_ENOMEM)
				rc = PLUMB_ENOMEM;
		}
		s->saw_invalid |= saw;
		vr->vals.dt = dt;
	} else {
		vr->rc = PLUMB_ENOTSUP;
		vr->msg = msgf("unknown variable type <%s>",
		    ename(n->node));
	}
	s->depth--;
	s->busy[n->idx] = 0;
	s->memo[n->idx] = vr;
	*out = vr;
	return rc;
}

/* ------------------------------------------------------------- objects */

static int
env_var_ids(void *eng, const char *const **ids, size_t *n)
{
	struct oval_session *s = eng;

	*ids = s->var_ids;
	*n = oval_doc_count(s->doc, OVAL_K_VAR);
	return PLUMB_OK;
}

static int
env_var_values(void *eng, const char *id, struct oval_values *out,
    struct plumb_err *err)
{
	return func_variable(eng, id, out, err);
}

/* Flag tables for two-operand sets, [obj2 flag][obj1 flag]. */
#define E OVAL_FLAG_ERROR
#define C OVAL_FLAG_COMPLETE
#define I OVAL_FLAG_INCOMPLETE
#define D OVAL_FLAG_DOES_NOT_EXIST
#define N OVAL_FLAG_NOT_COLLECTED
#define A OVAL_FLAG_NOT_APPLICABLE
static const enum oval_flag set_flags[3][OVAL_FLAG__COUNT][OVAL_FLAG__COUNT] = {
	{	/* UNION */
		{ E, E, E, E, E, E },
		{ E, C, I, C, I, C },
		{ E, I, I, I, I, I },
		{ E, C, I, D, I, D },
		{ E, I, I, I, N, N },
		{ E, C, I, D, N, A },
	}, {	/* INTERSECTION */
		{ E, E, E, D, E, E },
		{ E, C, I, D, N, C },
		{ E, I, I, D, N, I },
		{ D, D, D, D, D, D },
		{ E, N, N, D, N, N },
		{ E, C, I, D, N, A },
	}, {	/* COMPLEMENT */
		{ E, E, E, D, E, E },
		{ E, C, I, D, N, E },
		{ E, E, E, D, N, E },
		{ E, C, I, D, N, E },
		{ E, N, N, D, N, E },
		{ E, E, E, E, E, E },
	}
};
#undef E
#undef C
#undef I
#undef D
#undef N
#undef A

static int
list_has(const struct oval_item_list *l, const struct oval_item *it)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == it)
			return 1;
	return 0;
}

/* Append a reference to it unless the list holds it already. */
static int
list_add_unique(struct oval_item_list *l, struct oval_item *it)
{
	if (list_has(l, it))
		return PLUMB_OK;
	return oval_item_list_take(l, oval_item_ref(it));
}

#define MAX_FILTERS	32

/* The <filter> children of an object or set, resolved once. */
struct filters {
	struct oval_session *s;
	struct oval_var_uses *uses;
	const struct oval_node *ste[MAX_FILTERS];
	int include[MAX_FILTERS];
	size_t n;
};

/* Resolve parent's filters into f; PLUMB_EINVAL (with *msg) for an
 * unknown state or too many filters. */
static int
filters_resolve(struct oval_session *s, xmlNodePtr parent,
    struct oval_var_uses *uses, struct filters *f, char **msg)
{
	const char *action;
	xmlNodePtr c;
	char *id;

	f->s = s;
	f->uses = uses;
	f->n = 0;
	for (c = oval_elem(parent->children); c; c = oval_elem(c->next)) {
		if (!oval_is(c, "filter"))
			continue;
		if (f->n == MAX_FILTERS) {
			free(*msg);
			*msg = msgf("more than %d filters", MAX_FILTERS);
			return PLUMB_EINVAL;
		}
		if ((id = oval_text(c)) == NULL)
			return PLUMB_ENOMEM;
		f->ste[f->n] = oval_doc_get(s->doc, id);
		if (f->ste[f->n] == NULL || f->ste[f->n]->kind != OVAL_K_STE) {
			free(*msg);
			*msg = msgf("filter refers to unknown state %s", id);
			free(id);
			return PLUMB_EINVAL;
		}
		free(id);
		action = oval_attr(c, "action");
		f->include[f->n++] = action != NULL &&
		    strcmp(action, "include") == 0;
	}
	return PLUMB_OK;
}

/* Does item it survive every filter (exclude drops the items that
 * satisfy the state, include keeps only those)? */
static int
filters_keep(void *arg, const struct oval_item *it)
{
	struct filters *f = arg;
	size_t i;
	int hit;

	for (i = 0; i < f->n; i++) {
		hit = state_eval(f->s, f->ste[i], it, f->uses, NULL) ==
		    OVAL_R_TRUE;
		if (hit != f->include[i])
			return 0;
	}
	return 1;
}

/* May any filter's state look at item field name?  (Yes when a state
 * cannot be compiled: the probe must then give every field.) */
static int
filters_uses(void *arg, const char *name)
{
	struct filters *f = arg;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (state_uses(f->s, f->ste[i], name))
			return 1;
	return 0;
}

/* Let the probe apply f as it emits items into pres. */
static void
filters_hook(struct filters *f, struct probe_result *pres)
{
	if (f->n == 0)
		return;
	pres->keep = filters_keep;
	pres->keep_uses = filters_uses;
	pres->keep_arg = f;
}

/* Apply the <filter> children of parent to a list of items. */
static int
apply_filters(struct oval_session *s, xmlNodePtr parent,
    struct oval_item_list *items, struct oval_var_uses *uses, char **msg)
{
	struct filters f;
	size_t i, j;
	int rc;

	if ((rc = filters_resolve(s, parent, uses, &f, msg)) != 0 ||
	    f.n == 0)
		return rc;
	for (i = j = 0; i < items->n; i++) {
		if (filters_keep(&f, items->v[i]))
			items->v[j++] = items->v[i];
		else
			oval_item_unref(items->v[i]);
	}
	items->n = j;
	return PLUMB_OK;
}

/* One operand of a set: an object_reference or a nested set. */
static int set_eval(struct oval_session *, xmlNodePtr, enum oval_flag *,
    struct oval_item_list *, struct oval_var_uses *, char **);

static int
set_operand(struct oval_session *s, xmlNodePtr c, enum oval_flag *flag,
    struct oval_item_list *items, struct oval_var_uses *uses, char **msg)
{
	const struct oval_node *n;
	const struct oval_obj_res *or;
	char *id;
	size_t i;
	int rc;

	if (oval_is(c, "set"))
		return set_eval(s, c, flag, items, uses, msg);
	if ((id = oval_text(c)) == NULL)
		return PLUMB_ENOMEM;
	n = oval_doc_get(s->doc, id);
	if (n == NULL || n->kind != OVAL_K_OBJ) {
		*flag = OVAL_FLAG_ERROR;
		free(*msg);
		*msg = msgf("object_reference to unknown object %s",
		    id);
		free(id);
		return PLUMB_OK;
	}
	free(id);
	if ((rc = obj_collect(s, n, &or)) == PLUMB_ELIMIT) {
		*flag = OVAL_FLAG_ERROR;
		free(*msg);
		*msg = msgf("object %s is part of a reference cycle",
		    n->id);
		return PLUMB_OK;
	}
	if (rc != 0)
		return rc;
	*flag = or->flag;
	for (i = 0; i < or->items.n; i++)
		if ((rc = oval_item_list_take(items,
		    oval_item_ref(or->items.v[i]))) != 0)
			return rc;
	return PLUMB_OK;
}

/* Evaluate a <set> into a flag and a unique list of items. */
static int
set_eval(struct oval_session *s, xmlNodePtr set, enum oval_flag *flag,
    struct oval_item_list *items, struct oval_var_uses *uses, char **msg)
{
	struct oval_item_list ops[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	enum oval_flag fl[2] = { OVAL_FLAG_COMPLETE, OVAL_FLAG_COMPLETE };
	enum oval_set_op op;
	xmlNodePtr c;
	size_t nops = 0, i;
	int rc = PLUMB_OK;

	if (s->depth >= MAX_DEPTH) {
		*flag = OVAL_FLAG_ERROR;
		return PLUMB_OK;
	}
	s->depth++;
	if (oval_set_op_parse(oval_attr(set, "set_operator"), &op) != 0) {
		*flag = OVAL_FLAG_ERROR;
		free(*msg);
		*msg = msgf("invalid set_operator '%s'",
		    oval_attr(set, "set_operator"));
		goto out;
	}
	for (c = oval_elem(set->children); c; c = oval_elem(c->next)) {
		if (!oval_is(c, "set") && !oval_is(c, "object_reference"))
			continue;
		if (nops == 2) {
			*flag = OVAL_FLAG_ERROR;
			free(*msg);
			*msg = msgf("a set has more than two "
			    "operands");
			goto out;
		}
		if ((rc = set_operand(s, c, &fl[nops], &ops[nops], uses,
		    msg)) != 0)
			goto out;
		/* Filters belong to the referenced objects' items. */
		if (oval_is(c, "object_reference") &&
		    (rc = apply_filters(s, set, &ops[nops], uses, msg)) != 0) {
			if (rc != PLUMB_EINVAL)
				goto out;
			fl[nops] = OVAL_FLAG_ERROR;
			rc = PLUMB_OK;
		}
		nops++;
	}
	if (nops == 0) {
		*flag = OVAL_FLAG_ERROR;
		free(*msg);
		*msg = msgf("empty set");
		goto out;
	}
	if (nops == 1) {
		*flag = fl[0];
		for (i = 0; i < ops[0].n; i++)
			if ((rc = list_add_unique(items, ops[0].v[i])) != 0)
				goto out;
		goto out;
	}
	*flag = set_flags[op][fl[1]][fl[0]];
	for (i = 0; i < ops[0].n; i++) {
		int in1 = list_has(&ops[1], ops[0].v[i]);

		if ((op == OVAL_SETOP_UNION) ||
		    (op == OVAL_SETOP_INTERSECTION && in1) ||
		    (op == OVAL_SETOP_COMPLEMENT && !in1))
			if ((rc = list_add_unique(items, ops[0].v[i])) != 0)
				goto out;
	}
	if (op == OVAL_SETOP_UNION)
		for (i = 0; i < ops[1].n; i++)
			if ((rc = list_add_unique(items, ops[1].v[i])) != 0)
				goto out;
out:
	s->depth--;
	oval_item_list_clear(&ops[0]);
	oval_item_list_clear(&ops[1]);
	return rc;
}

/* The probe request's entity table, resolved from the object's children. */
struct req_build {
	struct probe_ent *ents;
	struct oval_values *own;	/* literal values, one per entity */
	size_t n;
	struct probe_behavior *beh;
	size_t nbeh;
};

static void
req_build_free(struct req_build *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		oval_values_clear(&b->own[i]);
	free(b->ents);
	free(b->own);
	free(b->beh);
}

/* Is v a path relative to the working directory: ".", "..", or one
 * starting with "./" or "../"? */
static int
rel_dotted(const char *v)
{
	if (v[0] != '.')
		return 0;
	if (v[1] == '.')
		v++;
	return v[1] == '\0' || v[1] == '/';
}

/*
 * cwd + "/" + v into out (outlen bytes) with "." and ".." segments
 * folded (".." of "/" stays "/").  PLUMB_ELIMIT when it does not fit.
 */
static int
rel_join(const char *cwd, const char *v, char *out, size_t outlen)
{
	const char *p, *seg;
	size_t len, sl;

	if (strlen(cwd) >= outlen)
		return PLUMB_ELIMIT;
	len = strlen(cwd);
	memcpy(out, cwd, len + 1);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	for (p = v; *p != '\0'; p = seg + sl) {
		while (*p == '/')
			p++;
		seg = p;
		sl = strcspn(seg, "/");
		if (sl == 0)
			break;
		if (sl == 1 && seg[0] == '.')
			continue;
		if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
			while (len > 1 && out[len - 1] != '/')
				len--;
			if (len > 1)
				len--;
			out[len] = '\0';
			continue;
		}
		if (len + sl + 2 > outlen)
			return PLUMB_ELIMIT;
		if (len > 1 || out[0] != '/')
			out[len++] = '/';
		memcpy(out + len, seg, sl);
		len += sl;
		out[len] = '\0';
	}
	return PLUMB_OK;
}

/*
 * A path or filepath entity given relative to the working directory
 * ("." or "./x", outside the schema's absolute paths but found in real
 * content) names what the reference evaluator finds there: rewrite its
 * values as absolute paths from the agent's working directory (under
 * --root, that directory inside the root).  The values go to own.
 */
static int
rel_paths(struct oval_session *s, struct probe_ent *e, struct oval_values *own)
{
	struct oval_values tmp;
	char buf[OVAL_REL_PATH_MAX];
	size_t i;
	int rc, any = 0;

	if ((strcmp(e->name, "path") != 0 && strcmp(e->name, "filepath") !=
	    0) || e->op != OVAL_OP_EQUALS || e->nil)
		return PLUMB_OK;
	for (i = 0; i < e->vals->n && !any; i++)
		any = rel_dotted(e->vals->v[i]);
	if (!any)
		return PLUMB_OK;
	if (s->cwd == NULL) {
		if (getcwd(buf, sizeof(buf)) == NULL)
			return PLUMB_OK;	/* nothing to resolve against */
		if ((s->cwd = strdup(buf)) == NULL)
			return PLUMB_ENOMEM;
	}
	oval_values_init(&tmp, e->vals->dt);
	for (i = 0; i < e->vals->n; i++) {
		if (!rel_dotted(e->vals->v[i]))
			rc = oval_values_add(&tmp, e->vals->v[i]);
		else if (rel_join(s->cwd, e->vals->v[i], buf, sizeof(buf)) !=
		    PLUMB_OK)
			rc = oval_values_add(&tmp, e->vals->v[i]);
		else
			rc = oval_values_add(&tmp, buf);
		if (rc != 0) {
			oval_values_clear(&tmp);
			return rc;
		}
	}
	oval_values_clear(own);
	*own = tmp;
	e->vals = own;
	return PLUMB_OK;
}

/*
 * Resolve the object's entities.  Content problems set *flag (error,
 * or does not exist for a variable without values) and *msg.
 */
static int
req_build(struct oval_session *s, const struct oval_node *n,
    struct req_build *b, struct oval_var_uses *uses, enum oval_flag *flag,
    char **msg)
{
	const struct oval_var_res *vr;
	struct probe_ent *e;
	xmlNodePtr c;
	xmlAttrPtr a;
	const char *bad = NULL, *ref;
	size_t cnt = 0;
	char *text;
	int rc;

	cnt = xmlChildElementCount(n->node);
	b->ents = calloc(cnt + 1, sizeof(*b->ents));
	b->own = calloc(cnt + 1, sizeof(*b->own));
	if (b->ents == NULL || b->own == NULL)
		return PLUMB_ENOMEM;
	for (c = oval_elem(n->node->children); c; c = oval_elem(c->next)) {
		if (oval_is(c, "notes") || oval_is(c, "filter") ||
		    oval_is(c, "set"))
			continue;
		if (strcmp(ename(c), "behaviors") == 0) {
			size_t nattr = 0;

			for (a = c->properties; a; a = a->next)
				nattr++;
			free(b->beh);
			b->nbeh = 0;
			if ((b->beh = calloc(nattr + 1, sizeof(*b->beh))) ==
			    NULL)
				return PLUMB_ENOMEM;
			for (a = c->properties; a; a = a->next) {
				b->beh[b->nbeh].name = (const char *)a->name;
				b->beh[b->nbeh].value =
				    oval_attr(c, (const char *)a->name);
				if (b->beh[b->nbeh].value != NULL)
					b->nbeh++;
			}
			continue;
		}
		e = &b->ents[b->n];
		oval_values_init(&b->own[b->n], OVAL_DT_STRING);
		b->n++;
		e->name = ename(c);
		ATTR_ENUM(c, "datatype", oval_datatype_parse, &e->dt, &bad);
		ATTR_ENUM(c, "operation", oval_operation_parse, &e->op, &bad);
		ATTR_ENUM(c, "var_check", oval_check_parse, &e->var_check,
		    &bad);
		if (bad != NULL) {
			*flag = OVAL_FLAG_ERROR;
			free(*msg);
			*msg = msgf("invalid %s on <%s>", bad,
			    e->name);
			return PLUMB_OK;
		}
		e->nil = is_nil(c);
		e->vals = &b->own[b->n - 1];
		b->own[b->n - 1].dt = e->dt;
		if ((ref = oval_attr(c, "var_ref")) != NULL) {
			if ((rc = var_eval(s, ref, &vr)) != 0) {
				if (rc == PLUMB_ENOMEM)
					return rc;
				*flag = OVAL_FLAG_ERROR;
				free(*msg);
				*msg = msgf("cannot evaluate "
				    "variable %s%s", ref, rc == PLUMB_ENOENT ?
				    " (no such variable)" : " (a cycle)");
				return PLUMB_OK;
			}
			if ((rc = uses_add(uses, vr)) != 0)
				return rc;
			/*
			 * A variable that cannot be evaluated has no value,
			 * and an object referring to a variable without
			 * values does not exist (EntityAttributeGroup,
			 * var_check); the reason stays in the message.  A
			 * reference cycle, and an external value outside
			 * the variable's possible values, are broken
			 * content: an error.
			 */
			if (vr->rc != 0) {
				*flag = vr->rc == PLUMB_ELIMIT || vr->invalid ?
				    OVAL_FLAG_ERROR : OVAL_FLAG_DOES_NOT_EXIST;
				free(*msg);
				*msg = msgf("%s", vr->msg ? vr->msg :
				    plumb_strerror(vr->rc));
				return PLUMB_OK;
			}
			if (vr->vals.n == 0) {
				*flag = OVAL_FLAG_DOES_NOT_EXIST;
				free(*msg);
				*msg = msgf("variable %s has no "
				    "values", ref);
				return PLUMB_OK;
			}
			e->vals = &vr->vals;
		} else if (e->nil)
			continue;
		else if ((text = oval_text(c)) == NULL ||
		    oval_values_take(&b->own[b->n - 1], text) != 0)
			return PLUMB_ENOMEM;
		if ((rc = rel_paths(s, e, &b->own[b->n - 1])) != 0)
			return rc;
	}
	return PLUMB_OK;
}

/* The probe request for object n from its resolved entities b. */
static void
req_fill(struct oval_session *s, const struct oval_node *n,
    const struct req_build *b, struct probe_req *req)
{
	req->object_id = n->id;
	req->type = ename(n->node);
	req->ents = b->ents;
	req->nents = b->n;
	req->behaviors = b->beh;
	req->nbehaviors = b->nbeh;
	req->env = &s->penv;
}

static void
stash_free(struct obj_stash *st)
{
	if (st == NULL)
		return;
	oval_item_list_clear(&st->res.items);
	free(st->vars.v);
	free(st);
}

/* May object node join a batch?  Not a set, and no var_ref: resolving
 * one could evaluate anything, so such objects are collected alone. */
static int
batchable(xmlNodePtr node)
{
	xmlNodePtr c;

	for (c = oval_elem(node->children); c; c = oval_elem(c->next))
		if (oval_is(c, "set") || oval_attr(c, "var_ref") != NULL)
			return 0;
	return 1;
}

/* One object that joins a batch. */
struct batch_member {
	const struct oval_node *n;
	struct req_build b;
	struct probe_req req;
	struct filters filt;
	struct obj_stash *st;
};

/*
 * Prepare m to join a batch under key: 1 when it does (its request in
 * bm->req, its result in bm->st), 0 when it is collected alone later.
 */
static int
batch_join(struct oval_session *s, const struct oval_node *m,
    const struct probe_ops *ops, const char *key, struct batch_member *bm)
{
	char mkey[PROBE_KEY_MAX];
	enum oval_flag flag = OVAL_FLAG_COMPLETE;
	char *msg = NULL;
	int rc;

	bm->n = m;
	if ((bm->st = calloc(1, sizeof(*bm->st))) == NULL)
		return PLUMB_ENOMEM;
	rc = req_build(s, m, &bm->b, &bm->st->vars, &flag, &msg);
	if (rc != 0 || flag != OVAL_FLAG_COMPLETE)
		goto out;
	req_fill(s, m, &bm->b, &bm->req);
	if (!ops->batch_key(&bm->req, mkey, sizeof(mkey)) ||
	    strcmp(mkey, key) != 0)
		goto out;
	if ((rc = filters_resolve(s, m->node, &bm->st->vars, &bm->filt,
	    &msg)) != 0) {
		if (rc == PLUMB_EINVAL)
			rc = PLUMB_OK;
		goto out;
	}
	bm->st->res.flag = OVAL_FLAG_COMPLETE;
	filters_hook(&bm->filt, &bm->st->res);
	free(msg);
	return 1;
out:
	free(msg);
	return rc;
}

/*
 * Collect n (request req into pres) together with every object of the
 * document its probe can share the work with, i.e. one walk of the
 * file system for all.  The others wait in s->stash until evaluation
 * comes to them.
 */
static int
obj_batch(struct oval_session *s, const struct oval_node *n,
    const struct probe_ops *ops, const char *key,
    const struct probe_req *req, struct probe_result *pres)
{
	const struct probe_req **reqs = NULL;
	struct probe_result **res = NULL;
	struct batch_member *bm = NULL;
	const struct oval_node *m;
	size_t cnt, i, k = 0, nb = 0;
	int rc = PLUMB_ENOMEM, j;

	cnt = oval_doc_count(s->doc, OVAL_K_OBJ);
	if (s->stash == NULL && (s->stash = calloc(oval_doc_size(s->doc) + 1,
	    sizeof(*s->stash))) == NULL)
		goto out;
	if ((bm = calloc(cnt + 1, sizeof(*bm))) == NULL ||
	    (reqs = calloc(cnt + 1, sizeof(*reqs))) == NULL ||
	    (res = calloc(cnt + 1, sizeof(*res))) == NULL)
		goto out;
	reqs[k] = req;
	res[k++] = pres;
	for (i = 0; i < cnt; i++) {
		m = oval_doc_nth(s->doc, OVAL_K_OBJ, i);
		if (m == n || s->memo[m->idx] != NULL || s->busy[m->idx] ||
		    s->stash[m->idx] != NULL ||
		    strcmp(ename(m->node), ename(n->node)) != 0 ||
		    !batchable(m->node))
			continue;
		if ((j = batch_join(s, m, ops, key, &bm[nb])) < 0) {
			rc = j;
			nb++;
			goto out;
		}
		if (j == 0) {
			req_build_free(&bm[nb].b);
			stash_free(bm[nb].st);
			memset(&bm[nb], 0, sizeof(bm[nb]));
			continue;
		}
		reqs[k] = &bm[nb].req;
		res[k++] = &bm[nb++].st->res;
	}
	if ((rc = ops->collect_batch(reqs, res, k)) != 0)
		goto out;
	for (i = 0; i < nb; i++) {
		s->stash[bm[i].n->idx] = bm[i].st;
		bm[i].st = NULL;
	}
out:
	for (i = 0; bm != NULL && i < nb; i++) {
		req_build_free(&bm[i].b);
		stash_free(bm[i].st);
	}
	free(bm);
	free(reqs);
	free(res);
	return rc;
}

/* Collect the object n (memoised): probe or set, then filters. */
static int
obj_collect(struct oval_session *s, const struct oval_node *n,
    const struct oval_obj_res **out)
{
	struct req_build b = { NULL, NULL, 0, NULL, 0 };
	struct probe_result pres;
	struct filters filt;
	struct probe_req req;
	const struct probe_ops *ops;
	struct oval_obj_res *or;
	struct obj_stash *st;
	char key[PROBE_KEY_MAX];
	xmlNodePtr c;
	size_t i;
	int rc = PLUMB_OK;

	*out = NULL;
	if ((or = s->memo[n->idx]) != NULL) {
		*out = or;
		return PLUMB_OK;
	}
	/* A set or variable that leads back here: the caller reports it. */
	if (s->busy[n->idx])
		return PLUMB_ELIMIT;
	memset(&pres, 0, sizeof(pres));
	if ((or = calloc(1, sizeof(*or))) == NULL)
		return PLUMB_ENOMEM;
	or->n = n;
	or->flag = OVAL_FLAG_COMPLETE;
	s->busy[n->idx] = 1;
	if (s->stash != NULL && (st = s->stash[n->idx]) != NULL) {
		/* Collected with a batch already: its items are interned
		 * now, so ids follow the order evaluation needs them. */
		s->stash[n->idx] = NULL;
		pres = st->res;
		or->vars = st->vars;
		free(st);
		goto collected;
	}
	for (c = oval_elem(n->node->children); c; c = oval_elem(c->next))
		if (oval_is(c, "set"))
			break;
	if (c != NULL) {
		rc = set_eval(s, c, &or->flag, &or->items, &or->vars,
		    &or->msg);
		goto done;
	}
	if ((rc = req_build(s, n, &b, &or->vars, &or->flag, &or->msg)) != 0 ||
	    or->flag != OVAL_FLAG_COMPLETE)
		goto done;
	if ((ops = probe_lookup(ename(n->node))) == NULL) {
		or->flag = OVAL_FLAG_NOT_COLLECTED;
		or->msg = msgf("plumb has no probe for <%s>",
		    ename(n->node));
		goto done;
	}
	req_fill(s, n, &b, &req);
	/* Filters run as the probe emits items: excluded items are never
	 * kept, so memory follows what the object selects. */
	if ((rc = filters_resolve(s, n->node, &or->vars, &filt,
	    &or->msg)) != 0) {
		if (rc == PLUMB_EINVAL) {
			or->flag = OVAL_FLAG_ERROR;
			rc = PLUMB_OK;
		}
		goto done;
	}
	pres.flag = OVAL_FLAG_COMPLETE;
	filters_hook(&filt, &pres);
	if (ops->collect_batch != NULL && ops->batch_key(&req, key,
	    sizeof(key)))
		rc = obj_batch(s, n, ops, key, &req, &pres);
	else
		rc = ops->collect(&req, &pres);
	if (rc != 0)
		goto done;
collected:
	or->flag = pres.flag;
	if (pres.msg[0] != '\0')
		or->msg = strdup(pres.msg);
	for (i = 0; rc == PLUMB_OK && i < pres.items.n; i++) {
		if ((rc = item_intern(s, &pres.items.v[i])) != 0)
			break;
		rc = oval_item_list_take(&or->items, pres.items.v[i]);
		pres.items.v[i] = NULL;
	}
done:
	if (rc == PLUMB_OK && or->flag == OVAL_FLAG_COMPLETE &&
	    or->items.n == 0)
		or->flag = OVAL_FLAG_DOES_NOT_EXIST;
	for (i = 0; i < pres.items.n; i++)
		oval_item_unref(pres.items.v[i]);
	free(pres.items.v);
	req_build_free(&b);
	s->busy[n->idx] = 0;
	s->memo[n->idx] = or;
	*out = or;
	return rc;
}

/* -------------------------------------------------------------- states */

/* Compare one item value with every expected value under var_check;
 * the first comparison error's reason goes to err (NULL: not wanted). */
static enum oval_result
value_check(enum oval_datatype dt, enum oval_operation op,
    enum oval_check var_check, const char *actual,
    const struct oval_values *expected, struct plumb_err *err)
{
	struct oval_rcount rc = { { 0 } };
	struct plumb_err e;
	enum oval_result r;
	size_t i;

	for (i = 0; i < expected->n; i++) {
		e.msg[0] = '\0';
		r = oval_cmp(dt, op, actual, expected->v[i], &e);
		if (r == OVAL_R_ERROR && err != NULL && err->msg[0] == '\0')
			*err = e;
		oval_rcount_add(&rc, r);
	}
	return oval_result_check(var_check, &rc);
}

/* Result of one item field (status aware) against the expected values. */
static enum oval_result
field_check(const struct oval_field *f, enum oval_datatype dt,
    enum oval_operation op, enum oval_check var_check,
    const struct oval_values *expected, struct plumb_err *err)
{
	switch (f->status) {
	case OVAL_ST_EXISTS:
		break;
	case OVAL_ST_DOES_NOT_EXIST:
		return OVAL_R_FALSE;
	case OVAL_ST_NOT_COLLECTED:
		return OVAL_R_UNKNOWN;
	default:
		return OVAL_R_ERROR;
	}
	if (f->value == NULL)
		return OVAL_R_ERROR;
	return value_check(dt, op, var_check, f->value, expected, err);
}

/*
 * A state entity (or a record's field) read once per session: states
 * are compared with every item an object collects, often hundreds of
 * thousands of times, so the XML is not walked again each time.
 */
struct ste_ent {
	const char *name;		/* element name, or the field's name */
	enum oval_result ok;		/* TRUE, or ERROR: cannot evaluate */
	enum oval_datatype dt;
	enum oval_operation op;
	enum oval_check var_check;
	enum oval_check entity_check;
	struct oval_values own;		/* the literal value */
	const struct oval_var_res *var;	/* var_ref, for tested_variable */
	const struct oval_values *vals;	/* own, or the variable's values */
	struct ste_ent *fields;		/* dt == record */
	size_t nfields;
};

struct ste_comp {
	int bad;			/* invalid operator: always error */
	enum oval_operator opr;
	struct ste_ent *ents;
	size_t n;
};

static void
ste_ents_free(struct ste_ent *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		oval_values_clear(&e[i].own);
		ste_ents_free(e[i].fields, e[i].nfields);
	}
	free(e);
}

static int ste_ents_compile(struct oval_session *, xmlNodePtr, int,
    struct ste_ent **, size_t *);

/* Read one entity's attributes and expected values into e. */
static int
ste_ent_compile(struct oval_session *s, xmlNodePtr c, int field,
    struct ste_ent *e)
{
	const char *bad = NULL, *ref;
	char *text;
	int rc;

	e->name = field ? oval_attr(c, "name") : ename(c);
	e->ok = OVAL_R_ERROR;
	oval_values_init(&e->own, OVAL_DT_STRING);
	e->vals = &e->own;
	ATTR_ENUM(c, "datatype", oval_datatype_parse, &e->dt, &bad);
	ATTR_ENUM(c, "operation", oval_operation_parse, &e->op, &bad);
	ATTR_ENUM(c, "var_check", oval_check_parse, &e->var_check, &bad);
	ATTR_ENUM(c, "entity_check", oval_check_parse, &e->entity_check, &bad);
	if (bad != NULL || e->name == NULL)
		return PLUMB_OK;
	if ((ref = oval_attr(c, "var_ref")) != NULL) {
		if ((rc = var_eval(s, ref, &e->var)) == PLUMB_ENOMEM)
			return rc;
		/* A variable without values cannot be compared with. */
		if (rc == 0 && e->var->rc == 0 && e->var->vals.n > 0) {
			e->vals = &e->var->vals;
			e->ok = OVAL_R_TRUE;
		}
		return PLUMB_OK;
	}
	if (e->dt == OVAL_DT_RECORD) {
		if ((rc = ste_ents_compile(s, c, 1, &e->fields,
		    &e->nfields)) != 0)
			return rc;
		e->ok = OVAL_R_TRUE;
		return PLUMB_OK;
	}
	if ((text = oval_text(c)) == NULL ||
	    oval_values_take(&e->own, text) != 0)
		return PLUMB_ENOMEM;
	e->ok = OVAL_R_TRUE;
	return PLUMB_OK;
}

/* The entities of a state (field = 0) or the fields of a record entity
 * (field = 1). */
static int
ste_ents_compile(struct oval_session *s, xmlNodePtr parent, int field,
    struct ste_ent **out, size_t *n)
{
	struct ste_ent *e;
	xmlNodePtr c;
	size_t cnt = 0;
	int rc;

	*n = 0;
	cnt = xmlChildElementCount(parent);
	if ((*out = e = calloc(cnt + 1, sizeof(*e))) == NULL)
		return PLUMB_ENOMEM;
	for (c = oval_elem(parent->children); c; c = oval_elem(c->next)) {
		if (field ? !oval_is(c, "field") : oval_is(c, "notes"))
			continue;
		rc = ste_ent_compile(s, c, field, &e[*n]);
		(*n)++;
		if (rc != 0)
			return rc;
	}
	return PLUMB_OK;
}

/* The compiled form of state ste (memoised); NULL on ENOMEM or when the
 * state is being compiled already (a reference cycle). */
static const struct ste_comp *
ste_compile(struct oval_session *s, const struct oval_node *ste)
{
	struct ste_comp *sc = s->memo[ste->idx];

	if (sc != NULL || s->busy[ste->idx])
		return sc;
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return NULL;
	s->busy[ste->idx] = 1;
	sc->bad = oval_operator_parse(oval_attr(ste->node, "operator"),
	    &sc->opr) != 0;
	if (ste_ents_compile(s, ste->node, 0, &sc->ents, &sc->n) != 0) {
		ste_ents_free(sc->ents, sc->n);
		free(sc);
		sc = NULL;
	}
	s->busy[ste->idx] = 0;
	s->memo[ste->idx] = sc;
	return sc;
}

/* Compare the item fields (or record sub-fields) called e->name with e,
 * combined under entity_check; missing is the result when there is no
 * such field. */
static enum oval_result
ent_check(const struct ste_ent *e, const struct oval_field *f, size_t nf,
    enum oval_result missing, struct plumb_err *err)
{
	struct oval_rcount inst = { { 0 } }, all;
	size_t i, k;

	for (i = 0; i < nf; i++) {
		if (strcmp(f[i].name, e->name) != 0)
			continue;
		if (e->dt != OVAL_DT_RECORD) {
			oval_rcount_add(&inst, field_check(&f[i], e->dt, e->op,
			    e->var_check, e->vals, err));
			continue;
		}
		if (f[i].status != OVAL_ST_EXISTS) {
			oval_rcount_add(&inst, f[i].status ==
			    OVAL_ST_DOES_NOT_EXIST ? OVAL_R_FALSE :
			    OVAL_R_ERROR);
			continue;
		}
		/* Every field of the record must hold (a missing one is an
		 * error inside a record). */
		memset(&all, 0, sizeof(all));
		for (k = 0; k < e->nfields; k++) {
			oval_rcount_add(&all, e->fields[k].ok != OVAL_R_TRUE ?
			    OVAL_R_ERROR : ent_check(&e->fields[k], f[i].sub,
			    f[i].nsub, OVAL_R_ERROR, err));
		}
		oval_rcount_add(&inst, oval_result_operator(OVAL_OPR_AND,
		    &all));
	}
	/*
	 * The item lacks the entity: nothing says whether it would satisfy
	 * it.  Unknown, as the reference evaluator reports
	 * (docs/conformance.md); inside a record, an error.
	 */
	if (inst.n[OVAL_R_TRUE] + inst.n[OVAL_R_FALSE] + inst.n[OVAL_R_ERROR] +
	    inst.n[OVAL_R_UNKNOWN] == 0)
		return missing;
	return oval_result_check(e->entity_check, &inst);
}

/* Does state ste (or a state that cannot be compiled) look at item
 * field name? */
static int
state_uses(struct oval_session *s, const struct oval_node *ste,
    const char *name)
{
	const struct ste_comp *sc = ste_compile(s, ste);
	size_t i;

	if (sc == NULL)
		return 1;
	for (i = 0; i < sc->n; i++)
		if (sc->ents[i].name == NULL ||
		    strcmp(sc->ents[i].name, name) == 0)
			return 1;
	return 0;
}

/* Evaluate state ste against item it; the first comparison error's
 * reason goes to err when it is not NULL and still empty. */
static enum oval_result
state_eval(struct oval_session *s, const struct oval_node *ste,
    const struct oval_item *it, struct oval_var_uses *uses,
    struct plumb_err *err)
{
	const struct ste_comp *sc = ste_compile(s, ste);
	struct oval_rcount ents = { { 0 } };
	size_t i;

	if (sc == NULL || sc->bad)
		return OVAL_R_ERROR;
	for (i = 0; i < sc->n; i++) {
		if (sc->ents[i].var != NULL)
			(void)uses_add(uses, sc->ents[i].var);
		oval_rcount_add(&ents, sc->ents[i].ok != OVAL_R_TRUE ?
		    OVAL_R_ERROR : ent_check(&sc->ents[i], it->fields,
		    it->nfields, OVAL_R_UNKNOWN, err));
	}
	return oval_result_operator(sc->opr, &ents);
}

/* --------------------------------------------------------------- tests */

/* Combine item results under check, honouring an incomplete object:
 * only an answer the missing items could not change stands. */
static enum oval_result
check_items(enum oval_check chk, const struct oval_rcount *rc, int incomplete)
{
	enum oval_result r = oval_result_check(chk, rc);

	if (!incomplete)
		return r;
	switch (chk) {
	case OVAL_CHECK_ALL:
		return r == OVAL_R_FALSE ? r : OVAL_R_UNKNOWN;
	case OVAL_CHECK_AT_LEAST_ONE:
		return r == OVAL_R_TRUE ? r : OVAL_R_UNKNOWN;
	case OVAL_CHECK_NONE_EXIST:
	case OVAL_CHECK_NONE_SATISFY:
		return r == OVAL_R_FALSE ? r : OVAL_R_UNKNOWN;
	case OVAL_CHECK_ONLY_ONE:
		return rc->n[OVAL_R_TRUE] > 1 ? OVAL_R_FALSE : OVAL_R_UNKNOWN;
	default:
		return OVAL_R_UNKNOWN;
	}
}

/* Existence for an incomplete object: decided only when more items
 * could not change it. */
static enum oval_result
existence_incomplete(enum oval_existence ex, const struct oval_scount *c)
{
	unsigned found = c->n[OVAL_ST_EXISTS];

	switch (ex) {
	case OVAL_EXIST_AT_LEAST_ONE:
		return found > 0 ? OVAL_R_TRUE : OVAL_R_UNKNOWN;
	case OVAL_EXIST_NONE:
		return found > 0 ? OVAL_R_FALSE : OVAL_R_UNKNOWN;
	case OVAL_EXIST_ONLY_ONE:
		return found > 1 ? OVAL_R_FALSE : OVAL_R_UNKNOWN;
	case OVAL_EXIST_ANY:
		return oval_result_existence(ex, c);
	default:
		return OVAL_R_UNKNOWN;
	}
}

static int
tst_eval(struct oval_session *s, const struct oval_node *n,
    const struct oval_tst_res **out)
{
	const struct oval_node *on = NULL, *states[64];
	struct oval_scount sc = { { 0 } };
	struct oval_rcount items_rc = { { 0 } }, st_rc;
	enum oval_existence ex;
	enum oval_check chk;
	enum oval_operator sop;
	struct oval_tst_res *tr;
	const char *bad = NULL, *ref;
	struct plumb_err serr;
	xmlNodePtr c;
	size_t nstates = 0, i, k;
	int rc = PLUMB_OK;

	serr.msg[0] = '\0';
	*out = NULL;
	if ((tr = s->memo[n->idx]) != NULL) {
		*out = tr;
		return PLUMB_OK;
	}
	if ((tr = calloc(1, sizeof(*tr))) == NULL)
		return PLUMB_ENOMEM;
	tr->n = n;
	tr->r = OVAL_R_ERROR;
	s->memo[n->idx] = tr;
	*out = tr;
	ATTR_ENUM(n->node, "check_existence", oval_existence_parse, &ex, &bad);
	ATTR_ENUM(n->node, "check", oval_check_parse, &chk, &bad);
	ATTR_ENUM(n->node, "state_operator", oval_operator_parse, &sop, &bad);
	if (bad != NULL) {
		tr->msg = msgf("invalid %s on test %s", bad, n->id);
		return PLUMB_OK;
	}
	/* "none exist" (deprecated in OVAL 5.3, when existence moved to
	 * check_existence) asked that no item exist that satisfies the
	 * test: none_exist existence and none satisfy. */
	if (chk == OVAL_CHECK_NONE_EXIST) {
		chk = OVAL_CHECK_NONE_SATISFY;
		ex = OVAL_EXIST_NONE;
		if (!s->warned_none_exist) {
			s->warned_none_exist = 1;
			fprintf(stderr, "plumb: warning: %s: test %s: "
			    "check=\"none exist\" is deprecated; read as "
			    "check=\"none satisfy\" with "
			    "check_existence=\"none_exist\"\n",
			    oval_doc_name(s->doc), n->id);
		}
	}
	for (c = oval_elem(n->node->children); c; c = oval_elem(c->next)) {
		if (strcmp(ename(c), "object") == 0 &&
		    (ref = oval_attr(c, "object_ref")) != NULL) {
			on = oval_doc_get(s->doc, ref);
			if (on == NULL || on->kind != OVAL_K_OBJ) {
				tr->msg = msgf("test refers to "
				    "unknown object %s", ref);
				return PLUMB_OK;
			}
		} else if (strcmp(ename(c), "state") == 0 &&
		    (ref = oval_attr(c, "state_ref")) != NULL) {
			states[nstates] = oval_doc_get(s->doc, ref);
			if (states[nstates] == NULL ||
			    states[nstates]->kind != OVAL_K_STE) {
				tr->msg = msgf("test refers to "
				    "unknown state %s", ref);
				return PLUMB_OK;
			}
			if (++nstates == sizeof(states) / sizeof(states[0])) {
				tr->msg = msgf("test %s has too "
				    "many states", n->id);
				return PLUMB_OK;
			}
		}
	}
	if (on == NULL) {
		/* unknown_test, or a test type without an object. */
		tr->r = OVAL_R_UNKNOWN;
		return PLUMB_OK;
	}
	if ((rc = obj_collect(s, on, &tr->obj)) != 0) {
		if (rc != PLUMB_ELIMIT)
			return rc;
		tr->msg = msgf("object %s is part of a reference "
		    "cycle", on->id);
		return PLUMB_OK;
	}
	switch (tr->obj->flag) {
	case OVAL_FLAG_ERROR:
		tr->r = OVAL_R_ERROR;
		return PLUMB_OK;
	case OVAL_FLAG_NOT_COLLECTED:
		tr->r = OVAL_R_UNKNOWN;
		return PLUMB_OK;
	case OVAL_FLAG_NOT_APPLICABLE:
		tr->r = OVAL_R_NOT_APPLICABLE;
		return PLUMB_OK;
	default:
		break;
	}
	for (i = 0; i < tr->obj->items.n; i++)
		sc.n[tr->obj->items.v[i]->status]++;
	if (tr->obj->flag == OVAL_FLAG_INCOMPLETE)
		tr->r = existence_incomplete(ex, &sc);
	else
		tr->r = oval_result_existence(ex, &sc);
	if (tr->r != OVAL_R_TRUE || nstates == 0)
		return PLUMB_OK;
	if (tr->obj->items.n > 0 &&
	    (tr->item_r = calloc(tr->obj->items.n, sizeof(*tr->item_r)))
	    == NULL)
		return PLUMB_ENOMEM;
	for (i = 0; i < tr->obj->items.n; i++) {
		const struct oval_item *it = tr->obj->items.v[i];

		if (it->status == OVAL_ST_DOES_NOT_EXIST) {
			tr->item_r[i] = OVAL_R_NOT_EVALUATED;
			continue;
		}
		if (it->status != OVAL_ST_EXISTS) {
			tr->item_r[i] = it->status == OVAL_ST_ERROR ?
			    OVAL_R_ERROR : OVAL_R_UNKNOWN;
		} else {
			memset(&st_rc, 0, sizeof(st_rc));
			for (k = 0; k < nstates; k++)
				oval_rcount_add(&st_rc, state_eval(s,
				    states[k], it, &tr->vars, &serr));
			tr->item_r[i] = oval_result_operator(sop, &st_rc);
		}
		oval_rcount_add(&items_rc, tr->item_r[i]);
	}
	/* Say why a state comparison failed (a pattern over its match
	 * limit, a value not of its datatype), not just "error". */
	if (items_rc.n[OVAL_R_ERROR] > 0 && serr.msg[0] != '\0' &&
	    (tr->msg = msgf("state of test %s: %s", n->id, serr.msg)) == NULL)
		return PLUMB_ENOMEM;
	/*
	 * Existence passed with no item to compare (any_exist or none_exist
	 * over nothing): no item can fail the check, so the test is true,
	 * which is also what the reference evaluator reports.
	 */
	if (items_rc.n[OVAL_R_TRUE] + items_rc.n[OVAL_R_FALSE] +
	    items_rc.n[OVAL_R_ERROR] + items_rc.n[OVAL_R_UNKNOWN] +
	    items_rc.n[OVAL_R_NOT_APPLICABLE] == 0 &&
	    tr->obj->flag != OVAL_FLAG_INCOMPLETE)
		return PLUMB_OK;
	tr->r = check_items(chk, &items_rc,
	    tr->obj->flag == OVAL_FLAG_INCOMPLETE);
	return PLUMB_OK;
}

/* --------------------------------------------------------- definitions */

static int crit_eval(struct oval_session *, xmlNodePtr, struct oval_crit *);

/* Evaluate the children of a criteria element into cr->kids. */
static int
crit_kids(struct oval_session *s, xmlNodePtr node, struct oval_crit *cr)
{
	struct oval_rcount rc = { { 0 } };
	enum oval_operator opr;
	xmlNodePtr c;
	size_t cnt = 0;
	int err;

	for (c = oval_elem(node->children); c; c = oval_elem(c->next))
		if (oval_is(c, "criteria") || oval_is(c, "criterion") ||
		    oval_is(c, "extend_definition"))
			cnt++;
	if (oval_operator_parse(oval_attr(node, "operator"), &opr) != 0 ||
	    cnt == 0) {
		cr->r = OVAL_R_ERROR;
		return PLUMB_OK;
	}
	if ((cr->kids = calloc(cnt, sizeof(*cr->kids))) == NULL)
		return PLUMB_ENOMEM;
	for (c = oval_elem(node->children); c; c = oval_elem(c->next)) {
		if (!oval_is(c, "criteria") && !oval_is(c, "criterion") &&
		    !oval_is(c, "extend_definition"))
			continue;
		if ((err = crit_eval(s, c, &cr->kids[cr->nkids++])) != 0)
			return err;
		oval_rcount_add(&rc, cr->kids[cr->nkids - 1].r);
	}
	cr->r = oval_result_operator(opr, &rc);
	return PLUMB_OK;
}

/* Evaluate one criteria, criterion or extend_definition node. */
static int
crit_eval(struct oval_session *s, xmlNodePtr node, struct oval_crit *cr)
{
	const struct oval_node *n;
	const struct oval_tst_res *tr;
	const struct oval_def_res *dr;
	const char *ref;
	int rc = PLUMB_OK;

	cr->node = node;
	cr->r = OVAL_R_ERROR;
	if (s->depth >= MAX_DEPTH)
		return PLUMB_OK;
	s->depth++;
	if (oval_is(node, "criteria")) {
		rc = crit_kids(s, node, cr);
	} else if (oval_is(node, "criterion")) {
		ref = oval_attr(node, "test_ref");
		n = ref ? oval_doc_get(s->doc, ref) : NULL;
		if (n != NULL && n->kind == OVAL_K_TST &&
		    (rc = tst_eval(s, n, &tr)) == 0)
			cr->r = tr->r;
	} else {
		ref = oval_attr(node, "definition_ref");
		n = ref ? oval_doc_get(s->doc, ref) : NULL;
		if (n != NULL && n->kind == OVAL_K_DEF) {
			rc = def_eval(s, n, &dr);
			if (rc == 0)
				cr->r = dr->r;
			else if (rc == PLUMB_ELIMIT) {
				/* A definition that extends itself through
				 * this one: nothing was wrong with the host,
				 * it just cannot be decided. */
				cr->r = OVAL_R_NOT_EVALUATED;
				rc = PLUMB_OK;
			}
		}
	}
	s->depth--;
	if (oval_attr_true(node, "negate"))
		cr->r = oval_result_negate(cr->r);
	return rc;
}

static int
def_eval(struct oval_session *s, const struct oval_node *n,
    const struct oval_def_res **out)
{
	struct oval_def_res *dr;
	xmlNodePtr c;
	int rc = PLUMB_OK;

	*out = NULL;
	if ((dr = s->memo[n->idx]) != NULL) {
		*out = dr;
		return PLUMB_OK;
	}
	if (s->busy[n->idx])
		return PLUMB_ELIMIT;
	if ((dr = calloc(1, sizeof(*dr))) == NULL)
		return PLUMB_ENOMEM;
	dr->n = n;
	dr->r = OVAL_R_NOT_EVALUATED;
	s->busy[n->idx] = 1;
	for (c = oval_elem(n->node->children); c; c = oval_elem(c->next))
		if (oval_is(c, "criteria"))
			break;
	if (c != NULL) {
		rc = crit_eval(s, c, &dr->crit);
		dr->r = dr->crit.r;
	}
	s->busy[n->idx] = 0;
	s->memo[n->idx] = dr;
	*out = dr;
	return rc;
}

/* ------------------------------------------------------------- session */

int
oval_session_new(const struct oval_doc *doc,
    const struct oval_session_opts *opts, struct oval_session **out,
    struct plumb_err *err)
{
	struct oval_session *s;
	size_t n = oval_doc_size(doc), i, nv;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto nomem;
	s->doc = doc;
	s->now = opts && opts->now ? opts->now : time(NULL);
	s->root = strdup(opts && opts->root ? opts->root : "/");
	s->memo = calloc(n + 1, sizeof(*s->memo));
	s->busy = calloc(n + 1, 1);
	nv = oval_doc_count(doc, OVAL_K_VAR);
	s->var_ids = calloc(nv + 1, sizeof(*s->var_ids));
	if (s->root == NULL || s->memo == NULL || s->busy == NULL ||
	    s->var_ids == NULL)
		goto nomem;
	for (i = 0; i < nv; i++)
		s->var_ids[i] = oval_doc_nth(doc, OVAL_K_VAR, i)->id;
	s->penv.root = s->root;
	s->penv.eng = s;
	s->penv.var_ids = env_var_ids;
	s->penv.var_values = env_var_values;
	*out = s;
	return PLUMB_OK;
nomem:
	oval_session_free(s);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

static void
crit_free(struct oval_crit *cr)
{
	size_t i;

	for (i = 0; i < cr->nkids; i++)
		crit_free(&cr->kids[i]);
	free(cr->kids);
}

/* Free one memo entry according to the kind of its node. */
static void
memo_free(const struct oval_node *n, void *m)
{
	struct oval_def_res *dr;
	struct oval_tst_res *tr;
	struct oval_obj_res *or;
	struct oval_var_res *vr;
	struct ste_comp *sc;

	if (m == NULL)
		return;
	switch (n->kind) {
	case OVAL_K_DEF:
		dr = m;
		crit_free(&dr->crit);
		break;
	case OVAL_K_TST:
		tr = m;
		free(tr->item_r);
		free(tr->vars.v);
		free(tr->msg);
		break;
	case OVAL_K_OBJ:
		or = m;
		oval_item_list_clear(&or->items);
		free(or->vars.v);
		free(or->msg);
		break;
	case OVAL_K_VAR:
		vr = m;
		oval_values_clear(&vr->vals);
		free(vr->msg);
		break;
	case OVAL_K_STE:
		sc = m;
		ste_ents_free(sc->ents, sc->n);
		break;
	default:
		break;
	}
	free(m);
}

void
oval_session_free(struct oval_session *s)
{
	size_t i, k, cnt;
	const struct oval_node *n;

	if (s == NULL)
		return;
	if (s->memo != NULL) {
		for (k = 0; k < OVAL_K__COUNT; k++) {
			cnt = oval_doc_count(s->doc, k);
			for (i = 0; i < cnt; i++) {
				n = oval_doc_nth(s->doc, k, i);
				memo_free(n, s->memo[n->idx]);
			}
		}
	}
	for (i = 0; i < s->next; i++) {
		free(s->ext[i].id);
		oval_values_clear(&s->ext[i].vals);
	}
	free(s->ext);
	for (i = 0; s->stash != NULL && i <= oval_doc_size(s->doc); i++)
		stash_free(s->stash[i]);
	free(s->stash);
	oval_item_list_clear(&s->items);
	free(s->ihash);
	free(s->var_ids);
	free(s->memo);
	free(s->busy);
	free(s->root);
	free(s->cwd);
	free(s);
}

int
oval_session_eval(struct oval_session *s, const char *def_id,
    const struct oval_def_res **res, struct plumb_err *err)
{
	const struct oval_node *n = oval_doc_get(s->doc, def_id);
	int rc;

	*res = NULL;
	if (n == NULL || n->kind != OVAL_K_DEF)
		return plumb_err_set(err, PLUMB_ENOENT,
		    "%s: no definition %s", oval_doc_name(s->doc), def_id);
	rc = def_eval(s, n, res);
	if (rc == PLUMB_ENOMEM)
		return plumb_err_set(err, rc, "out of memory");
	return PLUMB_OK;
}

#define MEMO_GETTER(fn, type, k)					\
const type *								\
fn(const struct oval_session *s, const struct oval_node *n)		\
{									\
	return n->kind == (k) ? s->memo[n->idx] : NULL;			\
}
MEMO_GETTER(oval_session_def, struct oval_def_res, OVAL_K_DEF)
MEMO_GETTER(oval_session_tst, struct oval_tst_res, OVAL_K_TST)
MEMO_GETTER(oval_session_obj, struct oval_obj_res, OVAL_K_OBJ)
MEMO_GETTER(oval_session_var, struct oval_var_res, OVAL_K_VAR)

const struct oval_doc *
oval_session_doc(const struct oval_session *s)
{
	return s->doc;
}

const struct oval_item_list *
oval_session_items(const struct oval_session *s)
{
	return &s->items;
}
