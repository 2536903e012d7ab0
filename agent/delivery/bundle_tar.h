/*
 * bundle_tar.h - POSIX ustar archives as results bundles hold them:
 * regular files only, owner root, names of portable characters, no
 * prefix field, at most BUNDLE_TAR_MEMBERS_MAX members.  The collector's
 * evidence export writes plain archives with the same code.
 */
#ifndef PLUMB_BUNDLE_TAR_H
#define PLUMB_BUNDLE_TAR_H

#include <stddef.h>
#include <time.h>

#include "plumb/error.h"
#include "common/dynbuf.h"

#define BUNDLE_TAR_BLOCK	512	/* ustar header and data blocks */
#define BUNDLE_TAR_NAME_MAX	99	/* name field, NUL kept */
#define BUNDLE_TAR_MEMBERS_MAX	64	/* members of one bundle archive */

/* A member found in an archive (data points into the archive). */
struct bundle_found {
	char name[BUNDLE_TAR_NAME_MAX + 1];
	const unsigned char *data;
	size_t len;
	int listed;		/* for the caller: seen in a manifest */
};

/*
 * The POSIX ustar header of a regular file (owner root, mode, mtime)
 * into h.  name is cut at BUNDLE_TAR_NAME_MAX bytes: check it first.
 */
void bundle_tar_header(unsigned char h[BUNDLE_TAR_BLOCK], const char *name,
    size_t len, time_t mtime, unsigned mode);

/*
 * Append one regular file (header, len bytes of data, padding to the
 * block) to b.  PLUMB_EINVAL for a name longer than
 * BUNDLE_TAR_NAME_MAX, else dynbuf_add()'s answer.  The archive ends
 * with two zero blocks the caller adds.
 */
int bundle_tar_add(struct dynbuf *b, const char *name, const void *data,
    size_t len, time_t mtime, unsigned mode);

/* 1 when s may name a member: 1..BUNDLE_TAR_NAME_MAX of A-Z a-z 0-9
 * . _ -, not starting with a dot; else 0. */
int bundle_name_valid(const char *s);

/*
 * Split the archive p (len bytes) into its members, in order, into
 * found (BUNDLE_TAR_MEMBERS_MAX entries), *nfound of them.  Refuses
 * (PLUMB_EPARSE, PLUMB_ELIMIT) bad checksums, other than regular
 * files, prefixed or invalid or repeated names, sizes past the end, a
 * missing end-of-archive, too many members.
 */
int bundle_tar_parse(const unsigned char *p, size_t len,
    struct bundle_found *found, size_t *nfound, struct plumb_err *err);

/*
 * The member called name of a verified archive (tar, len: the inflated
 * ustar of bundle_verified): *data points into tar, *dlen bytes, not
 * NUL-terminated.  PLUMB_ENOENT when there is no such member,
 * PLUMB_EPARSE / PLUMB_ELIMIT for a broken archive.
 */
int bundle_tar_member(const unsigned char *tar, size_t len,
    const char *name, const unsigned char **data, size_t *dlen,
    struct plumb_err *err);

#endif /* PLUMB_BUNDLE_TAR_H */
