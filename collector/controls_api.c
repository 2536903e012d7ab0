/*
 * controls_api.c - the routes of docs/api.md "controls" (controls.h):
 * the controls, one control's hosts, its history and the framework's
 * trend, answered from the cache or from one replay.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "collector_config.h"
#include "controls.h"
#include "controls_int.h"
#include "store.h"
#include "waivers.h"

int
controls_param_time(const struct api_req *req, const char *name,
    time_t dflt, time_t *out, struct api_reply *rep)
{
	char buf[64], *end;
	struct tm tm;
	long long v;
	const char *p;

	*out = dflt;
	if ((p = api_query_param(req, name, buf, sizeof(buf))) == NULL ||
	    *p == '\0')
		return 0;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (*end == '\0' && errno == 0 && v >= 0) {
		*out = (time_t)v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(p, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end != NULL && *end == '\0') {
		*out = timegm(&tm);
		return 0;
	}
	api_error(rep, 400, "%s: \"%s\" is neither seconds since the epoch "
	    "nor YYYY-MM-DDTHH:MM:SSZ", name, p);
	return -1;
}

/* A time or null when 0. */
static json_t *
controls_json_time(time_t t)
{
	return t != 0 ? json_integer((json_int_t)t) : json_null();
}

/* CONTROL of docs/api.md for control i. */
static json_t *
controls_json_control(const struct controls *c,
    const struct controls_eval *e, size_t i)
{
	const struct controls_control *cc = controls_at(c, i);
	const struct controls_fleet *f = &e->fleet[i];

	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:o, "
	    "s:o}",
	    "framework", cc->framework, "id", cc->id, "title", cc->title,
	    "status", controls_status_name(f->status == CONTROLS_NONE ?
	    CONTROLS_UNKNOWN : f->status),
	    "pass_hosts", (json_int_t)f->count[CONTROLS_PASS],
	    "fail_hosts", (json_int_t)f->count[CONTROLS_FAIL],
	    "waived_hosts", (json_int_t)f->count[CONTROLS_WAIVED],
	    "unknown_hosts", (json_int_t)f->count[CONTROLS_UNKNOWN],
	    "failing_since", controls_json_time(f->failing_since),
	    "rules", controls_json_strings(f->rules, f->nrules));
}

/*
 * The end of a route's answer from evaluation e (freed when the route
 * owns it): the cache's fields into rep->json.  rep->json still NULL
 * means it could not be made: out of memory, the routes' only failure
 * once they have e.
 */
static int
controls_api_end(const struct api_ctx *ctx, struct api_reply *rep,
    struct controls_eval *e, int owned, struct plumb_err *err)
{
	if (owned)
		controls_eval_free(e);
	if (rep->json == NULL || controls_json_cache(ctx, rep->json) != 0)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
}

/* GET controls?framework= */
static int
controls_api_list(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	json_t *list = NULL, *o;
	char fw[STORE_TEXT_MAX];
	const char *want;
	size_t i;
	int rc, owned;

	if (ctx->controls == NULL)
		return api_error(rep, 503, "no control set loaded");
	want = api_query_param(req, "framework", fw, sizeof(fw));
	if (want != NULL && *want != '\0' &&
	    controls_framework_title(ctx->controls, want) == NULL)
		return api_error(rep, 400, "framework: \"%s\" is not in the "
		    "control set", want);
	if ((rc = controls_eval_for(ctx, req, -1, rep, &e, &owned, err)) !=
	    PLUMB_OK || e == NULL)
		return rc;
	if ((list = json_array()) == NULL)
		goto out;
	for (i = 0; i < controls_count(ctx->controls); i++) {
		if (want != NULL && *want != '\0' && strcmp(want,
		    controls_at(ctx->controls, i)->framework) != 0)
			continue;
		if ((o = controls_json_control(ctx->controls, e, i)) == NULL ||
		    json_array_append_new(list, o) != 0)
			goto out;
	}
	/* Its one failure (out of memory) leaves rep->json NULL. */
	(void)api_reply_list(rep, "controls", list, err);
	list = NULL;
out:
	json_decref(list);
	return controls_api_end(ctx, rep, e, owned, err);
}

/* The control named by seg[1]/seg[2]; -1 with a 404 in rep. */
static long
controls_api_control(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep)
{
	long k;

	if (ctx->controls == NULL) {
		api_error(rep, 503, "no control set loaded");
		return -1;
	}
	if (req->nseg < 3 || (k = controls_find(ctx->controls, req->seg[1],
	    req->seg[2])) < 0) {
		api_error(rep, 404, "no control %s %s in the control set",
		    req->nseg > 1 ? req->seg[1] : "",
		    req->nseg > 2 ? req->seg[2] : "");
		return -1;
	}
	return k;
}

