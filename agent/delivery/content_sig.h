/*
 * content_sig.h - integrity of SCAP content: a detached CMS signature
 * FILE.p7s (DER or PEM) over the exact bytes of FILE, by a certificate
 * that chains to the content CA and carries the codeSigning extended
 * key usage (so an agent's own key cannot sign content for the fleet).
 *
 * The same file checks with standard tools:
 *	openssl cms -verify -binary -inform DER -in FILE.p7s \
 *	    -content FILE -CAfile content-ca.pem -out /dev/null
 */
#ifndef PLUMB_CONTENT_SIG_H
#define PLUMB_CONTENT_SIG_H

#include "plumb/error.h"

#define CONTENT_SIG_SUFFIX	".p7s"

/*
 * PLUMB_OK when path + ".p7s" is a valid detached signature of path by
 * a codeSigning certificate chaining to ca_file (the only trust anchor).
 * PLUMB_ENOENT when the content or its signature file is missing,
 * PLUMB_EPARSE when the signature is malformed or does not verify,
 * PLUMB_EINVAL when the signer lacks codeSigning; err says which.
 */
int content_sig_check(const char *path, const char *ca_file,
    struct plumb_err *err);

/*
 * Write a detached DER CMS signature of path (SHA-256, signing time,
 * signer certificate included) atomically to out, or to path + ".p7s"
 * when out is NULL.  The key file must be private to its owner.
 */
int content_sig_sign(const char *path, const char *cert_file,
    const char *key_file, const char *out, struct plumb_err *err);

#endif /* PLUMB_CONTENT_SIG_H */
