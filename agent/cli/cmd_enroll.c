/*
 * cmd_enroll.c - "plumb enroll": get this host's agent certificate from
 * the collector with a one-time token, or renew it before it expires.
 *
 * The key is made here (EC P-256) and never sent: the collector gets a
 * CSR naming the host (CN) and answers with the signed certificate
 * (docs/api.md "Enrollment").  The collector is trusted through
 * agent.conf's ca_file only, as for uploads; the key and the
 * certificate are written where key_file and cert_file say, each
 * atomically (temporary file, fsync, rename), the key mode 0600.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "common/ini_util.h"
#include "common/pjson.h"
#include "agent_config.h"
#include "atomic.h"
#include "cmd.h"
#include "keyfile.h"
#include "upload.h"

#define ENROLL_RESP_MAX		(256 * 1024)	/* the collector's answer */
#define ENROLL_BODY_MAX		(64 * 1024)	/* our request: token, CSR */
#define ENROLL_URL_MAX		2048
#define ENROLL_DAY_S		86400

/* The answer of the collector, bounded. */
struct enroll_buf {
	char *data;
	size_t len;
	int overflow;
};

static void
enroll_usage(FILE *f)
{
	fprintf(f,
	    "usage: plumb enroll --collector URL --token TOKEN [--host ID] "
	    "[--force]\n"
	    "                    [--config FILE]\n"
	    "       plumb enroll --renew --collector URL [--days-before N] "
	    "[--config FILE]\n"
	    "\n"
	    "Get this host's agent certificate from the collector.  The key "
	    "is made here\n"
	    "(EC P-256, written to key_file mode 0600) and never sent; the "
	    "collector signs\n"
	    "a request naming the host (CN) once the one-time TOKEN is valid "
	    "and the\n"
	    "certificate is written to cert_file.  The collector is trusted "
	    "through\n"
	    "ca_file only (agent.conf [collector]).\n"
	    "\n"
	    "  --collector URL    the collector's api listener, e.g. "
	    "https://collector:8444\n"
	    "  --token TOKEN      one-time enrollment token (from the "
	    "collector's admin)\n"
	    "  --host ID          identity to enroll (default: agent.conf "
	    "host_id)\n"
	    "  --force            replace a certificate that is still valid\n"
	    "  --renew            renew the current certificate over mutual "
	    "TLS (new key)\n"
	    "  --days-before N    renew only when it expires within N days "
	    "(default 30)\n"
	    "  -c, --config FILE  agent configuration (default "
	    CONFIG_DEFAULT_PATH ")\n"
	    "  -h, --help         show this help\n");
}

/* libcurl write callback: keep the answer up to ENROLL_RESP_MAX. */
static size_t
enroll_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct enroll_buf *b = arg;
	size_t n = size * nmemb;
	char *p;

	if (b->len + n > ENROLL_RESP_MAX) {
		b->overflow = 1;
		return 0;
	}
	if ((p = realloc(b->data, b->len + n + 1)) == NULL)
		return 0;
	b->data = p;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* The OpenSSL error queue as one line. */
static void
enroll_ssl_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "no detail");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
}

/* A new EC P-256 key and a CSR for CN = host signed by it, as PEM. */
static int
enroll_make_csr(const char *host, EVP_PKEY **key, char **csr_pem,
    struct plumb_err *err)
{
	X509_REQ *req = NULL;
	X509_NAME *name;
	BIO *mem = NULL;
	BUF_MEM *bm;
	char ebuf[256];
	int rc = PLUMB_EIO;

