/*
 * hex.h - bytes as hexadecimal text (digests, tokens, UUIDs), one
 * encoder for the agent and the collector.
 */
#ifndef PLUMB_HEX_H
#define PLUMB_HEX_H

#include <stddef.h>

/* Hex length of a SHA-256 digest and the buffer that holds it. */
#define HEX_SHA256_LEN	64
#define HEX_SHA256_SIZE	(HEX_SHA256_LEN + 1)

/* The n bytes at in as 2 * n lowercase hex digits and a NUL into out,
 * which holds at least 2 * n + 1 bytes.  in and out must not overlap. */
void hex_encode(const unsigned char *in, size_t n, char *out);

#endif /* PLUMB_HEX_H */
