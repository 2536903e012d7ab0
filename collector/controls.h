/*
 * controls.h - the ISMS control set (benchmarks/controls/README.md):
 * which target controls (ISO/IEC 27001:2022 Annex A, NIST CSF 2.0,
 * IEC 62443-3-3) a stored rule result counts towards, given its rule id
 * and its references, and the fleet's compliance per control.
 *
 * Rollups: when a bundle is stored, the rule results of that scan are
 * folded into one row per control they map onto (table control_rollups,
 * component "controls": passed, the mapped rule ids, the failing ones),
 * by the store's insert hook (controls_attach()).  Every route below
 * reads those rows, never the rule results.  The rows depend on the
 * control set: controls_attach() rebuilds them from the stored rule
 * results once whenever the file changed since they were made.
 *
 * A host is scanned against one or more baselines (store.h: benchmark,
 * profile, scanned root).  Status of a control on one baseline of a
 * host, from that baseline's newest scan (by created, then received,
 * then uuid), for the rules mapped onto it:
 *	fail	a mapped rule has result fail or error and no waiver
 *		applies to it;
 *	waived	mapped rules fail or error, every one of them waived;
 *	pass	no mapped rule fails and at least one passes (or fixed);
 *	unknown	mapped rules ran but none passed or failed
 *		(notapplicable, notchecked, unknown, informational).
 * Status on the host: the same rules applied to the mapped rules of
 * the newest scan of every baseline together (a control fails when any
 * baseline fails it, passes when one passes and none fails); a scan of
 * one baseline never replaces another's results.  A host none of whose
 * baselines has a rule mapped onto the control is not counted for it.
 * Fleet status: fail if any host fails, else waived if any host is
 * waived, else pass if any host passes, else unknown.
 *
 * History replays the rollups of every stored scan and every waiver
 * boundary (created, approved_time, expires, revoked_time) in time
 * order, each
 * baseline of each host counting with its newest scan so far and the
 * waivers in force at that moment; a point is recorded whenever the
 * fleet counts of the control change.
 */
#ifndef PLUMB_COLLECTOR_CONTROLS_H
#define PLUMB_COLLECTOR_CONTROLS_H

#include <stddef.h>
#include <time.h>

#include "plumb/error.h"
#include "api.h"
#include "store.h"

/* Where plumb-collector looks for the control set by default. */
#define CONTROLS_DEFAULT_PATH \
	"/usr/share/plumb/controls/isms-controls.ini"

struct controls;		/* opaque; borrowed strings live as long */
struct waiver_set;		/* waivers.h */

/* A target control. */
struct controls_control {
	const char *framework;	/* "iso27001-2022", "csf2", ... */
	const char *id;		/* "A.8.9", "PR.AA-01", "SR 1.1" */
	const char *title;
};

/* A [map FRAMEWORK VALUE] section: the target controls it names. */
struct controls_map {
	const char *framework;	/* source: "rule", "nist800-53" ... */
	const char *value;	/* rule id or reference value */
	const size_t *targets;	/* indices of controls_at() */
	size_t ntargets;
};

/*
 * Read and check the control set at path.  PLUMB_EPARSE with
 * "FILE:LINE: why" for a syntax error, an unknown section kind or key,
 * an unknown framework, a map naming an undeclared control, a control
 * of a framework that is not a target, or a duplicate section.
 */
int controls_load(const char *path, struct controls **out,
    struct plumb_err *err);

/* Free; accepts NULL. */
void controls_free(struct controls *c);

/* The target controls, in file order. */
size_t controls_count(const struct controls *c);
const struct controls_control *controls_at(const struct controls *c,
    size_t i);

/* Index of framework/id, or -1 when not a declared target control. */
long controls_find(const struct controls *c, const char *framework,
    const char *id);

/* Title of framework name, NULL when not declared. */
const char *controls_framework_title(const struct controls *c,
    const char *name);

/* The map sections, in file order. */
size_t controls_nmaps(const struct controls *c);
const struct controls_map *controls_map_at(const struct controls *c,
    size_t i);