	*key = NULL;
	*csr_pem = NULL;
	if ((*key = EVP_EC_gen("P-256")) == NULL ||
	    (req = X509_REQ_new()) == NULL ||
	    X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    (name = X509_REQ_get_subject_name(req)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)host, -1, -1, 0) != 1 ||
	    X509_REQ_set_pubkey(req, *key) != 1 ||
	    X509_REQ_sign(req, *key, EVP_sha256()) <= 0 ||
	    (mem = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_REQ(mem, req) != 1) {
		enroll_ssl_error(ebuf, sizeof(ebuf));
		plumb_err_set(err, PLUMB_EIO, "cannot make the key and "
		    "request: %s", ebuf);
		goto out;
	}
	BIO_get_mem_ptr(mem, &bm);
	if ((*csr_pem = strndup(bm->data, bm->length)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	rc = PLUMB_OK;
out:
	if (rc != PLUMB_OK) {
		EVP_PKEY_free(*key);
		*key = NULL;
	}
	BIO_free(mem);
	X509_REQ_free(req);
	return rc;
}

/* What an HTTP refusal means for the operator. */
static const char *
enroll_http_meaning(long code, int renew)
{
	switch (code) {
	case 400:
		return "the collector refused the request";
	case 401:
	case 403:
		return renew ? "the collector refused this agent's "
		    "certificate for renewal" : "token unknown, used or "
		    "expired";
	case 404:
		return "no enrollment here (is the URL the collector's api "
		    "listener?)";
	case 503:
		return "enrollment is not configured on the collector";
	default:
		return "unexpected answer";
	}
}

/*
 * POST body (JSON) to url; client cert/key when renewing.  The
 * certificate PEM of a 200/201 answer into *cert_pem (allocated).
 */
static int
enroll_post(const struct config *cfg, const char *url, const char *body,
    int renew, char **cert_pem, struct plumb_err *err)
{
	char errbuf[CURL_ERROR_SIZE];
	struct enroll_buf resp;
	struct upload_opts uo;
	struct curl_slist *hdrs = NULL;
	char *v = NULL;
	CURL *c = NULL;
	CURLcode cc;
	long code = 0;
	int rc = PLUMB_EIO;

	*cert_pem = NULL;
	errbuf[0] = '\0';
	memset(&resp, 0, sizeof(resp));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL ||
	    (hdrs = curl_slist_append(NULL,
	    "Content-Type: application/json")) == NULL ||
	    (hdrs = curl_slist_append(hdrs, "Expect:")) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "libcurl: out of memory");
		goto out;
	}
	/* Trust the configured CA only, as for uploads. */
	memset(&uo, 0, sizeof(uo));
	uo.url = url;
	uo.ca_file = cfg->ca_file;
	if (renew) {
		uo.cert_file = cfg->cert_file;
		uo.key_file = cfg->key_file;
	}
	uo.connect_timeout_s = cfg->connect_timeout_s;
	uo.timeout_s = cfg->timeout_s;
	cc = upload_curl_setopts(c, &uo, errbuf);
#define SET(opt, val) do { \
	if (cc == CURLE_OK) \
		cc = curl_easy_setopt(c, opt, val); \
} while (0)
	SET(CURLOPT_POSTFIELDS, body);
	SET(CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_WRITEFUNCTION, enroll_write_cb);
	SET(CURLOPT_WRITEDATA, &resp);
#undef SET
	if (cc != CURLE_OK) {
		rc = plumb_err_set(err, PLUMB_ENOTSUP, "libcurl option not "
		    "supported: %s", curl_easy_strerror(cc));
		goto out;
	}
	if ((cc = curl_easy_perform(c)) != CURLE_OK) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s%s", url,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc),
		    cc == CURLE_PEER_FAILED_VERIFICATION ? " (the collector's "
		    "certificate is not trusted by ca_file, or names another "
		    "host)" : resp.overflow ? " (answer too large)" : "");
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	/* A string of the answer is never longer than the answer. */
	if ((v = malloc(resp.len + 1)) == NULL) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	if (code != 200 && code != 201) {
		int have = resp.data != NULL && pjson_object_string(resp.data,
		    resp.len, "error", v, resp.len + 1) == 0;

		rc = plumb_err_set(err, code == 403 || code == 401 ?
		    PLUMB_EINVAL : PLUMB_EIO, "%s: HTTP %ld: %s%s%.200s", url,
		    code, enroll_http_meaning(code, renew),
		    have ? ": " : "", have ? v : "");
		goto out;
	}
	if (resp.data == NULL || pjson_object_string(resp.data, resp.len,
	    "certificate", v, resp.len + 1) != 0) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "%s: the answer holds no "
		    "certificate", url);
		goto out;
	}
	*cert_pem = v;
	v = NULL;
	rc = PLUMB_OK;
out:
	free(v);
	free(resp.data);
	curl_slist_free_all(hdrs);
	if (c != NULL)
		curl_easy_cleanup(c);
	return rc;
}

/* The single CN of cert into buf. */
static int
enroll_cert_cn(X509 *cert, char *buf, size_t size)
{
	return X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
	    NID_commonName, buf, (int)size) > 0 ? 0 : -1;
}

/*
 * Check what the collector sent: a certificate for host whose public
 * key is ours and that is valid now; its notAfter into *until.
 */
