/*
 * probe_symlink.c - symlink_object (unix): where a symbolic link leads,
 * resolved within the probe root.  A file that is not a link yields no
 * item; a link whose target does not exist (or loops) flags the object
 * as error, since its canonical path cannot be known.
 */
#include <sys/stat.h>

#include "plumb/probe.h"
#include "fsobj.h"

struct symlink_ctx {
	const struct probe_req	*req;
	struct probe_result	*res;
	int			 notlink;	/* files that are not links */
};

/* One symlink_item for the link f. */
static int
symlink_item(const struct fsobj_file *f, void *arg)
{
	struct symlink_ctx *c = arg;
	char canon[FSOBJ_PATH_MAX];
	struct oval_item *it;
	int rc;

	if (f->filepath == NULL || !S_ISLNK(f->st->st_mode)) {
		c->notlink++;
		return PLUMB_OK;
	}
	rc = fsobj_canonical(c->req->env->root, f->filepath, canon,
	    sizeof(canon));
	if (rc != 0)
		return probe_flag(c->res, OVAL_FLAG_ERROR,
		    "target of symlink '%s' %s", f->filepath,
		    rc == PLUMB_ELIMIT ? "cannot be resolved (loop)" :
		    "does not exist");
	if ((it = oval_item_new(OVAL_NS_SC_UNIX, "symlink_item")) == NULL ||
	    oval_item_add(it, "filepath", OVAL_DT_STRING, f->filepath) != 0 ||
	    oval_item_add(it, "canonical_path", OVAL_DT_STRING, canon) != 0) {
		oval_item_unref(it);
		return PLUMB_ENOMEM;
	}
	return probe_emit(c->res, it);
}

static int
symlink_collect(const struct probe_req *req, struct probe_result *res)
{
	struct symlink_ctx c = { req, res, 0 };
	int rc;

	if ((rc = fsobj_walk(req, res, symlink_item, &c)) != 0)
		return rc;
	if (res->items.n == 0 && res->flag == OVAL_FLAG_COMPLETE &&
	    c.notlink > 0)
		return probe_flag(res, OVAL_FLAG_DOES_NOT_EXIST,
		    "%d matching file(s) are not symbolic links", c.notlink);
	return PLUMB_OK;
}

const struct probe_ops probe_symlink_ops = {
	.type = "symlink_object",
	.family = "unix",
	.collect = symlink_collect,
};
