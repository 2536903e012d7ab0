/*
 * ingest.h - accept one uploaded bundle: rate limit, size cap, CMS
 * signature and chain (bundle_verify_mem() of agent/delivery/bundle.c),
 * identity (the signer certificate is the TLS client certificate, same
 * DER, and its CN or a DNS subjectAltName names the manifest's host),
 * summary, evidence, store.  Independent of the HTTP layer: the server
 * passes the verified client certificate, the X-Plumb-Bundle header and
 * the body, and sends back the status and text it gets.
 *
 * HTTP statuses: 201 stored; 409 already stored (nothing changed);
 * 400 malformed or not verifiable (tampered, wrong CA, bad summary,
 * uuid header and manifest disagree); 403 the bundle is not this
 * client's (signer or host mismatch); 413 body over the cap, archive
 * inflating past its cap, summary.json too large or with too many
 * rule results (reasons too_large, inflated_too_large,
 * summary_too_large, too_many_rules); 429 rate
 * limit (retry_after set); 500 storage failure.  Only 201 stores.
 *
 * Host attributes come from the client certificate subject:
 * OU = role, O = site, L = zone (empty when absent).
 */
#ifndef PLUMB_COLLECTOR_INGEST_H
#define PLUMB_COLLECTOR_INGEST_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "plumb/error.h"
#include "store.h"

#define INGEST_MSG_MAX	384
#define INGEST_RATE_SLOTS	4096	/* client certificates tracked */
/* Defaults of the [limits] caps (collector_config.h has the same). */
#define INGEST_INFLATED_MAX	((size_t)128 * 1024 * 1024)
#define INGEST_INFLATE_RATIO	100
#define INGEST_SUMMARY_MAX	((size_t)8 * 1024 * 1024)
#define INGEST_RULES_MAX	20000
#define INGEST_RULE_TEXT_MAX	4096	/* bytes of a rationale or fixtext */

struct ingest;

struct ingest_opts {
	struct store *store;		/* borrowed */
	const char *evidence_dir;	/* evidence_init() done */
	const char *agent_ca;		/* PEM file: bundle chain anchor,
					 * read by ingest_new() */
	size_t max_bytes;		/* body cap */
	unsigned rate_per_min;		/* 0: no limit */
	/* Decompression and summary caps ([limits]; 0: the default of
	 * collector_config_defaults()).  The archive may inflate to
	 * min(max_inflated_bytes, body length * max_inflate_ratio). */
	size_t max_inflated_bytes;
	unsigned max_inflate_ratio;
	size_t max_summary_bytes;	/* summary.json, inflated */
	size_t max_rules;		/* rule results in summary.json */
	size_t max_rule_text_bytes;	/* rationale, fixtext of a rule are
					 * cut to this; 0: the default */
};

/* What became of one upload. */
struct ingest_result {
	int status;			/* HTTP status, see above */
	unsigned retry_after;		/* seconds, with 429 */
	char msg[INGEST_MSG_MAX];	/* one line for the client and log */
	char uuid[STORE_UUID_LEN + 1];	/* when known */
	char host[STORE_HOST_MAX];	/* when verified */
	char evidence_sha256[STORE_SHA256_HEX];
	/* For /metrics (metrics.h): "stored", "duplicate" or the reason
	 * of a refusal: "signature" (does not verify: tampered, unknown
	 * CA, digests), "identity" (not this client's: 403),
	 * "too_large", "rate_limited", "malformed" (header, body not a
	 * CMS SignedData, summary), "storage" (500).  Static string. */
	const char *reason;
	double seconds;			/* from ingest_check() to the end */
};

/* New ingest context (strings in o copied); *out NULL on failure. */
int ingest_new(const struct ingest_opts *o, struct ingest **out,
    struct plumb_err *err);
void ingest_free(struct ingest *ig);

/*
 * Handle one upload from client (the verified TLS peer certificate,
 * never NULL) at time now; uuid is the X-Plumb-Bundle header (NULL when
 * absent).  Always fills res; never stores anything unless res->status
 * is 201.  ingest_check() then ingest_store() of that one job on the
 * store of ingest_opts.
 */
void ingest_bundle(struct ingest *ig, X509 *client, const char *uuid,
    const unsigned char *body, size_t len, time_t now,
    struct ingest_result *res);

/* An upload that passed ingest_check(), waiting for ingest_store(). */
struct ingest_job;

/*
 * The first half of ingest_bundle(), everything but storage, on the
 * thread that owns ig (rate buckets, trust store): size, rate, header,
 * signature and chain, identity, summary.  Returns a new job (the
 * caller's: ingest_job_free) to give to ingest_store(), ctx kept in
 * it; or NULL with res saying why the upload is refused (nothing
 * stored).
 */
struct ingest_job *ingest_check(struct ingest *ig, X509 *client,
    const char *uuid, const unsigned char *body, size_t len, time_t now,
    void *ctx, struct ingest_result *res);

/*
 * The second half, for n jobs at once with s (a connection of the
 * calling thread's own: store handles are not shared between
 * threads): duplicates answered 409 without writing anything, the
 * others' evidence written and flushed together, then one store
 * transaction.  Afterwards every job's result is final (201, 409 or
 * 500).  Uses nothing of ig but the evidence directory, so it may run
 * on another thread than ingest_check().
 */
void ingest_store(struct ingest *ig, struct store *s,
    struct ingest_job **jobs, size_t n);

/* What became of job; its caller's context. */
const struct ingest_result *ingest_job_result(const struct ingest_job *job);
void *ingest_job_ctx(const struct ingest_job *job);

/* The bytes of the body job holds. */
size_t ingest_job_bytes(const struct ingest_job *job);

/* Free a job (accepts NULL). */
void ingest_job_free(struct ingest_job *job);

/*
 * Take one token of client's rate bucket (rate_per_min per minute,
 * burst rate_per_min).  1: allowed; 0: refused, *retry_after in
 * seconds.  ingest_bundle() calls it after the size check; exposed
 * for tests.
 */
int ingest_rate_take(struct ingest *ig, X509 *client, time_t now,
    unsigned *retry_after);

/* Role (OU), site (O), zone (L) and CN of a certificate subject. */
void ingest_cert_attrs(X509 *cert, struct store_host *h);

/*
 * Remove what retention_days allows (bundles received before now -
 * days, each host's newest kept) and their evidence files.  *removed:
 * evidence files removed.
 */
int ingest_retention(struct ingest *ig, unsigned days, time_t now,
    size_t *removed, struct plumb_err *err);

#endif /* PLUMB_COLLECTOR_INGEST_H */
