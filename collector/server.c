/*
 * server.c - evhttp over TLS (server.h).  The verification happens in
 * OpenSSL's handshake; the request handler only reads the already
 * verified peer certificate and hands the body to ingest.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "ingest.h"
#include "server.h"

#define SERVER_LINGER_S		2	/* drain after a refused handshake */
#define SERVER_LINGER_MAX	64	/* sockets drained at once */
#define SERVER_HEADERS_MAX	16384
#define SERVER_TIMEOUT_S	60
#define SERVER_BUNDLES_PATH	"/api/v1/bundles"
#define SERVER_HEALTH_PATH	"/api/v1/health"

struct server {
	struct event_base *base;
	struct evhttp *http;
	SSL_CTX *ctx;
	struct ingest *ig;
	unsigned port;
	unsigned lingering;
};

struct server_linger {
	struct server *srv;
	struct event *ev;
	int fd;
};

/* The OpenSSL error queue as text, emptied. */
static void
server_ssl_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "unknown error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
}

static void
server_linger_end(struct server_linger *l)
{
	l->srv->lingering--;
	event_free(l->ev);
	close(l->fd);
	free(l);
}

static void
server_linger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server_linger *l = arg;
	char buf[4096];
	ssize_t n;

	if (what & EV_TIMEOUT) {
		server_linger_end(l);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		server_linger_end(l);
}

/*
 * After a fatal alert during the handshake (certificate refused,
 * protocol version...): keep the socket open through a duplicate
 * descriptor, half-close it and read what the client still sends (with
 * TLS 1.3 its request follows its certificate at once), so the alert
 * reaches it instead of being lost to a connection reset.
 */
static void
server_ssl_info(const SSL *ssl, int where, int ret)
{
	struct server *srv;
	struct server_linger *l;
	struct timeval tv = { SERVER_LINGER_S, 0 };
	int fd, dfd;

	if (!(where & SSL_CB_WRITE_ALERT) || (ret >> 8) != SSL3_AL_FATAL ||
	    SSL_is_init_finished(ssl))
		return;
	srv = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	if (srv == NULL || srv->lingering >= SERVER_LINGER_MAX ||
	    (fd = SSL_get_fd(ssl)) < 0)
		return;
	if ((dfd = dup(fd)) == -1)
		return;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		close(dfd);
		return;
	}
	l->srv = srv;
	l->fd = dfd;
	evutil_make_socket_nonblocking(dfd);
	shutdown(dfd, SHUT_WR);
	if ((l->ev = event_new(srv->base, dfd, EV_READ | EV_PERSIST,
	    server_linger_cb, l)) == NULL || event_add(l->ev, &tv) != 0) {
		if (l->ev != NULL)
			event_free(l->ev);
		close(dfd);
		free(l);
		return;
	}
	srv->lingering++;
}

/* evhttp asks for each connection's bufferevent: a TLS one. */
static struct bufferevent *
server_bevcb(struct event_base *base, void *arg)
{
	struct server *srv = arg;
	SSL *ssl;

	if ((ssl = SSL_new(srv->ctx)) == NULL)
		return NULL;
	return bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
}

/* Answer with status and one line of text. */
static void
server_reply(struct evhttp_request *req, int status, const char *reason,
    const char *text, unsigned retry_after)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	struct evbuffer *out = evbuffer_new();
	char ra[16];

	evhttp_add_header(oh, "Content-Type", "text/plain; charset=utf-8");
	if (retry_after > 0) {
		snprintf(ra, sizeof(ra), "%u", retry_after);
		evhttp_add_header(oh, "Retry-After", ra);
	}
	if (out != NULL)
		evbuffer_add_printf(out, "%s\n", text);
	evhttp_send_reply(req, status, reason, out);
	evbuffer_free(out);
}

static const char *
server_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	default: return "Internal Server Error";
	}
}

/* The verified client certificate of the request's connection. */
static X509 *
server_peer(struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	SSL *ssl;

	if (c == NULL || (bev = evhttp_connection_get_bufferevent(c)) == NULL ||
	    (ssl = bufferevent_openssl_get_ssl(bev)) == NULL ||
	    SSL_get_verify_result(ssl) != X509_V_OK)
		return NULL;
	return SSL_get0_peer_certificate(ssl);
}

static void
server_log(struct evhttp_request *req, int status, const char *uuid,
    const char *msg)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	const char *addr = "-";
	ev_uint16_t port = 0;
	char *a = NULL;

	if (c != NULL) {
		evhttp_connection_get_peer(c, &a, &port);
		if (a != NULL)
			addr = a;
	}
	fprintf(stderr, "plumb-collector: %s:%u %d %s %s\n", addr,
	    (unsigned)port, status, uuid != NULL && *uuid != '\0' ? uuid :
	    "-", msg);
}

