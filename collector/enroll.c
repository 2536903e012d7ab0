/*
 * enroll.c - agent enrollment: one-time tokens, CSR checks, signing
 * with the agent CA, the routes and the "enroll-token" command
 * (enroll.h).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "plumb/error.h"
#include "common/grow.h"
#include "api.h"
#include "atomic.h"
#include "collector_config.h"
#include "enroll.h"
#include "signer.h"
#include "store.h"
#include "tokens.h"

#define ENROLL_SERIAL_BYTES	16
#define ENROLL_ATTR_MAX		64	/* role / site / zone (X.520 ub) */
#define ENROLL_BACKDATE_S	300	/* tolerate clock skew */
#define ENROLL_REFUSED		"enrollment token unknown, used or expired"

struct enroll {
	X509 *ca;
	EVP_PKEY *key;		/* NULL in the network process */
	struct signer *signer;	/* holds the key there (borrowed) */
	char *ca_pem;
	unsigned cert_days;
	unsigned crl_days;
	char *crl_file;		/* [enroll] crl_file, or NULL */
	char *server_crl;	/* [server] crl, or NULL: its entries of
				 * this CA are kept in ours */
	time_t crl_time;	/* when the last CRL was made; 0: never */
	enroll_crl_hook crl_hook;
	void *crl_arg;
};

static const struct store_migration enroll_migrations[] = {
	{ 1,
	  "CREATE TABLE enroll_tokens ("
	  " sha256 TEXT PRIMARY KEY,"
	  " host TEXT NOT NULL,"
	  " role TEXT,"
	  " site TEXT,"
	  " zone TEXT,"
	  " created INTEGER NOT NULL,"
	  " expires INTEGER NOT NULL,"
	  " used_time INTEGER,"
	  " serial TEXT)" },
	/* Every certificate issued (enrollment, renewal) or superseded,
	 * and the renewals: a stolen key renewing leaves a trace, and
	 * revoking a host reaches every certificate it ever had. */
	{ 2,
	  "CREATE TABLE enroll_certs ("
	  " serial TEXT PRIMARY KEY,"
	  " host TEXT NOT NULL,"
	  " issued INTEGER NOT NULL,"
	  " not_after INTEGER NOT NULL,"
	  " revoked INTEGER,"
	  " reason TEXT);"
	  "CREATE INDEX enroll_certs_host ON enroll_certs (host);"
	  "CREATE TABLE enroll_renewals ("
	  " host TEXT NOT NULL,"
	  " old_serial TEXT NOT NULL,"
	  " new_serial TEXT NOT NULL,"
	  " time INTEGER NOT NULL);"
	  "CREATE INDEX enroll_renewals_host ON enroll_renewals (host)" },
};

int
enroll_init(struct store *s, struct plumb_err *err)
{
	return store_migrate(s, "enroll", enroll_migrations,
	    sizeof(enroll_migrations) / sizeof(enroll_migrations[0]), err);
}

/* The OpenSSL error queue as one line (and cleared). */
static void
enroll_ssl_error(char *buf, size_t len)
{
	unsigned long e;
	size_t used = 0;

	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0 && used + 2 < len) {
		if (used > 0) {
			buf[used++] = ';';
			buf[used++] = ' ';
			buf[used] = '\0';
		}
		ERR_error_string_n(e, buf + used, len - used);
		used = strlen(buf);
	}
	ERR_clear_error();
	if (buf[0] == '\0')
		snprintf(buf, len, "no detail");
}

/* Names: letters, digits, '.', '_', '-' (and space when allow_space),
 * not starting with '-', '.' or space, 1..max bytes. */
static int
enroll_name_ok(const char *s, size_t max, int allow_space)
{
	size_t i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max ||
	    s[0] == '-' || s[0] == '.' || s[0] == ' ')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-' || (allow_space && c == ' ')))
			return 0;
	}
	return 1;
}

int
enroll_host_valid(const char *host)
{
	return enroll_name_ok(host, ENROLL_HOST_MAX, 0);
}

/* An optional attribute: NULL / "" or a valid name. */
static int
enroll_attr_ok(const char *v)
{
	return v == NULL || *v == '\0' || enroll_name_ok(v, ENROLL_ATTR_MAX, 1);
}

/* Well-formed token text: exactly 64 lower-case hex digits. */
static int
enroll_token_form(const char *t)
{
	size_t i;

	if (t == NULL || strlen(t) != ENROLL_TOKEN_LEN)
		return 0;
	for (i = 0; i < ENROLL_TOKEN_LEN; i++)
		if (!((t[i] >= '0' && t[i] <= '9') ||
		    (t[i] >= 'a' && t[i] <= 'f')))
			return 0;
	return 1;
}

int
enroll_token_add(struct store *s, const char *host, const char *role,
    const char *site, const char *zone, unsigned ttl, time_t now,
    char *token, time_t *expires, struct plumb_err *err)
{
	char hash[65], created[32], exp[32], lower[ENROLL_HOST_MAX + 1];
	const char *p[7];
	int rc;

	token[0] = '\0';
	*expires = 0;
	if (!enroll_host_valid(host))
		return plumb_err_set(err, PLUMB_EINVAL, "host \"%s\": 1 to %d "
		    "letters, digits, '.', '_' or '-'", host,
		    ENROLL_HOST_MAX);
	if (!enroll_attr_ok(role) || !enroll_attr_ok(site) ||
	    !enroll_attr_ok(zone))
		return plumb_err_set(err, PLUMB_EINVAL, "role, site and zone: "
		    "1 to %d letters, digits, spaces, '.', '_' or '-'",
		    ENROLL_ATTR_MAX);
	if (ttl < 1 || ttl > ENROLL_TTL_MAX)
		return plumb_err_set(err, PLUMB_EINVAL, "ttl %u: 1 to %d "
		    "seconds", ttl, ENROLL_TTL_MAX);
	if ((rc = tokens_secret(token, hash, err)) != PLUMB_OK)
		goto fail;
	snprintf(created, sizeof(created), "%lld", (long long)now);
	snprintf(exp, sizeof(exp), "%lld", (long long)now + ttl);
	snprintf(lower, sizeof(lower), "%s", host);
	p[0] = hash;
	p[1] = store_host_lower(lower);
	p[2] = role != NULL && *role != '\0' ? role : NULL;
	p[3] = site != NULL && *site != '\0' ? site : NULL;
	p[4] = zone != NULL && *zone != '\0' ? zone : NULL;
	p[5] = created;
	p[6] = exp;
	if ((rc = store_query(s, "INSERT INTO enroll_tokens (sha256, host, "
	    "role, site, zone, created, expires, used_time, serial) VALUES "
	    "($1, $2, $3, $4, $5, $6, $7, NULL, NULL)", p, 7, NULL, NULL,
	    NULL, err)) != PLUMB_OK)
		goto fail;
	*expires = now + ttl;
	return PLUMB_OK;
fail:
	OPENSSL_cleanse(token, ENROLL_TOKEN_LEN + 1);
	token[0] = '\0';
	return rc;
}

