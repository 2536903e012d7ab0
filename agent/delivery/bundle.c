/*
 * bundle.c - signed results bundles: a ustar archive (manifest first,
 * bundle_tar.c, bundle_manifest.c), gzip-compressed (bundle_gzip.c),
 * wrapped in a DER CMS SignedData: signing, strict verification, the
 * API of bundle.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "plumb/error.h"
#include "common/dynbuf.h"
#include "atomic.h"
#include "bundle.h"
#include "bundle_gzip.h"
#include "bundle_manifest.h"
#include "bundle_tar.h"
#include "keyfile.h"

/* ------------------------------------------------------------------ CMS */

/* The signingTime attribute of the first signer; 0 when absent. */
static time_t
bundle_signing_time(CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	X509_ATTRIBUTE *attr;
	ASN1_TYPE *t;
	struct tm tm;
	int idx;

	if ((sis = CMS_get0_SignerInfos(cms)) == NULL ||
	    sk_CMS_SignerInfo_num(sis) < 1)
		return 0;
	si = sk_CMS_SignerInfo_value(sis, 0);
	if ((idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime,
	    -1)) < 0 || (attr = CMS_signed_get_attr(si, idx)) == NULL ||
	    (t = X509_ATTRIBUTE_get0_type(attr, 0)) == NULL)
		return 0;
	if (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (!ASN1_TIME_to_tm((const ASN1_TIME *)t->value.utctime, &tm))
		return 0;
	return timegm(&tm);
}

/* Subject of cert, RFC 2253 style, into buf. */
static void
bundle_subject(X509 *cert, char *buf, size_t len)
{
	BIO *b;
	char *p;
	long n;

	buf[0] = '\0';
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
	    XN_FLAG_RFC2253) >= 0 && (n = BIO_get_mem_data(b, &p)) > 0)
		snprintf(buf, len, "%.*s", (int)n, p);
	BIO_free(b);
}

/* The whole file at path, at most BUNDLE_MAX_BYTES. */
static int
bundle_read(const char *path, struct dynbuf *b, struct plumb_err *err)
{
	unsigned char chunk[65536];
	ssize_t r;
	int fd, rc = PLUMB_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	for (;;) {
		if ((r = read(fd, chunk, sizeof(chunk))) < 0) {
			if (errno == EINTR)
				continue;
			rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
			    strerror(errno));
			break;
		}
		if (r == 0)
			break;
		if (dynbuf_add(b, chunk, (size_t)r) != PLUMB_OK) {
			rc = plumb_err_set(err, PLUMB_ELIMIT,
			    "%s: larger than %zu bytes", path,
			    BUNDLE_MAX_BYTES);
			break;
		}
	}
	close(fd);
	return rc;
}

/* Step over one DER TLV of the expected tag; -1 if it is not there. */
static int
bundle_der_next(const unsigned char **p, const unsigned char *end, int tag,
    int xclass, int cons, long *len)
{
	const unsigned char *q = *p;
	int r, t, c;

	if (end <= q)
		return -1;
	r = ASN1_get_object(&q, len, &t, &c, end - q);
	/* 0x80: error; bit 0: indefinite length, which DER never uses. */
	if ((r & 0x80) || (r & 1) || t != tag || c != xclass ||
	    ((r & V_ASN1_CONSTRUCTED) != 0) != cons || *len > end - q)
		return -1;
	*p = q;
	return 0;
}

/*
 * The fields OpenSSL's CMS_verify does not look at, checked by hand so
 * that no byte of a bundle can change without verification failing:
 * nothing after the structure, SignedData and SignerInfo version 1
 * (what CMS_sign writes for an issuer-and-serial signer).
 */
