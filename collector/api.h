/*
 * api.h - the collector's JSON REST API (docs/api.md), independent of
 * the HTTP layer: server.c authenticates the caller, parses the
 * request into a struct api_req and calls api_dispatch(), which finds
 * the route and runs its handler.  Modules with routes of their own
 * (drift, controls, waivers, enrollment) export a table of struct
 * api_route; api.c lists the tables.
 *
 * Route tables: module NAME defines
 *	const struct api_route NAME_routes[] = { ... };
 *	const size_t NAME_nroutes = sizeof(NAME_routes) / sizeof(...);
 * for NAME in drift, controls, waivers, export, enroll; api.c lists
 * them, nothing has to be registered from main.c.
 * Order of matching: api.c's core routes, then the tables in the order
 * above, then tables added with api_register() (tests).
 *
 * Authorisation: every route says who may call it (API_AUTH_*).  A
 * request carries the caller's principal and, for an agent, the one
 * host it may see (scope_host); handlers must not return another
 * host's data to a scoped caller (api_may_see()).
 */
#ifndef PLUMB_COLLECTOR_API_H
#define PLUMB_COLLECTOR_API_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "store.h"

#define API_PREFIX	"/api/v1/"
#define API_SEG_MAX	8	/* path segments after API_PREFIX */
#define API_MSG_MAX	384

/* Who may call a route. */
#define API_AUTH_NONE	0x1	/* anyone (enrollment: token in the body) */
#define API_AUTH_ADMIN	0x2	/* admin client certificate or bearer token */
#define API_AUTH_AGENT	0x4	/* agent certificate (scope_host set) */
#define API_AUTH_AUDITOR 0x8	/* read-only: every host, changes nothing */
#define API_AUTH_APPROVER 0x10	/* reads; approves waivers others request */
/* The people (certificate or token) who may read the whole fleet. */
#define API_AUTH_STAFF	(API_AUTH_ADMIN | API_AUTH_AUDITOR | \
			 API_AUTH_APPROVER)
/* Reads a scoped agent may also make (its own host only). */
#define API_AUTH_READ	(API_AUTH_STAFF | API_AUTH_AGENT)

struct controls;		/* controls.h: the loaded ISMS control set */
struct controls_cache;		/* controls.h: its evaluation, kept */

/*
 * The API roles of people (docs/api.md, "Roles"): "admin", "auditor",
 * "approver".  api_role_parse() gives the API_AUTH_* bit of a name, 0
 * for anything else; api_role_name() the name of one bit, "" for none.
 */
int api_role_parse(const char *name);
const char *api_role_name(int auth);

/*
 * t as ISO 8601 UTC ("2026-12-04T14:20:49Z") into buf: 0; -1 with the
 * epoch's text when t cannot be shown.  The one formatter of the
 * collector's times (API, CSV, OSCAL, evidence, command output).
 */
int api_iso(time_t t, char *buf, size_t size);

/* What handlers share: borrowed, valid for the collector's life. */
struct api_ctx {
	struct store *store;
	const struct collector_config *cfg;
	const struct controls *controls;	/* may be NULL */
	struct controls_cache *controls_cache;	/* may be NULL: the control
						 * routes replay the rollups
						 * at each request */
	void *enroll;				/* enrollment state (enroll.h) */
};

/* One request; strings borrowed, valid during the call. */
struct api_req {
	const char *method;		/* "GET", "POST", "DELETE", "PUT" */
	const char *seg[API_SEG_MAX];	/* path segments after API_PREFIX,
					 * percent-decoded */
	size_t nseg;
	const char *query;		/* raw query string, NULL if none */
	const unsigned char *body;	/* NULL when empty */
	size_t body_len;
	int auth;			/* API_AUTH_* the caller has */
	const char *principal;		/* "cert:<subject>", "token:<name>",
					 * "agent:<host>", "" when none */
	const char *scope_host;		/* agent callers: their host id;
					 * NULL: sees every host */
	X509 *peer;			/* the verified client certificate
					 * (borrowed), NULL when none */
	time_t now;
};

