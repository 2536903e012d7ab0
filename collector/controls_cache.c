/*
 * controls_cache.c - the controls cache (controls.h): the evaluation
 * kept in memory, built by a thread of its own and brought up to date
 * on the event loop before each answer.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plumb/error.h"
#include "api.h"
#include "controls.h"
#include "controls_int.h"
#include "store.h"
#include "waivers.h"

#define CONTROLS_PAGE		5000	/* bundles a replay query */
#define CONTROLS_CATCHUP	1000	/* bundles applied a query */
#define CONTROLS_RETRY_S	5	/* Retry-After while building */
#define CONTROLS_STR_(x)	#x
#define CONTROLS_STR(x)		CONTROLS_STR_(x)

struct controls_cache {
	const struct controls *c;
	size_t max_points;
	unsigned min_interval;
	struct store *bs;		/* the builder's connection */
	pthread_t thread;
	int started;
	pthread_mutex_t mu;		/* guards the six below */
	pthread_cond_t cv;		/* want or stop */
	pthread_cond_t dcv;		/* a build ended */
	int want;			/* a build is asked for, */
	time_t want_now;		/*   as of this time */
	int building;			/* asked for or running */
	volatile int stop;		/* read unlocked by a running build */
	struct controls_run *ready;	/* built, for the loop to take */
	int failed;			/* the last build failed: */
	char why[PLUMB_ERR_MSG_MAX];	/*   why */
	/* The event loop's own: */
	struct controls_run *cur;	/* NULL until the first build */
	time_t last_start;		/* when a build was last asked for */
	time_t synced;			/* now of the last sync */
	time_t invalid;			/* a build as of before this is not
					 * exact (controls_cache_invalidate) */
};

/* Free a replay of the cache's and its evaluation; accepts NULL. */
static void
controls_run_free(struct controls_run *run)
{
	if (run == NULL)
		return;
	controls_run_clear(run);
	free(run);
}

/* Replay order of two scans: created, received, uuid. */
static int
controls_key_cmp(time_t c1, time_t r1, const char *u1, time_t c2, time_t r2,
    const char *u2)
{
	if (c1 != c2)
		return c1 < c2 ? -1 : 1;
	if (r1 != r2)
		return r1 < r2 ? -1 : 1;
	return strcmp(u1, u2);
}

/* Index of the scan's host (run->hostid) in e->hosts, added in id
 * order when new (a host first seen since the replay); -1 when out of
 * memory. */
static long
controls_host_index(struct controls_run *run)
{
	struct controls_eval *e = run->e;
	struct controls_host *nh, *h;
	size_t lo = 0, hi = e->nhosts, mid, i;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((cmp = strcmp(run->hostid, e->hosts[mid].id)) == 0)
			return (long)mid;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if ((nh = realloc(e->hosts, (e->nhosts + 2) * sizeof(*nh))) == NULL)
		return -1;
	e->hosts = nh;
	memmove(nh + lo + 1, nh + lo, (e->nhosts - lo) * sizeof(*nh));
	h = &nh[lo];
	memset(h, 0, sizeof(*h));
	snprintf(h->id, sizeof(h->id), "%s", run->hostid);
	snprintf(h->role, sizeof(h->role), "%s", run->role);
	if ((h->st = calloc(e->ncontrols + 1, sizeof(*h->st))) == NULL) {
		memmove(nh + lo, nh + lo + 1, (e->nhosts - lo) * sizeof(*nh));
		return -1;
	}
	e->nhosts++;
	for (i = 0; i < e->ncontrols; i++)
		e->fleet[i].count[CONTROLS_NONE]++;
	return (long)lo;
}

/*
 * The scan being read is complete: apply it to the cache's state.  In
 * replay order (later than everything applied) it continues the replay
 * exactly; a scan older than the newest of its baseline changes only
 * the history; any other (later than its baseline's newest, earlier
 * than what was applied) counts at once, as of the latest time applied.
 * The last two, and a host whose role changed (waivers match roles
 * over the whole history), ask for a rebuild (run->dirty).
 */
