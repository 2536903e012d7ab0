/*
 * fssync.h - make everything written to one filesystem durable with one
 * call: after many small files (the collector's evidence of a batch of
 * uploads) one flush costs less than an fsync per file and per
 * directory.  The platform shim lives under platforms/ (Linux:
 * syncfs(2)).
 */
#ifndef PLUMB_FSSYNC_H
#define PLUMB_FSSYNC_H

#include "plumb/error.h"

/*
 * Flush the data and metadata of every file and directory of the
 * filesystem holding path (a directory) to stable storage; return when
 * it is there.  PLUMB_EIO with err naming path on failure (a write that
 * failed since the last flush counts: the data may be lost).
 */
int fssync(const char *path, struct plumb_err *err);

#endif /* PLUMB_FSSYNC_H */
