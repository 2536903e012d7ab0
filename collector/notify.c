/*
 * notify.c - notifications recorded in the store, written to syslog and
 * POSTed to a webhook from a delivery thread (notify.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "plumb/error.h"
#include "common/hex.h"
#include "collector_config.h"
#include "notify.h"
#include "store.h"
#include "tokens.h"

/* Component "notify": never edit an applied migration, add one. */
static const struct store_migration notify_migrations[] = {
	{ 1,
	  "CREATE TABLE notify_sent ("
	  " id TEXT PRIMARY KEY,"
	  " type TEXT NOT NULL,"
	  " host TEXT NOT NULL DEFAULT '',"
	  " created INTEGER NOT NULL,"
	  " body TEXT NOT NULL,"
	  " webhook TEXT NOT NULL,"		/* pending delivered failed off */
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " done_time INTEGER"
	  ");"
	  "CREATE INDEX notify_sent_webhook ON notify_sent (webhook, created);" },
};

enum notify_state { NOTIFY_QUEUED, NOTIFY_DELIVERED, NOTIFY_FAILED };

/* One notification in memory, from queued until notify_pump() stores
 * its outcome. */
struct notify_item {
	char id[NOTIFY_ID_LEN + 1];
	char *body;
	size_t len;
	unsigned attempts;
	time_t due;			/* next try */
	time_t done;
	int state;			/* enum notify_state */
	int busy;			/* being POSTed now */
	struct notify_item *next;
};

struct notify {
	const struct collector_config *cfg;
	struct store *store;
	unsigned char secret[NOTIFY_SECRET_MAX];
	size_t secretlen;
	int facility;			/* -1: no syslog */
	int logfd;			/* -1: not connected */
	int logwarned;
	/* Shared with the delivery thread, under mu: */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct notify_item *items;
	size_t nitems;
	int stop;
	int thread;			/* started */
	pthread_t tid;
};

static const struct {
	const char *name;
	int facility;
} notify_facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int
notify_facility(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(notify_facilities) /
	    sizeof(notify_facilities[0]); i++)
		if (strcmp(name, notify_facilities[i].name) == 0)
			return notify_facilities[i].facility;
	return -1;
}

void
notify_id(char *out, const char *type, const char *k1, const char *k2,
    const char *k3)
{
	const char *parts[4] = { type, k1, k2, k3 };
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	size_t i;

	out[0] = '\0';
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return;
	/* Each part with its NUL, so ("ab","c") differs from ("a","bc"). */
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		for (i = 0; i < 4; i++)
			EVP_DigestUpdate(ctx, parts[i] != NULL ? parts[i] :
			    "", strlen(parts[i] != NULL ? parts[i] : "") + 1);
		if (EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
		    mdlen * 2 >= NOTIFY_ID_LEN) {
			hex_encode(md, mdlen, hex);
			memcpy(out, hex, NOTIFY_ID_LEN);
			out[NOTIFY_ID_LEN] = '\0';
		}
	}
	EVP_MD_CTX_free(ctx);
}

void
notify_signature(const unsigned char *key, size_t keylen, const char *data,
    size_t len, char *out, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int mdlen = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data,
	    len, md, &mdlen) == NULL)
		mdlen = 0;
	hex_encode(md, mdlen, hex);
	snprintf(out, size, "sha256=%s", hex);
}

