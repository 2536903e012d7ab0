/*
 * signer.c - the enrollment CA key in its own process (signer.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "plumb/error.h"
#include "atomic.h"
#include "collector_config.h"
#include "enroll.h"
#include "signer.h"

#define SIGNER_MAGIC		"PSG1"
#define SIGNER_HDR		12
#define SIGNER_FD_SCAN		4096	/* descriptors closed in the child */
#define SIGNER_READY		0	/* type of the child's first answer */
#define SIGNER_TIMEOUT_S	10	/* longest wait for one answer */

struct signer {
	int fd;
	pid_t pid;
};

/* A payload being read: its fields in order. */
struct signer_fields {
	const char *p;
	size_t len;
	uint32_t n, i;
};

static void
signer_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
signer_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Read exactly len bytes; 0 on EOF before any, -1 on error or short. */
static int
signer_read(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if ((n = read(fd, p + got, len - got)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return got == 0 ? 0 : -1;
		got += (size_t)n;
	}
	return 1;
}

/* Send one message: header (code = type or status) and payload. */
static int
signer_send(int fd, uint32_t code, const void *payload, size_t len)
{
	unsigned char h[SIGNER_HDR];

	if (len > SIGNER_MSG_MAX)
		return -1;
	memcpy(h, SIGNER_MAGIC, 4);
	signer_put32(h + 4, code);
	signer_put32(h + 8, (uint32_t)len);
	if (atomic_write_all(fd, h, sizeof(h)) != 0 ||
	    (len > 0 && atomic_write_all(fd, payload, len) != 0))
		return -1;
	return 0;
}

/*
 * Read one message: its code and payload (allocated, NUL-terminated).
 * 0 on EOF, -1 on a bad header, an oversized length or a read error.
 */
static int
signer_recv(int fd, uint32_t *code, char **payload, size_t *len)
{
	unsigned char h[SIGNER_HDR];
	uint32_t n;
	int r;

	*payload = NULL;
	*len = 0;
	if ((r = signer_read(fd, h, sizeof(h))) <= 0)
		return r;
	if (memcmp(h, SIGNER_MAGIC, 4) != 0 ||
	    (n = signer_get32(h + 8)) > SIGNER_MSG_MAX)
		return -1;
	*code = signer_get32(h + 4);
	if ((*payload = malloc((size_t)n + 1)) == NULL)
		return -1;
	if (n > 0 && signer_read(fd, *payload, n) != 1) {
		free(*payload);
		*payload = NULL;
		return -1;
	}
	(*payload)[n] = '\0';
	*len = n;
	return 1;
}

/* ---------------------------------------------------- building payloads */

/* A payload under construction. */
struct signer_buf {
	unsigned char *p;
	size_t len, size;
	uint32_t nfields;
	int failed;
};

static void
signer_buf_add(struct signer_buf *b, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	unsigned char *q;
	size_t need = b->len + 4 + n;

	if (b->failed)
		return;
	if (need > SIGNER_MSG_MAX || b->nfields >= SIGNER_FIELDS_MAX) {
		b->failed = 1;
		return;
	}
	if (need > b->size) {
		size_t sz = b->size ? b->size : 1024;

		while (sz < need)
			sz *= 2;
		if ((q = realloc(b->p, sz)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = q;
		b->size = sz;
	}
	signer_put32(b->p + b->len, (uint32_t)n);
	if (n > 0)
		memcpy(b->p + b->len + 4, s, n);
	b->len = need;
	b->nfields++;
}

static void
signer_buf_time(struct signer_buf *b, time_t t)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", (long long)t);
	signer_buf_add(b, s);
}

/* The payload with its field count in front (allocated). */
static unsigned char *
signer_buf_finish(struct signer_buf *b, size_t *len)
{
	unsigned char *out;

	if (b->failed || b->len + 4 > SIGNER_MSG_MAX ||
	    (out = malloc(b->len + 4)) == NULL)
		return NULL;
	signer_put32(out, b->nfields);
	if (b->len > 0)
		memcpy(out + 4, b->p, b->len);
	*len = b->len + 4;
	return out;
}

/* ------------------------------------------------------ reading payloads */

/* Start reading payload: 1 when it holds a count and it is sane. */
static int
signer_fields_init(struct signer_fields *f, const char *p, size_t len)
{
	memset(f, 0, sizeof(*f));
	if (len < 4)
		return 0;
	f->n = signer_get32((const unsigned char *)p);
	f->p = p + 4;
	f->len = len - 4;
	return f->n <= SIGNER_FIELDS_MAX;
}

/* The next field as a string into buf (size bytes); 0 when missing,
 * too long, or holding a NUL. */
static int
signer_field(struct signer_fields *f, char *buf, size_t size)
{
	uint32_t n;

	if (f->i >= f->n || f->len < 4)
		return 0;
	n = signer_get32((const unsigned char *)f->p);
	if ((size_t)n > f->len - 4 || (size_t)n >= size ||
	    memchr(f->p + 4, '\0', n) != NULL)
		return 0;
	memcpy(buf, f->p + 4, n);
	buf[n] = '\0';
	f->p += 4 + n;
	f->len -= 4 + n;
	f->i++;
	return 1;
}

/* A decimal time field. */
static int
signer_field_time(struct signer_fields *f, time_t *t)
{
	char s[24], *end;
	long long v;

	if (!signer_field(f, s, sizeof(s)) || s[0] < '0' || s[0] > '9')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	*t = (time_t)v;
	return 1;
}

/* ------------------------------------------------------------ the child */

/* Answer an error with its message. */
static void
signer_refuse(int fd, int code, const char *msg)
{
	fprintf(stderr, "plumb-collector: signer: refused: %s\n", msg);
	(void)signer_send(fd, (uint32_t)code, msg, strlen(msg));
}

/* SIGNER_CERT in the child. */
static void
signer_do_cert(int fd, const struct enroll *e, struct signer_fields *f)
{
	char host[ENROLL_HOST_MAX + 1], role[128], site[128], zone[128];
	char serial[64], *csr = NULL, *pem = NULL, *out = NULL;
	struct plumb_err err;
	X509_REQ *req = NULL;
	time_t now;
	size_t n, sl, pl;

	memset(&err, 0, sizeof(err));
	if ((csr = malloc(ENROLL_CSR_MAX + 1)) == NULL) {
		signer_refuse(fd, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (f->n != 6 || !signer_field_time(f, &now) ||
	    !signer_field(f, host, sizeof(host)) ||
	    !signer_field(f, role, sizeof(role)) ||
	    !signer_field(f, site, sizeof(site)) ||
	    !signer_field(f, zone, sizeof(zone)) ||
	    !signer_field(f, csr, ENROLL_CSR_MAX + 1) || f->len != 0) {
		signer_refuse(fd, PLUMB_EINVAL, "malformed certificate "
		    "request: six text fields expected (time, host, role, "
		    "site, zone, CSR)");
		goto out;
	}
	if (!enroll_host_valid(host)) {
		signer_refuse(fd, PLUMB_EINVAL, "malformed certificate "
		    "request: bad host");
		goto out;
	}
	/* The network process checked the CSR; the key holder checks it
	 * again, as if it had not. */
	if (enroll_csr_check(csr, strlen(csr), host, &req, &err) != PLUMB_OK ||
	    enroll_sign(e, req, host, role, site, zone, now, &pem, serial,
	    sizeof(serial), &err) != PLUMB_OK) {
		signer_refuse(fd, err.code != 0 ? err.code : PLUMB_EINVAL,
		    err.msg);
		goto out;
	}
	/* "serial NUL pem" */
	sl = strlen(serial);
	pl = strlen(pem);
	n = sl + 1 + pl;
	if ((out = malloc(n + 1)) == NULL) {
		signer_refuse(fd, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(out, serial, sl + 1);
	memcpy(out + sl + 1, pem, pl + 1);
	(void)signer_send(fd, PLUMB_OK, out, n);
out:
	free(out);
	free(pem);
	free(csr);
	X509_REQ_free(req);
}

/* SIGNER_CRL in the child. */
static void
signer_do_crl(int fd, const struct enroll *e, struct signer_fields *f)
{
	struct signer_revoked *v = NULL;
	struct plumb_err err;
	char *pem = NULL;
	time_t now;
	size_t i, n;

	memset(&err, 0, sizeof(err));
	if (f->n < 1 || f->n % 2 != 1 || !signer_field_time(f, &now)) {
		signer_refuse(fd, PLUMB_EINVAL, "malformed CRL request: the "
		    "time, then serial and time pairs expected");
		return;
	}
	n = (f->n - 1) / 2;
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL) {
		signer_refuse(fd, PLUMB_ENOMEM, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		if (!signer_field(f, v[i].serial, sizeof(v[i].serial)) ||
		    !signer_field_time(f, &v[i].when)) {
			signer_refuse(fd, PLUMB_EINVAL, "malformed CRL "
			    "request: bad serial or time");
			goto out;
		}
	if (f->len != 0) {
		signer_refuse(fd, PLUMB_EINVAL, "malformed CRL request: "
		    "bytes after the last field");
		goto out;
	}
	if (enroll_crl_sign(e, v, n, now, &pem, &err) != PLUMB_OK) {
		signer_refuse(fd, err.code != 0 ? err.code : PLUMB_EINVAL,
		    err.msg);
		goto out;
	}
	(void)signer_send(fd, PLUMB_OK, pem, strlen(pem));
out:
	free(pem);
	free(v);
}

/* The child: load the pair, say so, serve until the socket closes. */
static void
signer_child(int fd, const struct collector_config *cfg)
{
	struct signer_fields f;
	struct enroll *e = NULL;
	struct plumb_err err;
	uint32_t type;
	char *p;
	size_t len;
	int r, i;

	/* Nothing of the network side stays open here. */
	for (i = 3; i < SIGNER_FD_SCAN; i++)
		if (i != fd)
			(void)close(i);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	memset(&err, 0, sizeof(err));
	if (enroll_load_key(cfg, &e, &err) != PLUMB_OK) {
		(void)signer_send(fd, (uint32_t)(err.code != 0 ? err.code :
		    PLUMB_EIO), err.msg, strlen(err.msg));
		_exit(1);
	}
	if (signer_send(fd, SIGNER_READY, NULL, 0) != 0)
		_exit(1);
	for (;;) {
		if ((r = signer_recv(fd, &type, &p, &len)) <= 0) {
			if (r < 0)
				fprintf(stderr, "plumb-collector: signer: "
				    "malformed message header or length: "
				    "stopping\n");
			break;
		}
		if (!signer_fields_init(&f, p, len))
			signer_refuse(fd, PLUMB_EINVAL, "malformed request: "
			    "no field count or too many fields");
		else if (type == SIGNER_CERT)
			signer_do_cert(fd, e, &f);
		else if (type == SIGNER_CRL)
			signer_do_crl(fd, e, &f);
		else
			signer_refuse(fd, PLUMB_EINVAL, "unknown request "
			    "type");
		free(p);
	}
	enroll_free(e);
	_exit(r < 0 ? 1 : 0);
}

/* ------------------------------------------------------- network side */

int
signer_start(const struct collector_config *cfg, struct signer **out,
    struct plumb_err *err)
{
	struct signer *sg;
	struct timeval tv = { SIGNER_TIMEOUT_S, 0 };
	uint32_t status;
	char *msg = NULL;
	size_t len;
	int sv[2], rc;

	*out = NULL;
	if ((sg = calloc(1, sizeof(*sg))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	sg->fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		free(sg);
		return plumb_err_set(err, PLUMB_EIO, "signer: socketpair: %s",
		    strerror(errno));
	}
	fflush(stderr);
	if ((sg->pid = fork()) < 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "signer: fork: %s",
		    strerror(errno));
		close(sv[0]);
		close(sv[1]);
		free(sg);
		return rc;
	}
	if (sg->pid == 0) {
		close(sv[0]);
		signer_child(sv[1], cfg);
		_exit(1);
	}
	close(sv[1]);
	sg->fd = sv[0];
	(void)fcntl(sg->fd, F_SETFD, FD_CLOEXEC);
	/* A stuck signer must not stall the event loop for ever: a read
	 * that times out is an error ("does not answer"). */
	(void)setsockopt(sg->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (signer_recv(sg->fd, &status, &msg, &len) != 1) {
		rc = plumb_err_set(err, PLUMB_EIO, "signer: no answer from the "
		    "signing process");
		goto fail;
	}
	if (status != SIGNER_READY) {
		rc = plumb_err_set(err, (int)status, "%s", msg);
		goto fail;
	}
	free(msg);
	*out = sg;
	return PLUMB_OK;
fail:
	free(msg);
	signer_free(sg);
	return rc;
}

void
signer_free(struct signer *sg)
{
	if (sg == NULL)
		return;
	if (sg->fd >= 0)
		close(sg->fd);
	if (sg->pid > 0)
		while (waitpid(sg->pid, NULL, 0) < 0 && errno == EINTR)
			;
	free(sg);
}

long
signer_pid(const struct signer *sg)
{
	return (long)sg->pid;
}

int
signer_request(struct signer *sg, uint32_t type, const void *payload,
    size_t len, uint32_t *status, char **reply, size_t *replylen,
    struct plumb_err *err)
{
	*reply = NULL;
	*replylen = 0;
	if (sg->fd < 0)
		return plumb_err_set(err, PLUMB_EIO, "signer: the signing "
		    "process stopped answering earlier; restart the "
		    "collector");
	if (signer_send(sg->fd, type, payload, len) != 0 ||
	    signer_recv(sg->fd, status, reply, replylen) != 1) {
		/* A late answer would be read as the next one's: the
		 * channel is closed instead (the child then exits). */
		close(sg->fd);
		sg->fd = -1;
		return plumb_err_set(err, PLUMB_EIO, "signer: the signing "
		    "process does not answer (%d s)", SIGNER_TIMEOUT_S);
	}
	return PLUMB_OK;
}

/* Send what b holds as type; the answer's payload into *reply. */
static int
signer_call(struct signer *sg, uint32_t type, struct signer_buf *b,
    char **reply, size_t *replylen, struct plumb_err *err)
{
	unsigned char *p;
	uint32_t status;
	size_t len;
	int rc;

	*reply = NULL;
	if ((p = signer_buf_finish(b, &len)) == NULL) {
		free(b->p);
		return plumb_err_set(err, PLUMB_ELIMIT, "signer: request over "
		    "%u bytes", SIGNER_MSG_MAX);
	}
	free(b->p);
	rc = signer_request(sg, type, p, len, &status, reply, replylen, err);
	free(p);
	if (rc != PLUMB_OK)
		return rc;
	if (status != PLUMB_OK) {
		rc = plumb_err_set(err, status == (uint32_t)PLUMB_ENOMEM ? PLUMB_ENOMEM :
		    PLUMB_EINVAL, "%s", *reply);
		free(*reply);
		*reply = NULL;
	}
	return rc;
}

int
signer_cert(struct signer *sg, const char *csr, const char *host,
    const char *role, const char *site, const char *zone, time_t now,
    char **pem, char *serial, size_t serialsize, struct plumb_err *err)
{
	struct signer_buf b;
	char *reply;
	size_t len, sl;
	int rc;

	*pem = NULL;
	if (serialsize > 0)
		serial[0] = '\0';
	memset(&b, 0, sizeof(b));
	signer_buf_time(&b, now);
	signer_buf_add(&b, host);
	signer_buf_add(&b, role);
	signer_buf_add(&b, site);
	signer_buf_add(&b, zone);
	signer_buf_add(&b, csr);
	if ((rc = signer_call(sg, SIGNER_CERT, &b, &reply, &len, err)) !=
	    PLUMB_OK)
		return rc;
	/* "serial NUL pem" */
	sl = strnlen(reply, len);
	if (sl == len || sl + 1 >= len) {
		free(reply);
		return plumb_err_set(err, PLUMB_EIO, "signer: malformed "
		    "answer");
	}
	snprintf(serial, serialsize, "%s", reply);
	if ((*pem = strdup(reply + sl + 1)) == NULL)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	free(reply);
	return rc;
}

int
signer_crl(struct signer *sg, const struct signer_revoked *v, size_t n,
    time_t now, char **pem, struct plumb_err *err)
{
	struct signer_buf b;
	size_t i, len;

	memset(&b, 0, sizeof(b));
	signer_buf_time(&b, now);
	for (i = 0; i < n; i++) {
		signer_buf_add(&b, v[i].serial);
		signer_buf_time(&b, v[i].when);
	}
	return signer_call(sg, SIGNER_CRL, &b, pem, &len, err);
}
