/*
 * oval_result.h - the OVAL result tables: how individual results
 * combine under an operator (criteria, state_operator), a check (test
 * check, var_check, entity_check) and an existence check.
 */
#ifndef PLUMB_OVAL_RESULT_H
#define PLUMB_OVAL_RESULT_H

#include "plumb/oval_types.h"

/* Counts of individual results, indexed by enum oval_result. */
struct oval_rcount {
	unsigned n[OVAL_R__COUNT];
};

/* Add one result to the counts. */
void oval_rcount_add(struct oval_rcount *c, enum oval_result r);

/* Combine under an operator (oval:OperatorEnumeration charts). */
enum oval_result oval_result_operator(enum oval_operator op,
    const struct oval_rcount *c);

/* Combine under a check (oval:CheckEnumeration charts). */
enum oval_result oval_result_check(enum oval_check chk,
    const struct oval_rcount *c);

/* Counts of item statuses, indexed by enum oval_status. */
struct oval_scount {
	unsigned n[OVAL_ST__COUNT];
};

/* Result of check_existence given the item status counts
 * (oval:ExistenceEnumeration charts). */
enum oval_result oval_result_existence(enum oval_existence ex,
    const struct oval_scount *c);

/* negate="true": true <-> false, every other result unchanged. */
enum oval_result oval_result_negate(enum oval_result r);

#endif /* PLUMB_OVAL_RESULT_H */
