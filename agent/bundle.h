/*
 * bundle.h - a results bundle: the evidence one scan leaves.
 *
 * On disk a bundle is a DER CMS SignedData (OpenSSL CMS API, SHA-256,
 * signing time, the signer's certificate included) whose encapsulated
 * content is a gzip-compressed POSIX ustar archive of:
 *	manifest.json	bundle UUID, host id, creation time, and the
 *			SHA-256 of each other member
 *	arf.xml		the ARF 1.1 results
 *	summary.json	the JSON summary (docs/json-results.md)
 * so an auditor can check one with standard tools alone:
 *	openssl cms -verify -inform DER -in B -CAfile ca.pem | tar xzf -
 */
#ifndef PLUMB_BUNDLE_H
#define PLUMB_BUNDLE_H

#include <stddef.h>
#include <time.h>

#include "plumb/error.h"

#define BUNDLE_UUID_LEN	36	/* 8-4-4-4-12 hex, RFC 4122 version 4 */
#define BUNDLE_MAX_BYTES	((size_t)256 * 1024 * 1024)

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
};

/*
 * Build, sign and write a bundle to path atomically: the members plus a
 * generated manifest (uuid written into info).  cert/key are PEM files.
 */
int bundle_create(const char *path, const char *host,
    const struct bundle_member *members, size_t nmembers,
    const char *cert_file, const char *key_file, struct bundle_info *info,
    struct plumb_err *err);

/*
 * Verify the bundle at path against the CA file (chain and signature;
 * the manifest's digests against the members).  0 with info filled, or
 * PLUMB_EPARSE/EIO with err saying what failed.  Never trusts content
 * it could not verify.
 */
int bundle_verify(const char *path, const char *ca_file,
    struct bundle_info *info, struct plumb_err *err);

/*
 * The member called name of a bundle's archive: gz is the gzip'ed ustar
 * a bundle encapsulates (check it with bundle_verify first).  *data
 * (NUL-terminated, the caller frees) and *len; PLUMB_ENOENT when there
 * is no such member, PLUMB_EPARSE / PLUMB_ELIMIT for a broken archive.
 */
int bundle_archive_member(const unsigned char *gz, size_t gzlen,
    const char *name, unsigned char **data, size_t *len,
    struct plumb_err *err);

#define BUNDLE_TAR_BLOCK	512	/* ustar header and data blocks */
#define BUNDLE_TAR_NAME_MAX	99	/* name field, NUL kept */

/*
 * The POSIX ustar header of a regular file (owner root, mode, mtime)
 * into h: what bundles archive their members with, for other writers
 * of plain archives (the collector's evidence export).  name is cut at
 * BUNDLE_TAR_NAME_MAX bytes: check it first.
 */
void bundle_tar_header(unsigned char h[BUNDLE_TAR_BLOCK], const char *name,
    size_t len, time_t mtime, unsigned mode);

/* New random UUID (version 4) into out (BUNDLE_UUID_LEN + 1 bytes). */
int bundle_uuid(char *out, struct plumb_err *err);

#endif /* PLUMB_BUNDLE_H */
