/*
 * server.c - evhttp over TLS, two listeners (server.h).
 *
 * The file has three parts: TLS plumbing (contexts, handshake
 * accounting, lingering after a refusal), who the caller is (verified
 * certificate or bearer token), and the request front that picks the
 * handler (upload, API dispatch, metrics, dashboard) and writes its
 * reply.  The routes themselves live in api.c and the modules it lists.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "plumb/error.h"
#include "api.h"
#include "collector_config.h"
#include "dashboard.h"
#include "ingest.h"
#include "ingestq.h"
#include "metrics.h"
#include "server.h"
#include "tokens.h"

#define SERVER_LINGER_S		2	/* drain after a refused handshake */
#define SERVER_LINGER_MAX	64	/* sockets drained at once */
#define SERVER_HEADERS_MAX	16384
#define SERVER_TIMEOUT_S	60
#define SERVER_PATH_MAX		2048	/* decoded API path segments */
#define SERVER_SLACK_MAX	((uint64_t)1024 * 1024)
#define SERVER_BACKOFF_MS	500	/* accept paused when out of fds */
#define SERVER_WARN_EVERY_S	60	/* one warning of a kind a minute */
#define SERVER_BUSY_RETRY	5	/* Retry-After of a 503 upload */
#define SERVER_BUNDLES_PATH	"/api/v1/bundles"
#define SERVER_HEALTH_PATH	"/api/v1/health"
#define SERVER_METRICS_PATH	"/metrics"
#define SERVER_TLS12_CIPHERS	"ECDHE-ECDSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:" \
	"ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-RSA-AES128-GCM-SHA256"

enum server_kind { SERVER_INGEST, SERVER_API };

struct server;
struct server_listener;

/*
 * One accepted connection, from evhttp's bufferevent callback until its
 * SSL is freed (SSL ex_data free callback): what the connection budgets
 * and max_inflight_bytes count.  evhttp gives no hook with the address
 * at accept time, so the budget check runs on the next turn of the
 * loop (ev, a zero timer), when the socket is set; the same event then
 * times the handshake.
 */
struct server_conn {
	TAILQ_ENTRY(server_conn) entry;
	struct server_listener *li;
	SSL *ssl;
	struct bufferevent *bev;
	struct evbuffer_cb_entry *incb, *outcb;
	struct event *ev;
	struct sockaddr_storage addr;	/* the peer, once admitted */
	int admitted;
	int closing;			/* shut down by a budget */
	int answering;			/* a handler's reply is being written */
	size_t held;			/* body bytes read, not yet handled */
};
TAILQ_HEAD(server_conns, server_conn);

/* A warning written at most once a SERVER_WARN_EVERY_S, with how many
 * were left out since. */
struct server_warn {
	time_t last;
	unsigned long missed;
};

struct server_listener {
	struct server *srv;
	enum server_kind kind;
	struct evhttp *http;
	struct evconnlistener *lev;
	struct event *resume;		/* accept back-off */
	SSL_CTX *ctx;
	unsigned port;
	unsigned nconns;		/* admitted connections */
	struct server_conns conns;
};

struct server {
	struct event_base *base;
	const struct collector_config *cfg;	/* borrowed */
	struct server_deps deps;
	STACK_OF(X509) *admin_certs;	/* admin_ca, NULL when unset */
	X509_STORE *admin;		/* the same as a trust store */
	struct server_listener ingest;
	struct server_listener api;	/* api.http NULL when off */
	struct ingestq *q;		/* the ingest writer thread */
	unsigned lingering;
	/* [limits] */
	unsigned max_conns, max_client_conns, handshake_s;
	uint64_t max_inflight;
	uint64_t inflight;		/* bodies buffered and queued */
	struct server_warn warn_fd, warn_conn, warn_mem;
};

/* The SSL ex_data slot of a connection's struct server_conn. */
static int server_conn_idx = -1;

struct server_linger {
	struct server *srv;
	struct event *ev;
	int fd;
};

/* ======================================================== TLS plumbing */

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

/* Why a handshake was refused, for plumb_uploads_rejected_total. */
static enum metrics_reason
server_refusal(const SSL *ssl, int alert)
{
	switch (SSL_get_verify_result(ssl)) {
	case X509_V_OK:
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return METRICS_TLS_EXPIRED;
	case X509_V_ERR_CERT_REVOKED:
		return METRICS_TLS_REVOKED;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return METRICS_TLS_UNKNOWN_CA;
	default:
		return METRICS_TLS_OTHER;
	}
	/* No certificate: TLS 1.3 says certificate_required, 1.2
	 * handshake_failure. */
	if (SSL_get0_peer_certificate(ssl) == NULL &&
	    (alert == SSL_AD_HANDSHAKE_FAILURE ||
	    alert == SSL_AD_CERTIFICATE_REQUIRED))
		return METRICS_TLS_NO_CERT;
	return METRICS_TLS_OTHER;
}

/*
 * After a fatal alert during the handshake (certificate refused,
 * protocol version...): count it (ingest listener) and keep the socket
 * open through a duplicate descriptor, half-close it and read what the
 * client still sends (with TLS 1.3 its request follows its certificate
 * at once), so the alert reaches it instead of being lost to a
 * connection reset.
 */
static void
server_ssl_info(const SSL *ssl, int where, int ret)
{
	struct server_listener *li;
	struct server *srv;
	struct server_linger *l;
	struct timeval tv = { SERVER_LINGER_S, 0 };
	int fd, dfd;

	if (!(where & SSL_CB_WRITE_ALERT) || (ret >> 8) != SSL3_AL_FATAL ||
	    SSL_is_init_finished(ssl))
		return;
	if ((li = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl))) == NULL)
		return;
	srv = li->srv;
	if (li->kind == SERVER_INGEST)
		metrics_reject(srv->deps.metrics,
		    server_refusal(ssl, ret & 0xff));
	if (srv->lingering >= SERVER_LINGER_MAX ||
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

/* 1 when cert is one of v (the same certificate). */
static int
server_in_stack(STACK_OF(X509) *v, X509 *cert)
{
	int i;

	for (i = 0; v != NULL && cert != NULL && i < sk_X509_num(v); i++)
		if (X509_cmp(sk_X509_value(v, i), cert) == 0)
			return 1;
	return 0;
}

/*
 * The api listener checks agent certificates against the CRL of
 * agent_ca when one is configured; admin_ca has none, so its chains
 * are let through that one check.
 */
static int
server_api_verify(int ok, X509_STORE_CTX *x)
{
	STACK_OF(X509) *chain;
	struct server_listener *li;
	SSL *ssl;

	if (ok || X509_STORE_CTX_get_error(x) != X509_V_ERR_UNABLE_TO_GET_CRL)
		return ok;
	if ((ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx())) == NULL ||
	    (li = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl))) == NULL ||
	    (chain = X509_STORE_CTX_get0_chain(x)) == NULL ||
	    sk_X509_num(chain) < 1 || !server_in_stack(li->srv->admin_certs,
	    sk_X509_value(chain, sk_X509_num(chain) - 1)))
		return 0;
	X509_STORE_CTX_set_error(x, X509_V_OK);
	return 1;
}

