/*
 * waivers.h - risk acceptance: a waiver exempts one rule on one host
 * or on every host of one role, with a justification, an approver and
 * an expiry.  Table "waivers" (component "waivers", store_migrate()).
 *
 * A waiver applies at time t when created <= t < expires, it was
 * approved at or before t, and not revoked at or before t: an expired
 * waiver stops applying by itself, nothing has to run at expiry.
 * With [waivers] require_approval (the default) a waiver is requested
 * by one identity and approved by another (POST waivers/{id}/approve,
 * approver role); without it a waiver is approved when created, by
 * the approver it names.  Waived results are still stored and
 * shown; they are counted as waived instead of failing (controls.h).
 */
#ifndef PLUMB_COLLECTOR_WAIVERS_H
#define PLUMB_COLLECTOR_WAIVERS_H

#include <stddef.h>
#include <time.h>

#include "plumb/error.h"
#include "api.h"
#include "store.h"

#define WAIVER_JUSTIFICATION_MAX	4096	/* bytes, without NUL */

/* One waiver (one row of table waivers). */
struct waiver {
	char id[STORE_UUID_LEN + 1];	/* random UUID */
	char rule_id[STORE_TEXT_MAX];
	char host[STORE_HOST_MAX];	/* "" when it names a role */
	char role[STORE_ATTR_MAX];	/* "" when it names a host */
	char approver[STORE_TEXT_MAX];
	char created_by[STORE_TEXT_MAX];	/* API principal */
	char revoked_by[STORE_TEXT_MAX];	/* "" when not revoked */
	char *justification;		/* owned by the set */
	time_t created;
	time_t expires;
	time_t revoked_time;		/* 0: not revoked */
	char approved_by[STORE_TEXT_MAX];	/* API principal; "" when not */
	time_t approved_time;		/* 0: requested, not approved */
};

/* Every stored waiver, oldest first (an array the set owns). */
struct waiver_set {
	struct waiver *w;
	size_t n;
};

/* Create or upgrade table waivers; idempotent. */
int waivers_init(struct store *s, struct plumb_err *err);

/* All waivers into *out (cleared on entry). */
int waivers_load(struct store *s, struct waiver_set *out,
    struct plumb_err *err);

/* Free what set holds; accepts NULL. */
void waivers_clear(struct waiver_set *set);

/* 1 when w applies at time t (see above). */
int waiver_active(const struct waiver *w, time_t t);

/*
 * Where w stands at now: "requested" (waiting for an approver),
 * "approved" (in force), "rejected" (revoked before approval),
 * "revoked", "expired".
 */
const char *waiver_status(const struct waiver *w, time_t now);

/*
 * The first waiver of set applying at t to rule_id on host (by host id,
 * or by role when role is non-empty), or NULL.
 */
const struct waiver *waivers_match(const struct waiver_set *set,
    const char *host, const char *role, const char *rule_id, time_t t);

/* GET/POST /waivers, DELETE /waivers/{id} (docs/api.md). */
extern const struct api_route waivers_routes[];
extern const size_t waivers_nroutes;

#endif /* PLUMB_COLLECTOR_WAIVERS_H */
