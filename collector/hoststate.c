/*
 * hoststate.c - waiver-aware host status (hoststate.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plumb/error.h"
#include "hoststate.h"
#include "store.h"
#include "waivers.h"

/* Component "hoststate": never edit an entry once released.  A partial
 * index: the few fail and error rows of each bundle, with their rule
 * ids, found without touching the passing ones. */
static const struct store_migration hoststate_m[] = {
	{ 1,
	"CREATE INDEX rule_results_failing ON rule_results"
	" (bundle_id, rule_id) WHERE result IN ('fail', 'error')" },
};

int
hoststate_init(struct store *s, struct plumb_err *err)
{
	return store_migrate(s, "hoststate", hoststate_m,
	    sizeof(hoststate_m) / sizeof(hoststate_m[0]), err);
}

struct hoststate_load {
	struct hoststate_set *set;
	size_t cap;
	const struct waiver_set *ws;
	time_t now;
	int nomem;
};

static int
hoststate_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hoststate *)a)->host,
	    ((const struct hoststate *)b)->host);
}

/* Row of the per-host sums: host, pass + fixed. */
static int
hoststate_sum_row(void *arg, const char *const *vals, size_t ncols)
{
	struct hoststate_load *l = arg;
	struct hoststate *e, *nv;

	if (ncols < 2 || vals[0] == NULL)
		return 0;
	if (l->set->n == l->cap) {
		size_t cap = l->cap != 0 ? l->cap * 2 : 64;

		if ((nv = reallocarray(l->set->v, cap, sizeof(*nv))) == NULL) {
			l->nomem = 1;
			return 1;
		}
		l->set->v = nv;
		l->cap = cap;
	}
	e = &l->set->v[l->set->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->host, sizeof(e->host), "%s", vals[0]);
	e->evaluated = vals[1] != NULL ? strtoul(vals[1], NULL, 10) : 0;
	return 0;
}

/* Row of the failing results: host, role, rule id. */
static int
hoststate_fail_row(void *arg, const char *const *vals, size_t ncols)
{
	struct hoststate_load *l = arg;
	struct hoststate *e;

	if (ncols < 3 || vals[0] == NULL || vals[2] == NULL)
		return 0;
	if ((e = (struct hoststate *)hoststate_find(l->set, vals[0])) == NULL)
		return 0;	/* a baseline stored between the queries */
	if (waivers_match(l->ws, vals[0], vals[1] != NULL ? vals[1] : "",
	    vals[2], l->now) != NULL)
		e->waived++;
	else
		e->failing++;
	return 0;
}

int
hoststate_load(struct store *s, const char *host, time_t now,
    struct hoststate_set *out, struct plumb_err *err)
{
	struct hoststate_load l;
	struct waiver_set ws;
	const char *p[1] = { host };
	size_t np = host != NULL ? 1 : 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&ws, 0, sizeof(ws));
	memset(&l, 0, sizeof(l));
	l.set = out;
	l.ws = &ws;
	l.now = now;
	if ((rc = waivers_load(s, &ws, err)) != 0)
		goto out;
	if ((rc = store_query(s, host != NULL ?
	    "SELECT hb.host, sum(b.n_pass + b.n_fixed) FROM host_baselines hb"
	    " JOIN bundles b ON b.id = hb.bundle_id WHERE hb.host = $1"
	    " GROUP BY hb.host" :
	    "SELECT hb.host, sum(b.n_pass + b.n_fixed) FROM host_baselines hb"
	    " JOIN bundles b ON b.id = hb.bundle_id GROUP BY hb.host",
	    p, np, hoststate_sum_row, &l, NULL, err)) != 0)
		goto out;
	if (l.nomem) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), hoststate_cmp);
	/* Only the fail and error rows of the newest scans: a host's
	 * passing rules are never read. */
	rc = store_query(s, host != NULL ?
	    "SELECT hb.host, h.role, r.rule_id FROM host_baselines hb"
	    " JOIN hosts h ON h.id = hb.host"
	    " JOIN rule_results r ON r.bundle_id = hb.bundle_id"
	    " WHERE hb.host = $1 AND r.result IN ('fail', 'error')" :
	    "SELECT hb.host, h.role, r.rule_id FROM host_baselines hb"
	    " JOIN hosts h ON h.id = hb.host"
	    " JOIN rule_results r ON r.bundle_id = hb.bundle_id"
	    " WHERE r.result IN ('fail', 'error')",
	    p, np, hoststate_fail_row, &l, NULL, err);
out:
	waivers_clear(&ws);
	if (rc != PLUMB_OK)
		hoststate_clear(out);
	return rc;
}

void
hoststate_clear(struct hoststate_set *set)
{
	if (set == NULL)
		return;
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

const struct hoststate *
hoststate_find(const struct hoststate_set *set, const char *host)
{
	struct hoststate key;

	if (set == NULL || set->n == 0 || host == NULL)
		return NULL;
	snprintf(key.host, sizeof(key.host), "%s", host);
	return bsearch(&key, set->v, set->n, sizeof(*set->v), hoststate_cmp);
}

const char *
hoststate_status(const struct hoststate *st)
{
	if (st == NULL)
		return "unknown";
	if (st->failing > 0)
		return "fail";
	if (st->waived > 0)
		return "waived";
	if (st->evaluated > 0)
		return "pass";
	return "unknown";
}

int
hoststate_valid(const char *name)
{
	return name != NULL && (strcmp(name, "fail") == 0 ||
	    strcmp(name, "waived") == 0 || strcmp(name, "pass") == 0 ||
	    strcmp(name, "unknown") == 0);
}

int
hoststate_annotate(const struct hoststate_set *set, const char *host,
    json_t *o)
{
	const struct hoststate *st = hoststate_find(set, host);

	if (json_object_set_new(o, "status",
	    json_string(hoststate_status(st))) != 0 ||
	    json_object_set_new(o, "failing_rules", json_integer(st != NULL ?
	    (json_int_t)st->failing : 0)) != 0 ||
	    json_object_set_new(o, "waived_rules", json_integer(st != NULL ?
	    (json_int_t)st->waived : 0)) != 0)
		return -1;
	return 0;
}
