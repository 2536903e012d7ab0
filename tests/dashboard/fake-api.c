/*
 * fake-api.c - TEST ONLY, never installed: a tiny plain-HTTP server on
 * 127.0.0.1 for tests/dashboard/screenshot.sh, so the dashboard can be
 * tested before (and apart from) the real API.  It serves
 *   /dashboard/NAME  through dashboard_serve() (the embedded files, as
 *                    plumb-collector does);
 *   /api/v1/...      canned JSON from a file whose keys are
 *                    "METHOD /api/v1/path?query" or, matching any
 *                    query, "METHOD /api/v1/path"; POST answers 201.
 *                    Needs "Authorization: Bearer TOKEN", else 401;
 *                    with -c PRINCIPAL a request without that header
 *                    stands for one whose TLS client certificate the
 *                    collector accepted (GET /api/v1/whoami answers
 *                    that principal, role admin), as a browser holding
 *                    an admin certificate sends it.
 * Usage: fake-api -j canned.json -t TOKEN -p PORTFILE [-l LOGFILE]
 *        [-c PRINCIPAL]
 * It listens on an ephemeral port, writes the port number to PORTFILE
 * and logs "METHOD TARGET auth=ok|none|bad" per request to LOGFILE.
 * One child process per connection (so an idle preconnected socket
 * never blocks the others); runs until killed.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "atomic.h"
#include "dashboard.h"

#define FAKE_HEAD_MAX	16384
#define FAKE_BODY_MAX	65536

static json_t *fake_canned;
static const char *fake_token;
static const char *fake_cert;	/* -c: no header = this certificate */
static int fake_logfd = -1;

static const char *
fake_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 302: return "Found";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	default: return "Status";
	}
}

/* One complete response; the connection closes after it. */
static void
fake_respond(int fd, int status, const char *type, const char *extra,
    const char *body, size_t len)
{
	char head[512];
	int n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
	    status, fake_reason(status), type, len, extra ? extra : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return;
	if (atomic_write_all(fd, head, (size_t)n) == 0 && len > 0)
		(void)atomic_write_all(fd, body, len);
}

/* {"error": msg} with status. */
static void
fake_error(int fd, int status, const char *msg)
{
	json_t *o;
	char *s;

	o = json_pack("{s:s}", "error", msg);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (s != NULL)
		fake_respond(fd, status, "application/json", NULL, s,
		    strlen(s));
	free(s);
	json_decref(o);
}

/* The value of header name in head (lines after the first), or NULL. */
static const char *
fake_header(char *head, const char *name, char *buf, size_t size)
{
	char *line, *eol, *colon, *v;
	size_t nlen = strlen(name), vlen;

	line = strstr(head, "\r\n");
	while (line != NULL && line[2] != '\0') {
		line += 2;
		eol = strstr(line, "\r\n");
		if (eol == NULL)
			break;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon != NULL && (size_t)(colon - line) == nlen &&
		    strncasecmp(line, name, nlen) == 0) {
			v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			vlen = (size_t)(eol - v);
			if (vlen >= size)
				return NULL;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return buf;
		}
		line = eol;
	}
	return NULL;
}

static void
fake_log(const char *method, const char *target, const char *auth)
{
	char line[1024];
	int n;

	if (fake_logfd < 0)
		return;
	n = snprintf(line, sizeof(line), "%s %s auth=%s\n", method, target,
	    auth);
	if (n > 0 && (size_t)n < sizeof(line))
		(void)atomic_write_all(fake_logfd, line, (size_t)n);
}

/* A canned answer for "METHOD target", then "METHOD path". */
static void
fake_api(int fd, const char *method, const char *target)
{
	char key[16 + 2048 + 16];
	const char *q;
	json_t *v;
	char *s;

	snprintf(key, sizeof(key), "%s %s", method, target);
	v = json_object_get(fake_canned, key);
	if (v == NULL && (q = strchr(target, '?')) != NULL) {
		snprintf(key, sizeof(key), "%s %.*s", method,
		    (int)(q - target), target);
		v = json_object_get(fake_canned, key);
	}
	if (v == NULL) {
		fake_error(fd, 404, "fake-api: no canned answer");
		return;
	}
	if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
		fake_error(fd, 500, "fake-api: cannot encode");
		return;
	}
	fake_respond(fd, strcmp(method, "POST") == 0 ? 201 : 200,
	    "application/json", NULL, s, strlen(s));
	free(s);
}

/* GET /api/v1/whoami of a certificate caller. */
static void
fake_whoami(int fd, const char *principal, const char *role)
{
	json_t *o = json_pack("{s:s, s:s, s:n}", "principal", principal,
	    "role", role, "host");
	char *s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	if (s != NULL)
		fake_respond(fd, 200, "application/json", NULL, s, strlen(s));
	else
		fake_error(fd, 500, "fake-api: cannot encode");
	free(s);
	json_decref(o);
}

