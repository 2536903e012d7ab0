/*
 * upload.h - send bundles to the collector: libcurl HTTPS POST with the
 * agent's client certificate, only the configured CA trusted (never the
 * system store), TLS 1.2 or later, host name verified, connect and
 * total timeouts, libcurl's proxy environment honoured.
 *
 * The request carries the bundle UUID (header "X-Plumb-Bundle"), so a
 * bundle sent twice is acknowledged, not stored twice: 200/201/409 from
 * the collector all mean "the collector has it".
 */
#ifndef PLUMB_UPLOAD_H
#define PLUMB_UPLOAD_H

#include <stddef.h>

#include <curl/curl.h>

#include "plumb/error.h"

/*
 * The CA, the client certificate and the key read into memory (PEM), so
 * that a process can load them with privileges and then drop them
 * before it talks to the network.  Filled by upload_creds_load(),
 * wiped and freed by upload_creds_clear().
 */
struct upload_creds {
	unsigned char *ca;
	size_t ca_len;
	unsigned char *cert;
	size_t cert_len;
	unsigned char *key;
	size_t key_len;
};

struct upload_opts {
	const char *url;
	const char *ca_file;
	const char *cert_file;	/* with key_file NULL: no client */
	const char *key_file;	/* certificate is offered (tests) */
	unsigned connect_timeout_s;
	unsigned timeout_s;
	/* Preloaded credentials used instead of the three files; NULL:
	 * the files are read when the connection is made. */
	const struct upload_creds *creds;
};

/*
 * The settings every request to the collector shares (plumb enroll's
 * too), on handle c: o->url over HTTPS only, no redirect followed, TLS
 * 1.2 or later with the host name verified against o->ca_file alone
 * (libcurl's certificate directory never searched), the client
 * certificate of o->creds, else of o->cert_file and o->key_file when
 * cert_file is not NULL, o's timeouts, libcurl's messages into errbuf
 * (CURL_ERROR_SIZE bytes).  Returns the first setopt failure or
 * CURLE_OK.
 */
CURLcode upload_curl_setopts(CURL *c, const struct upload_opts *o,
    char *errbuf);

/* Outcome of one attempt. */
enum upload_status {
	UPLOAD_OK = 0,		/* acknowledged: remove from the spool */
	UPLOAD_RETRY,		/* network, TLS handshake, 5xx: try later */
	UPLOAD_REJECTED		/* 4xx other than 409: keep, log, try later */
};

/* POST the bundle file at path; err says why when not UPLOAD_OK. */
enum upload_status upload_bundle(const struct upload_opts *o,
    const char *path, const char *uuid, struct plumb_err *err);

/* The same, from an open file (read from its current offset to EOF);
 * fd stays open. */
enum upload_status upload_bundle_fd(const struct upload_opts *o, int fd,
    const char *uuid, struct plumb_err *err);

/* Read o's ca_file, cert_file and key_file into cr (each at most
 * 1 MiB).  On failure cr is left empty. */
int upload_creds_load(struct upload_creds *cr, const struct upload_opts *o,
    struct plumb_err *err);

/* Wipe the key, free everything; cr is left zeroed.  Accepts NULL. */
void upload_creds_clear(struct upload_creds *cr);

/*
 * Delay before retry number attempt (0-based): exponential backoff
 * from base_s capped at max_s, with full jitter (uniform in [0, d]).
 */
unsigned upload_backoff(unsigned attempt, unsigned base_s, unsigned max_s);

#endif /* PLUMB_UPLOAD_H */
