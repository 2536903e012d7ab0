/*
 * probe_rpmverifyfile.c - rpmverifyfile_object (linux): files of RPM
 * packages checked against the RPM database.  plumb is built without
 * librpm, so it cannot read an RPM database.  Where there is none (the
 * Debian family) no file can belong to an RPM package and the object
 * does not exist, which is what the reference evaluator reports too;
 * where there is one the object is reported as not collected rather
 * than as a silent absence.  The same rule as rpminfo_object.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "plumb/probe.h"

/* The places an RPM database lives (rpm >= 4.16 and older). */
static const char *const rpmverifyfile_dbs[] = {
	"/var/lib/rpm",
	"/usr/lib/sysimage/rpm",
	NULL
};

static int
rpmverifyfile_collect(const struct probe_req *req, struct probe_result *res)
{
	const char *root = probe_root_prefix(req);
	char path[4096];
	struct stat st;
	size_t i;

	for (i = 0; rpmverifyfile_dbs[i] != NULL; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", root,
		    rpmverifyfile_dbs[i]) >= sizeof(path))
			return probe_flag(res, OVAL_FLAG_ERROR,
			    "probe root too long");
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return probe_flag(res, OVAL_FLAG_NOT_COLLECTED,
			    "%s: this build of plumb cannot read RPM "
			    "databases", rpmverifyfile_dbs[i]);
	}
	res->flag = OVAL_FLAG_DOES_NOT_EXIST;
	return PLUMB_OK;
}

const struct probe_ops probe_rpmverifyfile_ops = {
	.type = "rpmverifyfile_object",
	.family = "linux",
	.collect = rpmverifyfile_collect,
};