static int
bundle_der_check(const unsigned char *der, size_t n)
{
	const unsigned char *p = der, *end = der + n;
	long len;

	if (bundle_der_next(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1,
	    &len) != 0 || p + len != end ||
	    bundle_der_next(&p, end, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, 0,
	    &len) != 0)
		return -1;
	p += len;
	if (bundle_der_next(&p, end, 0, V_ASN1_CONTEXT_SPECIFIC, 1,
	    &len) != 0 ||
	    bundle_der_next(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1,
	    &len) != 0 ||
	    bundle_der_next(&p, end, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, 0,
	    &len) != 0 || len != 1 || *p != 1)
		return -1;
	p += len;
	/* digestAlgorithms, encapContentInfo */
	if (bundle_der_next(&p, end, V_ASN1_SET, V_ASN1_UNIVERSAL, 1,
	    &len) != 0)
		return -1;
	p += len;
	if (bundle_der_next(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1,
	    &len) != 0)
		return -1;
	p += len;
	/* certificates [0], crls [1], both optional */
	if (bundle_der_next(&p, end, 0, V_ASN1_CONTEXT_SPECIFIC, 1,
	    &len) == 0)
		p += len;
	if (bundle_der_next(&p, end, 1, V_ASN1_CONTEXT_SPECIFIC, 1,
	    &len) == 0)
		p += len;
	if (bundle_der_next(&p, end, V_ASN1_SET, V_ASN1_UNIVERSAL, 1,
	    &len) != 0 ||
	    bundle_der_next(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1,
	    &len) != 0 ||
	    bundle_der_next(&p, end, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, 0,
	    &len) != 0 || len != 1 || *p != 1)
		return -1;
	return 0;
}

/*
 * After CMS_verify: the algorithm identifiers it does not check must
 * say what was really done (SHA-256, a signature of the signer's key
 * type), the content type must be id-data, no unsigned attributes.
 */
static int
bundle_cms_strict(CMS_ContentInfo *cms, X509 *signer, struct plumb_err *err)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	CMS_SignerInfo *si;
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OBJECT *obj;
	int nid, kt;

	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "encapsulated content type is not id-data");
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "expected exactly one signer");
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (CMS_unsigned_get_attr_count(si) > 0)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "unexpected unsigned attributes");
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	if (OBJ_obj2nid(obj) != NID_sha256)
		return plumb_err_set(err, PLUMB_EPARSE,
		    "digest algorithm is not SHA-256");
	X509_ALGOR_get0(&obj, NULL, NULL, sig);
	nid = OBJ_obj2nid(obj);
	kt = EVP_PKEY_get_base_id(X509_get0_pubkey(signer));
	if (!((kt == EVP_PKEY_EC && nid == NID_ecdsa_with_SHA256) ||
	    (kt == EVP_PKEY_RSA && (nid == NID_rsaEncryption ||
	    nid == NID_sha256WithRSAEncryption)) ||
	    (kt == EVP_PKEY_RSA_PSS && nid == NID_rsassaPss) ||
	    (kt == EVP_PKEY_ED25519 && nid == NID_ED25519)))
		return plumb_err_set(err, PLUMB_EPARSE,
		    "signature algorithm does not match the signer's key");
	return PLUMB_OK;
}

int
bundle_create(const char *path, const char *host, const char *target_root,
    const struct bundle_member *members, size_t nmembers,
    const char *cert_file, const char *key_file, struct bundle_info *info,
    struct plumb_err *err)
{
	struct dynbuf tar = DYNBUF_INIT(BUNDLE_MAX_BYTES), gz = DYNBUF_INIT(BUNDLE_MAX_BYTES);
	struct dynbuf man = DYNBUF_INIT(BUNDLE_MAX_BYTES);
	struct atomic_file af = { -1, "", "" };
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	BIO *in = NULL, *out = NULL;
	unsigned char *der;
	char ebuf[PLUMB_ERR_MSG_MAX - 64];
	time_t created;
	size_t i, k, total = 0;
	long derlen;
	int rc;

