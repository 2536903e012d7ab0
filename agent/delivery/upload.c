/*
 * upload.c - send one bundle to the collector over mutual TLS (libcurl).
 *
 * Trust: only the configured CA (CURLOPT_CAINFO or its in-memory copy,
 * CURLOPT_CAPATH cleared so no system directory is consulted), peer and
 * host name verified, TLS 1.2 or later, HTTPS only, no redirects.  The
 * body is streamed from the file through a read callback, never loaded
 * whole.  Failures are classified for the spool (retry, or rejected)
 * and explained in words an operator can act on.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "plumb/error.h"
#include "atomic.h"
#include "upload.h"

#define UPLOAD_CRED_MAX		(1024 * 1024)	/* one PEM file */
#define UPLOAD_BODY_KEEP	200	/* response bytes kept for messages */
#define UPLOAD_UUID_MAX		64

/* The request body: an open bundle file and how much is left of it. */
struct upload_src {
	int fd;
	off_t start;
	int failed_errno;
};

/* The first bytes of the response body, for error messages. */
struct upload_sink {
	char buf[UPLOAD_BODY_KEEP + 1];
	size_t len;
};

static int upload_curl_ready;

/* libcurl's global state, set up once per process (single-threaded). */
static int
upload_global_init(struct plumb_err *err)
{
	CURLcode cc;

	if (upload_curl_ready)
		return PLUMB_OK;
	if ((cc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK)
		return plumb_err_set(err, PLUMB_EIO, "libcurl: %s",
		    curl_easy_strerror(cc));
	upload_curl_ready = 1;
	return PLUMB_OK;
}

/* Read callback: the next piece of the bundle file. */
static size_t
upload_read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload_src *src = arg;
	size_t want = size * nitems;
	ssize_t n;

	for (;;) {
		n = read(src->fd, buf, want);
		if (n >= 0)
			return (size_t)n;
		if (errno != EINTR)
			break;
	}
	src->failed_errno = errno;
	return CURL_READFUNC_ABORT;
}

/* Seek callback, so libcurl can rewind the body if it must resend. */
static int
upload_seek_cb(void *arg, curl_off_t offset, int origin)
{
	struct upload_src *src = arg;

	if (origin != SEEK_SET || offset < 0)
		return CURL_SEEKFUNC_CANTSEEK;
	if (lseek(src->fd, src->start + (off_t)offset, SEEK_SET) == -1)
		return CURL_SEEKFUNC_FAIL;
	return CURL_SEEKFUNC_OK;
}

/* Write callback: keep the first bytes of the answer, drop the rest. */
static size_t
upload_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct upload_sink *sink = arg;
	size_t n = size * nmemb, room = UPLOAD_BODY_KEEP - sink->len, i;

	if (room > n)
		room = n;
	for (i = 0; i < room; i++) {
		/* Printable ASCII only: the text goes into logs. */
		sink->buf[sink->len++] = (data[i] >= 0x20 && data[i] < 0x7f) ?
		    data[i] : ' ';
	}
	sink->buf[sink->len] = '\0';
	return n;
}

/* A bundle UUID travels in a header: hex digits and dashes only. */
static int
upload_uuid_ok(const char *uuid)
{
	size_t i, n;

	if (uuid == NULL || (n = strlen(uuid)) == 0 || n > UPLOAD_UUID_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (!((uuid[i] >= '0' && uuid[i] <= '9') ||
		    (uuid[i] >= 'a' && uuid[i] <= 'f') ||
		    (uuid[i] >= 'A' && uuid[i] <= 'F') || uuid[i] == '-'))
			return 0;
	}
	return 1;
}

/* What a failed transfer means for the operator, from curl's code and
 * the TLS library's text (an alert names what the peer disliked). */