/* The baselines of host h whose newest scan maps rules onto control
 * k: where its status comes from. */
static json_t *
controls_json_bases(const struct controls_eval *e,
    const struct controls_host *h, size_t k, time_t now)
{
	const struct controls_base *b;
	json_t *a, *o;
	size_t j;

	if ((a = json_array()) == NULL)
		return NULL;
	for (j = 0; j < h->nbase; j++) {
		b = &h->base[j];
		if (!b->st[k].mapped)
			continue;
		o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:o}",
		    "benchmark_id", b->benchmark_id,
		    "profile_id", b->profile_id,
		    "target_root", b->target_root, "scan", b->scan,
		    "scan_time", (json_int_t)b->scan_time,
		    "status", controls_status_name(controls_base_status(e, h,
		    b, k, now)),
		    "failing_rules", controls_json_strings(b->st[k].failing,
		    b->st[k].nfailing));
		if (o == NULL || json_array_append_new(a, o) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* One host of a control's detail (control k). */
static json_t *
controls_json_host(const struct controls_eval *e,
    const struct controls_host *h, size_t k, time_t now)
{
	const struct controls_hoststat *st = &h->st[k];
	json_t *o, *failing, *waived;
	size_t i;

	failing = json_array();
	waived = json_array();
	if (failing == NULL || waived == NULL)
		goto fail;
	for (i = 0; i < st->nfailing; i++)
		if (json_array_append_new(waivers_match(e->waivers, h->id,
		    h->role, st->failing[i], now) != NULL ? waived : failing,
		    json_string(st->failing[i])) != 0)
			goto fail;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:I, "
	    "s:o}",
	    "host", h->id, "role", h->role, "site", h->site, "zone", h->zone,
	    "status", controls_status_name(st->status),
	    "failing_rules", failing, "waived_rules", waived,
	    "since", (json_int_t)st->since, "scan", h->scan,
	    "scan_time", (json_int_t)h->scan_time,
	    "baselines", controls_json_bases(e, h, k, now));
	return o;
fail:
	json_decref(failing);
	json_decref(waived);
	return NULL;
}

/* GET controls/{framework}/{id} */
static int
controls_api_detail(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	json_t *o = NULL, *hosts, *ho;
	size_t j;
	long k;
	int rc, owned;

	if ((k = controls_api_control(ctx, req, rep)) < 0)
		return PLUMB_OK;
	if ((rc = controls_eval_for(ctx, req, -1, rep, &e, &owned, err)) !=
	    PLUMB_OK || e == NULL)
		return rc;
	if ((o = controls_json_control(ctx->controls, e, (size_t)k)) == NULL ||
	    (hosts = json_array()) == NULL ||
	    json_object_set_new(o, "hosts", hosts) != 0)
		goto out;
	for (j = 0; j < e->nhosts; j++) {
		if (e->hosts[j].st[k].status == CONTROLS_NONE)
			continue;
		if ((ho = controls_json_host(e, &e->hosts[j], (size_t)k,
		    req->now)) == NULL ||
		    json_array_append_new(hosts, ho) != 0)
			goto out;
	}
	rep->json = o;
	o = NULL;
out:
	json_decref(o);
	return controls_api_end(ctx, rep, e, owned, err);
}

/* GET controls/{framework}/{id}/history?since= */
static int
controls_api_history(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	const struct controls_point *p, *pv;
	json_t *points = NULL, *o;
	time_t since;
	size_t i, np, keep;
	long k;
	int rc, owned;

	if ((k = controls_api_control(ctx, req, rep)) < 0 ||
	    controls_param_time(req, "since", 0, &since, rep) != 0)
		return PLUMB_OK;
	if ((rc = controls_eval_for(ctx, req, k, rep, &e, &owned, err)) !=
	    PLUMB_OK || e == NULL)
		return rc;
	if (owned) {
		pv = e->points;
		np = e->npoints;
	} else {
		/* The cache's: its newest history_points. */
		keep = controls_cache_max_points(ctx->controls_cache);
		pv = e->fleet[k].points;
		np = e->fleet[k].npoints;
		if (np > keep) {
			pv += np - keep;
			np = keep;
		}
	}
	if ((points = json_array()) == NULL)
		goto out;
	for (i = 0; i < np; i++) {
		p = &pv[i];
		if (p->time < since)
			continue;
		o = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}",
		    "time", (json_int_t)p->time,
		    "status", controls_status_name(p->status ==
		    CONTROLS_NONE ? CONTROLS_UNKNOWN : p->status),
		    "pass_hosts", (json_int_t)p->count[CONTROLS_PASS],
		    "fail_hosts", (json_int_t)p->count[CONTROLS_FAIL],
		    "waived_hosts", (json_int_t)p->count[CONTROLS_WAIVED],
		    "unknown_hosts", (json_int_t)p->count[CONTROLS_UNKNOWN]);
		if (o == NULL || json_array_append_new(points, o) != 0)
			goto out;
	}
	rep->json = json_pack("{s:s, s:s, s:o, s:o}",
	    "framework", controls_at(ctx->controls, (size_t)k)->framework,
	    "id", controls_at(ctx->controls, (size_t)k)->id,
	    "failing_since", controls_json_time(e->fleet[k].failing_since),
	    "points", points);
	points = NULL;
