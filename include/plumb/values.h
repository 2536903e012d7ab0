/*
 * values.h - a list of typed values: what an OVAL variable evaluates to,
 * and what an object entity asks for after var_ref resolution.
 *
 * Values are kept as the strings the content or the system gave; the
 * comparison code converts them per datatype when it needs to.
 */
#ifndef PLUMB_VALUES_H
#define PLUMB_VALUES_H

#include <stddef.h>
#include "plumb/oval_types.h"

struct oval_values {
	enum oval_datatype dt;
	char **v;		/* owned strings, never NULL entries */
	size_t n;
	size_t cap;
};

/* Initialise an empty list of datatype dt (no allocation). */
void oval_values_init(struct oval_values *vals, enum oval_datatype dt);

/* Append a copy of s; returns 0 or PLUMB_ENOMEM. */
int oval_values_add(struct oval_values *vals, const char *s);

/* Append a copy of the first len bytes of s; returns 0 or PLUMB_ENOMEM. */
int oval_values_addn(struct oval_values *vals, const char *s, size_t len);

/* Append s, taking ownership (freed on failure); returns 0 or PLUMB_ENOMEM. */
int oval_values_take(struct oval_values *vals, char *s);

/* Deep copy src into dst (dst initialised here); 0 or PLUMB_ENOMEM. */
int oval_values_copy(struct oval_values *dst, const struct oval_values *src);

/* Free the strings and the array; vals is left empty and reusable. */
void oval_values_clear(struct oval_values *vals);

#endif /* PLUMB_VALUES_H */
