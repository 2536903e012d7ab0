/*
 * probe_rpmverifyfile.c - rpmverifyfile_object (linux): the files of
 * installed RPM packages checked against what the RPM database records
 * for them, under the probe root.  Which hosts have no RPM database
 * and what a build without librpm reports: see probe_rpminfo.c.
 *
 * The checks are those of "rpm -V", done here against ROOT/path (librpm
 * only verifies files after a chroot, which a probe must not do): file
 * type and permissions, size, digest (with the package's algorithm),
 * symbolic link target, device number, owner and group names (from
 * ROOT/etc/passwd and ROOT/etc/group), mtime.  As rpm does, a check the
 * package's %verify excludes or that the file's type makes meaningless
 * (content of a directory, a %ghost file's content) passes.  A check
 * the object's behaviors turn off is "not performed", and so is every
 * check of a file that is missing.  capabilities_differ passes when
 * the package records no capabilities for the file and is "not
 * performed" otherwise (plumb does not read file capabilities).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/probe.h"
#include "rpmdb.h"

#ifdef HAVE_LIBRPM
#include <rpm/rpmfileutil.h>
#include <rpm/rpmfiles.h>


#define RVF_PATH_MAX	4096
#define RVF_DIGEST_MAX	64		/* SHA-512 */

/* The checks in item order, the item field, the behavior(s) that turn
 * each off and the rpm %verify bit that covers it. */
struct rvf_check {
	const char *field;
	const char *behavior;
	const char *behavior2;
	rpmVerifyAttrs bit;
};

static const struct rvf_check rvf_checks[] = {
	{ "size_differs", "nosize", NULL, RPMVERIFY_FILESIZE },
	{ "mode_differs", "nomode", NULL, RPMVERIFY_MODE },
	{ "md5_differs", "nomd5", "nofiledigest", RPMVERIFY_FILEDIGEST },
	{ "filedigest_differs", "nofiledigest", "nomd5", RPMVERIFY_FILEDIGEST },
	{ "device_differs", "nordev", NULL, RPMVERIFY_RDEV },
	{ "link_mismatch", "nolinkto", NULL, RPMVERIFY_LINKTO },
	{ "ownership_differs", "nouser", NULL, RPMVERIFY_USER },
	{ "group_differs", "nogroup", NULL, RPMVERIFY_GROUP },
	{ "mtime_differs", "nomtime", NULL, RPMVERIFY_MTIME },
	{ "capabilities_differ", "nocaps", NULL, RPMVERIFY_CAPS },
};
#define RVF_NCHECKS	(sizeof(rvf_checks) / sizeof(rvf_checks[0]))

struct rvf_ctx {
	const struct probe_req *req;
	const char *prefix;		/* probe_root_prefix */
	const char *root;
	rpmVerifyAttrs omit;		/* turned off by behaviors */
	int noconfig;
	int noghost;
};

/* Is behavior name set to true on the object? */
static int
rvf_behavior(const struct probe_req *req, const char *name)
{
	return name != NULL &&
	    strcmp(probe_req_behavior(req, name, "false"), "true") == 0;
}

/* Does file ix (at ROOT/fn, lstat st) differ from the package?  The
 * failed checks among want. */
