/*
 * xccdf.h - the XCCDF 1.1/1.2 policy layer: a benchmark loaded from a
 * SCAP 1.2/1.3 source data stream or a standalone XCCDF file, resolved
 * against a profile (and tailoring), evaluated through the OVAL engine,
 * and the run/result model that the result writers consume.
 *
 * Ownership: a struct xccdf_content owns every loaded document (the
 * data stream, tailoring, OVAL and CPE components), the benchmark model
 * and the OVAL sessions created while evaluating.  A struct xccdf_run
 * borrows from the content it was made from, which must outlive it.
 * Every string in the model is owned by the content (NUL terminated,
 * never freed by users); optional strings are NULL when absent.
 *
 * Life cycle:
 *	xccdf_content_load()    parse, select stream/checklist, tailoring
 *	xccdf_resolve()         extends chains, profile application
 *	xccdf_eval()            applicability, checks, scores -> xccdf_run
 *	(writers)               read the run, the benchmark, the sessions
 *	xccdf_run_free(), xccdf_content_free()
 * The model is resolved in place: one content serves one profile.
 */
#ifndef PLUMB_XCCDF_H
#define PLUMB_XCCDF_H

#include <stddef.h>
#include <time.h>
#include <libxml/tree.h>

#include "plumb/error.h"
#include "oval_doc.h"
#include "oval_eval.h"

#define XCCDF_NS_11	"http://checklists.nist.gov/xccdf/1.1"
#define XCCDF_NS_12	"http://checklists.nist.gov/xccdf/1.2"
#define XCCDF_SYS_OVAL	"http://oval.mitre.org/XMLSchema/oval-definitions-5"
#define XCCDF_SYS_OCIL	"http://scap.nist.gov/schema/ocil/2"
#define XCCDF_SYS_SCE	"http://open-scap.org/page/SCE"

/* xccdf:ResultEnumType.  The order is used as an array index. */
enum xccdf_result {
	XCCDF_R_PASS = 0,
	XCCDF_R_FAIL,
	XCCDF_R_ERROR,
	XCCDF_R_UNKNOWN,
	XCCDF_R_NOTAPPLICABLE,
	XCCDF_R_NOTCHECKED,
	XCCDF_R_NOTSELECTED,
	XCCDF_R_INFORMATIONAL,
	XCCDF_R_FIXED,
	XCCDF_R__COUNT
};

/* xccdf:severityEnumType; UNKNOWN is the default. */
enum xccdf_severity {
	XCCDF_SEV_UNKNOWN = 0,
	XCCDF_SEV_INFO,
	XCCDF_SEV_LOW,
	XCCDF_SEV_MEDIUM,
	XCCDF_SEV_HIGH
};

/* xccdf:roleEnumType; FULL is the default. */
enum xccdf_role {
	XCCDF_ROLE_FULL = 0,
	XCCDF_ROLE_UNSCORED,
	XCCDF_ROLE_UNCHECKED
};

/* xccdf:valueTypeType; STRING is the default. */
enum xccdf_value_type {
	XCCDF_VT_STRING = 0,
	XCCDF_VT_NUMBER,
	XCCDF_VT_BOOLEAN
};

/* xccdf:CcOperatorEnumType (complex-check) and cpe-lang operators. */
enum xccdf_bool_op {
	XCCDF_OP_AND = 0,
	XCCDF_OP_OR
};

enum xccdf_item_kind {
	XCCDF_ITEM_GROUP = 0,
	XCCDF_ITEM_RULE
};

/* Scoring models of XCCDF 1.2 section 7.3, in this order in a run. */
enum xccdf_score_model {
	XCCDF_SCORE_DEFAULT = 0,	/* urn:xccdf:scoring:default */
	XCCDF_SCORE_FLAT,		/* urn:xccdf:scoring:flat */
	XCCDF_SCORE_FLAT_UNWEIGHTED,	/* urn:xccdf:scoring:flat-unweighted */
	XCCDF_SCORE_ABSOLUTE,		/* urn:xccdf:scoring:absolute */
	XCCDF_SCORE__COUNT
};

