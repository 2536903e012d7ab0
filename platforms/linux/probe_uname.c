/*
 * probe_uname.c - uname_object (unix): uname(2) of the running kernel.
 * Under an offline root (--root other than "/") the running kernel says
 * nothing about the tree being scanned, so the object is not
 * applicable there, as with the reference evaluator.  On Linux the
 * processor type is the machine hardware name, as uname -m reports it.
 */
#include <sys/utsname.h>

#include <errno.h>
#include <string.h>

#include "plumb/probe.h"

static int
uname_collect(const struct probe_req *req, struct probe_result *res)
{
	struct oval_item *it;
	struct utsname u;

	if (strcmp(req->env->root, "/") != 0)
		return probe_flag(res, OVAL_FLAG_NOT_APPLICABLE,
		    "uname describes the running kernel, not %s",
		    req->env->root);
	if (uname(&u) != 0)
		return probe_flag(res, OVAL_FLAG_ERROR, "uname: %s",
		    strerror(errno));
	if ((it = oval_item_new(OVAL_NS_SC_UNIX, "uname_item")) == NULL ||
	    oval_item_add(it, "machine_class", OVAL_DT_STRING,
	    u.machine) != 0 ||
	    oval_item_add(it, "node_name", OVAL_DT_STRING, u.nodename) != 0 ||
	    oval_item_add(it, "os_name", OVAL_DT_STRING, u.sysname) != 0 ||
	    oval_item_add(it, "os_release", OVAL_DT_STRING, u.release) != 0 ||
	    oval_item_add(it, "os_version", OVAL_DT_STRING, u.version) != 0 ||
	    oval_item_add(it, "processor_type", OVAL_DT_STRING,
	    u.machine) != 0) {
		oval_item_unref(it);
		return PLUMB_ENOMEM;
	}
	return probe_emit(res, it);
}

const struct probe_ops probe_uname_ops = {
	.type = "uname_object",
	.family = "unix",
	.collect = uname_collect,
};