	memset(info, 0, sizeof(*info));
	if (!bundle_host_valid(host))
		return plumb_err_set(err, PLUMB_EINVAL,
		    "host id \"%s\" is not printable ASCII without quotes "
		    "(1-255 characters)", host);
	if (nmembers > BUNDLE_TAR_MEMBERS_MAX - 1)
		return plumb_err_set(err, PLUMB_ELIMIT,
		    "too many bundle members (%zu)", nmembers);
	for (i = 0; i < nmembers; i++) {
		if (!bundle_name_valid(members[i].name) ||
		    strcmp(members[i].name, BUNDLE_MANIFEST) == 0)
			return plumb_err_set(err, PLUMB_EINVAL,
			    "bundle member name \"%s\" not allowed",
			    members[i].name);
		for (k = 0; k < i; k++)
			if (strcmp(members[i].name, members[k].name) == 0)
				return plumb_err_set(err, PLUMB_EINVAL,
				    "bundle member \"%s\" given twice",
				    members[i].name);
		if (members[i].len > BUNDLE_MAX_BYTES - total)
			return plumb_err_set(err, PLUMB_ELIMIT,
			    "bundle members exceed %zu bytes",
			    BUNDLE_MAX_BYTES);
		total += members[i].len;
	}
	if ((rc = keyfile_load_cert(cert_file, &cert, &chain, err)) != 0 ||
	    (rc = keyfile_cert_current(cert, cert_file, err)) != 0 ||
	    (rc = keyfile_load_key(key_file, &key, err)) != 0)
		goto out;
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		rc = plumb_err_set(err, PLUMB_EINVAL,
		    "%s does not belong to the certificate in %s", key_file,
		    cert_file);
		goto out;
	}
	if ((rc = bundle_uuid(info->uuid, err)) != PLUMB_OK)
		goto out;
	created = time(NULL);
	snprintf(info->host, sizeof(info->host), "%s", host);
	info->created = created;

	/* The archive: manifest first, then the members in order. */
	rc = bundle_manifest_write(&man, info->uuid, host, target_root,
	    created, members, nmembers);
	if (rc == PLUMB_OK)
		rc = bundle_tar_add(&tar, BUNDLE_MANIFEST, man.p, man.len,
		    created, 0644);
	for (i = 0; rc == PLUMB_OK && i < nmembers; i++)
		rc = bundle_tar_add(&tar, members[i].name, members[i].data,
		    members[i].len, created, 0644);
	if (rc == PLUMB_OK)
		rc = dynbuf_add(&tar, NULL, 2 * BUNDLE_TAR_BLOCK);
	if (rc != PLUMB_OK) {
		rc = plumb_err_set(err, rc, "cannot build the archive: %s",
		    plumb_strerror(rc));
		goto out;
	}
	if ((rc = bundle_gzip(tar.p, tar.len, &gz, err)) != PLUMB_OK)
		goto out;
	if (bundle_sha256_hex(gz.p, gz.len, info->content_sha256) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
		goto out;
	}

	/* Sign: SHA-256, signed attributes (signing time), cert included. */
	ERR_clear_error();
	if ((in = BIO_new_mem_buf(gz.p, (int)gz.len)) == NULL ||
	    (cms = CMS_sign(NULL, NULL, chain, NULL,
	    CMS_BINARY | CMS_PARTIAL)) == NULL ||
	    CMS_add1_signer(cms, cert, key, EVP_sha256(), CMS_BINARY) == NULL ||
	    !CMS_final(cms, in, NULL, CMS_BINARY) ||
	    (out = BIO_new(BIO_s_mem())) == NULL ||
	    !i2d_CMS_bio(out, cms) ||
	    (derlen = BIO_get_mem_data(out, (char **)&der)) <= 0) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EIO, "signing failed: %s", ebuf);
		goto out;
	}
	if ((size_t)derlen > BUNDLE_MAX_BYTES) {
		rc = plumb_err_set(err, PLUMB_ELIMIT,
		    "signed bundle larger than %zu bytes", BUNDLE_MAX_BYTES);
		goto out;
	}
	info->signing_time = bundle_signing_time(cms);
	bundle_subject(cert, info->signer, sizeof(info->signer));

	/* Results describe the host's weaknesses: owner only, from the
	 * temporary file on, whatever the umask. */
	if ((rc = atomic_open_mode(&af, path, 0600, err)) != PLUMB_OK)
		goto out;
	if (atomic_write_all(af.fd, der, (size_t)derlen) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
		atomic_abort(&af);
		goto out;
	}
	rc = atomic_commit(&af, err);
out:
	if (rc != PLUMB_OK)
		memset(info, 0, sizeof(*info));
	BIO_free(in);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	dynbuf_free(&tar);
	dynbuf_free(&gz);
	dynbuf_free(&man);
	return rc;
}

int
bundle_verify_mem(const unsigned char *der, size_t len, X509_STORE *trust,
    struct bundle_verified *v, struct plumb_err *err)
{
	return bundle_verify_mem_max(der, len, trust, BUNDLE_MAX_BYTES, v,
	    err);
}

int
bundle_verify_mem_max(const unsigned char *der, size_t len,
    X509_STORE *trust, size_t max_tar, struct bundle_verified *v,
    struct plumb_err *err)
{
	struct dynbuf tar = DYNBUF_INIT(BUNDLE_MAX_BYTES);
	struct bundle_info *info = &v->info;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	BIO *out = NULL;
	const unsigned char *dp = der;
	char ebuf[PLUMB_ERR_MSG_MAX - 64];
	unsigned char *content;
	long clen;
	int rc;

