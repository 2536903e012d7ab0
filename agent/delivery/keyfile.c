/* keyfile.c - loading keys and certificates with permission checks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "plumb/error.h"
#include "keyfile.h"

/* The mode test shared by keyfile_check and keyfile_load_key. */
static int
keyfile_mode_ok(const char *path, const struct stat *st,
    struct plumb_err *err)
{
	if (!S_ISREG(st->st_mode))
		return plumb_err_set(err, PLUMB_EINVAL,
		    "%s: private key is not a regular file", path);
	if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0)
		return plumb_err_set(err, PLUMB_EINVAL,
		    "%s: private key is accessible by group or others "
		    "(mode %04o); refusing to use it: chmod 600 %s", path,
		    (unsigned)(st->st_mode & 07777), path);
	return PLUMB_OK;
}

int
keyfile_check(const char *path, struct plumb_err *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	return keyfile_mode_ok(path, &st, err);
}

void
keyfile_ssl_error(char *buf, size_t len)
{
	const char *data;
	unsigned long e;
	size_t off = 0;
	int flags, n;
	char one[256];

	if (len == 0)
		return;
	buf[0] = '\0';
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		ERR_error_string_n(e, one, sizeof(one));
		n = snprintf(buf + off, len - off, "%s%s%s%s",
		    off > 0 ? "; " : "", one,
		    (flags & ERR_TXT_STRING) && data != NULL && *data != '\0' ?
		    ": " : "",
		    (flags & ERR_TXT_STRING) && data != NULL ? data : "");
		if (n < 0 || (size_t)n >= len - off) {
			off = len - 1;
			break;
		}
		off += (size_t)n;
	}
	ERR_clear_error();
	if (off == 0)
		snprintf(buf, len, "unknown OpenSSL error");
}

int
keyfile_load_key(const char *path, EVP_PKEY **out, struct plumb_err *err)
{
	char ebuf[256];
	struct stat st;
	FILE *f = NULL;
	int fd, rc;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	/* Check the file we read, not a name that may change under us. */
	if (fstat(fd, &st) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
		close(fd);
		goto out;
	}
	if ((rc = keyfile_mode_ok(path, &st, err)) != PLUMB_OK) {
		close(fd);
		goto out;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		rc = plumb_err_set(err, PLUMB_EIO, "%s: %s", path,
		    strerror(errno));
		close(fd);
		goto out;
	}
	ERR_clear_error();
	if ((*out = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "%s: cannot read private key: %s", path, ebuf);
		goto out;
	}
	rc = PLUMB_OK;
out:
	if (f != NULL)
		fclose(f);
	return rc;
}

int
keyfile_load_cert(const char *path, X509 **cert, STACK_OF(X509) **chain,
    struct plumb_err *err)
{
	char ebuf[256];
	X509 *x;
	FILE *f;
	int rc;

	*cert = NULL;
	*chain = NULL;
	if ((f = fopen(path, "re")) == NULL)
		return plumb_err_set(err, errno == ENOENT ? PLUMB_ENOENT :
		    PLUMB_EIO, "%s: %s", path, strerror(errno));
	ERR_clear_error();
	if ((*cert = PEM_read_X509(f, NULL, NULL, NULL)) == NULL) {
		keyfile_ssl_error(ebuf, sizeof(ebuf));
		rc = plumb_err_set(err, PLUMB_EPARSE,
		    "%s: cannot read certificate: %s", path, ebuf);
		goto out;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		if ((*chain == NULL && (*chain = sk_X509_new_null()) == NULL) ||
		    !sk_X509_push(*chain, x)) {
			X509_free(x);
			rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
			goto out;
		}
	}
	/* The loop ends on "no start line": the normal end of file. */
	ERR_clear_error();
	rc = PLUMB_OK;
out:
	fclose(f);
	if (rc != PLUMB_OK) {
		X509_free(*cert);
		*cert = NULL;
		sk_X509_pop_free(*chain, X509_free);
		*chain = NULL;
	}
	return rc;
}

int
keyfile_cert_current(X509 *cert, const char *path, struct plumb_err *err)
{
	char when[64] = "";
	const ASN1_TIME *t;
	BIO *b;
	long n;
	char *p;

	if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0)
		t = X509_get0_notAfter(cert);
	else if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0)
		t = X509_get0_notBefore(cert);
	else
		return PLUMB_OK;
	if ((b = BIO_new(BIO_s_mem())) != NULL) {
		if (ASN1_TIME_print(b, t) &&
		    (n = BIO_get_mem_data(b, &p)) > 0)
			snprintf(when, sizeof(when), "%.*s", (int)n, p);
		BIO_free(b);
	}
	ERR_clear_error();
	return plumb_err_set(err, PLUMB_EINVAL, "%s: certificate %s %s", path,
	    t == X509_get0_notAfter(cert) ? "expired on" : "not valid before",
	    when);
}