static int
enroll_check_cert(const char *pem, EVP_PKEY *key, const char *host,
    time_t *until, struct plumb_err *err)
{
	X509 *cert = NULL;
	BIO *b;
	char cn[256];
	struct tm tm;
	int rc = PLUMB_EINVAL;

	if ((b = BIO_new_mem_buf(pem, -1)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (cert == NULL) {
		ERR_clear_error();
		return plumb_err_set(err, PLUMB_EPARSE, "the collector's "
		    "answer is not a PEM certificate");
	}
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		plumb_err_set(err, rc, "the certificate received is not for "
		    "the key made here");
		goto out;
	}
	if (enroll_cert_cn(cert, cn, sizeof(cn)) != 0 ||
	    strcasecmp(cn, host) != 0) {
		plumb_err_set(err, rc, "the certificate received names "
		    "\"%s\", not %s", cn, host);
		goto out;
	}
	if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) {
		plumb_err_set(err, rc, "the certificate received has a bad "
		    "expiry date");
		goto out;
	}
	*until = timegm(&tm);
	rc = PLUMB_OK;
out:
	X509_free(cert);
	return rc;
}

/* The key as PEM (unencrypted PKCS#8), then both files in place:
 * key first, so a certificate on disk never lacks its key. */
static int
enroll_store(const struct config *cfg, EVP_PKEY *key, const char *cert,
    struct plumb_err *err)
{
	BIO *mem;
	BUF_MEM *bm;
	int rc;

	if ((mem = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL,
	    NULL) != 1) {
		BIO_free(mem);
		return plumb_err_set(err, PLUMB_ENOMEM, "cannot encode the "
		    "key");
	}
	BIO_get_mem_ptr(mem, &bm);
	rc = atomic_write_file(cfg->key_file, bm->data, bm->length, 0600, err);
	BIO_free(mem);
	if (rc != PLUMB_OK)
		return rc;
	return atomic_write_file(cfg->cert_file, cert, strlen(cert), 0644, err);
}

/* URL of route under the collector's base URL. */
static int
enroll_url(const char *base, const char *route, char *buf, size_t size,
    struct plumb_err *err)
{
	size_t n = strlen(base);

	if (strncasecmp(base, "https://", 8) != 0)
		return plumb_err_set(err, PLUMB_EINVAL, "--collector %s: only "
		    "https:// URLs are allowed", base);
	while (n > 8 && base[n - 1] == '/')
		n--;
	if ((size_t)snprintf(buf, size, "%.*s/api/v1/%s", (int)n, base,
	    route) >= size)
		return plumb_err_set(err, PLUMB_ELIMIT, "--collector: URL too "
		    "long");
	return PLUMB_OK;
}

/* The current certificate: its CN and notAfter; PLUMB_ENOENT if none. */
static int
enroll_current(const char *path, char *cn, size_t size, time_t *until,
    struct plumb_err *err)
{
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	struct tm tm;
	int rc;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return PLUMB_ENOENT;
	if ((rc = keyfile_load_cert(path, &cert, &chain, err)) != PLUMB_OK)
		return rc;
	rc = PLUMB_OK;
	if (enroll_cert_cn(cert, cn, size) != 0)
		rc = plumb_err_set(err, PLUMB_EINVAL, "%s: the certificate "
		    "has no CN", path);
	else if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1)
		rc = plumb_err_set(err, PLUMB_EINVAL, "%s: bad expiry date",
		    path);
	else
		*until = timegm(&tm);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

static void
enroll_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

