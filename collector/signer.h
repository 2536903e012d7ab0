/*
 * signer.h - the enrollment CA key in a process of its own (privilege
 * separation in the way of OpenNTPD and OpenSSH: docs/collector.md
 * "Privilege separation").
 *
 * signer_start() forks at start-up, before the database connections
 * of the writer thread and the listeners exist.  The child closes every
 * descriptor but its end of a socketpair and stderr, loads [enroll]
 * ca_cert and ca_key, and answers requests; the network process never
 * reads the key.  The child exits when the socket closes.
 *
 * Messages (both ways): a 12-byte header, "PSG1", a 32-bit type (a
 * request) or status (an answer: 0 or a PLUMB_E* code), a 32-bit
 * payload length (big-endian, at most SIGNER_MSG_MAX), then the
 * payload: a 32-bit field count and that many fields, each a 32-bit
 * length and its bytes (text, no NUL).
 *
 *	SIGNER_CERT: now, host, role, site, zone, CSR (PEM)
 *	    -> serial (hex), certificate (PEM)
 *	SIGNER_CRL: now, then pairs serial (hex), revocation time
 *	    -> CRL (PEM)
 *
 * The network side waits at most 10 s for an answer; after a timeout
 * or a broken answer it closes the channel and every later request
 * fails (a late answer must never be taken for the next one's).
 *
 * The child checks everything again (the CSR as enroll_csr_check(),
 * host and attributes as enroll_sign(), serials as hex of at most 40
 * digits, times as decimal) and answers PLUMB_EINVAL with a message for
 * anything malformed; a bad header or length ends the child (the
 * stream cannot be trusted after it).
 */
#ifndef PLUMB_COLLECTOR_SIGNER_H
#define PLUMB_COLLECTOR_SIGNER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "plumb/error.h"
#include "collector_config.h"

#define SIGNER_MSG_MAX		(4u * 1024 * 1024)	/* payload bytes */
#define SIGNER_FIELDS_MAX	200001	/* fields of one payload */
#define SIGNER_CERT		1
#define SIGNER_CRL		2

struct signer;

/* One revoked certificate for a CRL. */
struct signer_revoked {
	char serial[48];	/* hex, as enroll_sign() reports it */
	time_t when;
};

/*
 * Fork the signer for cfg's [enroll] CA and wait until it has loaded
 * the pair (its error, naming the file, otherwise).  Free with
 * signer_free(), which closes the socket and reaps the child.
 */
int signer_start(const struct collector_config *cfg, struct signer **out,
    struct plumb_err *err);
void signer_free(struct signer *sg);

/* The child's process id (tests). */
long signer_pid(const struct signer *sg);

/*
 * Have the CSR (PEM) signed for host (attributes: NULL or "" for none)
 * at now: the certificate as PEM into *pem (free()), its serial (hex)
 * into serial.  PLUMB_EINVAL with the signer's reason when it refused.
 */
int signer_cert(struct signer *sg, const char *csr, const char *host,
    const char *role, const char *site, const char *zone, time_t now,
    char **pem, char *serial, size_t serialsize, struct plumb_err *err);

/* A CRL naming the n revoked certificates, issued at now, as PEM into
 * *pem (free()). */
int signer_crl(struct signer *sg, const struct signer_revoked *v, size_t n,
    time_t now, char **pem, struct plumb_err *err);

/*
 * Send type and len raw payload bytes and read the answer: its status,
 * and its payload (NUL-terminated) into *reply (free()).  For the
 * tests that send malformed requests; the others use the calls above.
 */
int signer_request(struct signer *sg, uint32_t type, const void *payload,
    size_t len, uint32_t *status, char **reply, size_t *replylen,
    struct plumb_err *err);

#endif /* PLUMB_COLLECTOR_SIGNER_H */
