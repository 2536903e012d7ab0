/*
 * error.h - error codes shared by every plumb component.
 *
 * Engine functions return 0 (PLUMB_OK) on success or a negative
 * PLUMB_E* code; they never exit the process.  Where a human-readable
 * reason exists it is written to the caller's struct plumb_err.
 */
#ifndef PLUMB_ERROR_H
#define PLUMB_ERROR_H

#include <stddef.h>

enum {
	PLUMB_OK = 0,
	PLUMB_ENOMEM = -1,	/* allocation failed */
	PLUMB_EIO = -2,		/* read/write failure (errno kept in msg) */
	PLUMB_EPARSE = -3,	/* malformed input document */
	PLUMB_EINVAL = -4,	/* well-formed but semantically invalid */
	PLUMB_ENOTSUP = -5,	/* feature or object type not supported */
	PLUMB_ELIMIT = -6,	/* a configured bound was exceeded */
	PLUMB_ENOENT = -7	/* referenced id / file does not exist */
};

#define PLUMB_ERR_MSG_MAX 512

/* A reason for the last failure, owned by the caller (no allocation). */
struct plumb_err {
	int code;
	char msg[PLUMB_ERR_MSG_MAX];
};

/* Static name for an error code; never NULL. */
const char *plumb_strerror(int code);

/*
 * Record code and a printf-style reason in err (which may be NULL);
 * returns code so callers can write "return plumb_err_set(...)".
 */
int plumb_err_set(struct plumb_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* PLUMB_ERROR_H */
