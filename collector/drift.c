/*
 * drift.c - rule result changes per host between consecutive scans and
 * against an accepted baseline (drift.h), and their API routes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/grow.h"
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
	/* The changes of each scan against the previous scan of its
	 * baseline, kept at ingest (drift_hook) instead of re-read from
	 * rule_results by every request.  drift_scans: one row per bundle
	 * whose changes are stored, naming the scan it was compared with
	 * (NULL: the first of its baseline); deleting either bundle
	 * deletes the row, so drift_sync() redoes the pair. */
	{ 2,
	  "CREATE TABLE drift_scans ("
	  " bundle_id INTEGER NOT NULL REFERENCES bundles(id)"
	  "  ON DELETE CASCADE,"
	  " prev_id INTEGER REFERENCES bundles(id) ON DELETE CASCADE,"
	  " PRIMARY KEY (bundle_id)"
	  ");"
	  "CREATE INDEX drift_scans_prev ON drift_scans (prev_id);"
	  "CREATE TABLE drift_changes ("
	  " bundle_id INTEGER NOT NULL REFERENCES bundles(id)"
	  "  ON DELETE CASCADE,"		/* the newer scan */
	  " rule_id TEXT NOT NULL,"
	  " host TEXT NOT NULL,"
	  " created INTEGER NOT NULL,"		/* of the newer scan */
	  " kind TEXT NOT NULL,"		/* drift_kind_name() */
	  " title TEXT,"
	  " from_result TEXT, to_result TEXT,"
	  " from_digest TEXT, to_digest TEXT,"
	  " from_scan TEXT NOT NULL, scan TEXT NOT NULL,"
	  " benchmark_id TEXT NOT NULL, profile_id TEXT NOT NULL,"
	  " target_root TEXT NOT NULL,"
	  " PRIMARY KEY (bundle_id, rule_id)"
	  ");"
	  /* GET drift counts kinds and hosts over a range of created:
	   * from the index alone. */
	  "CREATE INDEX drift_changes_time ON drift_changes (created, kind,"
	  " host);"
	  "CREATE INDEX drift_changes_host ON drift_changes (host, created);" },
};

#define DRIFT_INS_ROWS	16	/* rows per multi-row INSERT */
#define DRIFT_INS_COLS	15	/* columns of drift_changes */
#define DRIFT_LIMIT	1000	/* GET drift: changes by default */
#define DRIFT_LIMIT_MAX	100000	/* GET drift: most changes (limit=) */

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

static int drift_hook(void *, struct store *, const char *,
    const struct store_bundle *, const struct store_rule *, size_t,
    struct plumb_err *);