/* Every certificate of a PEM file; NULL with err when none. */
static STACK_OF(X509) *
server_load_certs(const char *path, const char *what, struct plumb_err *err)
{
	STACK_OF(X509) *v;
	X509 *x;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		plumb_err_set(err, PLUMB_EIO, "%s %s: %s", what, path,
		    strerror(errno));
		return NULL;
	}
	if ((v = sk_X509_new_null()) != NULL)
		while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
			if (sk_X509_push(v, x) == 0) {
				X509_free(x);
				break;
			}
	ERR_clear_error();
	fclose(f);
	if (v == NULL || sk_X509_num(v) == 0) {
		sk_X509_pop_free(v, X509_free);
		plumb_err_set(err, PLUMB_EPARSE, "%s %s: no PEM certificate",
		    what, path);
		return NULL;
	}
	return v;
}

/*
 * admin_ca as a certificate list and a trust store.  A CA in both
 * admin_ca and agent_ca would make every agent an admin: refused.
 */
static int
server_admin_load(struct server *srv, const struct collector_config *cfg,
    struct plumb_err *err)
{
	STACK_OF(X509) *agents;
	int i, shared = 0;

	if ((srv->admin_certs = server_load_certs(cfg->admin_ca,
	    "[api] admin_ca", err)) == NULL)
		return err != NULL ? err->code : PLUMB_EIO;
	if ((agents = server_load_certs(cfg->agent_ca, "[server] agent_ca",
	    err)) == NULL)
		return err != NULL ? err->code : PLUMB_EIO;
	for (i = 0; i < sk_X509_num(agents); i++)
		if (server_in_stack(srv->admin_certs, sk_X509_value(agents, i)))
			shared = 1;
	sk_X509_pop_free(agents, X509_free);
	if (shared)
		return plumb_err_set(err, PLUMB_EINVAL, "[api] admin_ca %s "
		    "holds a certificate of [server] agent_ca %s: every agent "
		    "would be an admin", cfg->admin_ca, cfg->agent_ca);
	if ((srv->admin = X509_STORE_new()) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	for (i = 0; i < sk_X509_num(srv->admin_certs); i++)
		if (X509_STORE_add_cert(srv->admin,
		    sk_X509_value(srv->admin_certs, i)) != 1)
			return plumb_err_set(err, PLUMB_ENOMEM,
			    "out of memory");
	return PLUMB_OK;
}

/* Load the CRL of agent_ca into ctx's store and turn checking on. */
static int
server_tls_crl(SSL_CTX *ctx, const char *crl, struct plumb_err *err)
{
	X509_STORE *st = SSL_CTX_get_cert_store(ctx);
	X509_LOOKUP *lu;
	char ebuf[256];

	if ((lu = X509_STORE_add_lookup(st, X509_LOOKUP_file())) == NULL ||
	    X509_load_crl_file(lu, crl, X509_FILETYPE_PEM) < 1) {
		server_ssl_error(ebuf, sizeof(ebuf));
		return plumb_err_set(err, PLUMB_EIO, "crl %s: %s", crl, ebuf);
	}
	X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	return PLUMB_OK;
}

/*
 * Add the CRLs of the [server] crl file to st, except those of crl's
 * issuer: the collector's CRL already carries their entries, and of two
 * CRLs of one issuer with the same lastUpdate (one-second resolution)
 * OpenSSL keeps the first it loaded.
 */
static int
server_tls_server_crls(X509_STORE *st, const char *file, X509_CRL *crl)
{
	X509_CRL *c;
	FILE *f;
	int ok = 1;

	if ((f = fopen(file, "r")) == NULL)
		return 0;
	while (ok && (c = PEM_read_X509_CRL(f, NULL, NULL, NULL)) != NULL) {
		if (X509_NAME_cmp(X509_CRL_get_issuer(c),
		    X509_CRL_get_issuer(crl)) != 0)
			ok = X509_STORE_add_crl(st, c) == 1;
		X509_CRL_free(c);
	}
	fclose(f);
	if (ok)
		ERR_clear_error();	/* the end of the file */
	return ok;
}

/*
 * A new trust store for li: agent_ca [+ admin_ca], [server] crl, and
 * crl (the enrollment CA's, made by the collector).  A new store rather
 * than one more CRL in the old: of two CRLs of one issuer OpenSSL may
 * keep using the first.
 */
static int
server_tls_store(struct server_listener *li, X509_CRL *crl,
    struct plumb_err *err)
{
	const struct collector_config *cfg = li->srv->cfg;
	X509_STORE *st;
	char ebuf[256];

