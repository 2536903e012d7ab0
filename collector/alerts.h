/*
 * alerts.h - what the collector watches for on its own, every [alerts]
 * check_interval_s seconds on the event loop:
 *  - new regressions (drift.h kind "regression": a rule that now fails
 *    or errs where the previous scan of the same host, benchmark and
 *    profile did not), one notification per (host, rule, scan);
 *  - stale hosts (stale.h), one notification per transition: host_stale
 *    when a host becomes overdue, host_fresh when it reports again;
 *  - waivers in force expiring within [alerts] waiver_reminder_days,
 *    one reminder per (waiver, expiry);
 * delivered by notify.h.  Table alerts_hosts (component "alerts")
 * keeps per host what was already looked at (newest upload, stale or
 * not), so a restart neither repeats nor misses a transition.
 *
 * It also keeps the /metrics gauges up to date without rereading every
 * rule result at each scrape: the status of every control on every
 * host is recomputed only for a host whose newest scan changed (or for
 * all hosts when the waivers changed), and the gauges are served from
 * memory:
 *	plumb_controls{framework,status}	controls per fleet status
 *	plumb_hosts_stale			hosts stale now
 *	plumb_waivers_expiring			waivers expiring soon
 *	plumb_alerts_last_check_seconds		time of the last check
 * The control statuses follow controls.h (a host counts with its newest
 * scan; fail, waived, pass, unknown); a control no host has a mapped
 * rule for is counted as unknown.
 */
#ifndef PLUMB_COLLECTOR_ALERTS_H
#define PLUMB_COLLECTOR_ALERTS_H

#include <stdio.h>
#include <time.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "store.h"

struct alerts;
struct controls;

/*
 * Create the tables and start notify.h.  cfg, s and c
 * (may be NULL: no control gauges) are borrowed for its life.
 */
int alerts_new(const struct collector_config *cfg, struct store *s,
    const struct controls *c, struct alerts **out, struct plumb_err *err);

/* Free (stops the webhook thread); accepts NULL. */
void alerts_free(struct alerts *a);

/* One check at now (on the thread that owns the store). */
int alerts_check(struct alerts *a, time_t now, struct plumb_err *err);

/* Write the gauges above in the Prometheus text format to f; arg is a
 * struct alerts * (metrics.h extra writer, any thread). */
void alerts_metrics(void *arg, FILE *f);

#endif /* PLUMB_COLLECTOR_ALERTS_H */
