/*
 * check_enroll.c - enrollment (collector/enroll.h): CSR checks, the
 * one-time tokens and the three routes' handlers called directly (the
 * api.h helpers come from tests/unit/api_stub_enroll.c).  Expected
 * values follow enroll.h and docs/api.md "Enrollment".
 *
 * The token table lives in SQLite, or, when PLUMB_TEST_PG holds a
 * postgresql:// URL of a database the tests may wipe, in PostgreSQL
 * (tests/collector/pg.sh tests/unit/check_enroll).
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "plumb/error.h"
#include "api.h"
#include "collector_config.h"
#include "enroll.h"
#include "signer.h"
#include "store.h"

#define NOW	((time_t)1800000000)	/* 2027-01-15 */
#define HOST	"agent01.plant.test"

static char dir[64];
static char capath[128], keypath[128], dbpath[128];
static struct collector_config cfg;
static X509 *call_peer;		/* the caller's certificate in call() */
static struct store *st;
static struct api_ctx ctx;
static EVP_PKEY *cakey;
static X509 *cacert;

/* A self-signed CA (EC P-256), written to capath/keypath. */
static void
make_ca(void)
{
	X509_NAME *n;
	X509V3_CTX v3;
	X509_EXTENSION *ex;
	FILE *f;

	cakey = EVP_EC_gen("P-256");
	ck_assert_ptr_nonnull(cakey);
	cacert = X509_new();
	ASN1_INTEGER_set(X509_get_serialNumber(cacert), 1);
	X509_set_version(cacert, X509_VERSION_3);
	n = X509_get_subject_name(cacert);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"enroll test CA", -1, -1, 0);
	X509_set_issuer_name(cacert, n);
	X509_time_adj_ex(X509_getm_notBefore(cacert), -1, 0, NULL);
	X509_time_adj_ex(X509_getm_notAfter(cacert), 36500, 0, NULL);
	X509_set_pubkey(cacert, cakey);
	X509V3_set_ctx(&v3, cacert, cacert, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    "critical,CA:TRUE");
	X509_add_ext(cacert, ex, -1);
	X509_EXTENSION_free(ex);
	ck_assert_int_gt(X509_sign(cacert, cakey, EVP_sha256()), 0);
	ck_assert_ptr_nonnull(f = fopen(capath, "w"));
	PEM_write_X509(f, cacert);
	fclose(f);
	ck_assert_ptr_nonnull(f = fopen(keypath, "w"));
	PEM_write_PrivateKey(f, cakey, NULL, NULL, 0, NULL, NULL);
	fclose(f);
}

static void
setup(void)
{
	struct plumb_err err;
	const char *pg;
	PGconn *c;
	PGresult *r;

	memset(&err, 0, sizeof(err));
	snprintf(dir, sizeof(dir), "/tmp/check_enroll.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(capath, sizeof(capath), "%s/ca.pem", dir);
	snprintf(keypath, sizeof(keypath), "%s/ca.key", dir);
	snprintf(dbpath, sizeof(dbpath), "%s/plumb.db", dir);
	make_ca();
	ck_assert_int_eq(collector_config_defaults(&cfg, &err), PLUMB_OK);
	cfg.enroll_ca_cert = strdup(capath);
	cfg.enroll_ca_key = strdup(keypath);
	cfg.enroll_cert_days = 10;
	if ((pg = getenv("PLUMB_TEST_PG")) != NULL && *pg != '\0') {
		/* An empty public schema (libpq, not the code under test). */
		c = PQconnectdb(pg);
		ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s: %s", pg,
		    PQerrorMessage(c));
		r = PQexec(c, "SET client_min_messages = warning;"
		    "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
		ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s",
		    PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
	} else
		pg = dbpath;
	ck_assert_msg(store_open(pg, &st, &err) == PLUMB_OK, "%s", err.msg);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = st;
	ctx.cfg = &cfg;
	ctx.enroll = NULL;	/* the handlers load the CA themselves */
}

static void
teardown(void)
{
	char cmd[128];

	store_close(st);
	st = NULL;
	collector_config_clear(&cfg);
	X509_free(cacert);
	EVP_PKEY_free(cakey);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A CSR for cn signed by key, as PEM (allocated); ext: a requested
 * extension to add (NULL: none). */
static char *
csr_pem(EVP_PKEY *key, const char *cn, const char *cn2, int ext)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *n = X509_REQ_get_subject_name(req);
	STACK_OF(X509_EXTENSION) *exts;
	BIO *b = BIO_new(BIO_s_mem());
	BUF_MEM *bm;
	char *s;

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	if (cn2 != NULL)
		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
		    (const unsigned char *)cn2, -1, -1, 0);
	X509_REQ_set_pubkey(req, key);
	if (ext) {
		exts = sk_X509_EXTENSION_new_null();
		sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(NULL, NULL,
		    NID_basic_constraints, "critical,CA:TRUE"));
		X509_REQ_add_extensions(req, exts);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	ck_assert_int_gt(X509_REQ_sign(req, key, EVP_sha256()), 0);
	PEM_write_bio_X509_REQ(b, req);
	BIO_get_mem_ptr(b, &bm);
	s = strndup(bm->data, bm->length);
	BIO_free(b);
	X509_REQ_free(req);
	return s;
}

