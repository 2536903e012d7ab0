/*
 * xccdf_eval.c - evaluate a resolved benchmark: CPE applicability,
 * check selection, OVAL checks with check-exports, complex-check and
 * multi-check, requires/conflicts, and the four XCCDF 1.2 scores.
 *
 * One OVAL session per OVAL component, created on first use and kept
 * in the content: every rule (and every CPE platform) that reaches the
 * same component shares its memoised objects and items.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plumb/error.h"
#include "common/grow.h"
#include "plumb/values.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "xccdf.h"
#include "xccdf_load.h"

/* How deep requires/conflicts chains are followed (cycles stop
 * earlier, at the first item met twice). */
#define XCCDF_DEPS_MAX_DEPTH	64

/* Tri-state of CPE applicability language evaluation. */
enum cpe_tri {
	CPE_FALSE = 0,
	CPE_TRUE,
	CPE_ERROR
};

/* A bound check-export, to bind each variable once per session. */
struct bound_var {
	const struct xccdf_oval_comp *comp;
	const char *name;
	const char *value;
};

struct eval_ctx {
	struct xccdf_content *c;
	const struct xccdf_eval_opts *o;
	struct xccdf_run *run;
	struct plumb_err *err;
	struct xccdf_map app_memo;	/* item id -> (void *)(applicable+1) */
	struct xccdf_map rule_first;	/* rule id -> (void *)(index+1) */
	struct xccdf_map sel_memo;	/* item id -> 1 busy, 2 no, 3 yes */
	struct bound_var *bound;
	size_t nbound, cbound;
	size_t cresults;
};

static const char *const result_names[XCCDF_R__COUNT] = {
	"pass", "fail", "error", "unknown", "notapplicable", "notchecked",
	"notselected", "informational", "fixed"
};

const char *
xccdf_result_name(enum xccdf_result r)
{
	return (unsigned)r < XCCDF_R__COUNT ? result_names[r] : "unknown";
}

const char *
xccdf_severity_name(enum xccdf_severity s)
{
	switch (s) {
	case XCCDF_SEV_INFO:
		return "info";
	case XCCDF_SEV_LOW:
		return "low";
	case XCCDF_SEV_MEDIUM:
		return "medium";
	case XCCDF_SEV_HIGH:
		return "high";
	default:
		return "unknown";
	}
}

const char *
xccdf_role_name(enum xccdf_role r)
{
	switch (r) {
	case XCCDF_ROLE_UNSCORED:
		return "unscored";
	case XCCDF_ROLE_UNCHECKED:
		return "unchecked";
	default:
		return "full";
	}
}

const char *
xccdf_score_system(enum xccdf_score_model m)
{
	switch (m) {
	case XCCDF_SCORE_FLAT:
		return "urn:xccdf:scoring:flat";
	case XCCDF_SCORE_FLAT_UNWEIGHTED:
		return "urn:xccdf:scoring:flat-unweighted";
	case XCCDF_SCORE_ABSOLUTE:
		return "urn:xccdf:scoring:absolute";
	default:
		return "urn:xccdf:scoring:default";
	}
}

enum xccdf_result
xccdf_from_oval(enum oval_result r)
{
	switch (r) {
	case OVAL_R_TRUE:
		return XCCDF_R_PASS;
	case OVAL_R_FALSE:
		return XCCDF_R_FAIL;
	case OVAL_R_ERROR:
		return XCCDF_R_ERROR;
	case OVAL_R_NOT_APPLICABLE:
		return XCCDF_R_NOTAPPLICABLE;
	case OVAL_R_NOT_EVALUATED:
		return XCCDF_R_NOTCHECKED;
	default:
		return XCCDF_R_UNKNOWN;
	}
}

enum xccdf_result
xccdf_from_oval_class(enum oval_result r, const char *cls)
{
	enum xccdf_result x = xccdf_from_oval(r);

	/* A vulnerability or patch definition is true when the host is
	 * vulnerable or lacks the patch: the rule fails then. */
	if (cls != NULL && (strcmp(cls, "vulnerability") == 0 ||
	    strcmp(cls, "patch") == 0)) {
		if (x == XCCDF_R_PASS)
			return XCCDF_R_FAIL;
		if (x == XCCDF_R_FAIL)
			return XCCDF_R_PASS;
	}
	return x;
}

/* A rule that could not be shown to pass (error, unknown) fails the run
 * as a failed rule does, as the reference evaluator exits. */
int
xccdf_run_failed(const struct xccdf_run *run)
{
	return run != NULL && (run->counts[XCCDF_R_FAIL] > 0 ||
	    run->counts[XCCDF_R_ERROR] > 0 || run->counts[XCCDF_R_UNKNOWN] > 0);
}

/* -------------------------------------------------- XCCDF truth tables */

