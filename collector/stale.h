/*
 * stale.h - hosts that stopped reporting: a host is stale when its
 * newest upload (hosts.last_seen, the received time) is older than its
 * expected scan interval times the grace factor ([stale] in
 * plumb-collector.conf).  The expected interval is [stale] roles'
 * entry for the host's role (the OU of its certificate) when there is
 * one, else [stale] interval_s.  Computed from the configuration and
 * the host row alone, so the API, /metrics and the notifications agree.
 */
#ifndef PLUMB_COLLECTOR_STALE_H
#define PLUMB_COLLECTOR_STALE_H

#include <time.h>

#include <jansson.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "store.h"

#define STALE_ROLES_MAX		64	/* entries of [stale] roles */

/* One host's staleness at a given time. */
struct stale_state {
	int stale;			/* 1 when overdue */
	long long age_s;		/* now - last_seen; -1: never seen */
	unsigned interval_s;		/* expected interval */
	long long limit_s;		/* age beyond which it is stale */
};

/*
 * Check [stale] roles ("ROLE=SECONDS" separated by spaces or commas,
 * SECONDS 1..31536000, at most STALE_ROLES_MAX) of the configuration
 * read from path; PLUMB_EINVAL naming the file, the key and the bad
 * entry.
 */
int stale_check_config(const struct collector_config *cfg,
    const char *path, struct plumb_err *err);

/* The expected interval of a host of role (seconds). */
unsigned stale_interval(const struct collector_config *cfg,
    const char *role);

/* The staleness of h at now into *st. */
void stale_eval(const struct collector_config *cfg,
    const struct store_host *h, time_t now, struct stale_state *st);

/*
 * Add "stale", "last_scan_age_s" and "expected_interval_s" to the
 * host object o (docs/api.md HOST); -1 when out of memory.
 */
int stale_annotate(const struct collector_config *cfg,
    const struct store_host *h, time_t now, json_t *o);

#endif /* PLUMB_COLLECTOR_STALE_H */
