/*
 * check_xccdf.c - the XCCDF policy layer: data stream and standalone
 * loading, profile resolution (extends, clusters, refine-value,
 * refine-rule, set-value, tailoring), evaluation (check-export,
 * complex-check truth tables, multi-check, CPE applicability, roles,
 * requires/conflicts, --rule/--skip-rule), the four scores and the
 * error messages for bad input.  Expected values are worked out by hand
 * from the XCCDF 1.2 specification (NIST IR 7275 r4); see
 * tests/fixtures/xccdf/README for the fixture's rules.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "plumb/error.h"
#include "xccdf.h"

#define R(x)	"xccdf_org.plumb_rule_" x
#define PROF(x)	"xccdf_org.plumb_profile_" x

static char tmpdir[] = "/tmp/plumb-check-xccdf-XXXXXX";
static char fixdir[1024];

static const char *
fix(const char *name)
{
	static char path[8][1200];
	static int k;

	k = (k + 1) % 8;
	snprintf(path[k], sizeof(path[k]), "%s/%s", fixdir, name);
	return path[k];
}

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

/* Load path with opts, resolve profile, evaluate under root. */
static struct xccdf_run *
run_with(const char *path, const struct xccdf_load_opts *lo,
    const char *profile, const char *root, const char *const *rules,
    size_t nrules, const char *const *skips, size_t nskips,
    struct xccdf_content **cout)
{
	struct plumb_err err = { 0, "" };
	struct xccdf_eval_opts eo;
	struct xccdf_content *c = NULL;
	struct xccdf_run *run = NULL;
	int rc;

	rc = xccdf_content_load(path, lo, &c, &err);
	ck_assert_msg(rc == PLUMB_OK, "load: %s", err.msg);
	rc = xccdf_resolve(c, profile, &err);
	ck_assert_msg(rc == PLUMB_OK, "resolve: %s", err.msg);
	memset(&eo, 0, sizeof(eo));
	eo.root = root;
	eo.rules = rules;
	eo.nrules = nrules;
	eo.skip_rules = skips;
	eo.nskip_rules = nskips;
	rc = xccdf_eval(c, &eo, &run, &err);
	ck_assert_msg(rc == PLUMB_OK, "eval: %s", err.msg);
	*cout = c;
	return run;
}

static struct xccdf_run *
run_ds(const char *profile, const char *root, struct xccdf_content **c)
{
	return run_with(fix("fixture-ds.xml"), NULL, profile, fix(root),
	    NULL, 0, NULL, 0, c);
}

/* The nth result of a rule (multi-check rules have several). */
static const struct xccdf_rule_res *
res_of(const struct xccdf_run *run, const char *id, int nth)
{
	size_t i;

	for (i = 0; i < run->nresults; i++)
		if (strcmp(run->results[i].rule->id, id) == 0 && nth-- == 0)
			return &run->results[i];
	ck_abort_msg("no result for %s", id);
	return NULL;
}

static void
expect(const struct xccdf_run *run, const char *id, enum xccdf_result r)
{
	const struct xccdf_rule_res *rr = res_of(run, id, 0);

	ck_assert_msg(rr->r == r, "%s: got %s, want %s", id,
	    xccdf_result_name(rr->r), xccdf_result_name(r));
}

static void
close_to(double got, double want, const char *what)
{
	ck_assert_msg(fabs(got - want) < 1e-6, "%s: got %f, want %f", what,
	    got, want);
}

/* ------------------------------------------------------------- tests */

START_TEST(test_names)
{
	ck_assert_str_eq(xccdf_result_name(XCCDF_R_PASS), "pass");
	ck_assert_str_eq(xccdf_result_name(XCCDF_R_NOTAPPLICABLE),
	    "notapplicable");
	ck_assert_str_eq(xccdf_result_name(XCCDF_R_NOTSELECTED),
	    "notselected");
	ck_assert_str_eq(xccdf_result_name(XCCDF_R_FIXED), "fixed");
	ck_assert_str_eq(xccdf_severity_name(XCCDF_SEV_HIGH), "high");
	ck_assert_str_eq(xccdf_role_name(XCCDF_ROLE_UNSCORED), "unscored");
	ck_assert_str_eq(xccdf_score_system(XCCDF_SCORE_FLAT_UNWEIGHTED),
	    "urn:xccdf:scoring:flat-unweighted");
	/* XCCDF 1.2 table: OVAL definition result -> rule result. */
	ck_assert_int_eq(xccdf_from_oval(OVAL_R_TRUE), XCCDF_R_PASS);
	ck_assert_int_eq(xccdf_from_oval(OVAL_R_FALSE), XCCDF_R_FAIL);
	ck_assert_int_eq(xccdf_from_oval(OVAL_R_ERROR), XCCDF_R_ERROR);
	ck_assert_int_eq(xccdf_from_oval(OVAL_R_UNKNOWN), XCCDF_R_UNKNOWN);
	ck_assert_int_eq(xccdf_from_oval(OVAL_R_NOT_APPLICABLE),
	    XCCDF_R_NOTAPPLICABLE);
	ck_assert_int_eq(xccdf_from_oval(OVAL_R_NOT_EVALUATED),
	    XCCDF_R_NOTCHECKED);
}
END_TEST

