/*
 * probe_variable.c - variable_object (independent): the values of the
 * document's own variables, so content can test computed values.
 */
#include <stdio.h>
#include <string.h>

#include "plumb/probe.h"

/* One variable_item for variable id, or nothing if it has no values. */
static int
variable_item(const struct probe_req *req, const char *id,
    struct probe_result *res)
{
	struct oval_values vals;
	struct plumb_err err;
	struct oval_item *it = NULL;
	size_t i;
	int rc;

	err.msg[0] = '\0';
	/*
	 * A variable that cannot be evaluated (an external one nobody
	 * bound) still names an item, one without values: states on its
	 * value then come out unknown, as in the reference evaluator.
	 */
	if ((rc = req->env->var_values(req->env->eng, id, &vals, &err)) != 0) {
		oval_values_clear(&vals);
		if (rc == PLUMB_ENOMEM)
			return rc;
	} else if (vals.n == 0) {
		/* Evaluated to nothing: there is no item to report. */
		oval_values_clear(&vals);
		return PLUMB_OK;
	}
	rc = PLUMB_ENOMEM;
	if ((it = oval_item_new(OVAL_NS_SC_IND, "variable_item")) == NULL ||
	    oval_item_add(it, "var_ref", OVAL_DT_STRING, id) != 0 ||
	    (err.msg[0] != '\0' && oval_item_set_message(it, err.msg) != 0))
		goto out;
	for (i = 0; i < vals.n; i++)
		if (oval_item_add(it, "value", vals.dt, vals.v[i]) != 0)
			goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	oval_values_clear(&vals);
	return rc;
}

static int
variable_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *ref = probe_req_ent(req, "var_ref");
	const char *const *ids;
	struct plumb_err err;
	size_t n, i;
	int m, rc;

	if (ref == NULL)
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "variable_object without var_ref");
	if ((rc = req->env->var_ids(req->env->eng, &ids, &n)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		if ((m = probe_ent_match(ref, ids[i], &err)) < 0)
			return probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
		if (m && (rc = variable_item(req, ids[i], res)) != 0)
			return rc;
		if (res->flag == OVAL_FLAG_ERROR)
			break;
	}
	return PLUMB_OK;
}

const struct probe_ops probe_variable_ops = {
	.type = "variable_object",
	.family = "independent",
	.collect = variable_collect,
};
