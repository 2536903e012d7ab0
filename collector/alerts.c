/*
 * alerts.c - the periodic check behind the notifications and the
 * compliance gauges (alerts.h).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "plumb/error.h"
#include "alerts.h"
#include "collector_config.h"
#include "controls.h"
#include "drift.h"
#include "notify.h"
#include "stale.h"
#include "store.h"
#include "waivers.h"

/* Component "alerts": never edit an applied migration, add one. */
static const struct store_migration alerts_migrations[] = {
	{ 1,
	  "CREATE TABLE alerts_hosts ("
	  " host TEXT PRIMARY KEY,"
	  " stale INTEGER NOT NULL,"		/* 1: host_stale was sent */
	  " last_seen INTEGER NOT NULL,"	/* newest upload looked at */
	  " drift_since INTEGER NOT NULL"	/* created of its newest scan */
	  ");" },
};

/* One host as the last check left it. */
struct alerts_row {
	char host[STORE_HOST_MAX];
	int stale;
	time_t last_seen;
	time_t drift_since;
};

/* The control statuses of one host's newest scan (in memory only). */
struct alerts_roll {
	char host[STORE_HOST_MAX];
	char scan[STORE_UUID_LEN + 1];
	time_t last_seen;		/* of the host when it was computed */
	unsigned char *st;		/* enum controls_status per control */
};

/* Per-framework control counts for the gauges. */
struct alerts_fw {
	const char *name;		/* borrowed from the control set */
	unsigned count[CONTROLS_NSTATUS];
};

struct alerts {
	const struct collector_config *cfg;
	struct store *store;
	const struct controls *controls;
	struct notify *notify;
	struct alerts_roll *roll;	/* sorted by host */
	size_t nroll;
	char waivers_fp[128];		/* waivers fingerprint of roll */
	/* The gauges, under mu (read by the metrics writer): */
	pthread_mutex_t mu;
	struct alerts_fw *fw;
	size_t nfw;
	unsigned long long stale, expiring;
	time_t last_check;
};

int
alerts_new(const struct collector_config *cfg, struct store *s,
    const struct controls *c, struct alerts **out, struct plumb_err *err)
{
	struct alerts *a;
	const char *name;
	size_t i, j;
	int rc;

	*out = NULL;
	if ((rc = store_migrate(s, "alerts", alerts_migrations,
	    sizeof(alerts_migrations) / sizeof(alerts_migrations[0]), err)) !=
	    PLUMB_OK)
		return rc;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	a->cfg = cfg;
	a->store = s;
	a->controls = c;
	pthread_mutex_init(&a->mu, NULL);
	/* The frameworks in control-set order, each once. */
	if (c != NULL && (a->fw = calloc(controls_count(c) + 1,
	    sizeof(*a->fw))) == NULL) {
		alerts_free(a);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	for (i = 0; c != NULL && i < controls_count(c); i++) {
		name = controls_at(c, i)->framework;
		for (j = 0; j < a->nfw; j++)
			if (strcmp(a->fw[j].name, name) == 0)
				break;
		if (j == a->nfw)
			a->fw[a->nfw++].name = name;
	}
	if ((rc = notify_new(cfg, s, &a->notify, err)) != PLUMB_OK) {
		alerts_free(a);
		return rc;
	}
	*out = a;
	return PLUMB_OK;
}

static void
alerts_roll_free(struct alerts_roll *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++)
		free(r[i].st);
	free(r);
}

