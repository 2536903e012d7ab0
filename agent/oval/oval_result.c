/*
 * oval_result.c - the OVAL 5.11 result charts: OperatorEnumeration,
 * CheckEnumeration and ExistenceEnumeration (oval-common-schema.xsd,
 * evaluation_chart annotations).
 *
 * Not applicable results: in every operator and check chart the NA
 * column is "0+" in each row that yields true, false, error, unknown or
 * not evaluated, and the last row gives not applicable when every
 * result is NA.  So NA results are ignored, and a non-empty set made
 * only of NA results is not applicable.
 *
 * Empty sets (all counts zero): only the XOR chart covers them (T=0 is
 * even, everything else 0 -> false).  For the other charts we follow
 * the enumeration's prose, read vacuously, which agrees with XOR:
 *   AND / all          "true if every argument is true"      -> true
 *   OR / at least one  "true if one or more ... is true"     -> false
 *   ONE / only one     "no true arguments ... is false"      -> false
 *   XOR                chart: even number of trues           -> false
 *   none satisfy       "true if none ... are true"           -> true
 * Callers that need another answer for "nothing to combine" (a test
 * with no items, a variable with no values) must decide before calling.
 */
#include <stddef.h>

#include "plumb/oval_types.h"
#include "oval_result.h"

#define RC(c, r)	((c)->n[(r)])

void
oval_rcount_add(struct oval_rcount *c, enum oval_result r)
{
	if (c == NULL)
		return;
	/* An out-of-range value is a bug upstream: count it as an error. */
	if ((unsigned)r >= OVAL_R__COUNT)
		r = OVAL_R_ERROR;
	c->n[r]++;
}

/* Nothing but NA results (and at least one of them)? */
static int
result_only_na(const struct oval_rcount *c)
{
	return RC(c, OVAL_R_TRUE) == 0 && RC(c, OVAL_R_FALSE) == 0 &&
	    RC(c, OVAL_R_ERROR) == 0 && RC(c, OVAL_R_UNKNOWN) == 0 &&
	    RC(c, OVAL_R_NOT_EVALUATED) == 0 &&
	    RC(c, OVAL_R_NOT_APPLICABLE) > 0;
}

/*
 * The error / unknown / not evaluated rows shared by all charts, in
 * their precedence order: the first non-zero of E, U, NE decides.
 * Returns OVAL_R__COUNT when all three are zero.
 */
static enum oval_result
result_incomplete(const struct oval_rcount *c)
{
	if (RC(c, OVAL_R_ERROR) > 0)
		return OVAL_R_ERROR;
	if (RC(c, OVAL_R_UNKNOWN) > 0)
		return OVAL_R_UNKNOWN;
	if (RC(c, OVAL_R_NOT_EVALUATED) > 0)
		return OVAL_R_NOT_EVALUATED;
	return OVAL_R__COUNT;
}

/* AND / all: any F -> false; else E, U, NE in order; else true. */
static enum oval_result
result_and(const struct oval_rcount *c)
{
	enum oval_result r;

	if (RC(c, OVAL_R_FALSE) > 0)
		return OVAL_R_FALSE;
	if ((r = result_incomplete(c)) != OVAL_R__COUNT)
		return r;
	return OVAL_R_TRUE;
}

/* OR / at least one: any T -> true; else E, U, NE in order; else false. */
static enum oval_result
result_or(const struct oval_rcount *c)
{
	enum oval_result r;

	if (RC(c, OVAL_R_TRUE) > 0)
		return OVAL_R_TRUE;
	if ((r = result_incomplete(c)) != OVAL_R__COUNT)
		return r;
	return OVAL_R_FALSE;
}

/*
 * ONE / only one: 2+ T -> false whatever else; with 0 or 1 T, E, U, NE
 * in order; else exactly one T -> true, none -> false.
 */
static enum oval_result
result_one(const struct oval_rcount *c)
{
	enum oval_result r;

	if (RC(c, OVAL_R_TRUE) >= 2)
		return OVAL_R_FALSE;
	if ((r = result_incomplete(c)) != OVAL_R__COUNT)
		return r;
	return RC(c, OVAL_R_TRUE) == 1 ? OVAL_R_TRUE : OVAL_R_FALSE;
}

/* XOR: E, U, NE in order whatever T is; else odd T -> true, even false. */
static enum oval_result
result_xor(const struct oval_rcount *c)
{
	enum oval_result r;

	if ((r = result_incomplete(c)) != OVAL_R__COUNT)
		return r;
	return (RC(c, OVAL_R_TRUE) % 2) == 1 ? OVAL_R_TRUE : OVAL_R_FALSE;
}

/* none satisfy: any T -> false; else E, U, NE in order; else true. */
static enum oval_result
result_none(const struct oval_rcount *c)
{
	enum oval_result r;

	if (RC(c, OVAL_R_TRUE) > 0)
		return OVAL_R_FALSE;
	if ((r = result_incomplete(c)) != OVAL_R__COUNT)
		return r;
	return OVAL_R_TRUE;
}