/* Serve one request on fd. */
static void
fake_conn(int fd)
{
	char head[FAKE_HEAD_MAX + 1], body[4096], hv[512], want[512];
	char method[16], target[2048], name[2048];
	size_t len = 0;
	ssize_t n;
	char *end = NULL, *q;
	long clen = 0, got;
	const char *auth;
	struct api_reply rep;
	struct plumb_err err;

	while (len < FAKE_HEAD_MAX) {
		n = read(fd, head + len, FAKE_HEAD_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		len += (size_t)n;
		head[len] = '\0';
		if ((end = strstr(head, "\r\n\r\n")) != NULL)
			break;
	}
	if (end == NULL) {
		fake_error(fd, 400, "fake-api: request head too long");
		return;
	}
	end[2] = '\0';
	if (sscanf(head, "%15s %2047s", method, target) != 2) {
		fake_error(fd, 400, "fake-api: bad request line");
		return;
	}
	/* Drain a body (POST of a waiver); its contents are not used. */
	if (fake_header(head, "Content-Length", hv, sizeof(hv)) != NULL)
		clen = strtol(hv, NULL, 10);
	if (clen < 0 || clen > FAKE_BODY_MAX) {
		fake_error(fd, 400, "fake-api: body too large");
		return;
	}
	got = (long)(len - (size_t)(end + 4 - head));
	while (got < clen) {
		n = read(fd, body, sizeof(body));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		got += n;
	}

	snprintf(want, sizeof(want), "Bearer %s", fake_token);
	if (fake_header(head, "Authorization", hv, sizeof(hv)) == NULL)
		auth = "none";
	else
		auth = strcmp(hv, want) == 0 ? "ok" : "bad";
	fake_log(method, target, auth);

	if (strcmp(target, "/") == 0 || strcmp(target, "/dashboard") == 0) {
		fake_respond(fd, 302, "text/plain", "Location: /dashboard/\r\n",
		    "", 0);
		return;
	}
	if (strncmp(target, DASHBOARD_PREFIX, strlen(DASHBOARD_PREFIX)) ==
	    0) {
		snprintf(name, sizeof(name), "%s",
		    target + strlen(DASHBOARD_PREFIX));
		if ((q = strchr(name, '?')) != NULL)
			*q = '\0';
		memset(&rep, 0, sizeof(rep));
		if (dashboard_serve(name, &rep, &err) != PLUMB_OK) {
			fake_error(fd, 500, err.msg);
			return;
		}
		if (rep.status == 200)
			fake_respond(fd, 200, rep.content_type, NULL, rep.text,
			    rep.text_len);
		else
			fake_error(fd, rep.status, rep.msg);
		free(rep.text);
		return;
	}
	if (strncmp(target, "/api/v1/", 8) == 0) {
		if (fake_cert != NULL && strcmp(auth, "none") == 0) {
			if (strcmp(target, "/api/v1/whoami") == 0)
				fake_whoami(fd, fake_cert, "admin");
			else
				fake_api(fd, method, target);
			return;
		}
		if (strcmp(auth, "ok") != 0) {
			fake_error(fd, 401, "fake-api: no valid bearer token");
			return;
		}
		fake_api(fd, method, target);
		return;
	}
	fake_error(fd, 404, "fake-api: not found");
}

int
main(int argc, char **argv)
{
	const char *jpath = NULL, *portfile = NULL, *logfile = NULL;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	json_error_t jerr;
	FILE *fp;
	int ch, s, c, one = 1;
	pid_t pid;

	while ((ch = getopt(argc, argv, "j:t:p:l:c:")) != -1) {
		switch (ch) {
		case 'c': fake_cert = optarg; break;
		case 'j': jpath = optarg; break;
		case 't': fake_token = optarg; break;
		case 'p': portfile = optarg; break;
		case 'l': logfile = optarg; break;
		default:
			goto usage;
		}
	}
	if (jpath == NULL || fake_token == NULL || portfile == NULL)
		goto usage;
	if ((fake_canned = json_load_file(jpath, 0, &jerr)) == NULL ||
	    !json_is_object(fake_canned)) {
		fprintf(stderr, "fake-api: %s:%d: %s\n", jpath, jerr.line,
		    fake_canned ? "not a JSON object" : jerr.text);
		return 1;
	}
	if (logfile != NULL && (fake_logfd = open(logfile,
	    O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
		fprintf(stderr, "fake-api: %s: %s\n", logfile, strerror(errno));
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);	/* children reap themselves */
	signal(SIGPIPE, SIG_IGN);

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		perror("fake-api: socket");
		return 1;
	}
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(s, 64) < 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &slen) < 0) {
		perror("fake-api: bind/listen on 127.0.0.1");
		return 1;
	}
	if ((fp = fopen(portfile, "w")) == NULL) {
		fprintf(stderr, "fake-api: %s: %s\n", portfile,
		    strerror(errno));
		return 1;
	}
	fprintf(fp, "%u\n", (unsigned)ntohs(sin.sin_port));
	if (fclose(fp) != 0) {
		fprintf(stderr, "fake-api: %s: %s\n", portfile,
		    strerror(errno));
		return 1;
	}

	for (;;) {
		if ((c = accept(s, NULL, NULL)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("fake-api: accept");
			return 1;
		}
		if ((pid = fork()) == 0) {
			close(s);
			alarm(20);	/* an idle connection ends here */
			fake_conn(c);
			shutdown(c, SHUT_WR);
			close(c);
			_exit(0);
		}
		if (pid < 0)
			perror("fake-api: fork");
		close(c);
	}
usage:
	fprintf(stderr, "usage: fake-api -j canned.json -t TOKEN "
	    "-p PORTFILE [-l LOGFILE] [-c PRINCIPAL]\n");
	return 2;
}
