/*
 * hoststate.h - a host's waiver-aware status (docs/api.md HOST
 * "status"), computed from the newest scan of each of its baselines
 * (table host_baselines) and the waivers in force at a given time:
 *
 *   fail     a fail or error result that no waiver in force covers;
 *   waived   fail or error results, every one covered by a waiver
 *            (so the host is not counted as failing);
 *   pass     no fail or error result and at least one pass or fixed;
 *   unknown  none of these (no scan, or only notapplicable ...).
 *
 * Staleness (stale.h) is separate: a stale host keeps its status.
 * Two queries for the whole fleet (or one host), not one per host.
 */
#ifndef PLUMB_COLLECTOR_HOSTSTATE_H
#define PLUMB_COLLECTOR_HOSTSTATE_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "plumb/error.h"
#include "store.h"

/* One host's counts over the newest scans of its baselines. */
struct hoststate {
	char host[STORE_HOST_MAX];
	unsigned long evaluated;	/* pass + fixed results */
	unsigned long failing;		/* fail/error results, no waiver */
	unsigned long waived;		/* fail/error results, waived */
};

/* Hosts with at least one baseline, sorted by id (an owned array). */
struct hoststate_set {
	struct hoststate *v;
	size_t n;
};

/*
 * Create the index the status reads go through (component "hoststate":
 * rule_results_failing, the fail and error rows by bundle, so a host's
 * status never reads its passing rules); idempotent.  The collector
 * runs it at start; without it the reads are right but slow.
 */
int hoststate_init(struct store *s, struct plumb_err *err);

/*
 * The state of host (NULL: every host) with the waivers in force at
 * now into *out (cleared on entry).  Hosts without a scan are absent
 * (their status is "unknown").
 */
int hoststate_load(struct store *s, const char *host, time_t now,
    struct hoststate_set *out, struct plumb_err *err);
void hoststate_clear(struct hoststate_set *set);

/* The entry of host, or NULL. */
const struct hoststate *hoststate_find(const struct hoststate_set *set,
    const char *host);

/* "fail", "waived", "pass" or "unknown" of st (NULL: "unknown"). */
const char *hoststate_status(const struct hoststate *st);

/* 1 when name is one of the four statuses. */
int hoststate_valid(const char *name);

/*
 * Add "status", "failing_rules" and "waived_rules" of host to the HOST
 * object o; -1 when out of memory.
 */
int hoststate_annotate(const struct hoststate_set *set, const char *host,
    json_t *o);

#endif /* PLUMB_COLLECTOR_HOSTSTATE_H */