static rpmVerifyAttrs
rvf_verify(const struct rvf_ctx *ctx, rpmfiles fi, int ix, const char *path,
    const struct stat *st, rpmVerifyAttrs want)
{
	rpmVerifyAttrs bad = 0;
	const unsigned char *fd;
	unsigned char dig[RVF_DIGEST_MAX];
	const char *s, *name;
	char link[RVF_PATH_MAX];
	mode_t fmode = rpmfilesFMode(fi, ix);
	size_t dlen = 0;
	ssize_t n;
	int algo = 0;

	if (S_ISDIR(st->st_mode))
		want &= ~(RPMVERIFY_FILEDIGEST | RPMVERIFY_FILESIZE |
		    RPMVERIFY_MTIME | RPMVERIFY_LINKTO | RPMVERIFY_CAPS);
	else if (S_ISLNK(st->st_mode))
		want &= ~(RPMVERIFY_FILEDIGEST | RPMVERIFY_FILESIZE |
		    RPMVERIFY_MTIME | RPMVERIFY_MODE | RPMVERIFY_CAPS);
	else if (S_ISREG(st->st_mode))
		want &= ~(RPMVERIFY_LINKTO | RPMVERIFY_RDEV);
	else
		want &= ~(RPMVERIFY_FILEDIGEST | RPMVERIFY_FILESIZE |
		    RPMVERIFY_MTIME | RPMVERIFY_LINKTO | RPMVERIFY_CAPS);
	if ((want & RPMVERIFY_FILEDIGEST) &&
	    (fd = rpmfilesFDigest(fi, ix, &algo, &dlen)) != NULL &&
	    dlen > 0 && dlen <= sizeof(dig)) {
		if (rpmDoDigest(algo, path, 0, dig) != 0 ||
		    memcmp(dig, fd, dlen) != 0)
			bad |= RPMVERIFY_FILEDIGEST;
	}
	if (want & RPMVERIFY_LINKTO) {
		s = rpmfilesFLink(fi, ix);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0 || s == NULL ||
		    strncmp(link, s, (size_t)n) != 0 || s[n] != '\0')
			bad |= RPMVERIFY_LINKTO;
	}
	if ((want & RPMVERIFY_FILESIZE) &&
	    (rpm_loff_t)st->st_size != rpmfilesFSize(fi, ix))
		bad |= RPMVERIFY_FILESIZE;
	if (want & RPMVERIFY_MODE) {
		/* A %ghost file's type is not known until created. */
		if ((rpmfilesFFlags(fi, ix) & RPMFILE_GHOST) ?
		    (st->st_mode & 07777) != (fmode & 07777) :
		    st->st_mode != fmode)
			bad |= RPMVERIFY_MODE;
	}
	if ((want & RPMVERIFY_RDEV) && (S_ISCHR(fmode) || S_ISBLK(fmode) ||
	    S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) &&
	    ((fmode & S_IFMT) != (st->st_mode & S_IFMT) ||
	    (rpm_rdev_t)st->st_rdev != rpmfilesFRdev(fi, ix)))
		bad |= RPMVERIFY_RDEV;
	if ((want & RPMVERIFY_MTIME) &&
	    (rpm_time_t)st->st_mtime != rpmfilesFMtime(fi, ix))
		bad |= RPMVERIFY_MTIME;
	if (want & RPMVERIFY_USER) {
		name = rpmdb_idname(ctx->root, 0, (unsigned long)st->st_uid);
		s = rpmfilesFUser(fi, ix);
		if (name == NULL || s == NULL || strcmp(name, s) != 0)
			bad |= RPMVERIFY_USER;
	}
	if (want & RPMVERIFY_GROUP) {
		name = rpmdb_idname(ctx->root, 1, (unsigned long)st->st_gid);
		s = rpmfilesFGroup(fi, ix);
		if (name == NULL || s == NULL || strcmp(name, s) != 0)
			bad |= RPMVERIFY_GROUP;
	}
	return bad;
}

/* One rpmverifyfile_item for file ix of the package nv. */
static int
rvf_item(const struct rvf_ctx *ctx, const struct rpmdb_nevra *nv,
    rpmfiles fi, int ix, const char *fn, struct probe_result *res)
{
	struct oval_item *it = NULL;
	char path[RVF_PATH_MAX];
	rpmfileAttrs fa = rpmfilesFFlags(fi, ix);
	rpmVerifyAttrs want, bad = 0, notdone;
	const char *caps, *v;
	struct stat st;
	size_t i;
	int found, rc = PLUMB_ENOMEM;

	if ((size_t)snprintf(path, sizeof(path), "%s%s", ctx->prefix, fn) >=
	    sizeof(path))
		return probe_flag(res, OVAL_FLAG_ERROR, "%.300s: path too "
		    "long", fn);
	found = lstat(path, &st) == 0;
	want = rpmfilesVFlags(fi, ix) & ~ctx->omit;
	if (fa & RPMFILE_GHOST)
		want &= ~(RPMVERIFY_FILEDIGEST | RPMVERIFY_FILESIZE |
		    RPMVERIFY_MTIME | RPMVERIFY_LINKTO);
	if (found)
		bad = rvf_verify(ctx, fi, ix, path, &st, want);
	notdone = ctx->omit;
	caps = rpmfilesFCaps(fi, ix);
	if (caps != NULL && caps[0] != '\0')
		notdone |= RPMVERIFY_CAPS;
	if ((it = oval_item_new(OVAL_NS_SC_LINUX, "rpmverifyfile_item")) ==
	    NULL ||
	    oval_item_add(it, "name", OVAL_DT_STRING, nv->name) != 0 ||
	    oval_item_add(it, "epoch", OVAL_DT_STRING, nv->epoch) != 0 ||
	    oval_item_add(it, "version", OVAL_DT_STRING, nv->version) != 0 ||
	    oval_item_add(it, "release", OVAL_DT_STRING, nv->release) != 0 ||
	    oval_item_add(it, "arch", OVAL_DT_STRING, nv->arch) != 0 ||
	    oval_item_add(it, "filepath", OVAL_DT_STRING, fn) != 0 ||
	    oval_item_add(it, "extended_name", OVAL_DT_STRING,
	    nv->extended) != 0)
		goto out;
	for (i = 0; i < RVF_NCHECKS; i++) {
		if (!found || (notdone & rvf_checks[i].bit))
			v = "not performed";
		else
			v = (bad & rvf_checks[i].bit) ? "fail" : "pass";
		if (oval_item_add(it, rvf_checks[i].field, OVAL_DT_STRING,
		    v) != 0)
			goto out;
	}
	if (oval_item_add(it, "configuration_file", OVAL_DT_BOOLEAN,
	    (fa & RPMFILE_CONFIG) ? "true" : "false") != 0 ||
	    oval_item_add(it, "documentation_file", OVAL_DT_BOOLEAN,
	    (fa & RPMFILE_DOC) ? "true" : "false") != 0 ||
	    oval_item_add(it, "ghost_file", OVAL_DT_BOOLEAN,
	    (fa & RPMFILE_GHOST) ? "true" : "false") != 0 ||
	    oval_item_add(it, "license_file", OVAL_DT_BOOLEAN,
	    (fa & RPMFILE_LICENSE) ? "true" : "false") != 0 ||
	    oval_item_add(it, "readme_file", OVAL_DT_BOOLEAN,
	    (fa & RPMFILE_README) ? "true" : "false") != 0)
		goto out;
	rc = probe_emit(res, it);
	it = NULL;
out:
	oval_item_unref(it);
	return rc;
}