/*
 * A handler's answer: status plus either json (a JSON value the reply
 * takes) or text of content_type (allocated, taken: CSV, Prometheus,
 * ZIP ...).  On errors set status and msg; the reply becomes
 * {"error": msg}.
 */
struct api_reply {
	int status;			/* HTTP status; 200 by default */
	json_t *json;
	char *text;
	size_t text_len;
	const char *content_type;	/* static string, for text */
	unsigned retry_after;		/* > 0: a Retry-After header (s) */
	char msg[API_MSG_MAX];
};

/*
 * Handler: reads req, fills rep.  Returns PLUMB_OK when rep says what
 * to answer (including 4xx answers); a negative code is a server
 * failure (500 with err's message, logged).
 */
typedef int (*api_fn)(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep, struct plumb_err *err);

/*
 * A route: method and a pattern of segments separated by '/', where a
 * segment "*" matches any one segment (the handler reads req->seg):
 * "hosts", then a star, then "drift" matches GET /api/v1/hosts/h1/drift.
 */
struct api_route {
	const char *method;
	const char *pattern;
	int auth;			/* API_AUTH_* allowed to call */
	api_fn fn;
};

/*
 * Route req and run the handler.  404 when no pattern matches, 405
 * when only the method differs, 401 when the caller has no credentials
 * a route accepts, 403 when it has others.  Always fills rep.
 */
void api_dispatch(const struct api_ctx *ctx, const struct api_req *req,
    struct api_reply *rep);

/*
 * Split path (the request path as received, percent-encoded) after
 * API_PREFIX into req->seg / req->nseg, percent-decoding each segment
 * into buf (size bytes, which the segments then point into).  Returns
 * PLUMB_OK; PLUMB_ENOENT when path is not under API_PREFIX;
 * PLUMB_EINVAL (answer 400, msg says why) for an empty, "." or ".."
 * segment, one containing NUL or '/' once decoded, a bad %-escape,
 * more than API_SEG_MAX segments or a path longer than buf.
 */
int api_parse_path(struct api_req *req, const char *path, char *buf,
    size_t size, char *msg, size_t msgsize);

/*
 * Add a route table (borrowed, must outlive its use) after the built-in
 * ones; for tests and modules not listed in api.c.  At most
 * API_EXTRA_TABLES; PLUMB_ELIMIT beyond.
 */
#define API_EXTRA_TABLES	8
int api_register(const struct api_route *routes, size_t n);

/* 1 when req's caller may see host's data (admin, or its own host). */
int api_may_see(const struct api_req *req, const char *host);

/* The value of query parameter name (percent-decoded into buf of
 * size), or NULL when absent or too long. */
const char *api_query_param(const struct api_req *req, const char *name,
    char *buf, size_t size);

/*
 * in made safe for one log line into out (size bytes, at least 8):
 * control characters, DEL, backslash and bytes over 0x7e as \xHH (so
 * a percent-decoded "%0a" cannot start a forged line), cut with "..."
 * past size - 1 bytes.  Returns out.  NULL in gives "-".
 */
#define API_LOG_MAX	512	/* bytes of one echoed value in a log line */
char *api_log_escape(const char *in, char *out, size_t size);

/* Set rep to an error status with a printf-style message; returns
 * PLUMB_OK so handlers can "return api_error(...)". */
int api_error(struct api_reply *rep, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Answer {"key": list}: rep takes list (always, also on failure, when
 * it is freed).  PLUMB_OK or PLUMB_ENOMEM with err.
 */
int api_reply_list(struct api_reply *rep, const char *key, json_t *list,
    struct plumb_err *err);

/* Free what rep holds; rep is left zeroed. */
void api_reply_clear(struct api_reply *rep);

#endif /* PLUMB_COLLECTOR_API_H */
