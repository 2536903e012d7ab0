/*
 * ingest.c - one uploaded bundle from body to storage (ingest.h).
 *
 * Order: size, rate limit, uuid header, bundle_verify_mem()
 * (signature, chain to agent_ca, manifest digests), the uuid of the
 * manifest, identity (signer = TLS client certificate, which names the
 * host), summary.json out of the verified archive: ingest_check(), in
 * memory.  Then, for a batch: duplicate check, evidence files written,
 * flushed, linked into place and flushed, one store transaction:
 * ingest_store().  The evidence goes in before the rows: a crash
 * between the two leaves unreferenced files, never a row without its
 * evidence.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "plumb/error.h"
#include "common/hex.h"
#include "bundle.h"
#include "evidence.h"
#include "ingest.h"
#include "store.h"
#include "summary.h"

#define INGEST_SUMMARY	"summary.json"

struct ingest_bucket {
	unsigned char id[32];	/* SHA-256 of the client certificate */
	double tokens;
	time_t last;
	int used;
};

/* One upload between ingest_check() and ingest_store(). */
struct ingest_job {
	struct ingest_result res;	/* status 0 until stored or refused */
	void *ctx;			/* the caller's */
	struct timespec t0;		/* ingest_check() began */
	unsigned char *body;		/* the signed bundle: the evidence */
	size_t len;
	struct store_host h;
	struct store_bundle *b;
	struct store_rule *rules;
	size_t nrules;
	char tmp[EVIDENCE_PATH_MAX];	/* evidence not yet in place */
	int committed;			/* evidence in place */
	int existed;			/* ... and was there before */
	struct ingest_job *same;	/* earlier job of the batch, same uuid */
};

struct ingest {
	struct store *store;
	char *evidence_dir;
	X509_STORE *trust;		/* agent_ca, loaded once */
	size_t max_bytes;
	unsigned rate_per_min;
	size_t max_inflated;
	unsigned inflate_ratio;
	size_t max_summary;
	size_t max_rules;
	size_t max_rule_text;
	struct ingest_bucket *buckets;	/* INGEST_RATE_SLOTS */
};

int
ingest_new(const struct ingest_opts *o, struct ingest **out,
    struct plumb_err *err)
{
	struct ingest *ig;
	int rc;

	*out = NULL;
	if ((ig = calloc(1, sizeof(*ig))) == NULL ||
	    (ig->evidence_dir = strdup(o->evidence_dir)) == NULL ||
	    (ig->buckets = calloc(INGEST_RATE_SLOTS,
	    sizeof(*ig->buckets))) == NULL) {
		ingest_free(ig);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	if ((rc = bundle_trust_load(o->agent_ca, &ig->trust, err)) != 0) {
		ingest_free(ig);
		return rc;
	}
	ig->store = o->store;
	ig->max_bytes = o->max_bytes;
	ig->rate_per_min = o->rate_per_min;
	ig->max_inflated = o->max_inflated_bytes != 0 ?
	    o->max_inflated_bytes : INGEST_INFLATED_MAX;
	ig->inflate_ratio = o->max_inflate_ratio != 0 ?
	    o->max_inflate_ratio : INGEST_INFLATE_RATIO;
	ig->max_summary = o->max_summary_bytes != 0 ?
	    o->max_summary_bytes : INGEST_SUMMARY_MAX;
	ig->max_rules = o->max_rules != 0 ? o->max_rules : INGEST_RULES_MAX;
	ig->max_rule_text = o->max_rule_text_bytes != 0 ?
	    o->max_rule_text_bytes : INGEST_RULE_TEXT_MAX;
	*out = ig;
	return PLUMB_OK;
}

void
ingest_free(struct ingest *ig)
{
	if (ig == NULL)
		return;
	free(ig->evidence_dir);
	X509_STORE_free(ig->trust);
	free(ig->buckets);
	free(ig);
}

/* SHA-256 of a certificate's DER; -1 on failure. */
static int
ingest_cert_sha256(X509 *cert, unsigned char md[32])
{
	unsigned int len = 0;

	if (X509_digest(cert, EVP_sha256(), md, &len) != 1 || len != 32)
		return -1;
	return 0;
}

/* Token bucket per certificate; a full table reuses the slot that has
 * been idle longest (an idle bucket is a full one anyway). */
int
ingest_rate_take(struct ingest *ig, X509 *client, time_t now,
    unsigned *retry_after)
{
	struct ingest_bucket *b = NULL, *oldest = NULL, *v = ig->buckets;
	unsigned char id[32];
	double rate, cap;
	size_t i;

	*retry_after = 0;
	if (ig->rate_per_min == 0)
		return 1;
	if (ingest_cert_sha256(client, id) != 0)
		return 0;
	cap = (double)ig->rate_per_min;
	rate = cap / 60.0;
	for (i = 0; i < INGEST_RATE_SLOTS; i++) {
		if (v[i].used && memcmp(v[i].id, id, sizeof(id)) == 0) {
			b = &v[i];
			break;
		}
		if (oldest == NULL || !v[i].used ||
		    (oldest->used && v[i].last < oldest->last))
			oldest = &v[i];
	}
	if (b == NULL) {
		b = oldest;
		memcpy(b->id, id, sizeof(id));
		b->tokens = cap;
		b->last = now;
		b->used = 1;
	}
	if (now > b->last) {
		b->tokens += (double)(now - b->last) * rate;
		if (b->tokens > cap)
			b->tokens = cap;
	}
	b->last = now;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return 1;
	}
	*retry_after = (unsigned)((1.0 - b->tokens) / rate) + 1;
	return 0;
}

