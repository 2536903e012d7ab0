/*
 * check_result.c - the OVAL result charts (oval-common-schema.xsd,
 * OperatorEnumeration, CheckEnumeration and ExistenceEnumeration
 * evaluation_chart annotations), every row of every chart, plus the
 * empty set, NA handling and negate.
 *
 * Every expected value below was read off the charts by hand.  Each row
 * is tried with its minimal counts and with larger counts filling the
 * "0+" columns.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "plumb/oval_types.h"
#include "oval_result.h"

#define T	OVAL_R_TRUE
#define F	OVAL_R_FALSE
#define E	OVAL_R_ERROR
#define U	OVAL_R_UNKNOWN
#define NE	OVAL_R_NOT_EVALUATED
#define NA	OVAL_R_NOT_APPLICABLE

/* One chart row instance: counts T, F, E, U, NE, NA and the answer. */
struct rrow {
	const char	*what;
	unsigned	 n[6];
	enum oval_result want;
};

/* Counts in chart column order into a struct oval_rcount. */
static struct oval_rcount
rcount(const unsigned n[6])
{
	struct oval_rcount c = { { 0 } };

	c.n[OVAL_R_TRUE] = n[0];
	c.n[OVAL_R_FALSE] = n[1];
	c.n[OVAL_R_ERROR] = n[2];
	c.n[OVAL_R_UNKNOWN] = n[3];
	c.n[OVAL_R_NOT_EVALUATED] = n[4];
	c.n[OVAL_R_NOT_APPLICABLE] = n[5];
	return c;
}

/* AND operator chart; the same chart as check="all". */
static const struct rrow and_rows[] = {
	{ "T: 1+ 0 0 0 0 0+",	{ 1, 0, 0, 0, 0, 0 }, T },
	{ "T: 1+ 0 0 0 0 0+",	{ 3, 0, 0, 0, 0, 2 }, T },
	{ "F: 0+ 1+ 0+ ...",	{ 0, 1, 0, 0, 0, 0 }, F },
	{ "F: 0+ 1+ 0+ ...",	{ 2, 3, 1, 1, 1, 1 }, F },
	{ "E: 0+ 0 1+ 0+ ...",	{ 0, 0, 1, 0, 0, 0 }, E },
	{ "E: 0+ 0 1+ 0+ ...",	{ 2, 0, 1, 3, 1, 1 }, E },
	{ "U: 0+ 0 0 1+ 0+ 0+",	{ 0, 0, 0, 1, 0, 0 }, U },
	{ "U: 0+ 0 0 1+ 0+ 0+",	{ 1, 0, 0, 2, 1, 1 }, U },
	{ "NE: 0+ 0 0 0 1+ 0+",	{ 0, 0, 0, 0, 1, 0 }, NE },
	{ "NE: 0+ 0 0 0 1+ 0+",	{ 1, 0, 0, 0, 2, 3 }, NE },
	{ "NA: 0 0 0 0 0 1+",	{ 0, 0, 0, 0, 0, 1 }, NA },
	{ "NA: 0 0 0 0 0 1+",	{ 0, 0, 0, 0, 0, 4 }, NA },
	{ "empty: vacuous",	{ 0, 0, 0, 0, 0, 0 }, T },
};

/* ONE operator chart; the same chart as check="only one". */
static const struct rrow one_rows[] = {
	{ "T: 1 0+ 0 0 0 0+",	{ 1, 0, 0, 0, 0, 0 }, T },
	{ "T: 1 0+ 0 0 0 0+",	{ 1, 3, 0, 0, 0, 2 }, T },
	{ "F: 2+ 0+ ...",	{ 2, 0, 0, 0, 0, 0 }, F },
	{ "F: 2+ 0+ ...",	{ 3, 1, 1, 1, 1, 1 }, F },
	{ "F: 0 1+ 0 0 0 0+",	{ 0, 1, 0, 0, 0, 0 }, F },
	{ "F: 0 1+ 0 0 0 0+",	{ 0, 2, 0, 0, 0, 1 }, F },
	{ "E: 0,1 0+ 1+ 0+ ...",	{ 0, 0, 1, 0, 0, 0 }, E },
	{ "E: 0,1 0+ 1+ 0+ ...",	{ 1, 2, 1, 1, 1, 1 }, E },
	{ "U: 0,1 0+ 0 1+ 0+ 0+",	{ 0, 0, 0, 1, 0, 0 }, U },
	{ "U: 0,1 0+ 0 1+ 0+ 0+",	{ 1, 1, 0, 2, 1, 1 }, U },
	{ "NE: 0,1 0+ 0 0 1+ 0+",	{ 0, 0, 0, 0, 1, 0 }, NE },
	{ "NE: 0,1 0+ 0 0 1+ 0+",	{ 1, 1, 0, 0, 1, 1 }, NE },
	{ "NA: 0 0 0 0 0 1+",	{ 0, 0, 0, 0, 0, 2 }, NA },
	{ "empty: no true",	{ 0, 0, 0, 0, 0, 0 }, F },
};