	memset(v, 0, sizeof(*v));
	ERR_clear_error();
	if (len > BUNDLE_MAX_BYTES)
		return plumb_err_set(err, PLUMB_ELIMIT,
		    "larger than %zu bytes", BUNDLE_MAX_BYTES);
	if ((cms = d2i_CMS_ContentInfo(NULL, &dp, (long)len)) == NULL ||
	    bundle_der_check(der, len) != 0) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "not a DER CMS SignedData as plumb writes them%s%s",
		    ebuf[0] != '\0' && cms == NULL ? ": " : "",
		    cms == NULL ? ebuf : "");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "not a CMS SignedData");
		goto out;
	}
	if ((out = BIO_new(BIO_s_mem())) == NULL ||
	    CMS_verify(cms, NULL, trust, NULL, out, CMS_BINARY) != 1) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "signature does not verify: %s", ebuf);
		goto out;
	}
	if ((signers = CMS_get0_signers(cms)) == NULL ||
	    sk_X509_num(signers) != 1) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "expected exactly one signer");
		goto out;
	}
	if ((rc = bundle_cms_strict(cms, sk_X509_value(signers, 0),
	    err)) != PLUMB_OK)
		goto out;
	bundle_subject(sk_X509_value(signers, 0), info->signer,
	    sizeof(info->signer));
	info->signing_time = bundle_signing_time(cms);
	if ((clen = BIO_get_mem_data(out, (char **)&content)) <= 0) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "empty content");
		goto out;
	}
	if (bundle_sha256_hex(content, (size_t)clen,
	    info->content_sha256) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "SHA-256 failed");
		goto out;
	}
	if (max_tar > BUNDLE_MAX_BYTES)
		max_tar = BUNDLE_MAX_BYTES;
	if ((rc = bundle_gunzip(content, (size_t)clen, max_tar, &tar,
	    err)) != 0 ||
	    (rc = bundle_check_manifest(tar.p, tar.len, info, err)) != 0)
		goto out;
	if (X509_up_ref(sk_X509_value(signers, 0)) != 1) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		goto out;
	}
	v->signer = sk_X509_value(signers, 0);
	v->tar = tar.p;
	v->tarlen = tar.len;
	tar.p = NULL;
	rc = PLUMB_OK;
out:
	if (rc != PLUMB_OK)
		memset(info, 0, sizeof(*info));
	ERR_clear_error();
	sk_X509_free(signers);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	dynbuf_free(&tar);
	return rc;
}

void
bundle_verified_free(struct bundle_verified *v)
{
	X509_free(v->signer);
	free(v->tar);
	memset(v, 0, sizeof(*v));
}

int
bundle_verify(const char *path, const char *ca_file,
    struct bundle_info *info, struct plumb_err *err)
{
	struct dynbuf der = DYNBUF_INIT(BUNDLE_MAX_BYTES);
	struct bundle_verified v;
	X509_STORE *store = NULL;
	struct stat st;
	char reason[PLUMB_ERR_MSG_MAX];
	int rc;

	memset(info, 0, sizeof(*info));
	memset(&v, 0, sizeof(v));
	if (stat(path, &st) != 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size >
	    (uint64_t)BUNDLE_MAX_BYTES)
		return plumb_err_set(err, PLUMB_ELIMIT,
		    "%s: not a regular file of at most %zu bytes", path,
		    BUNDLE_MAX_BYTES);
	if ((rc = bundle_trust_load(ca_file, &store, err)) != PLUMB_OK ||
	    (rc = bundle_read(path, &der, err)) != PLUMB_OK)
		goto out;
	if ((rc = bundle_verify_mem(der.p, der.len, store, &v,
	    err)) != PLUMB_OK) {
		/* Prefix the file name, keeping the reason. */
		snprintf(reason, sizeof(reason), "%s",
		    err != NULL ? err->msg : "");
		plumb_err_set(err, rc, "%s: %s", path, reason);
		goto out;
	}
	*info = v.info;
out:
	bundle_verified_free(&v);
	X509_STORE_free(store);
	dynbuf_free(&der);
	return rc;
}

int
bundle_trust_load(const char *ca_file, X509_STORE **out,
    struct plumb_err *err)
{
	char ebuf[PLUMB_ERR_MSG_MAX - 64];

	/* The CA file and nothing else (no default paths). */
	if ((*out = X509_STORE_new()) == NULL ||
	    X509_STORE_load_file(*out, ca_file) != 1) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		X509_STORE_free(*out);
		*out = NULL;
		return plumb_err_set(err, PLUMB_EIO, "%s: cannot load CA: %s",
		    ca_file, ebuf);
	}
	return PLUMB_OK;
}