/* The first entry of nid in a subject, "" when absent. */
static void
ingest_name_entry(X509_NAME *n, int nid, char *out, size_t size)
{
	X509_NAME_ENTRY *e;
	unsigned char *u = NULL;
	int i, len;

	out[0] = '\0';
	if ((i = X509_NAME_get_index_by_NID(n, nid, -1)) < 0 ||
	    (e = X509_NAME_get_entry(n, i)) == NULL)
		return;
	if ((len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e))) < 0)
		return;
	/* An embedded NUL would cut the name: keep it empty instead. */
	if (memchr(u, '\0', (size_t)len) == NULL)
		snprintf(out, size, "%.*s", len, (const char *)u);
	OPENSSL_free(u);
}

void
ingest_cert_attrs(X509 *cert, struct store_host *h)
{
	X509_NAME *n = X509_get_subject_name(cert);

	memset(h, 0, sizeof(*h));
	ingest_name_entry(n, NID_commonName, h->id, sizeof(h->id));
	ingest_name_entry(n, NID_organizationalUnitName, h->role,
	    sizeof(h->role));
	ingest_name_entry(n, NID_organizationName, h->site, sizeof(h->site));
	ingest_name_entry(n, NID_localityName, h->zone, sizeof(h->zone));
}

/* Does the certificate name host: its CN or one DNS subjectAltName,
 * compared case-insensitively, whole (no wildcards)? */
static int
ingest_cert_names(X509 *cert, const char *host)
{
	GENERAL_NAMES *gens;
	struct store_host h;
	int i, found = 0;

	ingest_cert_attrs(cert, &h);
	if (h.id[0] != '\0' && strcasecmp(h.id, host) == 0)
		return 1;
	gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const unsigned char *d;
		int len;

		if (g->type != GEN_DNS)
			continue;
		d = ASN1_STRING_get0_data(g->d.dNSName);
		len = ASN1_STRING_length(g->d.dNSName);
		if (len > 0 && (size_t)len == strlen(host) &&
		    strncasecmp((const char *)d, host, (size_t)len) == 0) {
			found = 1;
			break;
		}
	}
	GENERAL_NAMES_free(gens);
	return found;
}

