/*
 * api.c - the REST API's dispatch (api.h) and its core routes
 * (docs/api.md "Core"): hosts, host detail, scans, scan detail, raw
 * evidence, CSV export.  No HTTP here: server.c builds the request and
 * writes the reply.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "bundle.h"
#include "evidence.h"
#include "store.h"
#include "controls.h"
#include "drift.h"
#include "enroll.h"
#include "export.h"
#include "waivers.h"
#include "stale.h"	/* alerts: stale hosts */
#include "hoststate.h"	/* waiver-aware host status */
#include "rollups.h"
#include "ruleview.h"

#define API_LIMIT_DEFAULT	100	/* scans of GET hosts/{id}/scans */
#define API_LIMIT_MAX		10000
#define API_PARAM_MAX		512	/* one decoded query value */

/* Every module's routes, searched in this order. */
#define API_TABLE(name)	{ name##_routes, &name##_nroutes }
static const struct {
	const struct api_route *routes;
	const size_t *n;
} api_tables[] = {
	API_TABLE(drift), API_TABLE(controls), API_TABLE(waivers),
	API_TABLE(export), API_TABLE(enroll), API_TABLE(rollups),
	API_TABLE(ruleview)
};

static struct {
	const struct api_route *routes;
	size_t n;
} api_extra[API_EXTRA_TABLES];
static size_t api_nextra;

int
api_register(const struct api_route *routes, size_t n)
{
	if (api_nextra >= API_EXTRA_TABLES)
		return PLUMB_ELIMIT;
	api_extra[api_nextra].routes = routes;
	api_extra[api_nextra].n = n;
	api_nextra++;
	return PLUMB_OK;
}

/* ------------------------------------------------------------ helpers */

int
api_error(struct api_reply *rep, int status, const char *fmt, ...)
{
	va_list ap;

	json_decref(rep->json);
	rep->json = NULL;
	free(rep->text);
	rep->text = NULL;
	rep->text_len = 0;
	rep->content_type = NULL;
	rep->status = status;
	va_start(ap, fmt);
	vsnprintf(rep->msg, sizeof(rep->msg), fmt, ap);
	va_end(ap);
	return PLUMB_OK;
}

int
api_reply_list(struct api_reply *rep, const char *key, json_t *list,
    struct plumb_err *err)
{
	/* "o" takes the reference whether or not the pack succeeds. */
	if ((rep->json = json_pack("{s:o}", key, list)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
}

void
api_reply_clear(struct api_reply *rep)
{
	if (rep == NULL)
		return;
	json_decref(rep->json);
	free(rep->text);
	memset(rep, 0, sizeof(*rep));
}

int
api_may_see(const struct api_req *req, const char *host)
{
	if (req->scope_host != NULL)
		return host != NULL && strcasecmp(req->scope_host, host) == 0;
	return (req->auth & API_AUTH_STAFF) != 0;
}

static const struct {
	const char *name;
	int auth;
} api_roles[] = {
	{ "admin", API_AUTH_ADMIN },
	{ "auditor", API_AUTH_AUDITOR },
	{ "approver", API_AUTH_APPROVER },
};

int
api_role_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(api_roles) /
	    sizeof(api_roles[0]); i++)
		if (strcmp(name, api_roles[i].name) == 0)
			return api_roles[i].auth;
	return 0;
}

const char *
api_role_name(int auth)
{
	size_t i;

	for (i = 0; i < sizeof(api_roles) / sizeof(api_roles[0]); i++)
		if (auth == api_roles[i].auth)
			return api_roles[i].name;
	return "";
}

static int
api_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode src[0..len) into dst (size bytes, NUL-terminated);
 * plus: '+' is a space (query strings).  -1 for a bad escape, an
 * encoded NUL or no room.
 */
static int
api_decode(const char *src, size_t len, char *dst, size_t size, int plus)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)src[i], h, l;

		if (c == '%') {
			if (i + 2 >= len ||
			    (h = api_hexval(src[i + 1])) < 0 ||
			    (l = api_hexval(src[i + 2])) < 0)
				return -1;
			c = h * 16 + l;
			if (c == 0)
				return -1;
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		if (o + 1 >= size)
			return -1;
		dst[o++] = (char)c;
	}
	if (o >= size)
		return -1;
	dst[o] = '\0';
	return 0;
}

