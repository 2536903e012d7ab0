/*
 * rpmdb.h - the RPM database under the probe root, shared by the
 * rpminfo, rpmverifyfile and rpmverifypackage probes (built only with
 * librpm, HAVE_LIBRPM).
 *
 * Which host has RPM: librpm reads its configuration (rpmrc, macros)
 * once per process.  When that fails the host has no RPM package
 * system at all and the RPM objects are "not applicable" (OVAL's flag
 * for an object that does not apply to the system characterized).
 * When it succeeds the database is looked for under the probe root at
 * the configured %_dbpath, then at the two places RPM systems keep it
 * (/var/lib/rpm, /usr/lib/sysimage/rpm); a database file must be
 * there.  Without one no package is installed through RPM and every
 * RPM object "does not exist".  The reference evaluator draws the
 * same two lines.
 */
#ifndef PLUMB_RPMDB_H
#define PLUMB_RPMDB_H

#include "plumb/probe.h"

/* What every RPM object gets from a build without librpm: not
 * collected, as an object type plumb has no probe for. */
int rpmdb_nolib(const struct probe_req *req, struct probe_result *res);

#ifdef HAVE_LIBRPM
#include <rpm/header.h>
#include <rpm/rpmts.h>

/* The most packages one object may look at (a database is a few
 * thousand; a larger one is flagged incomplete past this). */
#define RPMDB_PKG_MAX	200000

/*
 * Open the database under req's root read-only.  On 0 either *ts is
 * set (the caller frees it with rpmtsFree) or *ts is NULL and res is
 * flagged (not applicable, does not exist, error) with a message.
 * Negative PLUMB_E* only for ENOMEM.
 */
int rpmdb_open(const struct probe_req *req, struct probe_result *res,
    rpmts *ts);

/*
 * Call fn(arg, h, res) for each installed package whose name matches
 * the entity name (NULL: every package), looked up by name when the
 * entity lists exact names.  Stops at the first non-zero return of fn
 * (returned) or once res is full; RPMDB_PKG_MAX bounds the packages
 * visited.  Entity errors flag res and return 0.
 */
int rpmdb_each(rpmts ts, const struct probe_ent *name,
    struct probe_result *res,
    int (*fn)(void *arg, Header h, struct probe_result *res), void *arg);

/* The version fields of h as OVAL items carry them: epoch is "(none)"
 * when the package has none, evr EPOCH:VERSION-RELEASE with 0 for no
 * epoch, extended NAME-EPOCH:VERSION-RELEASE.ARCH. */
struct rpmdb_nevra {
	const char *name;
	const char *version;
	const char *release;
	const char *arch;
	char epoch[24];
	char *evr;		/* allocated */
	char *extended;		/* allocated */
};

/* Fill nv from h (strings of h stay owned by h); PLUMB_ENOMEM. */
int rpmdb_nevra(Header h, struct rpmdb_nevra *nv);
void rpmdb_nevra_free(struct rpmdb_nevra *nv);

/*
 * Do the entities epoch, version, release and arch of req (those it
 * gives) match nv?  1 yes, 0 no, negative with res flagged error.
 */
int rpmdb_match_evra(const struct probe_req *req,
    const struct rpmdb_nevra *nv, struct probe_result *res);

/* The user (group: 1) name of id under root, read from ROOT/etc/passwd
 * (ROOT/etc/group) and cached until that file changes; "root" for id
 * 0; NULL when unknown. */
const char *rpmdb_idname(const char *root, int group, unsigned long id);

#endif /* HAVE_LIBRPM */

#endif /* PLUMB_RPMDB_H */
