/*
 * oval_eval.h - one evaluation of an OVAL definitions document.
 *
 * A session memoises every definition, test, object and variable it
 * evaluates, so each object is collected once however many tests use
 * it, and the results writer can report exactly what was evaluated.
 */
#ifndef PLUMB_OVAL_EVAL_H
#define PLUMB_OVAL_EVAL_H

#include <stddef.h>
#include <time.h>

#include "plumb/error.h"
#include "plumb/item.h"
#include "plumb/oval_types.h"
#include "plumb/values.h"
#include "oval_doc.h"

/* A criteria / criterion / extend_definition with its result. */
struct oval_crit {
	xmlNodePtr node;
	enum oval_result r;
	struct oval_crit *kids;
	size_t nkids;
};

struct oval_def_res {
	const struct oval_node *n;
	enum oval_result r;
	struct oval_crit crit;		/* node NULL when no criteria */
};

/* A variable value that took part in collecting or testing. */
struct oval_var_use {
	const char *var_id;
	const struct oval_values *vals;	/* the session's memo */
};

struct oval_var_uses {
	struct oval_var_use *v;
	size_t n;
	size_t cap;
};

struct oval_obj_res {
	const struct oval_node *n;
	enum oval_flag flag;
	struct oval_item_list items;	/* interned session items */
	char *msg;
	struct oval_var_uses vars;
};

struct oval_tst_res {
	const struct oval_node *n;
	enum oval_result r;
	const struct oval_obj_res *obj;	/* NULL when the object is missing */
	enum oval_result *item_r;	/* one per obj->items, when states */
	struct oval_var_uses vars;	/* variables the states used */
	char *msg;
};

struct oval_var_res {
	const struct oval_node *n;
	int rc;				/* 0, or the PLUMB_E* of the failure */
	int invalid;			/* rc is broken content, not just a
					 * value that cannot be had: an
					 * external value outside the
					 * possible values, a component
					 * naming no item field (here or in
					 * a variable it uses) */
	struct oval_values vals;
	char *msg;
};

struct oval_session_opts {
	const char *root;		/* probe root; NULL means "/" */
	time_t now;			/* 0: the current time */
};

struct oval_session;

/* New session over doc (borrowed; must outlive the session). */
int oval_session_new(const struct oval_doc *doc,
    const struct oval_session_opts *opts, struct oval_session **out,
    struct plumb_err *err);

void oval_session_free(struct oval_session *s);

/*
 * Bind external variables from an oval-variables document; later calls
 * and oval_session_set_external() override earlier bindings.
 */
int oval_session_load_variables(struct oval_session *s, const char *path,
    struct plumb_err *err);

/* Bind one external variable to values (copied). */
int oval_session_set_external(struct oval_session *s, const char *id,
    const struct oval_values *vals, struct plumb_err *err);

/*
 * Evaluate one definition (and whatever it needs).  Returns 0 with
 * *res set (owned by the session), PLUMB_ENOENT for an unknown id, or
 * PLUMB_ENOMEM.  Content problems become "error" results, not failures.
 */
int oval_session_eval(struct oval_session *s, const char *def_id,
    const struct oval_def_res **res, struct plumb_err *err);

/* Walk what was evaluated, in document order (NULL when not evaluated). */
const struct oval_def_res *oval_session_def(const struct oval_session *s,
    const struct oval_node *n);
const struct oval_tst_res *oval_session_tst(const struct oval_session *s,
    const struct oval_node *n);
const struct oval_obj_res *oval_session_obj(const struct oval_session *s,
    const struct oval_node *n);
const struct oval_var_res *oval_session_var(const struct oval_session *s,
    const struct oval_node *n);

const struct oval_doc *oval_session_doc(const struct oval_session *s);

/* Every distinct item collected so far, by ascending id. */
const struct oval_item_list *oval_session_items(const struct oval_session *s);

#endif /* PLUMB_OVAL_EVAL_H */
