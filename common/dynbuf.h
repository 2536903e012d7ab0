/*
 * dynbuf.h - a growing byte buffer with a hard cap, shared by the agent
 * and the collector (results bundles, evidence exports, JSON).
 *
 * Contract:
 *  - A buffer starts zeroed plus its cap: dynbuf_init(&b, max) or
 *    struct dynbuf b = DYNBUF_INIT(max).  No allocation until the first
 *    byte is added; p stays NULL while len is 0.
 *  - Every append is all or nothing: on PLUMB_ELIMIT (len would pass
 *    max) or PLUMB_ENOMEM the buffer is left as it was.
 *  - Storage grows from DYNBUF_FIRST bytes by doubling; the bytes are
 *    not NUL-terminated (add the NUL yourself when you need a string).
 *  - The buffer owns p until dynbuf_take() hands it over; dynbuf_free()
 *    releases it and leaves an empty buffer with the same cap.
 */
#ifndef PLUMB_DYNBUF_H
#define PLUMB_DYNBUF_H

#include <stddef.h>

#define DYNBUF_FIRST		65536	/* first allocation, bytes */
#define DYNBUF_PRINTF_MAX	1023	/* one dynbuf_printf() piece */

struct dynbuf {
	unsigned char *p;	/* the bytes, NULL while empty */
	size_t len;		/* bytes used */
	size_t cap;		/* bytes allocated */
	size_t max;		/* len never passes it */
};

#define DYNBUF_INIT(m)	{ NULL, 0, 0, (m) }

void dynbuf_init(struct dynbuf *b, size_t max);

/* Append len bytes of data, or len zero bytes when data is NULL.
 * PLUMB_OK, PLUMB_ELIMIT or PLUMB_ENOMEM. */
int dynbuf_add(struct dynbuf *b, const void *data, size_t len);

/* Append one formatted piece of at most DYNBUF_PRINTF_MAX bytes (a
 * longer one is PLUMB_ELIMIT and adds nothing). */
int dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Hand the bytes to the caller (free() them) and empty the buffer;
 * *len gets their count.  NULL when the buffer was empty. */
unsigned char *dynbuf_take(struct dynbuf *b, size_t *len);

/* Release the storage; accepts a zeroed or NULL buffer. */
void dynbuf_free(struct dynbuf *b);

#endif /* PLUMB_DYNBUF_H */