/* An <ident system="...">text</ident>. */
struct xccdf_ident {
	char *system;
	char *text;
};

/* A <reference href="...">text</reference>; either may be NULL. */
struct xccdf_reference {
	char *href;
	char *text;
};

/* <check-export value-id="..." export-name="..."/>. */
struct xccdf_check_export {
	char *value_id;
	char *export_name;	/* the OVAL external variable id */
};

/* <check-content-ref href="..." name="..."/>; name NULL = whole file. */
struct xccdf_check_ref {
	char *href;
	char *name;
};

/*
 * A <check> or a <complex-check>.  For a complex check, kids holds the
 * operands (checks or nested complex checks) and op/negate apply; the
 * simple-check fields are unused.  Several check-content-refs are
 * alternatives: the first that resolves is used.
 */
struct xccdf_check {
	int complex;
	enum xccdf_bool_op op;
	int negate;
	struct xccdf_check *kids;
	size_t nkids;

	char *system;		/* check system URI */
	char *id;		/* @id, optional */
	char *selector;		/* @selector, "" when absent */
	int multi_check;
	int has_content;	/* inline <check-content> present */
	struct xccdf_check_export *exports;
	size_t nexports;
	struct xccdf_check_ref *refs;
	size_t nrefs;
	xmlNodePtr node;
};

/* <fix> (only what report writers need). */
struct xccdf_fix {
	char *id;
	char *system;
	char *text;
};

/*
 * A Group or a Rule: the benchmark's item tree, in document order.
 * Fields marked "resolved" hold the value after extends resolution and
 * profile/tailoring application (xccdf_resolve()).
 */
struct xccdf_item {
	enum xccdf_item_kind kind;
	char *id;
	char *title;
	char *description;	/* text content; markup through node */
	char *rationale;
	char *extends;		/* @extends as written */
	char *cluster_id;
	int abstract;
	int hidden;
	int selected;		/* resolved */
	int selected_default;	/* @selected after extends, before profile */
	enum xccdf_severity severity;	/* resolved (refine-rule) */
	double weight;		/* resolved (refine-rule); default 1.0 */
	enum xccdf_role role;	/* resolved (refine-rule) */
	char *check_selector;	/* resolved refine-rule selector, or NULL */
	char **platforms;	/* idrefs: CPE names or "#platform-id" */
	size_t nplatforms;
	struct xccdf_ident *idents;
	size_t nidents;
	struct xccdf_reference *refs;
	size_t nrefs;
	char *fixtext;		/* first fixtext's text, or NULL */
	struct xccdf_fix *fixes;
	size_t nfixes;
	struct xccdf_check *checks;	/* Rules: checks and complex-checks */
	size_t nchecks;
	char ***requires;	/* each: NULL-terminated idref list (OR) */
	size_t nrequires;
	char **conflicts;
	size_t nconflicts;
	struct xccdf_item *parent;	/* NULL for top-level items */
	struct xccdf_item **kids;	/* Groups: Groups and Rules in order */
	size_t nkids;
	xmlNodePtr node;
};

/* A selector-keyed <value>/<default> instance; selector "" = none. */
struct xccdf_value_inst {
	char *selector;
	char *value;
};

struct xccdf_value {
	char *id;
	char *title;
	char *description;
	enum xccdf_value_type type;
	char *operator;		/* xccdf:valueOperatorType, "equals" default */
	int hidden;
	int abstract;
	char *extends;
	struct xccdf_value_inst *values;	/* <value selector=...> */
	size_t nvalues;
	struct xccdf_value_inst *defaults;	/* <default selector=...> */
	size_t ndefaults;
	char *selector;		/* resolved: refine-value selector or NULL */
	char *set;		/* resolved: set-value text, or NULL */
	const char *chosen;	/* resolved effective value (NULL: none) */
	struct xccdf_item *parent;	/* enclosing Group, or NULL */
	xmlNodePtr node;
};

