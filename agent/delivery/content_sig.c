/* content_sig.c - detached CMS signatures over SCAP content files. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>	/* before cms.h: it declares PEM_read_bio_CMS */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "plumb/error.h"
#include "atomic.h"
#include "content_sig.h"
#include "keyfile.h"

/* Read a CMS structure from f, PEM when it looks like PEM, else DER. */
static CMS_ContentInfo *
content_sig_read(const char *f)
{
	CMS_ContentInfo *cms = NULL;
	char head[11];
	BIO *b;

	if ((b = BIO_new_file(f, "rb")) == NULL)
		return NULL;
	if (BIO_read(b, head, 10) == 10 && memcmp(head, "-----BEGIN", 10) == 0) {
		(void)BIO_reset(b);
		cms = PEM_read_bio_CMS(b, NULL, NULL, NULL);
	} else {
		(void)BIO_reset(b);
		cms = d2i_CMS_bio(b, NULL);
	}
	BIO_free(b);
	return cms;
}

int
content_sig_check(const char *path, const char *ca_file,
    struct plumb_err *err)
{
	char sig[4096], ebuf[PLUMB_ERR_MSG_MAX - 128];
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *signers = NULL;
	X509_STORE *store = NULL;
	BIO *data = NULL;
	struct stat st;
	uint32_t xku;
	int rc;

	ERR_clear_error();
	if ((size_t)snprintf(sig, sizeof(sig), "%s%s", path,
	    CONTENT_SIG_SUFFIX) >= sizeof(sig))
		return plumb_err_set(err, PLUMB_ELIMIT, "%s: path too long",
		    path);
	if (stat(path, &st) != 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	if (stat(sig, &st) != 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: content is not signed (%s: %s)", path, sig,
		    strerror(errno));
	if (ca_file == NULL || *ca_file == '\0')
		return plumb_err_set(err, PLUMB_EINVAL,
		    "%s: no content CA configured to check the signature",
		    path);
	if ((store = X509_STORE_new()) == NULL ||
	    X509_STORE_load_file(store, ca_file) != 1) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EIO, "%s: cannot load CA: %s",
		    ca_file, ebuf);
		goto out;
	}
	if ((cms = content_sig_read(sig)) == NULL) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "%s: not a CMS signature (DER or PEM): %s", sig, ebuf);
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    CMS_is_detached(cms) != 1) {
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "%s: not a detached CMS SignedData", sig);
		goto out;
	}
	if ((data = BIO_new_file(path, "rb")) == NULL) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path, ebuf);
		goto out;
	}
	/* Binary: the exact bytes, no MIME canonicalisation of newlines. */
	if (CMS_verify(cms, NULL, store, data, NULL, CMS_BINARY) != 1) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "%s: content signature does not verify: %s", path, ebuf);
		goto out;
	}
	if ((signers = CMS_get0_signers(cms)) == NULL ||
	    sk_X509_num(signers) < 1) {
		rc = plumb_err_set(err, PLUMB_EPARSE, "%s: no signer", sig);
		goto out;
	}
	xku = X509_get_extended_key_usage(sk_X509_value(signers, 0));
	if (xku == UINT32_MAX || (xku & XKU_CODE_SIGN) == 0) {
		rc = plumb_err_set(err, PLUMB_EINVAL,
		    "%s: signer certificate is not for code signing "
		    "(extendedKeyUsage codeSigning missing)", sig);
		goto out;
	}
	rc = PLUMB_OK;
out:
	ERR_clear_error();
	sk_X509_free(signers);
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	X509_STORE_free(store);
	return rc;
}

int
content_sig_sign(const char *path, const char *cert_file,
    const char *key_file, const char *out, struct plumb_err *err)
{
	char sig[4096], ebuf[PLUMB_ERR_MSG_MAX - 128];
	struct atomic_file af = { -1, "", "" };
	CMS_ContentInfo *cms = NULL;
	STACK_OF(X509) *chain = NULL;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	BIO *data = NULL, *mem = NULL;
	unsigned char *der;
	long derlen;
	int rc;

	ERR_clear_error();
	if (out == NULL) {
		if ((size_t)snprintf(sig, sizeof(sig), "%s%s", path,
		    CONTENT_SIG_SUFFIX) >= sizeof(sig))
			return plumb_err_set(err, PLUMB_ELIMIT,
			    "%s: path too long", path);
		out = sig;
	}
	if ((rc = keyfile_load_cert(cert_file, &cert, &chain, err)) != 0 ||
	    (rc = keyfile_cert_current(cert, cert_file, err)) != 0 ||
	    (rc = keyfile_load_key(key_file, &key, err)) != 0)
		goto out;
	if (X509_check_private_key(cert, key) != 1) {
		rc = plumb_err_set(err, PLUMB_EINVAL,
		    "%s does not belong to the certificate in %s", key_file,
		    cert_file);
		goto out;
	}
	if ((data = BIO_new_file(path, "rb")) == NULL) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, ebuf);
		goto out;
	}
	if ((cms = CMS_sign(NULL, NULL, chain, NULL,
	    CMS_BINARY | CMS_DETACHED | CMS_PARTIAL)) == NULL ||
	    CMS_add1_signer(cms, cert, key, EVP_sha256(), CMS_BINARY) == NULL ||
	    !CMS_final(cms, data, NULL, CMS_BINARY | CMS_DETACHED) ||
	    (mem = BIO_new(BIO_s_mem())) == NULL || !i2d_CMS_bio(mem, cms) ||
	    (derlen = BIO_get_mem_data(mem, (char **)&der)) <= 0) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EIO, "%s: signing failed: %s",
		    path, ebuf);
		goto out;
	}
	if ((rc = atomic_open(&af, out, err)) != PLUMB_OK)
		goto out;
	if (atomic_write_all(af.fd, der, (size_t)derlen) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", out,
		    strerror(errno));
		atomic_abort(&af);
		goto out;
	}
	rc = atomic_commit(&af, err);
out:
	ERR_clear_error();
	BIO_free(data);
	BIO_free(mem);
	CMS_ContentInfo_free(cms);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	return rc;
}