/*
 * Mark in hit (controls_count() bytes, not cleared here) the target
 * controls a rule counts towards: [map rule RULE_ID], its references of
 * source frameworks (comma-separated values, "CM-6(a)" falling back to
 * "CM-6") and its references of target frameworks (README.md, Lookup).
 * refs_json is the stored JSON array [{"href","text"}...] (NULL or
 * unparsable: no references).  *unmapped (may be NULL) is incremented
 * for each source value that maps to nothing.
 */
void controls_match(const struct controls *c, const char *rule_id,
    const char *refs_json, unsigned char *hit, size_t *unmapped);

/* ------------------------------------------------ fleet compliance */

enum controls_status {
	CONTROLS_NONE = 0,	/* host: no mapped rule in its baselines */
	CONTROLS_PASS,
	CONTROLS_FAIL,
	CONTROLS_WAIVED,
	CONTROLS_UNKNOWN
};
#define CONTROLS_NSTATUS	5

/* "pass", "fail", "waived", "unknown" ("none" for CONTROLS_NONE). */
const char *controls_status_name(int status);

/* One control on one host at the end of an evaluation. */
struct controls_hoststat {
	int status;		/* enum controls_status */
	unsigned char mapped;	/* a mapped rule is in the scan */
	unsigned char passed;	/* a mapped rule passed (or fixed) */
	time_t since;		/* when it took this status */
	char **failing;		/* fail/error rule ids, in scan order */
	size_t nfailing;
};

/* One baseline of a host (store.h) at the end of an evaluation. */
struct controls_base {
	char benchmark_id[STORE_TEXT_MAX];
	char profile_id[STORE_TEXT_MAX];
	char target_root[STORE_TEXT_MAX];	/* "" for the host itself */
	char scan[STORE_UUID_LEN + 1];		/* its newest scan */
	time_t scan_time;
	time_t scan_received;			/* cache: its received */
	struct controls_hoststat *st;	/* controls_count() entries; status
					 * and since unused */
};

/* One host of an evaluation. */
struct controls_host {
	char id[STORE_HOST_MAX];
	char role[STORE_ATTR_MAX];
	char site[STORE_ATTR_MAX];
	char zone[STORE_ATTR_MAX];
	char scan[STORE_UUID_LEN + 1];	/* its newest scan, "" if none */
	time_t scan_time;		/* that scan's created */
	struct controls_hoststat *st;	/* controls_count() entries: every
					 * baseline together */
	struct controls_base *base;	/* its baselines, in order seen */
	size_t nbase;
};

/* A change of one control's fleet counts (history). */
struct controls_point {
	time_t time;
	unsigned count[CONTROLS_NSTATUS];	/* hosts per status */
	int status;				/* fleet status then */
};

/* A control's fleet status from time on. */
struct controls_change {
	time_t time;
	int status;
};

/* One control across the fleet at the end of an evaluation. */
struct controls_fleet {
	unsigned count[CONTROLS_NSTATUS];
	int status;		/* fleet status (CONTROLS_NONE: no host) */
	time_t failing_since;	/* status fail: since when; else 0 */
	char **rules;		/* rule ids mapped (seen or [map rule]),
				 * sorted */
	size_t nrules;
	/* The cache's history of this control (every control's is kept):
	 * points in time order, of which the newest history_points are
	 * answered (up to twice as many are held, dropped in halves). */
	struct controls_point *points;
	size_t npoints, cappoints;
	/* Every change of the fleet status, in time order, for the trend
	 * (GET controls/trend): the newest history_points of them (all
	 * without a cache); dropped_changes: older ones were dropped. */
	struct controls_change *changes;
	size_t nchanges, capchanges;
	int dropped_changes;
};

/* The whole evaluation; the caller frees it with controls_eval_free(). */
struct controls_eval {
	struct controls_host *hosts;	/* ordered by id */
	size_t nhosts;
	struct controls_fleet *fleet;	/* ncontrols entries */
	size_t ncontrols;		/* = controls_count() */
	struct controls_point *points;	/* of the tracked control */
	size_t npoints;
	struct waiver_set *waivers;	/* loaded for it (waivers.h) */
};