	if ((st = X509_STORE_new()) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	if (X509_STORE_load_file(st, cfg->agent_ca) != 1 ||
	    (li->kind == SERVER_API && cfg->admin_ca != NULL &&
	    X509_STORE_load_file(st, cfg->admin_ca) != 1) ||
	    (cfg->crl != NULL && !server_tls_server_crls(st, cfg->crl, crl)) ||
	    X509_STORE_add_crl(st, crl) != 1) {
		server_ssl_error(ebuf, sizeof(ebuf));
		X509_STORE_free(st);
		return plumb_err_set(err, PLUMB_EIO, "TLS trust store: %s",
		    ebuf);
	}
	X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	SSL_CTX_set_cert_store(li->ctx, st);
	return PLUMB_OK;
}

int
server_crl_set(struct server *srv, X509_CRL *crl, struct plumb_err *err)
{
	int rc;

	if (srv->ingest.ctx != NULL &&
	    (rc = server_tls_store(&srv->ingest, crl, err)) != PLUMB_OK)
		return rc;
	if (srv->api.ctx != NULL &&
	    (rc = server_tls_store(&srv->api, crl, err)) != PLUMB_OK)
		return rc;
	return PLUMB_OK;
}

/* Trust anchors and CA names sent to clients: agent_ca [+ admin_ca]. */
static int
server_tls_cas(SSL_CTX *ctx, const char *agent_ca, const char *admin_ca,
    struct plumb_err *err)
{
	STACK_OF(X509_NAME) *names;
	const char *files[2] = { agent_ca, admin_ca };
	const char *what[2] = { "agent_ca", "admin_ca" };
	char ebuf[256];
	int i;