static const char *
upload_meaning(CURLcode cc, const char *detail)
{
	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		if (strstr(detail, "subject name") != NULL ||
		    strstr(detail, "host name") != NULL ||
		    strstr(detail, "does not match") != NULL)
			return "server name does not match the collector's "
			    "certificate (check the url host)";
		return "server certificate not trusted by ca_file";
	case CURLE_SSL_CACERT_BADFILE:
		return "ca_file could not be read or holds no usable "
		    "certificate";
	case CURLE_SSL_CERTPROBLEM:
		return "client certificate or key could not be used "
		    "(cert_file/key_file unreadable, not PEM, or not a pair)";
	case CURLE_COULDNT_RESOLVE_HOST:
		return "collector host name could not be resolved";
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "proxy host name could not be resolved";
	case CURLE_COULDNT_CONNECT:
		return "collector not reachable (connection refused or no "
		    "route)";
	case CURLE_OPERATION_TIMEDOUT:
		return "timed out (connect_timeout/timeout)";
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return "bad collector url";
	case CURLE_READ_ERROR:
	case CURLE_ABORTED_BY_CALLBACK:
		return "the bundle file could not be read";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		if (strstr(detail, "alert") != NULL &&
		    (strstr(detail, "certificate") != NULL ||
		    strstr(detail, "unknown ca") != NULL ||
		    strstr(detail, "access denied") != NULL))
			return "client certificate rejected by the collector "
			    "(missing, expired, or not issued by its CA)";
		if (cc == CURLE_SSL_CONNECT_ERROR)
			return "TLS handshake failed (TLS 1.2 or later "
			    "required)";
		if (cc == CURLE_GOT_NOTHING)
			return "the collector closed the connection without "
			    "an answer";
		return "connection to the collector failed (if it persists: "
		    "the collector may refuse the client certificate)";
	default:
		return "transfer failed";
	}
}

CURLcode
upload_curl_setopts(CURL *c, const struct upload_opts *o, char *errbuf)
{
	struct curl_blob blob;
	CURLcode cc = CURLE_OK;

#define SET(opt, val) do { \
	if (cc == CURLE_OK) \
		cc = curl_easy_setopt(c, opt, val); \
} while (0)
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_URL, o->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "https");
#else
	SET(CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_USERAGENT, "plumb/" PACKAGE_VERSION);
	/* Trust: the configured CA only.  CAPATH is cleared so the
	 * library's built-in certificate directory is never searched;
	 * no native (OS) store, no automatic client certificate. */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(CURLOPT_CAPATH, NULL);
	SET(CURLOPT_CAINFO, o->ca_file);
	if (o->creds != NULL) {
		/* A blob overrides CURLOPT_CAINFO (the file is not read). */
		blob.flags = CURL_BLOB_COPY;
		blob.data = o->creds->ca;
		blob.len = o->creds->ca_len;
		SET(CURLOPT_CAINFO_BLOB, &blob);
		blob.data = o->creds->cert;
		blob.len = o->creds->cert_len;
		SET(CURLOPT_SSLCERT_BLOB, &blob);
		blob.data = o->creds->key;
		blob.len = o->creds->key_len;
		SET(CURLOPT_SSLKEY_BLOB, &blob);
		SET(CURLOPT_SSLCERTTYPE, "PEM");
		SET(CURLOPT_SSLKEYTYPE, "PEM");
	} else if (o->cert_file != NULL) {
		SET(CURLOPT_SSLCERT, o->cert_file);
		SET(CURLOPT_SSLKEY, o->key_file);
		SET(CURLOPT_SSLCERTTYPE, "PEM");
		SET(CURLOPT_SSLKEYTYPE, "PEM");
	}
	SET(CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout_s);
	SET(CURLOPT_TIMEOUT, (long)o->timeout_s);
#undef SET
	return cc;
}

/* Build the easy handle for one POST; the caller frees handle and list. */
static int
upload_setup(CURL *c, const struct upload_opts *o, struct upload_src *src,
    curl_off_t size, struct upload_sink *sink, char *errbuf,
    struct curl_slist **hdrs, const char *uuid, struct plumb_err *err)
{
	char line[sizeof("X-Plumb-Bundle: ") + UPLOAD_UUID_MAX];
	CURLcode cc;

	*hdrs = NULL;
	snprintf(line, sizeof(line), "X-Plumb-Bundle: %s", uuid);
	if ((*hdrs = curl_slist_append(*hdrs, line)) == NULL ||
	    (*hdrs = curl_slist_append(*hdrs,
	    "Content-Type: application/pkcs7-mime")) == NULL ||
	    /* No "Expect: 100-continue" round trip. */
	    (*hdrs = curl_slist_append(*hdrs, "Expect:")) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");

	cc = upload_curl_setopts(c, o, errbuf);
#define SET(opt, val) do { \
	if (cc == CURLE_OK) \
		cc = curl_easy_setopt(c, opt, val); \
} while (0)
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	SET(CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_SSL_OPTIONS, 0L);
	/* The body, streamed. */
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDSIZE_LARGE, size);
	SET(CURLOPT_READFUNCTION, upload_read_cb);
	SET(CURLOPT_READDATA, src);
	SET(CURLOPT_SEEKFUNCTION, upload_seek_cb);
	SET(CURLOPT_SEEKDATA, src);
	SET(CURLOPT_HTTPHEADER, *hdrs);
	SET(CURLOPT_WRITEFUNCTION, upload_write_cb);
	SET(CURLOPT_WRITEDATA, sink);
