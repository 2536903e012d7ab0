/*
 * notify.h - delivery of the collector's notifications (alerts.h makes
 * them): each one is recorded in table notify_sent (component
 * "notify") under its id before anything is sent, so a restart never
 * makes it twice, then
 *  - written to syslog at once ([alerts] syslog_facility, a datagram
 *    to [alerts] syslog_socket, never waiting), and
 *  - POSTed as JSON to [alerts] webhook_url by a thread of its own with
 *    an X-Plumb-Signature: sha256=<hex HMAC-SHA256 of the body> header
 *    keyed by the secret in [alerts] webhook_secret_file, retried with
 *    doubling back-off ([alerts] webhook_retries, webhook_backoff_s,
 *    webhook_backoff_max_s).
 * The table is the queue: at most [alerts] webhook_queue notifications
 * are in memory; the others stay "pending" there and are taken up by
 * notify_pump() as room frees, also after a restart.  Webhook states:
 * pending, delivered, failed (retries used up), off (no webhook_url
 * when it was made).
 *
 * Threads: notify_post() and notify_pump() run on the thread that owns
 * the store (the event loop); only the delivery thread talks HTTP.
 */
#ifndef PLUMB_COLLECTOR_NOTIFY_H
#define PLUMB_COLLECTOR_NOTIFY_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "plumb/error.h"
#include "collector_config.h"
#include "store.h"

#define NOTIFY_ID_LEN		32	/* hex digits of a notification id */
#define NOTIFY_SECRET_MAX	4096	/* bytes of the webhook secret */
#define NOTIFY_SYSLOG_MAX	2048	/* bytes of one syslog message */

struct notify;

/* The syslog facility named name ("auth", "local0" ...), -1 when
 * unknown. */
int notify_facility(const char *name);

/*
 * Create the notify table, read the webhook secret (PLUMB_EINVAL when
 * empty, naming the file) and start the delivery thread when a webhook
 * is configured.  The URL scheme and the facility were checked by
 * collector_config_load().  cfg and s are
 * borrowed for the life of *out.
 */
int notify_new(const struct collector_config *cfg, struct store *s,
    struct notify **out, struct plumb_err *err);

/* Stop the thread (waits for a POST under way, bounded by
 * webhook_timeout_s) and free; accepts NULL. */
void notify_free(struct notify *n);

/*
 * The id of a notification: the first NOTIFY_ID_LEN hex digits of the
 * SHA-256 of type and the key strings (NULL: empty), so the same event
 * always has the same id.  out has NOTIFY_ID_LEN + 1 bytes.
 */
void notify_id(char *out, const char *type, const char *k1, const char *k2,
    const char *k3);

/*
 * Record notification id of type about host (may be "") whose body is
 * o plus "id", "type" and "time" (added here; o is borrowed), then
 * send it.  *isnew is 0 when id was already recorded (nothing sent).
 */
int notify_post(struct notify *n, const char *id, const char *type,
    const char *host, json_t *o, time_t now, int *isnew,
    struct plumb_err *err);

/* Store the outcomes of finished deliveries and queue pending ones. */
int notify_pump(struct notify *n, struct plumb_err *err);

/* "sha256=" and the hex HMAC-SHA256 of data keyed by key into out
 * (72 bytes or more). */
void notify_signature(const unsigned char *key, size_t keylen,
    const char *data, size_t len, char *out, size_t size);

#endif /* PLUMB_COLLECTOR_NOTIFY_H */