/* A token's row as looked up before it is spent. */
struct enroll_tok {
	int found;
	char host[ENROLL_HOST_MAX + 1];
	char role[ENROLL_ATTR_MAX + 1];
	char site[ENROLL_ATTR_MAX + 1];
	char zone[ENROLL_ATTR_MAX + 1];
	time_t expires;
	int used;
};

static int
enroll_tok_row(void *arg, const char *const *vals, size_t ncols)
{
	struct enroll_tok *t = arg;

	if (ncols < 6)
		return 1;
	t->found = 1;
	snprintf(t->host, sizeof(t->host), "%s", vals[0] ? vals[0] : "");
	snprintf(t->role, sizeof(t->role), "%s", vals[1] ? vals[1] : "");
	snprintf(t->site, sizeof(t->site), "%s", vals[2] ? vals[2] : "");
	snprintf(t->zone, sizeof(t->zone), "%s", vals[3] ? vals[3] : "");
	t->expires = vals[4] ? (time_t)strtoll(vals[4], NULL, 10) : 0;
	t->used = vals[5] != NULL;
	return 1;
}

/*
 * Look a token up by the hash of its text: *usable 1 when it exists,
 * is unused and unexpired at now (t filled), else 0 and why in reason.
 */
static int
enroll_token_get(struct store *s, const char *token, time_t now,
    struct enroll_tok *t, int *usable, const char **reason,
    struct plumb_err *err)
{
	char hash[65];
	const char *p[1];
	int rc;

	memset(t, 0, sizeof(*t));
	*usable = 0;
	*reason = "unknown";
	if (!enroll_token_form(token))
		return PLUMB_OK;
	if ((rc = tokens_hash(token, hash, err)) != PLUMB_OK)
		return rc;
	p[0] = hash;
	if ((rc = store_query(s, "SELECT host, role, site, zone, expires, "
	    "used_time FROM enroll_tokens WHERE sha256 = $1", p, 1,
	    enroll_tok_row, t, NULL, err)) != PLUMB_OK)
		return rc;
	if (!t->found)
		return PLUMB_OK;
	if (t->used)
		*reason = "already used";
	else if (now >= t->expires)
		*reason = "expired";
	else
		*usable = 1;
	return PLUMB_OK;
}

/* Spend a token: PLUMB_OK when this call marked it used (exactly one
 * row changed), PLUMB_ENOENT when it was spent or expired meanwhile. */
static int
enroll_token_spend(struct store *s, const char *token, time_t now,
    const char *serial, struct plumb_err *err)
{
	char hash[65], when[32];
	const char *p[3];
	uint64_t changes = 0;
	int rc;

	if ((rc = tokens_hash(token, hash, err)) != PLUMB_OK)
		return rc;
	snprintf(when, sizeof(when), "%lld", (long long)now);
	p[0] = hash;
	p[1] = when;
	p[2] = serial;
	if ((rc = store_query(s, "UPDATE enroll_tokens SET used_time = $2, "
	    "serial = $3 WHERE sha256 = $1 AND used_time IS NULL AND "
	    "expires > $2", p, 3, NULL, NULL, &changes, err)) != PLUMB_OK)
		return rc;
	return changes == 1 ? PLUMB_OK : PLUMB_ENOENT;
}

/* ------------------------------------------------------------- the CA */

void
enroll_free(struct enroll *e)
{
	if (e == NULL)
		return;
	X509_free(e->ca);
	EVP_PKEY_free(e->key);
	free(e->ca_pem);
	free(e->crl_file);
	free(e->server_crl);
	free(e);
}

const char *
enroll_ca_pem(const struct enroll *e)
{
	return e->ca_pem;
}

/* Load the CA certificate named in cfg, and its key when with_key,
 * into a new struct enroll. */
static int
enroll_load(const struct collector_config *cfg, int with_key,
    struct enroll **out, struct plumb_err *err)
{
	struct enroll *e = NULL;
	BIO *b = NULL, *mem = NULL;
	BUF_MEM *bm;
	char ebuf[256];
	int rc = PLUMB_EIO;