out:
	json_decref(points);
	return controls_api_end(ctx, rep, e, owned, err);
}

/* The fleet status of f at t from its changes; -1 when the changes
 * that would tell were dropped. */
static int
controls_status_at(const struct controls_fleet *f, time_t t)
{
	size_t lo = 0, hi = f->nchanges, mid;

	/* The last change at or before t: changes[lo - 1]. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->changes[mid].time <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
		return f->changes[lo - 1].status;
	return f->dropped_changes ? -1 : CONTROLS_NONE;
}

/* GET controls/trend?framework=&days=: how many of the framework's
 * controls had each fleet status at the end of each of the last days
 * UTC days (the last point now), from the changes of their status. */
static int
controls_api_trend(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct controls_eval *e = NULL;
	json_t *points = NULL, *o;
	char fw[STORE_TEXT_MAX], num[16], iso[32], *end;
	const char *want, *dv;
	unsigned long days = 90;
	unsigned count[CONTROLS_NSTATUS];
	time_t t, today;
	size_t i;
	long d;
	int rc, owned, st, known;

	if (ctx->controls == NULL)
		return api_error(rep, 503, "no control set loaded");
	want = api_query_param(req, "framework", fw, sizeof(fw));
	if (want == NULL || *want == '\0' ||
	    controls_framework_title(ctx->controls, want) == NULL)
		return api_error(rep, 400, "framework: \"%s\" is not in the "
		    "control set", want != NULL ? want : "");
	dv = api_query_param(req, "days", num, sizeof(num));
	if (dv != NULL && *dv != '\0') {
		errno = 0;
		days = strtoul(dv, &end, 10);
		if (*dv < '0' || *dv > '9' || *end != '\0' || errno != 0 ||
		    days < 1 || days > ctx->cfg->controls_trend_days)
			return api_error(rep, 400, "days: want 1 to %u",
			    ctx->cfg->controls_trend_days);
	}
	if ((rc = controls_eval_for(ctx, req, -1, rep, &e, &owned, err)) !=
	    PLUMB_OK || e == NULL)
		return rc;
	if ((points = json_array()) == NULL)
		goto out;
	today = req->now - req->now % 86400;
	for (d = (long)days - 1; d >= 0; d--) {
		/* The end of the day d days before today's, then now. */
		t = d > 0 ? today - (time_t)(d - 1) * 86400 : req->now;
		memset(count, 0, sizeof(count));
		known = 1;
		for (i = 0; i < controls_count(ctx->controls); i++) {
			if (strcmp(controls_at(ctx->controls, i)->framework,
			    want) != 0)
				continue;
			if ((st = controls_status_at(&e->fleet[i], t)) < 0) {
				known = 0;
				break;
			}
			count[st == CONTROLS_NONE ? CONTROLS_UNKNOWN : st]++;
		}
		if (!known)
			continue;	/* before the changes kept */
		if (api_iso(t, iso, sizeof(iso)) != 0)
			iso[0] = '\0';
		o = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}",
		    "time", (json_int_t)t, "time_iso", iso,
		    "pass", (json_int_t)count[CONTROLS_PASS],
		    "fail", (json_int_t)count[CONTROLS_FAIL],
		    "waived", (json_int_t)count[CONTROLS_WAIVED],
		    "unknown", (json_int_t)count[CONTROLS_UNKNOWN]);
		if (o == NULL || json_array_append_new(points, o) != 0)
			goto out;
	}
	rep->json = json_pack("{s:s, s:I, s:o}", "framework", want,
	    "days", (json_int_t)days, "points", points);
	points = NULL;
out:
	json_decref(points);
	return controls_api_end(ctx, rep, e, owned, err);
}

const struct api_route controls_routes[] = {
	{ "GET", "controls/trend", API_AUTH_STAFF, controls_api_trend },
	{ "GET", "controls", API_AUTH_STAFF, controls_api_list },
	{ "GET", "controls/*/*", API_AUTH_STAFF, controls_api_detail },
	{ "GET", "controls/*/*/history", API_AUTH_STAFF, controls_api_history },
};
const size_t controls_nroutes = sizeof(controls_routes) /
    sizeof(controls_routes[0]);