/* For AND/OR and negation, notchecked, notselected and informational
 * count as notapplicable and fixed as pass (XCCDF 1.2, complex-check). */
static enum xccdf_result
tt_norm(enum xccdf_result r)
{
	switch (r) {
	case XCCDF_R_NOTCHECKED:
	case XCCDF_R_NOTSELECTED:
	case XCCDF_R_INFORMATIONAL:
		return XCCDF_R_NOTAPPLICABLE;
	case XCCDF_R_FIXED:
		return XCCDF_R_PASS;
	default:
		return r;
	}
}

static enum xccdf_result
tt_combine(enum xccdf_bool_op op, enum xccdf_result a, enum xccdf_result b)
{
	enum xccdf_result win, lose;

	a = tt_norm(a);
	b = tt_norm(b);
	/* AND: fail dominates; OR: pass dominates.  Then unknown, then
	 * error; notapplicable is neutral; the remaining value wins. */
	win = op == XCCDF_OP_AND ? XCCDF_R_FAIL : XCCDF_R_PASS;
	lose = op == XCCDF_OP_AND ? XCCDF_R_PASS : XCCDF_R_FAIL;
	if (a == win || b == win)
		return win;
	if (a == XCCDF_R_UNKNOWN || b == XCCDF_R_UNKNOWN)
		return XCCDF_R_UNKNOWN;
	if (a == XCCDF_R_ERROR || b == XCCDF_R_ERROR)
		return XCCDF_R_ERROR;
	if (a == XCCDF_R_NOTAPPLICABLE)
		return b;
	if (b == XCCDF_R_NOTAPPLICABLE)
		return a;
	return lose;
}

static enum xccdf_result
tt_negate(enum xccdf_result r)
{
	if (r == XCCDF_R_PASS)
		return XCCDF_R_FAIL;
	if (r == XCCDF_R_FAIL)
		return XCCDF_R_PASS;
	return r;
}

/* ------------------------------------------------------------- OVAL */

static int
get_session(struct eval_ctx *ec, struct xccdf_oval_comp *oc)
{
	struct oval_session_opts so;

	if (oc->session != NULL)
		return PLUMB_OK;
	memset(&so, 0, sizeof(so));
	so.root = ec->o->root;
	return oval_session_new(oc->doc, &so, &oc->session, ec->err);
}

/*
 * Evaluate def_id in oc; the XCCDF result (error for a missing
 * definition or one the engine could not evaluate).  by_class: map by
 * the definition's class (a Rule's check); 0 reads the OVAL result as
 * is (a CPE fact: true means the platform matches).
 */
static enum xccdf_result
oval_def(struct eval_ctx *ec, struct xccdf_oval_comp *oc, const char *def_id,
    int by_class, const struct oval_def_res **dr, int *fatal)
{
	struct plumb_err e = { 0, "" };
	const struct oval_node *n;
	int rc;

	*dr = NULL;
	if (get_session(ec, oc) != PLUMB_OK) {
		*fatal = 1;
		return XCCDF_R_ERROR;
	}
	rc = oval_session_eval(oc->session, def_id, dr, &e);
	if (rc == PLUMB_ENOMEM) {
		plumb_err_set(ec->err, rc, "%s", e.msg);
		*fatal = 1;
		return XCCDF_R_ERROR;
	}
	/* A definition the component does not have (ENOENT) is an error
	 * of the content: the check that names it cannot be performed. */
	if (rc != PLUMB_OK || *dr == NULL)
		return XCCDF_R_ERROR;
	if (!by_class)
		return xccdf_from_oval((*dr)->r);
	n = oval_doc_get(oc->doc, def_id);
	return xccdf_from_oval_class((*dr)->r, n != NULL ?
	    oval_attr(n->node, "class") : NULL);
}

/* The OVAL datatype of external variable name in doc (string when it
 * is not an external_variable or has no datatype). */
static enum oval_datatype
ext_datatype(const struct oval_doc *doc, const char *name)
{
	const struct oval_node *n;
	enum oval_datatype dt = OVAL_DT_STRING;

	n = oval_doc_get(doc, name);
	if (n != NULL && n->kind == OVAL_K_VAR &&
	    oval_datatype_parse(oval_attr(n->node, "datatype"), &dt) != 0)
		dt = OVAL_DT_STRING;
	return dt;
}

/* Bind the check-exports of ck into oc's session; the bindings used go
 * to cr->exports.  Returns PLUMB_OK, or a failure code. */
static int
bind_exports(struct eval_ctx *ec, const struct xccdf_check *ck,
    struct xccdf_oval_comp *oc, struct xccdf_check_res *cr)
{
	const struct xccdf_value *v;
	struct oval_values vals;
	struct bound_var *nb;
	const char *val;
	size_t i, j;
	int rc;