static void
server_request(struct evhttp_request *req, void *arg)
{
	struct server *srv = arg;
	struct ingest_result res;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct evbuffer *in;
	X509 *peer;
	size_t len;

	if ((peer = server_peer(req)) == NULL) {
		/* Cannot happen: the handshake requires one. */
		server_reply(req, 403, "Forbidden", "no client certificate",
		    0);
		server_log(req, 403, NULL, "no client certificate");
		return;
	}
	if (path != NULL && strcmp(path, SERVER_HEALTH_PATH) == 0) {
		if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD)
			server_reply(req, 405, server_reason(405),
			    "use GET", 0);
		else
			server_reply(req, 200, "OK", "ok", 0);
		return;
	}
	if (path == NULL || strcmp(path, SERVER_BUNDLES_PATH) != 0) {
		server_reply(req, 404, server_reason(404), "not found", 0);
		return;
	}
	if (cmd != EVHTTP_REQ_POST) {
		server_reply(req, 405, server_reason(405), "use POST", 0);
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	ingest_bundle(srv->ig, peer, evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-Plumb-Bundle"),
	    len > 0 ? evbuffer_pullup(in, -1) : NULL, len, time(NULL), &res);
	server_reply(req, res.status, server_reason(res.status), res.msg,
	    res.retry_after);
	server_log(req, res.status, res.uuid, res.msg);
}

/* Server certificate, client verification, optional CRL. */
static int
server_tls(struct server *srv, const struct collector_config *cfg,
    struct plumb_err *err)
{
	static const unsigned char sid[] = "plumb-collector";
	STACK_OF(X509_NAME) *names = NULL;
	X509_LOOKUP *lu;
	char ebuf[256];

	if ((srv->ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto ssl;
	SSL_CTX_set_min_proto_version(srv->ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(srv->ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_use_certificate_chain_file(srv->ctx, cfg->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(srv->ctx, cfg->key,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(srv->ctx) != 1) {
		server_ssl_error(ebuf, sizeof(ebuf));
		return plumb_err_set(err, PLUMB_EIO, "server certificate %s or "
		    "key %s: %s", cfg->cert, cfg->key, ebuf);
	}
	if (SSL_CTX_load_verify_locations(srv->ctx, cfg->agent_ca,
	    NULL) != 1 || (names = SSL_load_client_CA_file(cfg->agent_ca)) ==
	    NULL) {
		server_ssl_error(ebuf, sizeof(ebuf));
		return plumb_err_set(err, PLUMB_EIO, "agent_ca %s: %s",
		    cfg->agent_ca, ebuf);
	}
	SSL_CTX_set_client_CA_list(srv->ctx, names);
	SSL_CTX_set_verify(srv->ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify_depth(srv->ctx, 4);
	/* Required with client certificates and session resumption. */
	SSL_CTX_set_session_id_context(srv->ctx, sid, sizeof(sid) - 1);
	if (cfg->crl != NULL) {
		X509_STORE *st = SSL_CTX_get_cert_store(srv->ctx);

		if ((lu = X509_STORE_add_lookup(st, X509_LOOKUP_file())) ==
		    NULL || X509_load_crl_file(lu, cfg->crl,
		    X509_FILETYPE_PEM) < 1) {
			server_ssl_error(ebuf, sizeof(ebuf));
			return plumb_err_set(err, PLUMB_EIO, "crl %s: %s",
			    cfg->crl, ebuf);
		}
		X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	}
	SSL_CTX_set_app_data(srv->ctx, srv);
	SSL_CTX_set_info_callback(srv->ctx, server_ssl_info);
	return PLUMB_OK;
ssl:
	server_ssl_error(ebuf, sizeof(ebuf));
	return plumb_err_set(err, PLUMB_ENOMEM, "TLS: %s", ebuf);
}

int
server_new(struct event_base *base, const struct collector_config *cfg,
    struct ingest *ig, struct server **out, struct plumb_err *err)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct server *srv;
	int rc;

	*out = NULL;
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	srv->base = base;
	srv->ig = ig;
	if ((rc = server_tls(srv, cfg, err)) != 0)
		goto fail;
	if ((srv->http = evhttp_new(base)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "evhttp_new failed");
		goto fail;
	}
	evhttp_set_bevcb(srv->http, server_bevcb, srv);
	evhttp_set_gencb(srv->http, server_request, srv);
	evhttp_set_max_body_size(srv->http, (ev_ssize_t)cfg->max_upload_bytes);
	evhttp_set_max_headers_size(srv->http, SERVER_HEADERS_MAX);
	evhttp_set_timeout(srv->http, SERVER_TIMEOUT_S);
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
	if ((bs = evhttp_bind_socket_with_handle(srv->http, cfg->listen,
	    (ev_uint16_t)cfg->port)) == NULL) {
		rc = plumb_err_set(err, PLUMB_EIO, "cannot listen on %s port "
		    "%u: %s", cfg->listen, cfg->port, strerror(errno));
		goto fail;
	}
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			srv->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			srv->port = ntohs(
			    ((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	*out = srv;
	return PLUMB_OK;
fail:
	server_free(srv);
	return rc;
}

unsigned
server_port(const struct server *srv)
{
	return srv->port;
}

void
server_free(struct server *srv)
{
	if (srv == NULL)
		return;
	if (srv->http != NULL)
		evhttp_free(srv->http);
	SSL_CTX_free(srv->ctx);
	free(srv);
}