static void
controls_apply(struct controls_run *run)
{
	struct controls_host *h;
	struct controls_base *b;
	long hi;
	int exact;

	if (run->uuid[0] == '\0')
		return;
	if (run->id > run->last_id)
		run->last_id = run->id;
	if ((hi = controls_host_index(run)) < 0) {
		run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
		    "out of memory");
		goto drop;
	}
	h = &run->e->hosts[hi];
	if (strcmp(h->role, run->role) != 0) {
		run->dirty = 1;
		snprintf(h->role, sizeof(h->role), "%s", run->role);
	}
	snprintf(h->site, sizeof(h->site), "%s", run->site);
	snprintf(h->zone, sizeof(h->zone), "%s", run->zone);
	if ((b = controls_base_find(run, h)) != NULL &&
	    controls_key_cmp(run->created, run->received, run->uuid,
	    b->scan_time, b->scan_received, b->scan) <= 0) {
		run->dirty = 1;
		goto drop;
	}
	exact = run->created > run->tmax || (run->created == run->tmax &&
	    controls_key_cmp(run->created, run->received, run->uuid,
	    run->last_created, run->last_received, run->last_uuid) > 0);
	if (!exact)
		run->dirty = 1;
	run->at = exact ? run->created : run->tmax;
	if (controls_key_cmp(run->created, run->received, run->uuid,
	    run->last_created, run->last_received, run->last_uuid) > 0) {
		run->last_created = run->created;
		run->last_received = run->received;
		snprintf(run->last_uuid, sizeof(run->last_uuid), "%s",
		    run->uuid);
	}
	if (run->at > run->tmax)
		run->tmax = run->at;
	run->host = hi;
	controls_flush(run);	/* clears pend and uuid */
	return;
drop:
	controls_stat_clear(run->pend, controls_count(run->c));
	run->uuid[0] = '\0';
}

/*
 * Row of the cache's queries: id, uuid, host, created, received,
 * benchmark_id, profile_id, target_root of a scan, role, site, zone of
 * its host, then the five columns of controls_roll_cols().
 */
static int
controls_cache_row(void *arg, const char *const *v, size_t ncols)
{
	struct controls_run *run = arg;

	if (run->stop != NULL && *run->stop) {
		run->rc = plumb_err_set(run->err, PLUMB_EIO, "stopped");
		return 1;
	}
	if (ncols != 16 || v[0] == NULL || v[1] == NULL || v[2] == NULL)
		return 0;
	if (strcmp(run->uuid, v[1]) != 0) {
		controls_apply(run);
		if (run->rc != PLUMB_OK)
			return 1;
		run->applied++;
		run->id = strtoll(v[0], NULL, 10);
		snprintf(run->uuid, sizeof(run->uuid), "%s", v[1]);
		snprintf(run->hostid, sizeof(run->hostid), "%s", v[2]);
		run->created = v[3] != NULL ?
		    (time_t)strtoll(v[3], NULL, 10) : 0;
		run->received = v[4] != NULL ?
		    (time_t)strtoll(v[4], NULL, 10) : 0;
		CONTROLS_COL(run->bench, v[5]);
		CONTROLS_COL(run->profile, v[6]);
		CONTROLS_COL(run->root, v[7]);
		CONTROLS_COL(run->role, v[8]);
		CONTROLS_COL(run->site, v[9]);
		CONTROLS_COL(run->zone, v[10]);
	}
	return controls_roll_cols(run, v + 11);
}

#define CONTROLS_CACHE_COLS \
	"SELECT b.id, b.uuid, b.host, b.created, b.received," \
	" b.benchmark_id, b.profile_id, b.target_root, h.role, h.site," \
	" h.zone, r.framework, r.control_id, r.passed, r.rules, r.failing" \
	" FROM (SELECT id, uuid, host, created, received, benchmark_id," \
	" profile_id, target_root FROM bundles"

/* Apply the bundles stored after run->last_id, at most
 * CONTROLS_CATCHUP of them (run->applied says how many). */
static int
controls_catchup(struct controls_run *run, struct store *s,
    struct plumb_err *err)
{
	char id[32];
	const char *p[1];
	int rc;