START_TEST(test_load_ds)
{
	struct plumb_err err = { 0, "" };
	struct xccdf_content *c = NULL;
	struct xccdf_benchmark *bm;
	struct xccdf_item *it;
	int rc;

	rc = xccdf_content_load(fix("fixture-ds.xml"), NULL, &c, &err);
	ck_assert_msg(rc == PLUMB_OK, "%s", err.msg);
	ck_assert(xccdf_content_is_ds(c));
	ck_assert_str_eq(xccdf_content_stream_id(c),
	    "scap_org.plumb_datastream_fixture");
	ck_assert_str_eq(xccdf_content_checklist_id(c),
	    "scap_org.plumb_cref_fixture-xccdf.xml");
	bm = xccdf_content_benchmark(c);
	ck_assert_str_eq(bm->id, "xccdf_org.plumb_benchmark_fixture");
	ck_assert_str_eq(bm->title, "plumb XCCDF fixture");
	ck_assert_str_eq(bm->version, "1.0");
	ck_assert_str_eq(bm->status, "draft");
	ck_assert_str_eq(bm->ns, XCCDF_NS_12);
	ck_assert_uint_eq(bm->nplatforms, 1);
	ck_assert_str_eq(bm->platforms[0], "cpe:/o:plumb:testos:1");
	ck_assert_uint_eq(bm->nprofiles, 2);
	ck_assert_uint_eq(bm->nitems, 4);	/* four top-level Groups */
	ck_assert_uint_eq(bm->nrules, 27);	/* the abstract one left out */
	ck_assert_uint_eq(bm->nvalues, 1);

	it = xccdf_find_item(c, R("export"));
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->kind, XCCDF_ITEM_RULE);
	ck_assert_str_eq(it->parent->id, "xccdf_org.plumb_group_main");
	ck_assert_uint_eq(it->nchecks, 1);
	ck_assert_uint_eq(it->checks[0].nexports, 1);
	ck_assert_str_eq(it->checks[0].exports[0].value_id,
	    "xccdf_org.plumb_value_retries");
	ck_assert_str_eq(it->checks[0].exports[0].export_name,
	    "oval:plumb.xccdf:var:1");
	ck_assert_str_eq(it->checks[0].refs[0].href, "fixture-oval.xml");
	ck_assert_str_eq(it->checks[0].refs[0].name, "oval:plumb.xccdf:def:3");

	it = xccdf_find_item(c, R("complex_and"));
	ck_assert(it->checks[0].complex);
	ck_assert_int_eq(it->checks[0].op, XCCDF_OP_AND);
	ck_assert_uint_eq(it->checks[0].nkids, 2);
	ck_assert(!it->checks[0].kids[0].negate);
	ck_assert(it->checks[0].kids[1].negate);

	it = xccdf_find_item(c, R("multi"));
	ck_assert(it->checks[0].multi_check);
	ck_assert_ptr_null(it->checks[0].refs[0].name);

	it = xccdf_find_item(c, R("requires_ok"));
	ck_assert_uint_eq(it->nrequires, 1);
	ck_assert_str_eq(it->requires[0][0], R("unselected"));
	ck_assert_str_eq(it->requires[0][1], R("pass"));
	ck_assert_ptr_null(it->requires[0][2]);

	it = xccdf_find_item(c, R("heavy"));
	close_to(it->weight, 3, "heavy weight");
	ck_assert_str_eq(it->cluster_id, "heavy");
	it = xccdf_find_item(c, "xccdf_org.plumb_group_off");
	ck_assert_int_eq(it->kind, XCCDF_ITEM_GROUP);
	ck_assert(!it->selected);
	ck_assert_ptr_null(xccdf_find_item(c, R("nothere")));
	xccdf_content_free(c);
}
END_TEST

START_TEST(test_resolve_strict)
{
	struct plumb_err err = { 0, "" };
	struct xccdf_content *c = NULL;
	const struct xccdf_profile *p;
	struct xccdf_item *it;
	struct xccdf_value *v;
	int rc;

	rc = xccdf_content_load(fix("fixture-ds.xml"), NULL, &c, &err);
	ck_assert_msg(rc == PLUMB_OK, "%s", err.msg);
	rc = xccdf_resolve(c, PROF("strict"), &err);
	ck_assert_msg(rc == PLUMB_OK, "%s", err.msg);
	p = xccdf_content_profile(c);
	ck_assert_str_eq(p->id, PROF("strict"));
	/* Base's two selects come first, then strict's own. */
	ck_assert_uint_eq(p->nselects, 3);
	ck_assert_str_eq(p->selects[0].idref, R("fail"));
	ck_assert_str_eq(p->selects[2].idref, "heavy");
	ck_assert_uint_eq(p->nrefine_rules, 2);
	v = xccdf_find_value(c, "xccdf_org.plumb_value_retries");
	ck_assert_str_eq(v->selector, "five");
	ck_assert_str_eq(v->chosen, "5");
	ck_assert_str_eq(xccdf_value_effective(v), "5");
	it = xccdf_find_item(c, R("pass"));
	ck_assert_int_eq(it->severity, XCCDF_SEV_HIGH);	/* base */
	ck_assert_int_eq(it->role, XCCDF_ROLE_UNCHECKED);	/* strict */
	ck_assert(!xccdf_find_item(c, R("fail"))->selected);
	ck_assert(xccdf_find_item(c, R("unselected"))->selected);
	ck_assert(!xccdf_find_item(c, R("heavy"))->selected);	/* cluster */
	/* Rule extends: the abstract base gives severity and check. */
	it = xccdf_find_item(c, R("ext"));
	ck_assert_int_eq(it->severity, XCCDF_SEV_HIGH);
	ck_assert_uint_eq(it->nchecks, 1);
	ck_assert_str_eq(it->checks[0].refs[0].name, "oval:plumb.xccdf:def:1");
	/* A second resolution of the same content is refused. */
	ck_assert_int_eq(xccdf_resolve(c, NULL, &err), PLUMB_EINVAL);
	xccdf_content_free(c);
}
END_TEST

