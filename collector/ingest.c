/*
 * ingest.c - one uploaded bundle from body to storage (ingest.h).
 *
 * Order: size, rate limit, uuid header, evidence temporary file,
 * bundle_verify() (signature, chain to agent_ca, manifest digests), the
 * uuid of the manifest, identity (signer = TLS client certificate,
 * which names the host), summary.json out of the verified archive,
 * duplicate check, evidence into place, one store transaction.  The
 * evidence file goes in before the row: a crash between the two leaves
 * an unreferenced file, never a row without its evidence.
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

struct ingest {
	struct store *store;
	char *evidence_dir;
	char *agent_ca;
	size_t max_bytes;
	unsigned rate_per_min;
	struct ingest_bucket *buckets;	/* INGEST_RATE_SLOTS */
};

int
ingest_new(const struct ingest_opts *o, struct ingest **out,
    struct plumb_err *err)
{
	struct ingest *ig;

	*out = NULL;
	if ((ig = calloc(1, sizeof(*ig))) == NULL ||
	    (ig->evidence_dir = strdup(o->evidence_dir)) == NULL ||
	    (ig->agent_ca = strdup(o->agent_ca)) == NULL ||
	    (ig->buckets = calloc(INGEST_RATE_SLOTS,
	    sizeof(*ig->buckets))) == NULL) {
		ingest_free(ig);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	ig->store = o->store;
	ig->max_bytes = o->max_bytes;
	ig->rate_per_min = o->rate_per_min;
	*out = ig;
	return PLUMB_OK;
}

void
ingest_free(struct ingest *ig)
{
	if (ig == NULL)
		return;
	free(ig->evidence_dir);
	free(ig->agent_ca);
	free(ig->buckets);
	free(ig);
}

static void
ingest_hex(const unsigned char *md, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * n] = '\0';
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

/*
 * The verified bundle's signer must be the TLS client: exactly one
 * SignerInfo, it identifies client, and the certificate the bundle
 * carries for it is the client certificate byte for byte.  Also hands
 * back the encapsulated archive (gzip'ed ustar), owned by *cmsp.
 */
static int
ingest_signer_is_client(const unsigned char *der, size_t len, X509 *client,
    CMS_ContentInfo **cmsp, const unsigned char **arch, size_t *archlen,
    struct plumb_err *err)
{
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING **content;
	unsigned char *cder = NULL, *xder = NULL;
	const unsigned char *p = der;
	int i, clen, xlen, rc = PLUMB_EINVAL, same = 0;

	*cmsp = NULL;
	*arch = NULL;
	*archlen = 0;
	if (len > LONG_MAX ||
	    (*cmsp = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL)
		return plumb_err_set(err, PLUMB_EPARSE, "not a CMS bundle");
	if ((sis = CMS_get0_SignerInfos(*cmsp)) == NULL ||
	    sk_CMS_SignerInfo_num(sis) != 1)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "bundle must have exactly one signer");
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (CMS_SignerInfo_cert_cmp(si, client) != 0) {
		rc = plumb_err_set(err, PLUMB_EINVAL, "bundle was signed by "
		    "another certificate than this connection's");
		goto out;
	}
	if ((clen = i2d_X509(client, &cder)) <= 0) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	certs = CMS_get1_certs(*cmsp);
	for (i = 0; certs != NULL && i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (CMS_SignerInfo_cert_cmp(si, x) != 0)
			continue;
		OPENSSL_free(xder);
		xder = NULL;
		if ((xlen = i2d_X509(x, &xder)) == clen &&
		    memcmp(xder, cder, (size_t)clen) == 0)
			same = 1;
		else {
			same = 0;
			break;
		}
	}
	if (!same) {
		rc = plumb_err_set(err, PLUMB_EINVAL, "the bundle's signer "
		    "certificate is not this connection's client "
		    "certificate");
		goto out;
	}
	if ((content = CMS_get0_content(*cmsp)) == NULL || *content == NULL) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "bundle has no encapsulated content");
		goto out;
	}
	*arch = ASN1_STRING_get0_data(*content);
	*archlen = (size_t)ASN1_STRING_length(*content);
	rc = PLUMB_OK;
out:
	OPENSSL_free(cder);
	OPENSSL_free(xder);
	sk_X509_pop_free(certs, X509_free);
	return rc;
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

static void
ingest_bundle_run(struct ingest *ig, X509 *client, const char *uuid,
    const unsigned char *body, size_t len, time_t now,
    struct ingest_result *res)
{
	struct bundle_info info;
	struct store_bundle *b = NULL;
	struct store_rule *rules = NULL;
	struct store_host h;
	struct plumb_err err;
	CMS_ContentInfo *cms = NULL;
	const unsigned char *arch;
	unsigned char *sum = NULL, md[32];
	char tmp[EVIDENCE_PATH_MAX] = "", hex[STORE_SHA256_HEX];
	size_t archlen, sumlen, nrules = 0;
	int exists, existed = 0, dup;

