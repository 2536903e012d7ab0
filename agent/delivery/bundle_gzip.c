/*
 * bundle_gzip.c - gzip (zlib) of a bundle's archive, and its bounded
 * inflation on the receiving side (bundle_gzip.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "bundle.h"
#include "bundle_gzip.h"

int
bundle_gzip(const unsigned char *in, size_t len, struct dynbuf *out,
    struct plumb_err *err)
{
	z_stream z;
	uLong bound;
	int zrc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return plumb_err_set(err, PLUMB_ENOMEM, "deflateInit2 failed");
	bound = deflateBound(&z, (uLong)len);
	if (bound > BUNDLE_MAX_BYTES || (out->p = malloc(bound)) == NULL) {
		deflateEnd(&z);
		return plumb_err_set(err, PLUMB_ENOMEM,
		    "no memory to compress %zu bytes", len);
	}
	out->cap = bound;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out->p;
	z.avail_out = (uInt)bound;
	zrc = deflate(&z, Z_FINISH);
	out->len = bound - z.avail_out;
	deflateEnd(&z);
	if (zrc != Z_STREAM_END)
		return plumb_err_set(err, PLUMB_EIO, "gzip failed (%d)", zrc);
	return PLUMB_OK;
}

/* Inflate a gzip stream, refusing more than max bytes of output (at most
 * BUNDLE_MAX_BYTES): checked chunk by chunk, so a bomb costs max bytes. */
int
bundle_gunzip(const unsigned char *in, size_t len, size_t max,
    struct dynbuf *out, struct plumb_err *err)
{
	unsigned char chunk[65536];
	z_stream z;
	int zrc, rc = PLUMB_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return plumb_err_set(err, PLUMB_ENOMEM, "inflateInit2 failed");
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = inflate(&z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END) {
			rc = plumb_err_set(err, PLUMB_EPARSE,
			    "archive is not valid gzip data");
			goto out;
		}
		if (sizeof(chunk) - z.avail_out > max - out->len ||
		    dynbuf_add(out, chunk, sizeof(chunk) - z.avail_out) !=
		    PLUMB_OK) {
			rc = plumb_err_set(err, PLUMB_ELIMIT,
			    "archive expands beyond %zu bytes", max);
			goto out;
		}
		if (zrc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			rc = plumb_err_set(err, PLUMB_EPARSE,
			    "gzip data truncated");
			goto out;
		}
	} while (zrc != Z_STREAM_END);
	if (z.avail_in != 0)
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "trailing bytes after the gzip data");
out:
	inflateEnd(&z);
	return rc;
}