/* The items for the files of one package. */
static int
rvf_package(void *arg, Header h, struct probe_result *res)
{
	const struct rvf_ctx *ctx = arg;
	const struct probe_ent *fpe = probe_req_ent(ctx->req, "filepath");
	struct rpmdb_nevra nv;
	struct plumb_err err;
	rpmfiles fi = NULL;
	rpmfileAttrs fa;
	rpm_count_t i, n;
	char *fn;
	int m, rc;

	if ((rc = rpmdb_nevra(h, &nv)) != 0)
		return rc;
	if ((m = rpmdb_match_evra(ctx->req, &nv, res)) <= 0)
		goto out;
	if ((fi = rpmfilesNew(NULL, h, RPMTAG_BASENAMES, RPMFI_FLAGS_VERIFY))
	    == NULL)
		goto out;
	n = rpmfilesFC(fi);
	for (i = 0; i < n && !probe_full(res); i++) {
		fa = rpmfilesFFlags(fi, (int)i);
		if ((ctx->noconfig && (fa & RPMFILE_CONFIG)) ||
		    (ctx->noghost && (fa & RPMFILE_GHOST)))
			continue;
		if ((fn = rpmfilesFN(fi, (int)i)) == NULL) {
			rc = PLUMB_ENOMEM;
			goto out;
		}
		if ((m = probe_ent_match(fpe, fn, &err)) < 0) {
			free(fn);
			probe_flag(res, OVAL_FLAG_ERROR, "%s", err.msg);
			goto out;
		}
		if (m)
			rc = rvf_item(ctx, &nv, fi, (int)i, fn, res);
		free(fn);
		if (rc != 0)
			goto out;
	}
out:
	rpmfilesFree(fi);
	rpmdb_nevra_free(&nv);
	return rc;
}

static int
rpmverifyfile_collect(const struct probe_req *req, struct probe_result *res)
{
	struct rvf_ctx ctx;
	rpmts ts;
	size_t i;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.req = req;
	ctx.prefix = probe_root_prefix(req);
	ctx.root = req->env->root;
	for (i = 0; i < RVF_NCHECKS; i++)
		if (rvf_behavior(req, rvf_checks[i].behavior) ||
		    rvf_behavior(req, rvf_checks[i].behavior2))
			ctx.omit |= rvf_checks[i].bit;
	ctx.noconfig = rvf_behavior(req, "noconfigfiles");
	ctx.noghost = rvf_behavior(req, "noghostfiles");
	if ((rc = rpmdb_open(req, res, &ts)) != 0 || ts == NULL)
		return rc;
	rc = rpmdb_each(ts, probe_req_ent(req, "name"), res, rvf_package,
	    &ctx);
	rpmtsFree(ts);
	return rc;
}

#else /* !HAVE_LIBRPM */

#define rpmverifyfile_collect rpmdb_nolib

#endif /* HAVE_LIBRPM */

const struct probe_ops probe_rpmverifyfile_ops = {
	.type = "rpmverifyfile_object",
	.family = "linux",
	.collect = rpmverifyfile_collect,
};
