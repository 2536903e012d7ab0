/*
 * test-collector.c - TEST ONLY: a tiny HTTPS server standing in for the
 * collector in the delivery tests.  Never install or deploy it.
 *
 * It requires a client certificate issued by --ca, accepts
 *	POST <any path> with "X-Plumb-Bundle: <uuid>" and Content-Length
 * stores the body as STORE/<uuid>.p7m (temporary name, fsync, rename),
 * answers 201 for a new UUID and 409 for one it already holds (the body
 * is then discarded, never stored twice), and appends
 *	"<status> <uuid>" to the --log file (fsync'ed) in arrival order.
 * Handshake failures go to stderr as "tls: <reason>".  One connection
 * at a time; every connection is closed after one answer.
 *
 * usage: test-collector --ca F --cert F --key F --store DIR --log F
 *	      [--bind ADDR] [--port N] [--port-file F] [--answer CODE]
 * --port 0 (default) picks a free port, written to --port-file once the
 * server listens.  --answer CODE answers every request with CODE and
 * stores nothing (to test the agent's handling of errors).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define TC_HEAD_MAX	16384
#define TC_BODY_MAX	((long long)256 * 1024 * 1024)
#define TC_UUID_LEN	36

struct tc_opts {
	const char *ca, *cert, *key, *store, *log, *bind, *port_file;
	int port;
	int answer;
};

static void
tc_die(const char *what)
{
	fprintf(stderr, "test-collector: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
tc_die_ssl(const char *what)
{
	fprintf(stderr, "test-collector: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* A UUID as the agent makes them: 8-4-4-4-12 hex digits. */
static int
tc_uuid_ok(const char *u)
{
	int i;

	if (strlen(u) != TC_UUID_LEN)
		return 0;
	for (i = 0; i < TC_UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (u[i] != '-')
				return 0;
		} else if (!((u[i] >= '0' && u[i] <= '9') ||
		    (u[i] >= 'a' && u[i] <= 'f') ||
		    (u[i] >= 'A' && u[i] <= 'F')))
			return 0;
	}
	return 1;
}

/* Append one line to the arrival log and make it durable. */
static void
tc_log(const struct tc_opts *o, int status, const char *uuid)
{
	char line[128];
	int fd, n;

	n = snprintf(line, sizeof(line), "%d %s\n", status, uuid);
	if ((fd = open(o->log, O_WRONLY | O_APPEND | O_CREAT, 0644)) == -1)
		tc_die(o->log);
	if (write(fd, line, (size_t)n) != n || fsync(fd) == -1)
		tc_die(o->log);
	close(fd);
}

static void
tc_answer(SSL *ssl, int status, const char *text)
{
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", status, text, strlen(text), text);
	SSL_write(ssl, buf, n);
}

/* Value of header name in the head (NUL-terminated copy into out). */
static int
tc_header(const char *head, const char *name, char *out, size_t len)
{
	const char *p = head, *v, *e;
	size_t nl = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nl) != 0 || p[nl] != ':')
			continue;
		v = p + nl + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if ((e = strstr(v, "\r\n")) == NULL)
			return 0;
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - v) >= len)
			return 0;
		memcpy(out, v, (size_t)(e - v));
		out[e - v] = '\0';
		return 1;
	}
	return 0;
}