void
alerts_free(struct alerts *a)
{
	if (a == NULL)
		return;
	notify_free(a->notify);
	alerts_roll_free(a->roll, a->nroll);
	free(a->fw);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

/* ------------------------------------------------------- small queries */

static int
alerts_one_row(void *arg, const char *const *v, size_t ncols)
{
	long long *out = arg;

	if (ncols > 0 && v[0] != NULL)
		*out = strtoll(v[0], NULL, 10);
	return 1;
}

struct alerts_rows {
	struct alerts_row *v;
	size_t n, cap;
	int nomem;
};

static int
alerts_row_cb(void *arg, const char *const *v, size_t ncols)
{
	struct alerts_rows *r = arg;
	struct alerts_row *nv;

	if (ncols < 4 || v[0] == NULL)
		return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		if ((nv = realloc(r->v, r->cap * sizeof(*nv))) == NULL) {
			r->nomem = 1;
			return 1;
		}
		r->v = nv;
	}
	snprintf(r->v[r->n].host, sizeof(r->v[r->n].host), "%s", v[0]);
	r->v[r->n].stale = v[1] != NULL && strtol(v[1], NULL, 10) != 0;
	r->v[r->n].last_seen = v[2] != NULL ? strtoll(v[2], NULL, 10) : 0;
	r->v[r->n].drift_since = v[3] != NULL ? strtoll(v[3], NULL, 10) : 0;
	r->n++;
	return 0;
}

static int
alerts_row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct alerts_row *)a)->host,
	    ((const struct alerts_row *)b)->host);
}

/* Store row (insert or replace). */
static int
alerts_row_put(struct alerts *a, const struct alerts_row *r,
    struct plumb_err *err)
{
	char st[4], ls[32], ds[32];
	const char *p[4];

	snprintf(st, sizeof(st), "%d", r->stale);
	snprintf(ls, sizeof(ls), "%lld", (long long)r->last_seen);
	snprintf(ds, sizeof(ds), "%lld", (long long)r->drift_since);
	p[0] = r->host;
	p[1] = st;
	p[2] = ls;
	p[3] = ds;
	return store_query(a->store, "INSERT INTO alerts_hosts (host, stale, "
	    "last_seen, drift_since) VALUES ($1, $2, $3, $4) ON CONFLICT "
	    "(host) DO UPDATE SET stale = excluded.stale, last_seen = "
	    "excluded.last_seen, drift_since = excluded.drift_since", p, 4,
	    NULL, NULL, NULL, err);
}

/* ------------------------------------------------------ notifications */

struct alerts_pass {
	struct alerts *a;
	time_t now;
	unsigned made;			/* new notifications this check */
};

/* Post one notification (o is taken); *full set when the check's
 * budget ([alerts] max_per_check) is used up. */
static int
alerts_post(struct alerts_pass *p, const char *type, const char *host,
    const char *k1, const char *k2, json_t *o, int *full,
    struct plumb_err *err)
{
	char id[NOTIFY_ID_LEN + 1];
	int isnew = 0, rc;

	/* A value jansson refuses (not UTF-8) must not stop every later
	 * check: that one notification is left out. */
	if (o == NULL) {
		fprintf(stderr, "plumb-collector: alerts: cannot encode a %s "
		    "notification of %s\n", type, host);
		return PLUMB_OK;
	}
	notify_id(id, type, host, k1, k2);
	rc = notify_post(p->a->notify, id, type, host, o, p->now, &isnew,
	    err);
	json_decref(o);
	if (rc == PLUMB_OK && isnew && ++p->made >=
	    p->a->cfg->alerts_max_per_check)
		*full = 1;
	return rc;
}

/* The regressions of h in scans created at or after r->drift_since. */
static int
alerts_regressions(struct alerts_pass *p, const struct store_host *h,
    struct alerts_row *r, int *full, struct plumb_err *err)
{
	struct drift_change *c = NULL;
	const char *param[1];
	long long newest = 0;
	size_t n = 0, i;
	int rc;

