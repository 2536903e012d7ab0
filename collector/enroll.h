/*
 * enroll.h - agent enrollment (docs/api.md "Enrollment"): an admin
 * creates a one-time token bound to one host id; the agent sends the
 * token and a CSR (its key never leaves the host); the collector checks
 * the CSR and signs it with the agent CA key of [enroll].  An enrolled
 * agent renews its certificate over mutual TLS with a new CSR.
 *
 * Tokens: 32 random bytes shown once as 64 lower-case hex digits; only
 * the SHA-256 (hex) of that text is stored, in table enroll_tokens
 * (component "enroll", store_migrate()):
 *
 *	enroll_tokens (sha256 TEXT PRIMARY KEY, host TEXT NOT NULL,
 *	    role TEXT, site TEXT, zone TEXT, created INTEGER NOT NULL,
 *	    expires INTEGER NOT NULL, used_time INTEGER, serial TEXT)
 *
 * A token is usable while used_time IS NULL and now < expires; it is
 * spent by one UPDATE ... WHERE used_time IS NULL that must change
 * exactly one row, so two concurrent enrollments with one token (even
 * on two collectors sharing a database) cannot both succeed.
 *
 * Issued certificates: subject O = site, OU = role, L = zone (those the
 * admin gave with the token; on renewal those of the host as stored),
 * CN = host; a random 128-bit serial; valid from 5 minutes ago for
 * cert_days; CA:FALSE, digitalSignature + keyEncipherment, extended key
 * usage clientAuth (TLS) and emailProtection (the CMS signature of
 * results bundles), subjectAltName DNS = host.  Nothing of the CSR but
 * its public key is used: no extension is ever copied from it.
 */
#ifndef PLUMB_COLLECTOR_ENROLL_H
#define PLUMB_COLLECTOR_ENROLL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "plumb/error.h"
#include "api.h"
#include "collector_config.h"
#include "store.h"

#define ENROLL_TOKEN_LEN	64	/* hex digits of a token */
#define ENROLL_HOST_MAX		253	/* bytes of a host id (a DNS name) */
#define ENROLL_CSR_MAX		16384	/* bytes of a PEM CSR */
#define ENROLL_TTL_MAX		31536000	/* one year */

/* The signing CA, loaded once (api_ctx.enroll points at one). */
struct enroll;
struct signer;
struct signer_revoked;

/*
 * Load the [enroll] CA certificate of cfg and create the token and
 * certificate tables.  With sg NULL the key is loaded too (checking
 * that they are a pair and the certificate is a CA); with a signer
 * (signer.h) the key stays in that process and every signature is
 * asked of it (sg is borrowed: free it after e).  *out is NULL
 * (PLUMB_OK) when [enroll] is not configured: tokens still work,
 * enrollment answers 503.  Free with enroll_free().
 */
int enroll_new(const struct collector_config *cfg, struct store *s,
    struct signer *sg, struct enroll **out, struct plumb_err *err);
void enroll_free(struct enroll *e);

/* The CA certificate and key of cfg, for the signer process only. */
int enroll_load_key(const struct collector_config *cfg,
    struct enroll **out, struct plumb_err *err);

/*
 * Revocation.  Table enroll_certs (serial, host, issued, not_after,
 * revoked, reason) holds every certificate issued (and each one a
 * renewal superseded), enroll_renewals (host, old_serial, new_serial,
 * time) every renewal.  enroll_crl_update() makes a CRL of every
 * revoked serial (signed by the key holder), checks it against the CA,
 * writes it to [enroll] crl_file when set and hands it to the hook
 * (the TLS listeners: server_crl_set()), which takes its own reference.
 */
typedef void (*enroll_crl_hook)(void *arg, X509_CRL *crl);
void enroll_set_crl_hook(struct enroll *e, enroll_crl_hook fn, void *arg);
int enroll_crl_update(struct enroll *e, struct store *s, time_t now,
    struct plumb_err *err);
/* 1 when the CRL should be made again (never made, or a day old). */
int enroll_crl_due(const struct enroll *e, time_t now);
/* Sign a CRL of the n entries with e's key (the signer process). */
int enroll_crl_sign(const struct enroll *e, const struct signer_revoked *v,
    size_t n, time_t now, char **pem, struct plumb_err *err);
/* Mark every certificate of host revoked at now; how many in *count. */
int enroll_revoke_host(struct store *s, const char *host, time_t now,
    uint64_t *count, struct plumb_err *err);

/* Create or upgrade table enroll_tokens; idempotent. */
int enroll_init(struct store *s, struct plumb_err *err);

/* 1 when host is 1..ENROLL_HOST_MAX of [A-Za-z0-9._-], not starting
 * with '-' or '.'. */
int enroll_host_valid(const char *host);

/*
 * New token for host (role, site, zone: NULL or "" for none; the same
 * characters as a host plus space) valid ttl seconds from now: its text
 * into token (ENROLL_TOKEN_LEN + 1 bytes), its expiry into *expires.
 * PLUMB_EINVAL for a bad host, attribute or ttl (1..ENROLL_TTL_MAX).
 */
int enroll_token_add(struct store *s, const char *host, const char *role,
    const char *site, const char *zone, unsigned ttl, time_t now,
    char *token, time_t *expires, struct plumb_err *err);

/*
 * Parse a PEM CSR (len bytes, at most ENROLL_CSR_MAX) and check it for
 * host: its self-signature verifies, its subject holds exactly one CN
 * and it equals host, its key is EC P-256/P-384/P-521 or RSA of 2048 to
 * 8192 bits.  PLUMB_OK with the request in *out (X509_REQ_free() it);
 * PLUMB_EINVAL with err saying what is wrong otherwise.
 */
int enroll_csr_check(const char *pem, size_t len, const char *host,
    X509_REQ **out, struct plumb_err *err);

/*
 * Sign req's public key for host (attributes as enroll_token_add;
 * NULL: none) with e's CA at now; the certificate as PEM into *pem
 * (allocated, NUL-terminated; free()) and its serial (hex) into
 * serial (at least 40 bytes).
 */
int enroll_sign(const struct enroll *e, X509_REQ *req, const char *host,
    const char *role, const char *site, const char *zone, time_t now,
    char **pem, char *serial, size_t serialsize, struct plumb_err *err);

/* The CA certificate as PEM (borrowed, valid while e lives). */
const char *enroll_ca_pem(const struct enroll *e);

/*
 * The routes: POST enroll (anyone, token in the body), POST
 * enroll/tokens (admin), POST renew (agent: only in the last
 * [enroll] renew_window percent of the caller's certificate's life;
 * the old certificate is revoked), POST hosts/{host}/revoke (admin).  When ctx->enroll is NULL
 * the handlers load the CA from ctx->cfg for each request.
 */
extern const struct api_route enroll_routes[];
extern const size_t enroll_nroutes;

/*
 * "plumb-collector [-c FILE] enroll-token add HOST [--ttl S] [--role R]
 * [--site S] [--zone Z]" and "enroll-token list": argv[0] is
 * "enroll-token"; cfgpath the configuration named before it.  Returns
 * the exit status.
 */
int enroll_main(const char *cfgpath, int argc, char **argv);

#endif /* PLUMB_COLLECTOR_ENROLL_H */
