/* values.c - growable lists of value strings. */
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "common/grow.h"
#include "plumb/values.h"

void
oval_values_init(struct oval_values *vals, enum oval_datatype dt)
{
	vals->dt = dt;
	vals->v = NULL;
	vals->n = vals->cap = 0;
}

int
oval_values_take(struct oval_values *vals, char *s)
{
	if (s == NULL)
		return PLUMB_ENOMEM;
	if (grow_array(&vals->v, vals->n, &vals->cap, sizeof(*vals->v),
	    4) != 0) {
		free(s);
		return PLUMB_ENOMEM;
	}
	vals->v[vals->n++] = s;
	return PLUMB_OK;
}

int
oval_values_add(struct oval_values *vals, const char *s)
{
	return oval_values_take(vals, strdup(s));
}

int
oval_values_addn(struct oval_values *vals, const char *s, size_t len)
{
	return oval_values_take(vals, strndup(s, len));
}

int
oval_values_copy(struct oval_values *dst, const struct oval_values *src)
{
	size_t i;
	int rc;

	oval_values_init(dst, src->dt);
	for (i = 0; i < src->n; i++) {
		if ((rc = oval_values_add(dst, src->v[i])) != 0) {
			oval_values_clear(dst);
			return rc;
		}
	}
	return PLUMB_OK;
}

void
oval_values_clear(struct oval_values *vals)
{
	size_t i;

	if (vals == NULL)
		return;
	for (i = 0; i < vals->n; i++)
		free(vals->v[i]);
	free(vals->v);
	vals->v = NULL;
	vals->n = vals->cap = 0;
}