#undef SET
	if (cc != CURLE_OK)
		return plumb_err_set(err, PLUMB_ENOTSUP,
		    "libcurl option not supported: %s",
		    curl_easy_strerror(cc));
	return PLUMB_OK;
}

/* Map an HTTP answer to the spool's view of it. */
static enum upload_status
upload_http_status(long code, const char *uuid, const struct upload_opts *o,
    const struct upload_sink *sink, struct plumb_err *err)
{
	const char *what;

	if ((code >= 200 && code < 300) || code == 409)
		return UPLOAD_OK;
	if (code >= 500 || code == 408 || code == 429) {
		plumb_err_set(err, PLUMB_EIO, "upload of %s to %s: collector "
		    "answered HTTP %ld (temporary, will retry)%s%s", uuid,
		    o->url, code, sink->len ? ": " : "", sink->buf);
		return UPLOAD_RETRY;
	}
	if (code == 401 || code == 403)
		what = "the collector refused this agent's identity";
	else if (code == 413)
		what = "bundle too large for the collector";
	else if (code >= 400)
		what = "the collector rejected the bundle";
	else
		what = "unexpected answer (redirects are not followed)";
	plumb_err_set(err, PLUMB_EINVAL, "upload of %s to %s: HTTP %ld: %s%s%s",
	    uuid, o->url, code, what, sink->len ? ": " : "", sink->buf);
	return UPLOAD_REJECTED;
}

/* POST the rest of fd; see upload.h. */
enum upload_status
upload_bundle_fd(const struct upload_opts *o, int fd, const char *uuid,
    struct plumb_err *err)
{
	char errbuf[CURL_ERROR_SIZE];
	struct upload_src src;
	struct upload_sink sink;
	struct curl_slist *hdrs = NULL;
	struct stat st;
	enum upload_status ret = UPLOAD_RETRY;
	CURL *c = NULL;
	CURLcode cc;
	long code = 0;
	const char *detail;

	errbuf[0] = '\0';
	memset(&sink, 0, sizeof(sink));
	src.fd = fd;
	src.failed_errno = 0;
	if (o == NULL || o->url == NULL || o->ca_file == NULL ||
	    (o->creds == NULL && (o->cert_file == NULL) !=
	    (o->key_file == NULL))) {
		plumb_err_set(err, PLUMB_EINVAL, "upload: url, ca_file, "
		    "cert_file and key_file must all be configured");
		return UPLOAD_REJECTED;
	}
	if (strncasecmp(o->url, "https://", 8) != 0) {
		plumb_err_set(err, PLUMB_EINVAL, "upload: %s: only https:// "
		    "collector urls are allowed", o->url);
		return UPLOAD_REJECTED;
	}
	if (!upload_uuid_ok(uuid)) {
		plumb_err_set(err, PLUMB_EINVAL, "upload: bad bundle uuid");
		return UPLOAD_REJECTED;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (src.start = lseek(fd, 0, SEEK_CUR)) == -1) {
		plumb_err_set(err, PLUMB_EIO, "upload of %s: not a readable "
		    "regular file", uuid);
		return UPLOAD_RETRY;
	}
	if (upload_global_init(err) != PLUMB_OK)
		return UPLOAD_RETRY;
	if ((c = curl_easy_init()) == NULL) {
		plumb_err_set(err, PLUMB_ENOMEM, "libcurl: out of memory");
		goto out;
	}
	if (upload_setup(c, o, &src, (curl_off_t)(st.st_size - src.start),
	    &sink, errbuf, &hdrs, uuid, err) != PLUMB_OK)
		goto out;
	if ((cc = curl_easy_perform(c)) != CURLE_OK) {
		detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc);
		if (src.failed_errno != 0)
			plumb_err_set(err, PLUMB_EIO, "upload of %s: reading "
			    "the bundle: %s", uuid, strerror(src.failed_errno));
		else
			plumb_err_set(err, PLUMB_EIO, "upload of %s to %s "
			    "failed: %s (curl: %s)", uuid, o->url,
			    upload_meaning(cc, detail), detail);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	ret = upload_http_status(code, uuid, o, &sink, err);
out:
	curl_slist_free_all(hdrs);
	if (c != NULL)
		curl_easy_cleanup(c);
	return ret;
}