/* Read the webhook secret: the file's bytes less trailing newlines. */
static int
notify_read_secret(struct notify *n, const char *path, struct plumb_err *err)
{
	ssize_t r;
	size_t len = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return plumb_err_set(err, PLUMB_EIO, "[alerts] "
		    "webhook_secret_file %s: %s", path, strerror(errno));
	while (len < sizeof(n->secret) && (r = read(fd, n->secret + len,
	    sizeof(n->secret) - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return plumb_err_set(err, PLUMB_EIO, "[alerts] "
			    "webhook_secret_file %s: %s", path,
			    strerror(errno));
		}
		len += (size_t)r;
	}
	close(fd);
	while (len > 0 && (n->secret[len - 1] == '\n' ||
	    n->secret[len - 1] == '\r'))
		len--;
	if (len == 0 || len == sizeof(n->secret))
		return plumb_err_set(err, PLUMB_EINVAL, "[alerts] "
		    "webhook_secret_file %s: %s", path, len == 0 ? "empty" :
		    "longer than 4095 bytes");
	n->secretlen = len;
	return PLUMB_OK;
}

/* ------------------------------------------------------------- syslog */

/* Send one message to the syslog socket without waiting (RFC 3164 as
 * syslog(3) writes it); a lost message is reported on stderr once. */
static void
notify_syslog(struct notify *n, int prio, const char *msg)
{
	struct sockaddr_un sun;
	char buf[NOTIFY_SYSLOG_MAX], ts[32];
	struct tm tm;
	time_t now = time(NULL);
	int len;

	if (n->facility < 0)
		return;
	if (n->logfd == -1) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(n->cfg->syslog_socket) >= sizeof(sun.sun_path))
			goto lost;
		strcpy(sun.sun_path, n->cfg->syslog_socket);
		if ((n->logfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0)) == -1)
			goto lost;
		if (connect(n->logfd, (struct sockaddr *)&sun,
		    sizeof(sun)) == -1) {
			close(n->logfd);
			n->logfd = -1;
			goto lost;
		}
	}
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm) == 0)
		ts[0] = '\0';
	len = snprintf(buf, sizeof(buf), "<%d>%s plumb-collector[%ld]: %s",
	    n->facility | prio, ts, (long)getpid(), msg);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	if (send(n->logfd, buf, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL) ==
	    len) {
		n->logwarned = 0;
		return;
	}
	close(n->logfd);	/* reconnect next time (syslogd restarted) */
	n->logfd = -1;
lost:
	if (!n->logwarned)
		fprintf(stderr, "plumb-collector: syslog %s: %s (notification "
		    "not logged)\n", n->cfg->syslog_socket, strerror(errno));
	n->logwarned = 1;
}

/* ------------------------------------------------------------ webhook */

static size_t
notify_discard(char *ptr, size_t size, size_t nmemb, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * nmemb;
}

/* POST one body; 0 on a 2xx answer. */
static int
notify_post_http(struct notify *n, const char *id, const char *body,
    size_t len)
{
	char sig[80], hdr[128], hid[80];
	struct curl_slist *h = NULL, *t;
	long status = 0;
	CURLcode cc;
	CURL *c;
	int rc = -1;

	notify_signature(n->secret, n->secretlen, body, len, sig, sizeof(sig));
	snprintf(hdr, sizeof(hdr), "X-Plumb-Signature: %s", sig);
	snprintf(hid, sizeof(hid), "X-Plumb-Notification: %s", id);
	if ((c = curl_easy_init()) == NULL)
		return -1;
	if ((t = curl_slist_append(h, "Content-Type: application/json")) ==
	    NULL)
		goto out;
	h = t;
	if ((t = curl_slist_append(h, hdr)) == NULL)
		goto out;
	h = t;
	if ((t = curl_slist_append(h, hid)) == NULL)
		goto out;
	h = t;
	curl_easy_setopt(c, CURLOPT_URL, n->cfg->webhook_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)n->cfg->webhook_timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    (long)n->cfg->webhook_timeout_s);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, notify_discard);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "plumb-collector/" VERSION);
	if (n->cfg->webhook_ca != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, n->cfg->webhook_ca);
	if ((cc = curl_easy_perform(c)) != CURLE_OK) {
		fprintf(stderr, "plumb-collector: webhook %s: %s\n", id,
		    curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300)
		rc = 0;
	else
		fprintf(stderr, "plumb-collector: webhook %s: HTTP %ld\n", id,
		    status);
out:
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}

/* The first queued item due at now, or NULL; *wake: the earliest due
 * time of the others. */
static struct notify_item *
notify_next_due(struct notify *n, time_t now, time_t *wake)
{
	struct notify_item *it;

	*wake = 0;
	for (it = n->items; it != NULL; it = it->next) {
		if (it->state != NOTIFY_QUEUED)
			continue;
		if (it->due <= now)
			return it;
		if (*wake == 0 || it->due < *wake)
			*wake = it->due;
	}
	return NULL;
}