	snprintf(id, sizeof(id), "%lld", run->last_id);
	p[0] = id;
	run->applied = 0;
	rc = store_query(s, CONTROLS_CACHE_COLS
	    " WHERE id > CAST($1 AS INTEGER) ORDER BY id LIMIT "
	    CONTROLS_STR(CONTROLS_CATCHUP) ") b"
	    " LEFT JOIN hosts h ON h.id = b.host"
	    " LEFT JOIN control_rollups r ON r.bundle_id = b.id"
	    " ORDER BY b.id", p, 1, controls_cache_row, run, NULL, err);
	if (rc == PLUMB_OK && run->rc == PLUMB_OK)
		controls_apply(run);
	if (rc == PLUMB_OK)
		rc = run->rc;
	run->behind = run->applied >= CONTROLS_CATCHUP;
	if (rc == PLUMB_OK && run->applied > 0 &&
	    controls_fleet_rules(run) != 0)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return rc;
}

/* Row: the waivers' fingerprint. */
static int
controls_wfp_row(void *arg, const char *const *v, size_t ncols)
{
	char *out = arg;

	if (ncols == 5)
		snprintf(out, CONTROLS_WFP_MAX, "%s/%s/%s/%s/%s",
		    v[0] ? v[0] : "", v[1] ? v[1] : "", v[2] ? v[2] : "",
		    v[3] ? v[3] : "", v[4] ? v[4] : "");
	return 0;
}

/* What changes with every waiver created, approved or revoked (times
 * only grow, so sums cannot come back to an earlier value). */
static int
controls_wfp(struct store *s, char *out, struct plumb_err *err)
{
	out[0] = '\0';
	return store_query(s, "SELECT count(*), COALESCE(max(created), 0),"
	    " COALESCE(sum(approved_time), 0), COALESCE(sum(revoked_time), 0),"
	    " COALESCE(sum(expires), 0) FROM waivers", NULL, 0,
	    controls_wfp_row, out, NULL, err);
}

/* Row: max(id). */
static int
controls_id_row(void *arg, const char *const *v, size_t ncols)
{
	if (ncols == 1 && v[0] != NULL)
		*(long long *)arg = strtoll(v[0], NULL, 10);
	return 0;
}

/*
 * Waivers changed since the cache's state was made (their fingerprint
 * differs): take the new set.  Their boundaries up to the latest time
 * applied must be the ones applied, else the current state is rescored
 * with the new set and a rebuild asked for; later boundaries are
 * applied as time passes them.
 */
static int
controls_cache_waivers(struct controls_run *run, struct store *s,
    struct plumb_err *err)
{
	char fp[CONTROLS_WFP_MAX];
	struct waiver_set *ws = NULL;
	time_t *wev = NULL;
	size_t nwev, k, i;
	int rc;

	if ((rc = controls_wfp(s, fp, err)) != PLUMB_OK)
		return rc;
	if (strcmp(fp, run->wfp) == 0)
		return PLUMB_OK;
	if ((ws = calloc(1, sizeof(*ws))) == NULL)
		goto nomem;
	if ((rc = waivers_load(s, ws, err)) != PLUMB_OK)
		goto out;
	if ((wev = controls_wev_make(ws, (time_t)-1, &nwev)) == NULL)
		goto nomem;
	for (k = 0; k < nwev && wev[k] <= run->tmax; k++)
		;
	if (k != run->iwev || (k > 0 && memcmp(wev, run->wev,
	    k * sizeof(*wev)) != 0))
		run->dirty = 1;
	waivers_clear(run->e->waivers);
	free(run->e->waivers);
	run->e->waivers = ws;
	ws = NULL;
	free(run->wev);
	run->wev = wev;
	run->nwev = nwev;
	run->iwev = k;
	wev = NULL;
	if (run->dirty)
		for (i = 0; i < run->e->nhosts; i++)
			controls_rescore(run, &run->e->hosts[i], run->tmax);
	snprintf(run->wfp, sizeof(run->wfp), "%s", fp);
	rc = run->rc;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	if (ws != NULL) {
		waivers_clear(ws);
		free(ws);
	}
	free(wev);
	return rc;
}

/* Waiver boundaries time passed: applied in order. */
static void
controls_cache_time(struct controls_run *run, time_t now)
{
	controls_waiver_events(run, now);
	if (run->iwev > 0 && run->wev[run->iwev - 1] > run->tmax)
		run->tmax = run->wev[run->iwev - 1];
}

