/*
 * bundle_uuid.c - the random (version 4) UUID that names each bundle,
 * and the syntax a received one must have (bundle.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "plumb/error.h"
#include "common/hex.h"
#include "bundle.h"

int
bundle_uuid(char *out, struct plumb_err *err)
{
	unsigned char r[16];
	char h[33];

	out[0] = '\0';
	if (RAND_bytes(r, sizeof(r)) != 1)
		return plumb_err_set(err, PLUMB_EIO,
		    "no random bytes for a bundle UUID");
	r[6] = (r[6] & 0x0f) | 0x40;	/* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	hex_encode(r, sizeof(r), h);
	snprintf(out, BUNDLE_UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s",
	    h, h + 8, h + 12, h + 16, h + 20);
	return PLUMB_OK;
}

/* 8-4-4-4-12 lowercase hex, version 4, as bundle_uuid makes them. */
int
bundle_uuid_valid(const char *s)
{
	size_t i;

	if (strlen(s) != BUNDLE_UUID_LEN)
		return 0;
	for (i = 0; i < BUNDLE_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}
