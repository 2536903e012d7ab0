/*
 * drift.h - what changed on a host: rule results compared between
 * consecutive scans of the same host and baseline (benchmark, profile,
 * scanned root: store.h), and the
 * newest scan compared with the host's accepted baseline (table
 * drift_baselines, component "drift").  The changes between consecutive
 * scans are computed once, when the newer scan (or a late one between
 * them) is stored, and kept in table drift_changes (drift.c); the
 * comparison with an accepted baseline is computed when asked.
 *
 * A rule listed several times in one scan (a multi-check rule) counts
 * once with its worst result (fail, error, unknown, pass/fixed, then
 * the others) and its items digests joined with ",".  Kinds of change,
 * from the older scan's result to the newer one's:
 *	regression	to fail or error from anything else
 *	improvement	from fail or error to pass or fixed
 *	config		pass both times, the items digest differs
 *	changed		any other change of result (fail -> error,
 *			pass -> notapplicable ...)
 *	new, removed	the rule appears in / disappears from the scan
 * The first scan of a host (per benchmark and profile) has no changes.
 */
#ifndef PLUMB_COLLECTOR_DRIFT_H
#define PLUMB_COLLECTOR_DRIFT_H

#include <stddef.h>
#include <time.h>

#include "plumb/error.h"
#include "api.h"
#include "store.h"

enum drift_kind {
	DRIFT_REGRESSION,
	DRIFT_IMPROVEMENT,
	DRIFT_CONFIG,
	DRIFT_CHANGED,
	DRIFT_NEW,
	DRIFT_REMOVED
};

/* One change; the strings are owned by the array (drift_free()). */
struct drift_change {
	char host[STORE_HOST_MAX];
	char *rule_id;
	char *title;			/* may be NULL */
	int kind;			/* enum drift_kind */
	char *from, *to;		/* results; NULL: rule absent */
	char *from_digest, *to_digest;	/* NULL: none */
	char from_scan[STORE_UUID_LEN + 1];
	char scan[STORE_UUID_LEN + 1];	/* where it appeared */
	time_t time;			/* created of scan */
	time_t first_seen;		/* baseline: first scan since the
					 * baseline showing the new state
					 * without a break; else = time */
	char *benchmark_id, *profile_id;	/* of the scans compared */
	char *target_root;		/* "" for a scan of the host */
};

/* "regression", "improvement", ... */
const char *drift_kind_name(int kind);

/*
 * Create or upgrade the drift tables, keep the changes of every scan
 * stored from now on in this process (a store insert hook), and store
 * those of the scans that have none yet (drift_sync()); idempotent.
 */
int drift_init(struct store *s, struct plumb_err *err);

/*
 * Store the changes of every scan that has none recorded (a database
 * made before they were kept, scans stored by a process without the
 * hook, the successors of scans removed by retention), one host at a
 * time; *hosts (may be NULL) receives the number of hosts redone.
 */
int drift_sync(struct store *s, size_t *hosts, struct plumb_err *err);

/*
 * The changes between consecutive scans of host whose newer scan was
 * created at or after since (0: all), ordered by time then rule id.
 * *out is an array of *n (NULL when 0).
 */
int drift_host(struct store *s, const char *host, time_t since,
    struct drift_change **out, size_t *n, struct plumb_err *err);

/* Free an array of n changes; accepts NULL. */
void drift_free(struct drift_change *c, size_t n);

/* hosts/{id}/drift, drift, hosts/{id}/baseline (docs/api.md). */
extern const struct api_route drift_routes[];
extern const size_t drift_nroutes;

#endif /* PLUMB_COLLECTOR_DRIFT_H */