/* The delivery thread: POST what is due, one at a time. */
static void *
notify_thread(void *arg)
{
	struct notify *n = arg;
	struct notify_item *it;
	struct timespec ts;
	time_t now, wake, delay;
	unsigned shift;
	int ok;

	pthread_mutex_lock(&n->mu);
	while (!n->stop) {
		now = time(NULL);
		if ((it = notify_next_due(n, now, &wake)) == NULL) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += wake != 0 && wake - now < 1 ? 1 :
			    wake != 0 && wake - now < 60 ? wake - now : 60;
			pthread_cond_timedwait(&n->cv, &n->mu, &ts);
			continue;
		}
		it->busy = 1;
		pthread_mutex_unlock(&n->mu);
		/* body is not changed while busy: no lock needed for it. */
		ok = notify_post_http(n, it->id, it->body, it->len) == 0;
		pthread_mutex_lock(&n->mu);
		it->busy = 0;
		it->attempts++;
		now = time(NULL);
		if (ok) {
			it->state = NOTIFY_DELIVERED;
			it->done = now;
		} else if (it->attempts > n->cfg->webhook_retries) {
			it->state = NOTIFY_FAILED;
			it->done = now;
		} else {
			shift = it->attempts - 1 < 20 ? it->attempts - 1 : 20;
			delay = (time_t)n->cfg->webhook_backoff_s << shift;
			if (delay > (time_t)n->cfg->webhook_backoff_max_s)
				delay = n->cfg->webhook_backoff_max_s;
			it->due = now + delay;
		}
	}
	pthread_mutex_unlock(&n->mu);
	return NULL;
}

static void
notify_item_free(struct notify_item *it)
{
	if (it == NULL)
		return;
	free(it->body);
	free(it);
}

/* Queue a copy of body under id unless it is queued or the queue is
 * full: 1 queued, 0 not, -1 out of memory.  Caller holds mu. */
static int
notify_enqueue(struct notify *n, const char *id, const char *body,
    unsigned attempts)
{
	struct notify_item *it, **pp;

	for (pp = &n->items; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->id, id) == 0)
			return 0;
	if (n->nitems >= n->cfg->webhook_queue)
		return 0;
	if ((it = calloc(1, sizeof(*it))) == NULL ||
	    (it->body = strdup(body)) == NULL) {
		free(it);
		return -1;
	}
	snprintf(it->id, sizeof(it->id), "%s", id);
	it->len = strlen(body);
	it->attempts = attempts;
	it->due = time(NULL);
	*pp = it;
	n->nitems++;
	pthread_cond_signal(&n->cv);
	return 1;
}

int
notify_new(const struct collector_config *cfg, struct store *s,
    struct notify **out, struct plumb_err *err)
{
	struct notify *n;
	int rc;

	*out = NULL;
	if ((rc = store_migrate(s, "notify", notify_migrations,
	    sizeof(notify_migrations) / sizeof(notify_migrations[0]), err)) !=
	    PLUMB_OK)
		return rc;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	n->cfg = cfg;
	n->store = s;
	n->logfd = -1;
	n->facility = -1;
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	if (cfg->syslog_facility != NULL)
		n->facility = notify_facility(cfg->syslog_facility);
	if (cfg->webhook_url != NULL) {
		if ((rc = notify_read_secret(n, cfg->webhook_secret_file,
		    err)) != PLUMB_OK)
			goto fail;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			rc = plumb_err_set(err, PLUMB_ENOMEM,
			    "curl_global_init failed");
			goto fail;
		}
		if (pthread_create(&n->tid, NULL, notify_thread, n) != 0) {
			rc = plumb_err_set(err, PLUMB_ENOMEM,
			    "cannot start the webhook thread");
			goto fail;
		}
		n->thread = 1;
	}
	*out = n;
	return PLUMB_OK;
fail:
	notify_free(n);
	return rc;
}

static int notify_record_done(struct notify *, struct plumb_err *);

void
notify_free(struct notify *n)
{
	struct notify_item *it;
	struct plumb_err e;

	if (n == NULL)
		return;
	if (n->thread) {
		pthread_mutex_lock(&n->mu);
		n->stop = 1;
		pthread_cond_signal(&n->cv);
		pthread_mutex_unlock(&n->mu);
		pthread_join(n->tid, NULL);
		/* What was delivered since the last check is recorded now,
		 * or a restart would send it again. */
		memset(&e, 0, sizeof(e));
		if (notify_record_done(n, &e) != PLUMB_OK)
			fprintf(stderr, "plumb-collector: notifications: %s\n",
			    e.msg);
	}
	while ((it = n->items) != NULL) {
		n->items = it->next;
		notify_item_free(it);
	}
	if (n->logfd != -1)
		close(n->logfd);
	pthread_mutex_destroy(&n->mu);
	pthread_cond_destroy(&n->cv);
	explicit_bzero(n->secret, sizeof(n->secret));
	free(n);
}

int
notify_post(struct notify *n, const char *id, const char *type,
    const char *host, json_t *o, time_t now, int *isnew,
    struct plumb_err *err)
{
	char created[32], msg[NOTIFY_SYSLOG_MAX];
	const char *params[6];
	uint64_t changes = 0;
	char *body = NULL;
	int rc;

