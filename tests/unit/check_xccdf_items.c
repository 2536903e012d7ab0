/*
 * check_xccdf_items.c - the items behind a rule result and their
 * digest: the canonical text of docs/json-results.md hashed by hand
 * here, independence from item ids, order and duplicates, sensitivity
 * to every value, status and field; the walk over the XCCDF fixture
 * (tests/fixtures/xccdf/README) and over extend_definition cycles with
 * negations; the UTF-8 checker the writers use.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <openssl/evp.h>

#include "plumb/error.h"
#include "plumb/item.h"
#include "xccdf.h"
#include "xccdf_items.h"

#define R(x)	"xccdf_org.plumb_rule_" x

static char tmpdir[] = "/tmp/plumb-check-items-XXXXXX";
static char fixdir[1024];

/* "sha256:" + hex of SHA-256(s), computed directly. */
static void
sha_of(const char *s, char out[XCCDF_DIGEST_STRLEN])
{
	unsigned char d[32];
	unsigned int n = 0, i;

	ck_assert_int_eq(EVP_Digest(s, strlen(s), d, &n, EVP_sha256(), NULL),
	    1);
	ck_assert_uint_eq(n, 32);
	strcpy(out, "sha256:");
	for (i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

static struct oval_item *
tfc(const char *path, const char *sub)
{
	struct oval_item *it = oval_item_new(OVAL_NS_SC_IND,
	    "textfilecontent_item");

	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(oval_item_add(it, "filepath", OVAL_DT_STRING, path),
	    0);
	ck_assert_int_eq(oval_item_add(it, "instance", OVAL_DT_INT, "1"), 0);
	if (sub != NULL)
		ck_assert_int_eq(oval_item_add(it, "subexpression",
		    OVAL_DT_STRING, sub), 0);
	return it;
}

static void
dig(const struct oval_item *const *v, size_t n, char out[XCCDF_DIGEST_STRLEN])
{
	struct plumb_err err = { 0, "" };

	ck_assert_int_eq(xccdf_items_digest(v, n, out, &err), PLUMB_OK);
}

/* The canonical text as documented, hashed here independently. */
START_TEST(test_digest_by_hand)
{
	struct oval_item *a = tfc("/etc/app.conf", "strict");
	const struct oval_item *v[1];
	char got[XCCDF_DIGEST_STRLEN], want[XCCDF_DIGEST_STRLEN];

	v[0] = a;
	dig(v, 1, got);
	sha_of("plumb-items-digest-v1\n"
	    "item http://oval.mitre.org/XMLSchema/oval-system-characteristics-5"
	    "#independent textfilecontent_item exists\n"
	    "field filepath string exists =/etc/app.conf\n"
	    "field instance int exists =1\n"
	    "field subexpression string exists =strict\n"
	    "end\n", want);
	ck_assert_str_eq(got, want);
	oval_item_unref(a);
}
END_TEST

/* Separators inside values are %-escaped, absent values are "-". */
START_TEST(test_digest_escapes_by_hand)
{
	struct oval_item *a = oval_item_new(OVAL_NS_SC_UNIX, "file_item");
	const struct oval_item *v[1];
	char got[XCCDF_DIGEST_STRLEN], want[XCCDF_DIGEST_STRLEN];

	ck_assert_int_eq(oval_item_add(a, "filepath", OVAL_DT_STRING,
	    "/a b\n%c"), 0);
	ck_assert_int_eq(oval_item_add(a, "empty", OVAL_DT_STRING, ""), 0);
	ck_assert_int_eq(oval_item_add_status(a, "size", OVAL_DT_INT,
	    OVAL_ST_DOES_NOT_EXIST), 0);
	v[0] = a;
	dig(v, 1, got);
	sha_of("plumb-items-digest-v1\n"
	    "item http://oval.mitre.org/XMLSchema/oval-system-characteristics-5"
	    "#unix file_item exists\n"
	    "field filepath string exists =/a%20b%0A%25c\n"
	    "field empty string exists =\n"
	    "field size int does%20not%20exist -\n"
	    "end\n", want);
	ck_assert_str_eq(got, want);
	oval_item_unref(a);
}
END_TEST

START_TEST(test_digest_order_ids_dups)
{
	struct oval_item *a = tfc("/etc/a", "1"), *b = tfc("/etc/b", "2");
	struct oval_item *a2 = tfc("/etc/a", "1");
	const struct oval_item *v[3];
	char d1[XCCDF_DIGEST_STRLEN], d2[XCCDF_DIGEST_STRLEN];
	char d3[XCCDF_DIGEST_STRLEN], d4[XCCDF_DIGEST_STRLEN];

	a->id = 7;
	b->id = 3;
	a2->id = 99;
	v[0] = a;
	v[1] = b;
	dig(v, 2, d1);
	v[0] = b;
	v[1] = a;
	dig(v, 2, d2);
	ck_assert_str_eq(d1, d2);
	/* Another object holding an equal item: same digest. */
	v[0] = b;
	v[1] = a2;
	v[2] = a;
	dig(v, 3, d3);
	ck_assert_str_eq(d1, d3);
	/* But a set of one item is another set. */
	v[0] = a;
	dig(v, 1, d4);
	ck_assert_str_ne(d1, d4);
	ck_assert_int_eq(strncmp(d1, "sha256:", 7), 0);
	ck_assert_uint_eq(strlen(d1), 71);
	ck_assert_uint_eq(strspn(d1 + 7, "0123456789abcdef"), 64);
	oval_item_unref(a);
	oval_item_unref(a2);
	oval_item_unref(b);
}
END_TEST

START_TEST(test_digest_changes)
{
	struct oval_item *a = tfc("/etc/app.conf", "3");
	struct oval_item *b = tfc("/etc/app.conf", "03");
	struct oval_item *c = tfc("/etc/app.conf", "3");
	struct oval_item *d = tfc("/etc/app.conf", NULL);
	struct oval_item *e = oval_item_new(OVAL_NS_SC_UNIX,
	    "textfilecontent_item");
	const struct oval_item *v[1];
	char da[XCCDF_DIGEST_STRLEN], db[XCCDF_DIGEST_STRLEN];
	char dc[XCCDF_DIGEST_STRLEN], dd[XCCDF_DIGEST_STRLEN];
	char de[XCCDF_DIGEST_STRLEN];

	/* Same fields, another namespace. */
	ck_assert_int_eq(oval_item_add(e, "filepath", OVAL_DT_STRING,
	    "/etc/app.conf"), 0);
	ck_assert_int_eq(oval_item_add(e, "instance", OVAL_DT_INT, "1"), 0);
	ck_assert_int_eq(oval_item_add(e, "subexpression", OVAL_DT_STRING,
	    "3"), 0);
	c->status = OVAL_ST_ERROR;
	v[0] = a;
	dig(v, 1, da);
	v[0] = b;
	dig(v, 1, db);
	v[0] = c;
	dig(v, 1, dc);
	v[0] = d;
	dig(v, 1, dd);
	v[0] = e;
	dig(v, 1, de);
	ck_assert_str_ne(da, db);	/* a value */
	ck_assert_str_ne(da, dc);	/* the item status */
	ck_assert_str_ne(da, dd);	/* a field fewer */
	ck_assert_str_ne(da, de);	/* the namespace */
	/* The message is not part of the digest. */
	ck_assert_int_eq(oval_item_set_message(a, "transient"), 0);
	v[0] = a;
	dig(v, 1, dd);
	ck_assert_str_eq(da, dd);
	oval_item_unref(a);
	oval_item_unref(b);
	oval_item_unref(c);
	oval_item_unref(d);
	oval_item_unref(e);
}
END_TEST

/* A value holding what looks like the next field must not collide
 * with an item that has that field; record sub-fields count. */
START_TEST(test_digest_unambiguous)
{
	struct oval_item *a = oval_item_new(OVAL_NS_SC_IND, "x_item");
	struct oval_item *b = oval_item_new(OVAL_NS_SC_IND, "x_item");
	struct oval_item *r1 = oval_item_new(OVAL_NS_SC_IND, "r_item");
	struct oval_item *r2 = oval_item_new(OVAL_NS_SC_IND, "r_item");
	struct oval_field *rec;
	const struct oval_item *v[1];
	char d1[XCCDF_DIGEST_STRLEN], d2[XCCDF_DIGEST_STRLEN];

	ck_assert_int_eq(oval_item_add(a, "x", OVAL_DT_STRING,
	    "a\nfield y string exists =b"), 0);
	ck_assert_int_eq(oval_item_add(b, "x", OVAL_DT_STRING, "a"), 0);
	ck_assert_int_eq(oval_item_add(b, "y", OVAL_DT_STRING, "b"), 0);
	v[0] = a;
	dig(v, 1, d1);
	v[0] = b;
	dig(v, 1, d2);
	ck_assert_str_ne(d1, d2);

	rec = oval_item_add_record(r1, "value");
	ck_assert_ptr_nonnull(rec);
	ck_assert_int_eq(oval_field_add(rec, "k", OVAL_DT_STRING, "1"), 0);
	rec = oval_item_add_record(r2, "value");
	ck_assert_ptr_nonnull(rec);
	ck_assert_int_eq(oval_field_add(rec, "k", OVAL_DT_STRING, "2"), 0);
	v[0] = r1;
	dig(v, 1, d1);
	v[0] = r2;
	dig(v, 1, d2);
	ck_assert_str_ne(d1, d2);
	oval_item_unref(a);
	oval_item_unref(b);
	oval_item_unref(r1);
	oval_item_unref(r2);
}
END_TEST

START_TEST(test_digest_empty)
{
	char d[XCCDF_DIGEST_STRLEN] = "junk";

	dig(NULL, 0, d);
	ck_assert_str_eq(d, "");
}
END_TEST

START_TEST(test_utf8)
{
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)"a", 1), 1);
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)"\xc3\xa9",
	    2), 2);
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)
	    "\xe2\x82\xac", 3), 3);
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)
	    "\xf0\x9f\x98\x80", 4), 4);
	/* overlong "/", overlong 3-byte, a surrogate, above U+10FFFF */
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)"\xc0\xaf",
	    2), 0);
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)
	    "\xe0\x80\xaf", 3), 0);
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)
	    "\xed\xa0\x80", 3), 0);
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)
	    "\xf4\x90\x80\x80", 4), 0);
	/* truncated, a lone continuation byte, 0xff */
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)"\xe2\x82",
	    2), 0);
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)"\x80", 1),
	    0);
	ck_assert_uint_eq(xccdf_utf8_seq((const unsigned char *)"\xff", 1),
	    0);
}
END_TEST

