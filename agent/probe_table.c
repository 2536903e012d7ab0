/* probe_table.c - the one table of probes this build carries. */
#include <string.h>

#include "plumb/probe.h"

extern const struct probe_ops probe_variable_ops;
extern const struct probe_ops probe_family_ops;
extern const struct probe_ops probe_environmentvariable58_ops;

const struct probe_ops *const probe_table[] = {
	&probe_variable_ops,
	&probe_family_ops,
	&probe_environmentvariable58_ops,
	NULL
};

const struct probe_ops *
probe_lookup(const char *type)
{
	size_t i;

	for (i = 0; probe_table[i] != NULL; i++)
		if (strcmp(probe_table[i]->type, type) == 0)
			return probe_table[i];
	return NULL;
}