	param[0] = h->id;
	if ((rc = store_query(p->a->store, "SELECT max(created) FROM bundles "
	    "WHERE host = $1", param, 1, alerts_one_row, &newest, NULL,
	    err)) != PLUMB_OK)
		return rc;
	/* First sight of a host: only its newest scan's changes count. */
	if (r->last_seen == 0 && r->drift_since == 0)
		r->drift_since = newest;
	if ((rc = drift_host(p->a->store, h->id, r->drift_since, &c, &n,
	    err)) != PLUMB_OK)
		return rc;
	for (i = 0; i < n && !*full && rc == PLUMB_OK; i++) {
		if (c[i].kind != DRIFT_REGRESSION)
			continue;
		rc = alerts_post(p, "regression", h->id, c[i].rule_id,
		    c[i].scan, json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:I}",
		    "host", h->id, "rule_id", c[i].rule_id, "title",
		    c[i].title != NULL ? json_string(c[i].title) : json_null(),
		    "from", c[i].from != NULL ? json_string(c[i].from) :
		    json_null(), "to", c[i].to != NULL ? json_string(c[i].to) :
		    json_null(), "scan", c[i].scan, "from_scan", c[i].from_scan,
		    "scan_time", (json_int_t)c[i].time), full, err);
	}
	drift_free(c, n);
	if (rc == PLUMB_OK && !*full && newest > r->drift_since)
		r->drift_since = newest;
	return rc;
}

/* Hosts: regressions of new uploads and stale transitions. */
static int
alerts_hosts(struct alerts_pass *p, struct store_host *h, size_t nh,
    unsigned long long *nstale, struct plumb_err *err)
{
	struct alerts_rows rows;
	struct alerts_row key, *r, cur;
	struct stale_state st;
	size_t i;
	int rc, full = 0;

	memset(&rows, 0, sizeof(rows));
	*nstale = 0;
	if ((rc = store_query(p->a->store, "SELECT host, stale, last_seen, "
	    "drift_since FROM alerts_hosts", NULL, 0, alerts_row_cb, &rows,
	    NULL, err)) != PLUMB_OK)
		goto out;
	if (rows.nomem) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (rows.n > 0)
		qsort(rows.v, rows.n, sizeof(*rows.v), alerts_row_cmp);
	for (i = 0; i < nh && rc == PLUMB_OK; i++) {
		stale_eval(p->a->cfg, &h[i], p->now, &st);
		*nstale += st.stale;
		if (full)
			continue;
		snprintf(key.host, sizeof(key.host), "%s", h[i].id);
		r = rows.n > 0 ? bsearch(&key, rows.v, rows.n,
		    sizeof(*rows.v), alerts_row_cmp) : NULL;
		if (r != NULL)
			cur = *r;
		else {
			memset(&cur, 0, sizeof(cur));
			snprintf(cur.host, sizeof(cur.host), "%s", h[i].id);
		}
		if (r != NULL && cur.last_seen >= h[i].last_seen &&
		    cur.stale == st.stale)
			continue;	/* nothing new */
		if (cur.last_seen < h[i].last_seen || r == NULL)
			rc = alerts_regressions(p, &h[i], &cur, &full, err);
		if (rc != PLUMB_OK)
			break;
		if (full)
			continue;	/* this host again next check */
		if (st.stale != cur.stale && (st.stale || r != NULL))
			rc = alerts_post(p, st.stale ? "host_stale" :
			    "host_fresh", h[i].id, "", "", json_pack(
			    "{s:s,s:s,s:I,s:I,s:I}", "host", h[i].id, "role",
			    h[i].role, "last_seen", (json_int_t)h[i].last_seen,
			    "last_scan_age_s", (json_int_t)st.age_s,
			    "expected_interval_s", (json_int_t)st.interval_s),
			    &full, err);
		if (rc != PLUMB_OK)
			break;
		cur.stale = st.stale;
		cur.last_seen = h[i].last_seen;
		rc = alerts_row_put(p->a, &cur, err);
	}
out:
	free(rows.v);
	return rc;
}

struct alerts_waiver_rows {
	struct alerts_pass *p;
	unsigned long long n;
	int full;
	int rc;
	struct plumb_err *err;
};