/* A new, empty state for a replay at now (the cache's). */
static struct controls_run *
controls_run_new(const struct controls_cache *cc, time_t now)
{
	struct controls_run *run;

	if ((run = calloc(1, sizeof(*run))) == NULL)
		return NULL;
	if (controls_run_init(run, cc->c, now, CONTROLS_TRACK_ALL) != 0) {
		controls_run_free(run);
		return NULL;
	}
	run->max_points = cc->max_points;
	run->built = now;
	run->stop = &cc->stop;
	return run;
}

/*
 * The builder's replay (the cache's first state, or a rebuild): the
 * waivers' fingerprint first, then the newest bundle id (the snapshot:
 * later ones are caught up), the hosts, the waivers, and the scans up
 * to that id in replay order, CONTROLS_PAGE bundles a query so that
 * the client never holds the whole table at once.
 */
static int
controls_cache_build(struct controls_cache *cc, time_t now,
    struct controls_run **out, struct plumb_err *err)
{
	struct controls_run *run;
	struct store *s = cc->bs;
	struct store_host *hosts = NULL;
	char snap[32], kc[32], kr[32], ku[STORE_UUID_LEN + 1];
	const char *p[4];
	long long maxid = 0;
	size_t nhosts = 0;
	int rc, last;

	*out = NULL;
	if ((run = controls_run_new(cc, now)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	run->err = err;
	if ((rc = controls_wfp(s, run->wfp, err)) != PLUMB_OK ||
	    (rc = store_query(s, "SELECT COALESCE(max(id), 0) FROM bundles",
	    NULL, 0, controls_id_row, &maxid, NULL, err)) != PLUMB_OK ||
	    (rc = store_hosts_list(s, &hosts, &nhosts, err)) != PLUMB_OK ||
	    (rc = waivers_load(s, run->e->waivers, err)) != PLUMB_OK)
		goto out;
	rc = PLUMB_ENOMEM;
	if (controls_hosts_fill(run->e, hosts, nhosts) != 0 ||
	    (run->wev = controls_wev_make(run->e->waivers, (time_t)-1,
	    &run->nwev)) == NULL)
		goto nomem;
	snprintf(snap, sizeof(snap), "%lld", maxid);
	snprintf(kc, sizeof(kc), "%lld", (long long)INT64_MIN);
	snprintf(kr, sizeof(kr), "%lld", (long long)INT64_MIN);
	ku[0] = '\0';
	p[0] = snap;
	p[1] = kc;
	p[2] = kr;
	p[3] = ku;
	do {
		run->applied = 0;
		rc = store_query(s, CONTROLS_CACHE_COLS
		    " WHERE id <= CAST($1 AS INTEGER) AND (created, received,"
		    " uuid) > (CAST($2 AS INTEGER), CAST($3 AS INTEGER), $4)"
		    " ORDER BY created, received, uuid LIMIT "
		    CONTROLS_STR(CONTROLS_PAGE) ") b"
		    " LEFT JOIN hosts h ON h.id = b.host"
		    " LEFT JOIN control_rollups r ON r.bundle_id = b.id"
		    " ORDER BY b.created, b.received, b.uuid", p, 4,
		    controls_cache_row, run, NULL, err);
		if (rc == PLUMB_OK)
			rc = run->rc;
		if (rc != PLUMB_OK)
			goto out;
		/* The last scan read is still pending: the next page starts
		 * after it. */
		last = run->applied < CONTROLS_PAGE;
		snprintf(kc, sizeof(kc), "%lld", (long long)run->created);
		snprintf(kr, sizeof(kr), "%lld", (long long)run->received);
		snprintf(ku, sizeof(ku), "%s", run->uuid);
	} while (!last && run->uuid[0] != '\0');
	controls_apply(run);
	controls_cache_time(run, now);
	if ((rc = run->rc) != PLUMB_OK)
		goto out;
	if (controls_fleet_rules(run) != 0)
		goto nomem;
	/* Built in order: nothing is out of place (a host's role changed
	 * meanwhile is seen again by the catch-up). */
	run->dirty = 0;
	if (run->last_id < maxid)
		run->last_id = maxid;
	*out = run;
	run = NULL;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	store_hosts_free(hosts);
	controls_run_free(run);
	return rc;
}

/* The builder: one replay each time the loop asks, then the bundles
 * stored meanwhile, on its own connection. */
static void *
controls_cache_thread(void *arg)
{
	struct controls_cache *cc = arg;
	struct controls_run *run, *old;
	struct plumb_err err;
	struct timespec t0, t1;
	time_t now;
	int rc;

	pthread_mutex_lock(&cc->mu);
	for (;;) {
		while (!cc->want && !cc->stop)
			pthread_cond_wait(&cc->cv, &cc->mu);
		if (cc->stop)
			break;
		cc->want = 0;
		now = cc->want_now;
		pthread_mutex_unlock(&cc->mu);
		memset(&err, 0, sizeof(err));
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = controls_cache_build(cc, now, &run, &err);
		while (rc == PLUMB_OK && !cc->stop) {
			run->err = &err;
			if ((rc = controls_catchup(run, cc->bs, &err)) !=
			    PLUMB_OK || run->applied < CONTROLS_CATCHUP)
				break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rc != PLUMB_OK) {
			controls_run_free(run);
			run = NULL;
			if (!cc->stop)
				fprintf(stderr, "plumb-collector: controls "
				    "cache: %s\n", err.msg);
		} else
			fprintf(stderr, "plumb-collector: controls cache "
			    "built: %zu hosts, bundles up to id %lld, in "
			    "%.1f s\n", run->e->nhosts, run->last_id,
			    (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		pthread_mutex_lock(&cc->mu);
		old = cc->ready;
		cc->ready = run;
		cc->failed = rc != PLUMB_OK;
		snprintf(cc->why, sizeof(cc->why), "%s",
		    rc != PLUMB_OK ? err.msg : "");
		cc->building = 0;
		pthread_cond_broadcast(&cc->dcv);
		pthread_mutex_unlock(&cc->mu);
		controls_run_free(old);
		pthread_mutex_lock(&cc->mu);
	}
	pthread_mutex_unlock(&cc->mu);
	return NULL;
}

/* Ask the builder for a replay (the loop's). */
static void
controls_cache_ask(struct controls_cache *cc, time_t now)
{
	pthread_mutex_lock(&cc->mu);
	if (!cc->building) {
		cc->want = 1;
		cc->want_now = now;
		cc->building = 1;
		cc->last_start = now;
		pthread_cond_signal(&cc->cv);
	}
	pthread_mutex_unlock(&cc->mu);
}

int
controls_cache_new(const struct controls *c,
    const struct controls_cache_opts *o, struct controls_cache **out,
    struct plumb_err *err)
{
	struct controls_cache *cc;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if ((cc = calloc(1, sizeof(*cc))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	cc->c = c;
	cc->max_points = o->history_points > 0 ? o->history_points : 1;
	cc->min_interval = o->rebuild_min_interval_s;
	pthread_mutex_init(&cc->mu, NULL);
	pthread_cond_init(&cc->cv, NULL);
	pthread_cond_init(&cc->dcv, NULL);
	if ((rc = store_open(o->database, &cc->bs, err)) != PLUMB_OK)
		goto fail;
	cc->want = 1;
	cc->building = 1;
	cc->last_start = cc->want_now = time(NULL);
	/* The thread leaves the signals to the loop (libevent). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&cc->thread, NULL, controls_cache_thread, cc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "cannot start the "
		    "controls cache thread: %s", strerror(rc));
		goto fail;
	}
	cc->started = 1;
	*out = cc;
	return PLUMB_OK;
fail:
	controls_cache_free(cc);
	return rc;
}

void
controls_cache_free(struct controls_cache *cc)
{
	if (cc == NULL)
		return;
	if (cc->started) {
		pthread_mutex_lock(&cc->mu);
		cc->stop = 1;
		pthread_cond_signal(&cc->cv);
		pthread_mutex_unlock(&cc->mu);
		pthread_join(cc->thread, NULL);
	}
	controls_run_free(cc->ready);
	controls_run_free(cc->cur);
	store_close(cc->bs);
	pthread_cond_destroy(&cc->cv);
	pthread_cond_destroy(&cc->dcv);
	pthread_mutex_destroy(&cc->mu);
	free(cc);
}

size_t
controls_cache_max_points(const struct controls_cache *cc)
{
	return cc->max_points;
}

void
controls_cache_invalidate(struct controls_cache *cc, time_t now)
{
	if (cc == NULL)
		return;
	cc->invalid = now;
	if (cc->cur != NULL)
		cc->cur->dirty = 1;
}

int
controls_cache_wait(struct controls_cache *cc, unsigned ms)
{
	struct timespec ts;
	int done;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&cc->mu);
	while (cc->building &&
	    pthread_cond_timedwait(&cc->dcv, &cc->mu, &ts) == 0)
		;
	done = !cc->building;
	pthread_mutex_unlock(&cc->mu);
	return done;
}

/*
 * Bring the cache up to date at now on the loop's store s: take a
 * finished build, apply the bundles stored since and the waiver
 * changes, and ask for a rebuild when due.  cc->cur stays NULL until
 * the first build is done.
 */
static int
controls_cache_sync(struct controls_cache *cc, struct store *s, time_t now,
    struct plumb_err *err)
{
	struct controls_run *got, *run;
	int rc = PLUMB_OK;

	pthread_mutex_lock(&cc->mu);
	got = cc->ready;
	cc->ready = NULL;
	pthread_mutex_unlock(&cc->mu);
	if (got != NULL) {
		controls_run_free(cc->cur);
		cc->cur = got;
		if (got->built < cc->invalid)
			got->dirty = 1;
	}
	if ((run = cc->cur) != NULL) {
		run->err = err;
		run->rc = PLUMB_OK;
		run->stop = NULL;
		/* Waivers first: a waiver dated before a bundle stored
		 * since is then applied in its place by that bundle's
		 * flush, not with a rebuild. */
		if ((rc = controls_cache_waivers(run, s, err)) != PLUMB_OK ||
		    (rc = controls_catchup(run, s, err)) != PLUMB_OK)
			return rc;
		controls_cache_time(run, now);
		if ((rc = run->rc) != PLUMB_OK)
			return rc;
	}
	cc->synced = now;
	if ((run == NULL || run->dirty) &&
	    (now < cc->last_start || now - cc->last_start >=
	    (time_t)cc->min_interval))
		controls_cache_ask(cc, now);
	return PLUMB_OK;
}

/*
 * The evaluation the control routes answer from: the cache's, brought
 * up to date (*e NULL and rep set to 503 while the first build runs),
 * or without a cache one replay for this request (*owned 1: the caller
 * frees it).  track as controls_evaluate().
 */
int
controls_eval_for(const struct api_ctx *ctx, const struct api_req *req,
    long track, struct api_reply *rep, struct controls_eval **e,
    int *owned, struct plumb_err *err)
{
	struct controls_cache *cc = ctx->controls_cache;
	int rc, failed;
	char why[PLUMB_ERR_MSG_MAX];

	*e = NULL;
	*owned = 0;
	if (cc == NULL) {
		*owned = 1;
		return controls_evaluate(ctx->controls, ctx->store, req->now,
		    track, e, err);
	}
	if ((rc = controls_cache_sync(cc, ctx->store, req->now, err)) !=
	    PLUMB_OK)
		return rc;
	if (cc->cur != NULL) {
		*e = cc->cur->e;
		return PLUMB_OK;
	}
	pthread_mutex_lock(&cc->mu);
	failed = cc->failed;
	snprintf(why, sizeof(why), "%s", cc->why);
	pthread_mutex_unlock(&cc->mu);
	rep->retry_after = CONTROLS_RETRY_S;
	if (failed)
		return api_error(rep, 503, "the control rollups could not be "
		    "read (%s); trying again", why);
	return api_error(rep, 503, "the control rollups are being built; "
	    "try again shortly");
}

/* "as_of", "built" and "rebuilding" of a cache answer into o. */
int
controls_json_cache(const struct api_ctx *ctx, json_t *o)
{
	struct controls_cache *cc = ctx->controls_cache;
	int building;

	if (cc == NULL || cc->cur == NULL)
		return 0;
	pthread_mutex_lock(&cc->mu);
	building = cc->building;
	pthread_mutex_unlock(&cc->mu);
	if (json_object_set_new(o, "as_of",
	    json_integer((json_int_t)cc->synced)) != 0 ||
	    json_object_set_new(o, "built",
	    json_integer((json_int_t)cc->cur->built)) != 0 ||
	    json_object_set_new(o, "rebuilding",
	    json_boolean(building || cc->cur->dirty ||
	    cc->cur->behind)) != 0)
		return -1;
	return 0;
}