	if (ck->nexports == 0)
		return PLUMB_OK;
	if ((cr->exports = calloc(ck->nexports, sizeof(*cr->exports))) ==
	    NULL)
		return plumb_err_set(ec->err, PLUMB_ENOMEM, "out of memory");
	for (i = 0; i < ck->nexports; i++) {
		v = xccdf_find_value(ec->c, ck->exports[i].value_id);
		val = v != NULL ? v->chosen : NULL;
		cr->exports[cr->nexports].value_id = ck->exports[i].value_id;
		cr->exports[cr->nexports].export_name =
		    ck->exports[i].export_name;
		cr->exports[cr->nexports++].value = val;
		if (val == NULL)
			continue;	/* unbound: the OVAL variable errors */
		for (j = 0; j < ec->nbound; j++)
			if (ec->bound[j].comp == oc &&
			    strcmp(ec->bound[j].name,
			    ck->exports[i].export_name) == 0)
				break;
		if (j < ec->nbound && strcmp(ec->bound[j].value, val) == 0)
			continue;
		oval_values_init(&vals, ext_datatype(oc->doc,
		    ck->exports[i].export_name));
		if (oval_values_add(&vals, val) != PLUMB_OK)
			return plumb_err_set(ec->err, PLUMB_ENOMEM,
			    "out of memory");
		rc = oval_session_set_external(oc->session,
		    ck->exports[i].export_name, &vals, ec->err);
		oval_values_clear(&vals);
		if (rc != PLUMB_OK)
			return rc;
		if (j < ec->nbound) {
			ec->bound[j].value = val;
			continue;
		}
		if (ec->nbound == ec->cbound) {
			nb = reallocarray(ec->bound, ec->cbound ?
			    ec->cbound * 2 : 32, sizeof(*nb));
			if (nb == NULL)
				return plumb_err_set(ec->err, PLUMB_ENOMEM,
				    "out of memory");
			ec->bound = nb;
			ec->cbound = ec->cbound ? ec->cbound * 2 : 32;
		}
		ec->bound[ec->nbound].comp = oc;
		ec->bound[ec->nbound].name = ck->exports[i].export_name;
		ec->bound[ec->nbound++].value = val;
	}
	return PLUMB_OK;
}

/* ------------------------------------------------------------- CPE */

static enum cpe_tri cpe_name(struct eval_ctx *, const char *, int *);

/* An OVAL definition as a CPE fact. */
static enum cpe_tri
cpe_oval(struct eval_ctx *ec, const char *href, const char *def_id,
    int *fatal)
{
	struct xccdf_oval_comp *oc;
	const struct oval_def_res *dr;
	struct plumb_err e = { 0, "" };
	enum xccdf_result r;

	if (href == NULL || def_id == NULL ||
	    xccdf_oval_get(ec->c, href, 1, &oc, &e) != PLUMB_OK)
		return CPE_ERROR;
	r = oval_def(ec, oc, def_id, 0, &dr, fatal);
	if (r == XCCDF_R_PASS)
		return CPE_TRUE;
	return r == XCCDF_R_FAIL ? CPE_FALSE : CPE_ERROR;
}

/* A cpe-lang logical-test. */
static enum cpe_tri
cpe_test(struct eval_ctx *ec, xmlNodePtr t, int depth, int *fatal)
{
	enum cpe_tri r, acc;
	const char *op;
	xmlNodePtr k;
	int and, any = 0;

	if (depth > 64)
		return CPE_ERROR;
	op = xccdf_attr(t, "operator");
	and = op == NULL || strcmp(op, "AND") == 0;
	acc = and ? CPE_TRUE : CPE_FALSE;
	for (k = t->children; k != NULL && !*fatal; k = k->next) {
		if (xccdf_is(k, XCCDF_NS_CPE_LANG, "logical-test"))
			r = cpe_test(ec, k, depth + 1, fatal);
		else if (xccdf_is(k, XCCDF_NS_CPE_LANG, "fact-ref"))
			r = cpe_name(ec, xccdf_attr(k, "name"), fatal);
		else if (xccdf_is(k, XCCDF_NS_CPE_LANG, "check-fact-ref")) {
			const char *sys = xccdf_attr(k, "system");

			if (sys == NULL || strcmp(sys, XCCDF_SYS_OVAL) != 0)
				r = CPE_ERROR;
			else
				r = cpe_oval(ec, xccdf_attr(k, "href"),
				    xccdf_attr(k, "id-ref"), fatal);
		} else
			continue;
		any = 1;
		if (and) {
			if (r == CPE_FALSE || acc == CPE_FALSE)
				acc = CPE_FALSE;
			else if (r == CPE_ERROR)
				acc = CPE_ERROR;
		} else {
			if (r == CPE_TRUE || acc == CPE_TRUE)
				acc = CPE_TRUE;
			else if (r == CPE_ERROR)
				acc = CPE_ERROR;
		}
	}
	if (!any)
		acc = CPE_ERROR;
	if (oval_attr_true(t, "negate") && acc != CPE_ERROR)
		acc = acc == CPE_TRUE ? CPE_FALSE : CPE_TRUE;
	return acc;
}

