/*
 * bundle_manifest.h - manifest.json, the first member of a bundle's
 * archive: format, UUID, host, creation time, the tree scanned, and
 * the name, size and SHA-256 of every other member.
 */
#ifndef PLUMB_BUNDLE_MANIFEST_H
#define PLUMB_BUNDLE_MANIFEST_H

#include <stddef.h>
#include <time.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "bundle.h"

#define BUNDLE_FORMAT		"plumb-bundle/1"
#define BUNDLE_MANIFEST		"manifest.json"

/* SHA-256 of data as 64 lowercase hex digits into out[65]: 0 or
 * PLUMB_EIO. */
int bundle_sha256_hex(const void *data, size_t len, char *out);

/* 1 when s may be a host id in a manifest: 1..255 printable ASCII, no
 * space, '"' or '\'; else 0. */
int bundle_host_valid(const char *s);

/* Append the manifest of members (n of them) to b. root: the tree
 * scanned instead of "/", NULL or "" for the host. */
int bundle_manifest_write(struct dynbuf *b, const char *uuid,
    const char *host, const char *root, time_t created,
    const struct bundle_member *members, size_t n);

/*
 * Check a received archive (tar, len) against its manifest: the
 * manifest first, well-formed, of this format, with a valid UUID, host
 * and time, and every member listed once with its size and digest,
 * none unlisted.  Fills info's uuid, host, created and target_root.
 * 0 or PLUMB_EPARSE / PLUMB_ELIMIT / PLUMB_ENOMEM with err saying why.
 */
int bundle_check_manifest(const unsigned char *tar, size_t len,
    struct bundle_info *info, struct plumb_err *err);

#endif /* PLUMB_BUNDLE_MANIFEST_H */
