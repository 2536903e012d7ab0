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

#define NS_URI	"http://oval.mitre.org/XMLSchema/oval-definitions-5"
#define NOW	1700000000	/* 2023-11-14 22:13:20 UTC */

static char seen_record[64];	/* record_field of the last object call */

/*
 * Stub engine.  Variables: var:a = {x, y}, var:n = {1, 2} (int),
 * var:f = {0.5} (float), var:none = {}, var:e fails (ENOENT).  Objects:
 * obj:1 field f = {p, q}, obj:rec field f record r = {r1}, obj:0 has no
 * items, obj:err fails (EIO).
 */
static int
stub_variable(void *eng, const char *id, struct oval_values *out,
    struct plumb_err *err)
{
	(void)eng;
	oval_values_init(out, OVAL_DT_STRING);
	if (strcmp(id, "var:a") == 0)
		return oval_values_add(out, "x") || oval_values_add(out, "y");
	if (strcmp(id, "var:n") == 0) {
		out->dt = OVAL_DT_INT;
		return oval_values_add(out, "1") || oval_values_add(out, "2");
	}
	if (strcmp(id, "var:f") == 0) {
		out->dt = OVAL_DT_FLOAT;
		return oval_values_add(out, "0.5");
	}
	if (strcmp(id, "var:none") == 0)
		return PLUMB_OK;
	return plumb_err_set(err, PLUMB_ENOENT, "no variable %s", id);
}

static int
stub_object(void *eng, const char *obj, const char *field, const char *rec,
    struct oval_values *out, struct plumb_err *err)
{
	(void)eng;
	oval_values_init(out, OVAL_DT_STRING);
	snprintf(seen_record, sizeof(seen_record), "%s",
	    rec ? rec : "(none)");
	if (strcmp(obj, "obj:err") == 0)
		return plumb_err_set(err, PLUMB_EIO, "probe failed for %s",
		    obj);
	if (strcmp(obj, "obj:1") == 0 && strcmp(field, "f") == 0)
		return oval_values_add(out, "p") || oval_values_add(out, "q");
	if (strcmp(obj, "obj:rec") == 0 && strcmp(field, "f") == 0 &&
	    rec != NULL && strcmp(rec, "r") == 0)
		return oval_values_add(out, "r1");
	return PLUMB_OK;
}

static const struct oval_func_env env = {
	NULL, stub_variable, stub_object, NOW
};

static struct oval_values got;
static struct plumb_err err;

/* Append s to the string in buf of size len (truncating). */
static void
cat(char *buf, const char *s, size_t len)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s", s);
}

/* Evaluate the first element of xml, wrapped in a local_variable that
 * declares the OVAL definitions namespace as the default. */
static int
run(const char *xml, enum oval_datatype dt)
{
	static char buf[65536];
	xmlDocPtr doc;
	int rc;

	ck_assert_int_lt(snprintf(buf, sizeof(buf), "<local_variable "
	    "xmlns=\"" NS_URI "\">%s</local_variable>", xml),
	    (int)sizeof(buf));
	doc = xmlReadMemory(buf, (int)strlen(buf), "t.xml", NULL, 0);
	ck_assert_ptr_nonnull(doc);
	oval_values_clear(&got);
	err.code = 0;
	err.msg[0] = '\0';
	rc = oval_func_eval(&env, xmlFirstElementChild(
	    xmlDocGetRootElement(doc)), dt, &got, &err);
	xmlFreeDoc(doc);
	if (rc != 0) {
		ck_assert_uint_eq(got.n, 0);
		ck_assert_msg(err.msg[0] != '\0', "an error without a reason");
	}
	return rc;
}

/* got must be exactly the '|'-separated list want ("" for none; "<>"
 * stands for one empty string). */
static void
expect(const char *want)
{
	char buf[8192] = "";
	size_t i;

	for (i = 0; i < got.n; i++) {
		if (i)
			cat(buf, "|", sizeof(buf));
		cat(buf, got.v[i][0] ? got.v[i] : "<>", sizeof(buf));
	}
	ck_assert_str_eq(buf, want);
}

/* run() must succeed and give want. */
#define OK(xml, dt, want) do {						\
	ck_assert_int_eq(run(xml, dt), 0);				\
	expect(want);							\
} while (0)

#define S	OVAL_DT_STRING
#define I	OVAL_DT_INT
#define L(v)	"<literal_component>" v "</literal_component>"
#define LT(t, v) "<literal_component datatype=\"" t "\">" v		\
		"</literal_component>"
#define VAR(id)	"<variable_component var_ref=\"" id "\"/>"
#define OBJ(id)	"<object_component object_ref=\"" id "\" item_field=\"f\"/>"
#define SPLIT(v) "<split delimiter=\",\">" L(v) "</split>"

