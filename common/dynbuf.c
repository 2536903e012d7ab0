/*
 * dynbuf.c - the capped growing byte buffer (dynbuf.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "common/dynbuf.h"

void
dynbuf_init(struct dynbuf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

int
dynbuf_add(struct dynbuf *b, const void *data, size_t len)
{
	unsigned char *np;
	size_t ncap;

	/* Nothing to add: b->p may still be NULL (no offset on it). */
	if (len == 0)
		return PLUMB_OK;
	if (b->len > b->max || len > b->max - b->len)
		return PLUMB_ELIMIT;
	if (b->len + len > b->cap) {
		ncap = b->cap == 0 ? DYNBUF_FIRST : b->cap;
		while (ncap < b->len + len) {
			/* max bounds len, but not the doubling. */
			if (ncap > ((size_t)-1) / 2)
				return PLUMB_ENOMEM;
			ncap *= 2;
		}
		if ((np = realloc(b->p, ncap)) == NULL)
			return PLUMB_ENOMEM;
		b->p = np;
		b->cap = ncap;
	}
	if (data != NULL)
		memcpy(b->p + b->len, data, len);
	else
		memset(b->p + b->len, 0, len);
	b->len += len;
	return PLUMB_OK;
}

int
dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
{
	char tmp[DYNBUF_PRINTF_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return PLUMB_ELIMIT;
	return dynbuf_add(b, tmp, (size_t)n);
}

unsigned char *
dynbuf_take(struct dynbuf *b, size_t *len)
{
	unsigned char *p = b->p;

	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void
dynbuf_free(struct dynbuf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