	if ((names = sk_X509_NAME_new_null()) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	for (i = 0; i < 2; i++) {
		if (files[i] == NULL)
			continue;
		if (SSL_CTX_load_verify_locations(ctx, files[i], NULL) != 1 ||
		    SSL_add_file_cert_subjects_to_stack(names,
		    files[i]) != 1) {
			server_ssl_error(ebuf, sizeof(ebuf));
			sk_X509_NAME_pop_free(names, X509_NAME_free);
			return plumb_err_set(err, PLUMB_EIO, "%s %s: %s",
			    what[i], files[i], ebuf);
		}
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	return PLUMB_OK;
}

/* One listener's context: server certificate, client verification. */
static int
server_tls(struct server_listener *li, const struct collector_config *cfg,
    struct plumb_err *err)
{
	static const unsigned char sid[] = "plumb-collector";
	char ebuf[256];
	int rc;

	if ((li->ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		server_ssl_error(ebuf, sizeof(ebuf));
		return plumb_err_set(err, PLUMB_ENOMEM, "TLS: %s", ebuf);
	}
	SSL_CTX_set_min_proto_version(li->ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(li->ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* TLS 1.2: forward-secret AEAD suites only (no CBC, no SHA-1
	 * MAC, no static RSA); TLS 1.3's suites are all AEAD already. */
	if (SSL_CTX_set_cipher_list(li->ctx, SERVER_TLS12_CIPHERS) != 1) {
		server_ssl_error(ebuf, sizeof(ebuf));
		return plumb_err_set(err, PLUMB_EINVAL, "TLS 1.2 cipher "
		    "list: %s", ebuf);
	}
	if (SSL_CTX_use_certificate_chain_file(li->ctx, cfg->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(li->ctx, cfg->key,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(li->ctx) != 1) {
		server_ssl_error(ebuf, sizeof(ebuf));
		return plumb_err_set(err, PLUMB_EIO, "server certificate %s or "
		    "key %s: %s", cfg->cert, cfg->key, ebuf);
	}
	if ((rc = server_tls_cas(li->ctx, cfg->agent_ca, li->kind ==
	    SERVER_API ? cfg->admin_ca : NULL, err)) != PLUMB_OK)
		return rc;
	if (li->kind == SERVER_INGEST)
		SSL_CTX_set_verify(li->ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	else
		SSL_CTX_set_verify(li->ctx, SSL_VERIFY_PEER,
		    server_api_verify);
	SSL_CTX_set_verify_depth(li->ctx, 4);
	/* Required with client certificates and session resumption. */
	SSL_CTX_set_session_id_context(li->ctx, sid, sizeof(sid) - 1);
	if (cfg->crl != NULL &&
	    (rc = server_tls_crl(li->ctx, cfg->crl, err)) != PLUMB_OK)
		return rc;
	SSL_CTX_set_app_data(li->ctx, li);
	SSL_CTX_set_info_callback(li->ctx, server_ssl_info);
	return PLUMB_OK;
}

/* ========================================================= connections */

/* fprintf to stderr, at most once a SERVER_WARN_EVERY_S for w. */
static void
server_warn(struct server_warn *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
server_warn(struct server_warn *w, const char *fmt, ...)
{
	time_t now = time(NULL);
	va_list ap;

	if (w->last != 0 && now - w->last < SERVER_WARN_EVERY_S) {
		w->missed++;
		return;
	}
	fprintf(stderr, "plumb-collector: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (w->missed > 0)
		fprintf(stderr, " (and %lu more like it)", w->missed);
	fprintf(stderr, "\n");
	w->last = now;
	w->missed = 0;
}

/* Close c's socket for reading and writing: evhttp sees the end of the
 * stream and frees the connection (and c with its SSL). */
static void
server_conn_shut(struct server_conn *c)
{
	int fd;

	if (c->closing || c->ssl == NULL || (fd = SSL_get_fd(c->ssl)) < 0)
		return;
	c->closing = 1;
	shutdown(fd, SHUT_RDWR);
}

/* The peer address of c as text. */
static void
server_conn_addr(const struct server_conn *c, char *buf, size_t len)
{
	const void *a = &((const struct sockaddr_in *)&c->addr)->sin_addr;

	if (c->addr.ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)&c->addr)->sin6_addr;
	if (inet_ntop(c->addr.ss_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* Same peer host (the port left out). */
static int
server_same_host(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr,
		    sizeof(struct in_addr)) == 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr,
		    sizeof(struct in6_addr)) == 0;
	return 0;
}

/* The handshake deadline: total time since accept, not inactivity, so
 * a byte every few seconds does not keep a socket. */
static void
server_conn_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct server_conn *c = arg;
	struct server *srv = c->li->srv;
	char a[INET6_ADDRSTRLEN];

	if (c->ssl == NULL || SSL_is_init_finished(c->ssl))
		return;
	server_conn_addr(c, a, sizeof(a));
	metrics_conn_refused(srv->deps.metrics, METRICS_CONN_HANDSHAKE);
	server_warn(&srv->warn_conn, "%s: TLS handshake not done after %u "
	    "s: closed", a, srv->handshake_s);
	server_conn_shut(c);
}

/* First turn of the loop after accept: the budgets of the listener and
 * of the peer address, then the handshake deadline. */
static void
server_conn_admit(evutil_socket_t unused, short what, void *arg)
{
	struct server_conn *c = arg, *o;
	struct server_listener *li = c->li;
	struct server *srv = li->srv;
	struct timeval tv = { (time_t)srv->handshake_s, 0 };
	socklen_t sl = sizeof(c->addr);
	char a[INET6_ADDRSTRLEN];
	unsigned same = 0;
	int fd, one = 1;

	if (c->ssl == NULL || (fd = SSL_get_fd(c->ssl)) < 0 ||
	    getpeername(fd, (struct sockaddr *)&c->addr, &sl) != 0) {
		server_conn_shut(c);
		return;
	}
	/* Answers go out as soon as written: with Nagle's algorithm the
	 * last small TLS record of an answer waited for the client's
	 * delayed ACK (about 40 ms a request). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	server_conn_addr(c, a, sizeof(a));
	if (li->nconns >= srv->max_conns) {
		metrics_conn_refused(srv->deps.metrics, METRICS_CONN_LISTENER);
		server_warn(&srv->warn_conn, "%s listener: %u connections "
		    "([limits] max_connections): %s refused",
		    li->kind == SERVER_INGEST ? "ingest" : "api", li->nconns,
		    a);
		server_conn_shut(c);
		return;
	}
	TAILQ_FOREACH(o, &li->conns, entry)
		if (o->admitted && server_same_host(&o->addr, &c->addr))
			same++;
	if (same >= srv->max_client_conns) {
		metrics_conn_refused(srv->deps.metrics, METRICS_CONN_CLIENT);
		server_warn(&srv->warn_conn, "%s: %u connections to the %s "
		    "listener ([limits] max_client_connections): refused", a,
		    same, li->kind == SERVER_INGEST ? "ingest" : "api");
		server_conn_shut(c);
		return;
	}
	c->admitted = 1;
	li->nconns++;
	evtimer_assign(c->ev, srv->base, server_conn_deadline, c);
	evtimer_add(c->ev, &tv);
}

/*
 * Over max_inflight_bytes: close the connection holding the largest
 * unfinished body (an upload that stalls half-sent loses to one that
 * is complete), counted as "memory".
 */
static void
server_inflight_over(struct server *srv)
{
	struct server_listener *lis[2] = { &srv->ingest, &srv->api };
	struct server_conn *c, *big = NULL;
	char a[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; i < 2; i++)
		TAILQ_FOREACH(c, &lis[i]->conns, entry)
			if (!c->closing && c->held > 0 &&
			    (big == NULL || c->held > big->held))
				big = c;
	if (big == NULL)
		return;
	server_conn_addr(big, a, sizeof(a));
	if (big->li->kind == SERVER_INGEST)
		metrics_reject(srv->deps.metrics, METRICS_MEMORY);
	server_warn(&srv->warn_mem, "%s: %llu bytes of bodies in flight "
	    "([limits] max_inflight_bytes %llu): closed the one holding %zu",
	    a, (unsigned long long)srv->inflight,
	    (unsigned long long)srv->max_inflight, big->held);
	server_conn_shut(big);
}

/* Bytes read into a connection: charged to max_inflight_bytes until a
 * handler takes the request (server_conn_handled). */
static void
server_conn_input(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct server_conn *c = arg;
	struct server *srv = c->li->srv;

	if (info->n_added == 0)
		return;
	c->held += info->n_added;
	srv->inflight += info->n_added;
	if (srv->inflight > srv->max_inflight)
		server_inflight_over(srv);
}

/*
 * Replies written on the ingest listener that no handler wrote: evhttp
 * refusing a body over max_upload_bytes (Content-Length or a chunk
 * size) itself; counted as too_large.
 */
static void
server_conn_output(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct server_conn *c = arg;
	struct evbuffer_ptr p;
	char line[13];

	if (info->n_added < sizeof(line) - 1 || c->answering ||
	    c->li->kind != SERVER_INGEST ||
	    evbuffer_ptr_set(b, &p, info->orig_size, EVBUFFER_PTR_SET) != 0 ||
	    evbuffer_copyout_from(b, &p, line, sizeof(line) - 1) !=
	    (ev_ssize_t)sizeof(line) - 1)
		return;
	line[sizeof(line) - 1] = '\0';
	if (strncmp(line, "HTTP/1.", 7) == 0 && strcmp(line + 8, " 413") == 0)
		metrics_reject(c->li->srv->deps.metrics, METRICS_TOO_LARGE);
}

/* The connection of req, NULL when it is gone. */
static struct server_conn *
server_conn_of(struct evhttp_request *req)
{
	struct evhttp_connection *evc = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	SSL *ssl;

	if (evc == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evc)) == NULL ||
	    (ssl = bufferevent_openssl_get_ssl(bev)) == NULL)
		return NULL;
	return SSL_get_ex_data(ssl, server_conn_idx);
}

/* A handler has req: its body no longer counts as read in flight (an
 * upload queued for storage is charged again: server_upload). */
static void
server_conn_handled(struct server *srv, struct evhttp_request *req)
{
	struct server_conn *c = server_conn_of(req);

	if (c == NULL)
		return;
	srv->inflight -= c->held;
	c->held = 0;
}

/* The SSL of a connection is freed: so is its struct server_conn. */
static void
server_conn_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	struct server_conn *c = ptr;
	struct server *srv;

	if (c == NULL)
		return;
	srv = c->li->srv;
	srv->inflight -= c->held;
	if (c->admitted)
		c->li->nconns--;
	TAILQ_REMOVE(&c->li->conns, c, entry);
	if (c->bev != NULL) {
		if (c->incb != NULL)
			evbuffer_remove_cb_entry(bufferevent_get_input(c->bev),
			    c->incb);
		if (c->outcb != NULL)
			evbuffer_remove_cb_entry(
			    bufferevent_get_output(c->bev), c->outcb);
	}
	if (c->ev != NULL)
		event_free(c->ev);
	free(c);
}

/* The accept loop's errors: out of descriptors (or memory) pauses the
 * listener for SERVER_BACKOFF_MS instead of spinning on accept(). */
static void
server_accept_error(struct evconnlistener *lev, void *arg)
{
	struct server_listener *li = arg;
	struct server *srv = li->srv;
	struct timeval tv = { 0, SERVER_BACKOFF_MS * 1000 };
	int e = EVUTIL_SOCKET_ERROR();

	if (e == EMFILE || e == ENFILE)
		metrics_conn_refused(srv->deps.metrics,
		    METRICS_CONN_DESCRIPTORS);
	server_warn(&srv->warn_fd, "%s listener: accept: %s: pausing "
	    "accepts for %d ms", li->kind == SERVER_INGEST ? "ingest" : "api",
	    strerror(e), SERVER_BACKOFF_MS);
	evconnlistener_disable(lev);
	evtimer_add(li->resume, &tv);
}

static void
server_accept_resume(evutil_socket_t unused, short what, void *arg)
{
	struct server_listener *li = arg;

	evconnlistener_enable(li->lev);
}

/* evhttp asks for each connection's bufferevent: a TLS one. */
static struct bufferevent *
server_bevcb(struct event_base *base, void *arg)
{
	struct server_listener *li = arg;
	struct bufferevent *bev = NULL;
	struct server_conn *c;
	struct timeval now = { 0, 0 };
	SSL *ssl;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->li = li;
	TAILQ_INSERT_TAIL(&li->conns, c, entry);
	if ((ssl = SSL_new(li->ctx)) == NULL ||
	    SSL_set_ex_data(ssl, server_conn_idx, c) != 1) {
		SSL_free(ssl);
		server_conn_free(NULL, c, NULL, 0, 0, NULL);
		return NULL;
	}
	c->ssl = ssl;
	if ((c->ev = evtimer_new(base, server_conn_admit, c)) == NULL ||
	    (bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS)) == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	c->bev = bev;
	c->incb = evbuffer_add_cb(bufferevent_get_input(bev),
	    server_conn_input, c);
	c->outcb = evbuffer_add_cb(bufferevent_get_output(bev),
	    server_conn_output, c);
	evtimer_add(c->ev, &now);
	return bev;
}

/* The SSL of the request's connection. */
static SSL *
server_ssl(struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	struct bufferevent *bev;

	if (c == NULL || (bev = evhttp_connection_get_bufferevent(c)) == NULL)
		return NULL;
	return bufferevent_openssl_get_ssl(bev);
}

/* The verified client certificate of the request's connection. */
static X509 *
server_peer(struct evhttp_request *req)
{
	SSL *ssl = server_ssl(req);

	if (ssl == NULL || SSL_get_verify_result(ssl) != X509_V_OK)
		return NULL;
	return SSL_get0_peer_certificate(ssl);
}

/* ============================================================= callers */

struct server_caller {
	int auth;			/* API_AUTH_* */
	char principal[STORE_TEXT_MAX + 16];
	char scope[STORE_HOST_MAX];	/* agent: its CN */
	int bad_token;			/* Bearer header, no such token */
};

/* Does the verified peer chain to admin_ca? */
static int
server_is_admin(struct server *srv, SSL *ssl, X509 *peer)
{
	X509_STORE_CTX *x;
	int ok = 0;

	if (srv->admin == NULL || (x = X509_STORE_CTX_new()) == NULL)
		return 0;
	if (X509_STORE_CTX_init(x, srv->admin, peer,
	    SSL_get_peer_cert_chain(ssl)) == 1) {
		X509_STORE_CTX_set_purpose(x, X509_PURPOSE_SSL_CLIENT);
		ok = X509_verify_cert(x) == 1;
	}
	X509_STORE_CTX_free(x);
	ERR_clear_error();
	return ok;
}

/*
 * The API role of an admin-CA certificate: its subject's OU when that
 * names a role ("auditor", "approver", "admin"; plumb-pki admin
 * --role), else admin, as every admin certificate was before roles.
 * An OU naming no role is not a role: a typo must not widen access,
 * so such a certificate gets no role at all (0).
 */
static int
server_cert_role(X509 *cert)
{
	X509_NAME *name = X509_get_subject_name(cert);
	const ASN1_STRING *v;
	unsigned char *u = NULL;
	int i = -1, role = API_AUTH_ADMIN, n;

	while ((i = X509_NAME_get_index_by_NID(name, NID_organizationalUnitName,
	    i)) >= 0) {
		v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
		if ((n = ASN1_STRING_to_UTF8(&u, v)) < 0)
			return 0;
		role = (size_t)n == strlen((char *)u) ?
		    api_role_parse((char *)u) : 0;
		OPENSSL_free(u);
		u = NULL;
		if (role == 0)
			return 0;
	}
	return role;
}

/* A certificate subject in RFC 2253 form. */
static void
server_subject(X509 *cert, char *out, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	out[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
	    XN_FLAG_RFC2253) >= 0 && (n = BIO_get_mem_data(b, &p)) > 0)
		snprintf(out, size, "%.*s", (int)n, p);
	BIO_free(b);
}

/*
 * Who sent req (server.h, "Callers").  A store failure while looking a
 * token up is returned (500); an unknown token sets bad_token.
 */
static int
server_caller(struct server_listener *li, struct evhttp_request *req,
    struct server_caller *c, struct plumb_err *err)
{
	const char *authz = evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Authorization");
	char name[TOKENS_NAME_MAX + 1], subj[STORE_TEXT_MAX];
	struct store_host h;
	X509 *peer;
	int rc;

	memset(c, 0, sizeof(*c));
	if (authz != NULL && strncasecmp(authz, "Bearer ", 7) == 0) {
		const char *t = authz + 7;

		while (*t == ' ')
			t++;
		rc = tokens_check(li->srv->deps.api->store, t, name,
		    sizeof(name), &c->auth, err);
		if (rc == PLUMB_ENOENT) {
			c->bad_token = 1;
			return PLUMB_OK;
		}
		if (rc != PLUMB_OK)
			return rc;
		snprintf(c->principal, sizeof(c->principal), "token:%s", name);
		return PLUMB_OK;
	}
	if ((peer = server_peer(req)) == NULL)
		return PLUMB_OK;
	if (li->kind == SERVER_API &&
	    server_is_admin(li->srv, server_ssl(req), peer)) {
		server_subject(peer, subj, sizeof(subj));
		c->auth = server_cert_role(peer);
		snprintf(c->principal, sizeof(c->principal), "cert:%s", subj);
		return PLUMB_OK;
	}
	ingest_cert_attrs(peer, &h);
	if (h.id[0] == '\0')
		return PLUMB_OK;
	c->auth = API_AUTH_AGENT;
	snprintf(c->scope, sizeof(c->scope), "%s", store_host_lower(h.id));
	snprintf(c->principal, sizeof(c->principal), "agent:%s", h.id);
	return PLUMB_OK;
}

/* ============================================================ replies */

static const char *
server_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 302: return "Found";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status < 500 ? "Client Error" :
	    "Internal Server Error";
	}
}

static void
server_log(struct evhttp_request *req, int status, const char *who,
    const char *msg)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	const char *addr = "-";
	ev_uint16_t port = 0;
	char *a = NULL, w[API_LOG_MAX], m[API_LOG_MAX];

	if (c != NULL) {
		evhttp_connection_get_peer(c, &a, &port);
		if (a != NULL)
			addr = a;
	}
	/* who and msg may echo what the client sent (paths, headers,
	 * names): escaped, so one request is one log line. */
	fprintf(stderr, "plumb-collector: %s:%u %d %s %s\n", addr,
	    (unsigned)port, status, api_log_escape(who != NULL &&
	    *who != '\0' ? who : "-", w, sizeof(w)),
	    api_log_escape(msg, m, sizeof(m)));
}

/* Neither the dashboard nor the API may be framed (clickjacking). */
static void
server_frame_headers(struct evkeyvalq *oh)
{
	evhttp_add_header(oh, "X-Frame-Options", "DENY");
	evhttp_add_header(oh, "Content-Security-Policy",
	    "frame-ancestors 'none'");
}

/* evhttp_send_reply(), the reply marked as a handler's (not counted
 * by server_conn_output). */
static void
server_send(struct evhttp_request *req, int status, struct evbuffer *out)
{
	struct server_conn *c = server_conn_of(req);

	if (c != NULL)
		c->answering = 1;
	evhttp_send_reply(req, status, server_reason(status), out);
	if (c != NULL)
		c->answering = 0;
}

/* Answer with status and one line of text (uploads, health). */
static void
server_reply_line(struct evhttp_request *req, int status, const char *text,
    unsigned retry_after)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	struct evbuffer *out = evbuffer_new();
	char ra[16];

	evhttp_add_header(oh, "Content-Type", "text/plain; charset=utf-8");
	server_frame_headers(oh);
	if (retry_after > 0) {
		snprintf(ra, sizeof(ra), "%u", retry_after);
		evhttp_add_header(oh, "Retry-After", ra);
	}
	if (out != NULL)
		evbuffer_add_printf(out, "%s\n", text);
	server_send(req, status, out);
	evbuffer_free(out);
}

static void
server_free_text(const void *data, size_t len, void *extra)
{
	free((void *)data);
}

/*
 * Write rep (api.h) as the answer: its text, its JSON (compact) or
 * {"error": msg}; counted in plumb_api_requests_total.  rep is
 * cleared.
 */
static void
server_reply_api(struct server *srv, struct evhttp_request *req,
    struct api_reply *rep, const char *who)
{
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	struct evbuffer *out = evbuffer_new();
	const char *ctype = "application/json";
	char *js = NULL;
	int status = rep->status != 0 ? rep->status : 200;

	if (rep->text != NULL) {
		ctype = rep->content_type != NULL ? rep->content_type :
		    "application/octet-stream";
		if (out != NULL && evbuffer_add_reference(out, rep->text,
		    rep->text_len, server_free_text, NULL) == 0)
			rep->text = NULL;
	} else {
		if (rep->json == NULL && status >= 400)
			rep->json = json_pack("{s:s}", "error",
			    rep->msg[0] != '\0' ? rep->msg :
			    server_reason(status));
		if (rep->json != NULL &&
		    (js = json_dumps(rep->json, JSON_COMPACT)) == NULL)
			status = 500;
		if (out != NULL && js != NULL)
			evbuffer_add_printf(out, "%s\n", js);
	}
	evhttp_add_header(oh, "Content-Type", ctype);
	evhttp_add_header(oh, "Cache-Control", "no-store");
	evhttp_add_header(oh, "X-Content-Type-Options", "nosniff");
	server_frame_headers(oh);
	if (rep->retry_after > 0) {
		char ra[16];

		snprintf(ra, sizeof(ra), "%u", rep->retry_after);
		evhttp_add_header(oh, "Retry-After", ra);
	}
	if (status == 401)
		evhttp_add_header(oh, "WWW-Authenticate",
		    "Bearer realm=\"plumb-collector\"");
	server_send(req, status, out);
	metrics_api(srv->deps.metrics, status);
	if (status >= 400)
		server_log(req, status, who, rep->msg[0] != '\0' ? rep->msg :
		    server_reason(status));
	evbuffer_free(out);
	free(js);
	api_reply_clear(rep);
}

/* ============================================================ the front */

/* Answer an upload with what became of it. */
static void
server_upload_reply(struct server *srv, struct evhttp_request *req,
    const struct ingest_result *res)
{
	metrics_upload(srv->deps.metrics, res->reason, res->seconds);
	server_reply_line(req, res->status, res->msg, res->retry_after);
	server_log(req, res->status, res->uuid, res->msg);
}

/* The writer stored (or failed to store) the upload of req. */
static void
server_upload_done(struct ingest_job *job, void *arg)
{
	struct server *srv = arg;

	srv->inflight -= ingest_job_bytes(job);
	server_upload_reply(arg, ingest_job_ctx(job), ingest_job_result(job));
	ingest_job_free(job);
}

/* The checker thread refused the upload of req (ingestq.h). */
static void
server_upload_refused(void *req, const struct ingest_result *res, size_t len,
    void *arg)
{
	struct server *srv = arg;

	srv->inflight -= len;
	server_upload_reply(srv, req, res);
}

/* A 503 busy answer: the queue is full. */
static void
server_upload_busy(struct server *srv, struct evhttp_request *req)
{
	struct ingest_result res;

	memset(&res, 0, sizeof(res));
	res.status = 503;
	res.reason = "busy";
	res.retry_after = SERVER_BUSY_RETRY;
	snprintf(res.msg, sizeof(res.msg), "too many uploads being "
	    "stored: send again in %u seconds", SERVER_BUSY_RETRY);
	server_upload_reply(srv, req, &res);
}

/*
 * POST /api/v1/bundles on the ingest listener: the body is taken out
 * of evhttp's buffer and handed to the checker thread, which passes it
 * to the writer thread; answered when either is done.  The body stays
 * charged to max_inflight_bytes until then.
 */
static void
server_upload(struct server *srv, struct evhttp_request *req, X509 *peer)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	unsigned char *body;
	int rc;

	if ((body = malloc(len > 0 ? len : 1)) == NULL ||
	    evbuffer_remove(in, body, len) != (int)len) {
		free(body);
		server_reply_line(req, 500, "out of memory", 0);
		server_log(req, 500, NULL, "out of memory");
		return;
	}
	rc = ingestq_check(srv->q, peer, evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-Plumb-Bundle"), body,
	    len, time(NULL), req);
	if (rc == PLUMB_OK) {
		srv->inflight += len;
		return;
	}
	free(body);
	if (rc == PLUMB_ELIMIT)
		server_upload_busy(srv, req);
	else {
		server_reply_line(req, 500, "out of memory", 0);
		server_log(req, 500, NULL, "out of memory");
	}
}

static const char *
server_method(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	default: return "OTHER";
	}
}

/* An API request: path segments, body, caller, dispatch. */
static void
server_api(struct server *srv, struct evhttp_request *req, const char *path,
    const char *query, const struct server_caller *c, struct api_reply *rep)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	struct api_req ar;
	char segbuf[SERVER_PATH_MAX], msg[API_MSG_MAX];
	size_t len = evbuffer_get_length(in);

