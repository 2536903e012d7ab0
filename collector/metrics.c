/*
 * metrics.c - counters and their Prometheus text (metrics.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "metrics.h"
#include "store.h"

#define METRICS_STATUS_MIN	100
#define METRICS_STATUS_MAX	599

/* Upper bounds (seconds) of the ingest histogram buckets; +Inf last. */
static const double metrics_buckets[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
};
#define METRICS_NBUCKETS \
	(sizeof(metrics_buckets) / sizeof(metrics_buckets[0]))

static const char *const metrics_reasons[METRICS_NREASONS] = {
	"tls_no_cert", "tls_unknown_ca", "tls_expired", "tls_revoked",
	"tls_other", "signature", "identity", "too_large", "rate_limited",
	"malformed", "storage", "busy", "inflated_too_large",
	"summary_too_large", "too_many_rules", "memory"
};

static const char *const metrics_conn_reasons[METRICS_NCONN] = {
	"listener", "client", "handshake_timeout", "descriptors"
};

struct metrics {
	uint64_t stored, duplicate;
	uint64_t rejected[METRICS_NREASONS];
	uint64_t bucket[METRICS_NBUCKETS];	/* not cumulative here */
	uint64_t observed;
	double seconds;
	uint64_t api[METRICS_STATUS_MAX - METRICS_STATUS_MIN + 1];
	void (*extra)(void *, FILE *);	/* metrics_set_extra() */
	void *extra_arg;
	uint64_t conn[METRICS_NCONN];
};

void
metrics_set_extra(struct metrics *m, void (*fn)(void *, FILE *), void *arg)
{
	m->extra = fn;
	m->extra_arg = arg;
}

int
metrics_new(struct metrics **out, struct plumb_err *err)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
}

void
metrics_free(struct metrics *m)
{
	free(m);
}

const char *
metrics_reason_name(int reason)
{
	if (reason < 0 || reason >= METRICS_NREASONS)
		return NULL;
	return metrics_reasons[reason];
}

void
metrics_upload(struct metrics *m, const char *outcome, double seconds)
{
	size_t i;
	int r = METRICS_MALFORMED;

	if (m == NULL)
		return;
	if (seconds < 0)
		seconds = 0;
	m->observed++;
	m->seconds += seconds;
	for (i = 0; i < METRICS_NBUCKETS; i++)
		if (seconds <= metrics_buckets[i]) {
			m->bucket[i]++;
			break;
		}
	if (outcome != NULL && strcmp(outcome, "stored") == 0) {
		m->stored++;
		return;
	}
	if (outcome != NULL && strcmp(outcome, "duplicate") == 0) {
		m->duplicate++;
		return;
	}
	for (i = 0; outcome != NULL && i < METRICS_NREASONS; i++)
		if (strcmp(outcome, metrics_reasons[i]) == 0)
			r = (int)i;
	m->rejected[r]++;
}

void
metrics_conn_refused(struct metrics *m, enum metrics_conn reason)
{
	if (m == NULL || (int)reason < 0 || reason >= METRICS_NCONN)
		return;
	m->conn[reason]++;
}

void
metrics_reject(struct metrics *m, enum metrics_reason reason)
{
	if (m == NULL || (int)reason < 0 || reason >= METRICS_NREASONS)
		return;
	m->rejected[reason]++;
}

void
metrics_api(struct metrics *m, int status)
{
	if (m == NULL || status < METRICS_STATUS_MIN ||
	    status > METRICS_STATUS_MAX)
		return;
	m->api[status - METRICS_STATUS_MIN]++;
}

static int
metrics_count_row(void *arg, const char *const *vals, size_t ncols)
{
	unsigned long long *n = arg;

	if (ncols > 0 && vals[0] != NULL)
		*n = strtoull(vals[0], NULL, 10);
	return 1;
}

int
metrics_render(const struct metrics *m, struct store *s, char **text,
    size_t *len, struct plumb_err *err)
{
	unsigned long long hosts = 0;
	uint64_t cum = 0;
	FILE *f;
	size_t i;
	int rc;

	*text = NULL;
	*len = 0;
	if ((rc = store_query(s, "SELECT count(*) FROM hosts", NULL, 0,
	    metrics_count_row, &hosts, NULL, err)) != PLUMB_OK)
		return rc;
	if ((f = open_memstream(text, len)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	fprintf(f, "# HELP plumb_uploads_total Uploads accepted, by "
	    "result.\n# TYPE plumb_uploads_total counter\n"
	    "plumb_uploads_total{result=\"stored\"} %llu\n"
	    "plumb_uploads_total{result=\"duplicate\"} %llu\n",
	    (unsigned long long)m->stored,
	    (unsigned long long)m->duplicate);
	fprintf(f, "# HELP plumb_uploads_rejected_total Uploads refused, by "
	    "reason.\n# TYPE plumb_uploads_rejected_total counter\n");
	for (i = 0; i < METRICS_NREASONS; i++)
		fprintf(f, "plumb_uploads_rejected_total{reason=\"%s\"} %llu\n",
		    metrics_reasons[i], (unsigned long long)m->rejected[i]);
	fprintf(f, "# HELP plumb_connections_refused_total Connections "
	    "closed by a [limits] budget, by reason.\n"
	    "# TYPE plumb_connections_refused_total counter\n");
	for (i = 0; i < METRICS_NCONN; i++)
		fprintf(f, "plumb_connections_refused_total{reason=\"%s\"} "
		    "%llu\n", metrics_conn_reasons[i],
		    (unsigned long long)m->conn[i]);
	fprintf(f, "# HELP plumb_hosts Hosts known to the collector.\n"
	    "# TYPE plumb_hosts gauge\nplumb_hosts %llu\n", hosts);
	fprintf(f, "# HELP plumb_ingest_seconds Time to verify and store one "
	    "upload.\n# TYPE plumb_ingest_seconds histogram\n");
	for (i = 0; i < METRICS_NBUCKETS; i++) {
		cum += m->bucket[i];
		fprintf(f, "plumb_ingest_seconds_bucket{le=\"%g\"} %llu\n",
		    metrics_buckets[i], (unsigned long long)cum);
	}
	fprintf(f, "plumb_ingest_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "plumb_ingest_seconds_sum %.6f\n"
	    "plumb_ingest_seconds_count %llu\n",
	    (unsigned long long)m->observed, m->seconds,
	    (unsigned long long)m->observed);
	fprintf(f, "# HELP plumb_api_requests_total API, dashboard and "
	    "metrics requests answered, by HTTP status.\n"
	    "# TYPE plumb_api_requests_total counter\n");
	for (i = 0; i <= METRICS_STATUS_MAX - METRICS_STATUS_MIN; i++)
		if (m->api[i] > 0)
			fprintf(f, "plumb_api_requests_total{status=\"%zu\"} "
			    "%llu\n", i + METRICS_STATUS_MIN,
			    (unsigned long long)m->api[i]);
	if (m->extra != NULL)
		m->extra(m->extra_arg, f);
	if (ferror(f) | fclose(f)) {
		free(*text);
		*text = NULL;
		*len = 0;
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	return PLUMB_OK;
}
