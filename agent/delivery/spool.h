/*
 * spool.h - the durable queue of bundles waiting for upload.
 *
 * A directory of complete files only: a bundle is written under a
 * temporary name, fsync'ed, renamed to "<seq>-<uuid>.p7m" (seq: a
 * zero-padded, increasing number, so name order is age order) and the
 * directory fsync'ed.  Temporary files left by a crash are removed on
 * open.  The spool is bounded by max_bytes: the oldest bundles are
 * dropped, each with a logged warning, and counted.
 */
#ifndef PLUMB_SPOOL_H
#define PLUMB_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "plumb/error.h"

struct spool;

struct spool_entry {
	char name[128];		/* file name inside the spool directory */
	char uuid[40];
	uint64_t seq;
	uint64_t size;
};

/* Open (creating it, mode 0700) the spool directory. */
int spool_open(const char *dir, uint64_t max_bytes, struct spool **out,
    struct plumb_err *err);
void spool_close(struct spool *sp);

/*
 * Move the complete bundle file at src into the spool (same file
 * system: rename; otherwise copy + fsync), then enforce max_bytes.
 * A failure (ENOSPC ...) leaves the spool as it was.
 */
int spool_put(struct spool *sp, const char *src, const char *uuid,
    struct plumb_err *err);

/* Entries oldest first; *out is malloc'ed (caller frees). */
int spool_list(struct spool *sp, struct spool_entry **out, size_t *n,
    struct plumb_err *err);

/* Full path of an entry, for the uploader. */
int spool_path(struct spool *sp, const struct spool_entry *e, char *buf,
    size_t len);

/* Remove one entry after the collector acknowledged it. */
int spool_remove(struct spool *sp, const struct spool_entry *e,
    struct plumb_err *err);

/* Bundles dropped to respect max_bytes since the spool was created
 * (kept across restarts in DIR/.dropped). */
uint64_t spool_dropped(const struct spool *sp);

/*
 * Where warnings go (a dropped bundle, a stale temporary file removed):
 * fn(arg, message) without a trailing newline.  The default, also
 * when fn is NULL, prints "plumb: warning: MESSAGE" on stderr.
 */
void spool_set_warn(struct spool *sp, void (*fn)(void *, const char *),
    void *arg);

#endif /* PLUMB_SPOOL_H */
