/*
 * waivers.c - risk acceptance per rule and host or role (waivers.h):
 * table waivers, its API routes and the check whether a waiver applies
 * at a given time.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "plumb/error.h"
#include "api.h"
#include "bundle.h"
#include "store.h"
#include "waivers.h"

/* Component "waivers": never edit an applied migration, add one. */
static const struct store_migration waivers_migrations[] = {
	{ 1,
	  "CREATE TABLE waivers ("
	  " id TEXT PRIMARY KEY,"
	  " rule_id TEXT NOT NULL,"
	  " host TEXT NOT NULL DEFAULT '',"	/* '' when by role */
	  " role TEXT NOT NULL DEFAULT '',"	/* '' when by host */
	  " justification TEXT NOT NULL,"
	  " approver TEXT NOT NULL,"
	  " created_by TEXT NOT NULL DEFAULT '',"
	  " created INTEGER NOT NULL,"
	  " expires INTEGER NOT NULL,"
	  " revoked_time INTEGER,"		/* NULL: in force */
	  " revoked_by TEXT"
	  ");"
	  "CREATE INDEX waivers_rule ON waivers (rule_id);" },
	/* The approval step: a waiver applies from its approval by an
	 * identity other than its requester's.  Waivers made before it
	 * count as approved by the approver they named, when made. */
	{ 2,
	  "ALTER TABLE waivers ADD COLUMN approved_by TEXT;"
	  "ALTER TABLE waivers ADD COLUMN approved_time INTEGER;"
	  "UPDATE waivers SET approved_by = approver, approved_time = "
	  "created;" },
};

#define WAIVERS_COLS \
	"id, rule_id, host, role, justification, approver, created_by, " \
	"created, expires, revoked_time, revoked_by, approved_by, " \
	"approved_time"
#define WAIVERS_NCOLS	13

int
waivers_init(struct store *s, struct plumb_err *err)
{
	return store_migrate(s, "waivers", waivers_migrations,
	    sizeof(waivers_migrations) / sizeof(waivers_migrations[0]), err);
}

void
waivers_clear(struct waiver_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		free(set->w[i].justification);
	free(set->w);
	set->w = NULL;
	set->n = 0;
}

struct waivers_fill {
	struct waiver_set *set;
	size_t cap;
	int rc;
};

/* Row of WAIVERS_COLS into the set. */
static int
waivers_row(void *arg, const char *const *v, size_t ncols)
{
	struct waivers_fill *f = arg;
	struct waiver *w, *nw;
	size_t ncap;

	if (ncols != WAIVERS_NCOLS)
		return 0;
	if (f->set->n == f->cap) {
		ncap = f->cap == 0 ? 16 : 2 * f->cap;
		if ((nw = realloc(f->set->w, ncap * sizeof(*nw))) == NULL) {
			f->rc = PLUMB_ENOMEM;
			return 1;
		}
		f->set->w = nw;
		f->cap = ncap;
	}
	w = &f->set->w[f->set->n];
	memset(w, 0, sizeof(*w));
	snprintf(w->id, sizeof(w->id), "%s", v[0] ? v[0] : "");
	snprintf(w->rule_id, sizeof(w->rule_id), "%s", v[1] ? v[1] : "");
	snprintf(w->host, sizeof(w->host), "%s", v[2] ? v[2] : "");
	snprintf(w->role, sizeof(w->role), "%s", v[3] ? v[3] : "");
	snprintf(w->approver, sizeof(w->approver), "%s", v[5] ? v[5] : "");
	snprintf(w->created_by, sizeof(w->created_by), "%s",
	    v[6] ? v[6] : "");
	w->created = v[7] ? (time_t)strtoll(v[7], NULL, 10) : 0;
	w->expires = v[8] ? (time_t)strtoll(v[8], NULL, 10) : 0;
	w->revoked_time = v[9] ? (time_t)strtoll(v[9], NULL, 10) : 0;
	snprintf(w->revoked_by, sizeof(w->revoked_by), "%s",
	    v[10] ? v[10] : "");
	snprintf(w->approved_by, sizeof(w->approved_by), "%s",
	    v[11] ? v[11] : "");
	w->approved_time = v[12] ? (time_t)strtoll(v[12], NULL, 10) : 0;
	if ((w->justification = strdup(v[4] ? v[4] : "")) == NULL) {
		f->rc = PLUMB_ENOMEM;
		return 1;
	}
	f->set->n++;
	return 0;
}

