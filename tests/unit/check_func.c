/*
 * check_func.c - local_variable components and the twelve OVAL 5.11
 * functions, each on small inputs with results worked out by hand from
 * the *FunctionType annotations of oval-definitions-schema.xsd.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "plumb/error.h"
#include "plumb/values.h"
#include "oval_func.h"

#define NS "xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\""

/* Stub engine: var:a = {x, y}, var:n = {1, 2}, var:e fails; object
 * obj:1 field f = {p, q}, obj:0 has no items. */
static int
stub_variable(void *eng, const char *id, struct oval_values *out,
    struct plumb_err *err)
{
	oval_values_init(out, OVAL_DT_STRING);
	if (strcmp(id, "var:a") == 0)
		return oval_values_add(out, "x") || oval_values_add(out, "y");
	if (strcmp(id, "var:n") == 0) {
		out->dt = OVAL_DT_INT;
		return oval_values_add(out, "1") || oval_values_add(out, "2");
	}
	return plumb_err_set(err, PLUMB_ENOENT, "no variable %s", id);
}

static int
stub_object(void *eng, const char *obj, const char *field, const char *rec,
    struct oval_values *out, struct plumb_err *err)
{
	oval_values_init(out, OVAL_DT_STRING);
	if (strcmp(obj, "obj:1") == 0 && strcmp(field, "f") == 0)
		return oval_values_add(out, "p") || oval_values_add(out, "q");
	return PLUMB_OK;
}

static const struct oval_func_env env = {
	NULL, stub_variable, stub_object, 1700000000
};

static struct oval_values got;
static struct plumb_err err;

/* Evaluate the component in xml (wrapped in the OVAL namespace). */
static int
run(const char *xml, enum oval_datatype dt)
{
	char buf[4096];
	xmlDocPtr doc;
	int rc;

	snprintf(buf, sizeof(buf), "<local_variable %s>%s</local_variable>",
	    NS, xml);
	doc = xmlReadMemory(buf, (int)strlen(buf), "t.xml", NULL, 0);
	ck_assert_ptr_nonnull(doc);
	oval_values_clear(&got);
	err.msg[0] = '\0';
	rc = oval_func_eval(&env, xmlFirstElementChild(
	    xmlDocGetRootElement(doc)), dt, &got, &err);
	xmlFreeDoc(doc);
	return rc;
}

/* got must be exactly the '|'-separated list want ("" for none). */
static void
expect(const char *want)
{
	char buf[4096] = "";
	size_t i;

	for (i = 0; i < got.n; i++) {
		if (i)
			strcat(buf, "|");
		strcat(buf, got.v[i]);
	}
	ck_assert_str_eq(buf, want);
}

#define L(v) "<literal_component>" v "</literal_component>"

START_TEST(test_components)
{
	ck_assert_int_eq(run(L("abc"), OVAL_DT_STRING), 0);
	expect("abc");
	ck_assert_int_eq(run("<variable_component var_ref=\"var:a\"/>",
	    OVAL_DT_STRING), 0);
	expect("x|y");
	ck_assert_int_eq(run("<object_component object_ref=\"obj:1\" "
	    "item_field=\"f\"/>", OVAL_DT_STRING), 0);
	expect("p|q");
	/* No items: no values (docs/conformance.md). */
	ck_assert_int_eq(run("<object_component object_ref=\"obj:0\" "
	    "item_field=\"f\"/>", OVAL_DT_STRING), 0);
	expect("");
	ck_assert_int_eq(run("<variable_component var_ref=\"var:e\"/>",
	    OVAL_DT_STRING), PLUMB_ENOENT);
	ck_assert_int_eq(run("<bogus/>", OVAL_DT_STRING), PLUMB_ENOTSUP);
}
END_TEST