START_TEST(test_eval_all)
{
	struct xccdf_content *c;
	struct xccdf_run *run = run_ds(NULL, "root1", &c);
	const struct xccdf_rule_res *rr;

	ck_assert_ptr_null(run->profile);
	ck_assert(run->platform_ok);
	/* 27 rules, rule_multi twice. */
	ck_assert_uint_eq(run->nresults, 28);
	ck_assert_uint_eq(run->counts[XCCDF_R_PASS], 10);
	ck_assert_uint_eq(run->counts[XCCDF_R_FAIL], 7);
	ck_assert_uint_eq(run->counts[XCCDF_R_NOTCHECKED], 3);
	ck_assert_uint_eq(run->counts[XCCDF_R_ERROR], 1);
	ck_assert_uint_eq(run->counts[XCCDF_R_INFORMATIONAL], 1);
	ck_assert_uint_eq(run->counts[XCCDF_R_NOTAPPLICABLE], 2);
	ck_assert_uint_eq(run->counts[XCCDF_R_NOTSELECTED], 4);
	ck_assert(xccdf_run_failed(run));

	expect(run, R("pass"), XCCDF_R_PASS);
	expect(run, R("fail"), XCCDF_R_FAIL);
	expect(run, R("export"), XCCDF_R_PASS);
	/* AND(pass, not fail) = pass; OR(fail, notchecked) = fail;
	 * not AND(pass, pass) = fail. */
	expect(run, R("complex_and"), XCCDF_R_PASS);
	expect(run, R("complex_or"), XCCDF_R_FAIL);
	expect(run, R("complex_neg"), XCCDF_R_FAIL);
	ck_assert_int_eq(res_of(run, R("multi"), 0)->r, XCCDF_R_PASS);
	ck_assert_int_eq(res_of(run, R("multi"), 1)->r, XCCDF_R_FAIL);
	ck_assert_str_eq(res_of(run, R("multi"), 1)->multi_def,
	    "oval:plumb.xccdf.multi:def:2");
	expect(run, R("all"), XCCDF_R_FAIL);	/* AND(pass, fail) */
	expect(run, R("ocil"), XCCDF_R_NOTCHECKED);
	expect(run, R("prefer_oval"), XCCDF_R_PASS);
	expect(run, R("unchecked"), XCCDF_R_NOTCHECKED);
	expect(run, R("unscored"), XCCDF_R_INFORMATIONAL);
	ck_assert_int_eq(res_of(run, R("unscored"), 0)->check.r,
	    XCCDF_R_FAIL);
	expect(run, R("na"), XCCDF_R_NOTAPPLICABLE);
	expect(run, R("feature"), XCCDF_R_PASS);
	expect(run, R("feature2"), XCCDF_R_PASS);
	expect(run, R("unselected"), XCCDF_R_NOTSELECTED);
	expect(run, R("requires"), XCCDF_R_NOTSELECTED);
	expect(run, R("requires_ok"), XCCDF_R_PASS);
	expect(run, R("conflicts"), XCCDF_R_NOTSELECTED);
	expect(run, R("heavy"), XCCDF_R_FAIL);
	expect(run, R("missing_def"), XCCDF_R_ERROR);
	expect(run, R("nocheck"), XCCDF_R_NOTCHECKED);
	expect(run, R("ext"), XCCDF_R_PASS);
	expect(run, R("in_off"), XCCDF_R_NOTSELECTED);
	expect(run, R("in_na"), XCCDF_R_NOTAPPLICABLE);
	expect(run, R("w_pass"), XCCDF_R_PASS);
	expect(run, R("w_fail"), XCCDF_R_FAIL);

	/* What the writers reach: the definition and its session. */
	rr = res_of(run, R("pass"), 0);
	ck_assert_ptr_eq(rr->check.check,
	    &xccdf_find_item(c, R("pass"))->checks[0]);
	ck_assert_str_eq(rr->check.def_id, "oval:plumb.xccdf:def:1");
	ck_assert_ptr_nonnull(rr->check.def);
	ck_assert_int_eq(rr->check.def->r, OVAL_R_TRUE);
	ck_assert_ptr_nonnull(rr->check.comp);
	ck_assert_ptr_nonnull(rr->check.comp->session);
	ck_assert_str_eq(rr->check.comp->comp_id,
	    "scap_org.plumb_comp_fixture-oval.xml");
	/* One session per component, shared by the rules. */
	ck_assert_ptr_eq(res_of(run, R("fail"), 0)->check.comp,
	    rr->check.comp);
	rr = res_of(run, R("export"), 0);
	ck_assert_uint_eq(rr->check.nexports, 1);
	ck_assert_str_eq(rr->check.exports[0].value, "3");
	rr = res_of(run, R("complex_and"), 0);
	ck_assert_uint_eq(rr->check.nkids, 2);
	ck_assert_int_eq(rr->check.kids[1].r, XCCDF_R_PASS);	/* negated */
	/* oval, multi-oval and the CPE OVAL component were loaded. */
	ck_assert_uint_eq(xccdf_content_oval_count(c), 3);

	/*
	 * Scores by hand.  Default: group_main counts 15 rules (weight 1,
	 * heavy 3): 8 pass at 100, rule_multi 50 (one of its two results
	 * passed), rule_missing_def error at 0, so 850 / 17 = 50;
	 * group_weighted 50 at weight 2; the benchmark (50 * 1 + 50 * 2) /
	 * 3 = 50.  Flat: 18 results count, weight 20, 10 passed.
	 */
	close_to(run->scores[XCCDF_SCORE_DEFAULT].score, 50, "default");
	close_to(run->scores[XCCDF_SCORE_DEFAULT].max, 100, "default max");
	close_to(run->scores[XCCDF_SCORE_FLAT].score, 10, "flat");
	close_to(run->scores[XCCDF_SCORE_FLAT].max, 20, "flat max");
	close_to(run->scores[XCCDF_SCORE_FLAT_UNWEIGHTED].score, 10,
	    "flat-unweighted");
	close_to(run->scores[XCCDF_SCORE_FLAT_UNWEIGHTED].max, 18,
	    "flat-unweighted max");
	close_to(run->scores[XCCDF_SCORE_ABSOLUTE].score, 0, "absolute");
	close_to(run->scores[XCCDF_SCORE_ABSOLUTE].max, 1, "absolute max");
	ck_assert_str_eq(run->scores[XCCDF_SCORE_DEFAULT].system,
	    "urn:xccdf:scoring:default");
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

START_TEST(test_eval_strict)
{
	struct xccdf_content *c;
	struct xccdf_run *run = run_ds(PROF("strict"), "root1", &c);
	const struct xccdf_rule_res *rr;

	ck_assert_str_eq(run->profile->id, PROF("strict"));
	expect(run, R("pass"), XCCDF_R_NOTCHECKED);
	expect(run, R("fail"), XCCDF_R_NOTSELECTED);
	expect(run, R("heavy"), XCCDF_R_NOTSELECTED);
	expect(run, R("unselected"), XCCDF_R_PASS);
	expect(run, R("requires"), XCCDF_R_PASS);
	rr = res_of(run, R("export"), 0);
	ck_assert_int_eq(rr->r, XCCDF_R_FAIL);
	ck_assert_str_eq(rr->check.exports[0].value, "5");
	ck_assert_int_eq(rr->severity, XCCDF_SEV_UNKNOWN);
	ck_assert_int_eq(res_of(run, R("pass"), 0)->severity, XCCDF_SEV_HIGH);
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

START_TEST(test_tailoring)
{
	struct xccdf_load_opts lo;
	struct xccdf_content *c;
	struct xccdf_run *run;
	const struct xccdf_profile *p;

	memset(&lo, 0, sizeof(lo));
	lo.tailoring_file = fix("tailoring.xml");
	run = run_with(fix("fixture-ds.xml"), &lo, PROF("tailored"),
	    fix("root1"), NULL, 0, NULL, 0, &c);
	ck_assert_ptr_nonnull(xccdf_content_tailoring(c));
	p = xccdf_content_profile(c);
	ck_assert(p->from_tailoring);
	ck_assert_str_eq(p->title, "Tailored");
	expect(run, R("in_off"), XCCDF_R_PASS);		/* group selected */
	expect(run, R("export"), XCCDF_R_FAIL);		/* set-value 4 */
	ck_assert_str_eq(res_of(run, R("export"), 0)->check.exports[0].value,
	    "4");
	expect(run, R("fail"), XCCDF_R_NOTSELECTED);	/* from base */
	xccdf_run_free(run);
	xccdf_content_free(c);

	/* A tailoring component of the stream that shadows "base". */
	memset(&lo, 0, sizeof(lo));
	lo.tailoring_id = "scap_org.plumb_cref_fixture-tailoring.xml";
	run = run_with(fix("fixture-ds.xml"), &lo, PROF("base"),
	    fix("root1"), NULL, 0, NULL, 0, &c);
	p = xccdf_content_profile(c);
	ck_assert(p->from_tailoring);
	expect(run, R("ocil"), XCCDF_R_NOTSELECTED);
	expect(run, R("fail"), XCCDF_R_NOTSELECTED);	/* shadowed base */
	expect(run, R("unselected"), XCCDF_R_PASS);
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

START_TEST(test_rule_options)
{
	static const char *const only[] = { R("unselected") };
	static const char *const skip[] = { R("fail"), R("pass") };
	struct xccdf_content *c;
	struct xccdf_run *run;

	run = run_with(fix("fixture-ds.xml"), NULL, NULL, fix("root1"),
	    only, 1, NULL, 0, &c);
	ck_assert_uint_eq(run->nresults, 27);
	ck_assert_uint_eq(run->counts[XCCDF_R_PASS], 1);
	ck_assert_uint_eq(run->counts[XCCDF_R_NOTSELECTED], 26);
	expect(run, R("unselected"), XCCDF_R_PASS);
	ck_assert(!xccdf_run_failed(run));
	xccdf_run_free(run);
	xccdf_content_free(c);

	run = run_with(fix("fixture-ds.xml"), NULL, NULL, fix("root1"),
	    NULL, 0, skip, 2, &c);
	expect(run, R("fail"), XCCDF_R_NOTSELECTED);
	expect(run, R("pass"), XCCDF_R_NOTSELECTED);
	/* --skip-rule keeps rule_pass selected for requires: only its
	 * evaluation is skipped. */
	expect(run, R("requires_ok"), XCCDF_R_PASS);
	expect(run, R("export"), XCCDF_R_PASS);
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

START_TEST(test_not_applicable_root)
{
	struct xccdf_content *c;
	struct xccdf_run *run = run_ds(NULL, "root2", &c);
	size_t i;

	ck_assert(!run->platform_ok);
	for (i = 0; i < run->nresults; i++) {
		const struct xccdf_rule_res *rr = &run->results[i];

		if (rr->r == XCCDF_R_NOTSELECTED)
			continue;
		if (strcmp(rr->rule->id, R("unchecked")) == 0)
			ck_assert_int_eq(rr->r, XCCDF_R_NOTCHECKED);
		else
			ck_assert_msg(rr->r == XCCDF_R_NOTAPPLICABLE,
			    "%s: %s", rr->rule->id, xccdf_result_name(rr->r));
	}
	ck_assert(!xccdf_run_failed(run));
	/* Nothing counted: every score is 0 of its maximum, absolute 1. */
	close_to(run->scores[XCCDF_SCORE_DEFAULT].score, 0, "default");
	close_to(run->scores[XCCDF_SCORE_FLAT].max, 0, "flat max");
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

START_TEST(test_standalone)
{
	struct xccdf_content *c;
	struct xccdf_run *run;
	const struct xccdf_rule_res *rr;

	run = run_with(fix("standalone11.xml"), NULL, "five", fix("root1"),
	    NULL, 0, NULL, 0, &c);
	ck_assert(!xccdf_content_is_ds(c));
	ck_assert_str_eq(xccdf_content_benchmark(c)->ns, XCCDF_NS_11);
	expect(run, "pass", XCCDF_R_PASS);
	expect(run, "fail", XCCDF_R_NOTSELECTED);
	expect(run, "export", XCCDF_R_FAIL);
	expect(run, "family", XCCDF_R_PASS);
	expect(run, "off", XCCDF_R_NOTSELECTED);
	rr = res_of(run, "pass", 0);
	ck_assert_ptr_null(rr->check.comp->comp_id);
	ck_assert_ptr_nonnull(strstr(rr->check.comp->path,
	    "/standalone-oval.xml"));
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

#define TT_OVAL \
	"<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\"" \
	" xmlns:oval=\"http://oval.mitre.org/XMLSchema/oval-common-5\"" \
	" xmlns:ind=\"http://oval.mitre.org/XMLSchema/oval-definitions-5#independent\">\n" \
	"<generator><oval:schema_version>5.11</oval:schema_version></generator>\n" \
	"<definitions>\n" \
	TT_DEF(1, "<criterion test_ref=\"oval:t:tst:1\"/>") \
	TT_DEF(2, "<criterion test_ref=\"oval:t:tst:1\" negate=\"true\"/>") \
	TT_DEF(3, "<criterion test_ref=\"oval:t:tst:3\"/>") \
	TT_DEF(4, "<criterion test_ref=\"oval:t:tst:4\"/>") \
	"</definitions><tests>\n" \
	"<ind:family_test id=\"oval:t:tst:1\" version=\"1\" check=\"all\"" \
	" comment=\"c\"><ind:object object_ref=\"oval:t:obj:1\"/>" \
	"</ind:family_test>\n" \
	"<ind:family_test id=\"oval:t:tst:3\" version=\"1\" check=\"all\"" \
	" comment=\"c\"><ind:object object_ref=\"oval:t:obj:1\"/>" \
	"<ind:state state_ref=\"oval:t:ste:3\"/></ind:family_test>\n" \
	"<ind:unknown_test id=\"oval:t:tst:4\" version=\"1\" check=\"all\"" \
	" comment=\"c\"/>\n" \
	"</tests><objects><ind:family_object id=\"oval:t:obj:1\"" \
	" version=\"1\"/></objects><states><ind:family_state" \
	" id=\"oval:t:ste:3\" version=\"1\"><ind:family datatype=\"int\"" \
	" operation=\"greater than\">1</ind:family></ind:family_state>" \
	"</states></oval_definitions>\n"
#define TT_DEF(n, crit) \
	"<definition id=\"oval:t:def:" #n "\" version=\"1\" class=\"compliance\">" \
	"<metadata><title>t</title><description>d</description></metadata>" \
	"<criteria>" crit "</criteria></definition>\n"

/* Simple checks: P pass, F fail, E error, U unknown, N notchecked. */
#define CK_P "<check system=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\"><check-content-ref href=\"tt-oval.xml\" name=\"oval:t:def:1\"/></check>"
#define CK_F "<check system=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\"><check-content-ref href=\"tt-oval.xml\" name=\"oval:t:def:2\"/></check>"
#define CK_E "<check system=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\"><check-content-ref href=\"tt-oval.xml\" name=\"oval:t:def:3\"/></check>"
#define CK_U "<check system=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\"><check-content-ref href=\"tt-oval.xml\" name=\"oval:t:def:4\"/></check>"
#define CK_N "<check system=\"urn:example:other\"><check-content-ref href=\"x\"/></check>"
#define TT_RULE(id, body) \
	"<Rule id=\"xccdf_t_rule_" id "\" selected=\"true\"><title>t</title>" \
	body "</Rule>\n"
#define CC(op, neg, a, b) \
	"<complex-check operator=\"" op "\" negate=\"" neg "\">" a b \
	"</complex-check>"

START_TEST(test_truth_tables)
{
	static const struct {
		const char *id;
		enum xccdf_result r;
	} want[] = {
		/* XCCDF 1.2 AND: fail beats all; unknown beats error;
		 * notapplicable (notchecked counts as it) is neutral. */
		{ "and_pe", XCCDF_R_ERROR },
		{ "and_fe", XCCDF_R_FAIL },
		{ "and_ue", XCCDF_R_UNKNOWN },
		{ "and_pn", XCCDF_R_PASS },
		{ "and_en", XCCDF_R_ERROR },
		{ "and_nn", XCCDF_R_NOTAPPLICABLE },
		/* OR: pass beats all; unknown beats error; N neutral. */
		{ "or_pe", XCCDF_R_PASS },
		{ "or_fe", XCCDF_R_ERROR },
		{ "or_fu", XCCDF_R_UNKNOWN },
		{ "or_fn", XCCDF_R_FAIL },
		{ "or_ue", XCCDF_R_UNKNOWN },
		/* negate swaps only pass and fail. */
		{ "nand_pp", XCCDF_R_FAIL },
		{ "nor_ff", XCCDF_R_PASS },
		{ "nand_pe", XCCDF_R_ERROR },
		/* nested: OR(AND(P,F), not AND(F,F)) = OR(F, P) = P */
		{ "nested", XCCDF_R_PASS },
		/* a negated simple check */
		{ "neg_simple", XCCDF_R_PASS },
		{ "err_simple", XCCDF_R_ERROR },
		{ "unk_simple", XCCDF_R_UNKNOWN },
	};
	const char *bench =
	    "<?xml version=\"1.0\"?>\n"
	    "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\""
	    " id=\"xccdf_t_benchmark_tt\"><title>tt</title>"
	    "<version>1</version>\n"
	    TT_RULE("and_pe", CC("AND", "false", CK_P, CK_E))
	    TT_RULE("and_fe", CC("AND", "false", CK_E, CK_F))
	    TT_RULE("and_ue", CC("AND", "false", CK_E, CK_U))
	    TT_RULE("and_pn", CC("AND", "false", CK_N, CK_P))
	    TT_RULE("and_en", CC("AND", "false", CK_E, CK_N))
	    TT_RULE("and_nn", CC("AND", "false", CK_N, CK_N))
	    TT_RULE("or_pe", CC("OR", "false", CK_E, CK_P))
	    TT_RULE("or_fe", CC("OR", "false", CK_F, CK_E))
	    TT_RULE("or_fu", CC("OR", "false", CK_U, CK_F))
	    TT_RULE("or_fn", CC("OR", "false", CK_F, CK_N))
	    TT_RULE("or_ue", CC("OR", "false", CK_U, CK_E))
	    TT_RULE("nand_pp", CC("AND", "true", CK_P, CK_P))
	    TT_RULE("nor_ff", CC("OR", "true", CK_F, CK_F))
	    TT_RULE("nand_pe", CC("AND", "true", CK_P, CK_E))
	    TT_RULE("nested", CC("OR", "false", CC("AND", "false", CK_P,
		CK_F), CC("AND", "true", CK_F, CK_F)))
	    TT_RULE("neg_simple", "<check system=\"http://oval.mitre.org/"
		"XMLSchema/oval-definitions-5\" negate=\"true\">"
		"<check-content-ref href=\"tt-oval.xml\" name=\"oval:t:def:2\"/>"
		"</check>")
	    TT_RULE("err_simple", CK_E)
	    TT_RULE("unk_simple", CK_U)
	    "</Benchmark>\n";
	struct xccdf_content *c;
	struct xccdf_run *run;
	char id[128];
	size_t i;

	write_doc("tt-oval.xml", TT_OVAL);
	run = run_with(write_doc("tt.xml", bench), NULL, NULL, NULL, NULL,
	    0, NULL, 0, &c);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(id, sizeof(id), "xccdf_t_rule_%s", want[i].id);
		expect(run, id, want[i].r);
	}
	/* Scores: P counts, F/E/U count as 0, N/notchecked do not count.
	 * Counted: and_pe E, and_fe F, and_ue U, and_pn P, and_en E,
	 * or_pe P, or_fe E, or_fu U, or_fn F, or_ue U, nand_pp F,
	 * nor_ff P, nand_pe E, nested P, neg_simple P, err_simple E,
	 * unk_simple U: 17 counted, 5 passed. */
	close_to(run->scores[XCCDF_SCORE_FLAT_UNWEIGHTED].score, 5, "flat-u");
	close_to(run->scores[XCCDF_SCORE_FLAT_UNWEIGHTED].max, 17, "flat-u max");
	close_to(run->scores[XCCDF_SCORE_DEFAULT].score, 500.0 / 17.0,
	    "default");
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

START_TEST(test_selectors_extends)
{
	const char *bench =
	    "<?xml version=\"1.0\"?>\n"
	    "<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\""
	    " id=\"xccdf_t_benchmark_s\"><title>s</title>"
	    "<version>1</version>\n"
	    "<Profile id=\"xccdf_t_profile_alt\"><title>alt</title>"
	    "<refine-rule idref=\"xccdf_t_rule_sel\" selector=\"alt\"/>"
	    "<refine-value idref=\"xccdf_t_value_v\" selector=\"nope\"/>"
	    "</Profile>\n"
	    "<Profile id=\"xccdf_t_profile_zzz\"><title>zzz</title>"
	    "<refine-rule idref=\"xccdf_t_rule_sel\" selector=\"zzz\""
	    " weight=\"7\"/>"
	    "<refine-value idref=\"xccdf_t_value_v\" selector=\"big\"/>"
	    "<set-value idref=\"xccdf_t_value_w\">z</set-value>"
	    "</Profile>\n"
	    "<Value id=\"xccdf_t_value_v\"><title>v</title><value>x</value>"
	    "<value selector=\"big\">y</value></Value>\n"
	    "<Value id=\"xccdf_t_value_w\" extends=\"xccdf_t_value_v\">"
	    "<title>w</title></Value>\n"
	    "<Group id=\"xccdf_t_group_g1\" weight=\"5\" abstract=\"true\">"
	    "<title>g1</title></Group>\n"
	    "<Group id=\"xccdf_t_group_g2\" extends=\"xccdf_t_group_g1\">"
	    "<title>g2</title>\n"
	    TT_RULE("sel", "<check system=\"http://oval.mitre.org/XMLSchema/"
		"oval-definitions-5\"><check-content-ref href=\"tt-oval.xml\""
		" name=\"oval:t:def:1\"/></check>"
		"<check system=\"http://oval.mitre.org/XMLSchema/"
		"oval-definitions-5\" selector=\"alt\"><check-content-ref"
		" href=\"tt-oval.xml\" name=\"oval:t:def:2\"/></check>")
	    "</Group>\n</Benchmark>\n";
	struct xccdf_content *c;
	struct xccdf_run *run;
	const char *path;

	write_doc("tt-oval.xml", TT_OVAL);
	path = write_doc("sel.xml", bench);
	/* (all): the unselected check (def:1, true). */
	run = run_with(path, NULL, NULL, NULL, NULL, 0, NULL, 0, &c);
	expect(run, "xccdf_t_rule_sel", XCCDF_R_PASS);
	ck_assert_str_eq(xccdf_find_value(c, "xccdf_t_value_v")->chosen, "x");
	/* Value extends: w has no value of its own and inherits v's. */
	ck_assert_str_eq(xccdf_find_value(c, "xccdf_t_value_w")->chosen, "x");
	/* Group extends: g2 takes g1's weight. */
	close_to(xccdf_find_item(c, "xccdf_t_group_g2")->weight, 5, "g2");
	xccdf_run_free(run);
	xccdf_content_free(c);

	/* refine-rule selector "alt" picks the def:2 (false) check; an
	 * unknown refine-value selector falls back to the plain value. */
	run = run_with(path, NULL, "xccdf_t_profile_alt", NULL, NULL, 0,
	    NULL, 0, &c);
	expect(run, "xccdf_t_rule_sel", XCCDF_R_FAIL);
	ck_assert_str_eq(res_of(run, "xccdf_t_rule_sel", 0)->check.def_id,
	    "oval:t:def:2");
	ck_assert_str_eq(xccdf_find_value(c, "xccdf_t_value_v")->chosen, "x");
	xccdf_run_free(run);
	xccdf_content_free(c);

	/* An unknown check selector falls back to the unselected check;
	 * refine-rule weight; refine-value "big"; set-value wins. */
	run = run_with(path, NULL, "xccdf_t_profile_zzz", NULL, NULL, 0,
	    NULL, 0, &c);
	expect(run, "xccdf_t_rule_sel", XCCDF_R_PASS);
	close_to(res_of(run, "xccdf_t_rule_sel", 0)->weight, 7, "weight");
	ck_assert_str_eq(xccdf_find_value(c, "xccdf_t_value_v")->chosen, "y");
	ck_assert_str_eq(xccdf_find_value(c, "xccdf_t_value_w")->chosen, "z");
	xccdf_run_free(run);
	xccdf_content_free(c);
}
END_TEST

/* Load must fail with code and a message containing want. */
static void
load_fails(const char *name, const char *text,
    const struct xccdf_load_opts *lo, int code, const char *want)
{
	struct plumb_err err = { 0, "" };
	struct xccdf_content *c = (struct xccdf_content *)&err;
	const char *path = text != NULL ? write_doc(name, text) : name;
	int rc;

	rc = xccdf_content_load(path, lo, &c, &err);
	ck_assert_msg(rc == code, "%s: rc %d (%s), want %d", name, rc,
	    err.msg, code);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s: message '%s' "
	    "lacks '%s'", name, err.msg, want);
}

#define XB "<?xml version=\"1.0\"?>\n<Benchmark xmlns=\"http://checklists.nist.gov/xccdf/1.2\" id=\"xccdf_t_benchmark_b\">\n"

START_TEST(test_bad_input)
{
	struct xccdf_load_opts lo;
	struct plumb_err err = { 0, "" };
	struct xccdf_content *c;
	char want[600];

	load_fails("broken.xml", "<Benchmark><title>x</Benchmark>\n", NULL,
	    PLUMB_EPARSE, "broken.xml:1:");
	load_fails("other.xml", "<?xml version=\"1.0\"?>\n\n<foo/>\n", NULL,
	    PLUMB_EINVAL, "other.xml:3: not a source data stream");
	load_fails("dup.xml", XB "<Rule id=\"xccdf_t_rule_a\"/>\n"
	    "<Rule id=\"xccdf_t_rule_a\"/>\n</Benchmark>\n", NULL,
	    PLUMB_EINVAL, "dup.xml:4: duplicate item id");
	load_fails("weight.xml", XB "<Rule id=\"xccdf_t_rule_a\" "
	    "weight=\"-1\"/>\n</Benchmark>\n", NULL, PLUMB_EINVAL,
	    "weight.xml:3: bad weight");
	load_fails("cc.xml", XB "<Rule id=\"xccdf_t_rule_a\">\n"
	    "<complex-check operator=\"XOR\"/></Rule>\n</Benchmark>\n", NULL,
	    PLUMB_EINVAL, "cc.xml:4: bad complex-check operator");
	load_fails("nosys.xml", XB "<Rule id=\"xccdf_t_rule_a\">\n"
	    "<check><check-content-ref href=\"x\"/></check></Rule>\n"
	    "</Benchmark>\n", NULL, PLUMB_EINVAL,
	    "nosys.xml:4: check without system");
	load_fails(fix("nonexistent.xml"), NULL, NULL, PLUMB_EIO,
	    "nonexistent.xml");

	memset(&lo, 0, sizeof(lo));
	lo.datastream_id = "nope";
	load_fails(fix("fixture-ds.xml"), NULL, &lo, PLUMB_ENOENT,
	    "no data-stream 'nope'");
	memset(&lo, 0, sizeof(lo));
	lo.xccdf_id = "nope";
	load_fails(fix("fixture-ds.xml"), NULL, &lo, PLUMB_ENOENT,
	    "no checklist component-ref 'nope'");
	memset(&lo, 0, sizeof(lo));
	lo.benchmark_id = "nope";
	load_fails(fix("fixture-ds.xml"), NULL, &lo, PLUMB_ENOENT,
	    "no Benchmark 'nope'");
	memset(&lo, 0, sizeof(lo));
	lo.tailoring_id = "scap_org.plumb_cref_fixture-tailoring.xml";
	load_fails(fix("standalone11.xml"), NULL, &lo, PLUMB_EINVAL,
	    "needs a data stream");
	memset(&lo, 0, sizeof(lo));
	lo.tailoring_file = fix("standalone11.xml");
	load_fails(fix("fixture-ds.xml"), NULL, &lo, PLUMB_EINVAL,
	    "not an XCCDF Tailoring");

	/* The right ids select the same checklist. */
	memset(&lo, 0, sizeof(lo));
	lo.datastream_id = "scap_org.plumb_datastream_fixture";
	lo.xccdf_id = "scap_org.plumb_cref_fixture-xccdf.xml";
	lo.benchmark_id = "xccdf_org.plumb_benchmark_fixture";
	ck_assert_int_eq(xccdf_content_load(fix("fixture-ds.xml"), &lo, &c,
	    &err), PLUMB_OK);
	ck_assert_int_eq(xccdf_resolve(c, "nope", &err), PLUMB_ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "no Profile 'nope'"));
	xccdf_content_free(c);

	/* Profile extends an unknown profile. */
	ck_assert_int_eq(xccdf_content_load(write_doc("ext.xml", XB
	    "<Profile id=\"xccdf_t_profile_a\" extends=\"xccdf_t_profile_z\">"
	    "<title>a</title></Profile>\n</Benchmark>\n"), NULL, &c, &err),
	    PLUMB_OK);
	ck_assert_int_eq(xccdf_resolve(c, NULL, &err), PLUMB_EINVAL);
	snprintf(want, sizeof(want), "%s/ext.xml:3: Profile "
	    "'xccdf_t_profile_a' extends unknown Profile", tmpdir);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	xccdf_content_free(c);

	/* An unknown --rule id. */
	ck_assert_int_eq(xccdf_content_load(fix("standalone11.xml"), NULL,
	    &c, &err), PLUMB_OK);
	{
		static const char *const r[] = { "nope" };
		struct xccdf_eval_opts eo;
		struct xccdf_run *run = NULL;

		memset(&eo, 0, sizeof(eo));
		eo.rules = r;
		eo.nrules = 1;
		ck_assert_int_eq(xccdf_eval(c, &eo, &run, &err),
		    PLUMB_ENOENT);
		ck_assert_ptr_null(run);
		ck_assert_ptr_nonnull(strstr(err.msg, "no Rule 'nope'"));
	}
	xccdf_content_free(c);
	xccdf_content_free(NULL);
	xccdf_run_free(NULL);
}
END_TEST

static Suite *
xccdf_suite(void)
{
	Suite *s = suite_create("xccdf");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_load_ds);
	tcase_add_test(tc, test_resolve_strict);
	tcase_add_test(tc, test_eval_all);
	tcase_add_test(tc, test_eval_strict);
	tcase_add_test(tc, test_tailoring);
	tcase_add_test(tc, test_rule_options);
	tcase_add_test(tc, test_not_applicable_root);
	tcase_add_test(tc, test_standalone);
	tcase_add_test(tc, test_truth_tables);
	tcase_add_test(tc, test_selectors_extends);
	tcase_add_test(tc, test_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	SRunner *sr;
	int failed;

	snprintf(fixdir, sizeof(fixdir), "%s/tests/fixtures/xccdf",
	    top != NULL ? top : ".");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	xmlInitParser();
	sr = srunner_create(xccdf_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	xmlCleanupParser();
	return failed == 0 ? 0 : 1;
}
