/*
 * probe_rpmverifypackage.c - rpmverifypackage_object (linux): installed
 * RPM packages checked as "rpm -V" checks a package as a whole, under
 * the probe root.  Which hosts have no RPM database and what a build
 * without librpm reports: see probe_rpminfo.c.
 *
 * dependency_check_passed is librpm's dependency check of the package
 * against the installed set (behavior nodeps turns it off).
 * verification_script_successful is true for a package without a
 * %verifyscript; plumb never runs package scripts, so for a package
 * with one the entity is left out (not collected) rather than guessed.
 * digest_check_passed and signature_check_passed are left out: header
 * digests are checked by librpm as it reads the database (a header
 * failing them is not returned), and plumb checks no signatures; the
 * reference evaluator leaves both out too.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "plumb/probe.h"
#include "rpmdb.h"

#ifdef HAVE_LIBRPM
#include <rpm/rpmps.h>


struct rvp_ctx {
	const struct probe_req *req;
	rpmts ts;
	int nodeps;
	int noscripts;
};

/* Does librpm find h's dependencies satisfied by the installed set? */
static int
rvp_deps(rpmts ts, Header h)
{
	rpmps ps;
	int ok;

	rpmtsEmpty(ts);
	if (rpmtsAddInstallElement(ts, h, NULL, 0, NULL) != 0)
		return 0;
	ok = rpmtsCheck(ts) == 0;
	if ((ps = rpmtsProblems(ts)) != NULL) {
		if (rpmpsNumProblems(ps) > 0)
			ok = 0;
		rpmpsFree(ps);
	}
	rpmtsEmpty(ts);
	return ok;
}

/* One rpmverifypackage_item for h. */
static int
rvp_item(void *arg, Header h, struct probe_result *res)
{
	const struct rvp_ctx *ctx = arg;
	struct oval_item *it = NULL;
	struct rpmdb_nevra nv;
	int m, rc;

	if ((rc = rpmdb_nevra(h, &nv)) != 0)
		return rc;
	if ((m = rpmdb_match_evra(ctx->req, &nv, res)) <= 0)
		goto out;
	rc = PLUMB_ENOMEM;
	if ((it = oval_item_new(OVAL_NS_SC_LINUX, "rpmverifypackage_item")) ==
	    NULL ||
	    oval_item_add(it, "name", OVAL_DT_STRING, nv.name) != 0 ||
	    oval_item_add(it, "epoch", OVAL_DT_STRING, nv.epoch) != 0 ||
	    oval_item_add(it, "version", OVAL_DT_STRING, nv.version) != 0 ||
	    oval_item_add(it, "release", OVAL_DT_STRING, nv.release) != 0 ||
	    oval_item_add(it, "arch", OVAL_DT_STRING, nv.arch) != 0 ||
	    oval_item_add(it, "extended_name", OVAL_DT_STRING,
	    nv.extended) != 0)
		goto out;
	if (!ctx->nodeps && oval_item_add(it, "dependency_check_passed",
	    OVAL_DT_BOOLEAN, rvp_deps(ctx->ts, h) ? "true" : "false") != 0)
		goto out;
	if (!ctx->noscripts && !headerIsEntry(h, RPMTAG_VERIFYSCRIPT) &&
	    oval_item_add(it, "verification_script_successful",
	    OVAL_DT_BOOLEAN, "true") != 0)
		goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	rpmdb_nevra_free(&nv);
	return rc;
}

static int
rpmverifypackage_collect(const struct probe_req *req,
    struct probe_result *res)
{
	struct rvp_ctx ctx;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.req = req;
	ctx.nodeps = strcmp(probe_req_behavior(req, "nodeps", "false"),
	    "true") == 0;
	ctx.noscripts = strcmp(probe_req_behavior(req, "noscripts", "false"),
	    "true") == 0;
	if ((rc = rpmdb_open(req, res, &ctx.ts)) != 0 || ctx.ts == NULL)
		return rc;
	rc = rpmdb_each(ctx.ts, probe_req_ent(req, "name"), res, rvp_item,
	    &ctx);
	rpmtsFree(ctx.ts);
	return rc;
}

#else /* !HAVE_LIBRPM */

#define rpmverifypackage_collect rpmdb_nolib

#endif /* HAVE_LIBRPM */

const struct probe_ops probe_rpmverifypackage_ops = {
	.type = "rpmverifypackage_object",
	.family = "linux",
	.collect = rpmverifypackage_collect,
};