int
api_parse_path(struct api_req *req, const char *path, char *buf,
    size_t size, char *msg, size_t msgsize)
{
	const char *p, *slash;
	size_t used = 0, n;

	req->nseg = 0;
	memset(req->seg, 0, sizeof(req->seg));
	if (strncmp(path, API_PREFIX, strlen(API_PREFIX)) != 0)
		return PLUMB_ENOENT;
	p = path + strlen(API_PREFIX);
	for (;;) {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (req->nseg == API_SEG_MAX) {
			snprintf(msg, msgsize, "more than %d path segments "
			    "after %s", API_SEG_MAX, API_PREFIX);
			return PLUMB_EINVAL;
		}
		if (n == 0) {
			snprintf(msg, msgsize, "empty path segment");
			return PLUMB_EINVAL;
		}
		if (used >= size || api_decode(p, n, buf + used, size - used,
		    0) != 0) {
			snprintf(msg, msgsize, "bad %%-escape in the path or "
			    "path too long");
			return PLUMB_EINVAL;
		}
		if (strcmp(buf + used, ".") == 0 ||
		    strcmp(buf + used, "..") == 0 ||
		    strchr(buf + used, '/') != NULL) {
			snprintf(msg, msgsize, "path segment \"%s\" not "
			    "allowed", buf + used);
			return PLUMB_EINVAL;
		}
		req->seg[req->nseg++] = buf + used;
		used += strlen(buf + used) + 1;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return PLUMB_OK;
}

const char *
api_query_param(const struct api_req *req, const char *name, char *buf,
    size_t size)
{
	const char *p = req->query, *amp, *eq;
	size_t klen = strlen(name), n;

	while (p != NULL && *p != '\0') {
		amp = strchr(p, '&');
		n = amp != NULL ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', n);
		if ((size_t)((eq != NULL ? eq : p + n) - p) == klen &&
		    strncmp(p, name, klen) == 0) {
			if (eq == NULL) {
				if (size == 0)
					return NULL;
				buf[0] = '\0';
				return buf;
			}
			if (api_decode(eq + 1, (size_t)(p + n - eq - 1), buf,
			    size, 1) != 0)
				return NULL;
			return buf;
		}
		p = amp != NULL ? amp + 1 : NULL;
	}
	return NULL;
}

/* 1 when the query string has parameter name (whatever its value). */
static int
api_query_present(const struct api_req *req, const char *name)
{
	const char *p = req->query;
	size_t klen = strlen(name);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, klen) == 0 && (p[klen] == '=' ||
		    p[klen] == '&' || p[klen] == '\0'))
			return 1;
		p = strchr(p, '&');
		if (p != NULL)
			p++;
	}
	return 0;
}

/* A whole non-negative number in [0, max] from a query parameter:
 * 0 absent (*v untouched), 1 read, -1 bad. */
static int
api_param_num(const struct api_req *req, const char *name, long long max,
    long long *v)
{
	char buf[API_PARAM_MAX], *end;
	const char *s;
	long long n;

	if ((s = api_query_param(req, name, buf, sizeof(buf))) == NULL)
		return api_query_present(req, name) ? -1 : 0;
	if (*s == '\0' || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > max)
		return -1;
	*v = n;
	return 1;
}

int
api_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) != NULL &&
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) != 0)
		return 0;
	snprintf(buf, size, "%s", "1970-01-01T00:00:00Z");
	return -1;
}

/* obj[name] = t and obj[name_iso] = ISO 8601 (null when t is 0). */
static int
api_set_time(json_t *obj, const char *name, time_t t)
{
	char key[64], iso[32];
	int shown = t != 0 && api_iso(t, iso, sizeof(iso)) == 0;

	snprintf(key, sizeof(key), "%s_iso", name);
	if (json_object_set_new(obj, name, json_integer((json_int_t)t)) != 0 ||
	    json_object_set_new(obj, key, shown ? json_string(iso) :
	    json_null()) != 0)
		return -1;
	return 0;
}

/* A string or null. */
static json_t *
api_str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* ---------------------------------------------------------- JSON shapes */

static json_t *
api_counts_json(const struct store_counts *c)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "pass", (json_int_t)c->pass, "fail", (json_int_t)c->fail,
	    "error", (json_int_t)c->error, "unknown", (json_int_t)c->unknown,
	    "notapplicable", (json_int_t)c->notapplicable,
	    "notchecked", (json_int_t)c->notchecked,
	    "notselected", (json_int_t)c->notselected,
	    "informational", (json_int_t)c->informational,
	    "fixed", (json_int_t)c->fixed);
}

static json_t *
api_scan_json(const struct store_bundle *b)
{
	json_t *o, *scores;
	size_t i;

	if ((o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "uuid", b->uuid, "host", b->host,
	    "target_root", b->target_root,
	    "benchmark_id", b->benchmark_id,
	    "benchmark_version", b->benchmark_version,
	    "profile_id", b->profile_id, "profile_title", b->profile_title,
	    "content_sha256", b->content_sha256,
	    "evidence_sha256", b->evidence_sha256)) == NULL)
		return NULL;
	if (api_set_time(o, "created", b->created) != 0 ||
	    api_set_time(o, "received", b->received) != 0 ||
	    (scores = json_object()) == NULL ||
	    json_object_set_new(o, "scores", scores) != 0 ||
	    json_object_set_new(o, "counts", api_counts_json(&b->counts)) != 0)
		goto fail;
	for (i = 0; i < b->nscores && i < STORE_NSCORES; i++)
		if (json_object_set_new(scores, b->scores[i].system,
		    json_pack("{s:f,s:f}", "score", b->scores[i].score,
		    "max", b->scores[i].max)) != 0)
			goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* The default model's score of b into *v: 1, or 0 when it has none. */