START_TEST(test_arithmetic)
{
	/* The schema's example: {1,2} + {3,4,5} gives six sums. */
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"add\">"
	    "<variable_component var_ref=\"var:n\"/>"
	    "<concat>" L("") "<split delimiter=\",\">" L("3,4,5") "</split>"
	    "</concat></arithmetic>", OVAL_DT_INT), 0);
	expect("4|5|6|5|6|7");
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"multiply\">"
	    L("6") L("7") L("-2") "</arithmetic>", OVAL_DT_INT), 0);
	expect("-84");
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"add\">"
	    L("1.5") L("2.25") "</arithmetic>", OVAL_DT_FLOAT), 0);
	expect("3.75");
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"add\">"
	    L("1") L("x") "</arithmetic>", OVAL_DT_INT), PLUMB_EINVAL);
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"add\">"
	    L("9223372036854775807") L("1") "</arithmetic>", OVAL_DT_INT),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"minus\">"
	    L("1") L("1") "</arithmetic>", OVAL_DT_INT), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_strings)
{
	ck_assert_int_eq(run("<concat>" L("a") "<variable_component "
	    "var_ref=\"var:a\"/>" L("!") "</concat>", OVAL_DT_STRING), 0);
	expect("ax!|ay!");
	/* A component without values: no result. */
	ck_assert_int_eq(run("<concat>" L("a") "<object_component "
	    "object_ref=\"obj:0\" item_field=\"f\"/></concat>",
	    OVAL_DT_STRING), 0);
	expect("");
	ck_assert_int_eq(run("<begin character=\"/\">" L("etc") "</begin>",
	    OVAL_DT_STRING), 0);
	expect("/etc");
	ck_assert_int_eq(run("<begin character=\"/\">" L("/etc") "</begin>",
	    OVAL_DT_STRING), 0);
	expect("/etc");
	ck_assert_int_eq(run("<end character=\"/\">" L("/etc") "</end>",
	    OVAL_DT_STRING), 0);
	expect("/etc/");
	ck_assert_int_eq(run("<count>" L("a") "<variable_component "
	    "var_ref=\"var:a\"/></count>", OVAL_DT_INT), 0);
	expect("3");
	ck_assert_int_eq(run("<unique>" L("foo") "<variable_component "
	    "var_ref=\"var:a\"/>" L("foo") L("x") "</unique>",
	    OVAL_DT_STRING), 0);
	expect("foo|x|y");
	/* The schema's split examples. */
	ck_assert_int_eq(run("<split delimiter=\"-\">" L("a-b-c-d")
	    "</split>", OVAL_DT_STRING), 0);
	expect("a|b|c|d");
	ck_assert_int_eq(run("<split delimiter=\"-\">" L("-a-a-")
	    "</split>", OVAL_DT_STRING), 0);
	expect("|a|a|");
	ck_assert_int_eq(run("<split delimiter=\"-\">" L("---")
	    "</split>", OVAL_DT_STRING), 0);
	expect("|||");
}
END_TEST