static int
alerts_waiver_row(void *arg, const char *const *v, size_t ncols)
{
	struct alerts_waiver_rows *w = arg;

	if (ncols < 5 || v[0] == NULL || v[1] == NULL || v[4] == NULL)
		return 0;
	w->n++;
	if (w->full || w->p->a->cfg->alerts_waiver_days == 0)
		return 0;
	/* The expiry is in the key: a waiver extended later is reminded
	 * of again before its new expiry. */
	w->rc = alerts_post(w->p, "waiver_expiring", v[2] != NULL ? v[2] :
	    "", v[0], v[4], json_pack("{s:s,s:s,s:s,s:s,s:I}", "waiver",
	    v[0], "rule_id", v[1], "host", v[2] != NULL ? v[2] : "", "role",
	    v[3] != NULL ? v[3] : "", "expires",
	    (json_int_t)strtoll(v[4], NULL, 10)), &w->full, w->err);
	return w->rc != PLUMB_OK;
}

/* Waivers in force that expire within the reminder window. */
static int
alerts_waivers(struct alerts_pass *p, unsigned long long *n,
    struct plumb_err *err)
{
	struct alerts_waiver_rows w;
	char now[32], until[32];
	const char *param[2];
	int rc;

	memset(&w, 0, sizeof(w));
	w.p = p;
	w.err = err;
	snprintf(now, sizeof(now), "%lld", (long long)p->now);
	snprintf(until, sizeof(until), "%lld", (long long)p->now +
	    (long long)p->a->cfg->alerts_waiver_days * 86400);
	param[0] = now;
	param[1] = until;
	rc = store_query(p->a->store, "SELECT id, rule_id, host, role, "
	    "expires FROM waivers WHERE revoked_time IS NULL AND created <= "
	    "CAST($1 AS INTEGER) AND expires > CAST($1 AS INTEGER) AND "
	    "expires <= CAST($2 AS INTEGER) ORDER BY expires, id", param, 2,
	    alerts_waiver_row, &w, NULL, err);
	*n = w.n;
	return rc != PLUMB_OK ? rc : w.rc;
}

/* -------------------------------------------------------- control rollup */

static int
alerts_roll_cmp(const void *a, const void *b)
{
	return strcmp(((const struct alerts_roll *)a)->host,
	    ((const struct alerts_roll *)b)->host);
}

/* The status of every control on the host of r from its newest scan b
 * (controls.h rules: fail, waived, pass, unknown, none). */
static int
alerts_roll_host(struct alerts *a, const struct store_host *h,
    const struct store_bundle *b, const struct waiver_set *ws,
    struct alerts_roll *r, struct plumb_err *err)
{
	enum { F_FAIL = 1, F_WAIVED = 2, F_PASS = 4, F_MAPPED = 8 };
	size_t nc = controls_count(a->controls), n = 0, i, j;
	struct store_rule *rules = NULL;
	unsigned char *hit = NULL, *fl = NULL, f;
	int rc;

	snprintf(r->scan, sizeof(r->scan), "%s", b != NULL ? b->uuid : "");
	memset(r->st, CONTROLS_NONE, nc);
	if (b == NULL)
		return PLUMB_OK;
	if ((rc = store_rules_get(a->store, b->uuid, &rules, &n, err)) !=
	    PLUMB_OK)
		return rc;
	if ((hit = malloc(nc + 1)) == NULL || (fl = calloc(nc + 1, 1)) ==
	    NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		memset(hit, 0, nc);
		controls_match(a->controls, rules[i].rule_id,
		    rules[i].references, hit, NULL);
		if (strcmp(rules[i].result, "fail") == 0 ||
		    strcmp(rules[i].result, "error") == 0)
			f = waivers_match(ws, h->id, h->role, rules[i].rule_id,
			    a->last_check) != NULL ? F_WAIVED : F_FAIL;
		else if (strcmp(rules[i].result, "pass") == 0 ||
		    strcmp(rules[i].result, "fixed") == 0)
			f = F_PASS;
		else
			f = F_MAPPED;
		for (j = 0; j < nc; j++)
			if (hit[j])
				fl[j] |= f;
	}
	for (j = 0; j < nc; j++)
		r->st[j] = fl[j] & F_FAIL ? CONTROLS_FAIL : fl[j] & F_WAIVED ?
		    CONTROLS_WAIVED : fl[j] & F_PASS ? CONTROLS_PASS :
		    fl[j] & F_MAPPED ? CONTROLS_UNKNOWN : CONTROLS_NONE;
	rc = PLUMB_OK;
out:
	free(hit);
	free(fl);
	store_rules_free(rules, n);
	return rc;
}