/* A CPE name: true when its dictionary entry's OVAL check is true; a
 * name missing from the dictionary does not match.  Memoised. */
static enum cpe_tri
cpe_name(struct eval_ctx *ec, const char *name, int *fatal)
{
	struct xccdf_content *c = ec->c;
	enum cpe_tri r = CPE_FALSE;
	xmlNodePtr item, k;
	const char *sys;
	void *m;
	char *def;

	if (name == NULL)
		return CPE_ERROR;
	if ((m = xccdf_map_get(&c->cpe_memo, name)) != NULL)
		return (enum cpe_tri)((size_t)m - 1);
	if ((item = xccdf_map_get(&c->cpe_items, name)) != NULL) {
		for (k = item->children; k != NULL; k = k->next) {
			if (!xccdf_is(k, XCCDF_NS_CPE_DICT, "check") ||
			    (sys = xccdf_attr(k, "system")) == NULL ||
			    strcmp(sys, XCCDF_SYS_OVAL) != 0)
				continue;
			if ((def = oval_text(k)) == NULL) {
				*fatal = 1;
				plumb_err_set(ec->err, PLUMB_ENOMEM,
				    "out of memory");
				return CPE_ERROR;
			}
			r = cpe_oval(ec, xccdf_attr(k, "href"), def, fatal);
			free(def);
			break;
		}
	}
	if (xccdf_map_put(&c->cpe_memo, name, (void *)((size_t)r + 1)) !=
	    PLUMB_OK) {
		*fatal = 1;
		plumb_err_set(ec->err, PLUMB_ENOMEM, "out of memory");
	}
	return r;
}

/* Does one of the platform idrefs apply?  No platforms: applicable. */
static int
platforms_ok(struct eval_ctx *ec, char **plats, size_t n, int *fatal)
{
	xmlNodePtr p, k;
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n && !*fatal; i++) {
		p = xccdf_map_get(&ec->c->platforms, plats[i][0] == '#' ?
		    plats[i] + 1 : plats[i]);
		if (p != NULL) {
			for (k = p->children; k != NULL; k = k->next)
				if (xccdf_is(k, XCCDF_NS_CPE_LANG,
				    "logical-test"))
					break;
			if (k != NULL && cpe_test(ec, k, 0, fatal) == CPE_TRUE)
				return 1;
		} else if (plats[i][0] != '#' &&
		    cpe_name(ec, plats[i], fatal) == CPE_TRUE)
			return 1;
	}
	return 0;
}

/* Is the item (and every enclosing Group) applicable?  Memoised. */
static int
item_applicable(struct eval_ctx *ec, const struct xccdf_item *it, int *fatal)
{
	void *m;
	int r;

	if (it == NULL)
		return ec->run->platform_ok;
	if ((m = xccdf_map_get(&ec->app_memo, it->id)) != NULL)
		return (int)((size_t)m - 1);
	r = item_applicable(ec, it->parent, fatal) &&
	    platforms_ok(ec, it->platforms, it->nplatforms, fatal);
	if (xccdf_map_put(&ec->app_memo, it->id, (void *)((size_t)r + 1)) !=
	    PLUMB_OK) {
		*fatal = 1;
		plumb_err_set(ec->err, PLUMB_ENOMEM, "out of memory");
	}
	return r;
}

/* ----------------------------------------------------------- checks */

static void
check_res_clear(struct xccdf_check_res *cr)
{
	size_t i;

	for (i = 0; i < cr->nkids; i++)
		check_res_clear(&cr->kids[i]);
	free(cr->kids);
	free(cr->exports);
	memset(cr, 0, sizeof(*cr));
}

/*
 * Run one check or complex-check into cr.  whole: for a ref without a
 * name, the AND of every definition.  Returns PLUMB_OK or a failure
 * that stops the run.
 */
static int
run_check(struct eval_ctx *ec, const struct xccdf_check *ck,
    struct xccdf_check_res *cr)
{
	struct xccdf_oval_comp *oc = NULL;
	const struct oval_def_res *dr;
	struct plumb_err e = { 0, "" };
	enum xccdf_result r;
	size_t i, n;
	int rc, fatal = 0;