/* ------------------------------------------------------------ walks */

static struct xccdf_run *
eval_file(const char *path, const char *root, struct xccdf_content **cout)
{
	struct plumb_err err = { 0, "" };
	struct xccdf_eval_opts eo;
	struct xccdf_content *c = NULL;
	struct xccdf_run *run = NULL;
	int rc;

	rc = xccdf_content_load(path, NULL, &c, &err);
	ck_assert_msg(rc == PLUMB_OK, "load: %s", err.msg);
	rc = xccdf_resolve(c, NULL, &err);
	ck_assert_msg(rc == PLUMB_OK, "resolve: %s", err.msg);
	memset(&eo, 0, sizeof(eo));
	eo.root = root;
	rc = xccdf_eval(c, &eo, &run, &err);
	ck_assert_msg(rc == PLUMB_OK, "eval: %s", err.msg);
	*cout = c;
	return run;
}

/* The nth result (0-based) of rule id. */
static const struct xccdf_rule_res *
res_of(const struct xccdf_run *run, const char *id, size_t nth)
{
	size_t i;

	for (i = 0; i < run->nresults; i++)
		if (strcmp(run->results[i].rule->id, id) == 0 && nth-- == 0)
			return &run->results[i];
	ck_abort_msg("no result %zu for %s", nth, id);
	return NULL;
}