/* OR operator chart; the same chart as check="at least one". */
static const struct rrow or_rows[] = {
	{ "T: 1+ 0+ ...",	{ 1, 0, 0, 0, 0, 0 }, T },
	{ "T: 1+ 0+ ...",	{ 1, 1, 1, 1, 1, 1 }, T },
	{ "F: 0 1+ 0 0 0 0+",	{ 0, 1, 0, 0, 0, 0 }, F },
	{ "F: 0 1+ 0 0 0 0+",	{ 0, 3, 0, 0, 0, 1 }, F },
	{ "E: 0 0+ 1+ 0+ ...",	{ 0, 0, 1, 0, 0, 0 }, E },
	{ "E: 0 0+ 1+ 0+ ...",	{ 0, 1, 1, 1, 1, 1 }, E },
	{ "U: 0 0+ 0 1+ 0+ 0+",	{ 0, 0, 0, 1, 0, 0 }, U },
	{ "U: 0 0+ 0 1+ 0+ 0+",	{ 0, 1, 0, 1, 1, 1 }, U },
	{ "NE: 0 0+ 0 0 1+ 0+",	{ 0, 0, 0, 0, 1, 0 }, NE },
	{ "NE: 0 0+ 0 0 1+ 0+",	{ 0, 1, 0, 0, 1, 1 }, NE },
	{ "NA: 0 0 0 0 0 1+",	{ 0, 0, 0, 0, 0, 1 }, NA },
	{ "empty: no true",	{ 0, 0, 0, 0, 0, 0 }, F },
};

/* XOR operator chart (no check uses it). */
static const struct rrow xor_rows[] = {
	{ "T: odd 0+ 0 0 0 0+",	{ 1, 0, 0, 0, 0, 0 }, T },
	{ "T: odd 0+ 0 0 0 0+",	{ 3, 2, 0, 0, 0, 1 }, T },
	{ "F: even 0+ 0 0 0 0+",	{ 2, 0, 0, 0, 0, 0 }, F },
	{ "F: even 0+ 0 0 0 0+",	{ 0, 1, 0, 0, 0, 0 }, F },
	{ "F: even 0+ 0 0 0 0+",	{ 4, 1, 0, 0, 0, 1 }, F },
	{ "E: 0+ 0+ 1+ 0+ ...",	{ 0, 0, 1, 0, 0, 0 }, E },
	{ "E: 0+ 0+ 1+ 0+ ...",	{ 1, 1, 1, 1, 1, 1 }, E },
	{ "U: 0+ 0+ 0 1+ 0+ 0+",	{ 0, 0, 0, 1, 0, 0 }, U },
	{ "U: 0+ 0+ 0 1+ 0+ 0+",	{ 2, 1, 0, 1, 1, 1 }, U },
	{ "NE: 0+ 0+ 0 0 1+ 0+",	{ 0, 0, 0, 0, 1, 0 }, NE },
	{ "NE: 0+ 0+ 0 0 1+ 0+",	{ 3, 1, 0, 0, 1, 1 }, NE },
	{ "NA: 0 0 0 0 0 1+",	{ 0, 0, 0, 0, 0, 1 }, NA },
	{ "empty: even row",	{ 0, 0, 0, 0, 0, 0 }, F },
};

