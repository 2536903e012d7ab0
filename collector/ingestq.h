/*
 * ingestq.h - the ingest writer: one thread that stores the uploads
 * ingest_check() accepted (ingest_store()), in batches, on a store
 * connection of its own; and one checker thread that runs
 * ingest_check() itself (signature, inflating, summary.json), so a
 * large or hostile upload never holds up the event loop (TLS, the API).  The event loop goes on with TLS, HTTP and the
 * API while evidence files and the database are flushed, and uploads
 * that arrive meanwhile share the next flush and the next commit.
 *
 * At most max jobs are in the queue (waiting to be checked, being
 * checked, waiting, being stored or stored but not yet handed back;
 * [limits] ingest_queue); beyond that
 * ingestq_push() refuses and the upload is to be answered 503, to be
 * sent again.  Each job holds its upload's body.
 */
#ifndef PLUMB_COLLECTOR_INGESTQ_H
#define PLUMB_COLLECTOR_INGESTQ_H

#include <event2/event.h>

#include "plumb/error.h"
#include "ingest.h"

#define INGESTQ_BATCH	64	/* jobs stored with one commit, at most */

struct ingestq;

/* Called on the event loop for each stored (or failed) job, which it
 * then owns (ingest_job_free). */
typedef void (*ingestq_done_fn)(struct ingest_job *job, void *arg);

/* Called on the event loop for an upload ingest_check() refused: res
 * says why, ctx and len are those given to ingestq_check(). */
typedef void (*ingestq_refused_fn)(void *ctx, const struct ingest_result *res,
    size_t len, void *arg);

/*
 * Open the writer's own connection to database (store_open) and start
 * its thread, for at most max jobs (at least 1); done(job, arg) runs on
 * base's loop as jobs finish.  ig is borrowed (only its evidence
 * directory is used on the thread).  *out NULL on failure.
 */
int ingestq_new(struct event_base *base, struct ingest *ig,
    const char *database, size_t max, ingestq_done_fn done,
    ingestq_refused_fn refused, void *arg, struct ingestq **out,
    struct plumb_err *err);

/*
 * Queue an upload to be checked on the checker thread (ingest_check()
 * of client, uuid, body, len, now, ctx), then stored (done()) or
 * refused (refused()).  body is taken over (malloc'd; freed by the
 * queue) and client gets a reference of the queue's.  PLUMB_ELIMIT when
 * full, PLUMB_ENOMEM: nothing taken, body still the caller's.
 */
int ingestq_check(struct ingestq *q, X509 *client, const char *uuid,
    unsigned char *body, size_t len, time_t now, void *ctx);

/* Queue a checked job (the queue's until done() gets it); PLUMB_ELIMIT
 * when full, the job still the caller's. */
int ingestq_push(struct ingestq *q, struct ingest_job *job);

/* Jobs in the queue now (for /metrics). */
size_t ingestq_depth(struct ingestq *q);

/* Store what is queued, hand every job to done(), stop the thread and
 * free; accepts NULL. */
void ingestq_free(struct ingestq *q);

#endif /* PLUMB_COLLECTOR_INGESTQ_H */