static void
walk(const struct xccdf_run *run, const char *id, size_t nth,
    struct xccdf_rule_items *ri)
{
	struct plumb_err err = { 0, "" };

	ck_assert_int_eq(xccdf_rule_items(res_of(run, id, nth), ri, &err),
	    PLUMB_OK);
}

static const char *
field(const struct oval_item *it, const char *name)
{
	size_t pos = 0;
	const struct oval_field *f = oval_item_field(it, name, &pos);

	return f != NULL ? f->value : NULL;
}

START_TEST(test_walk_fixture)
{
	struct xccdf_content *c = NULL;
	struct xccdf_run *run;
	struct xccdf_rule_items ri, ri2;
	struct plumb_err err = { 0, "" };
	char path[1200], root[1200];
	char d1[XCCDF_DIGEST_STRLEN], d2[XCCDF_DIGEST_STRLEN];

	snprintf(path, sizeof(path), "%s/fixture-ds.xml", fixdir);
	snprintf(root, sizeof(root), "%s/root1", fixdir);
	run = eval_file(path, root, &c);

	/* pass: def:1 -> tst:1 -> obj:1 -> the mode line, true. */
	walk(run, R("pass"), 0, &ri);
	ck_assert_uint_eq(ri.ndefs, 1);
	ck_assert_str_eq(ri.defs[0], "oval:plumb.xccdf:def:1");
	ck_assert_uint_eq(ri.ntests, 1);
	ck_assert_str_eq(ri.tests[0].test->id, "oval:plumb.xccdf:tst:1");
	ck_assert_int_eq(ri.tests[0].failing, 0);
	ck_assert_int_eq(ri.tests[0].negated, 0);
	ck_assert_uint_eq(ri.nitems, 1);
	ck_assert_int_eq(ri.items[0].has_result, 1);
	ck_assert_int_eq(ri.items[0].r, OVAL_R_TRUE);
	ck_assert_int_eq(ri.items[0].offending, 0);
	ck_assert_str_eq(field(ri.items[0].item, "subexpression"), "strict");
	ck_assert_int_eq(xccdf_rule_items_digest(&ri, d1, &err), PLUMB_OK);
	ck_assert_str_ne(d1, "");

	/* The multi-check rule's first definition (another component,
	 * other ids) collects an equal item: the same digest. */
	walk(run, R("multi"), 0, &ri2);
	ck_assert_uint_eq(ri2.ndefs, 1);
	ck_assert_str_eq(ri2.defs[0], "oval:plumb.xccdf.multi:def:1");
	ck_assert_int_eq(xccdf_rule_items_digest(&ri2, d2, &err), PLUMB_OK);
	ck_assert_str_eq(d1, d2);
	xccdf_rule_items_clear(&ri2);
	xccdf_rule_items_clear(&ri);

	/* fail: /etc/missing.conf, a failing test without items. */
	walk(run, R("fail"), 0, &ri);
	ck_assert_uint_eq(ri.ntests, 1);
	ck_assert_int_eq(ri.tests[0].failing, 1);
	ck_assert_uint_eq(ri.nitems, 0);
	ck_assert_int_eq(xccdf_rule_items_digest(&ri, d1, &err), PLUMB_OK);
	ck_assert_str_eq(d1, "");
	xccdf_rule_items_clear(&ri);

	/* complex_neg: negate(AND(def:1, def:4)): both true tests are
	 * negated, hence failing, and their matching items offend. */
	walk(run, R("complex_neg"), 0, &ri);
	ck_assert_uint_eq(ri.ndefs, 2);
	ck_assert_str_eq(ri.defs[0], "oval:plumb.xccdf:def:1");
	ck_assert_str_eq(ri.defs[1], "oval:plumb.xccdf:def:4");
	ck_assert_uint_eq(ri.ntests, 2);
	ck_assert_int_eq(ri.tests[0].negated, 1);
	ck_assert_int_eq(ri.tests[0].failing, 1);
	ck_assert_int_eq(ri.tests[1].failing, 1);
	ck_assert_uint_eq(ri.nitems, 2);
	ck_assert_int_eq(ri.items[0].offending, 1);
	ck_assert_int_eq(ri.items[1].offending, 1);
	xccdf_rule_items_clear(&ri);

	/* complex_and: AND(def:1, negate(def:2)): def:2's false test is
	 * negated, so nothing fails. */
	walk(run, R("complex_and"), 0, &ri);
	ck_assert_uint_eq(ri.ntests, 2);
	ck_assert_int_eq(ri.tests[0].failing, 0);
	ck_assert_int_eq(ri.tests[1].negated, 1);
	ck_assert_int_eq(ri.tests[1].failing, 0);
	xccdf_rule_items_clear(&ri);

	/* all: a reference without a name names every definition. */
	walk(run, R("all"), 0, &ri);
	ck_assert_uint_eq(ri.ndefs, 2);
	ck_assert_str_eq(ri.defs[1], "oval:plumb.xccdf.multi:def:2");
	ck_assert_uint_eq(ri.ntests, 2);
	xccdf_rule_items_clear(&ri);

	/* ocil: no OVAL check, an empty walk; missing_def names def:99. */
	walk(run, R("ocil"), 0, &ri);
	ck_assert_uint_eq(ri.ndefs + ri.ntests + ri.nitems, 0);
	xccdf_rule_items_clear(&ri);
	walk(run, R("missing_def"), 0, &ri);
	ck_assert_uint_eq(ri.ndefs, 1);
	ck_assert_str_eq(ri.defs[0], "oval:plumb.xccdf:def:99");
	ck_assert_uint_eq(ri.ntests, 0);
	xccdf_rule_items_clear(&ri);

	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

static const char cyc_xccdf[] =
"<?xml version=\"1.0\"?>\n"
"<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\" "
"id=\"xccdf_org.plumb_benchmark_cyc\"><status>draft</status>"
"<version>1</version>"
"<Rule id=\"xccdf_org.plumb_rule_cyc\" selected=\"true\"><title>c</title>"
"<check system=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\">"
"<check-content-ref href=\"cyc-oval.xml\" name=\"oval:x:def:1\"/></check>"
"</Rule></Benchmark>\n";

/* def:1 = AND(ext def:2, ext def:3); def:2 = AND(ext def:1, NOT tst:1);
 * def:3 = AND(ext def:2, tst:1): a cycle and a diamond. */
static const char cyc_oval[] =
"<?xml version=\"1.0\"?>\n"
"<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/"
"oval-definitions-5\" xmlns:oval=\"http://oval.mitre.org/XMLSchema/"
"oval-common-5\" xmlns:ind=\"http://oval.mitre.org/XMLSchema/"
"oval-definitions-5#independent\">"
"<generator><oval:schema_version>5.11.1</oval:schema_version>"
"<oval:timestamp>2024-01-01T00:00:00</oval:timestamp></generator>"
"<definitions>"
"<definition id=\"oval:x:def:1\" version=\"1\" class=\"compliance\">"
"<metadata><title>1</title><description>1</description></metadata>"
"<criteria><extend_definition definition_ref=\"oval:x:def:2\"/>"
"<extend_definition definition_ref=\"oval:x:def:3\"/></criteria>"
"</definition>"
"<definition id=\"oval:x:def:2\" version=\"1\" class=\"compliance\">"
"<metadata><title>2</title><description>2</description></metadata>"
"<criteria><extend_definition definition_ref=\"oval:x:def:1\"/>"
"<criterion test_ref=\"oval:x:tst:1\" negate=\"true\"/></criteria>"
"</definition>"
"<definition id=\"oval:x:def:3\" version=\"1\" class=\"compliance\">"
"<metadata><title>3</title><description>3</description></metadata>"
"<criteria><extend_definition definition_ref=\"oval:x:def:2\"/>"
"<criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>"
"</definitions><tests>"
"<ind:textfilecontent54_test id=\"oval:x:tst:1\" version=\"1\" "
"check=\"all\" check_existence=\"at_least_one_exists\" comment=\"m\">"
"<ind:object object_ref=\"oval:x:obj:1\"/>"
"<ind:state state_ref=\"oval:x:ste:1\"/></ind:textfilecontent54_test>"
"</tests><objects>"
"<ind:textfilecontent54_object id=\"oval:x:obj:1\" version=\"1\">"
"<ind:filepath>/etc/app.conf</ind:filepath>"
"<ind:pattern operation=\"pattern match\">^(\\w+)=</ind:pattern>"
"<ind:instance datatype=\"int\" operation=\"greater than or equal\">1"
"</ind:instance></ind:textfilecontent54_object></objects><states>"
"<ind:textfilecontent54_state id=\"oval:x:ste:1\" version=\"1\">"
"<ind:subexpression>mode</ind:subexpression>"
"</ind:textfilecontent54_state></states></oval_definitions>\n";

static void
write_tmp(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_walk_cycle)
{
	struct xccdf_content *c = NULL;
	struct xccdf_run *run;
	struct xccdf_rule_items ri;
	char path[1200], root[1200];
	size_t i, off = 0;

	write_tmp("cyc.xml", cyc_xccdf);
	write_tmp("cyc-oval.xml", cyc_oval);
	snprintf(path, sizeof(path), "%s/cyc.xml", tmpdir);
	snprintf(root, sizeof(root), "%s/root1", fixdir);
	run = eval_file(path, root, &c);
	walk(run, "xccdf_org.plumb_rule_cyc", 0, &ri);
	ck_assert_uint_eq(ri.ndefs, 1);
	/* tst:1 is reached negated (through def:2) and plain (def:3):
	 * once each, however often the cycle and the diamond lead there. */
	ck_assert_uint_eq(ri.ntests, 2);
	ck_assert_str_eq(ri.tests[0].test->id, "oval:x:tst:1");
	ck_assert_int_eq(ri.tests[0].negated, 1);
	ck_assert_int_eq(ri.tests[1].negated, 0);
	/* app.conf: "mode=", "max_retries=" lines; state wants "mode". */
	ck_assert_uint_eq(ri.nitems, 4);
	/* tst:1 is false (max_retries is not "mode"): negated it holds,
	 * plain it fails, with the max_retries item as the offender. */
	ck_assert_int_eq(ri.tests[0].failing, 0);
	ck_assert_int_eq(ri.tests[1].failing, 1);
	for (i = 0; i < ri.nitems; i++) {
		ck_assert_int_eq(ri.items[i].has_result, 1);
		if (!ri.items[i].offending)
			continue;
		ck_assert_uint_eq(ri.items[i].test, 1);
		ck_assert_int_eq(ri.items[i].r, OVAL_R_FALSE);
		ck_assert_str_eq(field(ri.items[i].item, "subexpression"),
		    "max_retries");
		off++;
	}
	ck_assert_uint_eq(off, 1);
	xccdf_rule_items_clear(&ri);
	xccdf_rule_items_clear(NULL);
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

static Suite *
items_suite(void)
{
	Suite *s = suite_create("xccdf_items");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_digest_by_hand);
	tcase_add_test(tc, test_digest_escapes_by_hand);
	tcase_add_test(tc, test_digest_order_ids_dups);
	tcase_add_test(tc, test_digest_changes);
	tcase_add_test(tc, test_digest_unambiguous);
	tcase_add_test(tc, test_digest_empty);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_walk_fixture);
	tcase_add_test(tc, test_walk_cycle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char cmd[128];
	SRunner *sr;
	int failed;

	snprintf(fixdir, sizeof(fixdir), "%s/tests/fixtures/xccdf",
	    top != NULL ? top : ".");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	xmlInitParser();
	sr = srunner_create(items_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	xmlCleanupParser();
	return failed == 0 ? 0 : 1;
}
