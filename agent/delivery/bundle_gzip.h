/*
 * bundle_gzip.h - the gzip layer of a results bundle (zlib), so that
 * "openssl cms -verify ... | tar xzf -" reads one.
 */
#ifndef PLUMB_BUNDLE_GZIP_H
#define PLUMB_BUNDLE_GZIP_H

#include <stddef.h>

#include "plumb/error.h"
#include "common/dynbuf.h"

/* Compress len bytes at in into out (empty on entry; out->p is one
 * allocation the caller frees), best compression.  0 or PLUMB_E*. */
int bundle_gzip(const unsigned char *in, size_t len, struct dynbuf *out,
    struct plumb_err *err);

/* Inflate the gzip stream at in, appending to out, refusing more than
 * max bytes of output (PLUMB_ELIMIT): checked chunk by chunk, so a
 * bomb costs max bytes at most.  Truncated or trailing data is
 * PLUMB_EPARSE. */
int bundle_gunzip(const unsigned char *in, size_t len, size_t max,
    struct dynbuf *out, struct plumb_err *err);

#endif /* PLUMB_BUNDLE_GZIP_H */
