/*
 * drift.c - rule result changes per host between consecutive scans and
 * against an accepted baseline (drift.h), and their API routes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "controls.h"
#include "drift.h"
#include "store.h"

/* Component "drift": never edit an applied migration, add one. */
static const struct store_migration drift_migrations[] = {
	{ 1,
	  "CREATE TABLE drift_baselines ("
	  " host TEXT PRIMARY KEY,"
	  " scan TEXT NOT NULL,"		/* bundle uuid */
	  " accepted_by TEXT NOT NULL,"		/* API principal */
	  " accepted_time INTEGER NOT NULL"
	  ");" },
};

/* One rule of a scan, multi-check rows folded into one. */
struct drift_agg {
	const char *rule_id;	/* borrowed from the scan's rules */
	const char *title;
	const char *result;
	const char *rdigest;	/* this row's digest, before folding */
	char *digest;		/* owned; NULL: none */
	unsigned seq;
};

/* A scan with its folded rules, sorted by rule id. */
struct drift_scan {
	const struct store_bundle *b;
	struct store_rule *rules;
	size_t nrules;
	struct drift_agg *agg;
	size_t nagg;
};

struct drift_vec {
	struct drift_change *v;
	size_t n, cap;
};

const char *
drift_kind_name(int kind)
{
	static const char *const names[] = { "regression", "improvement",
	    "config", "changed", "new", "removed" };

	if (kind < 0 || kind > DRIFT_REMOVED)
		return "changed";
	return names[kind];
}

int
drift_init(struct store *s, struct plumb_err *err)
{
	return store_migrate(s, "drift", drift_migrations,
	    sizeof(drift_migrations) / sizeof(drift_migrations[0]), err);
}

static int
drift_bad(const char *r)
{
	return r != NULL && (strcmp(r, "fail") == 0 ||
	    strcmp(r, "error") == 0);
}

static int
drift_good(const char *r)
{
	return r != NULL && (strcmp(r, "pass") == 0 ||
	    strcmp(r, "fixed") == 0);
}

/* Order of results when folding a multi-check rule: worst wins. */
static int
drift_rank(const char *r)
{
	if (strcmp(r, "fail") == 0)
		return 5;
	if (strcmp(r, "error") == 0)
		return 4;
	if (strcmp(r, "unknown") == 0)
		return 3;
	if (drift_good(r))
		return 2;
	return 1;
}