START_TEST(test_literal)
{
	OK(L("abc"), S, "abc");
	ck_assert_int_eq(got.dt, OVAL_DT_STRING);
	OK(LT("int", "42"), S, "42");
	ck_assert_int_eq(got.dt, OVAL_DT_INT);
	OK(L(""), S, "<>");
	ck_assert_uint_eq(got.n, 1);
	/* Text is kept as written, spaces included. */
	OK(L(" a b "), S, " a b ");
	/* The schematron rule: no record datatype on variables. */
	ck_assert_int_eq(run(LT("record", "x"), S), PLUMB_EINVAL);
	ck_assert_int_eq(run(LT("bogus", "x"), S), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_namespace)
{
	/* Comments and whitespace between components are not components. */
	OK("<concat>\n  <!-- first -->\n  " L("a") "\n  " L("b")
	    "\n</concat>", S, "ab");
	/* Prefixed names in the OVAL namespace are the same elements. */
	OK("<d:concat xmlns:d=\"" NS_URI "\"><d:literal_component>a"
	    "</d:literal_component><d:literal_component>b"
	    "</d:literal_component></d:concat>", S, "ab");
	/* The same local name in another namespace is not a component. */
	ck_assert_int_eq(run("<literal_component xmlns=\"urn:other\">x"
	    "</literal_component>", S), PLUMB_ENOTSUP);
	ck_assert_int_eq(run("<concat>" L("a") "<o:literal_component "
	    "xmlns:o=\"urn:other\">b</o:literal_component></concat>", S),
	    PLUMB_ENOTSUP);
	ck_assert_int_eq(run("<bogus/>", S), PLUMB_ENOTSUP);
	/* No component at all. */
	oval_values_clear(&got);
	ck_assert_int_eq(oval_func_eval(&env, NULL, S, &got, &err),
	    PLUMB_EINVAL);
	ck_assert_uint_eq(got.n, 0);
}
END_TEST

START_TEST(test_variable_component)
{
	OK(VAR("var:a"), S, "x|y");
	OK(VAR("var:n"), I, "1|2");
	ck_assert_int_eq(got.dt, OVAL_DT_INT);
	OK(VAR("var:none"), S, "");
	ck_assert_int_eq(run(VAR("var:e"), S), PLUMB_ENOENT);
	ck_assert_str_eq(err.msg, "no variable var:e");
	ck_assert_int_eq(run("<variable_component/>", S), PLUMB_EINVAL);
	/* An error below a function is the function's error. */
	ck_assert_int_eq(run("<concat>" L("a") VAR("var:e") "</concat>", S),
	    PLUMB_ENOENT);
	ck_assert_int_eq(run("<count><unique>" VAR("var:e")
	    "</unique></count>", S), PLUMB_ENOENT);
}
END_TEST

START_TEST(test_object_component)
{
	OK(OBJ("obj:1"), S, "p|q");
	ck_assert_str_eq(seen_record, "(none)");
	OK("<object_component object_ref=\"obj:rec\" item_field=\"f\" "
	    "record_field=\"r\"/>", S, "r1");
	ck_assert_str_eq(seen_record, "r");
	/* No items: no values (docs/conformance.md). */
	OK(OBJ("obj:0"), S, "");
	ck_assert_int_eq(run(OBJ("obj:err"), S), PLUMB_EIO);
	ck_assert_str_eq(err.msg, "probe failed for obj:err");
	ck_assert_int_eq(run("<substring substring_start=\"1\" "
	    "substring_length=\"1\">" OBJ("obj:err") "</substring>", S),
	    PLUMB_EIO);
	ck_assert_int_eq(run("<object_component object_ref=\"obj:1\"/>", S),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run("<object_component item_field=\"f\"/>", S),
	    PLUMB_EINVAL);
}
END_TEST

START_TEST(test_arithmetic)
{
	/* The schema's example: {1,2} + {3,4,5} = 1+3, 1+4, 1+5, 2+3 ... */
	OK("<arithmetic arithmetic_operation=\"add\">" VAR("var:n")
	    SPLIT("3,4,5") "</arithmetic>", I, "4|5|6|5|6|7");
	ck_assert_int_eq(got.dt, OVAL_DT_INT);
	OK("<arithmetic arithmetic_operation=\"multiply\">" VAR("var:n")
	    SPLIT("3,4,5") "</arithmetic>", I, "3|4|5|6|8|10");
	OK("<arithmetic arithmetic_operation=\"multiply\">" LT("int", "6")
	    LT("int", "7") LT("int", "-2") "</arithmetic>", I, "-84");
	OK("<arithmetic arithmetic_operation=\"add\">" LT("int", "+5")
	    LT("int", "-12") "</arithmetic>", I, "-7");
	/* Floats; an int and a float component give a float. */
	OK("<arithmetic arithmetic_operation=\"add\">" LT("float", "1.5")
	    LT("float", "2.25") "</arithmetic>", OVAL_DT_FLOAT, "3.75");
	ck_assert_int_eq(got.dt, OVAL_DT_FLOAT);
	OK("<arithmetic arithmetic_operation=\"add\">" LT("int", "2")
	    LT("float", "0.5") "</arithmetic>", I, "2.5");
	ck_assert_int_eq(got.dt, OVAL_DT_FLOAT);
	OK("<arithmetic arithmetic_operation=\"multiply\">" VAR("var:n")
	    VAR("var:f") "</arithmetic>", I, "0.5|1");
	OK("<arithmetic arithmetic_operation=\"add\">" LT("float", "0.1")
	    LT("float", "0.2") "</arithmetic>", OVAL_DT_FLOAT, "0.3");
	OK("<arithmetic arithmetic_operation=\"multiply\">" LT("float", "1e3")
	    LT("float", "-0.25") "</arithmetic>", OVAL_DT_FLOAT, "-250");
	/* A string that reads as a number is cast (FunctionGroup). */
	OK("<arithmetic arithmetic_operation=\"add\">" L("1") L("2.5")
	    "</arithmetic>", I, "3.5");
	/* A component without values: no result. */
	OK("<arithmetic arithmetic_operation=\"add\">" LT("int", "1")
	    VAR("var:none") "</arithmetic>", I, "");
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"add\">"
	    LT("int", "1") L("x") "</arithmetic>", I), PLUMB_EINVAL);
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"add\">"
	    LT("int", "9223372036854775807") LT("int", "1") "</arithmetic>",
	    I), PLUMB_EINVAL);
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"multiply\">"
	    LT("float", "1e300") LT("float", "1e300") "</arithmetic>",
	    OVAL_DT_FLOAT), PLUMB_EINVAL);
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"subtract\">"
	    LT("int", "1") LT("int", "1") "</arithmetic>", I), PLUMB_EINVAL);
	ck_assert_int_eq(run("<arithmetic>" LT("int", "1") LT("int", "1")
	    "</arithmetic>", I), PLUMB_EINVAL);
	/* Two or more components. */
	ck_assert_int_eq(run("<arithmetic arithmetic_operation=\"add\">"
	    LT("int", "1") "</arithmetic>", I), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_begin_end)
{
	OK("<begin character=\"/\">" L("etc") "</begin>", S, "/etc");
	OK("<begin character=\"/\">" L("/etc") "</begin>", S, "/etc");
	/* A string: only added when the whole string is not there. */
	OK("<begin character=\"ab\">" L("abc") "</begin>", S, "abc");
	OK("<begin character=\"ab\">" L("bc") "</begin>", S, "abbc");
	OK("<begin character=\"-\">" VAR("var:a") "</begin>", S, "-x|-y");
	OK("<begin character=\"/\">" L("") "</begin>", S, "/");
	OK("<end character=\"/\">" L("/etc") "</end>", S, "/etc/");
	OK("<end character=\"/\">" L("/etc/") "</end>", S, "/etc/");
	OK("<end character=\".conf\">" L("a.conf") "</end>", S, "a.conf");
	OK("<end character=\".conf\">" L("a.con") "</end>", S, "a.con.conf");
	OK("<end character=\"!\">" VAR("var:a") "</end>", S, "x!|y!");
	OK("<end character=\"!\">" VAR("var:none") "</end>", S, "");
	ck_assert_int_eq(run("<begin>" L("a") "</begin>", S), PLUMB_EINVAL);
	ck_assert_int_eq(run("<end character=\"/\">" L("a") L("b") "</end>",
	    S), PLUMB_EINVAL);
	ck_assert_int_eq(run("<end character=\"/\"/>", S), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_concat)
{
	/* The schema's example: {abc, def} and "xyz". */
	OK("<concat>" SPLIT("abc,def") L("xyz") "</concat>", S,
	    "abcxyz|defxyz");
	/* Cartesian product, the last component varying fastest. */
	OK("<concat>" VAR("var:a") VAR("var:n") "</concat>", S,
	    "x1|x2|y1|y2");
	OK("<concat>" VAR("var:a") L("-") VAR("var:a") "</concat>", S,
	    "x-x|x-y|y-x|y-y");
	OK("<concat>" L("") L("") "</concat>", S, "<>");
	ck_assert_uint_eq(got.n, 1);
	/* "If one of the components does not exist, then the result of the
	 * concat operation should be does not exist." */
	OK("<concat>" L("a") OBJ("obj:0") "</concat>", S, "");
	OK("<concat>" VAR("var:none") VAR("var:a") "</concat>", S, "");
	ck_assert_int_eq(run("<concat>" L("a") "</concat>", S),
	    PLUMB_EINVAL);
}
END_TEST

START_TEST(test_count_unique)
{
	/* The schema's count example: one value and two values give 3. */
	OK("<count>" L("a") VAR("var:a") "</count>", I, "3");
	ck_assert_int_eq(got.dt, OVAL_DT_INT);
	OK("<count>" OBJ("obj:1") OBJ("obj:1") VAR("var:n") "</count>", I,
	    "6");
	/* Nothing to count is a count of 0. */
	OK("<count>" OBJ("obj:0") "</count>", I, "0");
	OK("<count>" SPLIT("a,,a") "</count>", I, "3");
	/* The schema's unique examples. */
	OK("<unique>" L("foo") L("bar") L("bar") "</unique>", S, "foo|bar");
	OK("<unique>" L("foo") SPLIT("foo,bar") "</unique>", S, "foo|bar");
	OK("<unique>" VAR("var:a") L("y") VAR("var:a") L("x") L("z")
	    "</unique>", S, "x|y|z");
	/* Strings: "1" and "01" differ, case matters. */
	OK("<unique>" SPLIT("1,01,1,A,a") "</unique>", S, "1|01|A|a");
	OK("<unique>" VAR("var:none") "</unique>", S, "");
	OK("<count><unique>" SPLIT("b,a,b,a,c") "</unique></count>", I, "3");
	ck_assert_int_eq(run("<count/>", I), PLUMB_EINVAL);
	ck_assert_int_eq(run("<unique/>", S), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_split)
{
	/* The schema's examples. */
	OK("<split delimiter=\"-\">" L("a-b-c-d") "</split>", S, "a|b|c|d");
	OK("<split delimiter=\"-\">" L("-a-a-") "</split>", S,
	    "<>|a|a|<>");
	OK("<split delimiter=\"-\">" L("---") "</split>", S,
	    "<>|<>|<>|<>");
	ck_assert_uint_eq(got.n, 4);
	/* Every value is split, the results follow each other. */
	OK("<split delimiter=\":\">" SPLIT("a:b,c") "</split>", S, "a|b|c");
	OK("<split delimiter=\":\">" VAR("var:a") "</split>", S, "x|y");
	OK("<split delimiter=\"::\">" L("a::b:c::") "</split>", S,
	    "a|b:c|<>");
	OK("<split delimiter=\",\">" L("") "</split>", S, "<>");
	/* An empty delimiter gives the characters (UTF-8 aware). */
	OK("<split delimiter=\"\">" L("h\xc3\xa9!") "</split>", S,
	    "h|\xc3\xa9|!");
	OK("<split delimiter=\",\">" VAR("var:none") "</split>", S, "");
	ck_assert_int_eq(run("<split>" L("a") "</split>", S), PLUMB_EINVAL);
}
END_TEST

#define SUB(s, l, v) "<substring substring_start=\"" s "\" "		\
	"substring_length=\"" l "\">" v "</substring>"

START_TEST(test_substring)
{
	/* The schema's example: start 3, length 2 of abcdefg is cd. */
	OK(SUB("3", "2", L("abcdefg")), S, "cd");
	/* A start below 1 means 1. */
	OK(SUB("0", "2", L("abcdefg")), S, "ab");
	OK(SUB("-5", "1", L("abcdefg")), S, "a");
	/* Negative or too long lengths mean "to the end". */
	OK(SUB("5", "-1", L("abcdefg")), S, "efg");
	OK(SUB("2", "99", L("abc")), S, "bc");
	OK(SUB("3", "1", L("abc")), S, "c");
	OK(SUB("1", "0", L("abc")), S, "<>");
	/* Each value on its own: the length is not shortened by a short
	 * value before it. */
	OK(SUB("1", "-1", SPLIT("ab,abcd")), S, "ab|abcd");
	OK(SUB("2", "2", SPLIT("abc,wxyz")), S, "bc|xy");
	/* Characters, not bytes. */
	OK(SUB("2", "2", L("h\xc3\xa9llo")), S, "\xc3\xa9l");
	OK(SUB("1", "1", VAR("var:none")), S, "");
	/* A start past the end of the string is an error. */
	ck_assert_int_eq(run(SUB("4", "1", L("abc")), S), PLUMB_EINVAL);
	ck_assert_int_eq(run(SUB("1", "1", L("")), S), PLUMB_EINVAL);
	ck_assert_int_eq(run(SUB("3", "1", SPLIT("abc,ab")), S),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run(SUB("x", "1", L("abc")), S), PLUMB_EINVAL);
	ck_assert_int_eq(run("<substring substring_start=\"1\">" L("abc")
	    "</substring>", S), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_escape_regex)
{
	/* The schema's example. */
	OK("<escape_regex>" L("(\\.test_string*)?") "</escape_regex>", S,
	    "\\(\\\\\\.test_string\\*\\)\\?");
	/* Every metacharacter of '^$\.[](){}*+?|', nothing else. */
	OK("<escape_regex>" L("^$\\.[](){}*+?|") "</escape_regex>", S,
	    "\\^\\$\\\\\\.\\[\\]\\(\\)\\{\\}\\*\\+\\?\\|");
	OK("<escape_regex>" L("a-b/c d#e,f&lt;g&gt;h'i\"j~k%") 
	    "</escape_regex>", S, "a-b/c d#e,f<g>h'i\"j~k%");
	OK("<escape_regex>" SPLIT("a.b,c*") "</escape_regex>", S,
	    "a\\.b|c\\*");
	OK("<escape_regex>" L("") "</escape_regex>", S, "<>");
}
END_TEST

/* Rows of the schema's glob_to_regex table, plus our own. */
static const struct {
	const char *glob, *noescape, *want;
} glob_rows[] = {
	{ "\\*", "false", "^\\*$" },
	{ "\\*", "true", "^\\\\[^/]*$" },
	{ "\\?", "false", "^\\?$" },
	/*
	 * The table gives ^\\[^./]$ here, which contradicts its own '\*'
	 * row (^\\[^/]*$: a literal backslash does not start a path
	 * component).  We apply that rule to '?' as well.
	 */
	{ "\\?", "true", "^\\\\[^/]$" },
	{ "\\[hello\\]", "false", "^\\[hello\\]$" },
	{ "\\[hello\\]", "true", "^\\\\[hello\\\\]$" },
	{ "/root/*", "false", "^/root/(?=[^.])[^/]*$" },
	{ "/root/.*", "false", "^/root/\\.[^/]*$" },
	{ "/root/x*", "false", "^/root/x[^/]*$" },
	{ "/root/?", "false", "^/root/[^./]$" },
	{ "/root/.?", "false", "^/root/\\.[^/]$" },
	{ "/root/x?", "false", "^/root/x[^/]$" },
	{ "list.?", "false", "^list\\.[^/]$" },
	{ "list.?", "true", "^list\\.[^/]$" },
	{ "project.*", "false", "^project\\.[^/]*$" },
	{ "project.*", "true", "^project\\.[^/]*$" },
	{ "*old", "false", "^(?=[^.])[^/]*old$" },
	{ "*old", "true", "^(?=[^.])[^/]*old$" },
	{ "type*.[ch]", "false", "^type[^/]*\\.[ch]$" },
	{ "type*.[ch]", "true", "^type[^/]*\\.[ch]$" },
	{ "*.*", "false", "^(?=[^.])[^/]*\\.[^/]*$" },
	{ "*.*", "true", "^(?=[^.])[^/]*\\.[^/]*$" },
	{ "*", "false", "^(?=[^.])[^/]*$" },
	{ "*", "true", "^(?=[^.])[^/]*$" },
	{ "?", "false", "^[^./]$" },
	{ "?", "true", "^[^./]$" },
	{ "x[[:digit:]]\\*", "false", "^x[[:digit:]]\\*$" },
	{ "x[[:digit:]]\\*", "true", "^x[[:digit:]]\\\\[^/]*$" },
	{ "", "false", "^$" },
	{ "", "true", "^$" },
	{ "~/files/*.txt", "false", "^~/files/(?=[^.])[^/]*\\.txt$" },
	{ "~/files/*.txt", "true", "^~/files/(?=[^.])[^/]*\\.txt$" },
	{ "\\", "false", "^\\\\$" },
	{ "\\", "true", "^\\\\$" },
	{ ".*.conf", "false", "^\\.[^/]*\\.conf$" },
	{ ".*.conf", "true", "^\\.[^/]*\\.conf$" },
	{ "docs/?b", "false", "^docs/[^./]b$" },
	{ "docs/?b", "true", "^docs/[^./]b$" },
	{ "xy/??z", "false", "^xy/[^./][^/]z$" },
	{ "xy/??z", "true", "^xy/[^./][^/]z$" },
	/* Not in the table. */
	{ "/etc/*.conf", "false", "^/etc/(?=[^.])[^/]*\\.conf$" },
	{ "/etc/*.conf", "true", "^/etc/(?=[^.])[^/]*\\.conf$" },
	{ "a?b[!c]", "false", "^a[^/]b[^c]$" },
	{ "a?b[!c]", "true", "^a[^/]b[^c]$" },
	{ "a?b[!c]\\x", "false", "^a[^/]b[^c]x$" },
	{ "a?b[!c]\\x", "true", "^a[^/]b[^c]\\\\x$" },
	{ "[]a]", "false", "^[\\]a]$" },
	{ "[a-z]*/?", "false", "^[a-z][^/]*/[^./]$" },
	{ "{a,b}(c)+^$|", "false", "^\\{a,b\\}\\(c\\)\\+\\^\\$\\|$" },
	{ "/var/log/*/*.log", "false",
	    "^/var/log/(?=[^.])[^/]*/(?=[^.])[^/]*\\.log$" },
};

START_TEST(test_glob_to_regex)
{
	char xml[512];
	size_t i;

	for (i = 0; i < sizeof(glob_rows) / sizeof(glob_rows[0]); i++) {
		snprintf(xml, sizeof(xml), "<glob_to_regex glob_noescape="
		    "\"%s\">" L("%s") "</glob_to_regex>", glob_rows[i].noescape,
		    glob_rows[i].glob);
		ck_assert_msg(run(xml, S) == 0, "row %zu: %s", i, err.msg);
		if (got.n != 1 || strcmp(got.v[0], glob_rows[i].want) != 0)
			ck_abort_msg("row %zu: glob '%s' noescape %s: got '%s', "
			    "want '%s'", i, glob_rows[i].glob,
			    glob_rows[i].noescape, got.n ? got.v[0] : "(none)",
			    glob_rows[i].want);
	}
	/* glob_noescape defaults to false. */
	OK("<glob_to_regex>" L("\\*") "</glob_to_regex>", S, "^\\*$");
	OK("<glob_to_regex>" SPLIT("*.c,?") "</glob_to_regex>", S,
	    "^(?=[^.])[^/]*\\.c$|^[^./]$");
	/* The table's invalid row: an unclosed bracket. */
	ck_assert_int_eq(run("<glob_to_regex>" L("[ab") "</glob_to_regex>",
	    S), PLUMB_EINVAL);
	ck_assert_int_eq(run("<glob_to_regex glob_noescape=\"true\">"
	    L("[ab") "</glob_to_regex>", S), PLUMB_EINVAL);
	ck_assert_int_eq(run("<glob_to_regex>" L("a*b?[")
	    "</glob_to_regex>", S), PLUMB_EINVAL);
}
END_TEST

#define RC(p, v) "<regex_capture pattern=\"" p "\">" v "</regex_capture>"

START_TEST(test_regex_capture)
{
	/* The schema's example pattern, on each value; no match gives "". */
	OK(RC("^abc(.*)xyz$", SPLIT("abcMIDxyz,nomatch,abcxyz")), S,
	    "MID|<>|<>");
	ck_assert_uint_eq(got.n, 3);
	/* The first match only, its first group only. */
	OK(RC("(\\d+)", L("a12b34")), S, "12");
	OK(RC("(a)(b)", L("xab")), S, "a");
	/* A quantified group keeps its last repetition. */
	OK(RC("^(a|b)+$", L("abab")), S, "b");
	/* No capturing group, or a group that took no part: "". */
	OK(RC("b", L("abc")), S, "<>");
	OK(RC("x(?:y)(z)?", L("xy")), S, "<>");
	/* SSG's use: the number after PASS_MAX_DAYS. */
	OK(RC("PASS_MAX_DAYS\\s+(\\d+)", L("PASS_MAX_DAYS\t90")), S, "90");
	/* UTF-8: one character, not one byte. */
	OK(RC("^(.)", L("\xc3\xa9t\xc3\xa9")), S, "\xc3\xa9");
	OK(RC("(a)", VAR("var:none")), S, "");
	ck_assert_int_eq(run(RC("(", L("a")), S), PLUMB_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "compile"));
	ck_assert_int_eq(run("<regex_capture>" L("a") "</regex_capture>", S),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run(RC("(a)", L("a") L("a")), S), PLUMB_EINVAL);
	/* Catastrophic backtracking stops at the match limit. */
	ck_assert_int_eq(run(RC("^(a+)+$",
	    L("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")), S), PLUMB_ELIMIT);
}
END_TEST

#define TD(f1, f2, a, b) "<time_difference format_1=\"" f1 "\" "	\
	"format_2=\"" f2 "\">" L(a) L(b) "</time_difference>"
/* Seconds since the epoch of a in format f. */
#define EPOCH(f, a)	TD(f, "seconds_since_epoch", a, "0")

START_TEST(test_time_formats)
{
	/*
	 * 2024-03-01 00:00:00 UTC: 2024-01-01 is day 19723 (54 years with
	 * 13 leap days: 54 * 365 + 13), plus 31 + 29 days = 19783 days =
	 * 1709251200 s; 12:34:56 adds 45296 s = 1709296496.
	 */
	OK(EPOCH("year_month_day", "20240301"), I, "1709251200");
	OK(EPOCH("year_month_day", "20240301T123456"), I, "1709296496");
	OK(EPOCH("year_month_day", "2024/03/01"), I, "1709251200");
	OK(EPOCH("year_month_day", "2024/03/01 12:34:56"), I, "1709296496");
	OK(EPOCH("year_month_day", "2024-03-01"), I, "1709251200");
	OK(EPOCH("year_month_day", "2024-03-01 12:34:56"), I, "1709296496");
	OK(EPOCH("month_day_year", "03/01/2024"), I, "1709251200");
	OK(EPOCH("month_day_year", "03/01/2024 12:34:56"), I, "1709296496");
	OK(EPOCH("month_day_year", "03-01-2024"), I, "1709251200");
	OK(EPOCH("month_day_year", "03-01-2024 12:34:56"), I, "1709296496");
	OK(EPOCH("month_day_year", "March, 01 2024"), I, "1709251200");
	OK(EPOCH("month_day_year", "March, 01 2024 12:34:56"), I,
	    "1709296496");
	OK(EPOCH("month_day_year", "Mar, 01 2024"), I, "1709251200");
	OK(EPOCH("month_day_year", "mar, 01 2024 12:34:56"), I,
	    "1709296496");
	OK(EPOCH("day_month_year", "01/03/2024"), I, "1709251200");
	OK(EPOCH("day_month_year", "01/03/2024 12:34:56"), I, "1709296496");
	OK(EPOCH("day_month_year", "01-03-2024"), I, "1709251200");
	OK(EPOCH("day_month_year", "01-03-2024 12:34:56"), I, "1709296496");
	/* 100 ns ticks since 1601: the epoch is 11644473600 s later. */
	OK(EPOCH("win_filetime", "116444736000000000"), I, "0");
	OK(EPOCH("win_filetime", "116444736600000000"), I, "60");
	OK(EPOCH("win_filetime", "133537248000000000"), I, "1709251200");
	OK(EPOCH("win_filetime", "19DB1DED53E8000"), I, "0");
	OK(EPOCH("win_filetime", "0x19db1ded53e8000"), I, "0");
	OK(EPOCH("seconds_since_epoch", "1709251200"), I, "1709251200");
	OK(EPOCH("seconds_since_epoch", "-86400"), I, "-86400");
	/* cim_datetime: the sign and minutes are the offset from UTC. */
	OK(EPOCH("cim_datetime", "20240301123456.000000+000"), I,
	    "1709296496");
	OK(EPOCH("cim_datetime", "20240301123456.123456+060"), I,
	    "1709292896");
	OK(EPOCH("cim_datetime", "20240301123456.000000-300"), I,
	    "1709314496");
	OK(EPOCH("cim_datetime", "2024-03-01 12:34:56:789"), I,
	    "1709296496");
	/* Leap days. */
	OK(TD("year_month_day", "year_month_day", "2024-03-01",
	    "2024-02-28"), I, "172800");
	OK(TD("year_month_day", "year_month_day", "2000-03-01",
	    "2000-02-28"), I, "172800");
	OK(TD("year_month_day", "year_month_day", "2100-03-01",
	    "2100-02-28"), I, "86400");
	/* Dates before the epoch. */
	OK(EPOCH("year_month_day", "1969-12-31 23:59:59"), I, "-1");
}
END_TEST

START_TEST(test_time_difference)
{
	/* The schema's example: 04/02/2009 - 02/02/2005 is 1461 + 59 =
	 * 1520 days; the Cartesian product of {04/02, 04/03/2009} and
	 * {02/02, 02/03, 02/04/2005}. */
	OK(TD("month_day_year", "month_day_year", "04/02/2009",
	    "02/02/2005"), I, "131328000");
	ck_assert_int_eq(got.dt, OVAL_DT_INT);
	OK("<time_difference format_1=\"month_day_year\" "
	    "format_2=\"month_day_year\">" SPLIT("04/02/2009,04/03/2009")
	    SPLIT("02/02/2005,02/03/2005,02/04/2005") "</time_difference>",
	    I, "131328000|131241600|131155200|131414400|131328000|131241600");
	/* Both formats default to year_month_day; negative results. */
	OK("<time_difference>" L("20240301") L("2024-03-02 00:00:01")
	    "</time_difference>", I, "-86401");
	OK(TD("month_day_year", "day_month_year", "Feb, 02 1970 00:00:10",
	    "01/02/1970"), I, "86410");
	OK(TD("seconds_since_epoch", "win_filetime", "60",
	    "116444736000000000"), I, "60");
	/* One component: now minus it, read with format_2. */
	OK("<time_difference format_2=\"seconds_since_epoch\">"
	    L("1699999000") "</time_difference>", I, "1000");
	OK("<time_difference format_1=\"day_month_year\" "
	    "format_2=\"seconds_since_epoch\">" L("1699999000")
	    "</time_difference>", I, "1000");
	/* 2023-11-14 is 1699920000; now is 80000 s later. */
	OK("<time_difference>" L("20231114") "</time_difference>", I,
	    "80000");
	OK("<time_difference format_2=\"seconds_since_epoch\">"
	    SPLIT("1700000000,1700000060") "</time_difference>", I, "0|-60");
	/* format_2 is the component's format: format_1 alone is not. */
	ck_assert_int_eq(run("<time_difference format_1="
	    "\"seconds_since_epoch\">" L("1699999000") "</time_difference>",
	    I), PLUMB_EINVAL);
	/* A component without values: no result. */
	OK("<time_difference>" L("20240301") VAR("var:none")
	    "</time_difference>", I, "");
	OK("<time_difference>" VAR("var:none") "</time_difference>", I, "");
}
END_TEST

START_TEST(test_time_errors)
{
	static const char *const bad[] = {
		"2023-02-29", "2024-02-30", "2024-13-01", "2024-00-10",
		"2024/03-01", "20240301 ", "2024-03-01 24:00:00",
		"2024-03-01 12:60:00", "2024-03-01T12:00:00", "2024-3-1",
		"20240301T1234", "", "yesterday", "2024-03-01 12:34",
	};
	char xml[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(xml, sizeof(xml), EPOCH("year_month_day", "%s"),
		    bad[i]);
		ck_assert_msg(run(xml, I) == PLUMB_EINVAL, "'%s' accepted",
		    bad[i]);
	}
	ck_assert_int_eq(run(EPOCH("month_day_year", "13/01/2024"), I),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run(EPOCH("month_day_year", "Marc, 01 2024"), I),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run(EPOCH("month_day_year", "March 01 2024"), I),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run(EPOCH("day_month_year", "32/01/2024"), I),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run(EPOCH("win_filetime", "-1"), I), PLUMB_EINVAL);
	ck_assert_int_eq(run(EPOCH("win_filetime", "12g"), I), PLUMB_EINVAL);
	ck_assert_int_eq(run(EPOCH("seconds_since_epoch", "1.5"), I),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run(EPOCH("cim_datetime", "20240301123456"), I),
	    PLUMB_EINVAL);
	ck_assert_int_eq(run(EPOCH("cim_datetime",
	    "20240301123456.000000*000"), I), PLUMB_EINVAL);
	ck_assert_int_eq(run(TD("bogus", "year_month_day", "20240301",
	    "20240301"), I), PLUMB_EINVAL);
	ck_assert_int_eq(run("<time_difference>" L("20240301") L("20240301")
	    L("20240301") "</time_difference>", I), PLUMB_EINVAL);
}
END_TEST

START_TEST(test_nesting)
{
	/* SSG's umask from login.defs: digits of "027" as 0*64 + 2*8 + 7. */
	OK("<arithmetic arithmetic_operation=\"add\">"
	    "<arithmetic arithmetic_operation=\"multiply\">"
	    SUB("1", "1", L("027")) LT("int", "64") "</arithmetic>"
	    "<arithmetic arithmetic_operation=\"multiply\">"
	    SUB("2", "1", L("027")) LT("int", "8") "</arithmetic>"
	    SUB("3", "1", L("027")) "</arithmetic>", I, "23");
	/* A pattern built from an escaped path. */
	OK("<concat>" L("^") "<escape_regex>" L("/etc/a.conf")
	    "</escape_regex>" L("$") "</concat>", S, "^/etc/a\\.conf$");
	OK("<regex_capture pattern=\"^(\\w+)=\"><split delimiter=\";\">"
	    "<concat>" VAR("var:a") L("=1;z=2") "</concat></split>"
	    "</regex_capture>", S, "x|z|y|z");
}
END_TEST

/* depth nested <unique> elements around one literal. */
static int
run_nested(int depth)
{
	static char xml[8192];
	int i;

	xml[0] = '\0';
	for (i = 0; i < depth; i++)
		cat(xml, "<unique>", sizeof(xml));
	cat(xml, L("a"), sizeof(xml));
	for (i = 0; i < depth; i++)
		cat(xml, "</unique>", sizeof(xml));
	return run(xml, S);
}

START_TEST(test_depth_limit)
{
	/* 64 elements on the path are allowed, 65 are not. */
	ck_assert_int_eq(run_nested(63), 0);
	expect("a");
	ck_assert_int_eq(run_nested(64), PLUMB_ELIMIT);
	ck_assert_int_eq(run_nested(200), PLUMB_ELIMIT);
}
END_TEST

START_TEST(test_value_limit)
{
	/* 32^4 = 1048576 combinations exceed the cap of 1000000 values. */
	static char xml[4096];
	char list[512] = "";
	int i;

	for (i = 0; i < 32; i++) {
		char v[8];

		snprintf(v, sizeof(v), "%s%d", i ? "," : "", i);
		cat(list, v, sizeof(list));
	}
	snprintf(xml, sizeof(xml), "<concat>"
	    "<split delimiter=\",\">" L("%s") "</split>"
	    "<split delimiter=\",\">" L("%s") "</split>"
	    "<split delimiter=\",\">" L("%s") "</split>"
	    "<split delimiter=\",\">" L("%s") "</split>"
	    "</concat>", list, list, list, list);
	ck_assert_int_eq(run(xml, S), PLUMB_ELIMIT);
	/* 32^3 = 32768 is fine: first 000, last 313131. */
	snprintf(xml, sizeof(xml), "<count><concat>"
	    "<split delimiter=\",\">" L("%s") "</split>"
	    "<split delimiter=\",\">" L("%s") "</split>"
	    "<split delimiter=\",\">" L("%s") "</split>"
	    "</concat></count>", list, list, list);
	OK(xml, I, "32768");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("func");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_literal);
	tcase_add_test(tc, test_namespace);
	tcase_add_test(tc, test_variable_component);
	tcase_add_test(tc, test_object_component);
	tcase_add_test(tc, test_arithmetic);
	tcase_add_test(tc, test_begin_end);
	tcase_add_test(tc, test_concat);
	tcase_add_test(tc, test_count_unique);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_substring);
	tcase_add_test(tc, test_escape_regex);
	tcase_add_test(tc, test_glob_to_regex);
	tcase_add_test(tc, test_regex_capture);
	tcase_add_test(tc, test_time_formats);
	tcase_add_test(tc, test_time_difference);
	tcase_add_test(tc, test_time_errors);
	tcase_add_test(tc, test_nesting);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_value_limit);
	suite_add_tcase(s, tc);
	oval_values_init(&got, OVAL_DT_STRING);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	oval_values_clear(&got);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
