/*
 * rollups.c - site and zone roll-ups of the fleet (rollups.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "collector_config.h"
#include "hoststate.h"
#include "rollups.h"
#include "stale.h"
#include "store.h"

#define ROLLUPS_GROUPS_DEFAULT	1000	/* without a configuration */

/* One group's counts. */
struct rollup {
	const char *name;		/* borrowed from the host list */
	unsigned long hosts, pass, fail, waived, unknown, stale;
};

/* by=site or by=zone: the host's key. */
static const char *
rollups_key(const struct store_host *h, int zone)
{
	return zone ? h->zone : h->site;
}

/* Hosts by site (or zone), then id: one run of hosts per group. */
static int
rollups_site_cmp(const void *a, const void *b)
{
	const struct store_host *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	return c != 0 ? c : strcmp(x->id, y->id);
}

static int
rollups_zone_cmp(const void *a, const void *b)
{
	const struct store_host *x = a, *y = b;
	int c = strcmp(x->zone, y->zone);

	return c != 0 ? c : strcmp(x->id, y->id);
}

static void
rollups_add(struct rollup *g, const char *status, int stale)
{
	g->hosts++;
	if (strcmp(status, "fail") == 0)
		g->fail++;
	else if (strcmp(status, "waived") == 0)
		g->waived++;
	else if (strcmp(status, "pass") == 0)
		g->pass++;
	else
		g->unknown++;
	if (stale)
		g->stale++;
}

static json_t *
rollups_json(const struct rollup *g)
{
	json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}",
	    "hosts", (json_int_t)g->hosts, "pass_hosts", (json_int_t)g->pass,
	    "fail_hosts", (json_int_t)g->fail,
	    "waived_hosts", (json_int_t)g->waived,
	    "unknown_hosts", (json_int_t)g->unknown,
	    "stale_hosts", (json_int_t)g->stale);

	if (o != NULL && g->name != NULL &&
	    json_object_set_new(o, "name", json_string(g->name)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* GET rollups?by=site|zone */
static int
rollups_get(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct hoststate_set hs;
	struct store_host *h = NULL;
	struct stale_state st;
	struct rollup g, total;
	json_t *groups = NULL, *o;
	char bb[8];
	const char *by;
	size_t n = 0, i, ngroups = 0, max;
	int rc, zone, truncated = 0;

	memset(&hs, 0, sizeof(hs));
	by = api_query_param(req, "by", bb, sizeof(bb));
	if (by == NULL || (strcmp(by, "site") != 0 && strcmp(by, "zone") != 0))
		return api_error(rep, 400, "by: site or zone");
	zone = strcmp(by, "zone") == 0;
	max = ctx->cfg != NULL && ctx->cfg->max_rollup_groups != 0 ?
	    ctx->cfg->max_rollup_groups : ROLLUPS_GROUPS_DEFAULT;
	if ((rc = hoststate_load(ctx->store, req->scope_host, req->now, &hs,
	    err)) != 0 ||
	    (rc = store_hosts_list(ctx->store, &h, &n, err)) != 0)
		goto out;
	if (n > 1)
		qsort(h, n, sizeof(*h), zone ? rollups_zone_cmp :
		    rollups_site_cmp);
	if ((groups = json_array()) == NULL)
		goto nomem;
	memset(&total, 0, sizeof(total));
	memset(&g, 0, sizeof(g));
	for (i = 0; i < n; i++) {
		const char *k = rollups_key(&h[i], zone);
		int stale = 0;

		if (!api_may_see(req, h[i].id))
			continue;
		if (ctx->cfg != NULL) {
			stale_eval(ctx->cfg, &h[i], req->now, &st);
			stale = st.stale;
		}
		/* A new group: flush the previous one. */
		if (g.name == NULL || strcmp(g.name, k) != 0) {
			if (g.name != NULL && ngroups <= max &&
			    json_array_append_new(groups,
			    rollups_json(&g)) != 0)
				goto nomem;
			memset(&g, 0, sizeof(g));
			g.name = k;
			if (++ngroups > max)
				truncated = 1;
		}
		rollups_add(&g, hoststate_status(hoststate_find(&hs,
		    h[i].id)), stale);
		rollups_add(&total, hoststate_status(hoststate_find(&hs,
		    h[i].id)), stale);
	}
	if (g.name != NULL && ngroups <= max &&
	    json_array_append_new(groups, rollups_json(&g)) != 0)
		goto nomem;
	/* "o" takes groups, even when the pack fails. */
	o = json_pack("{s:s,s:o,s:o,s:I,s:b}", "by", by, "groups", groups,
	    "total", rollups_json(&total), "groups_total",
	    (json_int_t)ngroups, "truncated", truncated);
	groups = NULL;
	if ((rep->json = o) != NULL) {
		rc = PLUMB_OK;
		goto out;
	}
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(groups);
	store_hosts_free(h);
	hoststate_clear(&hs);
	return rc;
}

const struct api_route rollups_routes[] = {
	{ "GET", "rollups", API_AUTH_READ, rollups_get },
};
const size_t rollups_nroutes = sizeof(rollups_routes) /
    sizeof(rollups_routes[0]);