/* check="none satisfy" (and the deprecated "none exist") chart. */
static const struct rrow none_rows[] = {
	{ "T: 0 1+ 0 0 0 0+",	{ 0, 1, 0, 0, 0, 0 }, T },
	{ "T: 0 1+ 0 0 0 0+",	{ 0, 2, 0, 0, 0, 1 }, T },
	{ "F: 1+ 0+ ...",	{ 1, 0, 0, 0, 0, 0 }, F },
	{ "F: 1+ 0+ ...",	{ 2, 1, 1, 1, 1, 1 }, F },
	{ "E: 0 0+ 1+ 0+ ...",	{ 0, 0, 1, 0, 0, 0 }, E },
	{ "E: 0 0+ 1+ 0+ ...",	{ 0, 1, 1, 1, 1, 1 }, E },
	{ "U: 0 0+ 0 1+ 0+ 0+",	{ 0, 0, 0, 1, 0, 0 }, U },
	{ "U: 0 0+ 0 1+ 0+ 0+",	{ 0, 1, 0, 1, 1, 1 }, U },
	{ "NE: 0 0+ 0 0 1+ 0+",	{ 0, 0, 0, 0, 1, 0 }, NE },
	{ "NE: 0 0+ 0 0 1+ 0+",	{ 0, 1, 0, 0, 1, 1 }, NE },
	{ "NA: 0 0 0 0 0 1+",	{ 0, 0, 0, 0, 0, 1 }, NA },
	{ "empty: none true",	{ 0, 0, 0, 0, 0, 0 }, T },
};

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))

static void
run_operator(enum oval_operator op, const struct rrow *rows, size_t n)
{
	struct oval_rcount c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = rcount(rows[i].n);
		ck_assert_msg(oval_result_operator(op, &c) == rows[i].want,
		    "operator %s row %zu (%s): got %s, want %s",
		    oval_operator_name(op), i, rows[i].what,
		    oval_result_name(oval_result_operator(op, &c)),
		    oval_result_name(rows[i].want));
	}
}

static void
run_check(enum oval_check chk, const struct rrow *rows, size_t n)
{
	struct oval_rcount c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = rcount(rows[i].n);
		ck_assert_msg(oval_result_check(chk, &c) == rows[i].want,
		    "check %s row %zu (%s): got %s, want %s",
		    oval_check_name(chk), i, rows[i].what,
		    oval_result_name(oval_result_check(chk, &c)),
		    oval_result_name(rows[i].want));
	}
}

START_TEST(test_operator_and)
{
	run_operator(OVAL_OPR_AND, and_rows, NROWS(and_rows));
}
END_TEST

START_TEST(test_operator_one)
{
	run_operator(OVAL_OPR_ONE, one_rows, NROWS(one_rows));
}
END_TEST

START_TEST(test_operator_or)
{
	run_operator(OVAL_OPR_OR, or_rows, NROWS(or_rows));
}
END_TEST

START_TEST(test_operator_xor)
{
	run_operator(OVAL_OPR_XOR, xor_rows, NROWS(xor_rows));
}
END_TEST

START_TEST(test_check_all)
{
	run_check(OVAL_CHECK_ALL, and_rows, NROWS(and_rows));
}
END_TEST

START_TEST(test_check_at_least_one)
{
	run_check(OVAL_CHECK_AT_LEAST_ONE, or_rows, NROWS(or_rows));
}
END_TEST

START_TEST(test_check_only_one)
{
	run_check(OVAL_CHECK_ONLY_ONE, one_rows, NROWS(one_rows));
}
END_TEST

START_TEST(test_check_none)
{
	run_check(OVAL_CHECK_NONE_SATISFY, none_rows, NROWS(none_rows));
	run_check(OVAL_CHECK_NONE_EXIST, none_rows, NROWS(none_rows));
}
END_TEST

/* One existence chart row instance: counts EX, DE, ER, NC. */
struct erow {
	const char	*what;
	unsigned	 n[4];
	enum oval_result want;
};

static const struct erow all_exist_rows[] = {
	{ "T: 1+ 0 0 0",	{ 1, 0, 0, 0 }, T },
	{ "T: 1+ 0 0 0",	{ 3, 0, 0, 0 }, T },
	{ "F: 0 0 0 0",		{ 0, 0, 0, 0 }, F },
	{ "F: 0+ 1+ 0+ 0+",	{ 0, 1, 0, 0 }, F },
	{ "F: 0+ 1+ 0+ 0+",	{ 2, 1, 1, 1 }, F },
	{ "E: 0+ 0 1+ 0+",	{ 0, 0, 1, 0 }, E },
	{ "E: 0+ 0 1+ 0+",	{ 2, 0, 1, 1 }, E },
	{ "U: 0+ 0 0 1+",	{ 0, 0, 0, 1 }, U },
	{ "U: 0+ 0 0 1+",	{ 1, 0, 0, 2 }, U },
};

