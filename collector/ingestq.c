/*
 * ingestq.c - the ingest writer thread (ingestq.h).
 *
 * Jobs go from the loop to the thread through "in", and back through
 * "out"; a byte on a pipe wakes the loop when "out" was empty.  The
 * thread takes every waiting job up to INGESTQ_BATCH at once, so the
 * batch grows by itself while the disk is slow.  Uploads to check go
 * from the loop to the checker thread through "chk"; it puts what
 * passes on "in" and what is refused on "ref".  The threads block
 * every signal: they stay the loop's (libevent).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plumb/error.h"
#include "ingest.h"
#include "ingestq.h"
#include "store.h"

/* An upload waiting for (or refused by) ingest_check(). */
struct ingestq_pending {
	X509 *client;
	char *uuid;
	unsigned char *body;
	size_t len;
	time_t now;
	void *ctx;
	struct ingest_result res;
};

struct ingestq {
	struct ingest *ig;
	struct store *store;		/* the thread's */
	ingestq_done_fn done;
	ingestq_refused_fn refused;
	void *arg;
	pthread_t checker;
	int checker_started;
	pthread_cond_t ccv;		/* chk not empty, or cstop */
	struct ingestq_pending **chk;	/* max entries each */
	size_t nchk;
	size_t cbusy;			/* being checked: 0 or 1 */
	X509 *last;			/* client checked last (a reference) */
	struct ingestq_pending **ref, **gotref;
	size_t nref;
	int cstop;
	struct event *ev;		/* wake[0] readable */
	int wake[2];
	pthread_t thread;
	int started;
	size_t max;
	struct ingest_job **got;	/* the loop's, max entries */
	pthread_mutex_t mu;		/* guards what follows */
	pthread_cond_t cv;
	struct ingest_job **in;		/* max entries each */
	size_t nin;
	struct ingest_job **out;
	size_t nout;
	size_t busy;			/* jobs the thread is storing */
	int stop;
};

/* The loop's wake-up: a full pipe already holds one (EAGAIN is fine). */
static void
ingestq_wake(struct ingestq *q)
{
	if (write(q->wake[1], "", 1) == -1 && errno != EAGAIN)
		abort();
}

static void
ingestq_pending_free(struct ingestq_pending *p)
{
	if (p == NULL)
		return;
	X509_free(p->client);
	free(p->uuid);
	free(p->body);
	free(p);
}

/*
 * The next upload to check (mu held): the oldest of another client than
 * the one checked last, so a client sending many costly uploads delays
 * the others by one check at most.
 */
static struct ingestq_pending *
ingestq_next(struct ingestq *q)
{
	struct ingestq_pending *p;
	size_t i;

	for (i = 0; i < q->nchk; i++)
		if (q->last == NULL || X509_cmp(q->chk[i]->client,
		    q->last) != 0)
			break;
	if (i == q->nchk)
		i = 0;
	p = q->chk[i];
	memmove(q->chk + i, q->chk + i + 1,
	    (q->nchk - i - 1) * sizeof(q->chk[0]));
	q->nchk--;
	if (X509_up_ref(p->client) == 1) {
		X509_free(q->last);
		q->last = p->client;
	}
	return p;
}

/* The checker: ingest_check() of each upload, off the event loop. */
static void *
ingestq_checker(void *arg)
{
	struct ingestq *q = arg;
	struct ingestq_pending *p;
	struct ingest_job *job;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->nchk == 0 && !q->cstop)
			pthread_cond_wait(&q->ccv, &q->mu);
		if (q->nchk == 0)
			break;
		p = ingestq_next(q);
		q->cbusy = 1;
		pthread_mutex_unlock(&q->mu);
		job = ingest_check(q->ig, p->client, p->uuid, p->body, p->len,
		    p->now, p->ctx, &p->res);
		free(p->body);
		p->body = NULL;
		pthread_mutex_lock(&q->mu);
		q->cbusy = 0;
		if (job != NULL) {
			q->in[q->nin++] = job;
			pthread_cond_signal(&q->cv);
			ingestq_pending_free(p);
		} else {
			q->ref[q->nref++] = p;
			ingestq_wake(q);
		}
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static void *
ingestq_thread(void *arg)
{
	struct ingestq *q = arg;
	struct ingest_job *batch[INGESTQ_BATCH];
	size_t n, i;
	int wake;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->nin == 0 && !q->stop)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->nin == 0)
			break;
		n = q->nin < INGESTQ_BATCH ? q->nin : INGESTQ_BATCH;
		memcpy(batch, q->in, n * sizeof(batch[0]));
		memmove(q->in, q->in + n, (q->nin - n) * sizeof(q->in[0]));
		q->nin -= n;
		q->busy = n;
		pthread_mutex_unlock(&q->mu);
		ingest_store(q->ig, q->store, batch, n);
		pthread_mutex_lock(&q->mu);
		wake = q->nout == 0;
		for (i = 0; i < n; i++)
			q->out[q->nout++] = batch[i];
		q->busy = 0;
		if (wake)
			ingestq_wake(q);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Hand the refused uploads to refused() and the finished jobs to
 * done(), each in the order they were queued. */
static void
ingestq_deliver(struct ingestq *q)
{
	size_t n, nr, i;

	pthread_mutex_lock(&q->mu);
	n = q->nout;
	memcpy(q->got, q->out, n * sizeof(q->got[0]));
	q->nout = 0;
	nr = q->nref;
	memcpy(q->gotref, q->ref, nr * sizeof(q->gotref[0]));
	q->nref = 0;
	pthread_mutex_unlock(&q->mu);
	for (i = 0; i < nr; i++) {
		q->refused(q->gotref[i]->ctx, &q->gotref[i]->res,
		    q->gotref[i]->len, q->arg);
		ingestq_pending_free(q->gotref[i]);
	}
	for (i = 0; i < n; i++)
		q->done(q->got[i], q->arg);
}