/* POST the bundle at path; see upload.h. */
enum upload_status
upload_bundle(const struct upload_opts *o, const char *path,
    const char *uuid, struct plumb_err *err)
{
	enum upload_status ret;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		plumb_err_set(err, PLUMB_EIO, "upload: %s: %s", path,
		    strerror(errno));
		return errno == ENOENT ? UPLOAD_REJECTED : UPLOAD_RETRY;
	}
	ret = upload_bundle_fd(o, fd, uuid, err);
	close(fd);
	return ret;
}

/* Read one credential file whole (bounded). */
static int
upload_slurp(const char *what, const char *path, unsigned char **out,
    size_t *len, struct plumb_err *err)
{
	unsigned char *buf = NULL;
	struct stat st;
	int fd = -1, rc = PLUMB_EIO;

	*out = NULL;
	*len = 0;
	if (path == NULL)
		return plumb_err_set(err, PLUMB_EINVAL, "%s is not configured",
		    what);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		plumb_err_set(err, PLUMB_EIO, "%s %s: %s", what, path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > UPLOAD_CRED_MAX) {
		rc = plumb_err_set(err, PLUMB_ELIMIT, "%s %s: not a regular "
		    "file of 1 to %d bytes", what, path, UPLOAD_CRED_MAX);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (atomic_read_all(fd, buf, (size_t)st.st_size) != 0) {
		plumb_err_set(err, PLUMB_EIO, "%s %s: %s", what, path,
		    errno == 0 ? "short read" : strerror(errno));
		goto out;
	}
	*out = buf;
	*len = (size_t)st.st_size;
	buf = NULL;
	rc = PLUMB_OK;
out:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, (size_t)st.st_size);
		free(buf);
	}
	if (fd != -1)
		close(fd);
	return rc;
}

/* Read the three credential files now, while they can be read. */
int
upload_creds_load(struct upload_creds *cr, const struct upload_opts *o,
    struct plumb_err *err)
{
	int rc;

	memset(cr, 0, sizeof(*cr));
	if ((rc = upload_slurp("ca_file", o->ca_file, &cr->ca, &cr->ca_len,
	    err)) != PLUMB_OK ||
	    (rc = upload_slurp("cert_file", o->cert_file, &cr->cert,
	    &cr->cert_len, err)) != PLUMB_OK ||
	    (rc = upload_slurp("key_file", o->key_file, &cr->key,
	    &cr->key_len, err)) != PLUMB_OK)
		upload_creds_clear(cr);
	return rc;
}

/* Forget the credentials, wiping the private key first. */
void
upload_creds_clear(struct upload_creds *cr)
{
	if (cr == NULL)
		return;
	free(cr->ca);
	free(cr->cert);
	if (cr->key != NULL)
		OPENSSL_cleanse(cr->key, cr->key_len);
	free(cr->key);
	memset(cr, 0, sizeof(*cr));
}

/* A uniform integer in [0, d] from the OpenSSL generator (rejection
 * sampling, no modulo bias); d itself if no randomness is available. */
static uint64_t
upload_uniform(uint64_t d)
{
	uint64_t v, range, limit;

	if (d == 0)
		return 0;
	range = d + 1;
	limit = UINT64_MAX - (UINT64_MAX % range);
	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return d;
	} while (v >= limit);
	return v % range;
}

/* Full-jitter exponential backoff; see upload.h. */
unsigned
upload_backoff(unsigned attempt, unsigned base_s, unsigned max_s)
{
	uint64_t d;

	if (base_s == 0 || max_s == 0)
		return 0;
	d = base_s;
	while (attempt > 0 && d < max_s) {
		d *= 2;
		attempt--;
	}
	if (d > max_s)
		d = max_s;
	return (unsigned)upload_uniform(d);
}