	memset(&ar, 0, sizeof(ar));
	if (api_parse_path(&ar, path, segbuf, sizeof(segbuf), msg,
	    sizeof(msg)) != PLUMB_OK) {
		memset(rep, 0, sizeof(*rep));
		api_error(rep, 400, "%s", msg);
		return;
	}
	ar.method = server_method(evhttp_request_get_command(req));
	ar.query = query;
	ar.body = len > 0 ? evbuffer_pullup(in, -1) : NULL;
	ar.body_len = len;
	ar.auth = c->auth;
	ar.principal = c->principal;
	ar.scope_host = c->auth == API_AUTH_AGENT ? c->scope : NULL;
	ar.peer = server_peer(req);
	ar.now = time(NULL);
	api_dispatch(srv->deps.api, &ar, rep);
}

/* GET /metrics: people only (any role), not agents. */
static void
server_metrics(struct server *srv, const struct server_caller *c,
    enum evhttp_cmd_type cmd, struct api_reply *rep)
{
	struct plumb_err err;

	memset(&err, 0, sizeof(err));
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD)
		api_error(rep, 405, "use GET");
	else if (c->auth == 0)
		api_error(rep, 401, "credentials required: an admin client "
		    "certificate or a bearer token");
	else if (!(c->auth & API_AUTH_STAFF))
		api_error(rep, 403, "not allowed for %s", c->principal);
	else if (metrics_render(srv->deps.metrics, srv->deps.api->store,
	    &rep->text, &rep->text_len, &err) != PLUMB_OK)
		api_error(rep, 500, "metrics: %s", err.msg);
	else
		rep->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

/* GET /dashboard/NAME on the api listener. */
static void
server_dashboard(const char *name, enum evhttp_cmd_type cmd,
    struct api_reply *rep)
{
	struct plumb_err err;

