/*
 * probe_rpminfo.c - rpminfo_object (linux): installed RPM packages read
 * from the RPM database under the probe root with librpm.  Where the
 * host has no RPM configuration the object is not applicable, where it
 * has no database it does not exist (rpmdb.h says why).  A build
 * without librpm cannot read a database at all and reports the object
 * not collected, as for an object type plumb has no probe for.
 *
 * Items carry what the 5.11 rpminfo_item lists: epoch is "(none)" for
 * a package without one while evr then starts with 0 (the RPM
 * comparison treats both alike), signature_keyid is the 16 hex digits
 * of the key that signed the header, "0" when unsigned, and filepath
 * (every file of the package) only with the behavior filepaths="true".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/limits.h"
#include "plumb/probe.h"
#include "rpmdb.h"

#ifdef HAVE_LIBRPM
#include <rpm/rpmfiles.h>
#include <rpm/rpmtd.h>


/* filepath entities in one item: [limits] max_rpm_files (200000). */
#define RPMINFO_FILES_MAX	plumb_limits.rpm_files

/* The signature query: the first of the header signatures present. */
static const char rpminfo_sigfmt[] =
    "%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:"
    "{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{}|}|}|}|";

/* The signing key id of h into buf ("0" when unsigned). */
static void
rpminfo_keyid(Header h, char *buf, size_t len)
{
	char *s, *k;
	size_t n;

	snprintf(buf, len, "0");
	if ((s = headerFormat(h, rpminfo_sigfmt, NULL)) == NULL)
		return;
	if ((k = strstr(s, "Key ID ")) != NULL) {
		k += 7;
		n = strspn(k, "0123456789abcdefABCDEF");
		if (n > 0 && n < len)
			snprintf(buf, len, "%.*s", (int)n, k);
	}
	free(s);
}

struct rpminfo_ctx {
	int filepaths;
};

/* One rpminfo_item for h. */
static int
rpminfo_item(void *arg, Header h, struct probe_result *res)
{
	const struct rpminfo_ctx *ctx = arg;
	struct rpmdb_nevra nv;
	struct oval_item *it = NULL;
	rpmfiles files = NULL;
	char keyid[32], *fn;
	rpm_count_t i, n;
	int rc;

	if ((rc = rpmdb_nevra(h, &nv)) != 0)
		return rc;
	rc = PLUMB_ENOMEM;
	rpminfo_keyid(h, keyid, sizeof(keyid));
	if ((it = oval_item_new(OVAL_NS_SC_LINUX, "rpminfo_item")) == NULL ||
	    oval_item_add(it, "name", OVAL_DT_STRING, nv.name) != 0 ||
	    oval_item_add(it, "arch", OVAL_DT_STRING, nv.arch) != 0 ||
	    oval_item_add(it, "epoch", OVAL_DT_STRING, nv.epoch) != 0 ||
	    oval_item_add(it, "release", OVAL_DT_STRING, nv.release) != 0 ||
	    oval_item_add(it, "version", OVAL_DT_STRING, nv.version) != 0 ||
	    oval_item_add(it, "evr", OVAL_DT_EVR_STRING, nv.evr) != 0 ||
	    oval_item_add(it, "signature_keyid", OVAL_DT_STRING, keyid) != 0 ||
	    oval_item_add(it, "extended_name", OVAL_DT_STRING,
	    nv.extended) != 0)
		goto out;
	if (ctx->filepaths &&
	    (files = rpmfilesNew(NULL, h, RPMTAG_BASENAMES, RPMFI_FLAGS_QUERY))
	    != NULL) {
		n = rpmfilesFC(files);
		for (i = 0; i < n && i < RPMINFO_FILES_MAX; i++) {
			if ((fn = rpmfilesFN(files, (int)i)) == NULL)
				goto out;
			if (oval_item_add(it, "filepath", OVAL_DT_STRING,
			    fn) != 0) {
				free(fn);
				goto out;
			}
			free(fn);
		}
		if (n > RPMINFO_FILES_MAX)
			probe_flag(res, OVAL_FLAG_INCOMPLETE, "%s: more than "
			    "%u files ([limits] max_rpm_files)", nv.name,
			    RPMINFO_FILES_MAX);
	}
	rc = probe_emit(res, it);
	it = NULL;
out:
	rpmfilesFree(files);
	oval_item_unref(it);
	rpmdb_nevra_free(&nv);
	return rc;
}

static int
rpminfo_collect(const struct probe_req *req, struct probe_result *res)
{
	struct rpminfo_ctx ctx;
	rpmts ts;
	int rc;

	ctx.filepaths = strcmp(probe_req_behavior(req, "filepaths", "false"),
	    "true") == 0;
	if ((rc = rpmdb_open(req, res, &ts)) != 0 || ts == NULL)
		return rc;
	rc = rpmdb_each(ts, probe_req_ent(req, "name"), res, rpminfo_item,
	    &ctx);
	rpmtsFree(ts);
	return rc;
}

#else /* !HAVE_LIBRPM */

#define rpminfo_collect rpmdb_nolib

#endif /* HAVE_LIBRPM */

const struct probe_ops probe_rpminfo_ops = {
	.type = "rpminfo_object",
	.family = "linux",
	.collect = rpminfo_collect,
};