static const struct erow any_exist_rows[] = {
	{ "T: 0+ 0+ 0 0+",	{ 0, 0, 0, 0 }, T },
	{ "T: 0+ 0+ 0 0+",	{ 2, 3, 0, 1 }, T },
	{ "T: 0+ 0+ 0 0+",	{ 0, 1, 0, 0 }, T },
	{ "T: 1+ 0+ 1+ 0+",	{ 1, 0, 1, 0 }, T },
	{ "T: 1+ 0+ 1+ 0+",	{ 1, 2, 3, 1 }, T },
	{ "E: 0 0+ 1+ 0+",	{ 0, 0, 1, 0 }, E },
	{ "E: 0 0+ 1+ 0+",	{ 0, 2, 1, 3 }, E },
};

static const struct erow at_least_one_rows[] = {
	{ "T: 1+ 0+ 0+ 0+",	{ 1, 0, 0, 0 }, T },
	{ "T: 1+ 0+ 0+ 0+",	{ 1, 2, 3, 4 }, T },
	{ "F: 0 1+ 0 0",	{ 0, 1, 0, 0 }, F },
	{ "F: 0 1+ 0 0",	{ 0, 3, 0, 0 }, F },
	{ "E: 0 0+ 1+ 0+",	{ 0, 0, 1, 0 }, E },
	{ "E: 0 0+ 1+ 0+",	{ 0, 1, 2, 1 }, E },
	{ "U: 0 0+ 0 1+",	{ 0, 0, 0, 1 }, U },
	{ "U: 0 0+ 0 1+",	{ 0, 2, 0, 1 }, U },
	{ "empty: nothing exists", { 0, 0, 0, 0 }, F },
};

static const struct erow none_exist_rows[] = {
	{ "T: 0 0+ 0 0",	{ 0, 0, 0, 0 }, T },
	{ "T: 0 0+ 0 0",	{ 0, 3, 0, 0 }, T },
	{ "F: 1+ 0+ 0+ 0+",	{ 1, 0, 0, 0 }, F },
	{ "F: 1+ 0+ 0+ 0+",	{ 2, 1, 1, 1 }, F },
	{ "E: 0 0+ 1+ 0+",	{ 0, 0, 1, 0 }, E },
	{ "E: 0 0+ 1+ 0+",	{ 0, 1, 1, 1 }, E },
	{ "U: 0 0+ 0 1+",	{ 0, 0, 0, 1 }, U },
	{ "U: 0 0+ 0 1+",	{ 0, 2, 0, 1 }, U },
};

static const struct erow only_one_rows[] = {
	{ "T: 1 0+ 0 0",	{ 1, 0, 0, 0 }, T },
	{ "T: 1 0+ 0 0",	{ 1, 3, 0, 0 }, T },
	{ "F: 2+ 0+ 0+ 0+",	{ 2, 0, 0, 0 }, F },
	{ "F: 2+ 0+ 0+ 0+",	{ 3, 1, 1, 1 }, F },
	{ "F: 0 0+ 0 0",	{ 0, 0, 0, 0 }, F },
	{ "F: 0 0+ 0 0",	{ 0, 2, 0, 0 }, F },
	{ "E: 0,1 0+ 1+ 0+",	{ 0, 0, 1, 0 }, E },
	{ "E: 0,1 0+ 1+ 0+",	{ 1, 1, 1, 1 }, E },
	{ "U: 0,1 0+ 0 1+",	{ 0, 0, 0, 1 }, U },
	{ "U: 0,1 0+ 0 1+",	{ 1, 2, 0, 1 }, U },
};

static void
run_existence(enum oval_existence ex, const struct erow *rows, size_t n)
{
	struct oval_scount c;
	enum oval_result got;
	size_t i;

	for (i = 0; i < n; i++) {
		c.n[OVAL_ST_EXISTS] = rows[i].n[0];
		c.n[OVAL_ST_DOES_NOT_EXIST] = rows[i].n[1];
		c.n[OVAL_ST_ERROR] = rows[i].n[2];
		c.n[OVAL_ST_NOT_COLLECTED] = rows[i].n[3];
		got = oval_result_existence(ex, &c);
		ck_assert_msg(got == rows[i].want,
		    "existence %s row %zu (%s): got %s, want %s",
		    oval_existence_name(ex), i, rows[i].what,
		    oval_result_name(got), oval_result_name(rows[i].want));
	}
}

