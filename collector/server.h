/*
 * server.h - plumb-collector's HTTPS front: libevent evhttp over
 * bufferevent_openssl, two listeners on one event base, both TLS 1.2
 * or later with the server certificate of [server]:
 *
 *  - ingest ([server] listen/port): the client certificate is required
 *    and verified against agent_ca (and the CRL when one is configured)
 *    during the handshake: a connection without a valid agent
 *    certificate never reaches HTTP.  Each refused handshake is counted
 *    by reason in metrics.h (tls_no_cert, tls_unknown_ca, tls_expired,
 *    tls_revoked, tls_other).  Routes: POST /api/v1/bundles (ingest.h;
 *    body = the DER bundle, header X-Plumb-Bundle), GET /api/v1/health,
 *    and the API routes (api.h) as an agent caller.
 *  - api ([api] listen/port; off with port = -1): the client
 *    certificate is optional; one that is presented must chain to
 *    agent_ca or admin_ca or the handshake fails.  Routes: the API
 *    (api.h), GET /metrics (admin), GET /dashboard/... (dashboard.h,
 *    no credentials: static files), GET / (redirect to /dashboard/),
 *    GET /api/v1/health.
 *
 * Callers (api_req.auth): an admin certificate (api listener, chains
 * to admin_ca) or "Authorization: Bearer TOKEN" of an active token
 * (tokens.h; either listener) is API_AUTH_ADMIN; another verified
 * certificate is API_AUTH_AGENT scoped to its CN; nothing is 0.  A
 * Bearer header naming no active token is answered 401 whatever else
 * the request carries.
 *
 * After a refused handshake the socket is half-closed and drained for
 * a moment so the client reads the alert instead of a reset.
 */
#ifndef PLUMB_COLLECTOR_SERVER_H
#define PLUMB_COLLECTOR_SERVER_H

#include <event2/event.h>
#include <openssl/x509.h>

#include "plumb/error.h"
#include "api.h"
#include "collector_config.h"
#include "ingest.h"
#include "metrics.h"

struct server;

/* What the server hands requests to; all borrowed, outliving it. */
struct server_deps {
	struct ingest *ig;		/* uploads */
	const struct api_ctx *api;	/* API routes; api->store also holds
					 * the tokens */
	struct metrics *metrics;	/* may be NULL */
};

/* Load the TLS material and listen on cfg's addresses and ports.
 * *out NULL on failure. */
int server_new(struct event_base *base, const struct collector_config *cfg,
    const struct server_deps *deps, struct server **out,
    struct plumb_err *err);

/* The ingest port actually bound (useful with port = 0). */
unsigned server_port(const struct server *srv);

/* The api port actually bound; -1 when the api listener is off. */
int server_api_port(const struct server *srv);

/* Stop listening and free; accepts NULL. */
void server_free(struct server *srv);

/*
 * Check client certificates against crl from now on (the enrollment
 * CA's, besides [server] crl): both listeners get a new trust store
 * holding it (crl is not taken; the stores keep their own reference).
 */
int server_crl_set(struct server *srv, X509_CRL *crl,
    struct plumb_err *err);

#endif /* PLUMB_COLLECTOR_SERVER_H */