/* Enroll or renew, with the options parsed. */
static int
enroll_run(const struct config *cfg, const char *collector,
    const char *token, const char *host, int renew, int force,
    unsigned days_before, struct plumb_err *err)
{
	EVP_PKEY *key = NULL;
	struct dynbuf body = DYNBUF_INIT(ENROLL_BODY_MAX);
	char url[ENROLL_URL_MAX], cn[256], when[64], *csr = NULL;
	char *text = NULL, *cert = NULL;
	time_t now = time(NULL), until = 0, left;
	int rc;

	if ((rc = enroll_url(collector, renew ? "renew" : "enroll", url,
	    sizeof(url), err)) != PLUMB_OK)
		return rc;
	rc = enroll_current(cfg->cert_file, cn, sizeof(cn), &until, err);
	if (renew) {
		if (rc == PLUMB_ENOENT)
			return plumb_err_set(err, PLUMB_ENOENT, "%s: no "
			    "certificate to renew (enroll first with --token)",
			    cfg->cert_file);
		if (rc != PLUMB_OK)
			return rc;
		left = until - now;
		enroll_date(until, when, sizeof(when));
		if (left > (time_t)days_before * ENROLL_DAY_S) {
			printf("%s: valid until %s (%lld days left, more than "
			    "%u): not renewed\n", cfg->cert_file, when,
			    (long long)(left / ENROLL_DAY_S), days_before);
			return PLUMB_OK;
		}
		if (left <= 0)
			return plumb_err_set(err, PLUMB_EINVAL, "%s expired on "
			    "%s: it cannot be renewed; enroll again with a "
			    "new token", cfg->cert_file, when);
		host = cn;
	} else {
		if (rc == PLUMB_OK && until > now && !force) {
			enroll_date(until, when, sizeof(when));
			return plumb_err_set(err, PLUMB_EINVAL, "%s holds a "
			    "certificate valid until %s; use --renew, or "
			    "--force to replace it", cfg->cert_file, when);
		}
		if (rc != PLUMB_OK && rc != PLUMB_ENOENT && !force)
			return rc;
	}
	if ((rc = enroll_make_csr(host, &key, &csr, err)) != PLUMB_OK)
		goto out;
	/* {"token":T,"csr":C}, or {"csr":C} to renew. */
	if ((!renew && (dynbuf_add(&body, "{\"token\":", 9) != PLUMB_OK ||
	    pjson_put_string(&body, token) != PLUMB_OK ||
	    dynbuf_add(&body, ",", 1) != PLUMB_OK)) ||
	    (renew && dynbuf_add(&body, "{", 1) != PLUMB_OK) ||
	    dynbuf_add(&body, "\"csr\":", 6) != PLUMB_OK ||
	    pjson_put_string(&body, csr) != PLUMB_OK ||
	    dynbuf_add(&body, "}", 2) != PLUMB_OK) {	/* NUL kept */
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	text = (char *)dynbuf_take(&body, NULL);
	if ((rc = enroll_post(cfg, url, text, renew, &cert, err)) != PLUMB_OK ||
	    (rc = enroll_check_cert(cert, key, host, &until, err)) !=
	    PLUMB_OK ||
	    (rc = enroll_store(cfg, key, cert, err)) != PLUMB_OK)
		goto out;
	enroll_date(until, when, sizeof(when));
	printf("%s %s: key %s (made here, mode 0600), certificate %s, valid "
	    "until %s\n", renew ? "renewed" : "enrolled", host, cfg->key_file,
	    cfg->cert_file, when);
out:
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	if (body.p != NULL)
		OPENSSL_cleanse(body.p, body.len);
	dynbuf_free(&body);
	free(csr);
	free(cert);
	EVP_PKEY_free(key);
	return rc;
}

int
cmd_enroll(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "collector", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "host", required_argument, NULL, 'H' },
		{ "renew", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "days-before", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config cfg;
	struct plumb_err err;
	const char *path = CONFIG_DEFAULT_PATH, *collector = NULL;
	const char *token = NULL, *host = NULL;
	unsigned long long n;
	unsigned days_before = 30;
	int ch, renew = 0, force = 0, rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&err, 0, sizeof(err));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			collector = optarg;
			break;
		case 't':
			token = optarg;
			break;
		case 'H':
			host = optarg;
			break;
		case 'r':
			renew = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'd':
			if (ini_uint(optarg, &n) != 0 || n > 3650) {
				cmd_warnx("enroll: --days-before %s: a whole "
				    "number of days, 0 to 3650", optarg);
				return CMD_EXIT_ERROR;
			}
			days_before = (unsigned)n;
			break;
		case 'c':
			path = optarg;
			break;
		case 'h':
			enroll_usage(stdout);
			return CMD_EXIT_OK;
		default:
			enroll_usage(stderr);
			return CMD_EXIT_ERROR;
		}
	}
	if (optind != argc || collector == NULL ||
	    (renew ? (token != NULL || host != NULL) : token == NULL)) {
		enroll_usage(stderr);
		return CMD_EXIT_ERROR;
	}
	if (config_defaults(&cfg, &err) != PLUMB_OK ||
	    config_load(&cfg, path, &err) != PLUMB_OK) {
		cmd_warnx("enroll: %s", err.msg);
		config_clear(&cfg);
		return CMD_EXIT_ERROR;
	}
	if (host == NULL)
		host = cfg.host_id;
	rc = enroll_run(&cfg, collector, token, host, renew, force,
	    days_before, &err);
	if (rc != PLUMB_OK)
		cmd_warnx("enroll: %s", err.msg);
	config_clear(&cfg);
	return rc == PLUMB_OK ? CMD_EXIT_OK : CMD_EXIT_ERROR;
}