	memset(res, 0, sizeof(*res));
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
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		ingest_say(res, 500, "storage", "out of memory");
		return;
	}
	if (evidence_write_tmp(ig->evidence_dir, body, len, tmp,
	    res->evidence_sha256, &err) != 0) {
		ingest_say(res, 500, "storage", "evidence store: %s",
		    err.msg);
		goto out;
	}
	if (bundle_verify(tmp, ig->agent_ca, &info, &err) != PLUMB_OK) {
		/* The temporary name means nothing to the client. */
		const char *m = strncmp(err.msg, tmp, strlen(tmp)) == 0 ?
		    err.msg + strlen(tmp) : err.msg;

		ingest_say(res, 400, ingest_is_cms(body, len) ?
		    "signature" : "malformed", "bundle does not verify%s%s",
		    *m == ':' ? "" : ": ", m);
		goto out;
	}
	if (strcasecmp(info.uuid, uuid) != 0) {
		ingest_say(res, 400, "malformed", "X-Plumb-Bundle %s but the "
		    "manifest says %s", uuid, info.uuid);
		goto out;
	}
	if (ingest_signer_is_client(body, len, client, &cms, &arch,
	    &archlen, &err) != PLUMB_OK) {
		ingest_say(res, err.code == PLUMB_EINVAL ? 403 : 400,
		    err.code == PLUMB_EINVAL ? "identity" : "malformed", "%s",
		    err.msg);
		goto out;
	}
	if (!ingest_cert_names(client, info.host)) {
		ingest_say(res, 403, "identity", "the client certificate does "
		    "not name host %s of the bundle", info.host);
		goto out;
	}
	snprintf(res->host, sizeof(res->host), "%s", info.host);
	/* The archive read here is the one bundle_verify() checked. */
	if (EVP_Digest(arch, archlen, md, NULL, EVP_sha256(), NULL) != 1) {
		ingest_say(res, 500, "storage", "SHA-256 failed");
		goto out;
	}
	ingest_hex(md, sizeof(md), hex);
	if (strcmp(hex, info.content_sha256) != 0) {
		ingest_say(res, 400, "signature", "archive digest differs "
		    "from the verified one");
		goto out;
	}
	if (bundle_archive_member(arch, archlen, INGEST_SUMMARY, &sum,
	    &sumlen, &err) != 0) {
		ingest_say(res, 400, "malformed",
		    "bundle without a readable %s",
		    INGEST_SUMMARY);
		goto out;
	}
	if (summary_parse(sum, sumlen, b, &rules, &nrules, &err) != 0) {
		ingest_say(res, 400, "malformed", "%s", err.msg);
		goto out;
	}
	if (store_bundle_exists(ig->store, info.uuid, &exists, &err) != 0) {
		ingest_say(res, 500, "storage", "storage: %s", err.msg);
		goto out;
	}
	if (exists) {
		ingest_say(res, 409, "duplicate", "bundle %s is already "
		    "stored", info.uuid);
		goto out;
	}
	/* The record. */
	snprintf(b->uuid, sizeof(b->uuid), "%s", info.uuid);
	snprintf(b->host, sizeof(b->host), "%s", info.host);
	snprintf(b->signer, sizeof(b->signer), "%s", info.signer);
	if (ingest_cert_sha256(client, md) != 0) {
		ingest_say(res, 500, "storage", "SHA-256 failed");
		goto out;
	}
	ingest_hex(md, sizeof(md), b->signer_sha256);
	b->created = info.created;
	b->signing_time = info.signing_time;
	b->received = now;
	snprintf(b->evidence_sha256, sizeof(b->evidence_sha256), "%s",
	    res->evidence_sha256);
	b->evidence_bytes = len;
	snprintf(b->archive_sha256, sizeof(b->archive_sha256), "%s",
	    info.content_sha256);
	ingest_cert_attrs(client, &h);
	snprintf(h.id, sizeof(h.id), "%s", info.host);
	if (evidence_commit(ig->evidence_dir, tmp, res->evidence_sha256,
	    &existed, &err) != 0) {
		ingest_say(res, 500, "storage", "evidence store: %s",
		    err.msg);
		goto out;
	}
	tmp[0] = '\0';
	if (store_bundle_insert(ig->store, &h, b, rules, nrules, &dup,
	    &err) != 0) {
		if (!existed)
			evidence_remove(ig->evidence_dir,
			    res->evidence_sha256, NULL);
		ingest_say(res, 500, "storage", "storage: %s", err.msg);
		goto out;
	}
	if (dup) {
		/* Another writer stored it meanwhile; its row names its own
		 * evidence, which is this file only when the bytes match. */
		struct store_bundle *o = calloc(1, sizeof(*o));

		if (!existed && o != NULL && store_bundle_get(ig->store,
		    info.uuid, o, NULL) == 0 &&
		    strcmp(o->evidence_sha256, res->evidence_sha256) != 0)
			evidence_remove(ig->evidence_dir,
			    res->evidence_sha256, NULL);
		free(o);
		ingest_say(res, 409, "duplicate", "bundle %s is already "
		    "stored", info.uuid);
		goto out;
	}
	ingest_say(res, 201, "stored", "stored bundle %s of %s (%zu rule "
	    "results)", info.uuid, info.host, nrules);
out:
	if (tmp[0] != '\0')
		unlink(tmp);
	if (res->status != 201 && res->status != 409)
		res->evidence_sha256[0] = '\0';
	CMS_ContentInfo_free(cms);
	free(sum);
	store_rules_free(rules, nrules);
	free(b);
}

/* Time the whole upload for the ingest latency histogram. */
void
ingest_bundle(struct ingest *ig, X509 *client, const char *uuid,
    const unsigned char *body, size_t len, time_t now,
    struct ingest_result *res)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ingest_bundle_run(ig, client, uuid, body, len, now, res);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (res->reason == NULL)
		res->reason = "malformed";
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