static int
drift_agg_cmp(const void *a, const void *b)
{
	const struct drift_agg *x = a, *y = b;
	int d;

	if ((d = strcmp(x->rule_id, y->rule_id)) != 0)
		return d;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
drift_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
drift_scan_clear(struct drift_scan *ds)
{
	size_t i;

	for (i = 0; i < ds->nagg; i++)
		free(ds->agg[i].digest);
	free(ds->agg);
	store_rules_free(ds->rules, ds->nrules);
	memset(ds, 0, sizeof(*ds));
}

/* Append ",d" (or "d") to the owned string *dst. */
static int
drift_join(char **dst, const char *d)
{
	size_t len;
	char *p;

	if (*dst == NULL)
		return (*dst = strdup(d)) == NULL ? -1 : 0;
	len = strlen(*dst);
	if ((p = realloc(*dst, len + strlen(d) + 2)) == NULL)
		return -1;
	p[len] = ',';
	strcpy(p + len + 1, d);
	*dst = p;
	return 0;
}

/* Load the rules of b and fold them (see drift.h). */
static int
drift_scan_load(struct store *s, const struct store_bundle *b,
    struct drift_scan *ds, struct plumb_err *err)
{
	struct drift_agg *a;
	size_t i, j;
	int rc;

	memset(ds, 0, sizeof(*ds));
	ds->b = b;
	if ((rc = store_rules_get(s, b->uuid, &ds->rules, &ds->nrules,
	    err)) != PLUMB_OK)
		return rc;
	if ((ds->agg = calloc(ds->nrules + 1, sizeof(*ds->agg))) == NULL)
		goto nomem;
	for (i = 0; i < ds->nrules; i++) {
		a = &ds->agg[i];
		a->rule_id = ds->rules[i].rule_id;
		a->title = ds->rules[i].title;
		a->result = ds->rules[i].result;
		a->rdigest = ds->rules[i].items_digest;
		a->seq = ds->rules[i].seq;
	}
	qsort(ds->agg, ds->nrules, sizeof(*ds->agg), drift_agg_cmp);
	/* Fold runs of one rule id; the digests are joined in seq order. */
	for (i = 0, j = 0; i < ds->nrules; j++) {
		const struct drift_agg first = ds->agg[i];
		size_t k;

		ds->agg[j] = first;
		ds->agg[j].digest = NULL;
		for (k = i; k < ds->nrules &&
		    strcmp(ds->agg[k].rule_id, first.rule_id) == 0; k++) {
			if (drift_rank(ds->agg[k].result) >
			    drift_rank(ds->agg[j].result))
				ds->agg[j].result = ds->agg[k].result;
			if (ds->agg[k].rdigest != NULL &&
			    drift_join(&ds->agg[j].digest,
			    ds->agg[k].rdigest) != 0) {
				ds->nagg = j + 1;
				goto nomem;
			}
		}
		i = k;
	}
	ds->nagg = j;
	return PLUMB_OK;
nomem:
	drift_scan_clear(ds);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

/* Copy s (NULL stays NULL); -1 when out of memory. */
static int
drift_dup(char **dst, const char *s)
{
	*dst = NULL;
	if (s == NULL)
		return 0;
	return (*dst = strdup(s)) == NULL ? -1 : 0;
}

static int
drift_add(struct drift_vec *vec, const char *host, int kind,
    const struct drift_agg *from, const struct drift_agg *to,
    const struct drift_scan *older, const struct drift_scan *newer)
{
	struct drift_change *c, *nv;
	const struct drift_agg *any = to != NULL ? to : from;
	size_t ncap;

	if (vec->n == vec->cap) {
		ncap = vec->cap == 0 ? 16 : 2 * vec->cap;
		if ((nv = realloc(vec->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		vec->v = nv;
		vec->cap = ncap;
	}
	c = &vec->v[vec->n];
	memset(c, 0, sizeof(*c));
	snprintf(c->host, sizeof(c->host), "%s", host);
	c->kind = kind;
	snprintf(c->from_scan, sizeof(c->from_scan), "%s", older->b->uuid);
	snprintf(c->scan, sizeof(c->scan), "%s", newer->b->uuid);
	c->time = c->first_seen = newer->b->created;
	vec->n++;
	if (drift_dup(&c->rule_id, any->rule_id) != 0 ||
	    drift_dup(&c->title, any->title) != 0 ||
	    drift_dup(&c->from, from ? from->result : NULL) != 0 ||
	    drift_dup(&c->to, to ? to->result : NULL) != 0 ||
	    drift_dup(&c->from_digest, from ? from->digest : NULL) != 0 ||
	    drift_dup(&c->to_digest, to ? to->digest : NULL) != 0 ||
	    drift_dup(&c->benchmark_id, newer->b->benchmark_id) != 0 ||
	    drift_dup(&c->profile_id, newer->b->profile_id) != 0 ||
	    drift_dup(&c->target_root, newer->b->target_root) != 0)
		return -1;
	return 0;
}

/* The kind of change from a to b (both present), -1: none. */
static int
drift_classify(const struct drift_agg *a, const struct drift_agg *b)
{
	if (strcmp(a->result, b->result) == 0) {
		if (strcmp(a->result, "pass") == 0 &&
		    !drift_streq(a->digest, b->digest))
			return DRIFT_CONFIG;
		return -1;
	}
	if (drift_bad(b->result) && !drift_bad(a->result))
		return DRIFT_REGRESSION;
	if (drift_bad(a->result) && drift_good(b->result))
		return DRIFT_IMPROVEMENT;
	return DRIFT_CHANGED;
}

/* Append the changes from older to newer (a merge of sorted rules). */
static int
drift_diff(struct drift_vec *vec, const char *host,
    const struct drift_scan *older, const struct drift_scan *newer)
{
	size_t i = 0, j = 0;
	int d, kind;

	while (i < older->nagg || j < newer->nagg) {
		if (i == older->nagg)
			d = 1;
		else if (j == newer->nagg)
			d = -1;
		else
			d = strcmp(older->agg[i].rule_id,
			    newer->agg[j].rule_id);
		if (d < 0) {
			if (drift_add(vec, host, DRIFT_REMOVED, &older->agg[i],
			    NULL, older, newer) != 0)
				return -1;
			i++;
		} else if (d > 0) {
			if (drift_add(vec, host, DRIFT_NEW, NULL,
			    &newer->agg[j], older, newer) != 0)
				return -1;
			j++;
		} else {
			kind = drift_classify(&older->agg[i], &newer->agg[j]);
			if (kind >= 0 && drift_add(vec, host, kind,
			    &older->agg[i], &newer->agg[j], older, newer) != 0)
				return -1;
			i++;
			j++;
		}
	}
	return 0;
}

void
drift_free(struct drift_change *c, size_t n)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(c[i].rule_id);
		free(c[i].title);
		free(c[i].from);
		free(c[i].to);
		free(c[i].from_digest);
		free(c[i].to_digest);
		free(c[i].benchmark_id);
		free(c[i].profile_id);
		free(c[i].target_root);
	}
	free(c);
}

static int
drift_change_cmp(const void *a, const void *b)
{
	const struct drift_change *x = a, *y = b;
	int d;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if ((d = strcmp(x->host, y->host)) != 0)
		return d;
	return strcmp(x->rule_id, y->rule_id);
}

/* Same baseline (benchmark, profile, scanned root): scans that can be
 * compared. */
static int
drift_same_kind(const struct store_bundle *a, const struct store_bundle *b)
{
	return strcmp(a->benchmark_id, b->benchmark_id) == 0 &&
	    strcmp(a->profile_id, b->profile_id) == 0 &&
	    strcmp(a->target_root, b->target_root) == 0;
}

int
drift_host(struct store *s, const char *host, time_t since,
    struct drift_change **out, size_t *n, struct plumb_err *err)
{
	struct store_bundle *b = NULL;
	struct drift_scan older, newer;
	struct drift_vec vec;
	size_t nb = 0, i, j;
	long prev;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&vec, 0, sizeof(vec));
	memset(&older, 0, sizeof(older));
	memset(&newer, 0, sizeof(newer));
	/* Newest first: b[i]'s predecessor is the next one of its kind. */
	if ((rc = store_bundles_list(s, host, 0, 0, &b, &nb, err)) !=
	    PLUMB_OK)
		return rc;
	for (i = 0; i < nb; i++) {
		if (b[i].created < since)
			continue;
		prev = -1;
		for (j = i + 1; j < nb; j++)
			if (drift_same_kind(&b[i], &b[j])) {
				prev = (long)j;
				break;
			}
		if (prev < 0)
			continue;
		if ((rc = drift_scan_load(s, &b[i], &newer, err)) != PLUMB_OK ||
		    (rc = drift_scan_load(s, &b[prev], &older, err)) !=
		    PLUMB_OK)
			goto out;
		if (drift_diff(&vec, host, &older, &newer) != 0) {
			rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
			goto out;
		}
		drift_scan_clear(&older);
		drift_scan_clear(&newer);
	}
	if (vec.n > 1)
		qsort(vec.v, vec.n, sizeof(*vec.v), drift_change_cmp);
	*out = vec.v;
	*n = vec.n;
	vec.v = NULL;
	vec.n = 0;
	rc = PLUMB_OK;
out:
	drift_scan_clear(&older);
	drift_scan_clear(&newer);
	drift_free(vec.v, vec.n);
	store_bundles_free(b);
	return rc;
}

/* ------------------------------------------------------- baselines */

struct drift_baseline {
	int found;
	char scan[STORE_UUID_LEN + 1];
	char accepted_by[STORE_TEXT_MAX];
	time_t accepted_time;
};

static int
drift_baseline_row(void *arg, const char *const *v, size_t ncols)
{
	struct drift_baseline *bl = arg;

	if (ncols != 3)
		return 0;
	bl->found = 1;
	snprintf(bl->scan, sizeof(bl->scan), "%s", v[0] ? v[0] : "");
	snprintf(bl->accepted_by, sizeof(bl->accepted_by), "%s",
	    v[1] ? v[1] : "");
	bl->accepted_time = v[2] ? (time_t)strtoll(v[2], NULL, 10) : 0;
	return 1;
}

static int
drift_baseline_get(struct store *s, const char *host,
    struct drift_baseline *bl, struct plumb_err *err)
{
	memset(bl, 0, sizeof(*bl));
	return store_query(s, "SELECT scan, accepted_by, accepted_time FROM "
	    "drift_baselines WHERE host = $1", &host, 1, drift_baseline_row,
	    bl, NULL, err);
}

/*
 * The newest scan of b's kind against the baseline b (newest first in
 * list[0..nlist)): the changes, each with first_seen the oldest scan
 * after the baseline from which the rule kept its newest state.
 */
static int
drift_against(struct store *s, const char *host,
    const struct store_bundle *base, const struct store_bundle *list,
    size_t nlist, struct drift_vec *vec, const struct store_bundle **cmp,
    struct plumb_err *err)
{
	struct drift_scan bs, ns, ms;
	const struct drift_agg *got;
	unsigned char *open = NULL;
	size_t i, k, lo, hi, mid;
	long newest = -1;
	int rc = PLUMB_OK, d, same;

	*cmp = NULL;
	memset(&bs, 0, sizeof(bs));
	memset(&ns, 0, sizeof(ns));
	memset(&ms, 0, sizeof(ms));
	for (i = 0; i < nlist; i++) {
		if (strcmp(list[i].uuid, base->uuid) == 0)
			break;
		if (newest < 0 && drift_same_kind(&list[i], base))
			newest = (long)i;
	}
	if (newest < 0)
		return PLUMB_OK;	/* the baseline is the newest */
	*cmp = &list[newest];
	if ((rc = drift_scan_load(s, base, &bs, err)) != PLUMB_OK ||
	    (rc = drift_scan_load(s, &list[newest], &ns, err)) != PLUMB_OK)
		goto out;
	if (drift_diff(vec, host, &bs, &ns) != 0)
		goto nomem;
	if (vec->n == 0)
		goto out;
	if ((open = calloc(vec->n, 1)) == NULL)
		goto nomem;
	memset(open, 1, vec->n);
	/* Walk back from the newest towards the baseline. */
	for (i = (size_t)newest + 1; i < nlist &&
	    strcmp(list[i].uuid, base->uuid) != 0; i++) {
		if (!drift_same_kind(&list[i], base))
			continue;
		if ((rc = drift_scan_load(s, &list[i], &ms, err)) != PLUMB_OK)
			goto out;
		for (k = 0; k < vec->n; k++) {
			if (!open[k])
				continue;
			got = NULL;
			lo = 0;
			hi = ms.nagg;
			while (lo < hi) {
				mid = (lo + hi) / 2;
				d = strcmp(ms.agg[mid].rule_id,
				    vec->v[k].rule_id);
				if (d == 0) {
					got = &ms.agg[mid];
					break;
				}
				if (d < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			/* Same state as the newest (absent as well for a
			 * removed rule)? */
			if (vec->v[k].to != NULL)
				same = got != NULL && drift_streq(got->result,
				    vec->v[k].to) && drift_streq(got->digest,
				    vec->v[k].to_digest);
			else
				same = got == NULL;
			if (!same)
				open[k] = 0;
			else
				vec->v[k].first_seen = list[i].created;
		}
		drift_scan_clear(&ms);
	}
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	free(open);
	drift_scan_clear(&ms);
	drift_scan_clear(&bs);
	drift_scan_clear(&ns);
	return rc;
}

/* ------------------------------------------------------------- API */

/* CHANGE of docs/api.md. */
static json_t *
drift_json(const struct drift_change *c)
{
#define DRIFT_S(x)	((x) != NULL ? json_string(x) : json_null())
	return json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:s, "
	    "s:s, s:I, s:I, s:o, s:o, s:o}",
	    "host", c->host, "rule_id", c->rule_id, "title", DRIFT_S(c->title),
	    "kind", drift_kind_name(c->kind),
	    "from", DRIFT_S(c->from), "to", DRIFT_S(c->to),
	    "from_digest", DRIFT_S(c->from_digest),
	    "to_digest", DRIFT_S(c->to_digest),
	    "from_scan", c->from_scan, "scan", c->scan,
	    "time", (json_int_t)c->time,
	    "first_seen", (json_int_t)c->first_seen,
	    "benchmark_id", DRIFT_S(c->benchmark_id),
	    "profile_id", DRIFT_S(c->profile_id),
	    "target_root", DRIFT_S(c->target_root));
#undef DRIFT_S
}

/* Append the changes as JSON to list; -1 when out of memory. */
static int
drift_json_append(json_t *list, const struct drift_change *c, size_t n)
{
	json_t *o;
	size_t i;

	for (i = 0; i < n; i++)
		if ((o = drift_json(&c[i])) == NULL ||
		    json_array_append_new(list, o) != 0)
			return -1;
	return 0;
}

/* The host of seg[1] if the caller may see it; 0, or -1 with a 404. */
static int
drift_api_host(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct store_host *h, struct plumb_err *err,
    int *rc)
{
	*rc = PLUMB_OK;
	if (req->nseg < 2 || !api_may_see(req, req->seg[1])) {
		api_error(rep, 404, "no host %s", req->nseg > 1 ?
		    req->seg[1] : "");
		return -1;
	}
	*rc = store_host_get(ctx->store, req->seg[1], h, err);
	if (*rc == PLUMB_ENOENT) {
		*rc = api_error(rep, 404, "no host %s", req->seg[1]);
		return -1;
	}
	return *rc == PLUMB_OK ? 0 : -1;
}

/* GET hosts/{id}/drift?since= */
static int
drift_api_host_drift(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_host h;
	struct drift_change *c = NULL;
	json_t *list;
	time_t since;
	size_t n = 0;
	int rc;

	if (drift_api_host(ctx, req, rep, &h, err, &rc) != 0 ||
	    controls_param_time(req, "since", 0, &since, rep) != 0)
		return rc;
	if ((rc = drift_host(ctx->store, h.id, since, &c, &n, err)) !=
	    PLUMB_OK)
		return rc;
	if ((list = json_array()) == NULL ||
	    drift_json_append(list, c, n) != 0 ||
	    (rep->json = json_pack("{s:s, s:o}", "host", h.id, "changes",
	    list)) == NULL) {
		drift_free(c, n);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	drift_free(c, n);
	return PLUMB_OK;
}

/* GET drift?since=&role=&site=&zone= : every host, oldest first. */
static int
drift_api_fleet(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_host *hosts = NULL;
	struct drift_change *c = NULL, *all = NULL, *na;
	char role[STORE_ATTR_MAX], site[STORE_ATTR_MAX], zone[STORE_ATTR_MAX];
	const char *fr, *fs, *fz;
	json_t *list = NULL;
	time_t since;
	size_t nh = 0, n, nall = 0, i;
	int rc;

	if (controls_param_time(req, "since", 0, &since, rep) != 0)
		return PLUMB_OK;
	fr = api_query_param(req, "role", role, sizeof(role));
	fs = api_query_param(req, "site", site, sizeof(site));
	fz = api_query_param(req, "zone", zone, sizeof(zone));
	if ((rc = store_hosts_list(ctx->store, &hosts, &nh, err)) != PLUMB_OK)
		return rc;
	for (i = 0; i < nh; i++) {
		if ((fr != NULL && *fr && strcmp(fr, hosts[i].role) != 0) ||
		    (fs != NULL && *fs && strcmp(fs, hosts[i].site) != 0) ||
		    (fz != NULL && *fz && strcmp(fz, hosts[i].zone) != 0) ||
		    !api_may_see(req, hosts[i].id))
			continue;
		if ((rc = drift_host(ctx->store, hosts[i].id, since, &c, &n,
		    err)) != PLUMB_OK)
			goto out;
		if (n == 0)
			continue;
		if ((na = realloc(all, (nall + n) * sizeof(*na))) == NULL) {
			drift_free(c, n);
			goto nomem;
		}
		all = na;
		memcpy(all + nall, c, n * sizeof(*c));
		nall += n;
		free(c);		/* the strings moved into all */
		c = NULL;
	}
	if (nall > 1)
		qsort(all, nall, sizeof(*all), drift_change_cmp);
	if ((list = json_array()) == NULL ||
	    drift_json_append(list, all, nall) != 0)
		goto nomem;
	rc = api_reply_list(rep, "changes", list, err);
	list = NULL;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(list);
	drift_free(all, nall);
	store_hosts_free(hosts);
	return rc;
}

/* POST hosts/{id}/baseline {"scan": uuid} (omitted: the newest scan) */
static int
drift_api_baseline_set(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_host h;
	struct store_bundle b, *newest = NULL;
	json_t *body = NULL;
	json_error_t jerr;
	const char *scan = NULL, *params[4];
	char when[24];
	size_t nb = 0;
	int rc;

	if (drift_api_host(ctx, req, rep, &h, err, &rc) != 0)
		return rc;
	if (req->body != NULL && req->body_len > 0) {
		body = json_loadb((const char *)req->body, req->body_len, 0,
		    &jerr);
		if (body == NULL || !json_is_object(body)) {
			json_decref(body);
			return api_error(rep, 400, "body: expected a JSON "
			    "object (%s)", body == NULL ? jerr.text : "");
		}
		if (json_object_get(body, "scan") != NULL &&
		    (scan = json_string_value(json_object_get(body,
		    "scan"))) == NULL) {
			json_decref(body);
			return api_error(rep, 400, "scan: not a string");
		}
	}
	if (scan == NULL) {
		if ((rc = store_bundles_list(ctx->store, h.id, 0, 1, &newest,
		    &nb, err)) != PLUMB_OK)
			goto out;
		if (nb == 0) {
			rc = api_error(rep, 409, "host %s has no scan yet",
			    h.id);
			goto out;
		}
		b = newest[0];
	} else {
		rc = store_bundle_get(ctx->store, scan, &b, err);
		if (rc == PLUMB_ENOENT || (rc == PLUMB_OK &&
		    strcmp(b.host, h.id) != 0)) {
			rc = api_error(rep, 404, "no scan %s of host %s", scan,
			    h.id);
			goto out;
		}
		if (rc != PLUMB_OK)
			goto out;
	}
	snprintf(when, sizeof(when), "%lld", (long long)req->now);
	params[0] = h.id;
	params[1] = b.uuid;
	params[2] = req->principal != NULL ? req->principal : "";
	params[3] = when;
	if ((rc = store_query(ctx->store, "INSERT INTO drift_baselines (host, "
	    "scan, accepted_by, accepted_time) VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (host) DO UPDATE SET scan = excluded.scan, "
	    "accepted_by = excluded.accepted_by, "
	    "accepted_time = excluded.accepted_time", params, 4, NULL, NULL,
	    NULL, err)) != PLUMB_OK)
		goto out;
	if ((rep->json = json_pack("{s:s, s:s, s:I, s:s, s:I}", "host", h.id,
	    "scan", b.uuid, "scan_time", (json_int_t)b.created,
	    "accepted_by", params[2],
	    "accepted_time", (json_int_t)req->now)) == NULL)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	store_bundles_free(newest);
	json_decref(body);
	return rc;
}

/* GET hosts/{id}/baseline: the newest scan against the baseline. */
static int
drift_api_baseline_get(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_host h;
	struct store_bundle base, *list = NULL;
	const struct store_bundle *cmp = NULL;
	struct drift_baseline bl;
	struct drift_vec vec;
	json_t *changes = NULL;
	size_t nlist = 0;
	int rc;

	memset(&vec, 0, sizeof(vec));
	if (drift_api_host(ctx, req, rep, &h, err, &rc) != 0)
		return rc;
	if ((rc = drift_baseline_get(ctx->store, h.id, &bl, err)) != PLUMB_OK)
		return rc;
	if (!bl.found)
		return api_error(rep, 404, "host %s has no accepted baseline",
		    h.id);
	rc = store_bundle_get(ctx->store, bl.scan, &base, err);
	if (rc == PLUMB_ENOENT)
		return api_error(rep, 410, "the baseline scan %s of host %s "
		    "is no longer stored (retention); accept a new one",
		    bl.scan, h.id);
	if (rc != PLUMB_OK)
		return rc;
	if ((rc = store_bundles_list(ctx->store, h.id, 0, 0, &list, &nlist,
	    err)) != PLUMB_OK ||
	    (rc = drift_against(ctx->store, h.id, &base, list, nlist, &vec,
	    &cmp, err)) != PLUMB_OK)
		goto out;
	if (vec.n > 1)
		qsort(vec.v, vec.n, sizeof(*vec.v), drift_change_cmp);
	if ((changes = json_array()) == NULL ||
	    drift_json_append(changes, vec.v, vec.n) != 0)
		goto nomem;
	rep->json = json_pack("{s:s, s:s, s:I, s:s, s:I, s:o, s:o, s:o}",
	    "host", h.id, "scan", bl.scan,
	    "scan_time", (json_int_t)base.created,
	    "accepted_by", bl.accepted_by,
	    "accepted_time", (json_int_t)bl.accepted_time,
	    "compared_scan", cmp != NULL ? json_string(cmp->uuid) :
	    json_null(),
	    "compared_time", cmp != NULL ? json_integer(
	    (json_int_t)cmp->created) : json_null(),
	    "changes", changes);
	changes = NULL;
	if (rep->json == NULL)
		goto nomem;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(changes);
	drift_free(vec.v, vec.n);
	store_bundles_free(list);
	return rc;
}

const struct api_route drift_routes[] = {
	{ "GET", "hosts/*/drift", API_AUTH_READ,
	  drift_api_host_drift },
	{ "GET", "drift", API_AUTH_STAFF, drift_api_fleet },
	{ "POST", "hosts/*/baseline", API_AUTH_ADMIN, drift_api_baseline_set },
	{ "GET", "hosts/*/baseline", API_AUTH_READ,
	  drift_api_baseline_get },
};
const size_t drift_nroutes = sizeof(drift_routes) / sizeof(drift_routes[0]);