int
drift_init(struct store *s, struct plumb_err *err)
{
	int rc;

	if ((rc = store_migrate(s, "drift", drift_migrations,
	    sizeof(drift_migrations) / sizeof(drift_migrations[0]), err)) !=
	    PLUMB_OK)
		return rc;
	store_set_insert_hook_at(STORE_HOOK_DRIFT, drift_hook, NULL);
	return drift_sync(s, NULL, err);
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

/* Fold the n rules r of ds->b (see drift.h); r must outlive ds->agg. */
static int
drift_scan_fold(struct drift_scan *ds, const struct store_rule *r, size_t n,
    struct plumb_err *err)
{
	struct drift_agg *a;
	size_t i, j;

	if ((ds->agg = calloc(n + 1, sizeof(*ds->agg))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		a = &ds->agg[i];
		a->rule_id = r[i].rule_id;
		a->title = r[i].title;
		a->result = r[i].result;
		a->rdigest = r[i].items_digest;
		a->seq = r[i].seq;
	}
	qsort(ds->agg, n, sizeof(*ds->agg), drift_agg_cmp);
	/* Fold runs of one rule id; the digests are joined in seq order. */
	for (i = 0, j = 0; i < n; j++) {
		const struct drift_agg first = ds->agg[i];
		size_t k;

		ds->agg[j] = first;
		ds->agg[j].digest = NULL;
		for (k = i; k < n &&
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

/* Load the rules of b and fold them (see drift.h). */
static int
drift_scan_load(struct store *s, const struct store_bundle *b,
    struct drift_scan *ds, struct plumb_err *err)
{
	int rc;

	memset(ds, 0, sizeof(*ds));
	ds->b = b;
	if ((rc = store_rules_get(s, b->uuid, &ds->rules, &ds->nrules,
	    err)) != PLUMB_OK)
		return rc;
	return drift_scan_fold(ds, ds->rules, ds->nrules, err);
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
	struct drift_change *c;
	const struct drift_agg *any = to != NULL ? to : from;

	if (grow_array(&vec->v, vec->n, &vec->cap, sizeof(*vec->v), 16) != 0)
		return -1;
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

/* ------------------------------------------------- stored changes */

/*
 * The changes of a scan against the previous scan of its baseline are
 * kept in drift_changes (bundle_id the newer scan), with a drift_scans
 * row per scan saying it was done: drift_hook() when a scan is stored
 * (its own pair, and its successor's when it arrived late),
 * drift_sync() for scans without a row (a database made before
 * migration 2, scans stored without the hook, successors of scans
 * removed by retention).  Both compare folded rules (drift_diff()), so
 * the stored changes are those drift_host() once computed per request.
 */

/* Insert the changes v[0..n), v[i] of the scan with row id ids[i]. */
static int
drift_changes_insert(struct store *s, const char *const *ids,
    const struct drift_change *v, size_t n, struct plumb_err *err)
{
	const char *p[DRIFT_INS_ROWS * DRIFT_INS_COLS];
	char sql[DRIFT_INS_ROWS * DRIFT_INS_COLS * 8 + 256];
	char tb[DRIFT_INS_ROWS][24];
	size_t i, k, m, c, len;
	int rc;

	for (i = 0; i < n; i += m) {
		m = n - i < DRIFT_INS_ROWS ? n - i : DRIFT_INS_ROWS;
		len = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO "
		    "drift_changes (bundle_id, rule_id, host, created, kind, "
		    "title, from_result, to_result, from_digest, to_digest, "
		    "from_scan, scan, benchmark_id, profile_id, target_root) "
		    "VALUES ");
		for (k = 0; k < m; k++) {
			const struct drift_change *x = &v[i + k];
			const char **q = p + k * DRIFT_INS_COLS;

			snprintf(tb[k], sizeof(tb[k]), "%lld",
			    (long long)x->time);
			q[0] = ids[i + k];
			q[1] = x->rule_id;
			q[2] = x->host;
			q[3] = tb[k];
			q[4] = drift_kind_name(x->kind);
			q[5] = x->title;
			q[6] = x->from;
			q[7] = x->to;
			q[8] = x->from_digest;
			q[9] = x->to_digest;
			q[10] = x->from_scan;
			q[11] = x->scan;
			q[12] = x->benchmark_id;
			q[13] = x->profile_id;
			q[14] = x->target_root;
			for (c = 0; c < DRIFT_INS_COLS; c++)
				len += (size_t)snprintf(sql + len,
				    sizeof(sql) - len, "%s$%zu%s",
				    c == 0 ? (k == 0 ? "(" : ", (") : ", ",
				    k * DRIFT_INS_COLS + c + 1,
				    c == DRIFT_INS_COLS - 1 ? ")" : "");
		}
		if ((rc = store_query(s, sql, p, m * DRIFT_INS_COLS, NULL, NULL,
		    NULL, err)) != PLUMB_OK)
			return rc;
	}
	return PLUMB_OK;
}

/*
 * Store the pair (older, newer): the changes from older (NULL: newer is
 * the first scan of its baseline) to newer, whose row id is id and
 * whose folded rules are in ns; replaces what was stored for newer
 * unless fresh (a scan being stored has nothing stored yet).
 */
static int
drift_pair_store(struct store *s, const char *id, int fresh,
    const char *older_id, const struct drift_scan *os,
    const struct drift_scan *ns, struct plumb_err *err)
{
	struct drift_vec vec;
	const char *p[2], **ids = NULL;
	size_t i;
	int rc;

	memset(&vec, 0, sizeof(vec));
	p[0] = id;
	p[1] = older_id;
	if ((!fresh && ((rc = store_query(s, "DELETE FROM drift_changes "
	    "WHERE bundle_id = $1", p, 1, NULL, NULL, NULL, err)) != PLUMB_OK ||
	    (rc = store_query(s, "DELETE FROM drift_scans WHERE "
	    "bundle_id = $1", p, 1, NULL, NULL, NULL, err)) != PLUMB_OK)) ||
	    (rc = store_query(s, "INSERT INTO drift_scans (bundle_id, "
	    "prev_id) VALUES ($1, $2)", p, 2, NULL, NULL, NULL, err)) !=
	    PLUMB_OK)
		return rc;
	if (os == NULL)
		return PLUMB_OK;
	if (drift_diff(&vec, ns->b->host, os, ns) != 0 ||
	    (ids = calloc(vec.n + 1, sizeof(*ids))) == NULL)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	else {
		for (i = 0; i < vec.n; i++)
			ids[i] = id;
		rc = drift_changes_insert(s, ids, vec.v, vec.n, err);
	}
	free(ids);
	drift_free(vec.v, vec.n);
	return rc;
}

/* A neighbour of a scan in its baseline (drift_neighbour()). */
struct drift_ref {
	int found;
	char id[24];
	struct store_bundle b;	/* the scan's baseline, uuid, times */
};

/* Both neighbours of drift_neighbours(): column 0 says which. */
static int
drift_ref_row(void *arg, const char *const *v, size_t ncols)
{
	struct drift_ref *r = arg;

	if (ncols != 5 || v[0] == NULL || v[1] == NULL || v[2] == NULL)
		return 0;
	r += strcmp(v[0], "1") == 0;
	r->found = 1;
	snprintf(r->id, sizeof(r->id), "%s", v[1]);
	snprintf(r->b.uuid, sizeof(r->b.uuid), "%s", v[2]);
	r->b.created = v[3] != NULL ? (time_t)strtoll(v[3], NULL, 10) : 0;
	r->b.received = v[4] != NULL ? (time_t)strtoll(v[4], NULL, 10) : 0;
	return 0;
}

/*
 * The scans of b's host and baseline just before b (r[0]) and just
 * after it (r[1]), in the order of every list (created, received,
 * uuid), in one query; found 0 when there is none.
 */
static int
drift_neighbours(struct store *s, const struct store_bundle *b,
    struct drift_ref r[2], struct plumb_err *err)
{
	char cb[24], rb[24];
	const char *p[7];

	memset(r, 0, 2 * sizeof(*r));
	r[0].b = r[1].b = *b;
	snprintf(cb, sizeof(cb), "%lld", (long long)b->created);
	snprintf(rb, sizeof(rb), "%lld", (long long)b->received);
	p[0] = b->host;
	p[1] = b->benchmark_id;
	p[2] = b->profile_id;
	p[3] = b->target_root;
	p[4] = cb;
	p[5] = rb;
	p[6] = b->uuid;
	return store_query(s,
	    "SELECT 0, id, uuid, created, received FROM (SELECT id, uuid, "
	    "created, received FROM bundles WHERE host = $1 AND "
	    "benchmark_id = $2 AND profile_id = $3 AND target_root = $4 AND "
	    "(created < $5 OR (created = $5 AND (received < $6 OR "
	    "(received = $6 AND uuid < $7)))) ORDER BY created DESC, "
	    "received DESC, uuid DESC LIMIT 1) bp UNION ALL "
	    "SELECT 1, id, uuid, created, received FROM (SELECT id, uuid, "
	    "created, received FROM bundles WHERE host = $1 AND "
	    "benchmark_id = $2 AND profile_id = $3 AND target_root = $4 AND "
	    "(created > $5 OR (created = $5 AND (received > $6 OR "
	    "(received = $6 AND uuid > $7)))) ORDER BY created, received, "
	    "uuid LIMIT 1) bn", p, 7, drift_ref_row, r, NULL, err);
}

/* store_insert_hook: the changes of a scan being stored, and of the
 * next scan of its baseline when this one arrived late. */
static int
drift_hook(void *arg, struct store *s, const char *id,
    const struct store_bundle *b, const struct store_rule *rules,
    size_t nrules, struct plumb_err *err)
{
	struct drift_ref nb[2];
	const struct drift_ref *prev = &nb[0], *next = &nb[1];
	struct drift_scan ps, ns, xs;
	int rc;

	(void)arg;
	memset(&ps, 0, sizeof(ps));
	memset(&ns, 0, sizeof(ns));
	memset(&xs, 0, sizeof(xs));
	ns.b = b;
	if ((rc = drift_neighbours(s, b, nb, err)) != PLUMB_OK ||
	    (rc = drift_scan_fold(&ns, rules, nrules, err)) != PLUMB_OK)
		goto out;
	if (prev->found && (rc = drift_scan_load(s, &prev->b, &ps, err)) !=
	    PLUMB_OK)
		goto out;
	if ((rc = drift_pair_store(s, id, 1, prev->found ? prev->id : NULL,
	    prev->found ? &ps : NULL, &ns, err)) != PLUMB_OK)
		goto out;
	/* A scan that arrived late sits between prev and next: next is
	 * now compared with it. */
	if (next->found && ((rc = drift_scan_load(s, &next->b, &xs, err)) !=
	    PLUMB_OK || (rc = drift_pair_store(s, next->id, 0, id, &ns, &xs,
	    err)) != PLUMB_OK))
		goto out;
out:
	drift_scan_clear(&ps);
	drift_scan_clear(&ns);
	drift_scan_clear(&xs);
	return rc;
}

/* The scans of one host and their rules (drift_rebuild()). */
struct drift_host_scans {
	struct store_bundle *b;	/* by baseline, then oldest first */
	char (*id)[24];		/* row ids, parallel to b */
	long long *nid;		/* the same as numbers */
	struct store_rule **rules;	/* per scan, owned */
	size_t *nrules, *caprules;
	size_t n, cap;
	int fail;		/* out of memory in a row callback */
};

static int
drift_hs_scan_row(void *arg, const char *const *v, size_t ncols)
{
	struct drift_host_scans *hs = arg;
	size_t ncap;
	void *p;

	if (ncols != 7)
		return 0;
	if (hs->n == hs->cap) {
		ncap = hs->cap == 0 ? 64 : 2 * hs->cap;
		if ((p = realloc(hs->b, ncap * sizeof(*hs->b))) == NULL)
			goto fail;
		hs->b = p;
		if ((p = realloc(hs->id, ncap * sizeof(*hs->id))) == NULL)
			goto fail;
		hs->id = p;
		if ((p = realloc(hs->nid, ncap * sizeof(*hs->nid))) == NULL)
			goto fail;
		hs->nid = p;
		if ((p = realloc(hs->rules, ncap * sizeof(*hs->rules))) ==
		    NULL)
			goto fail;
		hs->rules = p;
		if ((p = realloc(hs->nrules, ncap * sizeof(*hs->nrules))) ==
		    NULL)
			goto fail;
		hs->nrules = p;
		if ((p = realloc(hs->caprules, ncap *
		    sizeof(*hs->caprules))) == NULL)
			goto fail;
		hs->caprules = p;
		hs->cap = ncap;
	}
	memset(&hs->b[hs->n], 0, sizeof(hs->b[hs->n]));
	snprintf(hs->id[hs->n], sizeof(hs->id[hs->n]), "%s", v[0] ? v[0] :
	    "");
	hs->nid[hs->n] = v[0] ? strtoll(v[0], NULL, 10) : 0;
	snprintf(hs->b[hs->n].uuid, sizeof(hs->b[hs->n].uuid), "%s",
	    v[1] ? v[1] : "");
	hs->b[hs->n].created = v[2] ? (time_t)strtoll(v[2], NULL, 10) : 0;
	snprintf(hs->b[hs->n].benchmark_id, sizeof(hs->b[hs->n].benchmark_id),
	    "%s", v[3] ? v[3] : "");
	snprintf(hs->b[hs->n].profile_id, sizeof(hs->b[hs->n].profile_id),
	    "%s", v[4] ? v[4] : "");
	snprintf(hs->b[hs->n].target_root, sizeof(hs->b[hs->n].target_root),
	    "%s", v[5] ? v[5] : "");
	snprintf(hs->b[hs->n].host, sizeof(hs->b[hs->n].host), "%s",
	    v[6] ? v[6] : "");
	hs->rules[hs->n] = NULL;
	hs->nrules[hs->n] = hs->caprules[hs->n] = 0;
	hs->n++;
	return 0;
fail:
	hs->fail = 1;
	return 1;
}

/* Row ids in hs->nid are ascending (ORDER BY id): the scan of one. */
static long
drift_hs_find(const struct drift_host_scans *hs, const size_t *byid,
    long long id)
{
	size_t lo = 0, hi = hs->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (hs->nid[byid[mid]] == id)
			return (long)byid[mid];
		if (hs->nid[byid[mid]] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct drift_hs_rules {
	struct drift_host_scans *hs;
	const size_t *byid;
};

static int
drift_hs_rule_row(void *arg, const char *const *v, size_t ncols)
{
	struct drift_hs_rules *a = arg;
	struct drift_host_scans *hs = a->hs;
	struct store_rule *r;
	long i;

	if (ncols != 6 || v[0] == NULL || v[2] == NULL || v[3] == NULL)
		return 0;
	if ((i = drift_hs_find(hs, a->byid, strtoll(v[0], NULL, 10))) < 0)
		return 0;
	if (grow_array(&hs->rules[i], hs->nrules[i], &hs->caprules[i],
	    sizeof(*r), 16) != 0)
		goto fail;
	r = &hs->rules[i][hs->nrules[i]];
	memset(r, 0, sizeof(*r));
	hs->nrules[i]++;
	r->seq = v[1] ? (unsigned)strtoul(v[1], NULL, 10) : 0;
	if ((r->rule_id = strdup(v[2])) == NULL ||
	    (r->result = strdup(v[3])) == NULL ||
	    (v[4] != NULL && (r->title = strdup(v[4])) == NULL) ||
	    (v[5] != NULL && (r->items_digest = strdup(v[5])) == NULL))
		goto fail;
	return 0;
fail:
	hs->fail = 1;
	return 1;
}

static void
drift_hs_clear(struct drift_host_scans *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		store_rules_free(hs->rules[i], hs->nrules[i]);
	free(hs->b);
	free(hs->id);
	free(hs->nid);
	free(hs->rules);
	free(hs->nrules);
	free(hs->caprules);
	memset(hs, 0, sizeof(*hs));
}

static int
drift_id_cmp(const void *a, const void *b, void *arg)
{
	const long long *nid = arg;
	long long x = nid[*(const size_t *)a], y = nid[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/*
 * The scans of bundles b matching where (SQL over b, parameters p),
 * ordered by order, into hs with their rules: two queries.
 */
static int
drift_hs_load(struct store *s, const char *where, const char *order,
    const char *const *p, size_t np, struct drift_host_scans *hs,
    struct plumb_err *err)
{
	struct drift_hs_rules ra;
	char sql[1024];
	size_t *byid = NULL, i;
	int rc;

	memset(hs, 0, sizeof(*hs));
	snprintf(sql, sizeof(sql), "SELECT b.id, b.uuid, b.created, "
	    "b.benchmark_id, b.profile_id, b.target_root, b.host FROM "
	    "bundles b WHERE %s ORDER BY %s", where, order);
	if ((rc = store_query(s, sql, p, np, drift_hs_scan_row, hs, NULL,
	    err)) != PLUMB_OK)
		goto out;
	if (hs->fail || (byid = calloc(hs->n + 1, sizeof(*byid))) == NULL)
		goto nomem;
	for (i = 0; i < hs->n; i++)
		byid[i] = i;
	qsort_r(byid, hs->n, sizeof(*byid), drift_id_cmp, hs->nid);
	ra.hs = hs;
	ra.byid = byid;
	snprintf(sql, sizeof(sql), "SELECT r.bundle_id, r.seq, r.rule_id, "
	    "r.result, r.title, r.items_digest FROM rule_results r JOIN "
	    "bundles b ON b.id = r.bundle_id WHERE %s", where);
	if ((rc = store_query(s, sql, p, np, drift_hs_rule_row, &ra, NULL,
	    err)) != PLUMB_OK)
		goto out;
	if (hs->fail)
		goto nomem;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	free(byid);
	if (rc != PLUMB_OK)
		drift_hs_clear(hs);
	return rc;
}

/* drift_scans rows (ids[i], prev[i]) (prev[i] NULL: a first scan). */
static int
drift_marks_insert(struct store *s, const char *const *ids,
    const char *const *prev, size_t n, struct plumb_err *err)
{
	const char *p[2 * DRIFT_INS_ROWS * 4];
	char sql[2 * DRIFT_INS_ROWS * 4 * 10 + 64];
	size_t i, k, m, len;
	int rc;

	for (i = 0; i < n; i += m) {
		m = n - i < DRIFT_INS_ROWS * 4 ? n - i : DRIFT_INS_ROWS * 4;
		len = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO "
		    "drift_scans (bundle_id, prev_id) VALUES ");
		for (k = 0; k < m; k++) {
			p[2 * k] = ids[i + k];
			p[2 * k + 1] = prev[i + k];
			len += (size_t)snprintf(sql + len, sizeof(sql) - len,
			    "%s($%zu, $%zu)", k == 0 ? "" : ", ", 2 * k + 1,
			    2 * k + 2);
		}
		if ((rc = store_query(s, sql, p, 2 * m, NULL, NULL, NULL,
		    err)) != PLUMB_OK)
			return rc;
	}
	return PLUMB_OK;
}

/* Every pair of consecutive scans of host again, in one transaction. */
static int
drift_rebuild(struct store *s, const char *host, struct plumb_err *err)
{
	struct drift_host_scans hs;
	struct drift_scan os, ns;
	struct drift_vec vec;
	size_t i, k;
	const char *p[1] = { host }, **ids = NULL, **prev = NULL, **pid = NULL;
	void *p2;
	int rc;

	memset(&vec, 0, sizeof(vec));
	memset(&hs, 0, sizeof(hs));
	memset(&os, 0, sizeof(os));
	memset(&ns, 0, sizeof(ns));
	if ((rc = drift_hs_load(s, "b.host = $1", "b.benchmark_id, "
	    "b.profile_id, b.target_root, b.created, b.received, b.uuid", p, 1,
	    &hs, err)) != PLUMB_OK)
		goto out;
	if ((pid = calloc(hs.n + 1, sizeof(*pid))) == NULL)
		goto nomem;
	/* Every pair, then the rows in a few multi-row INSERTs. */
	if ((prev = calloc(hs.n + 1, sizeof(*prev))) == NULL)
		goto nomem;
	for (i = 0; i < hs.n; i++) {
		int first = i == 0 ||
		    !drift_same_kind(&hs.b[i - 1], &hs.b[i]);

		drift_scan_clear(&os);
		os = ns;
		memset(&ns, 0, sizeof(ns));
		ns.b = &hs.b[i];
		if ((rc = drift_scan_fold(&ns, hs.rules[i], hs.nrules[i],
		    err)) != PLUMB_OK)
			goto out;
		prev[i] = first ? NULL : hs.id[i - 1];
		k = vec.n;
		if (!first && drift_diff(&vec, host, &os, &ns) != 0)
			goto nomem;
		if (vec.n > 0 && (p2 = realloc(ids, vec.n * sizeof(*ids))) ==
		    NULL)
			goto nomem;
		if (vec.n > 0)
			ids = p2;
		for (; k < vec.n; k++)
			ids[k] = hs.id[i];
	}
	for (i = 0; i < hs.n; i++)
		pid[i] = hs.id[i];
	if ((rc = store_tx_begin(s, err)) != PLUMB_OK)
		goto out;
	if ((rc = store_query(s, "DELETE FROM drift_changes WHERE host = $1",
	    p, 1, NULL, NULL, NULL, err)) != PLUMB_OK ||
	    (rc = store_query(s, "DELETE FROM drift_scans WHERE bundle_id IN "
	    "(SELECT id FROM bundles WHERE host = $1)", p, 1, NULL, NULL, NULL,
	    err)) != PLUMB_OK ||
	    (rc = drift_marks_insert(s, pid, prev, hs.n, err)) != PLUMB_OK ||
	    (rc = drift_changes_insert(s, ids, vec.v, vec.n, err)) !=
	    PLUMB_OK) {
		store_tx_rollback(s);
		goto out;
	}
	if ((rc = store_tx_commit(s, err)) != PLUMB_OK)
		store_tx_rollback(s);
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	drift_scan_clear(&os);
	drift_scan_clear(&ns);
	drift_free(vec.v, vec.n);
	free(ids);
	free(prev);
	free(pid);
	drift_hs_clear(&hs);
	return rc;
}

int
drift_sync(struct store *s, size_t *hosts, struct plumb_err *err)
{
	struct store_strings h;
	size_t i;
	int rc;

	memset(&h, 0, sizeof(h));
	if (hosts != NULL)
		*hosts = 0;
	if ((rc = store_query(s, "SELECT DISTINCT b.host FROM bundles b "
	    "WHERE NOT EXISTS (SELECT 1 FROM drift_scans d WHERE "
	    "d.bundle_id = b.id) ORDER BY b.host", NULL, 0, store_strings_row,
	    &h, NULL, err)) != PLUMB_OK)
		goto out;
	if (h.nomem) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < h.n; i++)
		if ((rc = drift_rebuild(s, h.v[i], err)) != PLUMB_OK)
			goto out;
	if (hosts != NULL)
		*hosts = h.n;
out:
	store_strings_free(h.v, h.n);
	return rc;
}

static int
drift_max_row(void *arg, const char *const *v, size_t ncols)
{
	int *same = arg;

	*same = ncols == 2 && ((v[0] == NULL && v[1] == NULL) ||
	    (v[0] != NULL && v[1] != NULL && strcmp(v[0], v[1]) == 0));
	return 1;
}

/*
 * Before reading: every stored scan gets a row id above the ones
 * before it, so a newest scan without a drift_scans row means scans
 * were stored without the hook (another process, a tool): sync then.
 * Two index look-ups otherwise.
 */
static int
drift_fresh(struct store *s, struct plumb_err *err)
{
	int same = 1, rc;

	if ((rc = store_query(s, "SELECT (SELECT max(id) FROM bundles), "
	    "(SELECT max(bundle_id) FROM drift_scans)", NULL, 0,
	    drift_max_row, &same, NULL, err)) != PLUMB_OK)
		return rc;
	return same ? PLUMB_OK : drift_sync(s, NULL, err);
}

/* Read rows of drift_changes (DRIFT_READ_COLS) into a drift_vec. */
#define DRIFT_READ_COLS "c.host, c.rule_id, c.title, c.kind, " \
	"c.from_result, c.to_result, c.from_digest, c.to_digest, " \
	"c.from_scan, c.scan, c.created, c.benchmark_id, c.profile_id, " \
	"c.target_root"

struct drift_read {
	struct drift_vec vec;
	int fail;
};

static int
drift_kind_parse(const char *name)
{
	int k;

	for (k = DRIFT_REGRESSION; k <= DRIFT_REMOVED; k++)
		if (strcmp(drift_kind_name(k), name) == 0)
			return k;
	return -1;
}

static int
drift_read_row(void *arg, const char *const *v, size_t ncols)
{
	struct drift_read *r = arg;
	struct drift_vec *vec = &r->vec;
	struct drift_change *c;

	if (ncols != 14 || v[0] == NULL || v[1] == NULL || v[3] == NULL)
		return 0;
	if (grow_array(&vec->v, vec->n, &vec->cap, sizeof(*vec->v), 64) != 0)
		goto fail;
	c = &vec->v[vec->n];
	memset(c, 0, sizeof(*c));
	vec->n++;
	snprintf(c->host, sizeof(c->host), "%s", v[0]);
	c->kind = drift_kind_parse(v[3]);
	snprintf(c->from_scan, sizeof(c->from_scan), "%s", v[8] ? v[8] : "");
	snprintf(c->scan, sizeof(c->scan), "%s", v[9] ? v[9] : "");
	c->time = c->first_seen = v[10] ? (time_t)strtoll(v[10], NULL, 10) :
	    0;
	if (drift_dup(&c->rule_id, v[1]) != 0 ||
	    drift_dup(&c->title, v[2]) != 0 ||
	    drift_dup(&c->from, v[4]) != 0 ||
	    drift_dup(&c->to, v[5]) != 0 ||
	    drift_dup(&c->from_digest, v[6]) != 0 ||
	    drift_dup(&c->to_digest, v[7]) != 0 ||
	    drift_dup(&c->benchmark_id, v[11]) != 0 ||
	    drift_dup(&c->profile_id, v[12]) != 0 ||
	    drift_dup(&c->target_root, v[13]) != 0)
		goto fail;
	return 0;
fail:
	r->fail = 1;
	return 1;
}

int
drift_host(struct store *s, const char *host, time_t since,
    struct drift_change **out, size_t *n, struct plumb_err *err)
{
	struct drift_read r;
	char tb[24];
	const char *p[2];
	int rc;

	*out = NULL;
	*n = 0;
	memset(&r, 0, sizeof(r));
	if ((rc = drift_fresh(s, err)) != PLUMB_OK)
		return rc;
	snprintf(tb, sizeof(tb), "%lld", (long long)since);
	p[0] = host;
	p[1] = tb;
	if ((rc = store_query(s, "SELECT " DRIFT_READ_COLS " FROM "
	    "drift_changes c WHERE c.host = $1 AND c.created >= $2 "
	    "ORDER BY c.created, c.rule_id, c.benchmark_id, c.profile_id, "
	    "c.target_root", p, 2, drift_read_row, &r, NULL, err)) !=
	    PLUMB_OK)
		goto out;
	if (r.fail) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	*out = r.vec.v;
	*n = r.vec.n;
	r.vec.v = NULL;
	r.vec.n = 0;
out:
	drift_free(r.vec.v, r.vec.n);
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
 * The newest scan of the baseline's kind against the accepted scan
 * base: hs holds the scans of base's host and kind created at or after
 * it, newest first (drift_hs_load()).  The changes, each with
 * first_seen the oldest scan after the baseline from which the rule
 * kept its newest state; *cmp the index in hs of the scan compared
 * (-1: the baseline is the newest).
 */
static int
drift_against(const char *host, const char *base,
    const struct drift_host_scans *hs, struct drift_vec *vec, long *cmp,
    struct plumb_err *err)
{
	struct drift_scan bs, ns, ms;
	const struct drift_agg *got;
	unsigned char *open = NULL;
	size_t i, k, lo, hi, mid, ibase;
	int rc = PLUMB_OK, d, same;

	*cmp = -1;
	memset(&bs, 0, sizeof(bs));
	memset(&ns, 0, sizeof(ns));
	memset(&ms, 0, sizeof(ms));
	for (ibase = 0; ibase < hs->n; ibase++)
		if (strcmp(hs->b[ibase].uuid, base) == 0)
			break;
	if (ibase == 0 || ibase == hs->n)
		return PLUMB_OK;	/* the baseline is the newest */
	*cmp = 0;
	bs.b = &hs->b[ibase];
	ns.b = &hs->b[0];
	if ((rc = drift_scan_fold(&bs, hs->rules[ibase], hs->nrules[ibase],
	    err)) != PLUMB_OK ||
	    (rc = drift_scan_fold(&ns, hs->rules[0], hs->nrules[0], err)) !=
	    PLUMB_OK)
		goto out;
	if (drift_diff(vec, host, &bs, &ns) != 0)
		goto nomem;
	if (vec->n == 0)
		goto out;
	if ((open = calloc(vec->n, 1)) == NULL)
		goto nomem;
	memset(open, 1, vec->n);
	/* Walk back from the newest towards the baseline. */
	for (i = 1; i < ibase; i++) {
		ms.b = &hs->b[i];
		if ((rc = drift_scan_fold(&ms, hs->rules[i], hs->nrules[i],
		    err)) != PLUMB_OK)
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
				vec->v[k].first_seen = hs->b[i].created;
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

struct drift_counts {
	long long kind[DRIFT_REMOVED + 1];
	long long hosts;
};

static int
drift_count_row(void *arg, const char *const *v, size_t ncols)
{
	struct drift_counts *c = arg;
	int k;

	if (ncols == 1 && v[0] != NULL)
		c->hosts = strtoll(v[0], NULL, 10);
	else if (ncols == 2 && v[0] != NULL && v[1] != NULL &&
	    (k = drift_kind_parse(v[0])) >= 0)
		c->kind[k] = strtoll(v[1], NULL, 10);
	return 0;
}

/* The conditions on hosts h of GET drift's role ($3), site ($4) and
 * zone ($5) filters, those given and not empty, into buf. */
static void
drift_host_filter(char *buf, size_t size, const char *role,
    const char *site, const char *zone)
{
	snprintf(buf, size, "%s%s%s", role != NULL && *role ?
	    " AND h.role = $3" : "", site != NULL && *site ?
	    " AND h.site = $4" : "", zone != NULL && *zone ?
	    " AND h.zone = $5" : "");
}

/*
 * GET drift?since=&until=&role=&site=&zone=&kind=&limit= : the changes
 * of every host from drift_changes (an index range on created), by
 * time, host, rule; the newest limit of them, with the counts of all.
 */
static int
drift_api_fleet(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct drift_read r;
	struct drift_counts cnt;
	char role[STORE_ATTR_MAX], site[STORE_ATTR_MAX], zone[STORE_ATTR_MAX];
	char kb[32], lb[32], sb[24], ub[24], where[512], sql[1024], *end;
	const char *fr, *fs, *fz, *fk, *fl, *p[6];
	json_t *list = NULL, *counts = NULL;
	time_t since, until;
	long long limit, total;
	size_t i, len;
	int rc, k, kind = -1;

	memset(&r, 0, sizeof(r));
	memset(&cnt, 0, sizeof(cnt));
	if (controls_param_time(req, "since", 0, &since, rep) != 0 ||
	    controls_param_time(req, "until", 0, &until, rep) != 0)
		return PLUMB_OK;
	fr = api_query_param(req, "role", role, sizeof(role));
	fs = api_query_param(req, "site", site, sizeof(site));
	fz = api_query_param(req, "zone", zone, sizeof(zone));
	if ((fk = api_query_param(req, "kind", kb, sizeof(kb))) != NULL &&
	    *fk != '\0' && (kind = drift_kind_parse(fk)) < 0)
		return api_error(rep, 400, "kind: one of regression, "
		    "improvement, config, changed, new, removed");
	limit = ctx->cfg != NULL && ctx->cfg->api_drift_limit > 0 ?
	    (long long)ctx->cfg->api_drift_limit : DRIFT_LIMIT;
	if ((fl = api_query_param(req, "limit", lb, sizeof(lb))) != NULL &&
	    *fl != '\0') {
		limit = strtoll(fl, &end, 10);
		if (*end != '\0' || limit < 1 || limit > DRIFT_LIMIT_MAX)
			return api_error(rep, 400, "limit: 1 to %d",
			    DRIFT_LIMIT_MAX);
	}
	if ((rc = drift_fresh(ctx->store, err)) != PLUMB_OK)
		return rc;
	/* Parameters by number; an empty filter filters nothing. */
	snprintf(sb, sizeof(sb), "%lld", (long long)since);
	snprintf(ub, sizeof(ub), "%lld", (long long)until);
	p[0] = sb;
	p[1] = ub;
	p[2] = fr;
	p[3] = fs;
	p[4] = fz;
	p[5] = kind >= 0 ? drift_kind_name(kind) : NULL;
	len = (size_t)snprintf(where, sizeof(where), " FROM drift_changes c%s"
	    " WHERE c.created >= $1%s", (fr != NULL && *fr) ||
	    (fs != NULL && *fs) || (fz != NULL && *fz) ?
	    " JOIN hosts h ON h.id = c.host" : "",
	    until > 0 ? " AND c.created <= $2" : "");
	drift_host_filter(where + len, sizeof(where) - len, fr, fs, fz);
	/* The counts of every kind (the dashboard's summary), then the
	 * newest changes of the kind asked for. */
	snprintf(sql, sizeof(sql), "SELECT c.kind, count(*)%s GROUP BY c.kind",
	    where);
	if ((rc = store_query(ctx->store, sql, p, 5, drift_count_row, &cnt,
	    NULL, err)) != PLUMB_OK)
		return rc;
	/* Hosts with a change: one probe of index (host, created) per
	 * host, whatever the period, rather than a DISTINCT over it. */
	len = (size_t)snprintf(sql, sizeof(sql), "SELECT count(*) FROM hosts "
	    "h WHERE EXISTS (SELECT 1 FROM drift_changes c WHERE c.host = "
	    "h.id AND c.created >= $1%s)", until > 0 ?
	    " AND c.created <= $2" : "");
	drift_host_filter(sql + len, sizeof(sql) - len, fr, fs, fz);
	if ((rc = store_query(ctx->store, sql, p, 5, drift_count_row, &cnt,
	    NULL, err)) != PLUMB_OK)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT " DRIFT_READ_COLS "%s%s ORDER BY "
	    "c.created DESC, c.host DESC, c.rule_id DESC, c.benchmark_id "
	    "DESC, c.profile_id DESC, c.target_root DESC LIMIT %lld", where,
	    kind >= 0 ? " AND c.kind = $6" : "", limit);
	if ((rc = store_query(ctx->store, sql, p, 6, drift_read_row, &r,
	    NULL, err)) != PLUMB_OK)
		goto out;
	if (r.fail)
		goto nomem;
	for (total = 0, k = 0; k <= DRIFT_REMOVED; k++)
		if (kind < 0 || k == kind)
			total += cnt.kind[k];
	if ((list = json_array()) == NULL || (counts = json_object()) == NULL)
		goto nomem;
	/* Oldest first, as before the limit. */
	for (i = r.vec.n; i-- > 0; ) {
		json_t *o;

		if (!api_may_see(req, r.vec.v[i].host))
			continue;
		if ((o = drift_json(&r.vec.v[i])) == NULL ||
		    json_array_append_new(list, o) != 0)
			goto nomem;
	}
	for (k = 0; k <= DRIFT_REMOVED; k++)
		if (json_object_set_new(counts, drift_kind_name(k),
		    json_integer((json_int_t)cnt.kind[k])) != 0)
			goto nomem;
	rep->json = json_pack("{s:o, s:I, s:b, s:o, s:I, s:I}",
	    "changes", list, "total", (json_int_t)total,
	    "truncated", total > (long long)r.vec.n, "counts", counts,
	    "hosts_changed", (json_int_t)cnt.hosts, "limit",
	    (json_int_t)limit);
	list = counts = NULL;
	if (rep->json == NULL)
		goto nomem;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(list);
	json_decref(counts);
	drift_free(r.vec.v, r.vec.n);
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
	struct store_bundle base;
	struct drift_host_scans hs;
	struct drift_baseline bl;
	struct drift_vec vec;
	json_t *changes = NULL;
	const char *p[5];
	char cb[24];
	long cmp = -1;
	int rc;

	memset(&vec, 0, sizeof(vec));
	memset(&hs, 0, sizeof(hs));
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
	/* The scans of the baseline's kind since it, with their rules:
	 * two queries, not one a scan. */
	snprintf(cb, sizeof(cb), "%lld", (long long)base.created);
	p[0] = h.id;
	p[1] = base.benchmark_id;
	p[2] = base.profile_id;
	p[3] = base.target_root;
	p[4] = cb;
	if ((rc = drift_hs_load(ctx->store, "b.host = $1 AND "
	    "b.benchmark_id = $2 AND b.profile_id = $3 AND "
	    "b.target_root = $4 AND b.created >= $5", "b.created DESC, "
	    "b.received DESC, b.uuid DESC", p, 5, &hs, err)) != PLUMB_OK ||
	    (rc = drift_against(h.id, base.uuid, &hs, &vec, &cmp, err)) !=
	    PLUMB_OK)
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
	    "compared_scan", cmp >= 0 ? json_string(hs.b[cmp].uuid) :
	    json_null(),
	    "compared_time", cmp >= 0 ? json_integer(
	    (json_int_t)hs.b[cmp].created) : json_null(),
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
	drift_hs_clear(&hs);
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