	memset(cr, 0, sizeof(*cr));
	cr->check = ck;
	if (ck->complex) {
		if ((cr->kids = calloc(ck->nkids, sizeof(*cr->kids))) ==
		    NULL && ck->nkids > 0)
			return plumb_err_set(ec->err, PLUMB_ENOMEM,
			    "out of memory");
		cr->nkids = ck->nkids;
		r = XCCDF_R_NOTAPPLICABLE;
		for (i = 0; i < ck->nkids; i++) {
			if ((rc = run_check(ec, &ck->kids[i], &cr->kids[i])) !=
			    PLUMB_OK)
				return rc;
			r = i == 0 ? tt_norm(cr->kids[i].r) :
			    tt_combine(ck->op, r, cr->kids[i].r);
		}
		if (ck->nkids == 0)
			r = XCCDF_R_UNKNOWN;
		cr->r = ck->negate ? tt_negate(r) : r;
		return PLUMB_OK;
	}
	if (strcmp(ck->system, XCCDF_SYS_OVAL) != 0 || ck->nrefs == 0) {
		cr->r = XCCDF_R_NOTCHECKED;
		return PLUMB_OK;
	}
	for (i = 0; i < ck->nrefs; i++) {
		rc = xccdf_oval_get(ec->c, ck->refs[i].href, 0, &oc, &e);
		/* A [limits] cap stops the evaluation with its message
		 * rather than leaving the checks silently notchecked. */
		if (rc == PLUMB_ENOMEM || rc == PLUMB_ELIMIT)
			return plumb_err_set(ec->err, rc, "%s", e.msg);
		if (rc == PLUMB_OK)
			break;
	}
	if (oc == NULL) {
		/* No check content reachable: the check cannot run. */
		cr->r = XCCDF_R_NOTCHECKED;
		return PLUMB_OK;
	}
	cr->href = ck->refs[i].href;
	cr->comp = oc;
	if ((rc = get_session(ec, oc)) != PLUMB_OK)
		return rc;
	if ((rc = bind_exports(ec, ck, oc, cr)) != PLUMB_OK)
		return rc;
	if (ck->refs[i].name != NULL) {
		cr->def_id = ck->refs[i].name;
		r = oval_def(ec, oc, cr->def_id, 1, &dr, &fatal);
		cr->def = dr;
	} else {
		/* Every definition of the file, combined with AND. */
		n = oval_doc_count(oc->doc, OVAL_K_DEF);
		r = n == 0 ? XCCDF_R_UNKNOWN : XCCDF_R_NOTAPPLICABLE;
		for (i = 0; i < n && !fatal; i++) {
			enum xccdf_result ri = oval_def(ec, oc,
			    oval_doc_nth(oc->doc, OVAL_K_DEF, i)->id, 1, &dr,
			    &fatal);

			r = i == 0 ? tt_norm(ri) : tt_combine(XCCDF_OP_AND, r,
			    ri);
		}
	}
	if (fatal)
		return ec->err != NULL && ec->err->code != 0 ? ec->err->code :
		    PLUMB_ENOMEM;
	cr->r = ck->negate ? tt_negate(r) : r;
	return PLUMB_OK;
}

/*
 * The check to run for a rule: a complex-check when there is one;
 * otherwise the checks whose selector is the refined one (or the
 * unselected ones when none has it), preferring the OVAL system.
 */
static const struct xccdf_check *
pick_check(const struct xccdf_item *rule)
{
	const char *sel = rule->check_selector != NULL ?
	    rule->check_selector : "";
	const struct xccdf_check *first = NULL;
	size_t i;
	int pass;

	for (i = 0; i < rule->nchecks; i++)
		if (rule->checks[i].complex)
			return &rule->checks[i];
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < rule->nchecks; i++) {
			if (strcmp(rule->checks[i].selector, sel) != 0)
				continue;
			if (strcmp(rule->checks[i].system, XCCDF_SYS_OVAL) == 0)
				return &rule->checks[i];
			if (first == NULL)
				first = &rule->checks[i];
		}
		if (first != NULL || sel[0] == '\0')
			break;
		sel = "";
	}
	return first;
}

/* ------------------------------------------------------------- rules */

static int
push_result(struct eval_ctx *ec, const struct xccdf_item *rule,
    struct xccdf_rule_res **out)
{
	struct xccdf_run *run = ec->run;

	if (grow_array(&run->results, run->nresults, &ec->cresults,
	    sizeof(*run->results), 256) != 0)
		return plumb_err_set(ec->err, PLUMB_ENOMEM, "out of memory");
	*out = &run->results[run->nresults++];
	memset(*out, 0, sizeof(**out));
	(*out)->rule = rule;
	(*out)->severity = rule->severity;
	(*out)->weight = rule->weight;
	(*out)->role = rule->role;
	(*out)->time = time(NULL);
	if (xccdf_map_get(&ec->rule_first, rule->id) == NULL &&
	    xccdf_map_put(&ec->rule_first, rule->id,
	    (void *)(run->nresults)) != PLUMB_OK)
		return plumb_err_set(ec->err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
}

static int
in_list(const char *const *l, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i], id) == 0)
			return 1;
	return 0;
}

