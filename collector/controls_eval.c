/*
 * controls_eval.c - the fleet's compliance per control (controls.h):
 * statuses, and the replay of the stored rollups, baseline by
 * baseline, with the waivers in force at each moment.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/grow.h"
#include "plumb/error.h"
#include "controls.h"
#include "controls_int.h"
#include "store.h"
#include "waivers.h"

const char *
controls_status_name(int status)
{
	switch (status) {
	case CONTROLS_PASS:
		return "pass";
	case CONTROLS_FAIL:
		return "fail";
	case CONTROLS_WAIVED:
		return "waived";
	case CONTROLS_UNKNOWN:
		return "unknown";
	}
	return "none";
}

/* Clear the failing lists and flags of n per-control states. */
void
controls_stat_clear(struct controls_hoststat *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		store_strings_free(st[i].failing, st[i].nfailing);
		st[i].failing = NULL;
		st[i].nfailing = 0;
		st[i].mapped = st[i].passed = 0;
	}
}

static uint32_t
controls_hash(const char *a, size_t k)
{
	uint32_t h = 2166136261u;

	for (; *a != '\0'; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	return (h ^ (uint32_t)k) * 16777619u;
}

/* Merge the rule list text of control k into the fleet's rules unless
 * the same text was merged before; 0, or -1 when out of memory. */
static int
controls_seen_merge(struct controls_run *run, size_t k, const char *text)
{
	struct controls_seen *se;
	struct controls_fleet *f = &run->e->fleet[k];
	uint32_t h = controls_hash(text, k) % CONTROLS_CACHE_BUCKETS;

	for (se = run->bucket[h]; se != NULL; se = se->next)
		if (se->ctl == k && strcmp(se->text, text) == 0)
			return 0;
	if ((se = calloc(1, sizeof(*se))) == NULL)
		return -1;
	if ((se->text = strdup(text)) == NULL) {
		free(se);
		return -1;
	}
	se->ctl = k;
	se->next = run->bucket[h];
	run->bucket[h] = se;
	return controls_strlist_json(&f->rules, &f->nrules, text);
}

/* The status of one control of host h from st at time t. */
static int
controls_host_status(const struct waiver_set *ws,
    const struct controls_host *h, const struct controls_hoststat *st,
    time_t t)
{
	size_t i;
	int waived = 0;

	if (!st->mapped)
		return CONTROLS_NONE;
	for (i = 0; i < st->nfailing; i++) {
		if (waivers_match(ws, h->id, h->role, st->failing[i], t) ==
		    NULL)
			return CONTROLS_FAIL;
		waived = 1;
	}
	if (waived)
		return CONTROLS_WAIVED;
	return st->passed ? CONTROLS_PASS : CONTROLS_UNKNOWN;
}

int
controls_base_status(const struct controls_eval *e,
    const struct controls_host *h, const struct controls_base *b, size_t i,
    time_t t)
{
	return controls_host_status(e->waivers, h, &b->st[i], t);
}

/* The fleet status the counts of one control give. */
static int
controls_fleet_status(const unsigned *count)
{
	if (count[CONTROLS_FAIL] > 0)
		return CONTROLS_FAIL;
	if (count[CONTROLS_WAIVED] > 0)
		return CONTROLS_WAIVED;
	if (count[CONTROLS_PASS] > 0)
		return CONTROLS_PASS;
	if (count[CONTROLS_UNKNOWN] > 0)
		return CONTROLS_UNKNOWN;
	return CONTROLS_NONE;
}

/* The cache's history point of f at t (f->count, status st): a new
 * one, or the last one when it has the same time.  At twice max_points
 * the older half is dropped, so each point is moved once on average. */
static void
controls_point_add(struct controls_run *run, struct controls_fleet *f,
    time_t t, int st)
{
	struct controls_point *p;
	size_t keep = run->max_points > 0 ? run->max_points : 1;

	p = f->npoints > 0 ? &f->points[f->npoints - 1] : NULL;
	if (p == NULL || p->time != t) {
		if (f->npoints >= 2 * keep) {
			memmove(f->points, f->points + (f->npoints - keep),
			    keep * sizeof(*f->points));
			f->npoints = keep;
		}
		if (grow_array(&f->points, f->npoints, &f->cappoints,
		    sizeof(*f->points), 16) != 0) {
			run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
			    "out of memory");
			return;
		}
		p = &f->points[f->npoints++];
	}
	p->time = t;
	memcpy(p->count, f->count, sizeof(p->count));
	p->status = st;
}