/* Jobs and uploads in the queue, every stage (mu held). */
static size_t
ingestq_count(const struct ingestq *q)
{
	return q->nchk + q->cbusy + q->nref + q->nin + q->busy + q->nout;
}

static void
ingestq_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	ingestq_deliver(arg);
}

int
ingestq_new(struct event_base *base, struct ingest *ig, const char *database,
    size_t max, ingestq_done_fn done, ingestq_refused_fn refused, void *arg,
    struct ingestq **out, struct plumb_err *err)
{
	struct ingestq *q;
	sigset_t all, old;
	int rc, i;

	*out = NULL;
	if (max < 1)
		max = 1;
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->in = calloc(max, sizeof(*q->in))) == NULL ||
	    (q->out = calloc(max, sizeof(*q->out))) == NULL ||
	    (q->got = calloc(max, sizeof(*q->got))) == NULL ||
	    (q->chk = calloc(max, sizeof(*q->chk))) == NULL ||
	    (q->ref = calloc(max, sizeof(*q->ref))) == NULL ||
	    (q->gotref = calloc(max, sizeof(*q->gotref))) == NULL) {
		if (q != NULL) {
			free(q->in);
			free(q->out);
			free(q->got);
			free(q->chk);
			free(q->ref);
		}
		free(q);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	q->max = max;
	q->ig = ig;
	q->done = done;
	q->refused = refused;
	q->arg = arg;
	q->wake[0] = q->wake[1] = -1;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	pthread_cond_init(&q->ccv, NULL);
	if ((rc = store_open(database, &q->store, err)) != 0)
		goto fail;
	if (pipe(q->wake) != 0) {
		rc = plumb_err_set(err, PLUMB_EIO, "pipe: %s",
		    strerror(errno));
		goto fail;
	}
	for (i = 0; i < 2; i++)
		if (fcntl(q->wake[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(q->wake[i], F_SETFD, FD_CLOEXEC) == -1) {
			rc = plumb_err_set(err, PLUMB_EIO, "fcntl: %s",
			    strerror(errno));
			goto fail;
		}
	if ((q->ev = event_new(base, q->wake[0], EV_READ | EV_PERSIST,
	    ingestq_wake_cb, q)) == NULL || event_add(q->ev, NULL) != 0) {
		rc = plumb_err_set(err, PLUMB_ENOMEM, "cannot set up events");
		goto fail;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if ((rc = pthread_create(&q->thread, NULL, ingestq_thread, q)) == 0) {
		q->started = 1;
		if ((rc = pthread_create(&q->checker, NULL, ingestq_checker,
		    q)) == 0)
			q->checker_started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		rc = plumb_err_set(err, PLUMB_ENOMEM,
		    "cannot start the ingest threads: %s", strerror(rc));
		goto fail;
	}
	*out = q;
	return PLUMB_OK;
fail:
	ingestq_free(q);
	return rc;
}

int
ingestq_push(struct ingestq *q, struct ingest_job *job)
{
	int rc = PLUMB_OK;

	pthread_mutex_lock(&q->mu);
	if (ingestq_count(q) >= q->max || q->stop)
		rc = PLUMB_ELIMIT;
	else {
		q->in[q->nin++] = job;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int
ingestq_check(struct ingestq *q, X509 *client, const char *uuid,
    unsigned char *body, size_t len, time_t now, void *ctx)
{
	struct ingestq_pending *p;
	int rc = PLUMB_OK;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (uuid != NULL && (p->uuid = strdup(uuid)) == NULL) ||
	    X509_up_ref(client) != 1) {
		if (p != NULL)
			free(p->uuid);
		free(p);
		return PLUMB_ENOMEM;
	}
	p->client = client;
	p->len = len;
	p->now = now;
	p->ctx = ctx;
	pthread_mutex_lock(&q->mu);
	if (ingestq_count(q) >= q->max || q->cstop)
		rc = PLUMB_ELIMIT;
	else {
		p->body = body;
		q->chk[q->nchk++] = p;
		pthread_cond_signal(&q->ccv);
	}
	pthread_mutex_unlock(&q->mu);
	if (rc != PLUMB_OK)
		ingestq_pending_free(p);
	return rc;
}

size_t
ingestq_depth(struct ingestq *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = ingestq_count(q);
	pthread_mutex_unlock(&q->mu);
	return n;
}

void
ingestq_free(struct ingestq *q)
{
	if (q == NULL)
		return;
	/* The checker first: what it passes still goes to the writer. */
	if (q->checker_started) {
		pthread_mutex_lock(&q->mu);
		q->cstop = 1;
		pthread_cond_signal(&q->ccv);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->checker, NULL);
	}
	if (q->started) {
		pthread_mutex_lock(&q->mu);
		q->stop = 1;
		pthread_cond_signal(&q->cv);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
		ingestq_deliver(q);
	}
	if (q->ev != NULL)
		event_free(q->ev);
	if (q->wake[0] != -1)
		close(q->wake[0]);
	if (q->wake[1] != -1)
		close(q->wake[1]);
	store_close(q->store);
	X509_free(q->last);
	pthread_cond_destroy(&q->cv);
	pthread_cond_destroy(&q->ccv);
	pthread_mutex_destroy(&q->mu);
	free(q->in);
	free(q->out);
	free(q->got);
	free(q->chk);
	free(q->ref);
	free(q->gotref);
	free(q);
}