START_TEST(test_substring)
{
	/* The schema's example: start 3, length 2 of abcdefg is cd. */
	ck_assert_int_eq(run("<substring substring_start=\"3\" "
	    "substring_length=\"2\">" L("abcdefg") "</substring>",
	    OVAL_DT_STRING), 0);
	expect("cd");
	ck_assert_int_eq(run("<substring substring_start=\"0\" "
	    "substring_length=\"-1\">" L("abc") "</substring>",
	    OVAL_DT_STRING), 0);
	expect("abc");
	ck_assert_int_eq(run("<substring substring_start=\"2\" "
	    "substring_length=\"99\">" L("abc") "</substring>",
	    OVAL_DT_STRING), 0);
	expect("bc");
	ck_assert_int_eq(run("<substring substring_start=\"4\" "
	    "substring_length=\"1\">" L("abc") "</substring>",
	    OVAL_DT_STRING), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_regex)
{
	/* The schema's example string and its escaped form. */
	ck_assert_int_eq(run("<escape_regex>" L("(\\.test_string*)?")
	    "</escape_regex>", OVAL_DT_STRING), 0);
	expect("\\(\\\\\\.test_string\\*\\)\\?");
	/* Each value of the component; no match gives "". */
	ck_assert_int_eq(run("<regex_capture pattern=\"^abc(.*)xyz$\">"
	    "<split delimiter=\",\">" L("abcMIDxyz,nomatch") "</split>"
	    "</regex_capture>", OVAL_DT_STRING), 0);
	expect("MID|");
	/* A single component only. */
	ck_assert_int_eq(run("<regex_capture pattern=\"(a)\">" L("a") L("a")
	    "</regex_capture>", OVAL_DT_STRING), PLUMB_EINVAL);
	ck_assert_int_eq(run("<regex_capture pattern=\"(\">" L("a")
	    "</regex_capture>", OVAL_DT_STRING), PLUMB_EINVAL);
	ck_assert_int_eq(run("<regex_capture pattern=\"^(a+)+$\">"
	    L("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!") "</regex_capture>",
	    OVAL_DT_STRING), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_glob)
{
	/* Rows of the schema's glob_to_regex table. */
	static const struct {
		const char *glob, *noescape, *want;
	} rows[] = {
		{ "\\*", "false", "^\\*$" },
		{ "\\*", "true", "^\\\\[^/]*$" },
		{ "\\?", "false", "^\\?$" },
		{ "\\[hello\\]", "false", "^\\[hello\\]$" },
		{ "/root/*", "false", "^/root/(?=[^.])[^/]*$" },
		{ "/root/.*", "false", "^/root/\\.[^/]*$" },
		{ "/root/x*", "false", "^/root/x[^/]*$" },
		{ "/root/?", "false", "^/root/[^./]$" },
		{ "/root/.?", "false", "^/root/\\.[^/]$" },
		{ "/root/x?", "false", "^/root/x[^/]$" },
		{ "list.?", "true", "^list\\.[^/]$" },
		{ "*old", "false", "^(?=[^.])[^/]*old$" },
		{ "type*.[ch]", "false", "^type[^/]*\\.[ch]$" },
		{ "*.*", "true", "^(?=[^.])[^/]*\\.[^/]*$" },
		{ "?", "false", "^[^./]$" },
	};
	char xml[512];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(xml, sizeof(xml), "<glob_to_regex glob_noescape="
		    "\"%s\">" L("%s") "</glob_to_regex>", rows[i].noescape,
		    rows[i].glob);
		ck_assert_int_eq(run(xml, OVAL_DT_STRING), 0);
		expect(rows[i].want);
	}
}
END_TEST

START_TEST(test_time_difference)
{
	/* 2009-04-02 minus 2005-02-02: 1520 days. */
	ck_assert_int_eq(run("<time_difference format_1=\"month_day_year\" "
	    "format_2=\"month_day_year\">" L("04/02/2009") L("02/02/2005")
	    "</time_difference>", OVAL_DT_INT), 0);
	expect("131328000");
	ck_assert_int_eq(run("<time_difference>" L("20240301") 
	    L("2024-03-02 00:00:01") "</time_difference>", OVAL_DT_INT), 0);
	expect("-86401");
	ck_assert_int_eq(run("<time_difference format_1=\"day_month_year\" "
	    "format_2=\"seconds_since_epoch\">" L("01-01-1970 00:01:00")
	    L("30") "</time_difference>", OVAL_DT_INT), 0);
	expect("30");
	ck_assert_int_eq(run("<time_difference format_1=\"month_day_year\" "
	    "format_2=\"cim_datetime\">" L("Jan, 02 1970") 
	    L("19700101000000.000000+000") "</time_difference>",
	    OVAL_DT_INT), 0);
	expect("86400");
	/* 116444736000000000 ticks of 100 ns is the Unix epoch. */
	ck_assert_int_eq(run("<time_difference format_1=\"seconds_since_epoch\" "
	    "format_2=\"win_filetime\">" L("60") L("19DB1DED53E8000")
	    "</time_difference>", OVAL_DT_INT), 0);
	expect("60");
	/* One component: now (1700000000) minus it. */
	ck_assert_int_eq(run("<time_difference format_1=\"seconds_since_epoch\">"
	    L("1699999000") "</time_difference>", OVAL_DT_INT), 0);
	expect("1000");
	ck_assert_int_eq(run("<time_difference>" L("2023-02-30")
	    "</time_difference>", OVAL_DT_INT), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_depth_limit)
{
	char xml[4096] = "";
	int i;

	for (i = 0; i < 70; i++)
		strcat(xml, "<unique>");
	strcat(xml, L("a"));
	for (i = 0; i < 70; i++)
		strcat(xml, "</unique>");
	ck_assert_int_eq(run(xml, OVAL_DT_STRING), PLUMB_ELIMIT);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("func");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_components);
	tcase_add_test(tc, test_arithmetic);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_substring);
	tcase_add_test(tc, test_regex);
	tcase_add_test(tc, test_glob);
	tcase_add_test(tc, test_time_difference);
	tcase_add_test(tc, test_depth_limit);
	suite_add_tcase(s, tc);
	oval_values_init(&got, OVAL_DT_STRING);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	oval_values_clear(&got);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
