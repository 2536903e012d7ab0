/*
 * keyfile.h - private keys on disk: refuse a key file other users can
 * read or write, load it without ever echoing it.
 */
#ifndef PLUMB_KEYFILE_H
#define PLUMB_KEYFILE_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "plumb/error.h"

/*
 * PLUMB_OK when path is a regular file without group or other
 * permission bits (0600, 0400 ...); PLUMB_EINVAL with a message naming
 * the file, its mode and the fix otherwise; PLUMB_ENOENT/EIO when it
 * cannot be examined.
 */
int keyfile_check(const char *path, struct plumb_err *err);

/* keyfile_check on the opened file, then read a PEM private key. */
int keyfile_load_key(const char *path, EVP_PKEY **out, struct plumb_err *err);

/*
 * Read a PEM certificate file: the first certificate into *cert, any
 * further ones (intermediates) into *chain (NULL when there are none).
 * The caller frees both.
 */
int keyfile_load_cert(const char *path, X509 **cert,
    STACK_OF(X509) **chain, struct plumb_err *err);

/*
 * PLUMB_OK when cert is valid now; PLUMB_EINVAL naming path and the
 * date otherwise (signing with it would make unverifiable evidence).
 */
int keyfile_cert_current(X509 *cert, const char *path,
    struct plumb_err *err);

/* The OpenSSL error queue as one line into buf (and cleared). */
void keyfile_ssl_error(char *buf, size_t len);

#endif /* PLUMB_KEYFILE_H */
