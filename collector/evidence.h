/*
 * evidence.h - the evidence store: every accepted bundle kept byte for
 * byte (the DER CMS SignedData the agent signed), content-addressed:
 *	DIR/<first two hex digits>/<sha256 hex>.p7m
 * so an auditor can check one with sha256sum and openssl cms alone.
 * Files are written to DIR/tmp, made durable, linked into place (never
 * overwriting) and made durable again, so a file under its final name
 * is always complete.  The flushes are the caller's, with
 * evidence_sync(), so that one flush serves a whole batch:
 *	evidence_write_tmp() for each file
 *	evidence_sync()
 *	evidence_commit() for each file
 *	evidence_sync()
 * and only then may anything refer to the files.
 */
#ifndef PLUMB_COLLECTOR_EVIDENCE_H
#define PLUMB_COLLECTOR_EVIDENCE_H

#include <stddef.h>

#include "plumb/error.h"

#define EVIDENCE_PATH_MAX	4096

/* Create DIR and DIR/tmp (mode 0750) when missing; remove stale
 * temporary files. */
int evidence_init(const char *dir, struct plumb_err *err);

/*
 * Write data to a new temporary file under DIR/tmp (not yet durable);
 * its name into tmp (EVIDENCE_PATH_MAX bytes) and the SHA-256 of data
 * (hex) into sha256 (65 bytes).
 */
int evidence_write_tmp(const char *dir, const void *data, size_t len,
    char *tmp, char *sha256, struct plumb_err *err);

/*
 * Move the temporary file tmp (made durable by evidence_sync()) into
 * place as the evidence of sha256; the new name is durable after the
 * next evidence_sync().  When that file already exists (the same bytes
 * stored before), tmp is removed and *existed is 1.  tmp is gone
 * afterwards in every case but an I/O error.
 */
int evidence_commit(const char *dir, const char *tmp, const char *sha256,
    int *existed, struct plumb_err *err);

/* Flush what was written under DIR to stable storage (fssync.h). */
int evidence_sync(const char *dir, struct plumb_err *err);

/* The path of the evidence of sha256 into out (EVIDENCE_PATH_MAX). */
int evidence_path(const char *dir, const char *sha256, char *out,
    struct plumb_err *err);

/* Remove the evidence of sha256 (absent: PLUMB_OK). */
int evidence_remove(const char *dir, const char *sha256,
    struct plumb_err *err);

#endif /* PLUMB_COLLECTOR_EVIDENCE_H */