struct xccdf_select {
	char *idref;		/* Rule/Group id or cluster-id */
	int selected;
};

struct xccdf_refine_value {
	char *idref;
	char *selector;		/* may be NULL */
	char *operator;		/* may be NULL */
};

struct xccdf_refine_rule {
	char *idref;		/* Rule/Group id or cluster-id */
	char *selector;		/* NULL when not refined */
	int has_severity, has_weight, has_role;
	enum xccdf_severity severity;
	double weight;
	enum xccdf_role role;
};

struct xccdf_set_value {
	char *idref;
	char *value;
};

/*
 * A Profile (from the benchmark or a tailoring).  After xccdf_resolve()
 * the chosen profile's lists include, in order, what its extends chain
 * contributed (base first), so applying them in order is enough.
 */
struct xccdf_profile {
	char *id;
	char *title;
	char *description;
	char *extends;
	int abstract;
	int from_tailoring;
	struct xccdf_select *selects;
	size_t nselects;
	struct xccdf_refine_value *refine_values;
	size_t nrefine_values;
	struct xccdf_refine_rule *refine_rules;
	size_t nrefine_rules;
	struct xccdf_set_value *set_values;
	size_t nset_values;
	int resolved;		/* extends folded in */
	xmlNodePtr node;
};

struct xccdf_benchmark {
	char *id;
	char *title;
	char *description;
	char *version;
	char *status;		/* first <status>, or NULL */
	char *status_date;
	char *ns;		/* XCCDF_NS_11 or XCCDF_NS_12 */
	int resolved_attr;	/* @resolved as written */
	char **platforms;
	size_t nplatforms;
	struct xccdf_profile *profiles;	/* benchmark then tailoring ones */
	size_t nprofiles;
	struct xccdf_value **values;	/* every Value, document order */
	size_t nvalues;
	struct xccdf_item **items;	/* top-level Groups/Rules */
	size_t nitems;
	struct xccdf_item **rules;	/* every Rule, document order */
	size_t nrules;
	xmlNodePtr node;	/* the Benchmark element */
};

/*
 * A check-system component the benchmark can reach (OVAL definitions,
 * CPE OVAL, OCIL...): its check-content-ref href as the checklist names
 * it, the data stream component id (NULL for a standalone file), the
 * path of the file it came from, and the OVAL document and session,
 * both created lazily: NULL until something used them.
 */
struct xccdf_oval_comp {
	char *href;		/* as referenced: "ssg-debian11-oval.xml" */
	char *comp_id;		/* DS component id, or NULL */
	char *path;		/* file loaded (DS path or OVAL file) */
	int is_cpe;		/* referenced by the CPE dictionary */
	struct oval_doc *doc;
	struct oval_session *session;
};

struct xccdf_content;

/*
 * How to pick the checklist.  NULL fields mean "the default": the
 * first stream, its first checklist, that checklist's Benchmark.
 */
struct xccdf_load_opts {
	const char *datastream_id;
	const char *xccdf_id;		/* checklist component-ref id */
	const char *benchmark_id;
	const char *tailoring_file;
	const char *tailoring_id;	/* tailoring component-ref id in DS */
	/*
	 * No copy of the content (xccdf_write_results(), _arf()) and no
	 * HTML report will be written: the benchmark's prose (fix,
	 * description and warning elements) is not kept, and a large data
	 * stream loads in much less memory.  Rationale and fixtext are
	 * kept for the JSON summary.
	 */
	int lean;
};

/*
 * Load a source data stream or a standalone XCCDF 1.1/1.2 Benchmark (and
 * the tailoring, if any) with the safe XML loader.  Returns 0 with *out
 * set, or PLUMB_E* with err "FILE:LINE: reason" (*out NULL).
 */
