/*
 * server.h - plumb-collector's HTTPS front: libevent evhttp over
 * bufferevent_openssl.  TLS 1.2 or later, the client certificate
 * required and verified against agent_ca (and the CRL when one is
 * configured) during the handshake: a connection without a valid agent
 * certificate never reaches HTTP.  After a refused handshake the socket
 * is half-closed and drained for a moment so the client reads the
 * alert instead of a reset.
 *
 * Routes: POST /api/v1/bundles (ingest.h; body = the DER bundle,
 * header X-Plumb-Bundle), GET /api/v1/health (200 "ok"); everything
 * else 404 (wrong method on a route: 405).
 */
#ifndef PLUMB_COLLECTOR_SERVER_H
#define PLUMB_COLLECTOR_SERVER_H

#include <event2/event.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "ingest.h"

struct server;

/* Load the TLS material and listen on cfg's address and port; requests
 * are handed to ig (borrowed).  *out NULL on failure. */
int server_new(struct event_base *base, const struct collector_config *cfg,
    struct ingest *ig, struct server **out, struct plumb_err *err);

/* The port actually bound (useful with port = 0). */
unsigned server_port(const struct server *srv);

/* Stop listening and free; accepts NULL. */
void server_free(struct server *srv);

#endif /* PLUMB_COLLECTOR_SERVER_H */
