/* probe_family.c - family_object (independent): this host is "unix". */
#include "plumb/probe.h"

static int
family_collect(const struct probe_req *req, struct probe_result *res)
{
	struct oval_item *it;

	if ((it = oval_item_new(OVAL_NS_SC_IND, "family_item")) == NULL ||
	    oval_item_add(it, "family", OVAL_DT_STRING, "unix") != 0) {
		oval_item_unref(it);
		return PLUMB_ENOMEM;
	}
	return probe_emit(res, it);
}

const struct probe_ops probe_family_ops = {
	.type = "family_object",
	.family = "independent",
	.collect = family_collect,
};