	memset(&err, 0, sizeof(err));
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD)
		api_error(rep, 405, "use GET");
	else if (dashboard_serve(name, rep, &err) != PLUMB_OK)
		api_error(rep, 500, "dashboard: %s", err.msg);
}

static void
server_request(struct evhttp_request *req, void *arg)
{
	struct server_listener *li = arg;
	struct server *srv = li->srv;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct server_caller c;
	struct api_reply rep;
	struct plumb_err err;
	X509 *peer = server_peer(req);

	memset(&rep, 0, sizeof(rep));
	memset(&err, 0, sizeof(err));
	server_conn_handled(srv, req);
	if (li->kind == SERVER_INGEST && peer == NULL) {
		/* Cannot happen: the handshake requires one. */
		server_reply_line(req, 403, "no client certificate", 0);
		server_log(req, 403, NULL, "no client certificate");
		return;
	}
	if (path == NULL)
		path = "";
	if (strcmp(path, SERVER_HEALTH_PATH) == 0) {
		if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD)
			server_reply_line(req, 405, "use GET", 0);
		else
			server_reply_line(req, 200, "ok", 0);
		return;
	}
	if (li->kind == SERVER_INGEST &&
	    strcmp(path, SERVER_BUNDLES_PATH) == 0) {
		if (cmd != EVHTTP_REQ_POST)
			server_reply_line(req, 405, "use POST", 0);
		else
			server_upload(srv, req, peer);
		return;
	}
	if (li->kind == SERVER_API && (strcmp(path, "/") == 0 ||
	    strcmp(path, "/dashboard") == 0)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Location", DASHBOARD_PREFIX);
		server_frame_headers(evhttp_request_get_output_headers(req));
		server_send(req, 302, NULL);
		metrics_api(srv->deps.metrics, 302);
		return;
	}
	if (li->kind == SERVER_API && strncmp(path, DASHBOARD_PREFIX,
	    strlen(DASHBOARD_PREFIX)) == 0) {
		server_dashboard(path + strlen(DASHBOARD_PREFIX), cmd, &rep);
		server_reply_api(srv, req, &rep, NULL);
		return;
	}
	if (server_caller(li, req, &c, &err) != PLUMB_OK) {
		api_error(&rep, 500, "credentials: %s", err.msg);
		server_reply_api(srv, req, &rep, NULL);
		return;
	}
	if (c.bad_token)
		api_error(&rep, 401, "invalid or revoked bearer token");
	else if (strcmp(path, SERVER_METRICS_PATH) == 0)
		server_metrics(srv, &c, cmd, &rep);
	else if (strncmp(path, API_PREFIX, strlen(API_PREFIX)) == 0)
		server_api(srv, req, path, query, &c, &rep);
	else
		api_error(&rep, 404, "no such route");
	server_reply_api(srv, req, &rep, c.principal);
}