/* The waivers of a query on WAIVERS_COLS. */
static int
waivers_select(struct store *s, const char *sql, const char *const *params,
    size_t nparams, struct waiver_set *out, struct plumb_err *err)
{
	struct waivers_fill f;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	f.set = out;
	rc = store_query(s, sql, params, nparams, waivers_row, &f, NULL, err);
	if (rc == PLUMB_OK && f.rc != PLUMB_OK)
		rc = plumb_err_set(err, f.rc, "out of memory");
	if (rc != PLUMB_OK)
		waivers_clear(out);
	return rc;
}

int
waivers_load(struct store *s, struct waiver_set *out,
    struct plumb_err *err)
{
	return waivers_select(s, "SELECT " WAIVERS_COLS " FROM waivers "
	    "ORDER BY created, id", NULL, 0, out, err);
}

/* The one waiver called id into *set (n 0 when none). */
static int
waivers_get(struct store *s, const char *id, struct waiver_set *set,
    struct plumb_err *err)
{
	const char *p[1] = { id };

	return waivers_select(s, "SELECT " WAIVERS_COLS " FROM waivers "
	    "WHERE id = $1", p, 1, set, err);
}

int
waiver_active(const struct waiver *w, time_t t)
{
	if (t < w->created || t >= w->expires)
		return 0;
	if (w->approved_time == 0 || t < w->approved_time)
		return 0;
	return w->revoked_time == 0 || t < w->revoked_time;
}

const char *
waiver_status(const struct waiver *w, time_t now)
{
	if (w->revoked_time != 0 && now >= w->revoked_time)
		return w->approved_time != 0 ? "revoked" : "rejected";
	if (now >= w->expires)
		return "expired";
	return w->approved_time != 0 ? "approved" : "requested";
}

const struct waiver *
waivers_match(const struct waiver_set *set, const char *host,
    const char *role, const char *rule_id, time_t t)
{
	const struct waiver *w;
	size_t i;

	if (set == NULL)
		return NULL;
	for (i = 0; i < set->n; i++) {
		w = &set->w[i];
		if (strcmp(w->rule_id, rule_id) != 0 || !waiver_active(w, t))
			continue;
		if (w->host[0] != '\0' && strcmp(w->host, host) == 0)
			return w;
		if (w->role[0] != '\0' && role != NULL &&
		    strcmp(w->role, role) == 0)
			return w;
	}
	return NULL;
}

/* ------------------------------------------------------------- API */

/* A string member, null when empty. */
static json_t *
waivers_str_or_null(const char *s)
{
	return s[0] != '\0' ? json_string(s) : json_null();
}

/* WAIVER of docs/api.md. */
static json_t *
waivers_json(const struct waiver *w, time_t now)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:I, s:I, "
	    "s:o, s:o, s:b, s:s, s:o, s:o}",
	    "id", w->id, "rule_id", w->rule_id,
	    "host", waivers_str_or_null(w->host),
	    "role", waivers_str_or_null(w->role),
	    "justification", w->justification, "approver", w->approver,
	    "created_by", w->created_by,
	    "created", (json_int_t)w->created,
	    "expires", (json_int_t)w->expires,
	    "revoked_time", w->revoked_time ?
	    json_integer((json_int_t)w->revoked_time) : json_null(),
	    "revoked_by", waivers_str_or_null(w->revoked_by),
	    "active", waiver_active(w, now),
	    "status", waiver_status(w, now),
	    "approved_by", waivers_str_or_null(w->approved_by),
	    "approved_time", w->approved_time ?
	    json_integer((json_int_t)w->approved_time) : json_null());
}

