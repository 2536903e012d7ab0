/*
 * probe_rpminfo.c - rpminfo_object (linux).  plumb is built without
 * librpm, so it cannot read an RPM database.  Where there is none (the
 * Debian family) no package can be installed through RPM and the object
 * does not exist, which is what the reference evaluator reports too;
 * where there is one the object is reported as not collected rather
 * than as a silent absence.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "plumb/probe.h"

/* The places an RPM database lives (rpm >= 4.16 and older). */
static const char *const rpminfo_dbs[] = {
	"/var/lib/rpm",
	"/usr/lib/sysimage/rpm",
	NULL
};

static int
rpminfo_collect(const struct probe_req *req, struct probe_result *res)
{
	const char *root = probe_root_prefix(req);
	char path[4096];
	struct stat st;
	size_t i;

	for (i = 0; rpminfo_dbs[i] != NULL; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", root,
		    rpminfo_dbs[i]) >= sizeof(path))
			return probe_flag(res, OVAL_FLAG_ERROR,
			    "probe root too long");
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return probe_flag(res, OVAL_FLAG_NOT_COLLECTED,
			    "%s: this build of plumb cannot read RPM "
			    "databases", rpminfo_dbs[i]);
	}
	res->flag = OVAL_FLAG_DOES_NOT_EXIST;
	return PLUMB_OK;
}

const struct probe_ops probe_rpminfo_ops = {
	.type = "rpminfo_object",
	.family = "linux",
	.collect = rpminfo_collect,
};