int xccdf_content_load(const char *path, const struct xccdf_load_opts *opts,
    struct xccdf_content **out, struct plumb_err *err);

void xccdf_content_free(struct xccdf_content *c);

/*
 * Open path for inspection only (plumb info): the document parsed and,
 * for a data stream, its components indexed; no stream, checklist or
 * benchmark is chosen.  Free with xccdf_content_free().
 */
int xccdf_content_open(const char *path, struct xccdf_content **out,
    struct plumb_err *err);

/*
 * The element data stream component-ref cref (an element of c's
 * document or of a file it loaded) leads to, resolved as the
 * evaluation does: "#id" in the same document, "file:OTHER.xml#id"
 * loaded under the [limits] caps, no ".." and nothing remote.  *out
 * NULL when it leads nowhere; an error (err "FILE:LINE: reason") when
 * the file named is refused or cannot be read.
 */
int xccdf_content_cref(struct xccdf_content *c, xmlNodePtr cref,
    xmlNodePtr *out, struct plumb_err *err);

/* The selected benchmark (resolved after xccdf_resolve()). */
struct xccdf_benchmark *xccdf_content_benchmark(struct xccdf_content *c);

/* The path given to xccdf_content_load(), and its parsed document. */
const char *xccdf_content_path(const struct xccdf_content *c);
xmlDocPtr xccdf_content_xml(const struct xccdf_content *c);

/* Is the content a source data stream?  Its stream and checklist ids
 * (NULL for a standalone benchmark). */
int xccdf_content_is_ds(const struct xccdf_content *c);
const char *xccdf_content_stream_id(const struct xccdf_content *c);
const char *xccdf_content_checklist_id(const struct xccdf_content *c);

/* The tailoring document and its Tailoring element, or NULL. */
xmlNodePtr xccdf_content_tailoring(const struct xccdf_content *c);

/* The check-system components referenced so far, in load order.
 * Writers: only those with a session were evaluated; doc is NULL for
 * content that could not be loaded as OVAL (skip those). */
size_t xccdf_content_oval_count(const struct xccdf_content *c);
struct xccdf_oval_comp *xccdf_content_oval_nth(struct xccdf_content *c,
    size_t i);

/* Lookups by id in the benchmark (hash tables; NULL when absent). */
struct xccdf_item *xccdf_find_item(const struct xccdf_content *c,
    const char *id);
struct xccdf_value *xccdf_find_value(const struct xccdf_content *c,
    const char *id);
struct xccdf_profile *xccdf_find_profile(const struct xccdf_content *c,
    const char *id);

/*
 * Resolve the benchmark: extends chains of Profiles, Groups, Rules and
 * Values, then apply profile_id (NULL: the virtual "(all)" profile,
 * which keeps every item's own @selected).  PLUMB_ENOENT when the
 * profile does not exist.  Call once per content.
 */
int xccdf_resolve(struct xccdf_content *c, const char *profile_id,
    struct plumb_err *err);

/* The applied profile, or NULL for "(all)". */
const struct xccdf_profile *xccdf_content_profile(
    const struct xccdf_content *c);

/* The value a check-export of this Value passes (resolved; NULL none). */
const char *xccdf_value_effective(const struct xccdf_value *v);

/* ------------------------------------------------------------ results */

/* A check-export as it was bound: the Value, the OVAL variable, the
 * value passed (strings owned by the content). */
struct xccdf_export_use {
	const char *value_id;
	const char *export_name;
	const char *value;	/* NULL when the Value had none */
};

/*
 * One <check> that was run (or skipped) for a rule result.  def_id and
 * def are the OVAL definition and its result in comp->session (NULL
 * when no OVAL definition was evaluated, e.g. OCIL -> notchecked).
 * For a complex-check, kids are its operands' results.
 */