/* Serve one request on an established TLS connection. */
static void
tc_serve(const struct tc_opts *o, SSL *ssl)
{
	char head[TC_HEAD_MAX + 1], uuid[64], clen[32], tmp[PATH_MAX];
	char final[PATH_MAX], buf[65536];
	char *end, *ep;
	long long want, got;
	size_t have = 0, body0;
	int n, fd = -1;
	struct stat st;

	for (;;) {
		if (have == TC_HEAD_MAX) {
			tc_answer(ssl, 431, "header too large\n");
			return;
		}
		n = SSL_read(ssl, head + have, (int)(TC_HEAD_MAX - have));
		if (n <= 0)
			return;
		have += (size_t)n;
		head[have] = '\0';
		if ((end = strstr(head, "\r\n\r\n")) != NULL)
			break;
	}
	end[2] = '\0';		/* the head, ending with its last CRLF */
	body0 = (size_t)(end + 4 - head);
	if (strncmp(head, "POST ", 5) != 0) {
		tc_answer(ssl, 405, "POST only\n");
		return;
	}
	if (!tc_header(head, "X-Plumb-Bundle", uuid, sizeof(uuid)) ||
	    !tc_uuid_ok(uuid)) {
		tc_answer(ssl, 400, "missing or bad X-Plumb-Bundle\n");
		return;
	}
	if (!tc_header(head, "Content-Length", clen, sizeof(clen))) {
		tc_answer(ssl, 411, "Content-Length required\n");
		return;
	}
	errno = 0;
	want = strtoll(clen, &ep, 10);
	if (errno != 0 || *ep != '\0' || want < 0 || want > TC_BODY_MAX) {
		tc_answer(ssl, 413, "bad Content-Length\n");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", o->store, uuid);
	snprintf(final, sizeof(final), "%s/%s.p7m", o->store, uuid);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		tc_die(tmp);
	got = (long long)(have - body0);
	if (got > want)
		got = want;
	if (got > 0 && write(fd, head + body0, (size_t)got) != got)
		tc_die(tmp);
	while (got < want) {
		n = SSL_read(ssl, buf, (int)(want - got < (long long)sizeof(buf) ?
		    want - got : (long long)sizeof(buf)));
		if (n <= 0)
			break;
		if (write(fd, buf, (size_t)n) != n)
			tc_die(tmp);
		got += n;
	}
	if (got != want) {
		/* The client went away mid-body: nothing is stored. */
		close(fd);
		unlink(tmp);
		fprintf(stderr, "test-collector: %s: short body\n", uuid);
		return;
	}
	if (o->answer != 0) {
		close(fd);
		unlink(tmp);
		tc_log(o, o->answer, uuid);
		tc_answer(ssl, o->answer, "forced answer\n");
		return;
	}
	if (stat(final, &st) == 0) {
		close(fd);
		unlink(tmp);
		tc_log(o, 409, uuid);
		tc_answer(ssl, 409, "already stored\n");
		return;
	}
	if (fsync(fd) == -1 || close(fd) == -1 || rename(tmp, final) == -1)
		tc_die(final);
	tc_log(o, 201, uuid);
	tc_answer(ssl, 201, "stored\n");
}

/*
 * After a refused handshake: half-close and drain what the client still
 * sends (with TLS 1.3 its request follows its certificate at once), so
 * the alert reaches it instead of being lost to a connection reset.
 */
static void
tc_linger(int c)
{
	struct timeval tv = { 2, 0 };
	char buf[4096];

	shutdown(c, SHUT_WR);
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (read(c, buf, sizeof(buf)) > 0)
		;
}

static SSL_CTX *
tc_tls(const struct tc_opts *o)
{
	STACK_OF(X509_NAME) *names;
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		tc_die_ssl("SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		tc_die_ssl("server certificate or key");
	if (SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(o->ca)) == NULL)
		tc_die_ssl("client CA");
	SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return ctx;
}

static int
tc_listen(struct tc_opts *o)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	char tmp[PATH_MAX];
	FILE *f;
	int s, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)o->port);
	if (inet_pton(AF_INET, o->bind, &sin.sin_addr) != 1) {
		fprintf(stderr, "test-collector: bad --bind %s\n", o->bind);
		exit(1);
	}
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		tc_die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		tc_die("bind");
	if (listen(s, 64) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &sl) == -1)
		tc_die("listen");
	o->port = ntohs(sin.sin_port);
	if (o->port_file != NULL) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", o->port_file);
		if ((f = fopen(tmp, "w")) == NULL)
			tc_die(tmp);
		fprintf(f, "%d\n", o->port);
		if (fclose(f) != 0 || rename(tmp, o->port_file) == -1)
			tc_die(o->port_file);
	}
	return s;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca", required_argument, NULL, 'a' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "store", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "answer", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 }
	};
	struct tc_opts o;
	struct timeval tv = { 10, 0 };
	SSL_CTX *ctx;
	SSL *ssl;
	unsigned long e;
	int ch, s, c;

	memset(&o, 0, sizeof(o));
	o.bind = "127.0.0.1";
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': o.ca = optarg; break;
		case 'c': o.cert = optarg; break;
		case 'k': o.key = optarg; break;
		case 's': o.store = optarg; break;
		case 'l': o.log = optarg; break;
		case 'b': o.bind = optarg; break;
		case 'p': o.port = atoi(optarg); break;
		case 'P': o.port_file = optarg; break;
		case 'A': o.answer = atoi(optarg); break;
		default:
			goto usage;
		}
	}
	if (optind != argc || o.ca == NULL || o.cert == NULL ||
	    o.key == NULL || o.store == NULL || o.log == NULL)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	ctx = tc_tls(&o);
	s = tc_listen(&o);
	for (;;) {
		if ((c = accept(s, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			tc_die("accept");
		}
		/* A client killed mid-request must not hang the server. */
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if ((ssl = SSL_new(ctx)) == NULL)
			tc_die_ssl("SSL_new");
		SSL_set_fd(ssl, c);
		if (SSL_accept(ssl) == 1) {
			tc_serve(&o, ssl);
			SSL_shutdown(ssl);
		} else {
			e = ERR_peek_last_error();
			fprintf(stderr, "tls: %s\n", e != 0 ?
			    ERR_reason_error_string(e) : "handshake failed");
			ERR_clear_error();
			tc_linger(c);
		}
		SSL_free(ssl);
		close(c);
	}
	/* NOTREACHED */
usage:
	fprintf(stderr, "usage: test-collector --ca F --cert F --key F "
	    "--store DIR --log F\n"
	    "           [--bind ADDR] [--port N] [--port-file F] "
	    "[--answer CODE]\n");
	return 2;
}
