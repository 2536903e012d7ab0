/*
 * metrics.h - the collector's counters, served as GET /metrics in the
 * Prometheus text format (version 0.0.4):
 *
 *	plumb_uploads_total{result="stored"|"duplicate"}	counter
 *	plumb_uploads_rejected_total{reason=...}		counter
 *	plumb_hosts						gauge
 *	plumb_ingest_seconds					histogram
 *	plumb_api_requests_total{status="200"...}		counter
 *	and the gauges of alerts.h (metrics_set_extra())
 *	plumb_connections_refused_total{reason=...}		counter
 *
 * Rejection reasons (every one is always listed, 0 until it happens):
 * tls_no_cert, tls_unknown_ca, tls_expired, tls_revoked, tls_other
 * (handshakes refused on the ingest listener), signature, identity,
 * too_large, rate_limited, malformed, storage (ingest.h outcomes),
 * busy (503), inflated_too_large, summary_too_large, too_many_rules
 * (413, ingest.h), memory (the connection holding the largest
 * unfinished body closed: [limits] max_inflight_bytes).
 *
 * Connections refused (both listeners): listener (max_connections),
 * client (max_client_connections), handshake_timeout, descriptors
 * (accept failed for want of file descriptors; the listener pauses).
 *
 * Counters live in the process (one event-loop thread, no locking) and
 * start at 0 when it starts; several collectors behind a load balancer
 * each report their own.  plumb_hosts is read from the store.
 */
#ifndef PLUMB_COLLECTOR_METRICS_H
#define PLUMB_COLLECTOR_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "plumb/error.h"
#include "store.h"

enum metrics_reason {
	METRICS_TLS_NO_CERT,
	METRICS_TLS_UNKNOWN_CA,
	METRICS_TLS_EXPIRED,
	METRICS_TLS_REVOKED,
	METRICS_TLS_OTHER,
	METRICS_SIGNATURE,
	METRICS_IDENTITY,
	METRICS_TOO_LARGE,
	METRICS_RATE_LIMITED,
	METRICS_MALFORMED,
	METRICS_STORAGE,
	METRICS_BUSY,			/* 503: the ingest queue is full */
	METRICS_INFLATED,
	METRICS_SUMMARY,
	METRICS_RULES,
	METRICS_MEMORY,
	METRICS_NREASONS
};

enum metrics_conn {
	METRICS_CONN_LISTENER,
	METRICS_CONN_CLIENT,
	METRICS_CONN_HANDSHAKE,
	METRICS_CONN_DESCRIPTORS,
	METRICS_NCONN
};

struct metrics;

/* New zeroed counters; *out NULL on failure. */
int metrics_new(struct metrics **out, struct plumb_err *err);

/* Free; accepts NULL. */
void metrics_free(struct metrics *m);

/* The label value of reason ("tls_no_cert" ...), NULL when out of
 * range. */
const char *metrics_reason_name(int reason);

/*
 * One upload handled by ingest_bundle() in seconds: outcome is
 * "stored", "duplicate" or a reason name (ingest_result.reason); an
 * unknown name counts as "malformed".  Every call is observed in the
 * ingest histogram.  m may be NULL (no-op).
 */
void metrics_upload(struct metrics *m, const char *outcome, double seconds);

/* One upload refused before ingest (TLS handshake). m may be NULL. */
void metrics_reject(struct metrics *m, enum metrics_reason reason);

/* One connection refused or closed by a budget.  m may be NULL. */
void metrics_conn_refused(struct metrics *m, enum metrics_conn reason);

/* One answered API / dashboard / metrics request. m may be NULL. */
void metrics_api(struct metrics *m, int status);

/*
 * A writer of more metrics (alerts.h), called at the end of each
 * metrics_render() with arg; fn NULL: none.  Set before serving.
 */
void metrics_set_extra(struct metrics *m, void (*fn)(void *, FILE *),
    void *arg);

/*
 * The exposition text into *text (allocated, NUL-terminated, the
 * caller frees) of *len bytes; plumb_hosts counted in s.
 */
int metrics_render(const struct metrics *m, struct store *s, char **text,
    size_t *len, struct plumb_err *err);

#endif /* PLUMB_COLLECTOR_METRICS_H */