struct xccdf_check_res {
	const struct xccdf_check *check;
	enum xccdf_result r;
	const char *href;	/* the check-content-ref used, or NULL */
	const char *def_id;
	const struct oval_def_res *def;	/* owned by comp->session */
	struct xccdf_oval_comp *comp;
	struct xccdf_export_use *exports;
	size_t nexports;
	struct xccdf_check_res *kids;
	size_t nkids;
};

/*
 * One rule-result.  For multi-check rules there is one per OVAL
 * definition, all with the same rule (multi_def names the definition).
 * severity/weight/role are the resolved ones.
 */
struct xccdf_rule_res {
	const struct xccdf_item *rule;
	enum xccdf_result r;
	enum xccdf_severity severity;
	double weight;
	enum xccdf_role role;
	time_t time;
	const char *multi_def;		/* multi-check definition, or NULL */
	struct xccdf_check_res check;	/* check.check NULL: none run */
	char *msg;			/* why (not)checked, or NULL; owned */
};

struct xccdf_score {
	enum xccdf_score_model model;
	const char *system;	/* "urn:xccdf:scoring:default" ... */
	double score;
	double max;
};

/* Evaluation options.  rules/skip_rules: arrays of ids (may be empty). */
struct xccdf_eval_opts {
	const char *root;		/* probe root, NULL means "/" */
	const char *const *rules;	/* --rule: evaluate only these */
	size_t nrules;
	const char *const *skip_rules;	/* --skip-rule */
	size_t nskip_rules;
	/* Called after each rule result, in order (may be NULL). */
	void (*progress)(const struct xccdf_rule_res *, void *);
	void *progress_arg;
};

struct xccdf_run {
	struct xccdf_content *content;
	const struct xccdf_benchmark *benchmark;
	const struct xccdf_profile *profile;	/* NULL: "(all)" */
	time_t start;
	time_t end;
	struct xccdf_rule_res *results;	/* document order */
	size_t nresults;
	unsigned counts[XCCDF_R__COUNT];
	struct xccdf_score scores[XCCDF_SCORE__COUNT];
	int platform_ok;	/* benchmark-level CPE applicability */
	char *root;		/* the directory probed instead of "/"
				 * (resolved, owned), NULL for the host
				 * itself: written into the ARF target
				 * facts and the JSON summary so that a
				 * scan of a tree never passes for one of
				 * the host */
};

/*
 * Evaluate the resolved benchmark.  Every Rule appears once in
 * run->results (multi-check: once per definition), in document order,
 * notselected ones included (abstract rules are left out).  --rule
 * evaluates only the listed rules, even ones unselected by the profile,
 * and makes every other rule notselected; --skip-rule makes a rule
 * notselected.  The CLI prints only the non-notselected results, as the
 * reference does.  Returns 0 with
 * *out set, or PLUMB_E* for failures that stop the run (ENOMEM, a
 * broken component); content problems become "error" results.
 */
int xccdf_eval(struct xccdf_content *c, const struct xccdf_eval_opts *opts,
    struct xccdf_run **out, struct plumb_err *err);

void xccdf_run_free(struct xccdf_run *run);

/* 1 when some rule result is fail, error or unknown (exit status 2),
 * else 0. */
int xccdf_run_failed(const struct xccdf_run *run);

/* Names (static, never NULL). */
const char *xccdf_result_name(enum xccdf_result r);
const char *xccdf_severity_name(enum xccdf_severity s);
const char *xccdf_role_name(enum xccdf_role r);
const char *xccdf_score_system(enum xccdf_score_model m);

/* OVAL definition result -> XCCDF result (XCCDF 1.2 table 26). */
enum xccdf_result xccdf_from_oval(enum oval_result r);

/* The same for a Rule's check, by the definition's class cls (NULL:
 * compliance): for "vulnerability" and "patch", true is fail and false
 * is pass (SCAP 1.3, NIST SP 800-126r3 4.5.2). */
enum xccdf_result xccdf_from_oval_class(enum oval_result r,
    const char *cls);

#endif /* PLUMB_XCCDF_H */