	*out = NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	e->cert_days = cfg->enroll_cert_days ? cfg->enroll_cert_days : 365;
	e->crl_days = cfg->enroll_crl_days ? cfg->enroll_crl_days : 7;
	if ((cfg->enroll_crl_file != NULL &&
	    (e->crl_file = strdup(cfg->enroll_crl_file)) == NULL) ||
	    (cfg->crl != NULL && (e->server_crl = strdup(cfg->crl)) ==
	    NULL)) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if ((b = BIO_new_file(cfg->enroll_ca_cert, "r")) == NULL ||
	    (e->ca = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
		enroll_ssl_error(ebuf, sizeof(ebuf));
		plumb_err_set(err, PLUMB_EIO, "[enroll] ca_cert %s: cannot "
		    "read a PEM certificate: %s", cfg->enroll_ca_cert, ebuf);
		goto out;
	}
	if (X509_check_ca(e->ca) == 0) {
		rc = plumb_err_set(err, PLUMB_EINVAL, "[enroll] ca_cert %s is "
		    "not a CA certificate", cfg->enroll_ca_cert);
		goto out;
	}
	BIO_free(b);
	b = NULL;
	if (!with_key)
		goto pem;
	if ((b = BIO_new_file(cfg->enroll_ca_key, "r")) == NULL ||
	    (e->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)) ==
	    NULL) {
		enroll_ssl_error(ebuf, sizeof(ebuf));
		plumb_err_set(err, PLUMB_EIO, "[enroll] ca_key %s: cannot "
		    "read a PEM private key: %s", cfg->enroll_ca_key, ebuf);
		goto out;
	}
	if (X509_check_private_key(e->ca, e->key) != 1) {
		ERR_clear_error();
		rc = plumb_err_set(err, PLUMB_EINVAL, "[enroll] ca_key %s is "
		    "not the key of ca_cert %s", cfg->enroll_ca_key,
		    cfg->enroll_ca_cert);
		goto out;
	}
pem:
	if ((mem = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(mem, e->ca) != 1) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	BIO_get_mem_ptr(mem, &bm);
	if ((e->ca_pem = strndup(bm->data, bm->length)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	*out = e;
	e = NULL;
	rc = PLUMB_OK;
out:
	BIO_free(b);
	BIO_free(mem);
	enroll_free(e);
	return rc;
}

int
enroll_load_key(const struct collector_config *cfg, struct enroll **out,
    struct plumb_err *err)
{
	return enroll_load(cfg, 1, out, err);
}

int
enroll_new(const struct collector_config *cfg, struct store *s,
    struct signer *sg, struct enroll **out, struct plumb_err *err)
{
	int rc;

	*out = NULL;
	if ((rc = enroll_init(s, err)) != PLUMB_OK)
		return rc;
	if (cfg->enroll_ca_cert == NULL || cfg->enroll_ca_key == NULL)
		return PLUMB_OK;
	/* With a signer the key stays in its process: only the
	 * certificate is read here. */
	if ((rc = enroll_load(cfg, sg == NULL, out, err)) != PLUMB_OK)
		return rc;
	(*out)->signer = sg;
	return PLUMB_OK;
}

void
enroll_set_crl_hook(struct enroll *e, enroll_crl_hook fn, void *arg)
{
	e->crl_hook = fn;
	e->crl_arg = arg;
}

/* --------------------------------------------------------- CSR checks */

/* The key types we sign: EC on the NIST curves, RSA 2048..8192. */
static int
enroll_key_ok(EVP_PKEY *pk, struct plumb_err *err)
{
	char curve[64];
	size_t len = 0;
	int bits = EVP_PKEY_get_bits(pk);

	if (EVP_PKEY_is_a(pk, "EC")) {
		if (EVP_PKEY_get_utf8_string_param(pk, "group", curve,
		    sizeof(curve), &len) != 1) {
			ERR_clear_error();
			return plumb_err_set(err, PLUMB_EINVAL, "CSR: EC key "
			    "without a named curve");
		}
		if (strcmp(curve, "prime256v1") == 0 ||
		    strcmp(curve, "P-256") == 0 ||
		    strcmp(curve, "secp384r1") == 0 ||
		    strcmp(curve, "P-384") == 0 ||
		    strcmp(curve, "secp521r1") == 0 ||
		    strcmp(curve, "P-521") == 0)
			return PLUMB_OK;
		return plumb_err_set(err, PLUMB_EINVAL, "CSR: EC curve %s not "
		    "accepted (P-256, P-384 or P-521)", curve);
	}
	if (EVP_PKEY_is_a(pk, "RSA")) {
		if (bits >= 2048 && bits <= 8192)
			return PLUMB_OK;
		return plumb_err_set(err, PLUMB_EINVAL, "CSR: RSA key of %d "
		    "bits not accepted (2048 to 8192)", bits);
	}
	return plumb_err_set(err, PLUMB_EINVAL, "CSR: key type %s not "
	    "accepted (EC P-256/P-384/P-521 or RSA)",
	    EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "?");
}

/* The single CN of name into buf; PLUMB_EINVAL when none or several. */
static int
enroll_cn(const X509_NAME *name, char *buf, size_t size,
    struct plumb_err *err)
{
	const ASN1_STRING *d;
	int i;

	if ((i = X509_NAME_get_index_by_NID(name, NID_commonName, -1)) < 0)
		return plumb_err_set(err, PLUMB_EINVAL, "CSR: subject has no "
		    "CN");
	if (X509_NAME_get_index_by_NID(name, NID_commonName, i) >= 0)
		return plumb_err_set(err, PLUMB_EINVAL, "CSR: subject has "
		    "more than one CN");
	d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
	if (d == NULL || ASN1_STRING_length(d) <= 0 ||
	    (size_t)ASN1_STRING_length(d) >= size ||
	    memchr(ASN1_STRING_get0_data(d), '\0',
	    (size_t)ASN1_STRING_length(d)) != NULL)
		return plumb_err_set(err, PLUMB_EINVAL, "CSR: CN empty, too "
		    "long or not text");
	memcpy(buf, ASN1_STRING_get0_data(d), (size_t)ASN1_STRING_length(d));
	buf[ASN1_STRING_length(d)] = '\0';
	return PLUMB_OK;
}

int
enroll_csr_check(const char *pem, size_t len, const char *host,
    X509_REQ **out, struct plumb_err *err)
{
	X509_REQ *req = NULL;
	EVP_PKEY *pk;
	BIO *b = NULL;
	char cn[ENROLL_HOST_MAX + 2];
	int rc = PLUMB_EINVAL;

	*out = NULL;
	if (len == 0 || len > ENROLL_CSR_MAX)
		return plumb_err_set(err, PLUMB_EINVAL, "CSR: %zu bytes (1 to "
		    "%d)", len, ENROLL_CSR_MAX);
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if ((req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL)) == NULL) {
		ERR_clear_error();
		plumb_err_set(err, PLUMB_EINVAL, "CSR: not a PEM certificate "
		    "request");
		goto out;
	}
	if ((pk = X509_REQ_get0_pubkey(req)) == NULL) {
		ERR_clear_error();
		plumb_err_set(err, PLUMB_EINVAL, "CSR: no usable public key");
		goto out;
	}
	if ((rc = enroll_key_ok(pk, err)) != PLUMB_OK)
		goto out;
	rc = PLUMB_EINVAL;
	if (X509_REQ_verify(req, pk) != 1) {
		ERR_clear_error();
		plumb_err_set(err, PLUMB_EINVAL, "CSR: signature does not "
		    "verify (not signed by its own key)");
		goto out;
	}
	if (enroll_cn(X509_REQ_get_subject_name(req), cn, sizeof(cn),
	    err) != PLUMB_OK)
		goto out;
	/* Host ids have no case (store_host_lower()). */
	if (strcasecmp(cn, host) != 0) {
		plumb_err_set(err, PLUMB_EINVAL, "CSR: CN \"%.*s\" is not the "
		    "enrolled host \"%s\"", 100, cn, host);
		goto out;
	}
	*out = req;
	req = NULL;
	rc = PLUMB_OK;
out:
	BIO_free(b);
	X509_REQ_free(req);
	return rc;
}

/* ------------------------------------------------------------ signing */

/* Add one extension by its configuration text. */
static int
enroll_ext(X509 *c, X509V3_CTX *v3, int nid, const char *value)
{
	X509_EXTENSION *ex;
	int ok;

	if ((ex = X509V3_EXT_conf_nid(NULL, v3, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(c, ex, -1);
	X509_EXTENSION_free(ex);
	return ok == 1;
}

/* Add an attribute to name unless empty. */
static int
enroll_name_add(X509_NAME *n, const char *field, const char *v)
{
	if (v == NULL || *v == '\0')
		return 1;
	return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
	    (const unsigned char *)v, -1, -1, 0) == 1;
}

/* enroll_sign() through the signer process: the request as PEM. */
static int
enroll_sign_remote(const struct enroll *e, X509_REQ *req, const char *host,
    const char *role, const char *site, const char *zone, time_t now,
    char **pem, char *serial, size_t serialsize, struct plumb_err *err)
{
	BIO *mem = NULL;
	BUF_MEM *bm;
	char *csr = NULL;
	int rc;

	if (e->signer == NULL)
		return plumb_err_set(err, PLUMB_EINVAL, "no CA key to sign "
		    "with");
	if ((mem = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_REQ(mem, req) != 1) {
		BIO_free(mem);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	BIO_get_mem_ptr(mem, &bm);
	if ((csr = strndup(bm->data, bm->length)) == NULL)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	else
		rc = signer_cert(e->signer, csr, host, role, site, zone, now,
		    pem, serial, serialsize, err);
	free(csr);
	BIO_free(mem);
	return rc;
}

int
enroll_sign(const struct enroll *e, X509_REQ *req, const char *host,
    const char *role, const char *site, const char *zone, time_t now,
    char **pem, char *serial, size_t serialsize, struct plumb_err *err)
{
	unsigned char sn[ENROLL_SERIAL_BYTES];
	char san[ENROLL_HOST_MAX + 8], ebuf[256];
	X509V3_CTX v3;
	X509 *c = NULL;
	X509_NAME *name = NULL;
	BIGNUM *bn = NULL;
	BIO *mem = NULL;
	BUF_MEM *bm;
	char *hex = NULL;
	int rc = PLUMB_EIO;

	*pem = NULL;
	if (serialsize > 0)
		serial[0] = '\0';
	if (!enroll_host_valid(host) || !enroll_attr_ok(role) ||
	    !enroll_attr_ok(site) || !enroll_attr_ok(zone))
		return plumb_err_set(err, PLUMB_EINVAL, "bad host or "
		    "attribute for a certificate");
	if (e->key == NULL)
		return enroll_sign_remote(e, req, host, role, site, zone, now,
		    pem, serial, serialsize, err);
	/* A positive serial of 127 random bits (top bit clear, never 0
	 * in practice: RFC 5280 wants at most 20 octets, positive). */
	if (RAND_bytes(sn, sizeof(sn)) != 1)
		return plumb_err_set(err, PLUMB_EIO, "no random bytes");
	sn[0] &= 0x7f;
	sn[0] |= 0x01;
	if ((c = X509_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    (bn = BN_bin2bn(sn, sizeof(sn), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c)) == NULL ||
	    X509_set_version(c, X509_VERSION_3) != 1 ||
	    X509_set_issuer_name(c, X509_get_subject_name(e->ca)) != 1 ||
	    X509_time_adj_ex(X509_getm_notBefore(c), 0,
	    -ENROLL_BACKDATE_S, &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(c), (int)e->cert_days, 0,
	    &now) == NULL ||
	    X509_set_pubkey(c, X509_REQ_get0_pubkey(req)) != 1)
		goto ssl;
	if (!enroll_name_add(name, "O", site) ||
	    !enroll_name_add(name, "OU", role) ||
	    !enroll_name_add(name, "L", zone) ||
	    !enroll_name_add(name, "CN", host) ||
	    X509_set_subject_name(c, name) != 1)
		goto ssl;
	snprintf(san, sizeof(san), "DNS:%s", host);
	X509V3_set_ctx(&v3, e->ca, c, NULL, NULL, 0);
	if (!enroll_ext(c, &v3, NID_basic_constraints, "critical,CA:FALSE") ||
	    !enroll_ext(c, &v3, NID_key_usage,
	    "critical,digitalSignature,keyEncipherment") ||
	    !enroll_ext(c, &v3, NID_ext_key_usage,
	    "clientAuth,emailProtection") ||
	    !enroll_ext(c, &v3, NID_subject_alt_name, san) ||
	    !enroll_ext(c, &v3, NID_subject_key_identifier, "hash"))
		goto ssl;
	/* The authority key id only when the CA names its own. */
	if (X509_get0_subject_key_id(e->ca) != NULL &&
	    !enroll_ext(c, &v3, NID_authority_key_identifier, "keyid"))
		goto ssl;
	if (X509_sign(c, e->key, EVP_sha256()) <= 0)
		goto ssl;
	if ((mem = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(mem, c) != 1)
		goto ssl;
	BIO_get_mem_ptr(mem, &bm);
	if ((*pem = strndup(bm->data, bm->length)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if ((hex = BN_bn2hex(bn)) != NULL && serialsize > 0)
		snprintf(serial, serialsize, "%s", hex);
	rc = PLUMB_OK;
	goto out;
ssl:
	enroll_ssl_error(ebuf, sizeof(ebuf));
	rc = plumb_err_set(err, PLUMB_EIO, "signing the certificate for %s "
	    "failed: %s", host, ebuf);
out:
	OPENSSL_free(hex);
	BIO_free(mem);
	BN_free(bn);
	X509_NAME_free(name);
	X509_free(c);
	return rc;
}

/* -------------------------------------------------------- revocation */

/* 1..40 hex digits (a serial as BN_bn2hex() writes it). */
static int
enroll_serial_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 40)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
enroll_crl_sign(const struct enroll *e, const struct signer_revoked *v,
    size_t n, time_t now, char **pem, struct plumb_err *err)
{
	X509_CRL *crl = NULL;
	X509_REVOKED *r = NULL;
	ASN1_TIME *t = NULL;
	ASN1_INTEGER *ai = NULL;
	BIGNUM *bn = NULL;
	BIO *mem = NULL;
	BUF_MEM *bm;
	char ebuf[256];
	size_t i;
	int rc = PLUMB_EIO;

	*pem = NULL;
	if (e->key == NULL)
		return plumb_err_set(err, PLUMB_EINVAL, "no CA key to sign "
		    "with");
	for (i = 0; i < n; i++)
		if (!enroll_serial_ok(v[i].serial))
			return plumb_err_set(err, PLUMB_EINVAL, "CRL: serial "
			    "\"%.48s\" is not 1 to 40 hex digits",
			    v[i].serial);
	if ((crl = X509_CRL_new()) == NULL ||
	    X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
	    X509_CRL_set_issuer_name(crl,
	    X509_get_subject_name(e->ca)) != 1 ||
	    (t = ASN1_TIME_set(NULL, now)) == NULL ||
	    X509_CRL_set1_lastUpdate(crl, t) != 1 ||
	    ASN1_TIME_adj(t, now, (int)e->crl_days, 0) == NULL ||
	    X509_CRL_set1_nextUpdate(crl, t) != 1)
		goto ssl;
	for (i = 0; i < n; i++) {
		if ((r = X509_REVOKED_new()) == NULL ||
		    BN_hex2bn(&bn, v[i].serial) == 0 ||
		    (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
		    X509_REVOKED_set_serialNumber(r, ai) != 1 ||
		    ASN1_TIME_set(t, v[i].when) == NULL ||
		    X509_REVOKED_set_revocationDate(r, t) != 1 ||
		    X509_CRL_add0_revoked(crl, r) != 1)
			goto ssl;
		r = NULL;
		ASN1_INTEGER_free(ai);
		ai = NULL;
		BN_free(bn);
		bn = NULL;
	}
	/* The CRL number grows with time: later lists supersede. */
	if ((ai = ASN1_INTEGER_new()) == NULL ||
	    ASN1_INTEGER_set_int64(ai, (int64_t)now) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, ai, 0, 0) != 1 ||
	    X509_CRL_sort(crl) != 1 ||
	    X509_CRL_sign(crl, e->key, EVP_sha256()) <= 0 ||
	    (mem = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_CRL(mem, crl) != 1)
		goto ssl;
	BIO_get_mem_ptr(mem, &bm);
	if ((*pem = strndup(bm->data, bm->length)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	rc = PLUMB_OK;
	goto out;
ssl:
	enroll_ssl_error(ebuf, sizeof(ebuf));
	rc = plumb_err_set(err, PLUMB_EIO, "signing the CRL failed: %s",
	    ebuf);
out:
	X509_REVOKED_free(r);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	ASN1_TIME_free(t);
	BIO_free(mem);
	X509_CRL_free(crl);
	return rc;
}

/* The revoked certificates, collected from the store. */
struct enroll_revlist {
	struct signer_revoked *v;
	size_t n, cap;
	int failed;
};

static int
enroll_rev_row(void *arg, const char *const *vals, size_t ncols)
{
	struct enroll_revlist *l = arg;

	if (ncols < 2 || vals[0] == NULL || vals[1] == NULL ||
	    !enroll_serial_ok(vals[0]))
		return 0;
	if (grow_array(&l->v, l->n, &l->cap, sizeof(*l->v), 64) != 0) {
		l->failed = 1;
		return 1;
	}
	snprintf(l->v[l->n].serial, sizeof(l->v[l->n].serial), "%s",
	    vals[0]);
	l->v[l->n].when = (time_t)strtoll(vals[1], NULL, 10);
	l->n++;
	return 0;
}

/* Add a revoked entry to l (serial as an ASN.1 integer). */
static void
enroll_rev_add(struct enroll_revlist *l, const ASN1_INTEGER *sn,
    const ASN1_TIME *when)
{
	const char *vals[2];
	char t[32], *hex = NULL;
	BIGNUM *bn;
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if ((bn = ASN1_INTEGER_to_BN(sn, NULL)) == NULL ||
	    (hex = BN_bn2hex(bn)) == NULL ||
	    ASN1_TIME_to_tm(when, &tm) != 1) {
		ERR_clear_error();
		l->failed = 1;
	} else {
		snprintf(t, sizeof(t), "%lld", (long long)timegm(&tm));
		vals[0] = hex;
		vals[1] = t;
		(void)enroll_rev_row(l, vals, 2);
	}
	OPENSSL_free(hex);
	BN_free(bn);
}

/*
 * The entries of e's CA in [server] crl (plumb-pki's list, say): the
 * collector's CRL is newer and supersedes it, so they must be in it.
 * Only CRLs of this issuer whose signature verifies count.
 */
static int
enroll_rev_server(const struct enroll *e, struct enroll_revlist *l,
    struct plumb_err *err)
{
	STACK_OF(X509_REVOKED) *rv;
	X509_CRL *crl;
	FILE *f;
	int i;

	if (e->server_crl == NULL)
		return PLUMB_OK;
	if ((f = fopen(e->server_crl, "r")) == NULL)
		return plumb_err_set(err, PLUMB_EIO, "[server] crl %s: %s",
		    e->server_crl, strerror(errno));
	while ((crl = PEM_read_X509_CRL(f, NULL, NULL, NULL)) != NULL) {
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
		    X509_get_subject_name(e->ca)) == 0 &&
		    X509_CRL_verify(crl, X509_get0_pubkey(e->ca)) == 1 &&
		    (rv = X509_CRL_get_REVOKED(crl)) != NULL)
			for (i = 0; i < sk_X509_REVOKED_num(rv); i++)
				enroll_rev_add(l, X509_REVOKED_get0_serialNumber(
				    sk_X509_REVOKED_value(rv, i)),
				    X509_REVOKED_get0_revocationDate(
				    sk_X509_REVOKED_value(rv, i)));
		X509_CRL_free(crl);
	}
	ERR_clear_error();
	fclose(f);
	return PLUMB_OK;
}

int
enroll_crl_update(struct enroll *e, struct store *s, time_t now,
    struct plumb_err *err)
{
	struct enroll_revlist l;
	X509_CRL *crl = NULL;
	BIO *b = NULL;
	char *pem = NULL;
	int rc;

	memset(&l, 0, sizeof(l));
	if ((rc = store_query(s, "SELECT serial, revoked FROM enroll_certs "
	    "WHERE revoked IS NOT NULL ORDER BY serial", NULL, 0,
	    enroll_rev_row, &l, NULL, err)) != PLUMB_OK ||
	    (rc = enroll_rev_server(e, &l, err)) != PLUMB_OK)
		goto out;
	if (l.failed) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	rc = e->key != NULL ? enroll_crl_sign(e, l.v, l.n, now, &pem, err) :
	    e->signer != NULL ? signer_crl(e->signer, l.v, l.n, now, &pem,
	    err) : plumb_err_set(err, PLUMB_EINVAL, "no CA key to sign with");
	if (rc != PLUMB_OK)
		goto out;
	/* What comes back is checked like any input. */
	if ((b = BIO_new_mem_buf(pem, -1)) == NULL ||
	    (crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) == NULL ||
	    X509_CRL_verify(crl, X509_get0_pubkey(e->ca)) != 1) {
		ERR_clear_error();
		rc = plumb_err_set(err, PLUMB_EIO, "the signer's CRL does not "
		    "verify with [enroll] ca_cert");
		goto out;
	}
	/* 0640: the CRL is public, but nothing here is world-readable. */
	if (e->crl_file != NULL && (rc = atomic_write_file(e->crl_file, pem,
	    strlen(pem), 0640, err)) != PLUMB_OK)
		goto out;
	if (e->crl_hook != NULL)
		e->crl_hook(e->crl_arg, crl);
	e->crl_time = now;
	fprintf(stderr, "plumb-collector: CRL of the enrollment CA: %zu "
	    "revoked certificates\n", l.n);
out:
	X509_CRL_free(crl);
	BIO_free(b);
	free(pem);
	free(l.v);
	return rc;
}

int
enroll_crl_due(const struct enroll *e, time_t now)
{
	/* Made again each day, well before nextUpdate (crl_days). */
	return e->crl_time == 0 || now - e->crl_time >= 86400;
}

int
enroll_revoke_host(struct store *s, const char *host, time_t now,
    uint64_t *count, struct plumb_err *err)
{
	char lower[ENROLL_HOST_MAX + 1], when[32];
	const char *p[2];

	*count = 0;
	if (!enroll_host_valid(host))
		return plumb_err_set(err, PLUMB_EINVAL, "host \"%.64s\": 1 to "
		    "%d letters, digits, '.', '_' or '-'", host,
		    ENROLL_HOST_MAX);
	snprintf(lower, sizeof(lower), "%s", host);
	snprintf(when, sizeof(when), "%lld", (long long)now);
	p[0] = store_host_lower(lower);
	p[1] = when;
	return store_query(s, "UPDATE enroll_certs SET revoked = $2, "
	    "reason = 'host revoked' WHERE host = $1 AND revoked IS NULL", p,
	    2, NULL, NULL, count, err);
}

/* The serial of cert as hex (BN_bn2hex(), as enroll_sign() reports). */
static int
enroll_cert_serial(const X509 *cert, char *out, size_t size)
{
	BIGNUM *bn;
	char *hex = NULL;

	out[0] = '\0';
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert),
	    NULL)) != NULL && (hex = BN_bn2hex(bn)) != NULL)
		snprintf(out, size, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	return out[0] != '\0' ? 0 : -1;
}

/* notBefore and notAfter of cert as times. */
static int
enroll_cert_times(const X509 *cert, time_t *nb, time_t *na)
{
	struct tm a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (ASN1_TIME_to_tm(X509_get0_notBefore(cert), &b) != 1 ||
	    ASN1_TIME_to_tm(X509_get0_notAfter(cert), &a) != 1)
		return -1;
	*nb = timegm(&b);
	*na = timegm(&a);
	return *na > *nb ? 0 : -1;
}

static int
enroll_first_row(void *arg, const char *const *vals, size_t ncols)
{
	*(int *)arg = 1;
	return 1;
}

/* *revoked 1 when serial is revoked in enroll_certs. */
static int
enroll_revoked(struct store *s, const char *serial, int *revoked,
    struct plumb_err *err)
{
	const char *p[1] = { serial };

	*revoked = 0;
	return store_query(s, "SELECT 1 FROM enroll_certs WHERE serial = $1 "
	    "AND revoked IS NOT NULL", p, 1, enroll_first_row, revoked, NULL,
	    err);
}

/* Record an issued certificate (and, for a renewal, the one it
 * replaces: revoked as superseded, and the renewal itself). */
static int
enroll_record(struct store *s, const char *host, const char *serial,
    time_t now, unsigned days, const char *old, time_t old_after,
    struct plumb_err *err)
{
	char t[32], after[32], oafter[32];
	const char *p[5];
	int rc;

	snprintf(t, sizeof(t), "%lld", (long long)now);
	snprintf(after, sizeof(after), "%lld", (long long)now +
	    (long long)days * 86400);
	snprintf(oafter, sizeof(oafter), "%lld", (long long)old_after);
	p[0] = serial;
	p[1] = host;
	p[2] = t;
	p[3] = after;
	if ((rc = store_query(s, "INSERT INTO enroll_certs (serial, host, "
	    "issued, not_after, revoked, reason) VALUES ($1, $2, $3, $4, "
	    "NULL, NULL)", p, 4, NULL, NULL, NULL, err)) != PLUMB_OK ||
	    old == NULL)
		return rc;
	p[0] = old;
	p[3] = oafter;
	if ((rc = store_query(s, "INSERT INTO enroll_certs (serial, host, "
	    "issued, not_after, revoked, reason) VALUES ($1, $2, $3, $4, $3, "
	    "'superseded') ON CONFLICT (serial) DO UPDATE SET revoked = "
	    "COALESCE(enroll_certs.revoked, excluded.revoked), reason = "
	    "COALESCE(enroll_certs.reason, excluded.reason)", p, 4, NULL,
	    NULL, NULL, err)) != PLUMB_OK)
		return rc;
	p[0] = host;
	p[1] = old;
	p[2] = serial;
	p[3] = t;
	return store_query(s, "INSERT INTO enroll_renewals (host, old_serial, "
	    "new_serial, time) VALUES ($1, $2, $3, $4)", p, 4, NULL, NULL,
	    NULL, err);
}

/* ------------------------------------------------------------- routes */

/* The CA for a request: ctx's, or loaded now into *own (freed by the
 * caller).  *e NULL with 503 in rep when enrollment is off. */
static int
enroll_ca_for(const struct api_ctx *ctx, struct api_reply *rep,
    const struct enroll **e, struct enroll **own, struct plumb_err *err)
{
	int rc;

	*e = NULL;
	*own = NULL;
	if (ctx->enroll != NULL) {
		*e = ctx->enroll;
		return PLUMB_OK;
	}
	if (ctx->cfg == NULL || ctx->cfg->enroll_ca_cert == NULL ||
	    ctx->cfg->enroll_ca_key == NULL)
		return api_error(rep, 503, "enrollment is not configured on "
		    "this collector ([enroll] ca_cert, ca_key)");
	rc = enroll_load(ctx->cfg, 1, own, err);
	*e = *own;
	return rc;
}

/* The JSON object of a request body; NULL with 400 in rep. */
static json_t *
enroll_body(const struct api_req *req, struct api_reply *rep)
{
	json_error_t je;
	json_t *j;

	if (req->body == NULL || req->body_len == 0) {
		api_error(rep, 400, "a JSON object body is required");
		return NULL;
	}
	if ((j = json_loadb((const char *)req->body, req->body_len,
	    JSON_REJECT_DUPLICATES, &je)) == NULL) {
		api_error(rep, 400, "body is not JSON: %s (at %d:%d)", je.text,
		    je.line, je.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		api_error(rep, 400, "body must be a JSON object");
		return NULL;
	}
	return j;
}

/* A string member of o, or NULL (absent, null or not a string). */
static const char *
enroll_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The reply of a successful signing. */
static int
enroll_reply_cert(struct api_reply *rep, const char *cert,
    const struct enroll *e, int status, struct plumb_err *err)
{
	if ((rep->json = json_pack("{s:s, s:s}", "certificate", cert,
	    "chain", enroll_ca_pem(e))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	rep->status = status;
	return PLUMB_OK;
}

/* POST /api/v1/enroll {"token","csr"}: sign the CSR of a token's host. */
static int
enroll_post(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct enroll_tok t;
	struct enroll *own = NULL;
	const struct enroll *e;
	X509_REQ *csr = NULL;
	struct plumb_err why;
	json_t *j;
	const char *token, *pem, *reason;
	char *cert = NULL, serial[64];
	int usable, rc = PLUMB_OK;

	memset(&why, 0, sizeof(why));
	if ((j = enroll_body(req, rep)) == NULL)
		return PLUMB_OK;
	token = enroll_str(j, "token");
	pem = enroll_str(j, "csr");
	if (token == NULL || pem == NULL) {
		rc = api_error(rep, 400, "\"token\" and \"csr\" (strings) are "
		    "required");
		goto out;
	}
	if ((rc = enroll_init(ctx->store, err)) != PLUMB_OK ||
	    (rc = enroll_token_get(ctx->store, token, req->now, &t, &usable,
	    &reason, err)) != PLUMB_OK)
		goto out;
	if (!usable) {
		fprintf(stderr, "plumb-collector: enroll refused: token "
		    "%s%s%s%s\n", reason, t.found ? " (host " : "",
		    t.found ? t.host : "", t.found ? ")" : "");
		rc = api_error(rep, 403, ENROLL_REFUSED);
		goto out;
	}
	/* The CSR is checked before the token is spent: a mistake on the
	 * agent's side does not cost the admin a new token. */
	if (enroll_csr_check(pem, strlen(pem), t.host, &csr, &why) !=
	    PLUMB_OK) {
		rc = api_error(rep, 400, "%s", why.msg);
		goto out;
	}
	if ((rc = enroll_ca_for(ctx, rep, &e, &own, err)) != PLUMB_OK ||
	    e == NULL)
		goto out;
	if ((rc = enroll_sign(e, csr, t.host, t.role, t.site, t.zone,
	    req->now, &cert, serial, sizeof(serial), err)) != PLUMB_OK)
		goto out;
	/* Spent last, in one statement: only one request wins a token. */
	if ((rc = enroll_token_spend(ctx->store, token, req->now, serial,
	    err)) == PLUMB_ENOENT) {
		rc = api_error(rep, 403, ENROLL_REFUSED);
		goto out;
	}
	if (rc != PLUMB_OK ||
	    (rc = enroll_record(ctx->store, t.host, serial, req->now,
	    e->cert_days, NULL, 0, err)) != PLUMB_OK)
		goto out;
	fprintf(stderr, "plumb-collector: enrolled %s (serial %s)\n", t.host,
	    serial);
	rc = enroll_reply_cert(rep, cert, e, 201, err);
out:
	free(cert);
	X509_REQ_free(csr);
	enroll_free(own);
	json_decref(j);
	return rc;
}

/* POST /api/v1/enroll/tokens {"host","ttl",...}: an admin makes a token. */
static int
enroll_post_token(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct plumb_err why;
	json_t *j, *v;
	const char *host;
	char token[ENROLL_TOKEN_LEN + 1];
	time_t expires;
	json_int_t ttl;
	int rc = PLUMB_OK;

	memset(&why, 0, sizeof(why));
	if ((j = enroll_body(req, rep)) == NULL)
		return PLUMB_OK;
	if ((host = enroll_str(j, "host")) == NULL) {
		rc = api_error(rep, 400, "\"host\" (a string) is required");
		goto out;
	}
	ttl = ctx->cfg != NULL && ctx->cfg->enroll_token_ttl != 0 ?
	    ctx->cfg->enroll_token_ttl : 86400;
	if ((v = json_object_get(j, "ttl")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > ENROLL_TTL_MAX) {
			rc = api_error(rep, 400, "\"ttl\" must be a whole "
			    "number of seconds, 1 to %d", ENROLL_TTL_MAX);
			goto out;
		}
		ttl = json_integer_value(v);
	}
	if ((rc = enroll_init(ctx->store, err)) != PLUMB_OK)
		goto out;
	rc = enroll_token_add(ctx->store, host, enroll_str(j, "role"),
	    enroll_str(j, "site"), enroll_str(j, "zone"), (unsigned)ttl,
	    req->now, token, &expires, &why);
	if (rc == PLUMB_EINVAL) {
		rc = api_error(rep, 400, "%s", why.msg);
		goto out;
	}
	if (rc != PLUMB_OK) {
		if (err != NULL)
			*err = why;
		goto out;
	}
	if ((rep->json = json_pack("{s:s, s:s, s:I}", "token", token, "host",
	    host, "expires", (json_int_t)expires)) == NULL)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	else
		rep->status = 201;
	fprintf(stderr, "plumb-collector: enrollment token for %s created by "
	    "%s\n", host, req->principal ? req->principal : "?");
out:
	OPENSSL_cleanse(token, sizeof(token));
	json_decref(j);
	return rc;
}

/* POST /api/v1/renew {"csr"}: a new certificate for the caller's host. */
static int
enroll_post_renew(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_host h;
	struct enroll *own = NULL;
	const struct enroll *e;
	X509_REQ *csr = NULL;
	struct plumb_err why;
	json_t *j;
	const char *pem;
	char *cert = NULL, serial[64], old[64], from[32];
	time_t nb, na, opens;
	unsigned pct;
	int rc = PLUMB_OK, revoked;

	memset(&why, 0, sizeof(why));
	memset(&h, 0, sizeof(h));
	if (!(req->auth & API_AUTH_AGENT) || req->scope_host == NULL ||
	    !enroll_host_valid(req->scope_host) || req->peer == NULL ||
	    enroll_cert_serial(req->peer, old, sizeof(old)) != 0 ||
	    enroll_cert_times(req->peer, &nb, &na) != 0)
		return api_error(rep, 403, "renewal needs the agent's current "
		    "certificate");
	/* Only late in a certificate's life: a stolen key cannot mint
	 * certificates at will, and a refusal says when to come back. */
	pct = ctx->cfg != NULL && ctx->cfg->enroll_renew_window != 0 ?
	    ctx->cfg->enroll_renew_window : 30;
	opens = na - (time_t)(((long long)(na - nb) * pct) / 100);
	if (req->now < opens) {
		api_iso(opens, from, sizeof(from));
		fprintf(stderr, "plumb-collector: renewal of %s (serial %s) "
		    "refused: before its window\n", req->scope_host, old);
		return api_error(rep, 403, "renewal refused: a certificate is "
		    "renewed only in the last %u%% of its life ([enroll] "
		    "renew_window); this one from %s", pct, from);
	}
	if ((rc = enroll_revoked(ctx->store, old, &revoked, err)) !=
	    PLUMB_OK)
		return rc;
	if (revoked)
		return api_error(rep, 403, "renewal refused: certificate %s "
		    "is revoked", old);
	if ((j = enroll_body(req, rep)) == NULL)
		return PLUMB_OK;
	if ((pem = enroll_str(j, "csr")) == NULL) {
		rc = api_error(rep, 400, "\"csr\" (a string) is required");
		goto out;
	}
	if (enroll_csr_check(pem, strlen(pem), req->scope_host, &csr,
	    &why) != PLUMB_OK) {
		rc = api_error(rep, 400, "%s", why.msg);
		goto out;
	}
	/* Role, site and zone as the collector knows the host (from its
	 * certificate with its last bundle); none when it never sent one. */
	rc = store_host_get(ctx->store, req->scope_host, &h, err);
	if (rc == PLUMB_ENOENT)
		memset(&h, 0, sizeof(h));
	else if (rc != PLUMB_OK)
		goto out;
	if (!enroll_attr_ok(h.role) || !enroll_attr_ok(h.site) ||
	    !enroll_attr_ok(h.zone))
		h.role[0] = h.site[0] = h.zone[0] = '\0';
	if ((rc = enroll_ca_for(ctx, rep, &e, &own, err)) != PLUMB_OK ||
	    e == NULL)
		goto out;
	if ((rc = enroll_sign(e, csr, req->scope_host, h.role, h.site,
	    h.zone, req->now, &cert, serial, sizeof(serial), err)) !=
	    PLUMB_OK)
		goto out;
	/* The renewal on record, the old certificate revoked and a new
	 * CRL in force before the new certificate goes out. */
	if ((rc = store_tx_begin(ctx->store, err)) != PLUMB_OK)
		goto out;
	if ((rc = enroll_record(ctx->store, req->scope_host, serial,
	    req->now, e->cert_days, old, na, err)) != PLUMB_OK ||
	    (rc = store_tx_commit(ctx->store, err)) != PLUMB_OK) {
		store_tx_rollback(ctx->store);
		goto out;
	}
	if ((rc = enroll_crl_update((struct enroll *)e,
	    ctx->store, req->now, err)) != PLUMB_OK)
		goto out;
	fprintf(stderr, "plumb-collector: renewed %s (serial %s, replaces "
	    "%s, now revoked)\n", req->scope_host, serial, old);
	rc = enroll_reply_cert(rep, cert, e, 200, err);
out:
	free(cert);
	X509_REQ_free(csr);
	enroll_free(own);
	json_decref(j);
	return rc;
}

/* POST /api/v1/hosts/{host}/revoke: every certificate the host was
 * ever issued here goes into the CRL. */
static int
enroll_post_revoke(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct plumb_err why;
	char host[ENROLL_HOST_MAX + 1];
	uint64_t n = 0;
	int rc;

	memset(&why, 0, sizeof(why));
	if ((rc = enroll_init(ctx->store, err)) != PLUMB_OK)
		return rc;
	rc = enroll_revoke_host(ctx->store, req->seg[1], req->now, &n, &why);
	if (rc == PLUMB_EINVAL)
		return api_error(rep, 400, "%s", why.msg);
	if (rc != PLUMB_OK) {
		if (err != NULL)
			*err = why;
		return rc;
	}
	snprintf(host, sizeof(host), "%s", req->seg[1]);
	store_host_lower(host);
	if (ctx->enroll != NULL && (rc = enroll_crl_update(ctx->enroll,
	    ctx->store, req->now, err)) != PLUMB_OK)
		return rc;
	fprintf(stderr, "plumb-collector: host %s revoked by %s: %llu "
	    "certificates\n", host, req->principal ? req->principal : "?",
	    (unsigned long long)n);
	if ((rep->json = json_pack("{s:s, s:I}", "host", host, "revoked",
	    (json_int_t)n)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	rep->status = 200;
	return PLUMB_OK;
}

const struct api_route enroll_routes[] = {
	{ "POST", "enroll", API_AUTH_NONE, enroll_post },
	{ "POST", "enroll/tokens", API_AUTH_ADMIN, enroll_post_token },
	{ "POST", "renew", API_AUTH_AGENT, enroll_post_renew },
	{ "POST", "hosts/*/revoke", API_AUTH_ADMIN, enroll_post_revoke },
};
const size_t enroll_nroutes = sizeof(enroll_routes) /
    sizeof(enroll_routes[0]);

/* ------------------------------------------------------------ command */

static void
enroll_usage(FILE *f)
{
	fprintf(f, "usage: plumb-collector [-c FILE] enroll-token add HOST "
	    "[--ttl SECONDS]\n"
	    "           [--role R] [--site S] [--zone Z]\n"
	    "  Create a one-time enrollment token for HOST and print it "
	    "once (only its\n  SHA-256 is stored); \"plumb enroll --token\" "
	    "uses it.  Default ttl: [enroll]\n  token_ttl.  Role, site and "
	    "zone become OU, O and L of the certificate.\n"
	    "usage: plumb-collector [-c FILE] enroll-token list\n"
	    "  List the tokens: host, created, expires, state.\n"
	    "  -c, --config FILE   configuration (default %s)\n"
	    "  -h, --help          this help\n", COLLECTOR_CONFIG_PATH);
}

/* Row callback of "list": one line per token. */
static int
enroll_list_row(void *arg, const char *const *vals, size_t ncols)
{
	time_t now = *(time_t *)arg, created, expires, used;
	char c[32], x[32], u[32];

	if (ncols < 4)
		return 1;
	created = vals[1] ? (time_t)strtoll(vals[1], NULL, 10) : 0;
	expires = vals[2] ? (time_t)strtoll(vals[2], NULL, 10) : 0;
	used = vals[3] ? (time_t)strtoll(vals[3], NULL, 10) : 0;
	api_iso(created, c, sizeof(c));
	api_iso(expires, x, sizeof(x));
	if (vals[3] != NULL)
		api_iso(used, u, sizeof(u));
	printf("%s\t%s\t%s\t%s%s\n", vals[0] ? vals[0] : "", c, x,
	    vals[3] != NULL ? "used " : now >= expires ? "expired" : "valid",
	    vals[3] != NULL ? u : "");
	return 0;
}

int
enroll_main(const char *cfgpath, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "ttl", required_argument, NULL, 't' },
		{ "role", required_argument, NULL, 'r' },
		{ "site", required_argument, NULL, 's' },
		{ "zone", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct collector_config cfg;
	struct store *s = NULL;
	struct plumb_err err;
	const char *sub = NULL, *role = NULL, *site = NULL, *zone = NULL;
	char token[ENROLL_TOKEN_LEN + 1], x[32], *end;
	unsigned long ttl = 0;
	time_t now = time(NULL), expires;
	int ch, ret = 1, nargs;

	memset(&cfg, 0, sizeof(cfg));
	memset(&err, 0, sizeof(err));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 't':
			ttl = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    ttl < 1 || ttl > ENROLL_TTL_MAX) {
				fprintf(stderr, "plumb-collector: --ttl %s: "
				    "1 to %d seconds\n", optarg,
				    ENROLL_TTL_MAX);
				return 2;
			}
			break;
		case 'r':
			role = optarg;
			break;
		case 's':
			site = optarg;
			break;
		case 'z':
			zone = optarg;
			break;
		case 'h':
			enroll_usage(stdout);
			return 0;
		default:
			enroll_usage(stderr);
			return 2;
		}
	}
	nargs = argc - optind;
	if (nargs > 0)
		sub = argv[optind];
	if (sub == NULL || (strcmp(sub, "add") == 0 ? nargs != 2 :
	    strcmp(sub, "list") == 0 ? nargs != 1 : 1)) {
		if (sub != NULL && strcmp(sub, "add") != 0 &&
		    strcmp(sub, "list") != 0)
			fprintf(stderr, "plumb-collector: enroll-token: "
			    "unknown subcommand \"%s\"\n", sub);
		enroll_usage(stderr);
		return 2;
	}
	if (collector_config_defaults(&cfg, &err) != 0 ||
	    collector_config_load(&cfg, cfgpath, &err) != 0 ||
	    store_open(cfg.database, &s, &err) != 0 ||
	    enroll_init(s, &err) != 0)
		goto fail;
	if (strcmp(sub, "list") == 0) {
		if (store_query(s, "SELECT host, created, expires, used_time "
		    "FROM enroll_tokens ORDER BY created, host", NULL, 0,
		    enroll_list_row, &now, NULL, &err) != 0)
			goto fail;
		ret = 0;
		goto out;
	}
	if (ttl == 0)
		ttl = cfg.enroll_token_ttl;
	if (enroll_token_add(s, argv[optind + 1], role, site, zone,
	    (unsigned)ttl, now, token, &expires, &err) != 0)
		goto fail;
	api_iso(expires, x, sizeof(x));
	printf("%s\n", token);
	fprintf(stderr, "plumb-collector: enrollment token for %s created, "
	    "valid until %s; it is shown only now\n", argv[optind + 1], x);
	OPENSSL_cleanse(token, sizeof(token));
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "plumb-collector: enroll-token %s: %s\n", sub,
	    err.msg);
out:
	store_close(s);
	collector_config_clear(&cfg);
	return ret;
}