/* The fleet status of f became st at t: one change for the trend.  A
 * time before the last change's (a late bundle the cache applies at
 * once, before its rebuild puts it in place) counts at the last one's,
 * so that the list stays ordered. */
static void
controls_change_add(struct controls_run *run, struct controls_fleet *f,
    time_t t, int st)
{
	struct controls_change *ch;

	if (f->nchanges > 0 && t < f->changes[f->nchanges - 1].time)
		t = f->changes[f->nchanges - 1].time;
	if (run->max_points > 0 && f->nchanges >= 2 * run->max_points) {
		memmove(f->changes, f->changes + (f->nchanges -
		    run->max_points), run->max_points * sizeof(*f->changes));
		f->nchanges = run->max_points;
		f->dropped_changes = 1;
	}
	if (grow_array(&f->changes, f->nchanges, &f->capchanges,
	    sizeof(*f->changes), 16) != 0) {
		run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
		    "out of memory");
		return;
	}
	ch = &f->changes[f->nchanges++];
	ch->time = t;
	ch->status = st;
}

/* Counts of control i changed at t: fleet status and history point. */
static void
controls_fleet_update(struct controls_run *run, size_t i, time_t t)
{
	struct controls_fleet *f = &run->e->fleet[i];
	struct controls_point *p, *np;
	int st = controls_fleet_status(f->count);

	if (st != f->status) {
		if (st == CONTROLS_FAIL)
			f->failing_since = t;
		else
			f->failing_since = 0;
		f->status = st;
		controls_change_add(run, f, t, st);
	}
	if (run->track == CONTROLS_TRACK_ALL) {
		controls_point_add(run, f, t, st);
		return;
	}
	if (run->track < 0 || (size_t)run->track != i)
		return;
	p = run->e->npoints > 0 ? &run->e->points[run->e->npoints - 1] :
	    NULL;
	if (p == NULL || p->time != t) {
		if (grow_array(&run->e->points, run->e->npoints,
		    &run->cappoints, sizeof(*np), 16) != 0) {
			run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
			    "out of memory");
			return;
		}
		p = &run->e->points[run->e->npoints++];
	}
	p->time = t;
	memcpy(p->count, f->count, sizeof(p->count));
	p->status = st;
}

/* Recompute every control of host h at time t. */
void
controls_rescore(struct controls_run *run, struct controls_host *h,
    time_t t)
{
	size_t i, n = controls_count(run->c);
	int st;

	for (i = 0; i < n; i++) {
		st = controls_host_status(run->e->waivers, h, &h->st[i], t);
		if (st == h->st[i].status)
			continue;
		run->e->fleet[i].count[h->st[i].status]--;
		run->e->fleet[i].count[st]++;
		h->st[i].status = st;
		h->st[i].since = t;
		controls_fleet_update(run, i, t);
	}
}

/* Waiver boundaries due by t: rescore the hosts they concern. */
void
controls_waiver_events(struct controls_run *run, time_t t)
{
	const struct waiver_set *ws = run->e->waivers;
	struct controls_host *h;
	time_t ev;
	size_t i, j;

	while (run->iwev < run->nwev && run->wev[run->iwev] <= t) {
		ev = run->wev[run->iwev++];
		for (j = 0; j < run->e->nhosts; j++) {
			h = &run->e->hosts[j];
			for (i = 0; i < ws->n; i++)
				if (strcmp(ws->w[i].host, h->id) == 0 ||
				    (ws->w[i].role[0] != '\0' &&
				    strcmp(ws->w[i].role, h->role) == 0))
					break;
			if (i < ws->n)
				controls_rescore(run, h, ev);
		}
	}
}

/* The baseline of h the scan being read belongs to, NULL when new. */
struct controls_base *
controls_base_find(const struct controls_run *run, struct controls_host *h)
{
	size_t i;

	for (i = 0; i < h->nbase; i++)
		if (strcmp(h->base[i].benchmark_id, run->bench) == 0 &&
		    strcmp(h->base[i].profile_id, run->profile) == 0 &&
		    strcmp(h->base[i].target_root, run->root) == 0)
			return &h->base[i];
	return NULL;
}

/* The baseline of host h the scan being read belongs to (added when
 * new); NULL when out of memory. */
