/*
 * controls_int.h - what the files of the controls module share and
 * nothing outside them uses (the public contract is controls.h):
 *
 *	controls_set.c		the control set file: reading, lookup,
 *				mapping a rule onto target controls
 *	controls_rollup.c	the per-scan rollups (table control_rollups)
 *				and the rule id lists they hold
 *	controls_eval.c		statuses, the replay of the rollups
 *				(controls_evaluate) and its state
 *	controls_cache.c	the evaluation kept in memory: builder
 *				thread, catch-up, waivers, rebuilds
 *	controls_api.c		the routes of docs/api.md "controls"
 *
 * The replay state (struct controls_run) is shared by the evaluation,
 * which makes it once per request, and the cache, which keeps it and
 * feeds it the bundles stored since.
 */
#ifndef PLUMB_COLLECTOR_CONTROLS_INT_H
#define PLUMB_COLLECTOR_CONTROLS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "controls.h"
#include "store.h"

#define CONTROLS_CACHE_BUCKETS	4096	/* fleet rule lists merged */
#define CONTROLS_TRACK_ALL	(-2)	/* run.track: every control (cache) */
#define CONTROLS_WFP_MAX	128	/* waiver fingerprint text */

/* A column's text (NULL: "") into a fixed-size field. */
#define CONTROLS_COL(field, v) \
	snprintf((field), sizeof(field), "%s", (v) != NULL ? (v) : "")

struct waiver_set;

/* ------------------------------------------------ controls_set.c */

/* FNV-1a of the control set file's bytes: which control set made a
 * rollup row. */
uint64_t controls_digest(const struct controls *c);

/* ------------------------------------------------ controls_rollup.c */

/* qsort() comparison of two char * by strcmp(). */
int controls_strcmp(const void *a, const void *b);

/* Add a copy of s to the list *v of *n unless present; 0 or -1. */
int controls_strlist_add(char ***v, size_t *n, const char *s);

/* Add the strings of the JSON array text to the list; 0 or -1 (out of
 * memory).  Text that is not such an array adds nothing. */
int controls_strlist_json(char ***v, size_t *n, const char *text);

/* A JSON array of n strings (NULL on allocation failure). */
json_t *controls_json_strings(char *const *v, size_t n);

/* ------------------------------------------------ controls_eval.c */

/* A control's rule list already merged into the fleet's. */
struct controls_seen {
	struct controls_seen *next;
	size_t ctl;
	char *text;
};

/* One replay (controls_evaluate). */
struct controls_run {
	const struct controls *c;
	struct controls_eval *e;
	struct plumb_err *err;
	int rc;				/* first failure */
	long track;
	size_t cappoints;
	time_t now;
	struct controls_seen *bucket[CONTROLS_CACHE_BUCKETS];
	/* Waiver boundaries up to now, sorted, and the next one due. */
	time_t *wev;
	size_t nwev, iwev;
	/* The scan whose rollups are coming in, and its baseline. */
	char uuid[STORE_UUID_LEN + 1];
	long host;			/* index in e->hosts, -1: unknown */
	time_t created;
	time_t at;			/* when it counts (= created, but
					 * for the cache's late bundles) */
	char bench[STORE_TEXT_MAX], profile[STORE_TEXT_MAX];
	char root[STORE_TEXT_MAX];
	struct controls_hoststat *pend;	/* its per-control state */
	/* The cache (track CONTROLS_TRACK_ALL) only: */
	size_t max_points;		/* history points kept per control */
	long long id;			/* the incoming scan's bundle id */
	time_t received;
	char hostid[STORE_HOST_MAX];
	char role[STORE_ATTR_MAX], site[STORE_ATTR_MAX];
	char zone[STORE_ATTR_MAX];
	long long last_id;		/* newest bundle id applied */
	time_t last_created, last_received;	/* the newest scan applied */
	char last_uuid[STORE_UUID_LEN + 1];	/*   in replay order */
	time_t tmax;			/* latest time anything was applied */
	int dirty;			/* applied out of order: rebuild */
	int applied;			/* bundles applied by the last query */
	int behind;			/* more bundles wait to be applied */
	time_t built;			/* when the replay was made */
	char wfp[CONTROLS_WFP_MAX];	/* the waivers it has (fingerprint) */
	const volatile int *stop;	/* builder: set to abandon */
};

/* Start run (zeroed, or cleared) as an empty replay of c at now:
 * no hosts, no waivers yet; track as controls_evaluate().  0, or -1
 * when out of memory (controls_run_clear() frees what was made). */
int controls_run_init(struct controls_run *run, const struct controls *c,
    time_t now, long track);

/* Free what run holds, its evaluation run->e too (take that first to
 * keep it), and zero it. */
void controls_run_clear(struct controls_run *run);

/* The baseline of h the scan being read belongs to, NULL when new. */
struct controls_base *controls_base_find(const struct controls_run *run,
    struct controls_host *h);

/* Clear the failing lists and flags of n per-control states. */
void controls_stat_clear(struct controls_hoststat *st, size_t n);

/* Recompute every control of host h at time t. */
void controls_rescore(struct controls_run *run, struct controls_host *h,
    time_t t);

/* Waiver boundaries due by t: rescore the hosts they concern. */
void controls_waiver_events(struct controls_run *run, time_t t);

/* The scan being read is complete: it becomes the newest of its
 * baseline on its host (run->host, at run->at); clears run->pend and
 * run->uuid. */
void controls_flush(struct controls_run *run);

/* Columns framework, control_id, passed, rules, failing of one rollup
 * of the scan being read (NULL: it has none) into its pending state;
 * 0, or 1 when out of memory (run->rc set). */
int controls_roll_cols(struct controls_run *run, const char *const *v);

/* Every boundary of the waivers of ws up to until ((time_t)-1: all),
 * sorted, into an allocated array of *n; NULL when out of memory. */
time_t *controls_wev_make(const struct waiver_set *ws, time_t until,
    size_t *n);

/* The rules of each control: the replay's and [map rule] entries;
 * 0, or -1 when out of memory. */
int controls_fleet_rules(struct controls_run *run);

/* The hosts of an evaluation (e->ncontrols set), every one counted
 * as CONTROLS_NONE until its scans come; 0, or -1 out of memory. */
int controls_hosts_fill(struct controls_eval *e,
    const struct store_host *hosts, size_t nhosts);

/* ------------------------------------------------ controls_cache.c */

/*
 * The evaluation the control routes answer from: the cache's, brought
 * up to date (*e NULL and rep set to 503 while the first build runs),
 * or without a cache one replay for this request (*owned 1: the caller
 * frees it).  track as controls_evaluate().
 */
int controls_eval_for(const struct api_ctx *ctx, const struct api_req *req,
    long track, struct api_reply *rep, struct controls_eval **e,
    int *owned, struct plumb_err *err);

/* "as_of", "built" and "rebuilding" of a cache answer into o (nothing
 * without a cache); 0, or -1 when out of memory. */
int controls_json_cache(const struct api_ctx *ctx, json_t *o);

/* History points the cache answers per control (its newest). */
size_t controls_cache_max_points(const struct controls_cache *cc);

#endif /* PLUMB_COLLECTOR_CONTROLS_INT_H */
