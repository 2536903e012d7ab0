/*
 * ingestq.c - the ingest writer thread (ingestq.h).
 *
 * Jobs go from the loop to the thread through "in", and back through
 * "out"; a byte on a pipe wakes the loop when "out" was empty.  The
 * thread takes every waiting job up to INGESTQ_BATCH at once, so the
 * batch grows by itself while the disk is slow.  The thread blocks
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

struct ingestq {
	struct ingest *ig;
	struct store *store;		/* the thread's */
	ingestq_done_fn done;
	void *arg;
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
		/* A full pipe already holds a wake-up: EAGAIN is fine. */
		if (wake && write(q->wake[1], "", 1) == -1 &&
		    errno != EAGAIN)
			abort();
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Hand the finished jobs to done(), in the order they were queued. */
static void
ingestq_deliver(struct ingestq *q)
{
	size_t n, i;

	pthread_mutex_lock(&q->mu);
	n = q->nout;
	memcpy(q->got, q->out, n * sizeof(q->got[0]));
	q->nout = 0;
	pthread_mutex_unlock(&q->mu);
	for (i = 0; i < n; i++)
		q->done(q->got[i], q->arg);
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
    size_t max, ingestq_done_fn done, void *arg, struct ingestq **out,
    struct plumb_err *err)
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
	    (q->got = calloc(max, sizeof(*q->got))) == NULL) {
		if (q != NULL) {
			free(q->in);
			free(q->out);
		}
		free(q);
		return plumb_err_set(err, PLUMB_ENOMEM, "out of memory");
	}
	q->max = max;
	q->ig = ig;
	q->done = done;
	q->arg = arg;
	q->wake[0] = q->wake[1] = -1;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
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
	rc = pthread_create(&q->thread, NULL, ingestq_thread, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		rc = plumb_err_set(err, PLUMB_ENOMEM,
		    "cannot start the ingest writer: %s", strerror(rc));
		goto fail;
	}
	q->started = 1;
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
	if (q->nin + q->busy + q->nout >= q->max || q->stop)
		rc = PLUMB_ELIMIT;
	else {
		q->in[q->nin++] = job;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

size_t
ingestq_depth(struct ingestq *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->nin + q->busy + q->nout;
	pthread_mutex_unlock(&q->mu);
	return n;
}

void
ingestq_free(struct ingestq *q)
{
	if (q == NULL)
		return;
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
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->in);
	free(q->out);
	free(q->got);
	free(q);
}
