/*
 * probe_selinuxsecuritycontext.c - selinuxsecuritycontext_object
 * (linux): the SELinux context of files (filepath, or path + filename,
 * through fsobj) or of processes (pid).
 *
 * A file's context is its "security.selinux" extended attribute, read
 * without following a final symbolic link, so no libselinux is needed.
 * "USER:ROLE:TYPE[:LOW[-HIGH]]" is split into the item's fields, each
 * level into sensitivity and category; the raw fields repeat them (no
 * MCS translation is done).  A file without a context gives an item in
 * error and the object's flag error, as the reference evaluator reports
 * on a host without SELinux.
 *
 * Process contexts come from ROOT/proc/PID/attr/current.  When SELinux
 * is not enabled (no ROOT/sys/fs/selinux) no process has one and a pid
 * object does not exist, as the reference evaluator reports; on an
 * SELinux host pid objects are not collected by this version.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plumb/probe.h"
#include "fsobj.h"

#define SEC_CTX_MAX	4096

/* Add SENS/CAT fields for one level ("s0" or "s0:c0.c1023"). */
static int
sec_level(struct oval_item *it, const char *pfx, const char *lvl,
    size_t len)
{
	char name[40], buf[SEC_CTX_MAX];
	const char *colon;
	size_t sl;

	colon = memchr(lvl, ':', len);
	sl = colon ? (size_t)(colon - lvl) : len;
	snprintf(buf, sizeof(buf), "%.*s", (int)sl, lvl);
	snprintf(name, sizeof(name), "%ssensitivity", pfx);
	if (oval_item_add(it, name, OVAL_DT_STRING, buf) != 0)
		return PLUMB_ENOMEM;
	if (colon == NULL)
		return PLUMB_OK;
	snprintf(buf, sizeof(buf), "%.*s", (int)(len - sl - 1), colon + 1);
	snprintf(name, sizeof(name), "%scategory", pfx);
	return oval_item_add(it, name, OVAL_DT_STRING, buf);
}

/* The user, role, type and level fields of context ctx, in schema order. */
static int
sec_context(struct oval_item *it, const char *ctx)
{
	const char *p = ctx, *e, *lvl, *dash;
	static const char *const names[] = { "user", "role", "type" };
	char buf[SEC_CTX_MAX];
	size_t i, ll;
	int raw, rc;

	for (i = 0; i < 3; i++) {
		e = strchr(p, ':');
		snprintf(buf, sizeof(buf), "%.*s",
		    (int)(e ? (size_t)(e - p) : strlen(p)), p);
		if ((rc = oval_item_add(it, names[i], OVAL_DT_STRING,
		    buf)) != 0)
			return rc;
		if (e == NULL)
			return PLUMB_OK;
		p = e + 1;
	}
	lvl = p;
	dash = strchr(lvl, '-');
	ll = dash ? (size_t)(dash - lvl) : strlen(lvl);
	for (raw = 0; raw < 2; raw++) {
		if ((rc = sec_level(it, raw ? "rawlow_" : "low_", lvl,
		    ll)) != 0)
			return rc;
		if (dash != NULL && (rc = sec_level(it, raw ? "rawhigh_" :
		    "high_", dash + 1, strlen(dash + 1))) != 0)
			return rc;
	}
	return PLUMB_OK;
}

/* One file's item. */
static int
sec_file(const struct fsobj_file *f, void *arg)
{
	struct probe_result *res = arg;
	struct oval_item *it;
	char ctx[SEC_CTX_MAX];
	ssize_t n;
	int rc = PLUMB_ENOMEM;

	if ((it = oval_item_new(OVAL_NS_SC_LINUX,
	    "selinuxsecuritycontext_item")) == NULL)
		return PLUMB_ENOMEM;
	if (f->filepath != NULL &&
	    oval_item_add(it, "filepath", OVAL_DT_STRING, f->filepath) != 0)
		goto out;
	if (oval_item_add(it, "path", OVAL_DT_STRING, f->path) != 0 ||
	    oval_item_add(it, "filename", OVAL_DT_STRING, f->filename) != 0)
		goto out;
	n = lgetxattr(f->hostpath, "security.selinux", ctx, sizeof(ctx) - 1);
	if (n < 0) {
		char msg[PLUMB_ERR_MSG_MAX];

		snprintf(msg, sizeof(msg), "no SELinux context for %s: %s",
		    f->filepath ? f->filepath : f->path, strerror(errno));
		it->status = OVAL_ST_ERROR;
		if (oval_item_set_message(it, msg) != 0)
			goto out;
		probe_flag(res, OVAL_FLAG_ERROR, "%s", msg);
	} else {
		ctx[n] = '\0';
		while (n > 0 && ctx[n - 1] == '\0')
			n--;
		if ((rc = sec_context(it, ctx)) != 0)
			goto out;
	}
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	return rc;
}

static int
sec_collect(const struct probe_req *req, struct probe_result *res)
{
	const struct probe_ent *pid = probe_req_ent(req, "pid");
	const char *root = probe_root_prefix(req);
	char fs[4096];
	struct stat st;

	if (pid == NULL)
		return fsobj_walk(req, res, sec_file, res);
	if ((size_t)snprintf(fs, sizeof(fs), "%s/sys/fs/selinux/enforce",
	    root) >= sizeof(fs))
		return probe_flag(res, OVAL_FLAG_ERROR, "probe root too long");
	if (stat(fs, &st) != 0)
		return probe_flag(res, OVAL_FLAG_DOES_NOT_EXIST,
		    "SELinux is not enabled on this host (no selinuxfs at "
		    "/sys/fs/selinux): no process has a context");
	return probe_flag(res, OVAL_FLAG_NOT_COLLECTED,
	    "process contexts are not collected by this version of plumb");
}

const struct probe_ops probe_selinuxsecuritycontext_ops = {
	.type = "selinuxsecuritycontext_object",
	.family = "linux",
	.collect = sec_collect,
};