/* ========================================================== listeners */

/*
 * evconnlistener hands its error callback evhttp's pointer, not ours:
 * the listeners of the process by their evhttp.
 */
#define SERVER_LISTENERS_MAX	8
static struct server_listener *server_listeners[SERVER_LISTENERS_MAX];

static void
server_accept_error_cb(struct evconnlistener *lev, void *http)
{
	int i;

	for (i = 0; i < SERVER_LISTENERS_MAX; i++)
		if (server_listeners[i] != NULL &&
		    server_listeners[i]->http == http) {
			server_accept_error(lev, server_listeners[i]);
			return;
		}
	/* Not ours: never spin. */
	evconnlistener_disable(lev);
}

/* Add li to server_listeners (on = 1) or take it out. */
static void
server_listener_register(struct server_listener *li, int on)
{
	int i;

	for (i = 0; i < SERVER_LISTENERS_MAX; i++)
		if (on && server_listeners[i] == NULL) {
			server_listeners[i] = li;
			return;
		} else if (!on && server_listeners[i] == li)
			server_listeners[i] = NULL;
}

/* Bind li on address:port; li->port receives the port bound. */
static int
server_listen(struct server_listener *li, const char *address,
    unsigned port, uint64_t max_body, struct plumb_err *err)
{
	struct evhttp_bound_socket *bs;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if ((li->http = evhttp_new(li->srv->base)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "evhttp_new failed");
	evhttp_set_bevcb(li->http, server_bevcb, li);
	evhttp_set_gencb(li->http, server_request, li);
	evhttp_set_max_body_size(li->http, (ev_ssize_t)max_body);
	evhttp_set_max_headers_size(li->http, SERVER_HEADERS_MAX);
	evhttp_set_timeout(li->http, SERVER_TIMEOUT_S);
	evhttp_set_allowed_methods(li->http, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE);
	if ((bs = evhttp_bind_socket_with_handle(li->http, address,
	    (ev_uint16_t)port)) == NULL)
		return plumb_err_set(err, PLUMB_EIO, "cannot listen on %s port "
		    "%u: %s", address, port, strerror(errno));
	li->lev = evhttp_bound_socket_get_listener(bs);
	if ((li->resume = evtimer_new(li->srv->base, server_accept_resume,
	    li)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	server_listener_register(li, 1);
	evconnlistener_set_error_cb(li->lev, server_accept_error_cb);
	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			li->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			li->port = ntohs(
			    ((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	return PLUMB_OK;
}

int
server_new(struct event_base *base, const struct collector_config *cfg,
    const struct server_deps *deps, struct server **out,
    struct plumb_err *err)
{
	struct server *srv;
	struct rlimit rl;
	uint64_t slack;
	int rc;

	*out = NULL;
	if (server_conn_idx < 0 && (server_conn_idx = SSL_get_ex_new_index(0,
	    NULL, NULL, NULL, server_conn_free)) < 0)
		return plumb_err_set(err, PLUMB_ENOMEM, "SSL_get_ex_new_index");
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	srv->base = base;
	srv->cfg = cfg;
	srv->deps = *deps;
	srv->ingest.srv = srv->api.srv = srv;
	srv->ingest.kind = SERVER_INGEST;
	srv->api.kind = SERVER_API;
	TAILQ_INIT(&srv->ingest.conns);
	TAILQ_INIT(&srv->api.conns);
	srv->max_conns = cfg->max_connections;
	srv->max_client_conns = cfg->max_client_connections;
	srv->handshake_s = cfg->handshake_timeout;
	srv->max_inflight = cfg->max_inflight_bytes;
	/* Two listeners' connections, the store, evidence files, logs. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur !=
	    RLIM_INFINITY && (uint64_t)cfg->max_connections * 2 + 64 >
	    (uint64_t)rl.rlim_cur)
		fprintf(stderr, "plumb-collector: warning: [limits] "
		    "max_connections %u per listener needs about %llu file "
		    "descriptors, the limit is %llu: accepts will pause when "
		    "they run out\n", cfg->max_connections,
		    (unsigned long long)cfg->max_connections * 2 + 64,
		    (unsigned long long)rl.rlim_cur);
	/*
	 * Bodies a little over max_upload_bytes (up to 1 MiB more) still
	 * reach ingest, which answers 413 with its reason; larger ones
	 * are refused by evhttp itself while they stream in (413, counted
	 * as too_large by server_conn_output).
	 */
	slack = cfg->max_upload_bytes < SERVER_SLACK_MAX ?
	    cfg->max_upload_bytes : SERVER_SLACK_MAX;
	if ((rc = server_tls(&srv->ingest, cfg, err)) != 0 ||
	    (rc = server_listen(&srv->ingest, cfg->listen, cfg->port,
	    cfg->max_upload_bytes + slack, err)) != 0)
		goto fail;
	if ((rc = ingestq_new(base, deps->ig, cfg->database,
	    cfg->ingest_queue, server_upload_done, server_upload_refused, srv,
	    &srv->q, err)) != 0)
		goto fail;
	if (cfg->api_port >= 0) {
		if ((cfg->admin_ca != NULL &&
		    (rc = server_admin_load(srv, cfg, err)) != 0) ||
		    (rc = server_tls(&srv->api, cfg, err)) != 0 ||
		    (rc = server_listen(&srv->api, cfg->api_listen != NULL ?
		    cfg->api_listen : cfg->listen, (unsigned)cfg->api_port,
		    cfg->api_max_body, err)) != 0)
			goto fail;
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
	return srv->ingest.port;
}

int
server_api_port(const struct server *srv)
{
	return srv->api.http != NULL ? (int)srv->api.port : -1;
}

void
server_free(struct server *srv)
{
	if (srv == NULL)
		return;
	/* Uploads still queued are stored and answered first. */
	ingestq_free(srv->q);
	if (srv->ingest.http != NULL)
		evhttp_free(srv->ingest.http);
	if (srv->api.http != NULL)
		evhttp_free(srv->api.http);
	server_listener_register(&srv->ingest, 0);
	server_listener_register(&srv->api, 0);
	if (srv->ingest.resume != NULL)
		event_free(srv->ingest.resume);
	if (srv->api.resume != NULL)
		event_free(srv->api.resume);
	SSL_CTX_free(srv->ingest.ctx);
	SSL_CTX_free(srv->api.ctx);
	sk_X509_pop_free(srv->admin_certs, X509_free);
	X509_STORE_free(srv->admin);
	free(srv);
}
