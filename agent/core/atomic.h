/*
 * atomic.h - write a file so that a crash or a full disk never leaves
 * a half-written file under the final name: write a temporary file in
 * the same directory, fsync it, rename it over the target, fsync the
 * directory.
 */
#ifndef PLUMB_ATOMIC_H
#define PLUMB_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

#include "plumb/error.h"

struct atomic_file {
	int fd;
	char tmp[4096];
	char path[4096];
};

/*
 * Write all len bytes of buf to fd, retrying after EINTR and short
 * writes: 0, or -1 with errno set (EIO when write(2) wrote nothing).
 */
int atomic_write_all(int fd, const void *buf, size_t len);

/*
 * Read exactly len bytes from fd into buf, retrying after EINTR and
 * short reads: 0, or -1 with errno set (0 when the file ended first).
 */
int atomic_read_all(int fd, void *buf, size_t len);

/* Create the temporary file for path; af->fd is ready for writing.
 * Its mode is 0666 & ~umask, as open(2) would give. */
int atomic_open(struct atomic_file *af, const char *path,
    struct plumb_err *err);

/* The same with exactly mode (for keys: 0600 whatever the umask); the
 * temporary file never has a wider mode. */
int atomic_open_mode(struct atomic_file *af, const char *path,
    mode_t mode, struct plumb_err *err);

/* The whole of data (len bytes) as path with exactly mode, atomically
 * (atomic_open_mode(), writes, atomic_commit()). */
int atomic_write_file(const char *path, const void *data, size_t len,
    mode_t mode, struct plumb_err *err);

/* fsync, close, rename into place, fsync the directory.  On failure the
 * temporary file is removed and the target left as it was. */
int atomic_commit(struct atomic_file *af, struct plumb_err *err);

/* Give up: close and remove the temporary file.  Accepts fd == -1. */
void atomic_abort(struct atomic_file *af);

#define ATOMIC_OUT_BUF	65536

/*
 * Buffered writes to an atomic file's descriptor, for writers that emit
 * many small pieces.  Errors are sticky: after the first failed write
 * nothing more is written and err holds its errno (EIO for a write of
 * nothing), for the caller to check once after the last flush.
 */
struct atomic_out {
	int fd;
	int err;
	size_t n;
	char buf[ATOMIC_OUT_BUF];
};

void atomic_out_put(struct atomic_out *o, const char *s, size_t len);
void atomic_out_flush(struct atomic_out *o);

/*
 * Write a document as path, atomically, through a buffered atomic_out:
 * fill(o, arg, err) writes it with atomic_out_put() and returns 0, or
 * an error code (err set) that leaves path as it was.  A failed write
 * is PLUMB_EIO, "PATH: reason".  The buffer is allocated here.
 */
int atomic_out_write(const char *path,
    int (*fill)(struct atomic_out *o, void *arg, struct plumb_err *err),
    void *arg, struct plumb_err *err);

#endif /* PLUMB_ATOMIC_H */