static struct controls_base *
controls_base_of(struct controls_run *run, struct controls_host *h)
{
	struct controls_base *b, *nb;

	if ((b = controls_base_find(run, h)) != NULL)
		return b;
	if ((nb = realloc(h->base, (h->nbase + 1) * sizeof(*nb))) == NULL)
		return NULL;
	h->base = nb;
	b = &nb[h->nbase];
	memset(b, 0, sizeof(*b));
	if ((b->st = calloc(controls_count(run->c) + 1,
	    sizeof(*b->st))) == NULL)
		return NULL;
	h->nbase++;
	snprintf(b->benchmark_id, sizeof(b->benchmark_id), "%s", run->bench);
	snprintf(b->profile_id, sizeof(b->profile_id), "%s", run->profile);
	snprintf(b->target_root, sizeof(b->target_root), "%s", run->root);
	return b;
}

/* The host's state per control: every baseline's mapped rules together. */
static int
controls_merge(struct controls_run *run, struct controls_host *h)
{
	const struct controls_hoststat *bs;
	struct controls_hoststat *st;
	size_t i, j, k;

	for (i = 0; i < controls_count(run->c); i++) {
		st = &h->st[i];
		controls_stat_clear(st, 1);
		for (j = 0; j < h->nbase; j++) {
			bs = &h->base[j].st[i];
			if (!bs->mapped)
				continue;
			st->mapped = 1;
			if (bs->passed)
				st->passed = 1;
			for (k = 0; k < bs->nfailing; k++)
				if (controls_strlist_add(&st->failing,
				    &st->nfailing, bs->failing[k]) != 0)
					return -1;
		}
	}
	return 0;
}

/* The scan being read is complete: it becomes the newest of its
 * baseline on its host. */
void
controls_flush(struct controls_run *run)
{
	struct controls_host *h;
	struct controls_base *b;
	struct controls_hoststat *tmp;

	if (run->uuid[0] == '\0' || run->host < 0)
		goto out;
	controls_waiver_events(run, run->at);
	h = &run->e->hosts[run->host];
	if ((b = controls_base_of(run, h)) == NULL)
		goto nomem;
	snprintf(b->scan, sizeof(b->scan), "%s", run->uuid);
	b->scan_time = run->created;
	b->scan_received = run->received;
	/* In replay order the scan is the host's newest; a late one of the
	 * cache is only when it is. */
	if (run->at == run->created || run->created >= h->scan_time) {
		snprintf(h->scan, sizeof(h->scan), "%s", run->uuid);
		h->scan_time = run->created;
	}
	/* Swap the pending state in; the old one is cleared for reuse. */
	tmp = b->st;
	b->st = run->pend;
	run->pend = tmp;
	if (controls_merge(run, h) != 0)
		goto nomem;
	controls_rescore(run, h, run->at);
	goto out;
nomem:
	run->rc = plumb_err_set(run->err, PLUMB_ENOMEM, "out of memory");
out:
	controls_stat_clear(run->pend, controls_count(run->c));
	run->uuid[0] = '\0';
}

static int
controls_host_cmp(const void *key, const void *elt)
{
	return strcmp(key, ((const struct controls_host *)elt)->id);
}

/* Columns framework, control_id, passed, rules, failing of one rollup
 * of the scan being read (NULL: it has none) into its pending state;
 * 0, or 1 when out of memory (run->rc set). */
int
controls_roll_cols(struct controls_run *run, const char *const *v)
{
	struct controls_hoststat *st;
	long k;

	if (v[0] == NULL || v[1] == NULL ||
	    (k = controls_find(run->c, v[0], v[1])) < 0)
		return 0;
	st = &run->pend[k];
	st->mapped = 1;
	if (v[2] != NULL && strcmp(v[2], "0") != 0)
		st->passed = 1;
	if ((v[4] != NULL && controls_strlist_json(&st->failing,
	    &st->nfailing, v[4]) != 0) ||
	    (v[3] != NULL && controls_seen_merge(run, (size_t)k, v[3]) != 0)) {
		run->rc = plumb_err_set(run->err, PLUMB_ENOMEM,
		    "out of memory");
		return 1;
	}
	return 0;
}

/*
 * Row: uuid, host, created, benchmark_id, profile_id, target_root of a
 * scan, then framework, control_id, passed, rules, failing of one of its
 * rollups (NULL when it has none), scans in replay order.
 */
