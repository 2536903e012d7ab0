/*
 * ruleview.c - one rule of one scan, with its texts (ruleview.h).
 * The texts are returned as plain strings; showing them as text, never
 * as markup, is the reader's business (the dashboard uses textContent).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "ruleview.h"
#include "store.h"
#include "waivers.h"

/*
 * The result of a multi-check rule from its checks' results so far:
 * fail when one failed, else error when one erred, else the first.
 */
static const char *
ruleview_fold(const char *sofar, const char *r)
{
	if (sofar == NULL || strcmp(r, "fail") == 0)
		return r;
	if (strcmp(sofar, "fail") != 0 && strcmp(r, "error") == 0)
		return r;
	return sofar;
}

static json_t *
ruleview_text(const char *text, int array)
{
	json_t *v;

	if (text == NULL)
		return array ? json_array() : json_null();
	if (!array)
		return json_string(text);
	if ((v = json_loads(text, 0, NULL)) == NULL)
		return json_array();
	return v;
}

/* GET scans/{uuid}/rules/{rule_id} */
static int
ruleview_get(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_bundle b;
	struct store_host h;
	struct store_rule *r = NULL;
	struct waiver_set ws;
	const struct store_rule *first = NULL;
	const char *worst = NULL;
	char *rationale = NULL, *fixtext = NULL, iso[32];
	json_t *o = NULL, *checks = NULL, *c;
	size_t n = 0, i;
	int rc, waived;

	memset(&ws, 0, sizeof(ws));
	rc = store_bundle_get(ctx->store, req->seg[1], &b, err);
	if (rc == PLUMB_ENOENT || (rc == PLUMB_OK &&
	    !api_may_see(req, b.host)))
		return api_error(rep, 404, "no scan %s", req->seg[1]);
	if (rc != PLUMB_OK)
		return rc;
	if (store_host_get(ctx->store, b.host, &h, NULL) != PLUMB_OK)
		h.role[0] = '\0';
	if ((rc = store_rules_get(ctx->store, b.uuid, &r, &n, err)) != 0 ||
	    (rc = waivers_load(ctx->store, &ws, err)) != 0)
		goto out;
	if ((checks = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		if (strcmp(r[i].rule_id, req->seg[3]) != 0)
			continue;
		if (first == NULL)
			first = &r[i];
		worst = ruleview_fold(worst, r[i].result);
		if ((c = json_pack("{s:s,s:o,s:o}", "result", r[i].result,
		    "items_digest", ruleview_text(r[i].items_digest, 0),
		    "message", ruleview_text(r[i].message, 0))) == NULL ||
		    json_array_append_new(checks, c) != 0)
			goto nomem;
	}
	if (first == NULL) {
		rc = api_error(rep, 404, "no rule %s in scan %s", req->seg[3],
		    b.uuid);
		goto out;
	}
	if ((rc = store_texts_get(ctx->store, &b, first->rule_id, &rationale,
	    &fixtext, err)) != 0)
		goto out;
	waived = (strcmp(worst, "fail") == 0 || strcmp(worst, "error") == 0) &&
	    waivers_match(&ws, b.host, h.role, first->rule_id, req->now) !=
	    NULL;
	api_iso(b.created, iso, sizeof(iso));
	if ((o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:o,s:s,"
	    "s:s,s:b,s:o,s:o,s:o,s:o,s:o}",
	    "scan", b.uuid, "host", b.host, "benchmark_id", b.benchmark_id,
	    "benchmark_version", b.benchmark_version,
	    "profile_id", b.profile_id, "target_root", b.target_root,
	    "created", (json_int_t)b.created, "created_iso", iso,
	    "rule_id", first->rule_id, "title",
	    ruleview_text(first->title, 0),
	    "severity", first->severity != NULL ? first->severity : "unknown",
	    "result", worst, "waived", waived,
	    "references", ruleview_text(first->references, 1),
	    "idents", ruleview_text(first->idents, 1),
	    "rationale", ruleview_text(rationale, 0),
	    "fixtext", ruleview_text(fixtext, 0),
	    "checks", checks)) == NULL) {
		checks = NULL;	/* "o" took it, even on failure */
		goto nomem;
	}
	checks = NULL;
	rep->json = o;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(checks);
	free(rationale);
	free(fixtext);
	waivers_clear(&ws);
	store_rules_free(r, n);
	return rc;
}

const struct api_route ruleview_routes[] = {
	{ "GET", "scans/*/rules/*", API_AUTH_READ, ruleview_get },
};
const size_t ruleview_nroutes = sizeof(ruleview_routes) /
    sizeof(ruleview_routes[0]);