/* The same CSR with the last byte of its signature changed. */
static char *
csr_tampered(EVP_PKEY *key, const char *cn)
{
	char *pem = csr_pem(key, cn, NULL, 0), *s;
	BIO *b = BIO_new_mem_buf(pem, -1), *o;
	X509_REQ *req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	unsigned char *der = NULL;
	BUF_MEM *bm;
	int len;

	ck_assert_ptr_nonnull(req);
	len = i2d_X509_REQ(req, &der);
	ck_assert_int_gt(len, 10);
	der[len - 1] ^= 0x01;
	o = BIO_new(BIO_s_mem());
	PEM_write_bio(o, "CERTIFICATE REQUEST", "", der, len);
	BIO_get_mem_ptr(o, &bm);
	s = strndup(bm->data, bm->length);
	BIO_free(o);
	BIO_free(b);
	OPENSSL_free(der);
	X509_REQ_free(req);
	free(pem);
	return s;
}

/* Run the handler of route (method "POST", pattern) with a JSON body. */
static void
call(const char *pattern, int auth, const char *scope, json_t *body,
    time_t now, struct api_reply *rep)
{
	struct api_req req;
	struct plumb_err err;
	char *text = json_dumps(body, JSON_COMPACT);
	size_t i;
	int rc = -100;

	memset(&req, 0, sizeof(req));
	memset(&err, 0, sizeof(err));
	memset(rep, 0, sizeof(*rep));
	rep->status = 200;
	req.method = "POST";
	req.body = (const unsigned char *)text;
	req.body_len = strlen(text);
	req.auth = auth;
	req.principal = "test";
	req.scope_host = scope;
	req.peer = call_peer;
	req.now = now;
	for (i = 0; i < enroll_nroutes; i++) {
		if (strcmp(enroll_routes[i].pattern, pattern) != 0)
			continue;
		ck_assert_int_ne(enroll_routes[i].auth & auth, 0);
		rc = enroll_routes[i].fn(&ctx, &req, rep, &err);
	}
	ck_assert_msg(rc == PLUMB_OK, "handler %s: %d %s", pattern, rc,
	    err.msg);
	free(text);
	json_decref(body);
}

/* A new token for host valid ttl seconds from NOW. */
static void
token(const char *host, unsigned ttl, char *out)
{
	struct plumb_err err;
	time_t exp;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(enroll_init(st, &err), PLUMB_OK);
	ck_assert_msg(enroll_token_add(st, host, "historian", "plant-north",
	    NULL, ttl, NOW, out, &exp, &err) == PLUMB_OK, "%s", err.msg);
	ck_assert_int_eq(exp, NOW + ttl);
	ck_assert_uint_eq(strlen(out), ENROLL_TOKEN_LEN);
}

/* The certificate PEM of a reply, parsed. */
static X509 *
reply_cert(const struct api_reply *rep)
{
	json_t *v = json_object_get(rep->json, "certificate");
	BIO *b;
	X509 *c;

	ck_assert(json_is_string(v));
	b = BIO_new_mem_buf(json_string_value(v), -1);
	c = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	ck_assert_ptr_nonnull(c);
	return c;
}

static void
name_field(X509 *c, int nid, char *buf, size_t size)
{
	buf[0] = '\0';
	X509_NAME_get_text_by_NID(X509_get_subject_name(c), nid, buf,
	    (int)size);
}

/* ------------------------------------------------------------- CSRs */

