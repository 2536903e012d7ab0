/* probe.c - services the engine offers every probe. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/probe.h"
#include "oval_cmp.h"
#include "oval_result.h"

const struct probe_ent *
probe_req_ent(const struct probe_req *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nents; i++)
		if (strcmp(req->ents[i].name, name) == 0)
			return &req->ents[i];
	return NULL;
}

const struct probe_ent *
probe_req_need(const struct probe_req *req, struct probe_result *res,
    const char *name, enum oval_operation op)
{
	const struct probe_ent *e = probe_req_ent(req, name);

	if (e == NULL || e->nil || e->vals->n == 0) {
		probe_flag(res, OVAL_FLAG_ERROR, "%s without %s", req->type,
		    name);
		return NULL;
	}
	if (e->op != op) {
		probe_flag(res, OVAL_FLAG_ERROR,
		    "%s needs operation '%s', not '%s'", name,
		    oval_operation_name(op), oval_operation_name(e->op));
		return NULL;
	}
	return e;
}

const char *
probe_req_behavior(const struct probe_req *req, const char *name,
    const char *def)
{
	size_t i;

	for (i = 0; i < req->nbehaviors; i++)
		if (strcmp(req->behaviors[i].name, name) == 0)
			return req->behaviors[i].value;
	return def;
}

int
probe_ent_match(const struct probe_ent *e, const char *candidate,
    struct plumb_err *err)
{
	struct oval_rcount rc = { { 0 } };
	enum oval_result r;
	size_t i;

	if (e == NULL || e->nil)
		return 1;
	for (i = 0; i < e->vals->n; i++) {
		r = oval_cmp(e->dt, e->op, candidate, e->vals->v[i], err);
		if (r == OVAL_R_ERROR)
			return PLUMB_EINVAL;
		oval_rcount_add(&rc, r);
	}
	/* An entity without values matches nothing (the engine flags the
	 * object as not existing before a probe ever sees one). */
	if (e->vals->n == 0)
		return 0;
	return oval_result_check(e->var_check, &rc) == OVAL_R_TRUE;
}

int
probe_ent_exact(const struct probe_ent *e, const struct oval_values **vals)
{
	*vals = NULL;
	if (e == NULL || e->nil || e->op != OVAL_OP_EQUALS)
		return 0;
	/* With several values only "at least one" (or a single value)
	 * means "any of these"; "all" of several distinct values can match
	 * nothing, which enumeration handles correctly. */
	if (e->vals->n > 1 && e->var_check != OVAL_CHECK_AT_LEAST_ONE)
		return 0;
	/* Other datatypes have several spellings of one value ("01" == "1"). */
	if (e->dt != OVAL_DT_STRING)
		return 0;
	*vals = e->vals;
	return 1;
}

const char *
probe_root_prefix(const struct probe_req *req)
{
	return strcmp(req->env->root, "/") == 0 ? "" : req->env->root;
}

int
probe_keep(const struct probe_result *res, const struct oval_item *it)
{
	return res->keep == NULL || res->keep(res->keep_arg, it);
}

int
probe_keep_uses(const struct probe_result *res, const char *name)
{
	if (res->keep == NULL)
		return 0;
	return res->keep_uses == NULL || res->keep_uses(res->keep_arg, name);
}

/* The item cap: PROBE_ITEM_CAP, or PLUMB_TEST_ITEM_CAP for tests. */
static size_t
probe_item_cap(void)
{
	static size_t cap;
	unsigned long long v;
	const char *e;
	char *end;

	if (cap != 0)
		return cap;
	cap = PROBE_ITEM_CAP;
	if ((e = getenv("PLUMB_TEST_ITEM_CAP")) != NULL && *e != '\0') {
		errno = 0;
		v = strtoull(e, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0 && v < PROBE_ITEM_CAP)
			cap = (size_t)v;
	}
	return cap;
}

int
probe_full(const struct probe_result *res)
{
	return res->items.n >= probe_item_cap() &&
	    res->flag != OVAL_FLAG_COMPLETE;
}

int
probe_take(struct probe_result *res, struct oval_item *it)
{
	if (res->items.n >= probe_item_cap()) {
		oval_item_unref(it);
		if (res->flag == OVAL_FLAG_COMPLETE)
			probe_flag(res, OVAL_FLAG_INCOMPLETE, "more than %zu "
			    "items; collection stopped", probe_item_cap());
		return PLUMB_OK;
	}
	return oval_item_list_take(&res->items, it);
}

int
probe_emit(struct probe_result *res, struct oval_item *it)
{
	if (!probe_keep(res, it)) {
		oval_item_unref(it);
		return PLUMB_OK;
	}
	return probe_take(res, it);
}

int
probe_flag(struct probe_result *res, enum oval_flag flag, const char *fmt, ...)
{
	va_list ap;

	res->flag = flag;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	return 0;
}