enum oval_result
oval_result_operator(enum oval_operator op, const struct oval_rcount *c)
{
	if (c == NULL)
		return OVAL_R_ERROR;
	if (result_only_na(c))
		return OVAL_R_NOT_APPLICABLE;
	switch (op) {
	case OVAL_OPR_AND:
		return result_and(c);
	case OVAL_OPR_ONE:
		return result_one(c);
	case OVAL_OPR_OR:
		return result_or(c);
	case OVAL_OPR_XOR:
		return result_xor(c);
	case OVAL_OPR__COUNT:
		break;
	}
	return OVAL_R_ERROR;
}

enum oval_result
oval_result_check(enum oval_check chk, const struct oval_rcount *c)
{
	if (c == NULL)
		return OVAL_R_ERROR;
	if (result_only_na(c))
		return OVAL_R_NOT_APPLICABLE;
	switch (chk) {
	case OVAL_CHECK_ALL:
		return result_and(c);
	case OVAL_CHECK_AT_LEAST_ONE:
		return result_or(c);
	case OVAL_CHECK_NONE_EXIST:
	case OVAL_CHECK_NONE_SATISFY:
		return result_none(c);
	case OVAL_CHECK_ONLY_ONE:
		return result_one(c);
	case OVAL_CHECK__COUNT:
		break;
	}
	return OVAL_R_ERROR;
}

/*
 * ExistenceEnumeration charts, columns EX, DE, ER, NC.  No chart yields
 * not evaluated or not applicable.  The one combination no chart lists
 * is at_least_one_exists with all counts zero: no object exists, so it
 * is false (same answer as the "0 | 1+ | 0 | 0" row).
 */
enum oval_result
oval_result_existence(enum oval_existence ex, const struct oval_scount *c)
{
	unsigned nex, nde, ner, nnc;

	if (c == NULL)
		return OVAL_R_ERROR;
	nex = c->n[OVAL_ST_EXISTS];
	nde = c->n[OVAL_ST_DOES_NOT_EXIST];
	ner = c->n[OVAL_ST_ERROR];
	nnc = c->n[OVAL_ST_NOT_COLLECTED];

	switch (ex) {
	case OVAL_EXIST_ALL:
		/* 1+ 0 0 0 true; 0 0 0 0 false; 0+ 1+ 0+ 0+ false;
		 * 0+ 0 1+ 0+ error; 0+ 0 0 1+ unknown. */
		if (nde > 0)
			return OVAL_R_FALSE;
		if (ner > 0)
			return OVAL_R_ERROR;
		if (nnc > 0)
			return OVAL_R_UNKNOWN;
		return nex > 0 ? OVAL_R_TRUE : OVAL_R_FALSE;
	case OVAL_EXIST_ANY:
		/* 0+ 0+ 0 0+ true; 1+ 0+ 1+ 0+ true; 0 0+ 1+ 0+ error. */
		if (ner > 0 && nex == 0)
			return OVAL_R_ERROR;
		return OVAL_R_TRUE;
	case OVAL_EXIST_AT_LEAST_ONE:
		/* 1+ 0+ 0+ 0+ true; 0 1+ 0 0 false; 0 0+ 1+ 0+ error;
		 * 0 0+ 0 1+ unknown. */
		if (nex > 0)
			return OVAL_R_TRUE;
		if (ner > 0)
			return OVAL_R_ERROR;
		if (nnc > 0)
			return OVAL_R_UNKNOWN;
		return OVAL_R_FALSE;
	case OVAL_EXIST_NONE:
		/* 0 0+ 0 0 true; 1+ 0+ 0+ 0+ false; 0 0+ 1+ 0+ error;
		 * 0 0+ 0 1+ unknown. */
		if (nex > 0)
			return OVAL_R_FALSE;
		if (ner > 0)
			return OVAL_R_ERROR;
		if (nnc > 0)
			return OVAL_R_UNKNOWN;
		return OVAL_R_TRUE;
	case OVAL_EXIST_ONLY_ONE:
		/* 1 0+ 0 0 true; 2+ 0+ 0+ 0+ false; 0 0+ 0 0 false;
		 * 0,1 0+ 1+ 0+ error; 0,1 0+ 0 1+ unknown. */
		if (nex >= 2)
			return OVAL_R_FALSE;
		if (ner > 0)
			return OVAL_R_ERROR;
		if (nnc > 0)
			return OVAL_R_UNKNOWN;
		return nex == 1 ? OVAL_R_TRUE : OVAL_R_FALSE;
	case OVAL_EXIST__COUNT:
		break;
	}
	return OVAL_R_ERROR;
}

enum oval_result
oval_result_negate(enum oval_result r)
{
	if (r == OVAL_R_TRUE)
		return OVAL_R_FALSE;
	if (r == OVAL_R_FALSE)
		return OVAL_R_TRUE;
	return r;
}