static int deps_ok(struct eval_ctx *, const struct xccdf_item *, int);

/*
 * Is the item selected in effect: selected itself, every enclosing
 * Group selected in effect, and its own requires and conflicts met
 * (XCCDF 1.2 selectableItemType: an unselected Group's descendants are
 * unselected; an item whose requires or conflicts fails is not
 * processed).  Memoised; an item met again while its own answer is
 * being worked out (a requires cycle) counts by its @selected alone.
 */
static int
item_selected(struct eval_ctx *ec, const struct xccdf_item *it, int depth)
{
	void *m;
	int r;

	if (it == NULL)
		return 1;
	if (!it->selected)
		return 0;
	if ((m = xccdf_map_get(&ec->sel_memo, it->id)) != NULL)
		return (size_t)m == 1 ? 1 : (int)((size_t)m - 2);
	if (depth > XCCDF_DEPS_MAX_DEPTH)
		return 1;
	if (xccdf_map_put(&ec->sel_memo, it->id, (void *)1) != PLUMB_OK)
		return -1;
	r = item_selected(ec, it->parent, depth + 1);
	if (r == 1)
		r = deps_ok(ec, it, depth + 1);
	if (r >= 0 && xccdf_map_put(&ec->sel_memo, it->id,
	    (void *)((size_t)r + 2)) != PLUMB_OK)
		r = -1;
	return r;
}

/* requires (each an OR list) and conflicts of it are satisfied?  1 yes,
 * 0 no, -1 out of memory. */
static int
deps_ok(struct eval_ctx *ec, const struct xccdf_item *it, int depth)
{
	const struct xccdf_item *o;
	size_t i, j;
	int any;

	for (i = 0; i < it->nrequires; i++) {
		any = 0;
		for (j = 0; it->requires[i][j] != NULL && any == 0; j++) {
			o = xccdf_find_item(ec->c, it->requires[i][j]);
			any = o != NULL ? item_selected(ec, o, depth) : 0;
		}
		if (any <= 0)
			return any;
	}
	for (i = 0; i < it->nconflicts; i++) {
		o = xccdf_find_item(ec->c, it->conflicts[i]);
		if (o == NULL)
			continue;
		if ((any = item_selected(ec, o, depth)) != 0)
			return any < 0 ? -1 : 0;
	}
	return 1;
}

static void
finish(struct eval_ctx *ec, struct xccdf_rule_res *rr)
{
	ec->run->counts[rr->r]++;
	if (ec->o->progress != NULL)
		ec->o->progress(rr, ec->o->progress_arg);
}

/*
 * A Rule of role unscored is checked but is no compliance verdict: a
 * pass or fail becomes informational (the check result stays in
 * rr->check for the writers), as the reference evaluator reports.
 */
static enum xccdf_result
unscored(const struct xccdf_item *rule, enum xccdf_result r)
{
	if (rule->role == XCCDF_ROLE_UNSCORED &&
	    (r == XCCDF_R_PASS || r == XCCDF_R_FAIL))
		return XCCDF_R_INFORMATIONAL;
	return r;
}