START_TEST(csr_good_and_wrong_cn)
{
	struct plumb_err err;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	char *pem = csr_pem(k, HOST, NULL, 0);
	X509_REQ *req = NULL;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(enroll_csr_check(pem, strlen(pem), HOST, &req, &err),
	    PLUMB_OK);
	ck_assert_ptr_nonnull(req);
	X509_REQ_free(req);
	req = NULL;
	/* Another host: refused. */
	ck_assert_int_eq(enroll_csr_check(pem, strlen(pem), "agent02", &req,
	    &err), PLUMB_EINVAL);
	ck_assert_ptr_null(req);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not the enrolled host"));
	/* A case difference is the same host (host ids have no case). */
	ck_assert_int_eq(enroll_csr_check(pem, strlen(pem),
	    "AGENT01.plant.test", &req, &err), PLUMB_OK);
	X509_REQ_free(req);
	free(pem);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(csr_bad_signature)
{
	struct plumb_err err;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	char *pem = csr_tampered(k, HOST);
	X509_REQ *req = NULL;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(enroll_csr_check(pem, strlen(pem), HOST, &req, &err),
	    PLUMB_EINVAL);
	ck_assert_ptr_null(req);
	ck_assert_ptr_nonnull(strstr(err.msg, "signature does not verify"));
	free(pem);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(csr_refusals)
{
	struct plumb_err err;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	EVP_PKEY *rsa = EVP_RSA_gen(1024);
	EVP_PKEY *k384 = EVP_EC_gen("P-384");
	X509_REQ *req = NULL;
	char *pem;

	memset(&err, 0, sizeof(err));
	pem = csr_pem(k, HOST, HOST, 0);
	ck_assert_int_eq(enroll_csr_check(pem, strlen(pem), HOST, &req, &err),
	    PLUMB_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than one CN"));
	free(pem);
	pem = csr_pem(rsa, HOST, NULL, 0);
	ck_assert_int_eq(enroll_csr_check(pem, strlen(pem), HOST, &req, &err),
	    PLUMB_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "RSA key of 1024 bits"));
	free(pem);
	pem = csr_pem(k384, HOST, NULL, 0);
	ck_assert_int_eq(enroll_csr_check(pem, strlen(pem), HOST, &req, &err),
	    PLUMB_OK);
	X509_REQ_free(req);
	free(pem);
	ck_assert_int_eq(enroll_csr_check("garbage", 7, HOST, &req, &err),
	    PLUMB_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a PEM"));
	EVP_PKEY_free(k);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(k384);
}
END_TEST

/* ----------------------------------------------------------- tokens */

/* Row callback: the first value into a 32-byte buffer. */
static int
first(void *arg, const char *const *vals, size_t ncols)
{
	snprintf(arg, 32, "%s", ncols > 0 && vals[0] ? vals[0] : "NULL");
	return 1;
}

START_TEST(token_rules)
{
	struct plumb_err err;
	char t[ENROLL_TOKEN_LEN + 1], hex[65], got[32];
	unsigned char md[32];
	const char *p[2];
	time_t exp;
	int i;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(enroll_init(st, &err), PLUMB_OK);
	ck_assert_int_eq(enroll_token_add(st, "a/b", NULL, NULL, NULL, 60,
	    NOW, t, &exp, &err), PLUMB_EINVAL);
	ck_assert_int_eq(enroll_token_add(st, "-x", NULL, NULL, NULL, 60,
	    NOW, t, &exp, &err), PLUMB_EINVAL);
	ck_assert_int_eq(enroll_token_add(st, HOST, "a=b", NULL, NULL, 60,
	    NOW, t, &exp, &err), PLUMB_EINVAL);
	ck_assert_int_eq(enroll_token_add(st, HOST, NULL, NULL, NULL, 0,
	    NOW, t, &exp, &err), PLUMB_EINVAL);
	ck_assert_int_eq(enroll_token_add(st, HOST, NULL, NULL, NULL,
	    ENROLL_TTL_MAX + 1, NOW, t, &exp, &err), PLUMB_EINVAL);
	token(HOST, 60, t);
	/* Only the hash is stored, hex of SHA-256 over the text. */
	EVP_Digest(t, strlen(t), md, NULL, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	p[0] = hex;
	p[1] = t;
	ck_assert_int_eq(store_query(st, "SELECT count(*) FROM enroll_tokens "
	    "WHERE sha256 = $1 AND host = 'agent01.plant.test' AND "
	    "expires = CAST($2 AS INTEGER)", (const char *[]){ hex,
	    "1800000060" }, 2, first, got, NULL, &err), PLUMB_OK);
	ck_assert_str_eq(got, "1");
	ck_assert_int_eq(store_query(st, "SELECT count(*) FROM enroll_tokens "
	    "WHERE sha256 = $2 OR host = $2 OR serial = $2", p, 2, first, got,
	    NULL, &err), PLUMB_OK);
	ck_assert_str_eq(got, "0");
}
END_TEST

START_TEST(enroll_single_use)
{
	struct api_reply rep;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	char t[ENROLL_TOKEN_LEN + 1], *pem = csr_pem(k, HOST, NULL, 1);
	char buf[256];
	X509 *c;
	EVP_PKEY *pub;
	BASIC_CONSTRAINTS *bc;
	EXTENDED_KEY_USAGE *eku;
	GENERAL_NAMES *san;
	const GENERAL_NAME *g;
	int i, client = 0, email = 0;

	token(HOST, 60, t);
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    t, "csr", pem), NOW, &rep);
	ck_assert_msg(rep.status == 201, "%d %s", rep.status, rep.msg);
	c = reply_cert(&rep);
	/* Chains to the CA, carries our key, names the host. */
	ck_assert_int_eq(X509_verify(c, cakey), 1);
	pub = X509_get0_pubkey(c);
	ck_assert_int_eq(EVP_PKEY_eq(pub, k), 1);
	name_field(c, NID_commonName, buf, sizeof(buf));
	ck_assert_str_eq(buf, HOST);
	name_field(c, NID_organizationalUnitName, buf, sizeof(buf));
	ck_assert_str_eq(buf, "historian");
	name_field(c, NID_organizationName, buf, sizeof(buf));
	ck_assert_str_eq(buf, "plant-north");
	/* The CSR asked for CA:TRUE: not copied. */
	bc = X509_get_ext_d2i(c, NID_basic_constraints, NULL, NULL);
	ck_assert_ptr_nonnull(bc);
	ck_assert_int_eq(bc->ca, 0);
	BASIC_CONSTRAINTS_free(bc);
	eku = X509_get_ext_d2i(c, NID_ext_key_usage, NULL, NULL);
	ck_assert_ptr_nonnull(eku);
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));

		client |= nid == NID_client_auth;
		email |= nid == NID_email_protect;
	}
	ck_assert_int_eq(client, 1);
	ck_assert_int_eq(email, 1);
	ck_assert_int_eq(sk_ASN1_OBJECT_num(eku), 2);
	EXTENDED_KEY_USAGE_free(eku);
	san = X509_get_ext_d2i(c, NID_subject_alt_name, NULL, NULL);
	ck_assert_int_eq(sk_GENERAL_NAME_num(san), 1);
	g = sk_GENERAL_NAME_value(san, 0);
	ck_assert_int_eq(g->type, GEN_DNS);
	ck_assert_str_eq((const char *)ASN1_STRING_get0_data(g->d.dNSName),
	    HOST);
	GENERAL_NAMES_free(san);
	/* Valid for cert_days (10) from NOW, back-dated 300 s. */
	ck_assert_int_eq(X509_cmp_time(X509_get0_notAfter(c),
	    &(time_t){ NOW + 10 * 86400 - 1 }), 1);
	ck_assert_int_eq(X509_cmp_time(X509_get0_notAfter(c),
	    &(time_t){ NOW + 10 * 86400 + 1 }), -1);
	ck_assert_int_eq(X509_cmp_time(X509_get0_notBefore(c),
	    &(time_t){ NOW - 299 }), -1);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
	    rep.json, "chain")), "BEGIN CERTIFICATE"));
	X509_free(c);
	api_reply_clear(&rep);
	/* The same token again: refused. */
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    t, "csr", pem), NOW + 1, &rep);
	ck_assert_int_eq(rep.status, 403);
	ck_assert_str_eq(rep.msg, "enrollment token unknown, used or expired");
	ck_assert_ptr_null(rep.json);
	api_reply_clear(&rep);
	free(pem);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(enroll_refusals)
{
	struct api_reply rep;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	char t[ENROLL_TOKEN_LEN + 1], *good = csr_pem(k, HOST, NULL, 0);
	char *wrong = csr_pem(k, "agent02.plant.test", NULL, 0);
	char *bad = csr_tampered(k, HOST);

	token(HOST, 60, t);
	/* Expired: NOW + 60 is past the end. */
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    t, "csr", good), NOW + 60, &rep);
	ck_assert_int_eq(rep.status, 403);
	api_reply_clear(&rep);
	/* Unknown, and malformed. */
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "csr", good), NOW, &rep);
	ck_assert_int_eq(rep.status, 403);
	api_reply_clear(&rep);
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    "short", "csr", good), NOW, &rep);
	ck_assert_int_eq(rep.status, 403);
	api_reply_clear(&rep);
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s}", "token", t),
	    NOW, &rep);
	ck_assert_int_eq(rep.status, 400);
	api_reply_clear(&rep);
	/* Another host's CSR, a forged one: 400, and the token survives. */
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    t, "csr", wrong), NOW, &rep);
	ck_assert_int_eq(rep.status, 400);
	ck_assert_ptr_nonnull(strstr(rep.msg, "agent02.plant.test"));
	api_reply_clear(&rep);
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    t, "csr", bad), NOW, &rep);
	ck_assert_int_eq(rep.status, 400);
	api_reply_clear(&rep);
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    t, "csr", good), NOW + 59, &rep);
	ck_assert_msg(rep.status == 201, "%d %s", rep.status, rep.msg);
	api_reply_clear(&rep);
	free(good);
	free(wrong);
	free(bad);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(enroll_not_configured)
{
	struct api_reply rep;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	char t[ENROLL_TOKEN_LEN + 1], *good = csr_pem(k, HOST, NULL, 0);

	free(cfg.enroll_ca_cert);
	free(cfg.enroll_ca_key);
	cfg.enroll_ca_cert = cfg.enroll_ca_key = NULL;
	token(HOST, 60, t);
	call("enroll", API_AUTH_NONE, NULL, json_pack("{s:s, s:s}", "token",
	    t, "csr", good), NOW, &rep);
	ck_assert_int_eq(rep.status, 503);
	api_reply_clear(&rep);
	free(good);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(token_route)
{
	struct api_reply rep;
	const char *t;
	size_t i;

	call("enroll/tokens", API_AUTH_ADMIN, NULL, json_pack("{s:s, s:i}",
	    "host", "hist01", "ttl", 120), NOW, &rep);
	ck_assert_msg(rep.status == 201, "%d %s", rep.status, rep.msg);
	t = json_string_value(json_object_get(rep.json, "token"));
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(strlen(t), 64);
	for (i = 0; i < 64; i++)
		ck_assert(strchr("0123456789abcdef", t[i]) != NULL);
	ck_assert_str_eq(json_string_value(json_object_get(rep.json, "host")),
	    "hist01");
	ck_assert_int_eq(json_integer_value(json_object_get(rep.json,
	    "expires")), NOW + 120);
	api_reply_clear(&rep);
	/* Default ttl: [enroll] token_ttl (86400). */
	call("enroll/tokens", API_AUTH_ADMIN, NULL, json_pack("{s:s}",
	    "host", "hist02"), NOW, &rep);
	ck_assert_int_eq(json_integer_value(json_object_get(rep.json,
	    "expires")), NOW + 86400);
	api_reply_clear(&rep);
	call("enroll/tokens", API_AUTH_ADMIN, NULL, json_pack("{s:s}",
	    "host", "bad/host"), NOW, &rep);
	ck_assert_int_eq(rep.status, 400);
	api_reply_clear(&rep);
	call("enroll/tokens", API_AUTH_ADMIN, NULL, json_pack("{s:s, s:i}",
	    "host", "hist03", "ttl", 0), NOW, &rep);
	ck_assert_int_eq(rep.status, 400);
	api_reply_clear(&rep);
	/* Route table: who may call what. */
	for (i = 0; i < enroll_nroutes; i++) {
		if (strcmp(enroll_routes[i].pattern, "enroll") == 0)
			ck_assert_int_eq(enroll_routes[i].auth, API_AUTH_NONE);
		else if (strcmp(enroll_routes[i].pattern, "enroll/tokens") ==
		    0 || strcmp(enroll_routes[i].pattern, "hosts/*/revoke") ==
		    0)
			ck_assert_int_eq(enroll_routes[i].auth,
			    API_AUTH_ADMIN);
		else
			ck_assert_int_eq(enroll_routes[i].auth,
			    API_AUTH_AGENT);
	}
	ck_assert_uint_eq(enroll_nroutes, 4);
}
END_TEST

START_TEST(renew)
{
	struct api_reply rep;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	char *mine = csr_pem(k, HOST, NULL, 0);
	char *other = csr_pem(k, "agent02.plant.test", NULL, 0);
	char buf[128], *pem, serial[64];
	struct enroll *e;
	struct plumb_err err;
	X509_REQ *req;
	X509 *c;
	BIO *b;

	/* The caller's certificate: issued at NOW for cert_days 10. */
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(enroll_load_key(&cfg, &e, &err), PLUMB_OK);
	ck_assert_int_eq(enroll_csr_check(mine, strlen(mine), HOST, &req,
	    &err), PLUMB_OK);
	ck_assert_int_eq(enroll_sign(e, req, HOST, NULL, NULL, NULL, NOW,
	    &pem, serial, sizeof(serial), &err), PLUMB_OK);
	b = BIO_new_mem_buf(pem, -1);
	call_peer = PEM_read_bio_X509(b, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(call_peer);
	BIO_free(b);
	free(pem);
	X509_REQ_free(req);
	enroll_free(e);
	ck_assert_int_eq(enroll_init(st, &err), PLUMB_OK);
	/* Default window, the last 30% (3 of 10 days): refused at NOW and
	 * 6 days later, allowed 8 days later. */
	call("renew", API_AUTH_AGENT, HOST, json_pack("{s:s}", "csr", mine),
	    NOW, &rep);
	ck_assert_msg(rep.status == 403 && strstr(rep.msg, "last 30%"),
	    "%d %s", rep.status, rep.msg);
	api_reply_clear(&rep);
	call("renew", API_AUTH_AGENT, HOST, json_pack("{s:s}", "csr", mine),
	    NOW + 6 * 86400, &rep);
	ck_assert_int_eq(rep.status, 403);
	api_reply_clear(&rep);
	/* The caller's CN must be the CSR's. */
	call("renew", API_AUTH_AGENT, HOST, json_pack("{s:s}", "csr", other),
	    NOW + 8 * 86400, &rep);
	ck_assert_int_eq(rep.status, 400);
	api_reply_clear(&rep);
	call("renew", API_AUTH_AGENT, "agent02.plant.test", json_pack("{s:s}",
	    "csr", mine), NOW + 8 * 86400, &rep);
	ck_assert_int_eq(rep.status, 400);
	api_reply_clear(&rep);
	call("renew", API_AUTH_AGENT, HOST, json_pack("{s:s}", "csr", mine),
	    NOW + 8 * 86400, &rep);
	ck_assert_msg(rep.status == 200, "%d %s", rep.status, rep.msg);
	c = reply_cert(&rep);
	ck_assert_int_eq(X509_verify(c, cakey), 1);
	name_field(c, NID_commonName, buf, sizeof(buf));
	ck_assert_str_eq(buf, HOST);
	X509_free(c);
	api_reply_clear(&rep);
	/* Superseded by the renewal: revoked, refused. */
	call("renew", API_AUTH_AGENT, HOST, json_pack("{s:s}", "csr", mine),
	    NOW + 9 * 86400, &rep);
	ck_assert_msg(rep.status == 403 && strstr(rep.msg, "revoked"),
	    "%d %s", rep.status, rep.msg);
	api_reply_clear(&rep);
	X509_free(call_peer);
	call_peer = NULL;
	free(mine);
	free(other);
	EVP_PKEY_free(k);
}
END_TEST

/* A request payload: the count n, then the n strings as fields. */
static unsigned char *
fields(size_t *len, uint32_t count, int n, ...)
{
	static unsigned char buf[65536];
	va_list ap;
	size_t o = 4;
	int i;

	buf[0] = (unsigned char)(count >> 24);
	buf[1] = (unsigned char)(count >> 16);
	buf[2] = (unsigned char)(count >> 8);
	buf[3] = (unsigned char)count;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *f = va_arg(ap, const char *);
		size_t k = strlen(f);

		ck_assert_uint_lt(o + 4 + k, sizeof(buf));
		buf[o] = (unsigned char)(k >> 24);
		buf[o + 1] = (unsigned char)(k >> 16);
		buf[o + 2] = (unsigned char)(k >> 8);
		buf[o + 3] = (unsigned char)k;
		memcpy(buf + o + 4, f, k);
		o += 4 + k;
	}
	va_end(ap);
	*len = o;
	return buf;
}

/* Send a raw request; expect a refusal whose message holds want. */
static void
refused(struct signer *sg, uint32_t type, const unsigned char *p,
    size_t len, const char *want)
{
	struct plumb_err err;
	uint32_t status = 0;
	char *reply = NULL;
	size_t rlen;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(signer_request(sg, type, p, len, &status, &reply,
	    &rlen, &err), PLUMB_OK);
	ck_assert_uint_ne(status, 0);
	ck_assert_msg(reply != NULL && strstr(reply, want) != NULL,
	    "signer said \"%s\", expected \"%s\"", reply ? reply : "",
	    want);
	free(reply);
}

/* The signer process holds the key, refuses malformed requests and
 * goes on serving well-formed ones. */
START_TEST(signer_refuses)
{
	struct signer *sg = NULL;
	struct signer_revoked rv[1];
	struct plumb_err err;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	char *mine = csr_pem(k, HOST, NULL, 0), *pem = NULL, serial[64];
	unsigned char *p;
	size_t len;
	X509 *c;
	BIO *b;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(signer_start(&cfg, &sg, &err) == PLUMB_OK, "%s",
	    err.msg);
	p = fields(&len, 0, 0);
	refused(sg, 99, p, len, "unknown request type");
	refused(sg, SIGNER_CERT, (const unsigned char *)"ab", 2,
	    "no field count");
	p = fields(&len, 5, 5, "1800000000", HOST, "", "", "");
	refused(sg, SIGNER_CERT, p, len, "six text fields");
	/* A count promising more fields than there are. */
	p = fields(&len, 6, 5, "1800000000", HOST, "", "", "");
	refused(sg, SIGNER_CERT, p, len, "six text fields");
	p = fields(&len, 6, 6, "soon", HOST, "", "", "", mine);
	refused(sg, SIGNER_CERT, p, len, "six text fields");
	p = fields(&len, 6, 6, "1800000000", "bad/host", "", "", "", mine);
	refused(sg, SIGNER_CERT, p, len, "bad host");
	/* The key holder checks the CSR again: another host's name. */
	p = fields(&len, 6, 6, "1800000000", "agent02.plant.test", "", "", "",
	    mine);
	refused(sg, SIGNER_CERT, p, len, "is not the enrolled host");
	p = fields(&len, 6, 6, "1800000000", HOST, "", "", "", "not a CSR");
	refused(sg, SIGNER_CERT, p, len, "not a PEM certificate request");
	p = fields(&len, 3, 3, "1800000000", "XYZ", "1800000000");
	refused(sg, SIGNER_CRL, p, len, "not 1 to 40 hex digits");
	p = fields(&len, 2, 2, "1800000000", "0A");
	refused(sg, SIGNER_CRL, p, len, "malformed CRL request");
	/* Still serving: a certificate of the CA, and a CRL. */
	ck_assert_msg(signer_cert(sg, mine, HOST, "mes", NULL, NULL, NOW,
	    &pem, serial, sizeof(serial), &err) == PLUMB_OK, "%s", err.msg);
	b = BIO_new_mem_buf(pem, -1);
	c = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(X509_verify(c, cakey), 1);
	X509_free(c);
	free(pem);
	snprintf(rv[0].serial, sizeof(rv[0].serial), "%.40s", serial);
	rv[0].when = NOW;
	ck_assert_msg(signer_crl(sg, rv, 1, NOW, &pem, &err) == PLUMB_OK,
	    "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(pem, "BEGIN X509 CRL"));
	free(pem);
	signer_free(sg);
	free(mine);
	EVP_PKEY_free(k);
}
END_TEST

static Suite *
enroll_suite(void)
{
	Suite *s = suite_create("enroll");
	TCase *tc = tcase_create("enroll");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, csr_good_and_wrong_cn);
	tcase_add_test(tc, csr_bad_signature);
	tcase_add_test(tc, csr_refusals);
	tcase_add_test(tc, token_rules);
	tcase_add_test(tc, enroll_single_use);
	tcase_add_test(tc, enroll_refusals);
	tcase_add_test(tc, enroll_not_configured);
	tcase_add_test(tc, token_route);
	tcase_add_test(tc, renew);
	tcase_add_test(tc, signer_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(enroll_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
