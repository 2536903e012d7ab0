/* oval_types.c - schema spellings of the OVAL enumerations. */
#include <stddef.h>
#include <string.h>

#include "plumb/oval_types.h"

static const char *const result_names[] = {
	"true", "false", "unknown", "error", "not evaluated", "not applicable"
};
static const char *const datatype_names[] = {
	"string", "int", "float", "boolean", "binary", "evr_string",
	"debian_evr_string", "fileset_revision", "ios_version", "version",
	"ipv4_address", "ipv6_address", "record"
};
static const char *const operation_names[] = {
	"equals", "not equal", "case insensitive equals",
	"case insensitive not equal", "greater than", "less than",
	"greater than or equal", "less than or equal", "bitwise and",
	"bitwise or", "pattern match", "subset of", "superset of"
};
static const char *const operator_names[] = { "AND", "ONE", "OR", "XOR" };
static const char *const check_names[] = {
	"all", "at least one", "none exist", "none satisfy", "only one"
};
static const char *const existence_names[] = {
	"at_least_one_exists", "all_exist", "any_exist", "none_exist",
	"only_one_exists"
};
static const char *const flag_names[] = {
	"error", "complete", "incomplete", "does not exist", "not collected",
	"not applicable"
};
static const char *const status_names[] = {
	"exists", "does not exist", "error", "not collected"
};
static const char *const set_op_names[] = {
	"UNION", "INTERSECTION", "COMPLEMENT"
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Index of s in names, the default index 0 for NULL, or -1. */
static int
lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static const char *
name_of(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : "(invalid)";
}

#define ENUM_FUNCS(kind, type, names)					\
const char *								\
oval_##kind##_name(type v)						\
{									\
	return name_of(names, NELEM(names), (unsigned)v);		\
}									\
int									\
oval_##kind##_parse(const char *s, type *out)				\
{									\
	int i = lookup(names, NELEM(names), s);				\
	if (i < 0)							\
		return -1;						\
	*out = (type)i;							\
	return 0;							\
}

ENUM_FUNCS(result, enum oval_result, result_names)
ENUM_FUNCS(datatype, enum oval_datatype, datatype_names)
ENUM_FUNCS(operation, enum oval_operation, operation_names)
ENUM_FUNCS(operator, enum oval_operator, operator_names)
ENUM_FUNCS(check, enum oval_check, check_names)
ENUM_FUNCS(existence, enum oval_existence, existence_names)
ENUM_FUNCS(flag, enum oval_flag, flag_names)
ENUM_FUNCS(status, enum oval_status, status_names)

int
oval_set_op_parse(const char *s, enum oval_set_op *out)
{
	int i = lookup(set_op_names, NELEM(set_op_names), s);

	if (i < 0)
		return -1;
	*out = (enum oval_set_op)i;
	return 0;
}