static int
eval_rule(struct eval_ctx *ec, const struct xccdf_item *rule)
{
	const struct xccdf_eval_opts *o = ec->o;
	const struct xccdf_check *ck;
	struct xccdf_rule_res *rr;
	struct xccdf_oval_comp *oc;
	struct plumb_err e = { 0, "" };
	const struct oval_def_res *dr;
	size_t i, n;
	int rc, sel, fatal = 0;

	/* --rule picks rules whatever their selection; their requires
	 * and conflicts still apply. */
	if (o->nrules > 0) {
		sel = in_list(o->rules, o->nrules, rule->id);
		if (sel)
			sel = deps_ok(ec, rule, 0);
	} else
		sel = item_selected(ec, rule, 0);
	if (sel < 0)
		return plumb_err_set(ec->err, PLUMB_ENOMEM, "out of memory");
	if (sel && in_list(o->skip_rules, o->nskip_rules, rule->id))
		sel = 0;
	if (!sel) {
		if ((rc = push_result(ec, rule, &rr)) != PLUMB_OK)
			return rc;
		rr->r = XCCDF_R_NOTSELECTED;
		finish(ec, rr);
		return PLUMB_OK;
	}
	/* Role unchecked comes before applicability, as the reference
	 * evaluator orders it: such a rule is never checked at all. */
	if (rule->role == XCCDF_ROLE_UNCHECKED) {
		if ((rc = push_result(ec, rule, &rr)) != PLUMB_OK)
			return rc;
		rr->r = XCCDF_R_NOTCHECKED;
		finish(ec, rr);
		return PLUMB_OK;
	}
	if (!item_applicable(ec, rule, &fatal) || fatal) {
		if (fatal)
			return ec->err->code != 0 ? ec->err->code :
			    PLUMB_ENOMEM;
		if ((rc = push_result(ec, rule, &rr)) != PLUMB_OK)
			return rc;
		rr->r = XCCDF_R_NOTAPPLICABLE;
		finish(ec, rr);
		return PLUMB_OK;
	}
	ck = pick_check(rule);
	if (ck == NULL) {
		if ((rc = push_result(ec, rule, &rr)) != PLUMB_OK)
			return rc;
		rr->r = XCCDF_R_NOTCHECKED;
		finish(ec, rr);
		return PLUMB_OK;
	}
	if (!ck->complex && ck->multi_check && ck->nrefs > 0 &&
	    ck->refs[0].name == NULL &&
	    strcmp(ck->system, XCCDF_SYS_OVAL) == 0 &&
	    xccdf_oval_get(ec->c, ck->refs[0].href, 0, &oc, &e) == PLUMB_OK) {
		/* multi-check: one rule-result per definition. */
		if ((rc = get_session(ec, oc)) != PLUMB_OK)
			return rc;
		n = oval_doc_count(oc->doc, OVAL_K_DEF);
		if (n == 0) {
			/* Nothing to check: the rule still has a result,
			 * and nothing says whether it is met. */
			if ((rc = push_result(ec, rule, &rr)) != PLUMB_OK)
				return rc;
			rr->check.check = ck;
			rr->check.href = ck->refs[0].href;
			rr->check.comp = oc;
			rr->check.r = rr->r = XCCDF_R_UNKNOWN;
			finish(ec, rr);
			return PLUMB_OK;
		}
		for (i = 0; i < n; i++) {
			if ((rc = push_result(ec, rule, &rr)) != PLUMB_OK)
				return rc;
			rr->check.check = ck;
			rr->check.href = ck->refs[0].href;
			rr->check.comp = oc;
			if ((rc = bind_exports(ec, ck, oc, &rr->check)) !=
			    PLUMB_OK)
				return rc;
			rr->check.def_id = oval_doc_nth(oc->doc, OVAL_K_DEF,
			    i)->id;
			rr->multi_def = rr->check.def_id;
			rr->check.r = oval_def(ec, oc, rr->check.def_id, 1,
			    &dr, &fatal);
			if (fatal)
				return ec->err->code != 0 ? ec->err->code :
				    PLUMB_ENOMEM;
			rr->check.def = dr;
			if (ck->negate)
				rr->check.r = tt_negate(rr->check.r);
			rr->r = unscored(rule, rr->check.r);
			finish(ec, rr);
		}
		return PLUMB_OK;
	}
	if ((rc = push_result(ec, rule, &rr)) != PLUMB_OK)
		return rc;
	if ((rc = run_check(ec, ck, &rr->check)) != PLUMB_OK)
		return rc;
	rr->r = unscored(rule, rr->check.r);
	finish(ec, rr);
	return PLUMB_OK;
}

static int
eval_items(struct eval_ctx *ec, struct xccdf_item **items, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (items[i]->kind == XCCDF_ITEM_GROUP)
			rc = eval_items(ec, items[i]->kids, items[i]->nkids);
		else if (items[i]->abstract)
			continue;
		else
			rc = eval_rule(ec, items[i]);
		if (rc != PLUMB_OK)
			return rc;
	}
	return PLUMB_OK;
}

/* ------------------------------------------------------------ scores */

/* Does a rule result take part in scoring? */
static int
counted(const struct xccdf_rule_res *rr)
{
	if (rr->role == XCCDF_ROLE_UNSCORED)
		return 0;
	switch (rr->r) {
	case XCCDF_R_PASS:
	case XCCDF_R_FIXED:
	case XCCDF_R_FAIL:
	case XCCDF_R_ERROR:
	case XCCDF_R_UNKNOWN:
		return 1;
	default:
		return 0;
	}
}

static int
passed(const struct xccdf_rule_res *rr)
{
	return rr->r == XCCDF_R_PASS || rr->r == XCCDF_R_FIXED;
}

/*
 * urn:xccdf:scoring:default (XCCDF 1.2 7.3.2): a Rule scores 100 when
 * it passed and 0 otherwise; a Group (and the Benchmark) scores the
 * weight-averaged score of its children that count.  *count is 0 when
 * nothing below counted.
 */