static int
api_default_value(const struct store_bundle *b, double *v)
{
	size_t i;

	for (i = 0; b != NULL && i < b->nscores && i < STORE_NSCORES; i++)
		if (strcmp(b->scores[i].system,
		    "urn:xccdf:scoring:default") == 0) {
			*v = b->scores[i].score;
			return 1;
		}
	return 0;
}

/* The default model's score of b, or JSON null. */
static json_t *
api_default_score(const struct store_bundle *b)
{
	double v;

	return api_default_value(b, &v) ? json_real(v) : json_null();
}

/* 1 when scan b evaluated any rule (pass, fail, error or fixed): a scan
 * whose rules were all notapplicable has a meaningless score. */
static int
api_evaluated(const struct store_bundle *b)
{
	return b->counts.pass + b->counts.fail + b->counts.error +
	    b->counts.fixed > 0;
}

/* One baseline of a host: its newest scan, in short. */
static json_t *
api_baseline_json(const struct store_bundle *b)
{
	json_t *o;

	if ((o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}",
	    "benchmark_id", b->benchmark_id, "profile_id", b->profile_id,
	    "profile_title", b->profile_title, "target_root", b->target_root,
	    "scan", b->uuid, "score", api_default_score(b),
	    "counts", api_counts_json(&b->counts))) == NULL)
		return NULL;
	if (api_set_time(o, "created", b->created) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * HOST of docs/api.md; newest: its newest scan or NULL; base: the
 * newest scan of each of its baselines (nbase).  score: the lowest
 * default score of the baselines that evaluated a rule; counts: the
 * sum over the baselines.
 */
static json_t *
api_host_json(const struct store_host *h, const struct store_bundle *newest,
    const struct store_bundle *base, size_t nbase)
{
	struct store_counts sum;
	const struct store_bundle *worst = NULL;
	json_t *o, *bl;
	double v, wv = 0;
	size_t i;

	memset(&sum, 0, sizeof(sum));
	if ((o = json_pack("{s:s,s:s,s:s,s:s}", "id", h->id, "role", h->role,
	    "site", h->site, "zone", h->zone)) == NULL)
		return NULL;
	if ((bl = json_array()) == NULL ||
	    json_object_set_new(o, "baselines", bl) != 0)
		goto fail;
	for (i = 0; i < nbase; i++) {
		sum.pass += base[i].counts.pass;
		sum.fail += base[i].counts.fail;
		sum.error += base[i].counts.error;
		sum.unknown += base[i].counts.unknown;
		sum.notapplicable += base[i].counts.notapplicable;
		sum.notchecked += base[i].counts.notchecked;
		sum.notselected += base[i].counts.notselected;
		sum.informational += base[i].counts.informational;
		sum.fixed += base[i].counts.fixed;
		if (api_evaluated(&base[i]) &&
		    api_default_value(&base[i], &v) &&
		    (worst == NULL || v < wv)) {
			worst = &base[i];
			wv = v;
		}
		if (json_array_append_new(bl, api_baseline_json(&base[i])) != 0)
			goto fail;
	}
	if (api_set_time(o, "first_seen", h->first_seen) != 0 ||
	    api_set_time(o, "last_seen", h->last_seen) != 0 ||
	    json_object_set_new(o, "last_scan", api_str(newest != NULL ?
	    newest->uuid : NULL)) != 0 ||
	    json_object_set_new(o, "score", api_default_score(worst)) != 0 ||
	    json_object_set_new(o, "counts", api_counts_json(&sum)) != 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* Host h as HOST with its newest scan and its baselines. */
static int
api_host_load(struct store *s, const struct store_host *h,
    struct store_bundle **newest, json_t **out, struct plumb_err *err)
{
	struct store_bundle *base = NULL;
	size_t nbase = 0, n = 0;
	int rc;

	*out = NULL;
	*newest = NULL;
	if ((rc = store_bundles_list(s, h->id, 0, 1, newest, &n, err)) != 0 ||
	    (rc = store_baselines_list(s, h->id, &base, &nbase, err)) != 0)
		goto out;
	if (n == 0) {
		store_bundles_free(*newest);
		*newest = NULL;
	}
	if ((*out = api_host_json(h, *newest, base, nbase)) == NULL)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	store_bundles_free(base);
	return rc;
}

/* A stored JSON text as a value; an empty array when absent or broken. */
static json_t *
api_json_text(const char *text)
{
	json_t *v;

	if (text == NULL || (v = json_loads(text, 0, NULL)) == NULL)
		return json_array();
	return v;
}

/*
 * The rules of bundle b as [RULE...]; role is its host's role (for
 * role waivers).  Waivers are read when the waivers module is linked.
 */
static int
api_rules_json(const struct api_ctx *ctx, const struct store_bundle *b,
    const char *role, time_t now, json_t **out, struct plumb_err *err)
{
	struct store_rule *r = NULL;
	struct waiver_set ws;
	json_t *a = NULL, *o;
	size_t n = 0, i;
	int rc;

	*out = NULL;
	memset(&ws, 0, sizeof(ws));
	if ((rc = store_rules_get(ctx->store, b->uuid, &r, &n, err)) != 0)
		return rc;
	if ((rc = waivers_load(ctx->store, &ws, err)) != 0)
		goto out;
	if ((a = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		int waived = (strcmp(r[i].result, "fail") ==
		    0 || strcmp(r[i].result, "error") == 0) &&
		    waivers_match(&ws, b->host, role, r[i].rule_id, now) !=
		    NULL;

		if ((o = json_pack("{s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:b}",
		    "rule_id", r[i].rule_id, "title", api_str(r[i].title),
		    "result", r[i].result, "severity", r[i].severity,
		    "items_digest", api_str(r[i].items_digest),
		    "references", api_json_text(r[i].references),
		    "idents", api_json_text(r[i].idents),
		    "waived", waived)) == NULL ||
		    json_array_append_new(a, o) != 0)
			goto nomem;
	}
	*out = a;
	a = NULL;
	rc = PLUMB_OK;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(a);
	waivers_clear(&ws);
	store_rules_free(r, n);
	return rc;
}

/* -------------------------------------------------------------- routes */

/* Filter value of name: NULL when absent; "" allowed. */
static const char *
api_filter(const struct api_req *req, const char *name, char *buf,
    size_t size)
{
	return api_query_param(req, name, buf, size);
}

/*
 * q= of GET hosts: 1 when needle (already lower case) is in the id,
 * role, site or zone of h, ignoring ASCII case.
 */
static int
api_host_search(const struct store_host *h, const char *needle)
{
	const char *f[4];
	char low[STORE_HOST_MAX];
	size_t i, j;

	f[0] = h->id;
	f[1] = h->role;
	f[2] = h->site;
	f[3] = h->zone;
	for (i = 0; i < 4; i++) {
		for (j = 0; f[i][j] != '\0' && j + 1 < sizeof(low); j++)
			low[j] = (f[i][j] >= 'A' && f[i][j] <= 'Z') ?
			    (char)(f[i][j] - 'A' + 'a') : f[i][j];
		low[j] = '\0';
		if (strstr(low, needle) != NULL)
			return 1;
	}
	return 0;
}

/* status= of GET hosts: the waiver-aware status or "stale". */
static int
api_host_status_ok(json_t *o, const char *want)
{
	const char *st;

	if (want == NULL)
		return 1;
	if (strcmp(want, "stale") == 0)
		return json_is_true(json_object_get(o, "stale"));
	st = json_string_value(json_object_get(o, "status"));
	return st != NULL && strcmp(st, want) == 0;
}

/* status= before a host is loaded: 0 when h cannot have that status,
 * so a status filter reads only the hosts it keeps. */
static int
api_host_status_pre(const struct api_ctx *ctx, const struct api_req *req,
    const struct hoststate_set *hs, const struct store_host *h,
    const char *want)
{
	struct stale_state st;

	if (want == NULL)
		return 1;
	if (strcmp(want, "stale") == 0) {
		if (ctx->cfg == NULL)
			return 0;
		stale_eval(ctx->cfg, h, req->now, &st);
		return st.stale;
	}
	return strcmp(hoststate_status(hoststate_find(hs, h->id)),
	    want) == 0;
}

/* The newest of n baselines (by created, received, uuid: the order of
 * every list), NULL when n is 0: the host's newest scan, since each of
 * its scans belongs to one baseline. */
static const struct store_bundle *
api_newest_of(const struct store_bundle *b, size_t n)
{
	const struct store_bundle *m = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (m == NULL || b[i].created > m->created ||
		    (b[i].created == m->created &&
		    (b[i].received > m->received ||
		    (b[i].received == m->received &&
		    strcmp(b[i].uuid, m->uuid) > 0))))
			m = &b[i];
	return m;
}

/* GET hosts?role=&site=&zone=&q=&status= : three queries for the
 * whole fleet (the waiver-aware states, the hosts, and the newest scan
 * of every baseline), not two a host. */
static int
api_hosts(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	char rb[STORE_ATTR_MAX], sb[STORE_ATTR_MAX], zb[STORE_ATTR_MAX];
	char qb[STORE_ATTR_MAX], stb[16];
	const char *role, *site, *zone, *q, *status;
	struct hoststate_set hs;
	struct store_host *h = NULL;
	struct store_bundle *base = NULL;
	json_t *list = NULL, *o;
	size_t n = 0, nbase = 0, i, j = 0, k;
	int rc;

	role = api_filter(req, "role", rb, sizeof(rb));
	site = api_filter(req, "site", sb, sizeof(sb));
	zone = api_filter(req, "zone", zb, sizeof(zb));
	memset(&hs, 0, sizeof(hs));
	if ((q = api_filter(req, "q", qb, sizeof(qb))) != NULL) {
		store_host_lower(qb);
		if (*q == '\0')
			q = NULL;
	} else if (api_query_present(req, "q"))
		return api_error(rep, 400, "q: at most %d bytes",
		    STORE_ATTR_MAX - 1);
	status = api_filter(req, "status", stb, sizeof(stb));
	if ((status != NULL && !hoststate_valid(status) &&
	    strcmp(status, "stale") != 0) ||
	    (status == NULL && api_query_present(req, "status")))
		return api_error(rep, 400, "status: pass, fail, waived, "
		    "unknown or stale");
	if ((rc = hoststate_load(ctx->store, req->scope_host, req->now, &hs,
	    err)) != 0)
		return rc;
	if ((rc = store_hosts_list(ctx->store, &h, &n, err)) != 0 ||
	    (rc = store_baselines_all(ctx->store, &base, &nbase, err)) != 0)
		goto out;
	if ((list = json_array()) == NULL)
		goto nomem;
	/* Both lists are ordered by host id (bytes): walk them together. */
	for (i = 0; i < n; i++) {
		while (j < nbase && strcmp(base[j].host, h[i].id) < 0)
			j++;
		for (k = j; k < nbase && strcmp(base[k].host, h[i].id) == 0;
		    k++)
			;
		if (!api_may_see(req, h[i].id) ||
		    (role != NULL && strcmp(role, h[i].role) != 0) ||
		    (site != NULL && strcmp(site, h[i].site) != 0) ||
		    (zone != NULL && strcmp(zone, h[i].zone) != 0) ||
		    (q != NULL && !api_host_search(&h[i], q)) ||
		    !api_host_status_pre(ctx, req, &hs, &h[i], status)) {
			j = k;
			continue;
		}
		if ((o = api_host_json(&h[i], api_newest_of(base + j, k - j),
		    base + j, k - j)) == NULL)
			goto nomem;
		j = k;
		if ((ctx->cfg != NULL &&
		    stale_annotate(ctx->cfg, &h[i], req->now, o) != 0) ||
		    hoststate_annotate(&hs, h[i].id, o) != 0) {
			json_decref(o);
			goto nomem;
		}
		if (!api_host_status_ok(o, status)) {
			json_decref(o);
			continue;
		}
		if (json_array_append_new(list, o) != 0)
			goto nomem;
	}
	rc = api_reply_list(rep, "hosts", list, err);
	list = NULL;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(list);
	store_bundles_free(base);
	store_hosts_free(h);
	hoststate_clear(&hs);
	return rc;
}

/* The host of seg[1] if the caller may see it: PLUMB_OK, or a 404
 * answer in rep (PLUMB_ENOENT returned). */
static int
api_host_of(const struct api_ctx *ctx, const struct api_req *req,
    struct store_host *h, struct api_reply *rep, struct plumb_err *err)
{
	int rc;

	if (!api_may_see(req, req->seg[1])) {
		api_error(rep, 404, "no host %s", req->seg[1]);
		return PLUMB_ENOENT;
	}
	rc = store_host_get(ctx->store, req->seg[1], h, err);
	if (rc == PLUMB_ENOENT)
		api_error(rep, 404, "no host %s", req->seg[1]);
	return rc;
}

/* GET hosts/{id} */
static int
api_host(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_host h;
	struct store_bundle *b = NULL;
	struct hoststate_set hs;
	json_t *o = NULL, *rules = NULL;
	int rc;

	memset(&hs, 0, sizeof(hs));
	if ((rc = api_host_of(ctx, req, &h, rep, err)) != 0)
		return rc == PLUMB_ENOENT ? PLUMB_OK : rc;
	if ((rc = api_host_load(ctx->store, &h, &b, &o, err)) != 0)
		goto out;
	if (b != NULL && (rc = api_rules_json(ctx, b, h.role, req->now,
	    &rules, err)) != 0)
		goto out;
	if ((rc = hoststate_load(ctx->store, h.id, req->now, &hs,
	    err)) != 0)
		goto out;
	if ((ctx->cfg != NULL &&
	    stale_annotate(ctx->cfg, &h, req->now, o) != 0) ||
	    hoststate_annotate(&hs, h.id, o) != 0 ||
	    json_object_set_new(o, "latest", b != NULL ? api_scan_json(b) :
	    json_null()) != 0 ||
	    json_object_set_new(o, "rules", rules != NULL ? rules :
	    json_array()) != 0) {
		rules = NULL;
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	rules = NULL;
	rep->json = o;
	o = NULL;
	rc = PLUMB_OK;
out:
	json_decref(o);
	json_decref(rules);
	store_bundles_free(b);
	hoststate_clear(&hs);
	return rc;
}

/* GET hosts/{id}/scans?since=&limit= */
static int
api_host_scans(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_host h;
	struct store_bundle *b = NULL;
	json_t *list = NULL, *o;
	long long since = 0, limit = API_LIMIT_DEFAULT;
	size_t n = 0, i;
	int rc;

	if (api_param_num(req, "since", INT64_MAX / 2, &since) < 0)
		return api_error(rep, 400, "since: seconds since the epoch");
	if (api_param_num(req, "limit", API_LIMIT_MAX, &limit) < 0 ||
	    limit == 0)
		return api_error(rep, 400, "limit: 1 to %d", API_LIMIT_MAX);
	if ((rc = api_host_of(ctx, req, &h, rep, err)) != 0)
		return rc == PLUMB_ENOENT ? PLUMB_OK : rc;
	if ((rc = store_bundles_list(ctx->store, h.id, (time_t)since,
	    (size_t)limit, &b, &n, err)) != 0)
		return rc;
	if ((list = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < n; i++)
		if ((o = api_scan_json(&b[i])) == NULL ||
		    json_array_append_new(list, o) != 0)
			goto nomem;
	rc = api_reply_list(rep, "scans", list, err);
	list = NULL;
	goto out;
nomem:
	rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	json_decref(list);
	store_bundles_free(b);
	return rc;
}

/* The scan of seg[1] if the caller may see it into *b (calloc'ed);
 * PLUMB_ENOENT with a 404 in rep otherwise. */
static int
api_scan_of(const struct api_ctx *ctx, const struct api_req *req,
    struct store_bundle **b, struct api_reply *rep, struct plumb_err *err)
{
	int rc;

	if ((*b = calloc(1, sizeof(**b))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	rc = store_bundle_get(ctx->store, req->seg[1], *b, err);
	if (rc == PLUMB_OK && !api_may_see(req, (*b)->host))
		rc = PLUMB_ENOENT;
	if (rc != PLUMB_OK) {
		free(*b);
		*b = NULL;
	}
	if (rc == PLUMB_ENOENT)
		api_error(rep, 404, "no scan %s", req->seg[1]);
	return rc;
}

/* GET scans/{uuid} */
static int
api_scan(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_bundle *b;
	struct store_host h;
	json_t *o = NULL, *rules = NULL;
	int rc;

	if ((rc = api_scan_of(ctx, req, &b, rep, err)) != 0)
		return rc == PLUMB_ENOENT ? PLUMB_OK : rc;
	if (store_host_get(ctx->store, b->host, &h, NULL) != PLUMB_OK)
		h.role[0] = '\0';
	if ((rc = api_rules_json(ctx, b, h.role, req->now, &rules,
	    err)) != 0)
		goto out;
	if ((o = api_scan_json(b)) == NULL ||
	    json_object_set_new(o, "rules", rules) != 0) {
		rules = NULL;
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	rules = NULL;
	rep->json = o;
	o = NULL;
out:
	json_decref(o);
	json_decref(rules);
	free(b);
	return rc;
}

/* Read the whole file at path (at most max bytes) into *data. */
static int
api_read_file(const char *path, size_t max, char **data, size_t *len,
    struct plumb_err *err)
{
	struct stat st;
	FILE *f;
	int rc = PLUMB_OK;

	*data = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > (uint64_t)max) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: not a regular file "
		    "of at most %zu bytes", path, max);
		goto out;
	}
	if ((*data = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (fread(*data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: short read", path);
		free(*data);
		*data = NULL;
		goto out;
	}
	*len = (size_t)st.st_size;
out:
	fclose(f);
	return rc;
}

/* GET scans/{uuid}/evidence: the bytes the agent signed. */
static int
api_scan_evidence(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_bundle *b;
	char path[EVIDENCE_PATH_MAX];
	int rc;

	if ((rc = api_scan_of(ctx, req, &b, rep, err)) != 0)
		return rc == PLUMB_ENOENT ? PLUMB_OK : rc;
	if ((rc = evidence_path(ctx->cfg->evidence_dir, b->evidence_sha256,
	    path, err)) == PLUMB_OK &&
	    (rc = api_read_file(path, BUNDLE_MAX_BYTES, &rep->text,
	    &rep->text_len, err)) == PLUMB_OK)
		rep->content_type = "application/pkcs7-mime";
	free(b);
	return rc;
}

char *
api_log_escape(const char *in, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (in == NULL)
		in = "-";
	for (; *in != '\0'; in++) {
		unsigned char c = (unsigned char)*in;
		int plain = c >= 0x20 && c < 0x7f && c != '\\';

		/* Room for this character (4 for \xHH) and "..." + NUL. */
		if (o + (plain ? 1 : 4) + 4 > size) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (plain) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 0xf];
	}
	out[o] = '\0';
	return out;
}

/*
 * One CSV field (RFC 4180): quoted when it holds , " ' CR, LF or tab.
 * A field a spreadsheet would read as a formula (leading = + - @ tab
 * or CR: host names, rule ids and attributes come from agents) gets a
 * leading single quote, inside the quotes (OWASP "CSV injection").
 */
static void
api_csv_field(FILE *f, const char *s, int last)
{
	int formula;

	if (s == NULL)
		s = "";
	formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	if (formula || strpbrk(s, ",\"'\r\n\t") != NULL) {
		fputc('"', f);
		if (formula)
			fputc('\'', f);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	fputs(last ? "\r\n" : ",", f);
}

static int
api_host_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_host *)a)->id,
	    ((const struct store_host *)b)->id);
}

/*
 * The target controls a rule maps to, "framework:id" joined by ';'
 * (hit: controls_count() bytes of scratch), as one CSV field.
 */
static void
api_csv_controls(FILE *f, const struct controls *c, const struct store_rule *r,
    unsigned char *hit)
{
	const struct controls_control *cc;
	size_t i, n = controls_count(c), len = 0;
	char *buf = NULL;
	FILE *m;

	if (n == 0 || (m = open_memstream(&buf, &len)) == NULL) {
		api_csv_field(f, "", 0);
		return;
	}
	memset(hit, 0, n);
	controls_match(c, r->rule_id, r->references, hit, NULL);
	for (i = 0; i < n; i++) {
		if (!hit[i] || (cc = controls_at(c, i)) == NULL)
			continue;
		fprintf(m, "%s%s:%s", ftell(m) > 0 ? ";" : "", cc->framework,
		    cc->id);
	}
	fclose(m);
	api_csv_field(f, buf != NULL ? buf : "", 0);
	free(buf);
}

/*
 * GET export/results.csv?since=&host=: one row per rule result, with
 * the scan's benchmark and profile, ISO 8601 times, the rule's title,
 * the controls it maps to, and whether a waiver covered a failing
 * result when the scan was made.
 */
static int
api_export_csv(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct store_host *h = NULL, key, *hh;
	struct store_bundle *b = NULL;
	struct store_rule *r = NULL;
	struct waiver_set ws;
	const struct waiver *w;
	char hostbuf[STORE_HOST_MAX], created[32];
	const char *host;
	unsigned char *hit = NULL;
	long long since = 0;
	size_t nh = 0, nb = 0, nr = 0, i, j;
	FILE *f = NULL;
	int rc;

	memset(&ws, 0, sizeof(ws));
	if (api_param_num(req, "since", INT64_MAX / 2, &since) < 0)
		return api_error(rep, 400, "since: seconds since the epoch");
	host = api_query_param(req, "host", hostbuf, sizeof(hostbuf));
	if (host != NULL && *host == '\0')
		host = NULL;
	if ((rc = store_hosts_list(ctx->store, &h, &nh, err)) != 0)
		return rc;
	qsort(h, nh, sizeof(*h), api_host_cmp);
	if (host != NULL) {
		snprintf(key.id, sizeof(key.id), "%s", host);
		if (bsearch(&key, h, nh, sizeof(*h), api_host_cmp) == NULL) {
			rc = api_error(rep, 404, "no host %s", host);
			goto out;
		}
	}
	if ((rc = store_bundles_list(ctx->store, host, (time_t)since, 0, &b,
	    &nb, err)) != 0 ||
	    (rc = waivers_load(ctx->store, &ws, err)) != 0)
		goto out;
	if ((f = open_memstream(&rep->text, &rep->text_len)) == NULL ||
	    (hit = calloc(controls_count(ctx->controls) + 1, 1)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	fputs("host,role,site,zone,benchmark_id,profile_id,scan,created,"
	    "rule_id,title,result,severity,controls,waived\r\n", f);
	for (i = 0; i < nb; i++) {
		snprintf(key.id, sizeof(key.id), "%s", b[i].host);
		hh = bsearch(&key, h, nh, sizeof(*h), api_host_cmp);
		if ((rc = store_rules_get(ctx->store, b[i].uuid, &r, &nr,
		    err)) != 0)
			goto out;
		api_iso(b[i].created, created, sizeof(created));
		for (j = 0; j < nr; j++) {
			w = NULL;
			if (strcmp(r[j].result, "fail") == 0 ||
			    strcmp(r[j].result, "error") == 0)
				w = waivers_match(&ws, b[i].host, hh != NULL ?
				    hh->role : NULL, r[j].rule_id,
				    b[i].created);
			api_csv_field(f, b[i].host, 0);
			api_csv_field(f, hh != NULL ? hh->role : "", 0);
			api_csv_field(f, hh != NULL ? hh->site : "", 0);
			api_csv_field(f, hh != NULL ? hh->zone : "", 0);
			api_csv_field(f, b[i].benchmark_id, 0);
			api_csv_field(f, b[i].profile_id, 0);
			api_csv_field(f, b[i].uuid, 0);
			api_csv_field(f, created, 0);
			api_csv_field(f, r[j].rule_id, 0);
			api_csv_field(f, r[j].title, 0);
			api_csv_field(f, r[j].result, 0);
			api_csv_field(f, r[j].severity, 0);
			api_csv_controls(f, ctx->controls, &r[j], hit);
			api_csv_field(f, w != NULL ? "yes" : "no", 1);
		}
		store_rules_free(r, nr);
		r = NULL;
		nr = 0;
	}
	rep->content_type = "text/csv; charset=utf-8";
	rc = PLUMB_OK;
out:
	if (f != NULL && (ferror(f) | fclose(f)) && rc == PLUMB_OK)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if (rc != PLUMB_OK || rep->status >= 400) {
		free(rep->text);
		rep->text = NULL;
		rep->text_len = 0;
		rep->content_type = NULL;
	}
	store_rules_free(r, nr);
	store_bundles_free(b);
	store_hosts_free(h);
	waivers_clear(&ws);
	free(hit);
	return rc;
}

/*
 * GET whoami: the caller's principal and role, so the dashboard knows
 * whether the browser's client certificate signed it in.
 */
static int
api_whoami(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	const char *role = req->scope_host != NULL ? "agent" :
	    api_role_name(req->auth);

	(void)ctx;
	if ((rep->json = json_pack("{s:s, s:s, s:o}", "principal",
	    req->principal != NULL ? req->principal : "", "role", role,
	    "host", req->scope_host != NULL ? json_string(req->scope_host) :
	    json_null())) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return PLUMB_OK;
}

static const struct api_route api_core_routes[] = {
	{ "GET", "whoami", API_AUTH_READ, api_whoami },
	{ "GET", "hosts", API_AUTH_READ, api_hosts },
	{ "GET", "hosts/*", API_AUTH_READ, api_host },
	{ "GET", "hosts/*/scans", API_AUTH_READ, api_host_scans },
	{ "GET", "scans/*", API_AUTH_READ, api_scan },
	{ "GET", "scans/*/evidence", API_AUTH_READ, api_scan_evidence },
	{ "GET", "export/results.csv", API_AUTH_STAFF, api_export_csv },
};
static const size_t api_core_nroutes =
    sizeof(api_core_routes) / sizeof(api_core_routes[0]);

/* ------------------------------------------------------------ dispatch */

/* Does pattern ("hosts/ * /scans") match the request's segments? */
static int
api_match(const char *pattern, const struct api_req *req)
{
	const char *p = pattern, *slash;
	size_t i, n;

	for (i = 0; i < req->nseg; i++) {
		if (p == NULL)
			return 0;
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (!(n == 1 && *p == '*') && (strlen(req->seg[i]) != n ||
		    strncmp(p, req->seg[i], n) != 0))
			return 0;
		p = slash != NULL ? slash + 1 : NULL;
	}
	return p == NULL;
}

struct api_found {
	const struct api_route *route;	/* method and path match */
	int path_only;			/* some pattern matched */
};

static void
api_find_in(const struct api_route *t, size_t n, const char *method,
    const struct api_req *req, struct api_found *f)
{
	size_t i;

	for (i = 0; t != NULL && i < n && f->route == NULL; i++) {
		if (t[i].method == NULL || t[i].pattern == NULL ||
		    t[i].fn == NULL || !api_match(t[i].pattern, req))
			continue;
		if (strcmp(t[i].method, method) == 0)
			f->route = &t[i];
		else
			f->path_only = 1;
	}
}

void
api_dispatch(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep)
{
	struct plumb_err err;
	struct api_found f;
	const char *method = req->method;
	size_t i;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rep->status = 200;
	memset(&f, 0, sizeof(f));
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	api_find_in(api_core_routes, api_core_nroutes, method, req, &f);
	for (i = 0; i < sizeof(api_tables) / sizeof(api_tables[0]); i++)
		api_find_in(api_tables[i].routes, *api_tables[i].n, method,
		    req, &f);
	for (i = 0; i < api_nextra; i++)
		api_find_in(api_extra[i].routes, api_extra[i].n, method, req,
		    &f);
	if (f.route == NULL) {
		if (f.path_only)
			api_error(rep, 405, "method %s not allowed here",
			    req->method);
		else
			api_error(rep, 404, "no such route");
		return;
	}
	if (!(f.route->auth & API_AUTH_NONE) && !(f.route->auth & req->auth)) {
		if (req->auth == 0 && (req->principal == NULL ||
		    *req->principal == '\0'))
			api_error(rep, 401, "credentials required: an admin "
			    "client certificate or a bearer token");
		else
			api_error(rep, 403, "not allowed for %s",
			    req->principal != NULL && *req->principal != '\0' ?
			    req->principal : "this caller");
		return;
	}
	memset(&err, 0, sizeof(err));
	if ((rc = f.route->fn(ctx, req, rep, &err)) != PLUMB_OK) {
		char seg[API_LOG_MAX], msg[API_LOG_MAX];

		fprintf(stderr, "plumb-collector: %s %s%s: %s\n", req->method,
		    API_PREFIX, api_log_escape(req->nseg > 0 ? req->seg[0] :
		    "", seg, sizeof(seg)), api_log_escape(err.msg[0] != '\0' ?
		    err.msg : plumb_strerror(rc), msg, sizeof(msg)));
		api_error(rep, 500, "internal error: %s", err.msg[0] != '\0' ?
		    err.msg : plumb_strerror(rc));
	}
}