static int
alerts_fp_row(void *arg, const char *const *v, size_t ncols)
{
	char *fp = arg;

	snprintf(fp, 128, "%s/%s/%s/%s", ncols > 0 && v[0] ? v[0] : "",
	    ncols > 1 && v[1] ? v[1] : "", ncols > 2 && v[2] ? v[2] : "",
	    ncols > 3 && v[3] ? v[3] : "");
	return 1;
}

/*
 * Bring the per-host control statuses up to date (only hosts whose
 * newest scan changed, or all when the waivers in force changed) and
 * recount the fleet per framework into the gauges.
 */
static int
alerts_rollup(struct alerts *a, struct store_host *h, size_t nh,
    struct plumb_err *err)
{
	size_t nc = controls_count(a->controls), i, j, k;
	struct alerts_roll *nr = NULL, key, *old;
	struct store_bundle *b = NULL;
	struct waiver_set ws;
	unsigned char fleet;
	char fp[128], now[32];
	const char *param[1];
	size_t nb;
	int rc, allnew;

	memset(&ws, 0, sizeof(ws));
	snprintf(now, sizeof(now), "%lld", (long long)a->last_check);
	param[0] = now;
	fp[0] = '\0';
	if ((rc = store_query(a->store, "SELECT count(*), max(created), "
	    "count(revoked_time), sum(CASE WHEN revoked_time IS NULL AND "
	    "created <= CAST($1 AS INTEGER) AND expires > CAST($1 AS INTEGER) "
	    "THEN 1 ELSE 0 END) FROM waivers", param, 1, alerts_fp_row, fp,
	    NULL, err)) != PLUMB_OK ||
	    (rc = waivers_load(a->store, &ws, err)) != PLUMB_OK)
		goto out;
	allnew = strcmp(fp, a->waivers_fp) != 0;
	if ((nr = calloc(nh + 1, sizeof(*nr))) == NULL)
		goto nomem;
	for (i = 0; i < nh; i++) {
		snprintf(nr[i].host, sizeof(nr[i].host), "%s", h[i].id);
		if ((nr[i].st = malloc(nc + 1)) == NULL)
			goto nomem;
		nr[i].last_seen = h[i].last_seen;
		key = nr[i];
		old = a->nroll > 0 ? bsearch(&key, a->roll, a->nroll,
		    sizeof(*a->roll), alerts_roll_cmp) : NULL;
		nb = 0;
		/* No upload since: the newest scan cannot have changed. */
		if (allnew || old == NULL || old->last_seen != h[i].last_seen)
			if ((rc = store_bundles_list(a->store, h[i].id, 0, 1,
			    &b, &nb, err)) != PLUMB_OK)
				goto out;
		if (!allnew && old != NULL && (old->last_seen ==
		    h[i].last_seen || strcmp(old->scan, nb > 0 ? b[0].uuid :
		    "") == 0)) {
			memcpy(nr[i].st, old->st, nc);
			snprintf(nr[i].scan, sizeof(nr[i].scan), "%s",
			    old->scan);
		} else if ((rc = alerts_roll_host(a, &h[i], nb > 0 ? &b[0] :
		    NULL, &ws, &nr[i], err)) != PLUMB_OK)
			goto out;
		store_bundles_free(b);
		b = NULL;
	}
	qsort(nr, nh, sizeof(*nr), alerts_roll_cmp);
	alerts_roll_free(a->roll, a->nroll);
	a->roll = nr;
	a->nroll = nh;
	nr = NULL;
	snprintf(a->waivers_fp, sizeof(a->waivers_fp), "%s", fp);
	pthread_mutex_lock(&a->mu);
	for (k = 0; k < a->nfw; k++)
		memset(a->fw[k].count, 0, sizeof(a->fw[k].count));
	for (j = 0; j < nc; j++) {
		fleet = CONTROLS_NONE;
		for (i = 0; i < a->nroll; i++) {
			unsigned char s = a->roll[i].st[j];

			if (s == CONTROLS_FAIL || (s == CONTROLS_WAIVED &&
			    fleet != CONTROLS_FAIL) || (s == CONTROLS_PASS &&
			    (fleet == CONTROLS_NONE ||
			    fleet == CONTROLS_UNKNOWN)) ||
			    (s == CONTROLS_UNKNOWN && fleet == CONTROLS_NONE))
				fleet = s;
		}
		for (k = 0; k < a->nfw; k++)
			if (strcmp(a->fw[k].name,
			    controls_at(a->controls, j)->framework) == 0)
				a->fw[k].count[fleet == CONTROLS_NONE ?
				    CONTROLS_UNKNOWN : fleet]++;
	}
	pthread_mutex_unlock(&a->mu);
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	store_bundles_free(b);
	alerts_roll_free(nr, nh);
	waivers_clear(&ws);
	return rc;
}