static double
score_default(struct eval_ctx *ec, struct xccdf_item **items, size_t n,
    size_t *count)
{
	const struct xccdf_run *run = ec->run;
	double acc = 0, wsum = 0, s;
	size_t i, j, cnt, pass;
	void *m;

	*count = 0;
	for (i = 0; i < n; i++) {
		if (items[i]->kind == XCCDF_ITEM_GROUP) {
			if (!items[i]->selected)
				continue;
			s = score_default(ec, items[i]->kids, items[i]->nkids,
			    &cnt);
			if (cnt == 0)
				continue;
			*count += cnt;
		} else {
			if ((m = xccdf_map_get(&ec->rule_first,
			    items[i]->id)) == NULL)
				continue;
			cnt = pass = 0;
			for (j = (size_t)m - 1; j < run->nresults &&
			    run->results[j].rule == items[i]; j++) {
				if (!counted(&run->results[j]))
					continue;
				cnt++;
				pass += passed(&run->results[j]);
			}
			if (cnt == 0)
				continue;
			s = 100.0 * (double)pass / (double)cnt;
			*count += 1;
		}
		acc += s * items[i]->weight;
		wsum += items[i]->weight;
	}
	return wsum > 0 ? acc / wsum : 0;
}

static void
compute_scores(struct eval_ctx *ec)
{
	struct xccdf_run *run = ec->run;
	const struct xccdf_rule_res *rr;
	double fs = 0, fm = 0, us = 0, um = 0;
	size_t i, cnt;

	for (i = 0; i < XCCDF_SCORE__COUNT; i++) {
		run->scores[i].model = (enum xccdf_score_model)i;
		run->scores[i].system = xccdf_score_system(
		    (enum xccdf_score_model)i);
	}
	for (i = 0; i < run->nresults; i++) {
		rr = &run->results[i];
		if (!counted(rr))
			continue;
		fm += rr->weight;
		um += 1;
		if (passed(rr)) {
			fs += rr->weight;
			us += 1;
		}
	}
	run->scores[XCCDF_SCORE_DEFAULT].score = score_default(ec,
	    ec->c->bm.items, ec->c->bm.nitems, &cnt);
	run->scores[XCCDF_SCORE_DEFAULT].max = 100;
	run->scores[XCCDF_SCORE_FLAT].score = fs;
	run->scores[XCCDF_SCORE_FLAT].max = fm;
	run->scores[XCCDF_SCORE_FLAT_UNWEIGHTED].score = us;
	run->scores[XCCDF_SCORE_FLAT_UNWEIGHTED].max = um;
	run->scores[XCCDF_SCORE_ABSOLUTE].score = fs == fm ? 1 : 0;
	run->scores[XCCDF_SCORE_ABSOLUTE].max = 1;
}

/* ------------------------------------------------------------ public */

int
xccdf_eval(struct xccdf_content *c, const struct xccdf_eval_opts *opts,
    struct xccdf_run **out, struct plumb_err *err)
{
	static const struct xccdf_eval_opts none;
	struct eval_ctx ec;
	struct xccdf_run *run;
	size_t i;
	int rc, fatal = 0;

	*out = NULL;
	if (!c->resolved && (rc = xccdf_resolve(c, NULL, err)) != PLUMB_OK)
		return rc;
	if (opts == NULL)
		opts = &none;
	for (i = 0; i < opts->nrules; i++)
		if (xccdf_find_item(c, opts->rules[i]) == NULL ||
		    xccdf_find_item(c, opts->rules[i])->kind !=
		    XCCDF_ITEM_RULE)
			return plumb_err_set(err, PLUMB_ENOENT,
			    "%s: no Rule '%s'", c->path, opts->rules[i]);
	if ((run = calloc(1, sizeof(*run))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	memset(&ec, 0, sizeof(ec));
	ec.c = c;
	ec.o = opts;
	ec.run = run;
	ec.err = err;
	if (err != NULL)
		err->code = 0;
	run->content = c;
	run->benchmark = &c->bm;
	run->profile = c->profile;
	run->start = time(NULL);
	if (opts->root != NULL && opts->root[0] != '\0' &&
	    (run->root = realpath(opts->root, NULL)) == NULL &&
	    (run->root = strdup(opts->root)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	run->platform_ok = platforms_ok(&ec, c->bm.platforms,
	    c->bm.nplatforms, &fatal);
	if (fatal) {
		rc = err != NULL && err->code != 0 ? err->code : PLUMB_ENOMEM;
		goto out;
	}
	if ((rc = eval_items(&ec, c->bm.items, c->bm.nitems)) != PLUMB_OK)
		goto out;
	compute_scores(&ec);
	run->end = time(NULL);
	*out = run;
	run = NULL;
out:
	xccdf_map_clear(&ec.app_memo);
	xccdf_map_clear(&ec.rule_first);
	xccdf_map_clear(&ec.sel_memo);
	free(ec.bound);
	xccdf_run_free(run);
	return rc;
}

void
xccdf_run_free(struct xccdf_run *run)
{
	size_t i;

	if (run == NULL)
		return;
	for (i = 0; i < run->nresults; i++) {
		check_res_clear(&run->results[i].check);
		free(run->results[i].msg);
	}
	free(run->results);
	free(run->root);
	free(run);
}
