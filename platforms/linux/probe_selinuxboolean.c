/*
 * probe_selinuxboolean.c - selinuxboolean_object (linux): SELinux
 * booleans and their current and pending values, read from selinuxfs
 * (ROOT/sys/fs/selinux/booleans/NAME holds "CURRENT PENDING"), so no
 * libselinux is needed.  On a host where SELinux is not enabled (no
 * selinuxfs) there are no booleans: the object does not exist, with a
 * message saying why, which is what the reference evaluator reports.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plumb/probe.h"

#define SEB_PATH_MAX	4096
#define SEB_CAP		100000		/* booleans listed */

/* One item from the file of boolean name in dir. */
static int
seb_item(const char *dir, const char *name, struct probe_result *res)
{
	struct oval_item *it = NULL;
	char path[SEB_PATH_MAX];
	int cur, pend, rc = PLUMB_ENOMEM;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return PLUMB_OK;
	if ((f = fopen(path, "r")) == NULL)
		return probe_flag(res, OVAL_FLAG_ERROR, "%s: %s", name,
		    strerror(errno));
	if (fscanf(f, "%d %d", &cur, &pend) != 2) {
		fclose(f);
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "%s: not \"CURRENT PENDING\"", name);
	}
	fclose(f);
	if ((it = oval_item_new(OVAL_NS_SC_LINUX, "selinuxboolean_item")) ==
	    NULL ||
	    oval_item_add(it, "name", OVAL_DT_STRING, name) != 0 ||
	    oval_item_add(it, "current_status", OVAL_DT_BOOLEAN,
	    cur ? "true" : "false") != 0 ||
	    oval_item_add(it, "pending_status", OVAL_DT_BOOLEAN,
	    pend ? "true" : "false") != 0)
		goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	return rc;
}

static int
seb_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *name = probe_req_ent(req, "name");
	const char *root = probe_root_prefix(req);
	char fs[SEB_PATH_MAX], dir[SEB_PATH_MAX];
	struct plumb_err err;
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	DIR *d;
	int rc = PLUMB_OK, m;

	if ((size_t)snprintf(fs, sizeof(fs), "%s/sys/fs/selinux/enforce",
	    root) >= sizeof(fs) ||
	    (size_t)snprintf(dir, sizeof(dir), "%s/sys/fs/selinux/booleans",
	    root) >= sizeof(dir))
		return probe_flag(res, OVAL_FLAG_ERROR, "probe root too long");
	if (stat(fs, &st) != 0) {
		probe_flag(res, OVAL_FLAG_DOES_NOT_EXIST,
		    "SELinux is not enabled on this host (no selinuxfs at "
		    "/sys/fs/selinux)");
		return PLUMB_OK;
	}
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT) {
			res->flag = OVAL_FLAG_DOES_NOT_EXIST;
			return PLUMB_OK;
		}
		return probe_flag(res, OVAL_FLAG_ERROR,
		    "/sys/fs/selinux/booleans: %s", strerror(errno));
	}
	while ((de = readdir(d)) != NULL && rc == 0) {
		if (de->d_name[0] == '.')
			continue;
		if (++n > SEB_CAP) {
			probe_flag(res, OVAL_FLAG_INCOMPLETE,
			    "more than %d SELinux booleans", SEB_CAP);
			break;
		}
		err.msg[0] = '\0';
		if ((m = probe_ent_match(name, de->d_name, &err)) < 0) {
			probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			break;
		}
		if (m)
			rc = seb_item(dir, de->d_name, res);
	}
	closedir(d);
	if (rc == 0 && res->items.n == 0 && res->flag == OVAL_FLAG_COMPLETE)
		res->flag = OVAL_FLAG_DOES_NOT_EXIST;
	return rc;
}

const struct probe_ops probe_selinuxboolean_ops = {
	.type = "selinuxboolean_object",
	.family = "linux",
	.collect = seb_collect,
};