	*isnew = 0;
	snprintf(created, sizeof(created), "%lld", (long long)now);
	if (json_object_set_new(o, "id", json_string(id)) != 0 ||
	    json_object_set_new(o, "type", json_string(type)) != 0 ||
	    json_object_set_new(o, "time", json_integer((json_int_t)now)) !=
	    0 || (body = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	params[0] = id;
	params[1] = type;
	params[2] = host != NULL ? host : "";
	params[3] = created;
	params[4] = body;
	params[5] = n->cfg->webhook_url != NULL ? "pending" : "off";
	if ((rc = store_query(n->store, "INSERT INTO notify_sent (id, type, "
	    "host, created, body, webhook) VALUES ($1, $2, $3, $4, $5, $6) "
	    "ON CONFLICT (id) DO NOTHING", params, 6, NULL, NULL, &changes,
	    err)) != PLUMB_OK || changes == 0)
		goto out;
	*isnew = 1;
	snprintf(msg, sizeof(msg), "notification %s", body);
	notify_syslog(n, strcmp(type, "host_fresh") == 0 ? LOG_NOTICE :
	    LOG_WARNING, msg);
	if (n->thread) {
		pthread_mutex_lock(&n->mu);
		if (notify_enqueue(n, id, body, 0) < 0)
			rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
		pthread_mutex_unlock(&n->mu);
	}
out:
	free(body);
	return rc;
}

struct notify_refill {
	struct notify *n;
	int nomem;
};

static int
notify_refill_row(void *arg, const char *const *v, size_t ncols)
{
	struct notify_refill *r = arg;

	if (ncols < 3 || v[0] == NULL || v[1] == NULL)
		return 0;
	if (notify_enqueue(r->n, v[0], v[1], v[2] != NULL ?
	    (unsigned)strtoul(v[2], NULL, 10) : 0) < 0) {
		r->nomem = 1;
		return 1;
	}
	return r->n->nitems >= r->n->cfg->webhook_queue;
}

/* Store the outcome of every finished item and drop it from memory. */
static int
notify_record_done(struct notify *n, struct plumb_err *err)
{
	struct notify_item *it, **pp, *done = NULL;
	char att[24], when[32];
	const char *params[4];
	int rc = PLUMB_OK;

	/* Take the finished items out under the lock, store them after. */
	pthread_mutex_lock(&n->mu);
	for (pp = &n->items; (it = *pp) != NULL;) {
		if (it->state == NOTIFY_QUEUED || it->busy) {
			pp = &it->next;
			continue;
		}
		*pp = it->next;
		n->nitems--;
		it->next = done;
		done = it;
	}
	pthread_mutex_unlock(&n->mu);
	while ((it = done) != NULL) {
		done = it->next;
		snprintf(att, sizeof(att), "%u", it->attempts);
		snprintf(when, sizeof(when), "%lld", (long long)it->done);
		params[0] = it->id;
		params[1] = it->state == NOTIFY_DELIVERED ? "delivered" :
		    "failed";
		params[2] = att;
		params[3] = when;
		if (rc == PLUMB_OK)
			rc = store_query(n->store, "UPDATE notify_sent SET "
			    "webhook = $2, attempts = $3, done_time = $4 "
			    "WHERE id = $1", params, 4, NULL, NULL, NULL, err);
		notify_item_free(it);
	}
	return rc;
}

int
notify_pump(struct notify *n, struct plumb_err *err)
{
	struct notify_refill rf;
	char lim[24];
	const char *params[1];
	int rc;

	if (n == NULL || !n->thread)
		return PLUMB_OK;
	if ((rc = notify_record_done(n, err)) != PLUMB_OK)
		return rc;
	/* Room in memory: take up pending ones (made while it was full, or
	 * before a restart).  The lock is held: the rows are few. */
	memset(&rf, 0, sizeof(rf));
	rf.n = n;
	pthread_mutex_lock(&n->mu);
	snprintf(lim, sizeof(lim), "%zu", n->cfg->webhook_queue * 2 +
	    n->nitems);
	params[0] = lim;
	if (n->nitems < n->cfg->webhook_queue)
		rc = store_query(n->store, "SELECT id, body, attempts FROM "
		    "notify_sent WHERE webhook = 'pending' ORDER BY created, "
		    "id LIMIT CAST($1 AS INTEGER)", params, 1,
		    notify_refill_row, &rf, NULL, err);
	pthread_mutex_unlock(&n->mu);
	if (rc == PLUMB_OK && rf.nomem)
		rc = plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	return rc;
}