static int
controls_roll_row(void *arg, const char *const *v, size_t ncols)
{
	struct controls_run *run = arg;
	struct controls_host *h;

	if (ncols != 11 || v[0] == NULL || v[1] == NULL)
		return 0;
	if (strcmp(run->uuid, v[0]) != 0) {
		controls_flush(run);
		if (run->rc != PLUMB_OK)
			return 1;
		snprintf(run->uuid, sizeof(run->uuid), "%s", v[0]);
		h = bsearch(v[1], run->e->hosts, run->e->nhosts, sizeof(*h),
		    controls_host_cmp);
		run->host = h != NULL ? h - run->e->hosts : -1;
		run->created = v[2] != NULL ?
		    (time_t)strtoll(v[2], NULL, 10) : 0;
		run->at = run->created;
		CONTROLS_COL(run->bench, v[3]);
		CONTROLS_COL(run->profile, v[4]);
		CONTROLS_COL(run->root, v[5]);
	}
	return controls_roll_cols(run, v + 6);
}

/* Replay the rollups of every scan in time order (one query). */
static int
controls_replay(struct controls_run *run, struct store *s,
    struct plumb_err *err)
{
	int rc;

	rc = store_query(s, "SELECT b.uuid, b.host, b.created, b.benchmark_id,"
	    " b.profile_id, b.target_root, r.framework, r.control_id,"
	    " r.passed, r.rules, r.failing FROM bundles b"
	    " LEFT JOIN control_rollups r ON r.bundle_id = b.id"
	    " ORDER BY b.created, b.received, b.uuid", NULL, 0,
	    controls_roll_row, run, NULL, err);
	if (rc == PLUMB_OK && run->rc == PLUMB_OK)
		controls_flush(run);
	if (rc == PLUMB_OK)
		rc = run->rc;
	return rc;
}

static int
controls_time_cmp(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? -1 : x > y;
}

/* Every boundary of the waivers of ws up to until ((time_t)-1: all;
 * created, approved, expires, revoked: where waiver_active() can
 * change), sorted, into an allocated array of *n; NULL when out of
 * memory. */
time_t *
controls_wev_make(const struct waiver_set *ws, time_t until, size_t *n)
{
	const struct waiver *w;
	time_t *v;
	size_t i;

	*n = 0;
	if ((v = calloc(4 * ws->n + 1, sizeof(*v))) == NULL)
		return NULL;
#define CONTROLS_UPTO(t)	(until == (time_t)-1 || (t) <= until)
	for (i = 0; i < ws->n; i++) {
		w = &ws->w[i];
		if (CONTROLS_UPTO(w->created))
			v[(*n)++] = w->created;
		if (w->approved_time != 0 && CONTROLS_UPTO(w->approved_time))
			v[(*n)++] = w->approved_time;
		if (CONTROLS_UPTO(w->expires))
			v[(*n)++] = w->expires;
		if (w->revoked_time != 0 && CONTROLS_UPTO(w->revoked_time))
			v[(*n)++] = w->revoked_time;
	}
#undef CONTROLS_UPTO
	qsort(v, *n, sizeof(*v), controls_time_cmp);
	return v;
}

/* The rules of each control: the replay's and [map rule] entries. */
int
controls_fleet_rules(struct controls_run *run)
{
	const struct controls *c = run->c;
	const struct controls_map *m;
	struct controls_fleet *f;
	size_t i, j;

	for (i = 0; i < controls_nmaps(c); i++) {
		m = controls_map_at(c, i);
		if (strcmp(m->framework, "rule") != 0)
			continue;
		for (j = 0; j < m->ntargets; j++) {
			f = &run->e->fleet[m->targets[j]];
			if (controls_strlist_add(&f->rules, &f->nrules,
			    m->value) != 0)
				return -1;
		}
	}
	for (i = 0; i < controls_count(c); i++) {
		f = &run->e->fleet[i];
		if (f->nrules > 1)
			qsort(f->rules, f->nrules, sizeof(*f->rules),
			    controls_strcmp);
	}
	return 0;
}

/* The hosts of an evaluation (e->ncontrols set), every one counted
 * as CONTROLS_NONE until its scans come; 0, or -1 out of memory. */
