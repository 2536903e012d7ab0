/*
 * check_engine.c - the OVAL engine end to end on small documents:
 * loading errors, criteria and tests, sets and their flags, variables,
 * reference cycles, item sharing and the results document.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "plumb/error.h"
#include "oval_doc.h"
#include "oval_eval.h"
#include "oval_results.h"
#include "xml_load.h"

#define HEAD \
	"<?xml version=\"1.0\"?>\n" \
	"<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\"" \
	" xmlns:oval=\"http://oval.mitre.org/XMLSchema/oval-common-5\"" \
	" xmlns:ind=\"http://oval.mitre.org/XMLSchema/oval-definitions-5#independent\">\n" \
	"<generator><oval:schema_version>5.11</oval:schema_version></generator>\n"
#define TAIL "</oval_definitions>\n"

/* A variable_test on variable V (values compared with state S). */
#define VTEST(n, obj, ste, extra) \
	"<ind:variable_test id=\"oval:t:tst:" #n "\" version=\"1\" check=\"all\" " \
	extra " comment=\"c\"><ind:object object_ref=\"" obj "\"/>" ste \
	"</ind:variable_test>\n"

static char tmpdir[] = "/tmp/plumb-check-engine-XXXXXX";

/* Write text to a file in the test directory; returns its path. */
static const char *
write_doc(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static struct oval_doc *
load_ok(const char *text)
{
	struct plumb_err err = { 0, "" };
	struct oval_doc *doc = NULL;
	int rc;

	rc = oval_doc_load(write_doc("doc.xml", text), &doc, &err);
	ck_assert_msg(rc == 0, "load failed: %s", err.msg);
	return doc;
}

static enum oval_result
eval_one(struct oval_session *s, const char *id)
{
	const struct oval_def_res *dr;
	struct plumb_err err = { 0, "" };

	ck_assert_int_eq(oval_session_eval(s, id, &dr, &err), 0);
	return dr->r;
}

/* Number of nodes expr selects in doc. */
static int
xpath_count(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	int n;

	ck_assert_ptr_nonnull(ctx);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	ck_assert_ptr_nonnull(o);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static const char doc_basic[] = HEAD
"<definitions>\n"
" <definition id=\"oval:t:def:1\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:1\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:2\" version=\"1\" class=\"compliance\">"
"  <criteria operator=\"OR\"><criterion test_ref=\"oval:t:tst:2\"/>"
"  <extend_definition definition_ref=\"oval:t:def:1\" negate=\"true\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:3\" version=\"1\" class=\"compliance\"><criteria>"
"  <extend_definition definition_ref=\"oval:t:def:4\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:4\" version=\"1\" class=\"compliance\"><criteria>"
"  <extend_definition definition_ref=\"oval:t:def:3\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:5\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:3\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:6\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:4\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:7\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:5\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:8\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:6\"/></criteria></definition>\n"
"</definitions>\n<tests>\n"
VTEST(1, "oval:t:obj:1", "<ind:state state_ref=\"oval:t:ste:1\"/>", "")
VTEST(2, "oval:t:obj:1", "<ind:state state_ref=\"oval:t:ste:2\"/>", "")
VTEST(3, "oval:t:obj:3", "", "")
VTEST(4, "oval:t:obj:4", "", "check_existence=\"none_exist\"")
VTEST(5, "oval:t:obj:5", "", "")
VTEST(6, "oval:t:obj:7", "", "")
"</tests>\n<objects>\n"
" <ind:variable_object id=\"oval:t:obj:1\" version=\"1\"><ind:var_ref>oval:t:var:1</ind:var_ref></ind:variable_object>\n"
" <ind:variable_object id=\"oval:t:obj:2\" version=\"1\"><ind:var_ref operation=\"pattern match\">^oval:t:var:[12]$</ind:var_ref></ind:variable_object>\n"
/* obj 3: union of obj 1 and obj 2 = items for var 1 and var 2 */
" <ind:variable_object id=\"oval:t:obj:3\" version=\"1\"><set set_operator=\"COMPLEMENT\">"
"  <object_reference>oval:t:obj:2</object_reference><object_reference>oval:t:obj:1</object_reference></set></ind:variable_object>\n"
/* obj 4: intersection of obj 1 with a missing variable's object */
" <ind:variable_object id=\"oval:t:obj:4\" version=\"1\"><set set_operator=\"INTERSECTION\">"
"  <object_reference>oval:t:obj:1</object_reference><object_reference>oval:t:obj:6</object_reference></set></ind:variable_object>\n"
/* obj 5: refers to itself through a set */
" <ind:variable_object id=\"oval:t:obj:5\" version=\"1\"><set>"
"  <object_reference>oval:t:obj:5</object_reference></set></ind:variable_object>\n"
" <ind:variable_object id=\"oval:t:obj:6\" version=\"1\"><ind:var_ref operation=\"pattern match\">^nomatch$</ind:var_ref></ind:variable_object>\n"
/* obj 7: three operands (the schema allows two), the first unknown */
" <ind:variable_object id=\"oval:t:obj:7\" version=\"1\"><set>"
"  <object_reference>oval:t:obj:99</object_reference><object_reference>oval:t:obj:1</object_reference>"
"  <object_reference>oval:t:obj:1</object_reference></set></ind:variable_object>\n"
"</objects>\n<states>\n"
" <ind:variable_state id=\"oval:t:ste:1\" version=\"1\"><ind:value datatype=\"int\" operation=\"greater than\">5</ind:value></ind:variable_state>\n"
" <ind:variable_state id=\"oval:t:ste:2\" version=\"1\"><ind:value>nope</ind:value></ind:variable_state>\n"
"</states>\n<variables>\n"
" <constant_variable id=\"oval:t:var:1\" version=\"1\" datatype=\"int\" comment=\"c\"><value>6</value><value>10</value></constant_variable>\n"
" <constant_variable id=\"oval:t:var:2\" version=\"1\" datatype=\"int\" comment=\"c\"><value>1</value></constant_variable>\n"
"</variables>\n" TAIL;

START_TEST(test_criteria_and_sets)
{
	struct plumb_err err = { 0, "" };
	struct oval_session *s = NULL;
	struct oval_doc *doc = load_ok(doc_basic);
	const struct oval_obj_res *or;

	ck_assert_int_eq(oval_session_new(doc, NULL, &s, &err), 0);
	/* 6 > 5 and 10 > 5: every value satisfies the state. */
	ck_assert_int_eq(eval_one(s, "oval:t:def:1"), OVAL_R_TRUE);
	/* false OR not(true) = false */
	ck_assert_int_eq(eval_one(s, "oval:t:def:2"), OVAL_R_FALSE);
	/* extend_definition cycle: not evaluated, no crash */
	ck_assert_int_eq(eval_one(s, "oval:t:def:3"), OVAL_R_NOT_EVALUATED);
	/* obj2 (var1 and var2 items) minus obj1 (var1 item): one item */
	ck_assert_int_eq(eval_one(s, "oval:t:def:5"), OVAL_R_TRUE);
	or = oval_session_obj(s, oval_doc_get(doc, "oval:t:obj:3"));
	ck_assert_ptr_nonnull(or);
	ck_assert_uint_eq(or->items.n, 1);
	ck_assert_int_eq(or->flag, OVAL_FLAG_COMPLETE);
	/* intersection with a does-not-exist object: does not exist */
	ck_assert_int_eq(eval_one(s, "oval:t:def:6"), OVAL_R_TRUE);
	or = oval_session_obj(s, oval_doc_get(doc, "oval:t:obj:4"));
	ck_assert_int_eq(or->flag, OVAL_FLAG_DOES_NOT_EXIST);
	/* a set referring to its own object: error */
	ck_assert_int_eq(eval_one(s, "oval:t:def:7"), OVAL_R_ERROR);
	/* three operands: error, saying so (the unknown object's message
	 * replaced, not leaked: found by fuzz_oval under LeakSanitizer) */
	ck_assert_int_eq(eval_one(s, "oval:t:def:8"), OVAL_R_ERROR);
	or = oval_session_obj(s, oval_doc_get(doc, "oval:t:obj:7"));
	ck_assert_ptr_nonnull(or);
	ck_assert_int_eq(or->flag, OVAL_FLAG_ERROR);
	ck_assert_str_eq(or->msg, "a set has more than two operands");
	/* The var 1 item is shared by obj 1 and obj 2: stored once. */
	ck_assert_uint_eq(oval_session_items(s)->n, 2);
	ck_assert_int_eq(oval_session_eval(s, "oval:t:def:99", &(const
	    struct oval_def_res *){ NULL }, &err), PLUMB_ENOENT);
	oval_session_free(s);
	oval_doc_free(doc);
}
END_TEST

START_TEST(test_results_document)
{
	struct plumb_err err = { 0, "" };
	struct oval_session *s = NULL;
	struct oval_doc *doc = load_ok(doc_basic);
	char path[512];
	xmlDocPtr res = NULL;
	size_t i;

	ck_assert_int_eq(oval_session_new(doc, NULL, &s, &err), 0);
	for (i = 0; i < oval_doc_count(doc, OVAL_K_DEF); i++)
		eval_one(s, oval_doc_nth(doc, OVAL_K_DEF, i)->id);
	snprintf(path, sizeof(path), "%s/results.xml", tmpdir);
	ck_assert_int_eq(oval_results_write(s, path, NULL, &err), 0);
	ck_assert_int_eq(xml_load_file(path, &res, &err), 0);
	ck_assert_str_eq((const char *)xmlDocGetRootElement(res)->name,
	    "oval_results");
	/* Every definition has a result; def:1's criterion is true, and
	 * the shared var 1 item is stored once with its value. */
	ck_assert_int_eq(xpath_count(res, "//*[local-name()='definition' "
	    "and @result]"), 8);
	ck_assert_int_eq(xpath_count(res, "//*[local-name()='criterion' and "
	    "@test_ref='oval:t:tst:1' and @result='true']"), 1);
	ck_assert_int_eq(xpath_count(res, "//*[local-name()='variable_item']"),
	    2);
	ck_assert_int_eq(xpath_count(res, "//*[local-name()='object' and "
	    "@id='oval:t:obj:4' and @flag='does not exist']"), 1);
	xmlFreeDoc(res);
	/* An unwritable target fails cleanly, naming the file. */
	ck_assert_int_ne(oval_results_write(s, "/nonexistent/dir/r.xml", NULL,
	    &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/dir/r.xml"));
	oval_session_free(s);
	oval_doc_free(doc);
}
END_TEST

START_TEST(test_load_errors)
{
	struct plumb_err err = { 0, "" };
	struct oval_doc *doc = NULL;
	static const char dup[] = HEAD "<variables>"
	    "<constant_variable id=\"oval:t:var:1\" version=\"1\" datatype=\"int\" comment=\"c\"><value>1</value></constant_variable>"
	    "<constant_variable id=\"oval:t:var:1\" version=\"1\" datatype=\"int\" comment=\"c\"><value>1</value></constant_variable>"
	    "</variables>" TAIL;
	static const char old[] =
	    "<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\""
	    " xmlns:oval=\"http://oval.mitre.org/XMLSchema/oval-common-5\">"
	    "<generator><oval:schema_version>5.2</oval:schema_version></generator>" TAIL;

	ck_assert_int_eq(oval_doc_load(write_doc("d.xml", dup), &doc, &err),
	    PLUMB_EINVAL);
	ck_assert_ptr_null(doc);
	ck_assert_ptr_nonnull(strstr(err.msg, "duplicate id oval:t:var:1"));
	ck_assert_int_eq(oval_doc_load(write_doc("o.xml", old), &doc, &err),
	    PLUMB_ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err.msg, "5.2"));
	ck_assert_int_eq(oval_doc_load(write_doc("n.xml", "<a/>"), &doc,
	    &err), PLUMB_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "not an OVAL definitions"));
}
END_TEST

static const char doc_vars[] = HEAD
"<definitions>\n"
" <definition id=\"oval:t:def:1\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:1\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:2\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:2\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:3\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:3\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:4\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:4\"/></criteria></definition>\n"
" <definition id=\"oval:t:def:5\" version=\"1\" class=\"compliance\"><criteria>"
"  <criterion test_ref=\"oval:t:tst:5\"/></criteria></definition>\n"
"</definitions>\n<tests>\n"
VTEST(1, "oval:t:obj:1", "<ind:state state_ref=\"oval:t:ste:1\"/>", "")
VTEST(2, "oval:t:obj:2", "", "")
VTEST(3, "oval:t:obj:1", "<ind:state state_ref=\"oval:t:ste:2\"/>", "")
VTEST(4, "oval:t:obj:4", "", "")
VTEST(5, "oval:t:obj:5", "", "")
"</tests>\n<objects>\n"
/* obj 4 and 5 take their var_ref entity from a variable's values */
" <ind:variable_object id=\"oval:t:obj:4\" version=\"1\"><ind:var_ref var_ref=\"oval:t:var:1\"/></ind:variable_object>\n"
" <ind:variable_object id=\"oval:t:obj:5\" version=\"1\"><ind:var_ref var_ref=\"oval:t:var:2\"/></ind:variable_object>\n"
" <ind:variable_object id=\"oval:t:obj:1\" version=\"1\"><ind:var_ref>oval:t:var:1</ind:var_ref></ind:variable_object>\n"
" <ind:variable_object id=\"oval:t:obj:2\" version=\"1\"><ind:var_ref>oval:t:var:2</ind:var_ref></ind:variable_object>\n"
"</objects>\n<states>\n"
" <ind:variable_state id=\"oval:t:ste:1\" version=\"1\"><ind:value var_ref=\"oval:t:var:3\"/></ind:variable_state>\n"
" <ind:variable_state id=\"oval:t:ste:2\" version=\"1\"><ind:value var_ref=\"oval:t:var:4\"/></ind:variable_state>\n"
"</states>\n<variables>\n"
" <external_variable id=\"oval:t:var:1\" version=\"1\" datatype=\"string\" comment=\"c\"/>\n"
/* var 2 refers to itself: a cycle */
" <local_variable id=\"oval:t:var:2\" version=\"1\" datatype=\"string\" comment=\"c\"><variable_component var_ref=\"oval:t:var:2\"/></local_variable>\n"
" <constant_variable id=\"oval:t:var:3\" version=\"1\" datatype=\"string\" comment=\"c\"><value>a</value></constant_variable>\n"
" <external_variable id=\"oval:t:var:4\" version=\"1\" datatype=\"string\" comment=\"c\"><possible_value hint=\"h\">x</possible_value></external_variable>\n"
"</variables>\n" TAIL;

START_TEST(test_variables)
{
	struct plumb_err err = { 0, "" };
	struct oval_session *s = NULL;
	struct oval_doc *doc = load_ok(doc_vars);
	struct oval_values v;

	/*
	 * variable_object over an unbound external variable: one item that
	 * names the variable and has no value, so a state on the value is
	 * unknown.  A variable that refers to itself likewise.
	 */
	ck_assert_int_eq(oval_session_new(doc, NULL, &s, &err), 0);
	ck_assert_int_eq(eval_one(s, "oval:t:def:1"), OVAL_R_UNKNOWN);
	ck_assert_int_eq(oval_session_obj(s, oval_doc_get(doc,
	    "oval:t:obj:1"))->items.n, 1);
	ck_assert_int_eq(eval_one(s, "oval:t:def:2"), OVAL_R_TRUE);
	/* An object entity from an unbound variable: no value, so the
	 * object does not exist; from a reference cycle: an error. */
	ck_assert_int_eq(eval_one(s, "oval:t:def:4"), OVAL_R_FALSE);
	ck_assert_int_eq(oval_session_obj(s, oval_doc_get(doc,
	    "oval:t:obj:4"))->flag, OVAL_FLAG_DOES_NOT_EXIST);
	ck_assert_int_eq(eval_one(s, "oval:t:def:5"), OVAL_R_ERROR);
	oval_session_free(s);

	ck_assert_int_eq(oval_session_new(doc, NULL, &s, &err), 0);
	oval_values_init(&v, OVAL_DT_STRING);
	ck_assert_int_eq(oval_values_add(&v, "a"), 0);
	ck_assert_int_eq(oval_session_set_external(s, "oval:t:var:1", &v,
	    &err), 0);
	ck_assert_int_eq(oval_session_set_external(s, "oval:t:var:4", &v,
	    &err), 0);
	oval_values_clear(&v);
	ck_assert_int_eq(eval_one(s, "oval:t:def:1"), OVAL_R_TRUE);
	/* "a" is not among var 4's possible values: error. */
	ck_assert_int_eq(eval_one(s, "oval:t:def:3"), OVAL_R_ERROR);
	oval_session_free(s);
	oval_doc_free(doc);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_criteria_and_sets);
	tcase_add_test(tc, test_results_document);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_variables);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;
	char cmd[600];

	if (mkdtemp(tmpdir) == NULL)
		return EXIT_FAILURE;
	sr = srunner_create(engine_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		failed++;
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
