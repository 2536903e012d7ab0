/*
 * oval_cmp.h - comparison of two values under an OVAL datatype and
 * operation (OVAL 5.11 oval-definitions-schema, EntityAttributeGroup and
 * the datatype documentation of oval-common-schema).
 */
#ifndef PLUMB_OVAL_CMP_H
#define PLUMB_OVAL_CMP_H

#include "plumb/error.h"
#include "plumb/oval_types.h"

/*
 * Compare the system value `actual` (item entity) with the content value
 * `expected` (state or object entity) as datatype dt with operation op.
 * Returns OVAL_R_TRUE or OVAL_R_FALSE; OVAL_R_ERROR when a value is not
 * valid for dt, op is not allowed for dt, or a pattern does not compile
 * or exceeds the match limits; err (may be NULL) then says why.
 * For OVAL_OP_PATTERN_MATCH, expected is the PCRE2 pattern.
 */
enum oval_result oval_cmp(enum oval_datatype dt, enum oval_operation op,
    const char *actual, const char *expected, struct plumb_err *err);

/*
 * Is op allowed for dt by the specification?  1 yes, 0 no.
 */
int oval_cmp_allowed(enum oval_datatype dt, enum oval_operation op);

/*
 * Compare two values by datatype order for sorting/deduplication
 * (unique(), set operations): <0, 0, >0.  Falls back to byte order for
 * values that do not convert.
 */
int oval_cmp_order(enum oval_datatype dt, const char *a, const char *b);

/* Release the compiled-pattern cache (at exit, for leak checkers). */
void oval_cmp_cleanup(void);

#endif /* PLUMB_OVAL_CMP_H */