int
controls_hosts_fill(struct controls_eval *e, const struct store_host *hosts,
    size_t nhosts)
{
	struct controls_host *h;
	size_t i;

	if ((e->hosts = calloc(nhosts + 1, sizeof(*e->hosts))) == NULL)
		return -1;
	for (i = 0; i < nhosts; i++) {
		h = &e->hosts[i];
		snprintf(h->id, sizeof(h->id), "%s", hosts[i].id);
		snprintf(h->role, sizeof(h->role), "%s", hosts[i].role);
		snprintf(h->site, sizeof(h->site), "%s", hosts[i].site);
		snprintf(h->zone, sizeof(h->zone), "%s", hosts[i].zone);
		e->nhosts++;
		if ((h->st = calloc(e->ncontrols + 1, sizeof(*h->st))) ==
		    NULL)
			return -1;
	}
	for (i = 0; i < e->ncontrols; i++)
		e->fleet[i].count[CONTROLS_NONE] = (unsigned)nhosts;
	return 0;
}

int
controls_run_init(struct controls_run *run, const struct controls *c,
    time_t now, long track)
{
	size_t n = controls_count(c);

	run->c = c;
	run->track = track;
	run->now = now;
	run->host = -1;
	if ((run->e = calloc(1, sizeof(*run->e))) == NULL ||
	    (run->e->waivers = calloc(1, sizeof(*run->e->waivers))) == NULL ||
	    (run->e->fleet = calloc(n + 1, sizeof(*run->e->fleet))) == NULL ||
	    (run->pend = calloc(n + 1, sizeof(*run->pend))) == NULL)
		return -1;
	run->e->ncontrols = n;
	return 0;
}

void
controls_run_clear(struct controls_run *run)
{
	struct controls_seen *se, *next;
	size_t i;

	for (i = 0; i < CONTROLS_CACHE_BUCKETS; i++)
		for (se = run->bucket[i]; se != NULL; se = next) {
			next = se->next;
			free(se->text);
			free(se);
		}
	if (run->pend != NULL)
		controls_stat_clear(run->pend, controls_count(run->c));
	free(run->pend);
	free(run->wev);
	controls_eval_free(run->e);
	memset(run, 0, sizeof(*run));
}

int
controls_evaluate(const struct controls *c, struct store *s, time_t now,
    long track, struct controls_eval **out, struct plumb_err *err)
{
	struct controls_run run;
	struct controls_eval *e;
	struct store_host *hosts = NULL;
	size_t nhosts = 0, i;
	int rc;

	*out = NULL;
	memset(&run, 0, sizeof(run));
	run.err = err;
	if (controls_run_init(&run, c, now, track) != 0)
		goto nomem;
	e = run.e;
	if ((rc = store_hosts_list(s, &hosts, &nhosts, err)) != PLUMB_OK ||
	    (rc = waivers_load(s, e->waivers, err)) != PLUMB_OK)
		goto out;
	rc = PLUMB_ENOMEM;
	if (controls_hosts_fill(e, hosts, nhosts) != 0)
		goto nomem;
	/* Every boundary of a waiver up to now, in time order. */
	if ((run.wev = controls_wev_make(e->waivers, now,
	    &run.nwev)) == NULL)
		goto nomem;
	if ((rc = controls_replay(&run, s, err)) != PLUMB_OK)
		goto out;
	controls_waiver_events(&run, now);
	/* The state now: waivers in force now, for every host. */
	for (i = 0; i < e->nhosts; i++)
		controls_rescore(&run, &e->hosts[i], now);
	if ((rc = run.rc) != PLUMB_OK)
		goto out;
	if (controls_fleet_rules(&run) != 0)
		goto nomem;
	*out = e;
	run.e = NULL;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	controls_run_clear(&run);
	store_hosts_free(hosts);
	return rc;
}

void
controls_eval_free(struct controls_eval *e)
{
	struct controls_host *h;
	size_t i, j;

	if (e == NULL)
		return;
	for (i = 0; i < e->nhosts; i++) {
		h = &e->hosts[i];
		if (h->st != NULL)
			controls_stat_clear(h->st, e->ncontrols);
		free(h->st);
		for (j = 0; j < h->nbase; j++) {
			controls_stat_clear(h->base[j].st, e->ncontrols);
			free(h->base[j].st);
		}
		free(h->base);
	}
	free(e->hosts);
	if (e->fleet != NULL)
		for (i = 0; i < e->ncontrols; i++) {
			store_strings_free(e->fleet[i].rules,
			    e->fleet[i].nrules);
			free(e->fleet[i].points);
			free(e->fleet[i].changes);
		}
	free(e->fleet);
	free(e->points);
	waivers_clear(e->waivers);
	free(e->waivers);
	free(e);
}
