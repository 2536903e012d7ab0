/*
 * pjson.h - the small JSON reader and writer the agent needs without
 * jansson (which only the collector links): results bundle manifests,
 * which arrive from the network and are hostile until verified, and
 * the collector's enrollment answers.
 *
 * The reader walks a bounded byte range in place, token by token; the
 * caller drives it (pjson_lit for punctuation, pjson_string,
 * pjson_uint, pjson_skip for values it does not want).  It accepts
 * objects, arrays, strings, non-negative integers, true, false and
 * null; strings decode the JSON escapes, \u only for ASCII 1..0x7f.
 * Nesting is limited to PJSON_DEPTH_MAX.  Every function returns -1 on
 * malformed input, on a string too long for its buffer or past the
 * end, leaving the position where it stopped (for error messages).
 */
#ifndef PLUMB_PJSON_H
#define PLUMB_PJSON_H

#include <stddef.h>
#include <stdint.h>

#include "common/dynbuf.h"

#define PJSON_DEPTH_MAX	16

struct pjson_rd {
	const char *p;		/* next byte */
	const char *end;	/* one past the last byte */
	int depth;
	size_t skip_max;	/* a string pjson_skip() passes over must
				 * fit a buffer of this size */
};

/* Read len bytes at data; skip_max as in struct pjson_rd. */
void pjson_rd_init(struct pjson_rd *j, const void *data, size_t len,
    size_t skip_max);

/* Skip white space. */
void pjson_ws(struct pjson_rd *j);

/* Past white space, consume c: 1 when it was there, else 0. */
int pjson_lit(struct pjson_rd *j, char c);

/* A string into buf (len bytes, NUL-terminated). */
int pjson_string(struct pjson_rd *j, char *buf, size_t len);

/* A non-negative integer that fits uint64_t. */
int pjson_uint(struct pjson_rd *j, uint64_t *v);

/* Skip one value of any kind. */
int pjson_skip(struct pjson_rd *j);

/*
 * The string value of key in the JSON object at data (len bytes) into
 * buf (size bytes): 0, or -1 when the document is not one well-formed
 * object, when key is absent or not a string, or when it does not fit.
 * Other members' strings may be as long as the document.
 */
int pjson_object_string(const void *data, size_t len, const char *key,
    char *buf, size_t size);

/* Append s as a JSON string, quotes included: '"' and '\' escaped,
 * control bytes as \u00XX, every other byte as it is. */
int pjson_put_string(struct dynbuf *b, const char *s);

#endif /* PLUMB_PJSON_H */