START_TEST(test_existence)
{
	run_existence(OVAL_EXIST_ALL, all_exist_rows,
	    NROWS(all_exist_rows));
	run_existence(OVAL_EXIST_ANY, any_exist_rows,
	    NROWS(any_exist_rows));
	run_existence(OVAL_EXIST_AT_LEAST_ONE, at_least_one_rows,
	    NROWS(at_least_one_rows));
	run_existence(OVAL_EXIST_NONE, none_exist_rows,
	    NROWS(none_exist_rows));
	run_existence(OVAL_EXIST_ONLY_ONE, only_one_rows,
	    NROWS(only_one_rows));
}
END_TEST

START_TEST(test_negate)
{
	ck_assert_int_eq(oval_result_negate(T), F);
	ck_assert_int_eq(oval_result_negate(F), T);
	ck_assert_int_eq(oval_result_negate(E), E);
	ck_assert_int_eq(oval_result_negate(U), U);
	ck_assert_int_eq(oval_result_negate(NE), NE);
	ck_assert_int_eq(oval_result_negate(NA), NA);
}
END_TEST

/* Counting through oval_rcount_add gives the same answers. */
START_TEST(test_rcount_add)
{
	struct oval_rcount c = { { 0 } };

	oval_rcount_add(&c, T);
	oval_rcount_add(&c, NA);
	ck_assert_uint_eq(c.n[OVAL_R_TRUE], 1);
	ck_assert_uint_eq(c.n[OVAL_R_NOT_APPLICABLE], 1);
	ck_assert_int_eq(oval_result_operator(OVAL_OPR_AND, &c), T);
	oval_rcount_add(&c, T);
	ck_assert_int_eq(oval_result_operator(OVAL_OPR_XOR, &c), F);
	ck_assert_int_eq(oval_result_check(OVAL_CHECK_ONLY_ONE, &c), F);
	oval_rcount_add(&c, U);
	ck_assert_int_eq(oval_result_operator(OVAL_OPR_AND, &c), U);
	ck_assert_int_eq(oval_result_operator(OVAL_OPR_OR, &c), T);
	/* An out-of-range result counts as an error. */
	oval_rcount_add(&c, (enum oval_result)42);
	ck_assert_uint_eq(c.n[OVAL_R_ERROR], 1);
	ck_assert_int_eq(oval_result_operator(OVAL_OPR_AND, &c), E);
	oval_rcount_add(NULL, T);	/* must not crash */
}
END_TEST

START_TEST(test_bad_arguments)
{
	struct oval_rcount c = { { 0 } };
	struct oval_scount s = { { 0 } };

	c.n[OVAL_R_TRUE] = 1;
	ck_assert_int_eq(oval_result_operator(OVAL_OPR__COUNT, &c), E);
	ck_assert_int_eq(oval_result_check(OVAL_CHECK__COUNT, &c), E);
	ck_assert_int_eq(oval_result_existence(OVAL_EXIST__COUNT, &s), E);
	ck_assert_int_eq(oval_result_operator(OVAL_OPR_AND, NULL), E);
	ck_assert_int_eq(oval_result_check(OVAL_CHECK_ALL, NULL), E);
	ck_assert_int_eq(oval_result_existence(OVAL_EXIST_ALL, NULL), E);
}
END_TEST

static Suite *
result_suite(void)
{
	Suite *s = suite_create("result");
	TCase *tc = tcase_create("charts");

	tcase_add_test(tc, test_operator_and);
	tcase_add_test(tc, test_operator_one);
	tcase_add_test(tc, test_operator_or);
	tcase_add_test(tc, test_operator_xor);
	tcase_add_test(tc, test_check_all);
	tcase_add_test(tc, test_check_at_least_one);
	tcase_add_test(tc, test_check_only_one);
	tcase_add_test(tc, test_check_none);
	tcase_add_test(tc, test_existence);
	tcase_add_test(tc, test_negate);
	tcase_add_test(tc, test_rcount_add);
	tcase_add_test(tc, test_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(result_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
