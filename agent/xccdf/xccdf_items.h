/*
 * xccdf_items.h - the OVAL items behind one XCCDF rule result, and
 * their digest.
 *
 * xccdf_rule_items() walks what the OVAL engine evaluated for a rule
 * result: the definition(s) its check named -> criteria (and
 * extend_definition) -> tests -> objects -> collected items, with each
 * item's result where the test has states.  The report writers show the
 * failing ones; the digest is the collector's per-rule fingerprint of
 * the collected configuration, so it can see drift inside rules that
 * keep passing.
 *
 * Ownership: a struct xccdf_rule_items borrows everything it points to
 * from the run's content and OVAL sessions (valid until
 * xccdf_run_free()/xccdf_content_free()); only its arrays are owned and
 * freed by xccdf_rule_items_clear().
 */
#ifndef PLUMB_XCCDF_ITEMS_H
#define PLUMB_XCCDF_ITEMS_H

#include <stddef.h>

#include "plumb/error.h"
#include "plumb/item.h"
#include "oval_eval.h"
#include "xccdf.h"

/* "sha256:" + 64 hex digits + NUL. */
#define XCCDF_DIGEST_STRLEN	(7 + 64 + 1)

/* Bound on criteria/extend_definition nesting followed by the walk. */
#define XCCDF_ITEMS_MAX_DEPTH	64

/* One OVAL test reached from the rule's definition(s), once each. */
struct xccdf_test_use {
	const struct oval_node *test;	/* id, node (for @comment) */
	const struct oval_tst_res *res;	/* NULL when not evaluated */
	const char *def_id;		/* definition it was reached from */
	int negated;	/* odd number of negations between check and test */
	int failing;	/* the test, negations applied, is false */
};

/* One collected item of a test's object. */
struct xccdf_item_use {
	const struct oval_item *item;
	size_t test;		/* index into tests */
	int has_result;		/* the test compared it with states */
	enum oval_result r;	/* when has_result */
	/* The item makes its failing test fail: for a test with item
	 * results, an item whose result (negations applied) is false or
	 * error/unknown; for one without, every item of a failing test. */
	int offending;
};

struct xccdf_rule_items {
	const char **defs;	/* definition ids the check named, in order */
	size_t ndefs, cdefs;
	struct xccdf_test_use *tests;
	size_t ntests, ctests;
	struct xccdf_item_use *items;	/* grouped by test, in test order */
	size_t nitems, citems;
};

/*
 * Walk the OVAL results behind rr into *out (zeroed first; clear it
 * even on failure).  A result without an OVAL check gives an empty
 * walk.  Returns 0 or PLUMB_ENOMEM.
 */
int xccdf_rule_items(const struct xccdf_rule_res *rr,
    struct xccdf_rule_items *out, struct plumb_err *err);

/* Free the arrays of ri and zero it; accepts NULL. */
void xccdf_rule_items_clear(struct xccdf_rule_items *ri);

/*
 * The digest of a set of items: SHA-256 over the canonical text of each
 * distinct item (docs/json-results.md, "items_digest"), sorted, so that
 * neither item ids, collection order nor duplicates change it.  out is
 * "sha256:<64 hex>", or "" when n is 0 (*out always set).  Returns 0,
 * PLUMB_ENOMEM, or PLUMB_EIO when the digest library fails.
 */
int xccdf_items_digest(const struct oval_item *const *items, size_t n,
    char out[XCCDF_DIGEST_STRLEN], struct plumb_err *err);

/* The digest of every item of a walk (as above; "" without items). */
int xccdf_rule_items_digest(const struct xccdf_rule_items *ri,
    char out[XCCDF_DIGEST_STRLEN], struct plumb_err *err);

/*
 * Length of the well-formed UTF-8 sequence (1 to 4 bytes, no overlong
 * form, no surrogate, at most U+10FFFF) starting at s, which has n bytes
 * left; 0 when the bytes there are not one.  For the writers, which
 * replace invalid bytes with U+FFFD.
 */
size_t xccdf_utf8_seq(const unsigned char *s, size_t n);

#endif /* PLUMB_XCCDF_ITEMS_H */