int
alerts_check(struct alerts *a, time_t now, struct plumb_err *err)
{
	struct store_host *h = NULL;
	struct alerts_pass p;
	unsigned long long nstale = 0, nexp = 0;
	size_t nh = 0;
	int rc;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.now = now;
	if ((rc = store_hosts_list(a->store, &h, &nh, err)) != PLUMB_OK)
		return rc;
	a->last_check = now;
	if ((rc = alerts_hosts(&p, h, nh, &nstale, err)) != PLUMB_OK ||
	    (rc = alerts_waivers(&p, &nexp, err)) != PLUMB_OK ||
	    (a->controls != NULL &&
	    (rc = alerts_rollup(a, h, nh, err)) != PLUMB_OK))
		goto out;
	pthread_mutex_lock(&a->mu);
	a->stale = nstale;
	a->expiring = nexp;
	pthread_mutex_unlock(&a->mu);
	rc = notify_pump(a->notify, err);
out:
	store_hosts_free(h);
	return rc;
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void
alerts_label(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

void
alerts_metrics(void *arg, FILE *f)
{
	static const int order[] = { CONTROLS_PASS, CONTROLS_FAIL,
	    CONTROLS_WAIVED, CONTROLS_UNKNOWN };
	struct alerts *a = arg;
	size_t k, i;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	if (a->nfw > 0)
		fprintf(f, "# HELP plumb_controls Controls of the ISMS control "
		    "set by fleet status, per framework.\n"
		    "# TYPE plumb_controls gauge\n");
	for (k = 0; k < a->nfw; k++)
		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			fputs("plumb_controls{framework=\"", f);
			alerts_label(f, a->fw[k].name);
			fprintf(f, "\",status=\"%s\"} %u\n",
			    controls_status_name(order[i]),
			    a->fw[k].count[order[i]]);
		}
	fprintf(f, "# HELP plumb_hosts_stale Hosts whose newest upload is "
	    "older than their expected interval times the grace factor.\n"
	    "# TYPE plumb_hosts_stale gauge\nplumb_hosts_stale %llu\n"
	    "# HELP plumb_waivers_expiring Waivers in force expiring within "
	    "[alerts] waiver_reminder_days.\n"
	    "# TYPE plumb_waivers_expiring gauge\n"
	    "plumb_waivers_expiring %llu\n"
	    "# HELP plumb_alerts_last_check_seconds When the gauges above "
	    "were computed (seconds since the epoch).\n"
	    "# TYPE plumb_alerts_last_check_seconds gauge\n"
	    "plumb_alerts_last_check_seconds %lld\n", a->stale, a->expiring,
	    (long long)a->last_check);
	pthread_mutex_unlock(&a->mu);
}