/*
 * Create the rollup table (component "controls"), rebuild the rollups
 * of every stored bundle when they were made with another control set
 * (or never), and register c with store_set_insert_hook() so that each
 * bundle stored from now on gets its rollups in its own transaction.
 * Call before any thread stores bundles; controls_free(c) unregisters.
 */
int controls_attach(struct controls *c, struct store *s,
    struct plumb_err *err);

/* The status of control i on baseline b of host h at time t, with the
 * waivers of e (CONTROLS_NONE: no rule of b maps onto it). */
int controls_base_status(const struct controls_eval *e,
    const struct controls_host *h, const struct controls_base *b, size_t i,
    time_t t);

/*
 * Replay the stored scans and waivers up to now (see the top of this
 * file) into *out.  track: index of the control whose history points
 * are kept (-1: none).
 */
int controls_evaluate(const struct controls *c, struct store *s,
    time_t now, long track, struct controls_eval **out,
    struct plumb_err *err);
void controls_eval_free(struct controls_eval *e);

/* ------------------------------------------------ the cache */

/*
 * The evaluation above kept in memory by the collector, so that the
 * control routes answer without replaying the rollups at each request
 * (docs/collector.md, "The controls cache"):
 *  - a builder thread with a store connection of its own replays the
 *    rollups once at start-up (the routes answer 503 with Retry-After
 *    until it is done) and again when asked to rebuild; the result is
 *    handed to the event loop under a mutex held only for the swap;
 *  - on the event loop, before each answer, the bundles stored since
 *    (bundle ids above the newest applied) are applied from their
 *    rollups: one newer than everything applied so far continues the
 *    replay exactly; an older one (backdated, or after a newer scan of
 *    another host) is applied to the current state at once and a
 *    rebuild is asked for, to put it in its place in the history;
 *  - waiver changes (their rows' boundaries) and waiver boundaries
 *    that time passes are applied the same way: in order when they are
 *    later than everything applied, else with a rebuild;
 *  - rebuilds start at most every rebuild_min_interval_s; meanwhile the
 *    answers come from the current state and say "rebuilding": true.
 * History points of every control are kept, history_points of them
 * each (the newest).  Everything but controls_cache_new() and
 * controls_cache_free() runs on the event loop's thread.
 */
struct controls_cache;

struct controls_cache_opts {
	const char *database;		/* store_open() URL of the builder */
	size_t history_points;		/* per control, at least 1 */
	unsigned rebuild_min_interval_s;
};

/* Start the builder on c (borrowed, outlives the cache): *out NULL on
 * failure (the database cannot be opened, no thread). */
int controls_cache_new(const struct controls *c,
    const struct controls_cache_opts *o, struct controls_cache **out,
    struct plumb_err *err);

/* Wait up to ms milliseconds for the build under way: 1 when none is
 * (done), 0 on timeout.  For start-up, before the listeners open, so
 * that a small store is answered from the first request on. */
int controls_cache_wait(struct controls_cache *cc, unsigned ms);

/* The store changed in a way the cache cannot follow (retention
 * removed bundles, whose history points it keeps): rebuild when due,
 * also a build under way now.  Accepts NULL. */
void controls_cache_invalidate(struct controls_cache *cc, time_t now);

/* Stop the builder (an unfinished build is abandoned) and free;
 * accepts NULL. */
void controls_cache_free(struct controls_cache *cc);

/*
 * Query parameter name of req as a time: seconds since the epoch or
 * ISO 8601 "YYYY-MM-DDTHH:MM:SSZ"; absent or empty: *out = dflt.
 * Returns 0, or -1 with rep set to a 400 answer when malformed.
 */
int controls_param_time(const struct api_req *req, const char *name,
    time_t dflt, time_t *out, struct api_reply *rep);

/* The routes of docs/api.md "controls" (ctx->controls NULL: 503). */
extern const struct api_route controls_routes[];
extern const size_t controls_nroutes;

#endif /* PLUMB_COLLECTOR_CONTROLS_H */