/* GET waivers?host=&rule_id=&active=1 */
static int
waivers_api_list(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct waiver_set set;
	struct store_host h;
	const struct waiver *w;
	char hostb[STORE_HOST_MAX], ruleb[STORE_TEXT_MAX], actb[8], stb[16];
	const char *host, *rule, *act, *status;
	json_t *list, *o;
	size_t i;
	int rc, active = 0;

	host = api_query_param(req, "host", hostb, sizeof(hostb));
	rule = api_query_param(req, "rule_id", ruleb, sizeof(ruleb));
	act = api_query_param(req, "active", actb, sizeof(actb));
	status = api_query_param(req, "status", stb, sizeof(stb));
	if (status != NULL && *status == '\0')
		status = NULL;
	if (status != NULL && strcmp(status, "requested") != 0 &&
	    strcmp(status, "approved") != 0 && strcmp(status, "rejected") != 0 &&
	    strcmp(status, "revoked") != 0 && strcmp(status, "expired") != 0)
		return api_error(rep, 400, "status: \"%s\" is not requested, "
		    "approved, rejected, revoked or expired", status);
	if (act != NULL && *act != '\0') {
		if (strcmp(act, "1") != 0 && strcmp(act, "0") != 0)
			return api_error(rep, 400, "active: \"%s\" is neither "
			    "0 nor 1", act);
		active = strcmp(act, "1") == 0;
	}
	memset(&h, 0, sizeof(h));
	if (host != NULL && *host != '\0') {
		rc = store_host_get(ctx->store, host, &h, err);
		if (rc != PLUMB_OK && rc != PLUMB_ENOENT)
			return rc;
		/* An unknown host: only waivers naming it by id. */
		snprintf(h.id, sizeof(h.id), "%s", host);
	}
	if ((rc = waivers_load(ctx->store, &set, err)) != PLUMB_OK)
		return rc;
	if ((list = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < set.n; i++) {
		w = &set.w[i];
		if (active && !waiver_active(w, req->now))
			continue;
		if (status != NULL &&
		    strcmp(status, waiver_status(w, req->now)) != 0)
			continue;
		if (rule != NULL && *rule != '\0' &&
		    strcmp(rule, w->rule_id) != 0)
			continue;
		if (host != NULL && *host != '\0' &&
		    strcmp(w->host, h.id) != 0 &&
		    (w->role[0] == '\0' || strcmp(w->role, h.role) != 0))
			continue;
		if ((o = waivers_json(w, req->now)) == NULL ||
		    json_array_append_new(list, o) != 0)
			goto nomem;
	}
	waivers_clear(&set);
	return api_reply_list(rep, "waivers", list, err);
nomem:
	json_decref(list);
	waivers_clear(&set);
	return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
}

/* A required string member of a POST body, within max bytes. */
static const char *
waivers_body_str(json_t *body, const char *key, size_t max,
    struct api_reply *rep)
{
	json_t *v = json_object_get(body, key);
	const char *s;

	if (v == NULL || json_is_null(v))
		return "";
	if ((s = json_string_value(v)) == NULL) {
		api_error(rep, 400, "%s: not a string", key);
		return NULL;
	}
	if (strlen(s) > max) {
		api_error(rep, 400, "%s: longer than %zu bytes", key, max);
		return NULL;
	}
	return s;
}

/* POST waivers {"rule_id","host"|"role","justification","approver",
 * "expires"} */
static int
waivers_api_create(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct waiver w;
	json_error_t jerr;
	json_t *body = NULL, *ex;
	const char *rule, *host, *role, *just, *appr;
	const char *params[11];
	char created[24], expires[24];
	struct tm tm;
	char *end;
	int rc = PLUMB_OK;

	memset(&w, 0, sizeof(w));
	if (req->body == NULL || (body = json_loadb((const char *)req->body,
	    req->body_len, 0, &jerr)) == NULL || !json_is_object(body)) {
		json_decref(body);
		return api_error(rep, 400, "body: expected a JSON object "
		    "(%s)", req->body == NULL ? "empty" : jerr.text);
	}
	if ((rule = waivers_body_str(body, "rule_id", STORE_TEXT_MAX - 1,
	    rep)) == NULL ||
	    (host = waivers_body_str(body, "host", STORE_HOST_MAX - 1,
	    rep)) == NULL ||
	    (role = waivers_body_str(body, "role", STORE_ATTR_MAX - 1,
	    rep)) == NULL ||
	    (just = waivers_body_str(body, "justification",
	    WAIVER_JUSTIFICATION_MAX, rep)) == NULL ||
	    (appr = waivers_body_str(body, "approver", STORE_TEXT_MAX - 1,
	    rep)) == NULL)
		goto out;
	/* With the approval step the approver is whoever approves; a
	 * name given here is only the one the requester proposes.
	 * Without it the named approver is the only record. */
	if (*rule == '\0' || *just == '\0' ||
	    (*appr == '\0' && !ctx->cfg->waiver_approval)) {
		api_error(rep, 400, ctx->cfg->waiver_approval ?
		    "rule_id and justification are required" :
		    "rule_id, justification and approver are required");
		goto out;
	}
	if ((*host == '\0') == (*role == '\0')) {
		api_error(rep, 400, "give either host or role, not both or "
		    "neither");
		goto out;
	}
	ex = json_object_get(body, "expires");
	if (json_is_integer(ex))
		w.expires = (time_t)json_integer_value(ex);
	else if (json_is_string(ex)) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(json_string_value(ex), "%Y-%m-%dT%H:%M:%SZ",
		    &tm);
		if (end == NULL || *end != '\0') {
			api_error(rep, 400, "expires: \"%s\" is not "
			    "YYYY-MM-DDTHH:MM:SSZ", json_string_value(ex));
			goto out;
		}
		w.expires = timegm(&tm);
	} else {
		api_error(rep, 400, "expires is required: seconds since the "
		    "epoch or YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	if (w.expires <= req->now) {
		api_error(rep, 400, "expires: %lld is not in the future",
		    (long long)w.expires);
		goto out;
	}
	if ((rc = bundle_uuid(w.id, err)) != PLUMB_OK)
		goto out;
	snprintf(w.rule_id, sizeof(w.rule_id), "%s", rule);
	snprintf(w.host, sizeof(w.host), "%s", host);
	snprintf(w.role, sizeof(w.role), "%s", role);
	snprintf(w.approver, sizeof(w.approver), "%s", appr);
	snprintf(w.created_by, sizeof(w.created_by), "%s",
	    req->principal != NULL ? req->principal : "");
	w.justification = (char *)just;
	w.created = req->now;
	if (!ctx->cfg->waiver_approval) {
		snprintf(w.approved_by, sizeof(w.approved_by), "%s",
		    w.approver);
		w.approved_time = w.created;
	}
	snprintf(created, sizeof(created), "%lld", (long long)w.created);
	snprintf(expires, sizeof(expires), "%lld", (long long)w.expires);
	params[0] = w.id;
	params[1] = w.rule_id;
	params[2] = w.host;
	params[3] = w.role;
	params[4] = w.justification;
	params[5] = w.approver;
	params[6] = w.created_by;
	params[7] = created;
	params[8] = expires;
	params[9] = w.approved_time != 0 ? w.approved_by : NULL;
	params[10] = w.approved_time != 0 ? created : NULL;
	if ((rc = store_query(ctx->store, "INSERT INTO waivers (id, rule_id, "
	    "host, role, justification, approver, created_by, created, "
	    "expires, approved_by, approved_time) VALUES ($1, $2, $3, $4, $5, "
	    "$6, $7, $8, $9, $10, $11)", params, 11, NULL, NULL, NULL,
	    err)) != PLUMB_OK)
		goto out;
	if ((rep->json = waivers_json(&w, req->now)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	rep->status = 201;
out:
	json_decref(body);
	return rc;
}

/* DELETE waivers/{id}: revoke (the row stays, for the record). */
static int
waivers_api_revoke(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct waiver_set set;
	const char *params[3];
	char now[24];
	uint64_t changes = 0;
	int rc;

	if (req->nseg < 2)
		return api_error(rep, 404, "no waiver id");
	snprintf(now, sizeof(now), "%lld", (long long)req->now);
	params[0] = req->seg[1];
	params[1] = now;
	params[2] = req->principal != NULL ? req->principal : "";
	if ((rc = store_query(ctx->store, "UPDATE waivers SET revoked_time = "
	    "$2, revoked_by = $3 WHERE id = $1 AND revoked_time IS NULL",
	    params, 3, NULL, NULL, &changes, err)) != PLUMB_OK)
		return rc;
	if ((rc = waivers_get(ctx->store, req->seg[1], &set, err)) != 0)
		return rc;
	if (set.n == 0)
		rc = api_error(rep, 404, "no waiver %s", req->seg[1]);
	else if (changes == 0)
		rc = api_error(rep, 409, "waiver %s was already revoked",
		    req->seg[1]);
	else if ((rep->json = waivers_json(&set.w[0], req->now)) == NULL)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	waivers_clear(&set);
	return rc;
}

/*
 * POST waivers/{id}/approve: an approver accepts the risk of a
 * requested waiver.  The approver must not be the requester (two
 * authenticated identities, not one person twice), and only a waiver
 * still requested (not approved, rejected or expired) can be approved.
 */
static int
waivers_api_approve(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err)
{
	struct waiver_set set;
	const char *params[3], *who, *st;
	char now[24];
	uint64_t changes = 0;
	int rc;

	if (req->nseg < 3)
		return api_error(rep, 404, "no waiver id");
	who = req->principal != NULL ? req->principal : "";
	if ((rc = waivers_get(ctx->store, req->seg[1], &set, err)) != 0)
		return rc;
	if (set.n == 0) {
		rc = api_error(rep, 404, "no waiver %s", req->seg[1]);
		goto out;
	}
	if (*who == '\0' || strcmp(set.w[0].created_by, who) == 0) {
		rc = api_error(rep, 403, "waiver %s was requested by %s: "
		    "another approver must approve it", req->seg[1],
		    set.w[0].created_by);
		goto out;
	}
	if (strcmp((st = waiver_status(&set.w[0], req->now)),
	    "requested") != 0) {
		rc = api_error(rep, 409, "waiver %s is %s, not requested",
		    req->seg[1], st);
		goto out;
	}
	snprintf(now, sizeof(now), "%lld", (long long)req->now);
	params[0] = req->seg[1];
	params[1] = who;
	params[2] = now;
	/* The same conditions again, so two approvers racing cannot both
	 * succeed. */
	if ((rc = store_query(ctx->store, "UPDATE waivers SET approved_by = "
	    "$2, approved_time = $3 WHERE id = $1 AND approved_time IS NULL "
	    "AND revoked_time IS NULL AND created_by <> $2", params, 3, NULL,
	    NULL, &changes, err)) != PLUMB_OK)
		goto out;
	if (changes == 0) {
		rc = api_error(rep, 409, "waiver %s changed meanwhile",
		    req->seg[1]);
		goto out;
	}
	waivers_clear(&set);
	if ((rc = waivers_get(ctx->store, req->seg[1], &set, err)) != 0)
		return rc;
	if (set.n == 1 && (rep->json = waivers_json(&set.w[0],
	    req->now)) == NULL)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
out:
	waivers_clear(&set);
	return rc;
}

/*
 * Admins manage waivers; approvers may request them too (another
 * approver approves) and reject or revoke them; auditors only read.
 */
const struct api_route waivers_routes[] = {
	{ "GET", "waivers", API_AUTH_STAFF, waivers_api_list },
	{ "POST", "waivers", API_AUTH_ADMIN | API_AUTH_APPROVER,
	    waivers_api_create },
	{ "POST", "waivers/*/approve", API_AUTH_APPROVER,
	    waivers_api_approve },
	{ "DELETE", "waivers/*", API_AUTH_ADMIN | API_AUTH_APPROVER,
	    waivers_api_revoke },
};
const size_t waivers_nroutes = sizeof(waivers_routes) /
    sizeof(waivers_routes[0]);
