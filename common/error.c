/* error.c - error code names and the shared reason buffer. */
#include <stdarg.h>
#include <stdio.h>

#include "plumb/error.h"

const char *
plumb_strerror(int code)
{
	switch (code) {
	case PLUMB_OK:		return "success";
	case PLUMB_ENOMEM:	return "out of memory";
	case PLUMB_EIO:		return "input/output error";
	case PLUMB_EPARSE:	return "malformed document";
	case PLUMB_EINVAL:	return "invalid content";
	case PLUMB_ENOTSUP:	return "not supported";
	case PLUMB_ELIMIT:	return "limit exceeded";
	case PLUMB_ENOENT:	return "not found";
	}
	return "unknown error";
}

int
plumb_err_set(struct plumb_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