static void
ingest_say(struct ingest_result *res, int status, const char *reason,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
ingest_say(struct ingest_result *res, int status, const char *reason,
    const char *fmt, ...)
{
	va_list ap;
	char *p;

	res->status = status;
	res->reason = reason;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	/* One line: the text goes into a response and a log line. */
	for (p = res->msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static int
ingest_uuid_valid(const char *s)
{
	size_t i;

	for (i = 0; i < STORE_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return s[STORE_UUID_LEN] == '\0';
}

/* 1 when body parses as a DER CMS SignedData: a bundle that does not
 * verify then counts as "signature" rather than "malformed". */
static int
ingest_is_cms(const unsigned char *body, size_t len)
{
	const unsigned char *p = body;
	CMS_ContentInfo *cms;
	int ok;

	if (len > LONG_MAX ||
	    (cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL)
		return 0;
	ok = OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed;
	CMS_ContentInfo_free(cms);
	return ok;
}

static double
ingest_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The checks of ingest_check(); a job in *job when all passed. */
static void
ingest_check_run(struct ingest *ig, X509 *client, const char *uuid,
    const unsigned char *body, size_t len, time_t now,
    struct ingest_result *res, struct ingest_job **job)
{
	struct bundle_verified v;
	struct ingest_job *j = NULL;
	struct plumb_err err;
	const unsigned char *sum;
	unsigned char md[32];
	size_t sumlen, cap;
	int rc;

	memset(&v, 0, sizeof(v));
	memset(&err, 0, sizeof(err));
	/* Size first: an oversize body costs no verification, so it takes
	 * no token (as when the HTTP layer refuses it). */
	if (len > ig->max_bytes) {
		ingest_say(res, 413, "too_large", "bundle larger than %zu "
		    "bytes", ig->max_bytes);
		return;
	}
	if (!ingest_rate_take(ig, client, now, &res->retry_after)) {
		ingest_say(res, 429, "rate_limited", "rate limit: at most %u "
		    "uploads a minute per client certificate",
		    ig->rate_per_min);
		return;
	}
	if (uuid == NULL || !ingest_uuid_valid(uuid)) {
		ingest_say(res, 400, "malformed", "missing or malformed "
		    "X-Plumb-Bundle header");
		return;
	}
	snprintf(res->uuid, sizeof(res->uuid), "%s", uuid);
	if (len == 0) {
		ingest_say(res, 400, "malformed", "empty body");
		return;
	}
	/* What the archive may inflate to: a ratio of what was sent, so a
	 * small bomb is cut off early, and an absolute cap. */
	cap = len > ig->max_inflated / ig->inflate_ratio ? ig->max_inflated :
	    len * ig->inflate_ratio;
	if ((rc = bundle_verify_mem_max(body, len, ig->trust, cap, &v,
	    &err)) == PLUMB_ELIMIT) {
		ingest_say(res, 413, "inflated_too_large", "bundle does not "
		    "verify: %s (at most %u times the %zu bytes sent, at "
		    "most %zu)", err.msg, ig->inflate_ratio, len,
		    ig->max_inflated);
		goto out;
	} else if (rc != PLUMB_OK) {
		ingest_say(res, 400, ingest_is_cms(body, len) ?
		    "signature" : "malformed", "bundle does not verify: %s",
		    err.msg);
		goto out;
	}
	if (strcasecmp(v.info.uuid, uuid) != 0) {
		ingest_say(res, 400, "malformed", "X-Plumb-Bundle %s but the "
		    "manifest says %s", uuid, v.info.uuid);
		goto out;
	}
	/* The signer is the TLS client: the certificate the bundle
	 * carries for its one signer is the client's, byte for byte. */
	if (X509_cmp(v.signer, client) != 0) {
		ingest_say(res, 403, "identity", "bundle was signed by "
		    "another certificate than this connection's");
		goto out;
	}
	if (!ingest_cert_names(client, v.info.host)) {
		ingest_say(res, 403, "identity", "the client certificate does "
		    "not name host %s of the bundle", v.info.host);
		goto out;
	}
	snprintf(res->host, sizeof(res->host), "%s", v.info.host);
	store_host_lower(res->host);
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->b = calloc(1, sizeof(*j->b))) == NULL ||
	    (j->body = malloc(len)) == NULL) {
		ingest_say(res, 500, "storage", "out of memory");
		goto out;
	}
	if (bundle_tar_member(v.tar, v.tarlen, INGEST_SUMMARY, &sum, &sumlen,
	    &err) != 0) {
		ingest_say(res, 400, "malformed",
		    "bundle without a readable %s", INGEST_SUMMARY);
		goto out;
	}
	if (sumlen > ig->max_summary) {
		ingest_say(res, 413, "summary_too_large", "%s of %zu bytes: "
		    "more than %zu", INGEST_SUMMARY, sumlen, ig->max_summary);
		goto out;
	}
	if ((rc = summary_parse_max(sum, sumlen, ig->max_rules, j->b,
	    &j->rules, &j->nrules, &err)) == PLUMB_ELIMIT) {
		ingest_say(res, 413, "too_many_rules", "%s", err.msg);
		goto out;
	} else if (rc != 0) {
		ingest_say(res, 400, "malformed", "%s", err.msg);
		goto out;
	}
	summary_texts_cap(j->rules, j->nrules, ig->max_rule_text);
	/* A scan of a tree says so in its signed manifest too. */
	if (strcmp(v.info.target_root, j->b->target_root) != 0) {
		ingest_say(res, 400, "malformed", "target_root of %s differs "
		    "from the manifest's", INGEST_SUMMARY);
		goto out;
	}
	/* The record. */
	snprintf(j->b->uuid, sizeof(j->b->uuid), "%s", v.info.uuid);
	snprintf(j->b->host, sizeof(j->b->host), "%s", v.info.host);
	store_host_lower(j->b->host);
	snprintf(j->b->signer, sizeof(j->b->signer), "%s", v.info.signer);
	if (ingest_cert_sha256(client, md) != 0) {
		ingest_say(res, 500, "storage", "SHA-256 failed");
		goto out;
	}
	hex_encode(md, sizeof(md), j->b->signer_sha256);
	j->b->created = v.info.created;
	j->b->signing_time = v.info.signing_time;
	j->b->received = now;
	j->b->evidence_bytes = len;
	snprintf(j->b->archive_sha256, sizeof(j->b->archive_sha256), "%s",
	    v.info.content_sha256);
	ingest_cert_attrs(client, &j->h);
	snprintf(j->h.id, sizeof(j->h.id), "%s", v.info.host);
	store_host_lower(j->h.id);
	memcpy(j->body, body, len);
	j->len = len;
	*job = j;
	j = NULL;
out:
	ingest_job_free(j);
	bundle_verified_free(&v);
}

struct ingest_job *
ingest_check(struct ingest *ig, X509 *client, const char *uuid,
    const unsigned char *body, size_t len, time_t now, void *ctx,
    struct ingest_result *res)
{
	struct ingest_job *job = NULL;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(res, 0, sizeof(*res));
	ingest_check_run(ig, client, uuid, body, len, now, res, &job);
	if (job == NULL) {
		if (res->reason == NULL)
			res->reason = "malformed";
		res->seconds = ingest_since(&t0);
		return NULL;
	}
	job->res = *res;
	job->ctx = ctx;
	job->t0 = t0;
	return job;
}

/* Settle job: res says what became of it; its temporary file goes. */
static void
ingest_job_done(struct ingest_job *j, int status, const char *reason,
    const char *what, const char *detail)
{
	if (j->tmp[0] != '\0') {
		unlink(j->tmp);
		j->tmp[0] = '\0';
	}
	if (status == 201)
		ingest_say(&j->res, 201, reason, "stored bundle %s of %s "
		    "(%zu rule results)", j->b->uuid, j->b->host, j->nrules);
	else if (status == 409)
		ingest_say(&j->res, 409, reason, "bundle %s is already "
		    "stored", j->b->uuid);
	else
		ingest_say(&j->res, status, reason, "%s: %s", what, detail);
	if (status != 201 && status != 409)
		j->res.evidence_sha256[0] = '\0';
	j->res.seconds = ingest_since(&j->t0);
}

/* Remove evidence a failed or duplicate job wrote, unless it was there
 * before (same bytes as a stored bundle) or is what the stored row of
 * its uuid names. */
static void
ingest_job_unwrite(struct ingest *ig, struct store *s, struct ingest_job *j,
    int check_row)
{
	struct store_bundle *o;

	if (!j->committed || j->existed)
		return;
	if (check_row) {
		if ((o = calloc(1, sizeof(*o))) == NULL)
			return;
		if (store_bundle_get(s, j->b->uuid, o, NULL) != 0 ||
		    strcmp(o->evidence_sha256, j->res.evidence_sha256) == 0) {
			free(o);
			return;
		}
		free(o);
	}
	evidence_remove(ig->evidence_dir, j->res.evidence_sha256, NULL);
}

/* A job whose uuid came earlier in the same batch: stored when that
 * one was stored (201 or 409), else to be sent again. */
static void
ingest_store_same(struct ingest_job *j)
{
	int st = j->same->res.status;

	if (st == 201 || st == 409) {
		snprintf(j->res.evidence_sha256, sizeof(j->res.evidence_sha256),
		    "%s", j->same->res.evidence_sha256);
		ingest_job_done(j, 409, "duplicate", NULL, NULL);
	} else
		ingest_job_done(j, 500, "storage", "storage",
		    "the same bundle, sent twice at once, was not stored");
	j->same = NULL;
}

void
ingest_store(struct ingest *ig, struct store *s, struct ingest_job **jobs,
    size_t n)
{
	struct store_insert *ins = NULL;
	struct plumb_err err;
	size_t i, k, live = 0;
	int exists;

	memset(&err, 0, sizeof(err));
	/* Duplicates first: they need no evidence file. */
	for (i = 0; i < n; i++) {
		struct ingest_job *j = jobs[i];

		/* Sent again while the first is here: it shares the
		 * first's fate (ingest_store_same). */
		for (k = 0; k < i; k++)
			if (jobs[k]->same == NULL &&
			    strcmp(jobs[k]->b->uuid, j->b->uuid) == 0)
				break;
		if (k < i) {
			j->same = jobs[k];
			continue;
		}
		if (store_bundle_exists(s, j->b->uuid, &exists, &err) != 0) {
			ingest_job_done(j, 500, "storage", "storage",
			    err.msg);
			continue;
		}
		if (exists) {
			ingest_job_done(j, 409, "duplicate", NULL, NULL);
			continue;
		}
		if (evidence_write_tmp(ig->evidence_dir, j->body, j->len,
		    j->tmp, j->res.evidence_sha256, &err) != 0) {
			ingest_job_done(j, 500, "storage", "evidence store",
			    err.msg);
			continue;
		}
		live++;
	}
	if (live == 0)
		goto out;
	/* Evidence before rows, each step flushed once for the batch. */
	if (evidence_sync(ig->evidence_dir, &err) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		struct ingest_job *j = jobs[i];

		if (j->tmp[0] == '\0')
			continue;
		if (evidence_commit(ig->evidence_dir, j->tmp,
		    j->res.evidence_sha256, &j->existed, &err) != 0) {
			ingest_job_done(j, 500, "storage", "evidence store",
			    err.msg);
			live--;
			continue;
		}
		j->tmp[0] = '\0';
		j->committed = 1;
		snprintf(j->b->evidence_sha256, sizeof(j->b->evidence_sha256),
		    "%s", j->res.evidence_sha256);
	}
	if (live == 0)
		goto out;
	if (evidence_sync(ig->evidence_dir, &err) != 0)
		goto fail;
	if ((ins = calloc(live, sizeof(*ins))) == NULL) {
		plumb_err_set(&err, PLUMB_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0, k = 0; i < n; i++)
		if (jobs[i]->committed && jobs[i]->res.status == 0) {
			ins[k].h = &jobs[i]->h;
			ins[k].b = jobs[i]->b;
			ins[k].rules = jobs[i]->rules;
			ins[k].nrules = jobs[i]->nrules;
			k++;
		}
	if (store_bundles_insert(s, ins, k, &err) != 0)
		goto fail;
	for (i = 0, k = 0; i < n; i++) {
		struct ingest_job *j = jobs[i];

		if (!j->committed || j->res.status != 0)
			continue;
		if (ins[k++].duplicate) {
			/* Another writer stored it meanwhile; its row names
			 * its own evidence. */
			ingest_job_unwrite(ig, s, j, 1);
			ingest_job_done(j, 409, "duplicate", NULL, NULL);
		} else
			ingest_job_done(j, 201, "stored", NULL, NULL);
	}
	goto out;
fail:
	/* Nothing of what is left was stored. */
	for (i = 0; i < n; i++)
		if (jobs[i]->res.status == 0 && jobs[i]->same == NULL) {
			ingest_job_unwrite(ig, s, jobs[i], 0);
			ingest_job_done(jobs[i], 500, "storage", "storage",
			    err.msg);
		}
out:
	for (i = 0; i < n; i++)
		if (jobs[i]->same != NULL)
			ingest_store_same(jobs[i]);
	free(ins);
}

const struct ingest_result *
ingest_job_result(const struct ingest_job *job)
{
	return &job->res;
}

void *
ingest_job_ctx(const struct ingest_job *job)
{
	return job->ctx;
}

size_t
ingest_job_bytes(const struct ingest_job *job)
{
	return job->len;
}

void
ingest_job_free(struct ingest_job *job)
{
	if (job == NULL)
		return;
	if (job->tmp[0] != '\0')
		unlink(job->tmp);
	store_rules_free(job->rules, job->nrules);
	free(job->b);
	free(job->body);
	free(job);
}

void
ingest_bundle(struct ingest *ig, X509 *client, const char *uuid,
    const unsigned char *body, size_t len, time_t now,
    struct ingest_result *res)
{
	struct ingest_job *job;

	if ((job = ingest_check(ig, client, uuid, body, len, now, NULL,
	    res)) == NULL)
		return;
	ingest_store(ig, ig->store, &job, 1);
	*res = job->res;
	ingest_job_free(job);
}

int
ingest_retention(struct ingest *ig, unsigned days, time_t now,
    size_t *removed, struct plumb_err *err)
{
	char **dig = NULL;
	size_t n = 0, i;
	int rc;

	*removed = 0;
	if (days == 0)
		return PLUMB_OK;
	if ((rc = store_prune(ig->store, now - (time_t)days * 86400, &dig,
	    &n, err)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if (evidence_remove(ig->evidence_dir, dig[i], NULL) == 0)
			(*removed)++;
	store_strings_free(dig, n);
	return PLUMB_OK;
}
