/*
 * bundle.h - a results bundle: the evidence one scan leaves.
 *
 * On disk a bundle is a DER CMS SignedData (OpenSSL CMS API, SHA-256,
 * signing time, the signer's certificate included) whose encapsulated
 * content is a gzip-compressed POSIX ustar archive of:
 *	manifest.json	bundle UUID, host id, creation time, the
 *			directory scanned instead of "/" when there was
 *			one ("target_root"), and the SHA-256 of each
 *			other member
 *	arf.xml		the ARF 1.1 results
 *	summary.json	the JSON summary (docs/json-results.md)
 * so an auditor can check one with standard tools alone:
 *	openssl cms -verify -inform DER -in B -CAfile ca.pem | tar xzf -
 */
#ifndef PLUMB_BUNDLE_H
#define PLUMB_BUNDLE_H

#include <stddef.h>
#include <time.h>

#include <openssl/types.h>

#include "plumb/error.h"
#include "bundle_tar.h"		/* bundle_tar_member(), for readers */

#define BUNDLE_UUID_LEN	36	/* 8-4-4-4-12 hex, RFC 4122 version 4 */
#define BUNDLE_MAX_BYTES	((size_t)256 * 1024 * 1024)
#define BUNDLE_ROOT_MAX		512	/* target_root incl. NUL (as the collector) */

/* One member file of the archive (name and bytes borrowed). */
struct bundle_member {
	const char *name;
	const unsigned char *data;
	size_t len;
};

/* What verification tells about a bundle. */
struct bundle_info {
	char uuid[BUNDLE_UUID_LEN + 1];
	char host[256];
	time_t created;
	time_t signing_time;
	char signer[512];		/* subject of the signer certificate */
	char content_sha256[65];	/* of the encapsulated archive, hex */
	char target_root[BUNDLE_ROOT_MAX];	/* manifest "target_root":
					 * the tree scanned, "" for the host */
};

/*
 * Build, sign and write a bundle to path atomically: the members plus a
 * generated manifest (uuid written into info).  cert/key are PEM files.
 * target_root: the directory the results were collected under instead
 * of "/" (plumb scan --root), recorded in the manifest; NULL or "" for
 * a scan of the host itself.
 */
int bundle_create(const char *path, const char *host, const char *target_root,
    const struct bundle_member *members, size_t nmembers,
    const char *cert_file, const char *key_file, struct bundle_info *info,
    struct plumb_err *err);

/*
 * Verify the bundle at path against the CA file (chain and signature;
 * the manifest's digests against the members).  0 with info filled, or
 * PLUMB_EPARSE/EIO with err saying what failed (the path first).  Never
 * trusts content it could not verify.
 */
int bundle_verify(const char *path, const char *ca_file,
    struct bundle_info *info, struct plumb_err *err);

/* A bundle verified in memory (bundle_verify_mem); owns what it holds. */
struct bundle_verified {
	struct bundle_info info;
	X509 *signer;		/* the signer certificate the bundle carries */
	unsigned char *tar;	/* the archive, inflated: one allocation */
	size_t tarlen;
};

/*
 * bundle_verify() of the len bytes at der against trust (the anchors a
 * caller keeps loaded: bundle_trust_load), for callers that verify many
 * bundles: the CMS is parsed and the archive inflated once, and both
 * the signer certificate and the archive are handed back in *v, to be
 * released with bundle_verified_free().  *v is zeroed on failure.
 */
int bundle_verify_mem(const unsigned char *der, size_t len,
    X509_STORE *trust, struct bundle_verified *v, struct plumb_err *err);

/*
 * bundle_verify_mem() with the inflated archive capped at max_tar bytes
 * (at most BUNDLE_MAX_BYTES): PLUMB_ELIMIT, nothing kept, as soon as
 * inflating passes it (a decompression bomb costs max_tar bytes).
 */
int bundle_verify_mem_max(const unsigned char *der, size_t len,
    X509_STORE *trust, size_t max_tar, struct bundle_verified *v,
    struct plumb_err *err);
void bundle_verified_free(struct bundle_verified *v);

/* A trust store holding the certificates of ca_file and nothing else
 * (no default paths); *out is the caller's (X509_STORE_free). */
int bundle_trust_load(const char *ca_file, X509_STORE **out,
    struct plumb_err *err);

/* New random UUID (version 4) into out (BUNDLE_UUID_LEN + 1 bytes). */
int bundle_uuid(char *out, struct plumb_err *err);

/* 1 when s is 8-4-4-4-12 lowercase hex of a version 4 UUID, as
 * bundle_uuid() makes them; else 0. */
int bundle_uuid_valid(const char *s);

#endif /* PLUMB_BUNDLE_H */
